"""The page while it works, and the timeline as drawn by Debian's chromium (issue 18).

Every step that can take seconds says so at once (a busy line, the form marked busy); the
timeline's labels, measured as the browser lays them out, stay inside their boxes and never
print over each other; every session, parents too, is a Tab stop whose details show under
its day's picture.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from importer.ui.server import RunningUi
from tests.conftest import SandboxHandle
from tests.pipeline_helpers import HEADERS, write_csv
from tests.test_ui_browser import browser, connect, new_page, shot, ui

__all__ = ["browser", "ui"]

# Each label's box as laid out, and the room it has: its clip, or the lanes' name column.
LABELS = """() => {
    const found = [...document.querySelectorAll(['slot-label', 'band-label', 'lane-label']
        .map(c => 'svg.timeline text.' + c).join(', '))];
    const out = {count: found.length, outside: [], overlapping: []};
    const boxes = found.map(t => {
        const b = t.getBBox();
        return {svg: t.ownerSVGElement, text: t.textContent,
                x: b.x, y: b.y, r: b.x + b.width, b: b.y + b.height};
    });
    found.forEach((t, i) => {
        const clip = t.getAttribute('clip-path');
        const rect = clip && document.getElementById(clip.slice(5, -1)).querySelector('rect');
        const limit = rect ? +rect.getAttribute('x') + +rect.getAttribute('width') : 134;
        if (boxes[i].r > limit + 0.5) { out.outside.push(t.textContent); }
    });
    boxes.forEach((a, i) => boxes.slice(i + 1).forEach(b => {
        if (a.svg === b.svg && a.x < b.r && b.x < a.r && a.y < b.b && b.y < a.b) {
            out.overlapping.push([a.text, b.text]);
        }
    }));
    return out;
}"""


def hold(page: Page, form: str) -> None:
    """The form's next submission stays on the page (its own handlers still run)."""
    page.wait_for_load_state("load")
    page.locator(form).evaluate("f => f.addEventListener('submit', e => e.preventDefault())")


def busy(page: Page, form: str, button: str, text: str) -> None:
    hold(page, form)
    page.locator(form).get_by_role("button", name=button).click()
    expect(page.locator(form)).to_have_attribute("aria-busy", "true")
    expect(page.locator(f"{form} .busy[role=status]")).to_have_text(text)
    page.reload()  # the real submission follows, without the hold


def test_every_slow_step_shows_a_busy_line_at_once(
    browser: Browser, ui: RunningUi, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    rows = [["A1", None, "Talk", None, "2026-06-10", "9:00", "10:00", "Main Hall", None, None]]
    agenda = write_csv(tmp_path / "agenda.csv", rows, HEADERS)
    page = new_page(browser)
    connect(page, ui, sandbox, sandbox.key)
    connect_form = "form[action='/connect']"
    busy(page, connect_form, "Connect", "Checking the event and the key with Zuddl…")
    assert ui.workspace.connection is None  # held: nothing was sent
    connect(page, ui, sandbox, sandbox.key)
    page.get_by_role("button", name="Connect").click()
    page.get_by_label(re.compile("^Spreadsheet")).set_input_files(agenda)
    hold(page, "#upload-form")
    page.get_by_role("button", name="Upload and read").click()
    expect(page.locator("#upload-form .busy")).to_have_text("Reading the file…")
    shot(page, "busy-upload-1280")
    page.reload()
    page.get_by_label(re.compile("^Spreadsheet")).set_input_files(agenda)
    page.get_by_role("button", name="Upload and read").click()
    busy(page, "form[action='/columns']", "Check the rows", "Checking the rows…")
    page.get_by_role("button", name="Check the rows").click()
    expect(page.locator("#check-summary")).to_contain_text("all can be imported")
    busy(page, "#reading", "Check again", "Checking the rows again…")
    busy(page, "#go-form", "Import: review the plan", "Working out the plan…")
    page.locator("#go").click()
    busy(page, "form[action='/import']", "Import now: 1 change", "Starting the import…")
    assert sandbox.sessions() == []  # every step above was held before it did anything


def test_timeline_labels_fit_their_boxes_and_never_overprint(
    browser: Browser, ui: RunningUi, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    rows = [
        ["D1", None, "DAY ONE MAIN PROGRAMME WITH WIDE CAPITALS", None, "2026-06-10", "9:00",
         "13:00", None, None, None],
        ["M1", "D1", "Morning workshops, all of them nested", None, "2026-06-10", "9:00",
         "13:00", None, None, None],
        ["A1", "M1", "WWW MMM WORKSHOP ON MACHINE MEMORY", None, "2026-06-10", "9:00", "10:00",
         "Main Hall", None, None],
        ["A2", "M1", "基調講演と未来の展望について", None, "2026-06-10", "9:30", "10:30",
         "Main Hall", None, None],
        ["A3", "M1", "Il était une fois, à l'école", None, "2026-06-10", "10:30", "11:00",
         "Room 101", None, None],
        ["A4", "D1", "A short one", None, "2026-06-10", "11:00", "11:05", "Room 101", None, None],
    ]  # fmt: skip
    agenda = write_csv(tmp_path / "labels.csv", rows, HEADERS)
    page = new_page(browser, 1366)
    connect(page, ui, sandbox, sandbox.key)
    page.get_by_role("button", name="Connect").click()
    page.get_by_label(re.compile("^Spreadsheet")).set_input_files(agenda)
    page.get_by_role("button", name="Upload and read").click()
    page.get_by_role("button", name="Check the rows").click()
    page.locator("#go").click()
    expect(page.locator("#plan-counts")).to_contain_text("6 to create")
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        found = page.evaluate(LABELS)
        assert found["count"] >= 6
        assert found["outside"] == [] and found["overlapping"] == [], found
    # The nested band's label would sit on its parent's: left out, the band still reachable.
    band = page.locator("g.band[data-row='3']")
    assert band.locator("text").count() == 0
    band.focus()
    details = page.locator("#slot-details")
    expect(details).to_have_text(
        "Morning workshops, all of them nested · 09:00–13:00 · parent session · row 3"
    )
    # Shown right under the picture of the session's day, not at the top of the timeline.
    # (outside the box that scrolls the picture sideways, so it is read whole at 390 px).
    assert details.evaluate(
        "d => d.previousElementSibling.matches('div.scroll.timeline') && "
        "!d.closest('.scroll') && d.getBoundingClientRect().left >= 0"
    )
    tiny = page.locator("g.slot[data-row='7']")  # five minutes: too narrow for any label
    assert tiny.locator("text").count() == 0
    tiny.click()
    expect(details).to_have_text("A short one · 11:00–11:05 · Room 101 · row 7")
    shot(page, "4-plan-timeline-labels-390")
    page.keyboard.press("Shift+Tab")
    expect(details).to_contain_text("row 6")
