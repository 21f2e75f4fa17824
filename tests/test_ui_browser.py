"""The page driven in a real browser: Debian's chromium under Playwright, against the sandbox.

Screenshots of every step go to .ci/artifacts/screenshots (CI keeps that folder); one of them
is in the README. No browser is ever downloaded: the executable is /usr/bin/chromium.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from importer.ui.server import RunningUi, run_ui
from importer.ui.words import page_words
from tests.conftest import SandboxHandle
from tests.pipeline_helpers import by_reference, load_agenda_error

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "agenda.xlsx"
SHOTS = Path(os.environ.get("ZUDDL_SCREENSHOTS", ROOT / ".ci" / "artifacts" / "screenshots"))
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Flags that keep Chromium off the network this machine does not have (see the env notes).
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROKEN_ROWS = [
    ["K1", "", "Keynote", "", "2026-06-10", "09:00", "10:00", "Main Hall", "100", ""],
    ["K2", "", "Talk two", "", "2026-13-45", "10:00", "11:00", "Main Hall", "100", ""],
    ["K3", "", "", "", "2026-06-10", "11:00", "12:00", "Room 101", "lots", ""],
    ["K4", "", "Late talk", "", "2026-06-10", "12:00", "11:00", "Room 102", "10", ""],
    ["K5", "", "Fine talk", "", "2026-06-10", "13:00", "14:00", "Room 102", "10", ""],
]
HEADERS = "Reference ID,Parent,Title,Description,Date,Start Time,End Time,Location,Capacity,Tags"

if not Path(CHROMIUM).exists():  # pragma: no cover - CI installs it (.ci/run)
    if os.environ.get("ZUDDL_REQUIRE_BROWSER") or os.environ.get("CI"):
        raise RuntimeError("CI needs Debian's chromium at /usr/bin/chromium (.ci/run installs it)")
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True
    )

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

# expect() waits 5 s by default, whatever the page's own timeout: a re-check on a 2-core machine
# kept busy by the other workers can take longer. Every page test imports this module.
expect.set_options(timeout=20_000)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def ui(sandbox: SandboxHandle) -> Iterator[RunningUi]:
    # The base URL and the event are typed on the page; the key too (none in the environment).
    with run_ui() as running:
        yield running


def new_page(browser: Browser, width: int = 1280, height: int = 800) -> Page:
    context = browser.new_context(
        viewport={"width": width, "height": height}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    return page


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def connect(page: Page, ui: RunningUi, sandbox: SandboxHandle, key: str) -> None:
    page.goto(ui.url)
    expect(page).to_have_url(f"{ui.base_url}/connect")  # the token left the address bar
    page.get_by_label("Event ID").fill(sandbox.event_id)
    page.get_by_label("API key").fill(key)
    page.get_by_label("API address").fill(sandbox.base_url)


def every_input_is_labelled(page: Page) -> None:
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select, button')]
            .filter(e => e.tagName === 'BUTTON' ? !e.textContent.trim() : e.labels.length === 0)
            .map(e => e.outerHTML)"""
    )
    assert unlabelled == []


