"""Fixing the sheet on the check screen, in Debian's chromium: values to resolve, problems
grouped with one-click fixes, and cells corrected in place. Each fix is followed by the check
again, and the import that follows is checked in the sandbox's state.
"""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import openpyxl
from playwright.sync_api import Browser, Page, expect

from importer.sandbox.people import demo_speakers
from importer.ui.server import RunningUi
from tests.conftest import SandboxHandle
from tests.pipeline_helpers import by_reference, write_csv, write_xlsx
from tests.test_ui_browser import browser, connect, every_input_is_labelled, new_page, shot, ui
from tests.test_ui_reading import to_check

__all__ = ["browser", "ui"]  # the fixtures, shared with the other browser tests
HEADERS = ["Reference ID", "Parent", "Title", "Date", "Start Time", "End Time", "Room", "Speakers"]
ADA = demo_speakers("5a2db0c5-de30-4e7e-8a1d-000000000001")[0]


def values_sheet(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "rooms.csv",
        [
            ["R1", "", "Track one", "2026-06-10", "09:00", "12:00", "Main Hall", ""],
            ["R2", "TRK-1", "Talk A", "2026-06-10", "09:00", "10:00", "Main Hall", "Ada L."],
            ["R3", "TRK-1", "Talk B", "2026-06-10", "10:00", "11:00", "Main Hall", "Nobody Known"],
            ["R4", "", "Talk C", "2026-06-10", "11:00", "12:00", "Room 12", ""],
            ["R5", "", "Talk D", "2026-06-10", "13:00", "14:00", "room  12", ""],
            ["R6", "", "Talk E", "2026-06-10", "14:00", "15:00", "Salle B", ""],
        ],
        HEADERS,
    )


def value_rows(page: Page) -> list[list[str]]:
    """The values-to-resolve table as shown: value, rows, the choice's label."""
    return page.evaluate(
        """() => [...document.querySelectorAll('#values tbody tr')].map(tr => [
            tr.querySelector('th').innerText.trim(), tr.querySelector('td.count').innerText,
            tr.querySelector('select').selectedOptions[0].textContent])"""
    )


