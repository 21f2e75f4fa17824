"""The Import button is bound to the plan it shows: two tabs, a stale page, Back after a run.

Each test drives Debian's chromium against the sandbox and checks the sandbox's sessions
afterwards: a refused button must leave the event exactly as it was.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from importer.ui.server import RunningUi
from tests.conftest import SandboxHandle
from tests.pipeline_helpers import by_reference, write_csv
from tests.test_ui_browser import browser, connect, new_page, shot, ui

__all__ = ["browser", "ui"]  # the fixtures, shared with the other browser tests
HEADERS = ["Reference ID", "Title", "Date", "Start Time", "End Time"]
REFUSED = (
    "Problem: Nothing was imported: the plan on that page is no longer the one checked last "
    "(the file was checked or changed again since, perhaps in another tab or window). This is "
    "the current plan: review it, then import from here."
)


def to_plan(page: Page, agenda: Path) -> None:
    page.get_by_label(re.compile("^Spreadsheet")).set_input_files(agenda)
    page.get_by_role("button", name="Upload and read").click()
    page.get_by_role("button", name="Check the rows").click()
    page.locator("#go").click()
    expect(page.locator("#plan-counts")).to_be_visible()


def test_a_plan_from_another_tab_is_refused_and_back_never_imports_twice(
    browser: Browser, ui: RunningUi, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    first = write_csv(
        tmp_path / "first.csv",
        [
            ["X1", "One", "2026-06-10", "9:00", "10:00"],
            ["X2", "Two", "2026-06-10", "10:00", "11:00"],
        ],
        HEADERS,
    )
    second = write_csv(
        tmp_path / "second.csv", [["Y1", "Other", "2026-06-11", "9:00", "10:00"]], HEADERS
    )
    tab_a = new_page(browser, 1366)
    connect(tab_a, ui, sandbox, sandbox.key)
    tab_a.get_by_role("button", name="Connect").click()
    to_plan(tab_a, first)
    expect(tab_a.locator("#plan-counts")).to_contain_text("2 to create")
    tab_b = tab_a.context.new_page()
    tab_b.goto(ui.base_url + "/upload")
    to_plan(tab_b, second)
    expect(tab_b.locator("#plan-counts")).to_contain_text("1 to create")

    tab_a.locator("#start").click()  # the plan of first.csv: no longer the one checked
    expect(tab_a.get_by_role("alert")).to_have_text(REFUSED)
    expect(tab_a.locator("#plan-counts")).to_contain_text("1 to create")  # the current one
    assert by_reference(sandbox) == {}
    shot(tab_a, "4-plan-refused-1366")
    tab_a.set_viewport_size({"width": 390, "height": 800})
    shot(tab_a, "4-plan-refused-390")

    tab_a.locator("#start").click()
    expect(tab_a.locator("#summary")).to_have_text("Done: 1 created.", timeout=30_000)
    made = by_reference(sandbox)
    assert list(made) == ["Y1"]
    # Tab B still shows the same plan's button: a second click shows the run, imports nothing.
    tab_b.locator("#start").click()
    expect(tab_b.locator("#summary")).to_have_text("Done: 1 created.")
    # Back (or the address) after the run never shows an Import button for the spent plan.
    tab_b.go_back()
    expect(tab_b).to_have_url(f"{ui.base_url}/import")
    tab_b.goto(ui.base_url + "/plan")
    expect(tab_b).to_have_url(f"{ui.base_url}/import")
    tab_b.goto(ui.base_url + "/check")
    expect(tab_b).to_have_url(f"{ui.base_url}/import")
    assert tab_b.locator("#start").count() == 0
    assert by_reference(sandbox) == made  # the same one session, the same ID


def test_an_import_post_without_the_plan_is_refused(
    browser: Browser, ui: RunningUi, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    agenda = write_csv(
        tmp_path / "one.csv", [["Z1", "One", "2026-06-10", "9:00", "10:00"]], HEADERS
    )
    page = new_page(browser)
    connect(page, ui, sandbox, sandbox.key)
    page.get_by_role("button", name="Connect").click()
    to_plan(page, agenda)
    for plan in ({}, {"plan": "forged"}):
        answer = page.request.post(
            ui.base_url + "/import", form={"csrf": ui.tokens.csrf, **plan}, max_redirects=0
        )
        assert answer.status == 409
        assert "Nothing was imported" in answer.text()
    assert ui.workspace.job is None and by_reference(sandbox) == {}