def fits_width(page: Page) -> None:
    """Nothing but the tables and the timeline (which scroll inside their boxes) is wider."""
    too_wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => !e.closest('.scroll') && e.getBoundingClientRect().right > innerWidth)
            .map(e => e.tagName + '#' + e.id + '.' + e.className)"""
    )
    assert too_wide == []
    assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")


def results_rows(content: bytes) -> list[dict[str, Any]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


def test_whole_flow_on_the_example_agenda(
    browser: Browser, ui: RunningUi, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    page = new_page(browser)
    connect(page, ui, sandbox, sandbox.key)
    every_input_is_labelled(page)
    shot(page, "1-connect")
    page.get_by_role("button", name="Connect").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("2. Upload the agenda")
    assert sandbox.key not in page.content()  # typed once, never echoed back
    with page.expect_download() as template:
        page.get_by_role("link", name="Download the agenda template").click()
    assert template.value.suggested_filename == "agenda-template.xlsx"
    # The same bytes as the committed template (the writer is deterministic).
    committed = (ROOT / "templates" / "agenda-template.xlsx").read_bytes()
    assert Path(template.value.path()).read_bytes() == committed
    page.get_by_label(re.compile("^Spreadsheet")).set_input_files(EXAMPLE)
    shot(page, "2-upload")
    page.get_by_role("button", name="Upload and read").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("2. Sheet and columns of agenda.xlsx")
    # The detected mapping is filled in: the example's headers are the canonical ones.
    for label, field in [("Title", "title"), ("Start Time", "start"), ("Parent", "parent")]:
        expect(page.get_by_label(label, exact=True)).to_have_value(field)
    page.get_by_label("Time zone of the times in the sheet").select_option("Europe/Berlin")
    every_input_is_labelled(page)
    shot(page, "2-columns")
    page.get_by_role("button", name="Check the rows").click()

    expect(page.locator("#check-summary")).to_contain_text("62 rows: all can be imported.")
    assert page.locator("td.bad").count() == 0
    expect(page.locator("#go")).to_be_enabled()
    with page.expect_download() as checked:
        page.get_by_role("link", name="Download the checked workbook").click()
    assert checked.value.suggested_filename == "agenda.checked.xlsx"
    shot(page, "3-check")
    page.locator("#go").click()

    expect(page.locator("#plan-counts")).to_contain_text("62 to create")
    expect(page.locator("#plan-counts")).to_contain_text("0 to update")
    days = page.locator(".timeline svg")
    assert days.count() >= 2
    # Parents are bands behind their sessions: the example's tracks and workshop.
    assert page.locator(".timeline g.band").count() >= 5
    shot(page, "4-plan")
    page.locator("#start").click()

    expect(page.locator("#summary")).to_have_text("Done: 62 created.", timeout=60_000)
    shot(page, "5-import")
    with page.expect_download() as results:
        page.locator("#download-results").click()
    assert results.value.suggested_filename == "agenda.results.xlsx"
    rows = results_rows(Path(results.value.path()).read_bytes())
    with page.expect_download() as workbook:
        page.locator("#download-workbook").click()
    assert workbook.value.suggested_filename == "agenda.imported.xlsx"

    # The sandbox holds exactly the sheet's sessions, parents linked, times in UTC.
    by_ref = by_reference(sandbox)  # also: no reference ID twice
    assert len(by_ref) == 62 == len(rows)
    assert {r["Zuddl Session ID"] for r in rows} == {s["id"] for s in by_ref.values()}
    assert by_ref["D1-T1-01"]["parentSessionId"] == by_ref["D1-T1"]["id"]
    assert by_ref["D1-WS-P2"]["parentSessionId"] == by_ref["D1-WS"]["id"]
    assert by_ref["D1-WEL"]["startDateTime"] == "2026-06-10T07:00:00Z"  # 09:00 in Berlin
    assert by_ref["D1-WEL"]["endDateTime"] == "2026-06-10T07:15:00Z"
    assert by_ref["D1-WEL"]["location"][0]["locationName"] == "Main Hall"
    assert by_ref["D1-KEY"]["totalCapacity"] == 600
    assert by_ref["D1-KEY"]["parentSessionId"] is None
    # The upload and everything made from it left the disk with the run.
    assert list(ui.workspace.root.glob("upload-*")) == []

    # Next time: the written-back workbook with two cells changed shows two updates.
    changed = tmp_path / "agenda.imported.xlsx"
    changed.write_bytes(Path(workbook.value.path()).read_bytes())
    book = openpyxl.load_workbook(changed)
    sheet = book["Agenda"]
    titles = {row[0].value: row for row in sheet.iter_rows(min_row=4) if row[0].value}
    titles["D1-WEL"][2].value = "Welcome and Opening"
    titles["D1-KEY"][8].value = 550
    book.save(changed)
    page.get_by_role("button", name="Import another file").click()
    page.get_by_label(re.compile("^Spreadsheet")).set_input_files(changed)
    page.get_by_role("button", name="Upload and read").click()
    page.get_by_label("Time zone of the times in the sheet").select_option("Europe/Berlin")
    page.get_by_role("button", name="Check the rows").click()
    page.locator("#go").click()
    expect(page.locator("#plan-counts")).to_contain_text("2 to update")
    expect(page.locator("#plan-counts")).to_contain_text("60 unchanged")
    expect(page.locator("#updates")).to_contain_text(
        'title: "Welcome & Opening" → "Welcome and Opening"'
    )
    expect(page.locator("#updates")).to_contain_text("capacity: 600 → 550")
    shot(page, "4-plan-updates")
    page.locator("#start").click()
    expect(page.locator("#summary")).to_have_text("Done: 2 updated, 60 unchanged.", timeout=30_000)
    after = by_reference(sandbox)
    assert len(after) == 62
    assert after["D1-WEL"]["title"] == "Welcome and Opening"
    assert after["D1-KEY"]["totalCapacity"] == 550
    assert after["D1-WEL"]["id"] == by_ref["D1-WEL"]["id"]


def test_broken_file_shows_red_cells_and_holds_the_import(
    browser: Browser, ui: RunningUi, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    agenda = tmp_path / "broken agenda.csv"
    with agenda.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS.split(","))
        writer.writerows(BROKEN_ROWS)
    page = new_page(browser, 390, 844)  # a phone: the layout stacks
    connect(page, ui, sandbox, sandbox.key)
    page.get_by_role("button", name="Connect").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2. Upload the agenda")
    page.wait_for_load_state("load")  # the page's script listens for the drop
    # Dropped on the box rather than picked: the page's drag-and-drop path.
    page.evaluate(
        """([name, text]) => {
            const data = new DataTransfer();
            data.items.add(new File([text], name, {type: 'text/csv'}));
            document.getElementById('drop').dispatchEvent(
                new DragEvent('drop', {dataTransfer: data, bubbles: true, cancelable: true}));
        }""",
        [agenda.name, agenda.read_text(encoding="utf-8")],
    )
    page.get_by_role("button", name="Upload and read").click()
    page.get_by_label("Time zone of the times in the sheet").select_option("Europe/Berlin")
    page.get_by_role("button", name="Check the rows").click()

    expect(page.locator("#check-summary")).to_contain_text(
        "5 rows: 3 with problems to fix (4 problems)."
    )
    bad = page.locator("td.bad")
    assert bad.count() == 4
    expected = {
        ("3", "2026-13-45"): '"2026-13-45" is not a real date. Write it like 2026-06-10.',
        ("4", ""): "The title is empty. Every session needs a title.",
        ("4", "lots"): '"lots" is not a whole number. Write a number like 120.',
        ("5", "11:00"): "The session ends (2026-06-10 11:00) before or when it starts "
        "(2026-06-10 12:00). Check the end time.",
    }
    found = {}
    for n in range(bad.count()):
        cell = bad.nth(n)
        row = cell.evaluate("c => c.closest('tr').dataset.row")
        found[(row, cell.inner_text().replace("⚠", "").strip())] = cell.get_attribute("title")
    assert found == expected
    items = page.locator("#problem-list li")
    expect(items.nth(0).locator(".where")).to_have_text("Row 3, Date (E3)")
    expect(items.nth(0).locator("#group-1-message")).to_have_text(
        '"2026-13-45" is not a real date. Write it like 2026-06-10.'
    )
    # Each red cell points at its entry in the list (screen readers read it with the cell).
    first = (bad.first.get_attribute("aria-describedby") or "").split()
    assert first == ["group-1-message", "problem-1"]
    expect(page.locator(f"#{first[0]}")).to_contain_text("is not a real date")

    # Back to the columns through the steps list: the choices made there are kept.
    page.get_by_role("navigation", name="Steps").get_by_role("link", name="2 Upload").click()
    expect(page.get_by_label("Time zone of the times in the sheet")).to_have_value("Europe/Berlin")
    expect(page.get_by_label("Capacity")).to_have_value("capacity")
    page.get_by_role("button", name="Check the rows").click()
    go = page.locator("#go")
    expect(go).to_be_disabled()
    shot(page, "3-check-broken-390px")
    fits_width(page)
    # By keyboard: Tab to the box, Space ticks it, and the button comes alive.
    page.locator("#skip_invalid").focus()
    page.keyboard.press("Space")
    expect(go).to_be_enabled()
    with page.expect_download() as checked:
        page.get_by_role("link", name="Download the checked workbook").click()
    assert checked.value.suggested_filename == "broken agenda.checked.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(Path(checked.value.path()).read_bytes()))
    assert book.worksheets[0]["E3"].comment is not None
    go.click()
    expect(page.locator("#plan-counts")).to_contain_text("2 to create")
    expect(page.locator("#plan-counts")).to_contain_text("3 invalid, left out")
    shot(page, "4-plan-390px")
    fits_width(page)  # the timeline scrolls inside its own box
    page.locator("#start").click()
    expect(page.locator("#summary")).to_have_text(
        "Finished with problems: 2 created, 3 invalid.", timeout=30_000
    )
    assert sorted(s["referenceId"] for s in sandbox.sessions()) == ["K1", "K5"]


def test_overlaps_are_outlined_on_the_timeline(
    browser: Browser, ui: RunningUi, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    agenda = tmp_path / "clash.csv"
    agenda.write_text(
        HEADERS
        + "\nA,,Talk A,,2026-06-10,09:00,10:00,Main Hall,,\n"
        + "B,,Talk B,,2026-06-10,09:30,10:30,main hall ,,\n"
        + "C,,Talk C,,2026-06-10,10:30,11:00,Main Hall,,\n",
        encoding="utf-8",
    )
    page = new_page(browser)
    connect(page, ui, sandbox, sandbox.key)
    page.get_by_role("button", name="Connect").click()
    page.get_by_label(re.compile("^Spreadsheet")).set_input_files(agenda)
    page.get_by_role("button", name="Upload and read").click()
    page.get_by_role("button", name="Check the rows").click()
    page.locator("#go").click()
    expect(page.locator("#overlaps")).to_have_text(
        "1 pair of sessions overlap in one location (outlined red)."
    )
    assert page.locator(".timeline g.overlap").count() == 2
    expect(page.locator(".overlap-list")).to_have_text("Rows 2 and 3 overlap in one location.")


def test_wrong_key_is_refused_on_the_page_and_never_echoed(
    browser: Browser, ui: RunningUi, sandbox: SandboxHandle
) -> None:
    page = new_page(browser)
    connect(page, ui, sandbox, "not-the-key-12345")
    page.get_by_role("button", name="Connect").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Problem: Zuddl refused the API key (401). Check that the key is right and was "
        "created for Backend usage."
    )
    assert "not-the-key-12345" not in page.content()
    expect(page.get_by_label("API key")).to_have_value("")
    expect(page.get_by_label("Event ID")).to_have_value(sandbox.event_id)


def test_page_without_the_token_is_refused(browser: Browser, ui: RunningUi) -> None:
    page = new_page(browser)
    for path in ("/", "/connect", "/static/app.css", "/import/status"):
        response = page.goto(ui.base_url + path)
        assert response is not None and response.status == 403
        expect(page.locator("p")).to_have_text(
            "This page needs its access token. Open the address that zuddl-import ui "
            "printed (it ends in ?token=...)."
        )
    response = page.goto(f"{ui.base_url}/?token=wrong")
    assert response is not None and response.status == 403


def test_post_without_csrf_token_is_refused(
    browser: Browser, ui: RunningUi, sandbox: SandboxHandle
) -> None:
    page = new_page(browser)
    page.goto(ui.url)  # holds the access cookie, as a real user's browser would
    posts = sorted(
        {
            route.path
            for route in ui.ui.app.routes
            if "POST" in (getattr(route, "methods", None) or ())
        }
    )
    assert posts == [
        "/check",
        "/check/cell",
        "/columns",
        "/connect",
        "/history/{run}/delete",
        "/import",
        "/plan",
        "/resolve/column",
        "/resolve/date",
        "/resolve/skip",
        "/resolve/values",
        "/restart",
        "/upload",
    ]
    form = {"event_id": sandbox.event_id, "api_key": sandbox.key, "base_url": sandbox.base_url}
    for path in posts:
        for token in ({}, {"csrf": "forged"}):
            response = page.request.post(ui.base_url + path, form={**form, **token})
            assert response.status == 403, path
            assert "its security token is missing or wrong" in response.text()
    assert ui.workspace.connection is None  # nothing the forged posts asked for happened
    # The same form with the page's token goes through.
    response = page.request.post(
        ui.base_url + "/connect", form={**form, "csrf": ui.tokens.csrf}, max_redirects=0
    )
    assert response.status == 303 and ui.workspace.connection is not None


def test_sheet_choice_and_a_column_mapped_by_hand(
    browser: Browser, ui: RunningUi, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    book = openpyxl.Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Notes"
    notes.append(["Draft agenda, do not share"])
    sheet = book.create_sheet("Day one")
    sheet.append(["Code", "Session name", "Kick-off", "Wrap-up", "Room"])
    sheet.append(["S1", "Opening", "2026-06-10 09:00", "2026-06-10 09:30", "Main Hall"])
    sheet.append(["S2", "Roadmap", "2026-06-10 09:30", "2026-06-10 10:15", "Room 101"])
    agenda = tmp_path / "two sheets.xlsx"
    book.save(agenda)

    page = new_page(browser)
    connect(page, ui, sandbox, sandbox.key)
    page.get_by_role("button", name="Connect").click()
    page.get_by_label(re.compile("^Spreadsheet")).set_input_files(agenda)
    page.get_by_role("button", name="Upload and read").click()
    # No sheet holds a complete agenda, so the first readable one is shown with what it lacks.
    sheet_choice = page.get_by_label("Sheet", exact=True)
    expect(sheet_choice).to_have_value("Day one")
    expect(page.get_by_role("alert")).to_have_text(
        'Problem: two sheets.xlsx, sheet "Day one" has no column for the session start time. '
        'Name a column "Start" (or "Date" and "Start Time"), or choose it in the list below.'
    )
    # A sheet that cannot be read is refused with its reason, and the chosen one stays.
    page.wait_for_load_state("load")  # the page's script reads the sheet on change
    sheet_choice.select_option("Notes")  # read at once, no button needed
    expect(page.get_by_role("alert")).to_have_text(
        f"Problem: {page_words(load_agenda_error(agenda, 'Notes'))}"
    )
    assert "--" not in page.locator("#error").inner_text()
    expect(sheet_choice).to_have_value("Day one")
    expect(page.get_by_label("Session name")).to_have_value("title")
    expect(page.get_by_label("Code")).to_have_value("reference")
    expect(page.get_by_label("Kick-off")).to_have_value("ignore")  # no known name
    page.get_by_label("Kick-off").select_option("start")
    page.get_by_label("Wrap-up").select_option("end")
    page.get_by_label("Time zone of the times in the sheet").select_option("UTC")
    every_input_is_labelled(page)
    page.get_by_role("button", name="Check the rows").click()
    expect(page.locator("#check-summary")).to_contain_text("2 rows: all can be imported.")
    page.locator("#go").click()
    page.locator("#start").click()
    expect(page.locator("#summary")).to_have_text("Done: 2 created.", timeout=30_000)
    remote = by_reference(sandbox)
    assert remote["S2"]["title"] == "Roadmap"
    assert remote["S2"]["startDateTime"] == "2026-06-10T09:30:00Z"
    assert remote["S2"]["endDateTime"] == "2026-06-10T10:15:00Z"
    assert remote["S2"]["location"][0]["locationName"] == "Room 101"


def test_connect_by_keyboard_alone(browser: Browser, ui: RunningUi, sandbox: SandboxHandle) -> None:
    page = new_page(browser)
    page.goto(ui.url)
    order = []
    for _ in range(5):
        page.keyboard.press("Tab")
        order.append(
            page.evaluate(
                "() => document.activeElement.id || document.activeElement.textContent.trim()"
            )
        )
    # The skip link first, then the form's fields in reading order, then its button.
    assert order == ["Skip to the content", "event_id", "api_key", "base_url", "Connect"]
    for _ in range(3):  # back to the event ID
        page.keyboard.press("Shift+Tab")
    page.keyboard.type(sandbox.event_id)
    page.keyboard.press("Tab")
    page.keyboard.type(sandbox.key)
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type(sandbox.base_url)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("2. Upload the agenda")
    # The file field is reachable too (the skip link, the steps' link back, then the picker).
    for _ in range(3):
        page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "agenda"
