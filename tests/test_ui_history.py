"""The page's history of imports, and the plan screen's view of what Zuddl holds (issue 18).

Each import's results sheet and workbook are kept in the data folder and listed on the upload
screen until deleted there; the plan shows edits made in Zuddl since the last import from the
page (kept, or in conflict with the file), the sessions only Zuddl has, and every change in
the event's time and room names, long texts whole on demand. Checked against the sandbox.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect

from importer.ui.server import RunningUi, run_ui
from tests.conftest import OTHER_EVENT_ID, SandboxHandle
from tests.pipeline_helpers import HEADERS, by_reference, write_csv
from tests.test_ui_browser import browser, new_page

__all__ = ["browser"]
FIRST = [
    ["K1", None, "Keynote", "Welcome", "2026-06-10", "9:00", "10:00", "Main Hall", "300", None],
    ["W1", None, "Workshop", "Hands on", "2026-06-10", "11:00", "12:00", "Room 101", "30", None],
    ["X1", None, "Extra", None, "2026-06-10", "14:00", "15:00", "Room 102", "20", None],
]  # fmt: skip
LONG = "A workshop on reading agendas well, with exercises. " * 6


def edit_in_zuddl(sandbox: SandboxHandle, session: dict[str, Any], **changes: Any) -> None:
    """An edit made in Zuddl's dashboard: the whole session sent back with some fields new."""
    body = {
        "title": session["title"],
        "startDateTime": session["startDateTime"],
        "endDateTime": session["endDateTime"],
        "description": session["description"],
        "totalCapacity": session["totalCapacity"],
        "tags": session["tags"],
        "externalRefId": session["externalRefId"],
        "locationId": session["location"][0]["locationId"] if session["location"] else None,
        "parentSessionId": session["parentSessionId"],
        **changes,
    }
    with sandbox.client() as client:
        url = f"/v1/events/{OTHER_EVENT_ID}/sessions/{session['id']}"
        client.put(url, json=body).raise_for_status()


def connect_paris(page: Page, ui: RunningUi, sandbox: SandboxHandle) -> None:
    """The other event of the sandbox: its time zone is Europe/Paris, not UTC."""
    page.goto(ui.url)
    page.get_by_label("Event ID").fill(OTHER_EVENT_ID)
    page.get_by_label("API key").fill(sandbox.key)
    page.get_by_role("button", name="Connect").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2. Upload the agenda")


def import_file(page: Page, agenda: Path, *, skip: bool = False) -> None:
    page.get_by_label(re.compile("^Spreadsheet")).set_input_files(agenda)
    page.get_by_role("button", name="Upload and read").click()
    page.get_by_role("button", name="Check the rows").click()
    if skip:
        page.locator("#skip_invalid").check()
    page.locator("#go").click()
    expect(page.locator("#plan-counts")).to_be_visible()


def run_it(page: Page, summary: str) -> None:
    page.locator("#start").click()
    expect(page.locator("#summary")).to_have_text(summary, timeout=60_000)