def test_each_unknown_value_is_resolved_once_for_all_its_rows(
    browser: Browser, ui: RunningUi, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    agenda = values_sheet(tmp_path)
    for width in (1366, 390):
        page = new_page(browser, width)
        to_check(page, ui, sandbox, agenda)
        expect(page.locator("#check-summary")).to_contain_text("6 rows: 5 with problems")
        # Rooms first; the parent and speakers of valid rows are listed with them.
        assert value_rows(page) == [
            ["Room 12", "2", "Choose…"],
            ["Salle B", "1", "Choose…"],
            ["TRK-1", "2", "Choose…"],
            ["Ada L.", "1", "Choose…"],
            ["Nobody Known", "1", "Choose…"],
        ]
        rooms = page.get_by_label("Room 12", exact=True)
        labels = rooms.locator("option").all_inner_texts()
        rooms_of_event = ["Main Hall", "Room 101", "Room 102", "Workshop Room"]
        assert labels == ["Choose…", "No location", *rooms_of_event]
        every_input_is_labelled(page)
        shot(page, f"3-check-values-{width}")
        page.context.close()
        ui.workspace.discard_upload()

    page = new_page(browser)
    to_check(page, ui, sandbox, agenda)
    page.get_by_label("Room 12", exact=True).select_option(label="Room 101")
    page.get_by_label("Salle B", exact=True).select_option(label="No location")
    page.get_by_label("TRK-1", exact=True).select_option(label="R1: Track one")
    page.get_by_label("Ada L.", exact=True).select_option(label="Ada Lovelace (ada@example.com)")
    page.get_by_label("Nobody Known", exact=True).select_option(label="Leave out")
    page.get_by_role("button", name="Use these choices and check again").click()
    expect(page.locator("#check-summary")).to_contain_text("6 rows: all can be imported.")
    # The choices stay listed (and can be changed); nothing is left to fix.
    assert value_rows(page) == [
        ["Room 12", "2", "Room 101"],
        ["Salle B", "1", "No location"],
        ["TRK-1", "2", "R1: Track one"],
        ["Ada L.", "1", "Ada Lovelace (ada@example.com)"],
        ["Nobody Known", "1", "Leave out"],
    ]
    page.locator("#go").click()
    page.locator("#start").click()
    expect(page.locator("#summary")).to_have_text("Done: 6 created.", timeout=30_000)
    remote = by_reference(sandbox)
    room = {r: (s["location"] or [{}])[0].get("locationName") for r, s in remote.items()}
    assert room == {
        "R1": "Main Hall",
        "R2": "Main Hall",
        "R3": "Main Hall",
        "R4": "Room 101",
        "R5": "Room 101",
        "R6": None,
    }
    assert remote["R2"]["parentSessionId"] == remote["R1"]["id"]
    assert remote["R3"]["parentSessionId"] == remote["R1"]["id"]
    assert [p["speakerId"] for p in remote["R2"]["speakers"]] == [ADA.id]
    assert remote["R3"]["speakers"] == []


def problem_text(page: Page) -> str:
    return page.locator("#problem-list").inner_text()


def test_a_room_on_every_row_is_one_group_fixed_by_leaving_the_column_out(
    browser: Browser, ui: RunningUi, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    rows = [
        [
            f"H{n}",
            "",
            f"Talk {n}",
            "2026-06-10",
            f"{8 + n % 10}:00",
            f"{9 + n % 10}:00",
            "Hall Z",
            "",
        ]
        for n in range(30)
    ]
    agenda = write_csv(tmp_path / "hall.csv", rows, HEADERS)
    message = (
        '"Hall Z" is not a location of this event. The event\'s locations are: "Main Hall", '
        '"Room 101", "Room 102", "Workshop Room".'
    )
    for width in (1366, 390):
        page = new_page(browser, width)
        to_check(page, ui, sandbox, agenda)
        expect(page.locator("#check-summary")).to_contain_text("30 rows: 30 with problems")
        group = page.locator("#problem-list > li.bad")
        expect(group).to_have_count(1)
        expect(group.locator(".where").first).to_have_text("30 problems, Room")
        expect(group.locator("#group-1-message")).to_have_text(message)
        # The message once, the rows collapsed under it.
        assert problem_text(page).count("is not a location") == 1
        rows_of = group.locator("details.group-rows")
        expect(rows_of.locator("> summary")).to_have_text("Rows 2, 3, 4, 5, 6, 7, 8, 9 … (30)")
        assert rows_of.get_attribute("open") is None
        expect(group.locator(".every-row")).to_have_text(
            "Every row has this problem, so skipping them would leave nothing to import: leave "
            "the column out instead."
        )
        assert group.get_by_role("button", name=re.compile("^Skip")).count() == 0
        assert page.locator("#skip_invalid").count() == 0
        assert value_rows(page) == [["Hall Z", "30", "Choose…"]]
        shot(page, f"3-check-groups-{width}")
        page.context.close()
        ui.workspace.discard_upload()

    page = new_page(browser)
    to_check(page, ui, sandbox, agenda)
    page.get_by_role("button", name='Don\'t import the column "Room"').click()
    expect(page.locator("#check-summary")).to_contain_text("30 rows: all can be imported.")
    assert ui.workspace.upload is not None
    assert dict(ui.workspace.upload.columns)["Room"] == "ignore"
    page.locator("#go").click()
    page.locator("#start").click()
    expect(page.locator("#summary")).to_have_text("Done: 30 created.", timeout=30_000)
    remote = by_reference(sandbox)
    assert len(remote) == 30
    assert all(not s["location"] for s in remote.values())


def test_one_date_for_all_rows_and_skipping_groups_of_rows(
    browser: Browser, ui: RunningUi, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    agenda = write_csv(
        tmp_path / "no dates.csv",
        [
            ["T1", "Opening", "9:00", "10:00", "100"],
            ["T2", "Talk two", "10:00", "11:00", "lots"],
            ["T3", "Talk three", "11:00", "12:00", "many"],
            ["T4", "", "12:00", "13:00", "10"],
            ["T5", "Closing", "13:00", "14:00", "10"],
        ],
        ["Reference ID", "Title", "Start Time", "End Time", "Capacity"],
    )
    page = new_page(browser)
    to_check(page, ui, sandbox, agenda)
    first = page.locator("#group-1")
    expect(first.locator(".where").first).to_have_text("5 problems, Start Time")
    first.get_by_label("Date of all rows").fill("2026-06-12")
    first.get_by_role("button", name="Use this date for all rows").click()
    expect(page.locator("#check-summary")).to_contain_text("5 rows: 3 with problems")
    expect(page.get_by_label("Date of rows without one")).to_have_value("2026-06-12")
    capacity = page.locator("#problem-list > li", has_text="2 problems, Capacity")
    # Two rows of five: the column is not the cause, so leaving it out is not offered.
    assert capacity.get_by_role("button", name=re.compile("^Don't import")).count() == 0
    capacity.get_by_role("button", name="Skip these 2 rows").click()
    expect(page.locator("#skipped-note")).to_have_text("2 rows left out of the import: 3, 4.")
    expect(page.locator("#go")).to_be_disabled()  # row 5 still has a problem
    title = page.locator("#problem-list > li", has_text="Row 5, Title")
    assert title.get_by_role("button", name=re.compile("^Don't import")).count() == 0
    title.get_by_role("button", name="Skip this row").click()
    expect(page.locator("#go-help")).to_have_text(
        "The 3 rows with problems are left out; the others are imported."
    )
    page.locator("#go").click()
    expect(page.locator("#plan-counts")).to_contain_text("2 to create")
    page.locator("#start").click()
    expect(page.locator("#summary")).to_have_text(
        "Finished with problems: 2 created, 3 invalid.", timeout=30_000
    )
    remote = by_reference(sandbox)
    assert sorted(remote) == ["T1", "T5"]
    assert remote["T1"]["startDateTime"] == "2026-06-12T09:00:00Z"


def test_a_date_column_nobody_can_read_is_replaced_by_one_date(
    browser: Browser, ui: RunningUi, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    agenda = write_csv(
        tmp_path / "bad dates.csv",
        [["D1", "Opening", "Jour 1", "9:00", "10:00"], ["D2", "Talk", "Jour 1", "10:00", "11:00"]],
        ["Reference ID", "Title", "Date", "Start Time", "End Time"],
    )
    page = new_page(browser)
    to_check(page, ui, sandbox, agenda)
    group = page.locator("#group-1")
    expect(group.locator(".where").first).to_have_text("2 problems, Date")
    # Skipping would leave nothing: the page says so and offers the column fix instead.
    assert group.get_by_role("button", name=re.compile("^Skip")).count() == 0
    group.get_by_label("Date of all rows").fill("2026-06-11")
    group.get_by_role("button", name="Use this date for all rows").click()
    expect(page.locator("#check-summary")).to_contain_text("2 rows: all can be imported.")
    page.locator("#go").click()
    page.locator("#start").click()
    expect(page.locator("#summary")).to_have_text("Done: 2 created.", timeout=30_000)
    assert by_reference(sandbox)["D2"]["startDateTime"] == "2026-06-11T10:00:00Z"


def test_every_missing_column_at_once_in_the_pages_words(
    browser: Browser, ui: RunningUi, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    agenda = write_csv(
        tmp_path / "papers.csv",
        [["Ada Lovelace", "Notes on the engine", "Computing"], ["Alan Turing", "On numbers", "AI"]],
        ["Speaker", "Paper", "Track"],
    )
    for width in (1366, 390):
        page = new_page(browser, width)
        if ui.workspace.connection is None:
            connect(page, ui, sandbox, sandbox.key)
            page.get_by_role("button", name="Connect").click()
        else:
            page.goto(ui.url)
        page.get_by_label(re.compile("^Spreadsheet")).set_input_files(agenda)
        page.get_by_role("button", name="Upload and read").click()
        expect(page.get_by_role("alert")).to_have_text(
            "Problem: papers.csv has no column for the session title and none for the start "
            'time. Name a column "Title" and a column "Start" (or "Date" and "Start Time"), or '
            "choose them in the list below."
        )
        expect(page.locator("#missing-title")).to_have_text(
            'No column is chosen for the title. The column "Paper" looks like it holds it: '
            'choose "Title" for it below.'
        )
        expect(page.locator("#missing-start")).to_contain_text(
            "No column holds times (like 09:30, or 2026-06-10 09:30). Every session in Zuddl has "
            "a start and an end, so the sheet needs them: add a Start column and an End column"
        )
        assert "config" not in page.locator("main").inner_text()
        shot(page, f"2-columns-missing-{width}")
        page.context.close()
        ui.workspace.discard_upload()
    page = new_page(browser)
    page.goto(ui.url)
    page.get_by_label(re.compile("^Spreadsheet")).set_input_files(agenda)
    page.get_by_role("button", name="Upload and read").click()
    page.get_by_label("Paper", exact=True).select_option("title")
    page.get_by_role("button", name="Check the rows").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Problem: papers.csv has no column for the session start time. Name a column "
        '"Start" (or "Date" and "Start Time"), or choose it in the list below.'
    )
    expect(page.locator("#missing-title")).to_have_count(0)
    with page.expect_download() as template:
        page.locator("#missing-start").get_by_role("link").click()
    assert template.value.suggested_filename == "agenda-template.xlsx"
    assert sandbox.sessions() == []


def test_a_bad_cell_corrected_in_place_reaches_the_workbooks_and_zuddl(
    browser: Browser, ui: RunningUi, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    headers = ["Reference ID", "Title", "Date", "Start Time", "End Time", "Capacity"]
    rows = [
        ["K1", "Keynote", "2026-06-10", "09:00", "10:00", 100],
        ["K2", "Talk two", "2026-13-45", "10:00", "11:00", 50],
        ["K3", "Talk three", "2026-06-10", "11:00", "12:00", "lots"],
        ["K4", "Closing", "2026-06-10", "12:00", "13:00", 20],
    ]
    for width in (1366, 390):
        agenda = write_xlsx(tmp_path / f"edit-{width}.xlsx", rows, headers)
        page = new_page(browser, width)
        to_check(page, ui, sandbox, agenda)
        expect(page.locator("#check-summary")).to_contain_text("4 rows: 2 with problems")
        page.locator("td[data-cell=C3]").click()
        box = page.get_by_label("New value for C3", exact=True).first
        expect(box).to_be_focused()
        expect(box).to_have_value("2026-13-45")
        shot(page, f"3-check-edit-{width}")
        box.fill("2026-06-10")
        box.press("Enter")
        expect(page.locator("#check-summary")).to_contain_text("4 rows: 1 with problem")
        expect(page.locator("#sheet tr[data-row='3'] td").nth(2)).to_have_text("2026-06-10")
        expect(page.locator("#sheet td[data-edited]")).to_have_count(1)
        expect(page.locator("#edited-note")).to_have_text(
            "1 cell corrected on this page (marked ✎). Your file is unchanged; the check, the "
            "checked workbook, the import and the workbook written back have the corrections."
        )
        page.context.close()
        if width == 1366:
            ui.workspace.discard_upload()

    # By keyboard, from the problems list: "Correct F4", the new value, Save.
    page = new_page(browser)
    page.goto(ui.url)
    page.get_by_text("Correct F4").click()
    page.locator("#problem-list").get_by_label("New value for F4").fill("120")
    page.locator("#problem-list").get_by_role("button", name="Save and check again").click()
    expect(page.locator("#check-summary")).to_contain_text("4 rows: all can be imported.")
    with page.expect_download() as checked:
        page.get_by_role("link", name="Download the checked workbook").click()
    sheet = openpyxl.load_workbook(io.BytesIO(Path(checked.value.path()).read_bytes()))["Agenda"]
    assert (sheet["C3"].value, sheet["F4"].value) == ("2026-06-10", "120")
    assert sheet["C3"].comment is None  # no problem left there
    page.locator("#go").click()
    page.locator("#start").click()
    expect(page.locator("#summary")).to_have_text("Done: 4 created.", timeout=30_000)
    remote = by_reference(sandbox)
    assert remote["K2"]["startDateTime"] == "2026-06-10T10:00:00Z"
    assert remote["K3"]["totalCapacity"] == 120
    with page.expect_download() as written:
        page.locator("#download-workbook").click()
    back = openpyxl.load_workbook(io.BytesIO(Path(written.value.path()).read_bytes()))["Agenda"]
    assert (back["C3"].value, back["F4"].value) == ("2026-06-10", "120")
    assert back["G1"].value == "Status" and back["G3"].value == "created"


def test_refused_fixes_leave_the_check_as_it_was(
    browser: Browser, ui: RunningUi, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    agenda = write_csv(
        tmp_path / "one.csv",
        [["Q1", "Talk", "2026-13-45", "9:00", "10:00"]],
        ["Reference ID", "Title", "Date", "Start Time", "End Time"],
    )
    page = new_page(browser)
    to_check(page, ui, sandbox, agenda)
    answer = page.request.post(
        ui.base_url + "/check/cell",
        form={"csrf": ui.tokens.csrf, "cell": "Z99", "value": "x"},
    )
    assert answer.status == 400
    assert 'Problem: "Z99" is not a cell of a column of this sheet.' in html.unescape(
        re.sub(r"<[^>]+>", "", answer.text())
    )
    refused = {
        "/resolve/skip": (
            {"rows": "2"},
            "Problem: Skipping these rows would leave nothing to import. Fix the column instead: "
            'choose "Don\'t import this column", or correct the cells.',
        ),
        "/resolve/values": (
            {"field-0": "location", "key-0": "Hall", "value-0": "Main Hall"},
            'Problem: "Main Hall" is not one of the choices for "Hall".',
        ),
        "/resolve/column": ({"column": "Nope"}, 'Problem: "Nope" is not a column of this sheet.'),
        "/resolve/date": ({"date": ""}, "Problem: Choose the date the rows are on first."),
    }
    for path, (form, message) in refused.items():
        answer = page.request.post(ui.base_url + path, form={"csrf": ui.tokens.csrf, **form})
        assert answer.status == 400, path
        assert message in html.unescape(re.sub(r"<[^>]+>", "", answer.text())), path
    upload = ui.workspace.upload
    assert upload is not None
    assert (upload.edits, upload.values, upload.skipped) == ((), (), set())
    assert "ignore" not in dict(upload.columns).values()
    page.reload()
    expect(page.locator("#check-summary")).to_contain_text("1 row: 1 with problem")
