"""axe-core on every screen of the page, at 1366 px and at 390 px, in Debian's chromium.

axe.min.js is vendored (tests/vendor, see its README); it is put into each screen as the
screen is shown, and any violation fails the test with each rule, its help and the elements it
names. The sandbox answers through a gate, so the import can be held mid-run and its running
screen checked too. Each screen's picture at both widths goes to .ci/artifacts/screenshots.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from importer.sandbox import DEMO_API_KEY, DEMO_EVENT_ID, Faults, SandboxSettings
from importer.ui.server import RunningUi, run_ui
from tests.gated_sandbox import GatedSandbox, gated_sandbox
from tests.pipeline_helpers import HEADERS, write_csv
from tests.test_ui_browser import browser, shot

__all__ = ["browser"]
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
WIDTHS = (1366, 390)
FIRST = [
    ["T1", None, "Day one", None, "2026-06-10", "9:00", "12:00", None, None, None],
    ["K1", "T1", "Keynote", "Welcome", "2026-06-10", "9:00", "10:00", "Main Hall", "300", None],
    ["P1", "T1", "Panel", None, "2026-06-10", "9:30", "10:30", "Main Hall", "80", None],
    ["W1", "T1", "Workshop", "Hands on", "2026-06-10", "11:00", "12:00", "Room 101", "30", None],
    ["X1", None, "Extra", None, "2026-06-11", "14:00", "15:00", "Room 102", "20", None],
]  # fmt: skip


def violations(page: Page) -> list[dict[str, Any]]:
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(content=AXE)
    found: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return found


def readable(found: list[dict[str, Any]]) -> str:
    lines = []
    for v in found:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:5]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " / ")
            lines.append(f"      {summary[:300]}")
        if len(v["nodes"]) > 5:
            lines.append(f"    … and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


class Screens:
    """Each screen, checked by axe and photographed at both widths; what failed, collected."""

    def __init__(self, page: Page) -> None:
        self.page, self.failures, self.seen = page, [], []  # type: ignore[var-annotated]

    def check(self, name: str) -> None:
        page = self.page
        page.wait_for_load_state("load")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            found = violations(page)
            if found:
                self.failures.append(f"== {name} at {width} px ({page.url})\n{readable(found)}")
            # Only the tables and the timeline scroll sideways, inside their own boxes.
            if not page.evaluate("() => document.documentElement.scrollWidth <= innerWidth"):
                self.failures.append(f"== {name} at {width} px: the page is wider than that")
            shot(page, f"screen-{name}-{width}")
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        self.seen.append(name)


@pytest.fixture
def gated() -> Iterator[GatedSandbox]:
    with gated_sandbox(SandboxSettings(faults=Faults(rate_limit=0))) as sandbox:
        sandbox.gate.opened.set()  # open until the test holds a run
        yield sandbox


@pytest.fixture
def page_ui(gated: GatedSandbox, tmp_path: Path) -> Iterator[RunningUi]:
    base = f"http://127.0.0.1:{gated.port}"
    with run_ui(base_url=base, history=tmp_path / "history") as running:
        yield running


def upload(page: Page, agenda: Path) -> None:
    page.get_by_label(re.compile("^Spreadsheet")).set_input_files(agenda)
    page.get_by_role("button", name="Upload and read").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sheet and columns")


def test_every_screen_has_no_axe_violation_at_both_widths(
    browser: Browser, gated: GatedSandbox, page_ui: RunningUi, tmp_path: Path
) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    screens = Screens(page)
    ui = page_ui

    page.goto(ui.url)
    page.get_by_label("Event ID").fill(DEMO_EVENT_ID)
    screens.check("connect")
    page.get_by_label("API key").fill("not-the-key")
    page.get_by_role("button", name="Connect").click()
    expect(page.get_by_role("alert")).to_contain_text("refused the API key")
    screens.check("connect-error")
    page.get_by_label("API key").fill(DEMO_API_KEY)
    page.get_by_role("button", name="Connect").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2. Upload the agenda")
    screens.check("upload")

    # A first import: columns, a clean check, the plan, the import held mid-run, the result.
    first = write_csv(tmp_path / "agenda.csv", FIRST, HEADERS)
    upload(page, first)
    screens.check("columns")
    page.get_by_role("button", name="Check the rows").click()
    expect(page.locator("#check-summary")).to_contain_text("all can be imported")
    screens.check("check")
    page.locator("#go").click()
    expect(page.locator("#plan-counts")).to_contain_text("5 to create")
    screens.check("plan")
    gated.gate.opened.clear()
    gated.gate.reached.clear()
    page.locator("#start").click()
    expect(page.locator("#running")).to_be_visible()
    assert gated.gate.reached.wait(60)  # the run waits at the gate: the screen stays
    screens.check("running")
    gated.gate.opened.set()
    expect(page.locator("#summary")).to_have_text("Done: 5 created.", timeout=60_000)
    screens.check("result")

    # An edit in Zuddl, then a changed file with a problem: the history, a fuller plan.
    with httpx.Client(base_url=f"http://127.0.0.1:{gated.port}", timeout=10) as client:
        listed = client.get(f"/_sandbox/events/{DEMO_EVENT_ID}/sessions").json()
        keynote = next(s for s in listed if s["referenceId"] == "K1")
        body = {
            "title": "Keynote (Zuddl)",
            "startDateTime": keynote["startDateTime"],
            "endDateTime": keynote["endDateTime"],
            "description": keynote["description"],
            "totalCapacity": keynote["totalCapacity"],
            "externalRefId": keynote["externalRefId"],
            "locationId": keynote["location"][0]["locationId"],
            "parentSessionId": keynote["parentSessionId"],
        }
        url = f"/v1/events/{DEMO_EVENT_ID}/sessions/{keynote['id']}"
        put = client.put(url, json=body, headers={"Authorization": DEMO_API_KEY})
        put.raise_for_status()
    rows = [list(r) for r in FIRST[:4]]
    rows[1][2] = "Keynote (file)"
    rows[3][3] = "A long description that goes on. " * 8
    rows.append(["B1", None, "Broken", None, "2026-13-45", "9:00", "10:00", None, None, None])
    second = write_csv(tmp_path / "agenda.csv", rows, HEADERS)
    page.get_by_role("button", name="Import another file").click()
    expect(page.locator("#history-list tbody tr")).to_have_count(1)
    screens.check("upload-history")
    upload(page, second)
    page.get_by_role("button", name="Check the rows").click()
    expect(page.locator("#check-summary")).to_contain_text("1 with problems")
    screens.check("check-problems")
    page.locator("#skip_invalid").check()
    page.locator("#go").click()
    expect(page.locator("#conflicts")).to_be_visible()
    expect(page.locator("#absent")).to_be_visible()
    page.locator("details.whole summary").first.click()
    page.locator("g.slot").first.focus()
    expect(page.locator("#slot-details")).to_contain_text("row")
    screens.check("plan-changes")

    # The history's confirmation, and the error screens.
    page.goto(ui.base_url + "/upload")
    page.locator("#history-list a.delete").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Delete this import")
    screens.check("history-delete")
    page.goto(ui.base_url + "/upload")
    page.get_by_label(re.compile("^Spreadsheet")).set_input_files(
        {"name": "notes.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}
    )
    page.get_by_role("button", name="Upload and read").click()
    expect(page.get_by_role("alert")).to_contain_text("is not a spreadsheet")
    screens.check("upload-error")
    page.goto(ui.base_url + "/download/nothing")
    screens.check("not-found")
    page.goto(ui.base_url + "/connect")
    page.locator("input[name=csrf]").evaluate("e => e.value = 'forged'")
    page.get_by_label("API key").fill(DEMO_API_KEY)
    page.get_by_role("button", name="Connect").click()
    expect(page.locator("body")).to_contain_text("its security token is missing or wrong")
    screens.check("refused-form")
    stranger = browser.new_context(bypass_csp=True).new_page()
    stranger.goto(ui.base_url + "/")
    other = Screens(stranger)
    other.check("refused-no-token")
    screens.failures += other.failures
    screens.seen += other.seen
    stranger.context.close()
    context.close()

    assert screens.failures == [], "axe found violations:\n" + "\n\n".join(screens.failures)
    assert len(screens.seen) == 16


def test_the_check_screens_fixes_have_no_axe_violation(
    browser: Browser, page_ui: RunningUi, tmp_path: Path
) -> None:
    # Values to resolve (a room the event lacks, on several rows), grouped problems with their
    # fixes, a cell's editor open, and the columns step naming every missing column.
    context = browser.new_context(viewport={"width": 1366, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    screens = Screens(page)
    page.goto(page_ui.url)
    page.get_by_label("Event ID").fill(DEMO_EVENT_ID)
    page.get_by_label("API key").fill(DEMO_API_KEY)
    page.get_by_role("button", name="Connect").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2. Upload the agenda")

    rows = [list(r) for r in FIRST]
    for row in rows[1:4]:
        row[7] = "Hall Z"  # not a location of the event
    rows[4][4] = "2026-13-45"
    upload(page, write_csv(tmp_path / "agenda.csv", rows, HEADERS))
    page.get_by_role("button", name="Check the rows").click()
    expect(page.locator("#check-summary")).to_contain_text("with problems")
    screens.check("check-values")
    page.locator("td[data-cell]").first.click()
    expect(page.locator("td.editing input[name=value]")).to_be_focused()
    screens.check("check-cell-editor")

    papers = write_csv(tmp_path / "papers.csv", [["Ada", "Notes", "AI"]], ["Speaker", "Paper", "X"])
    page.goto(page_ui.base_url + "/upload")
    upload_error = page.get_by_label(re.compile("^Spreadsheet"))
    upload_error.set_input_files(papers)
    page.get_by_role("button", name="Upload and read").click()
    expect(page.get_by_role("alert")).to_contain_text("has no column for the session title")
    screens.check("columns-missing")
    context.close()

    assert screens.failures == [], "axe found violations:\n" + "\n\n".join(screens.failures)
    assert screens.seen == ["check-values", "check-cell-editor", "columns-missing"]