def test_each_import_is_kept_listed_and_deleted_after_confirmation(
    browser: Browser, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    history = tmp_path / "history"
    agenda = write_csv(tmp_path / "spring agenda.csv", FIRST, HEADERS)
    page = new_page(browser)
    with run_ui(base_url=sandbox.base_url, history=history) as ui:
        connect_paris(page, ui, sandbox)
        expect(page.locator("#history-empty")).to_be_visible()
        import_file(page, agenda)
        run_it(page, "Done: 3 created.")
        with page.expect_download() as fresh:
            page.locator("#download-results").click()
        page.get_by_role("button", name="Import another file").click()
        rows = page.locator("#history-list tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first.locator("td").nth(1)).to_have_text("spring agenda.csv")
        expect(rows.first.locator("td").nth(2)).to_have_text("Sandbox event 0b7e0a52")
        expect(rows.first.locator("td").nth(3)).to_have_text("3 created")
        with page.expect_download() as kept:
            rows.first.get_by_role("link", name=re.compile("^Results")).click()
        assert kept.value.suggested_filename == "spring agenda.results.xlsx"
        assert Path(kept.value.path()).read_bytes() == Path(fresh.value.path()).read_bytes()
    # On the disk: the two files and the facts, readable by this user only, no secret.
    (run,) = [p for p in history.iterdir() if p.name != "journals"]
    assert sorted(p.name for p in run.iterdir()) == [
        "run.json",
        "spring agenda.imported.xlsx",
        "spring agenda.results.xlsx",
    ]
    assert run.stat().st_mode & 0o777 == 0o700
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in run.iterdir())
    for path in history.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert sandbox.key.encode() not in content and b"Authorization" not in content

    # Kept across restarts of the page, until deleted there (after a confirmation).
    with run_ui(base_url=sandbox.base_url, history=history) as ui:
        connect_paris(page, ui, sandbox)
        rows = page.locator("#history-list tbody tr")
        expect(rows).to_have_count(1)
        rows.first.get_by_role("link", name=re.compile("^Delete")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Delete this import from the history?"
        )
        expect(page.locator("#forget")).to_contain_text("spring agenda.csv")
        page.get_by_role("link", name="Keep it").click()
        expect(rows).to_have_count(1)
        assert run.exists()
        rows.first.get_by_role("link", name=re.compile("^Delete")).click()
        page.get_by_role("button", name="Delete it").click()
        expect(page.locator("#deleted")).to_have_text("The import was deleted from the history.")
        expect(page.locator("#history-empty")).to_be_visible()
        assert not run.exists()
        # Its files are gone from the page too, and the sessions are untouched in Zuddl.
        response = page.goto(f"{ui.base_url}/history/{run.name}/results")
        assert response is not None and response.status == 404
    assert len(sandbox.sessions(OTHER_EVENT_ID)) == 3


def test_plan_shows_zuddl_edits_conflicts_sessions_only_in_zuddl_and_whole_texts(
    browser: Browser, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    agenda = write_csv(tmp_path / "agenda.csv", FIRST, HEADERS)
    page = new_page(browser)
    with run_ui(base_url=sandbox.base_url, history=tmp_path / "history") as ui:
        connect_paris(page, ui, sandbox)
        import_file(page, agenda)
        run_it(page, "Done: 3 created.")
        # Edits made in Zuddl's dashboard since: the keynote's title, the workshop's capacity.
        remote = by_reference(sandbox, OTHER_EVENT_ID)
        edit_in_zuddl(sandbox, remote["K1"], title="Keynote (Zuddl)")
        edit_in_zuddl(sandbox, remote["W1"], totalCapacity=45)
        # The file changes the keynote's title too, moves and reroutes the workshop, gives it
        # a long description, and no longer has the extra session.
        rows = [list(r) for r in FIRST[:2]]
        rows[0][2] = "Keynote (file)"
        rows[1][3], rows[1][5], rows[1][6], rows[1][7] = LONG, "11:30", "12:30", "Workshop Room"
        write_csv(agenda, rows, HEADERS)
        page.get_by_role("button", name="Import another file").click()
        import_file(page, agenda)

        conflicts = page.locator("#conflict-list tbody tr")
        expect(conflicts).to_have_count(1)
        expect(conflicts.first.locator("td")).to_have_text(
            ["2", "Keynote (file)", "title", '"Keynote (Zuddl)"', '"Keynote (file)"']
        )
        expect(page.locator("#conflicts h2")).to_have_text(
            "Changed both in Zuddl and in the file: 1 session not sent"
        )
        updates = page.locator("#updates")
        expect(updates).to_contain_text("start: Wed 10 Jun 2026 11:00 → Wed 10 Jun 2026 11:30")
        expect(updates).to_contain_text('location: "Room 101" → "Workshop Room"')
        assert "Z" not in re.sub(r"Zuddl", "", updates.inner_text())  # no UTC text anywhere
        whole = updates.locator("details.whole")
        expect(whole.locator("summary")).to_have_text(
            re.compile(r'^description: "Hands on" → "A workshop on reading.{20,80}…"$')
        )
        expect(whole.locator("dd").nth(1)).to_be_hidden()
        whole.locator("summary").click()
        expect(whole.locator("dd").nth(1)).to_have_text(f'"{LONG.strip()}"')
        expect(page.locator("#absent tbody tr td")).to_have_text(
            [
                "Extra",
                "Wed 10 Jun 2026 14:00",
                "Room 102",
                "X1",
                "removed from the file since an earlier import",
            ]
        )
        expect(page.locator("#notes")).to_contain_text("Changed in Zuddl, kept: capacity 45.")
        run_it(page, "Finished with problems: 1 updated, 1 skipped.")

    after = by_reference(sandbox, OTHER_EVENT_ID)
    assert after["K1"]["title"] == "Keynote (Zuddl)"  # the conflict sent nothing
    assert after["W1"]["startDateTime"] == "2026-06-10T09:30:00Z"  # 11:30 in Paris
    assert after["W1"]["location"][0]["locationName"] == "Workshop Room"
    assert after["W1"]["totalCapacity"] == 45  # the edit made in Zuddl is kept
    assert after["W1"]["description"] == LONG.strip()
    assert after["X1"]["title"] == "Extra"  # listed, never deleted
