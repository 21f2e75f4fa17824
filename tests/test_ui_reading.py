"""The check screen's reading options in a browser: date order, default date and time zone.

Each is chosen on the page (no flags, no config file), the check runs again on the change, and
the import that follows writes what was chosen: the sandbox's sessions are checked afterwards.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from importer.ui.server import RunningUi, run_ui
from importer.ui.words import page_words
from tests.conftest import SandboxHandle
from tests.pipeline_helpers import by_reference, write_csv
from tests.test_ui_browser import browser, connect, every_input_is_labelled, new_page, shot, ui

__all__ = ["browser", "ui"]  # the fixtures, shared with the other browser tests


def to_check(page: Page, ui: RunningUi, sandbox: SandboxHandle, agenda: Path) -> None:
    if ui.workspace.connection is None:
        connect(page, ui, sandbox, sandbox.key)
        page.get_by_role("button", name="Connect").click()
    else:  # a second browser of the same person: the page opens on the upload
        page.goto(ui.url)
    page.get_by_label(re.compile("^Spreadsheet")).set_input_files(agenda)
    page.get_by_role("button", name="Upload and read").click()
    page.get_by_role("button", name="Check the rows").click()


def test_date_order_and_time_zone_are_chosen_on_the_check_screen(
    browser: Browser, ui: RunningUi, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    agenda = write_csv(
        tmp_path / "slashes.csv",
        [
            ["A1", "Opening", "10/06/2026", "9:00", "10:00"],
            ["A2", "Talk", "11/06/2026", "9:00", "10:00"],
        ],
        ["Reference ID", "Title", "Date", "Start Time", "End Time"],
    )
    for width in (1366, 390):
        page = new_page(browser, width)
        to_check(page, ui, sandbox, agenda)
        expect(page.locator("#check-summary")).to_contain_text("2 rows: 2 with problems")
        first = page.locator("#problem-list li").first
        expect(first.locator(".where").first).to_have_text("2 problems, Date")
        expect(first.locator("#group-1-message")).to_have_text(
            '"10/06/2026" could be day 10 of month 6 or month 10, day 6. '
            'Write it like 2026-06-10, or choose the date order above ("Date order").'
        )
        assert "--" not in page.locator("main").inner_text()
        # The event's zone is first in the list, and chosen.
        zone = page.get_by_label("Time zone", exact=True)
        expect(zone).to_have_value("UTC")
        every_input_is_labelled(page)
        shot(page, f"3-check-date-order-{width}")
        page.wait_for_load_state("load")  # the page's script listens for the change
        page.get_by_label("Date order").select_option("dmy")  # the check runs again at once
        expect(page.locator("#check-summary")).to_contain_text("2 rows: all can be imported.")
        expect(page.get_by_label("Date order")).to_have_value("dmy")
        page.wait_for_load_state("load")
        zone.select_option("Europe/Berlin")
        expect(page.get_by_label("Time zone", exact=True)).to_have_value("Europe/Berlin")
        expect(page.locator("#check-summary")).to_contain_text("2 rows: all can be imported.")
        page.context.close()
        ui.workspace.discard_upload()
    page = new_page(browser)
    to_check(page, ui, sandbox, agenda)
    # Each choice checks again and shows a new page: the next one is made on that page.
    page.wait_for_load_state("load")  # on a busy machine the script may not listen yet
    with page.expect_navigation():
        page.get_by_label("Date order").select_option("dmy")
    page.wait_for_load_state("load")
    with page.expect_navigation():
        page.get_by_label("Time zone", exact=True).select_option("Europe/Berlin")
    expect(page.get_by_label("Time zone", exact=True)).to_have_value("Europe/Berlin")
    page.locator("#go").click()
    page.locator("#start").click()
    expect(page.locator("#summary")).to_have_text("Done: 2 created.", timeout=30_000)
    remote = by_reference(sandbox)
    assert remote["A1"]["startDateTime"] == "2026-06-10T07:00:00Z"  # 10 June, 09:00 in Berlin
    assert remote["A2"]["startDateTime"] == "2026-06-11T07:00:00Z"


def test_a_date_for_rows_without_one_and_a_wrong_one(
    browser: Browser, ui: RunningUi, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    agenda = write_csv(
        tmp_path / "times.csv",
        [["T1", "Opening", "9:00", "10:00"]],
        ["Reference ID", "Title", "Start Time", "End Time"],
    )
    page = new_page(browser)
    to_check(page, ui, sandbox, agenda)
    problem = page.locator("#problem-list li").first
    expect(problem).to_contain_text(
        'The time has no date. Give a date for all rows above ("Date of rows without one"), '
        "add a Date column, or write it in this cell (2026-06-10 09:30)."
    )
    page.wait_for_load_state("load")  # the page's script checks again on change
    page.get_by_label("Date of rows without one").fill("2026-06-12")
    expect(page.locator("#check-summary")).to_contain_text("1 row: all can be imported.")
    expect(page.get_by_label("Date of rows without one")).to_have_value("2026-06-12")
    # A date no session can have is refused with the page's own message; the check stays.
    answer = page.request.post(
        ui.base_url + "/check",
        form={"csrf": ui.tokens.csrf, "default_date": "12.6.2026", "timezone": "UTC"},
    )
    assert answer.status == 400
    assert 'Problem: "12.6.2026" is not a date. Write it like 2026-06-10.' in html.unescape(
        re.sub(r"<[^>]+>", "", answer.text())
    )
    page.reload()
    expect(page.get_by_label("Date of rows without one")).to_have_value("2026-06-12")
    page.locator("#go").click()
    page.locator("#start").click()
    expect(page.locator("#summary")).to_have_text("Done: 1 created.", timeout=30_000)
    assert by_reference(sandbox)["T1"]["startDateTime"] == "2026-06-12T09:00:00Z"


def test_page_words_leave_no_flag_and_no_config_table() -> None:
    assert (
        page_words(
            "Zuddl knows no event with this ID (x). Check --event: copy the ID from the event's "
            "settings in Zuddl."
        )
        == "Zuddl knows no event with this ID (x). Check the event ID: copy the ID from the "
        "event's settings in Zuddl."
    )
    assert page_words(
        "Make them agree, or choose with --on-conflict sheet or --on-conflict zuddl."
    ) == ("Make them agree, or edit one of them.")
    assert page_words("Run with --full to see it.") == 'Run with the "full" setting to see it.'
    # A value from the sheet that looks like a flag is shown as it is.
    assert page_words('Row 2: "--draft --full" is not a time.') == (
        'Row 2: "--draft --full" is not a time.'
    )


def test_columns_chosen_by_hand_are_remembered_for_the_same_headers(
    browser: Browser, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    memory = tmp_path / "config" / "zuddl-import" / "page-columns.json"
    headers = ["Code", "Session name", "Kick-off", "Wrap-up"]
    first = write_csv(
        tmp_path / "v1.csv", [["M1", "Opening", "2026-06-10 09:00", "2026-06-10 10:00"]], headers
    )
    again = write_csv(
        tmp_path / "v2.csv", [["M2", "Closing", "2026-06-10 16:00", "2026-06-10 17:00"]], headers
    )
    with run_ui(memory=memory) as running:
        page = new_page(browser)
        connect(page, running, sandbox, sandbox.key)
        page.get_by_role("button", name="Connect").click()
        page.get_by_label(re.compile("^Spreadsheet")).set_input_files(first)
        page.get_by_role("button", name="Upload and read").click()
        expect(page.get_by_label("Kick-off")).to_have_value("ignore")
        assert page.locator("#remembered").count() == 0
        page.get_by_label("Kick-off").select_option("start")
        page.get_by_label("Wrap-up").select_option("end")
        page.get_by_role("button", name="Check the rows").click()
        expect(page.locator("#check-summary")).to_contain_text("1 row: all can be imported.")
        assert memory.stat().st_mode & 0o777 == 0o600
        assert "Opening" not in memory.read_text()  # headers and fields only, no values
        page.get_by_role("button", name="Upload another file").click()
        page.get_by_label(re.compile("^Spreadsheet")).set_input_files(again)
        page.get_by_role("button", name="Upload and read").click()
        expect(page.locator("#remembered")).to_have_text(
            "The choices below are remembered from your last import of a sheet with these "
            "columns. Change one if it is wrong."
        )
        expect(page.get_by_label("Kick-off")).to_have_value("start")
        expect(page.get_by_label("Wrap-up")).to_have_value("end")
        shot(page, "2-columns-remembered-1366")
        page.get_by_role("button", name="Check the rows").click()
        page.locator("#go").click()
        page.locator("#start").click()
        expect(page.locator("#summary")).to_have_text("Done: 1 created.", timeout=30_000)
    assert by_reference(sandbox)["M2"]["startDateTime"] == "2026-06-10T16:00:00Z"
