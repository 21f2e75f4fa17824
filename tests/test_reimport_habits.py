"""Re-imports as staff really do them (issue 13): no reference IDs, sessions moved, edits made
in Zuddl's dashboard, the written-back workbook uploaded again, a reference pasted twice, a
parent and child swapped, rows removed. Each test checks the sandbox's state afterwards."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

from importer.errors import ExitCode
from importer.plan.status import Status
from importer.run import ImportRequest, run_import
from importer.settings.config import Secret
from tests.conftest import SandboxHandle
from tests.pipeline_helpers import (
    HEADERS,
    by_reference,
    import_into,
    settings_for,
    write_csv,
    write_xlsx,
)

FULL = [
    ["K1", None, "Keynote", "<p>Welcome</p>", "2026-06-10", "9:00", "10:00", "Main Hall", "300",
     "Plenary"],
    ["W1", None, "Workshop", "<p>Hands on</p>", "2026-06-10", "11:00", "12:00", "Room 101", "30",
     "Data; Lab"],
]  # fmt: skip


def put(sandbox: SandboxHandle, session: dict[str, Any], **changes: Any) -> None:
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
        url = f"/v1/events/{sandbox.event_id}/sessions/{session['id']}"
        client.put(url, json=body).raise_for_status()


def writes(sandbox: SandboxHandle) -> int:
    requests = sandbox.stats()["requests"]
    return sum(n for k, n in requests.items() if k.startswith(("POST", "PUT")))


def test_columns_the_sheet_does_not_have_keep_what_zuddl_holds(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    import_into(sandbox, write_csv(tmp_path / "full.csv", FULL))
    # A later sheet has only reference, title and times; the keynote's title changed.
    lean = [[r[0], r[2] + (" (new)" if r[0] == "K1" else ""), r[4], r[5], r[6]] for r in FULL]
    headers = ["Reference ID", "Title", "Date", "Start Time", "End Time"]
    report = import_into(sandbox, write_csv(tmp_path / "lean.csv", lean, headers))
    assert report.counts == {Status.UPDATED: 1, Status.UNCHANGED: 1}
    keynote = by_reference(sandbox)["K1"]
    assert keynote["title"] == "Keynote (new)"
    # Nothing the sheet does not hold was erased by the PUT.
    assert keynote["description"] == "<p>Welcome</p>"
    assert keynote["location"][0]["locationName"] == "Main Hall"
    assert (keynote["totalCapacity"], keynote["tags"]) == (300, ["Plenary"])


def test_an_empty_cell_in_a_present_column_clears_the_field_and_the_plan_says_so(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "a.csv", FULL)
    import_into(sandbox, path)
    rows = [list(r) for r in FULL]
    rows[0][3] = None  # the keynote's description emptied on purpose
    write_csv(path, rows)
    plan = import_into(sandbox, path, dry_run=True).plan
    assert [c.text() for c in plan.steps[0].changes] == [
        'description: cleared (was "<p>Welcome</p>")'
    ]
    import_into(sandbox, path)
    assert by_reference(sandbox)["K1"]["description"] is None


def test_without_reference_ids_a_moved_session_is_updated_not_created_again(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    rows = [[None, *r[1:]] for r in FULL]
    path = write_csv(tmp_path / "a.csv", rows)
    first = import_into(sandbox, path)
    assert first.counts == {Status.CREATED: 2}
    rows[1][5:7] = ["14:00", "15:00"]  # the workshop moves to the afternoon
    write_csv(path, rows)
    second = import_into(sandbox, path)
    assert second.counts == {Status.UPDATED: 1, Status.UNCHANGED: 1}
    sessions = sandbox.sessions()
    assert len(sessions) == 2
    moved = next(s for s in sessions if s["title"] == "Workshop")
    assert moved["startDateTime"] == "2026-06-10T14:00:00Z"
    assert second.plan.notes[3] == (
        f"Matched to session {moved['id']} by its title (moved in the sheet)."
    )
    # The session keeps its reference: the next run finds it again directly.
    assert second.plan.references[3] == moved["referenceId"]
    third = import_into(sandbox, path)
    assert third.counts == {Status.UNCHANGED: 2}


def test_without_reference_ids_a_retitled_session_is_matched_by_its_slot(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    rows = [[None, *r[1:]] for r in FULL]
    path = write_csv(tmp_path / "a.csv", rows)
    import_into(sandbox, path)
    rows[0][2] = "Opening keynote"
    write_csv(path, rows)
    report = import_into(sandbox, path)
    assert report.counts == {Status.UPDATED: 1, Status.UNCHANGED: 1}
    assert sorted(s["title"] for s in sandbox.sessions()) == ["Opening keynote", "Workshop"]
    assert "by its start and room (renamed in the sheet)" in report.plan.notes[2]


def test_the_written_back_workbook_matches_by_its_zuddl_session_ids(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    rows = [[None, *r[1:]] for r in FULL]
    agenda = write_xlsx(tmp_path / "a.xlsx", rows)
    first = run_import(
        ImportRequest(agenda, settings_for(sandbox), Secret(sandbox.key), write_back=True)
    )
    assert first.written_back is not None
    book = openpyxl.load_workbook(first.written_back)
    sheet = book["Agenda"]
    # Moved and retitled at once: only the Zuddl Session ID column can still tell.
    for row in sheet.iter_rows(min_row=2):
        if row[2].value == "Workshop":
            row[2].value, row[5].value, row[6].value = "Lab session", "16:00", "17:00"
    book.save(first.written_back)
    second = import_into(sandbox, first.written_back)
    assert [p.text() for p in second.plan.errors] == []
    assert second.counts == {Status.UPDATED: 1, Status.UNCHANGED: 1}
    assert sorted(s["title"] for s in sandbox.sessions()) == ["Keynote", "Lab session"]


def test_a_reference_pasted_onto_a_second_row_holds_both_and_touches_nothing(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "a.csv", FULL)
    import_into(sandbox, path)
    before = by_reference(sandbox)
    rows = [list(r) for r in FULL] + [["W1", None, "Pasted", None, "2026-06-11", "9:00",
                                       "10:00", None, None, None]]  # fmt: skip
    write_csv(path, rows)
    report = import_into(sandbox, path, skip_invalid=True)
    assert report.counts == {Status.INVALID: 2, Status.UNCHANGED: 1}
    assert by_reference(sandbox) == before
    assert [p.text() for p in report.plan.errors] == [
        'Row 3, column "Reference ID": Reference ID "W1" is also used on row 4. Give each '
        "session its own reference ID; none of these rows is sent until then.",
        'Row 4, column "Reference ID": Reference ID "W1" is also used on row 3. Give each '
        "session its own reference ID; none of these rows is sent until then.",
    ]


def test_a_parent_and_its_child_swap_places_in_one_run(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    rows = [
        ["A", None, "Track A", None, "2026-06-10", "9:00", "17:00", None, None, None],
        ["B", "A", "Talk B", None, "2026-06-10", "9:00", "10:00", None, None, None],
    ]
    path = write_csv(tmp_path / "a.csv", rows)
    import_into(sandbox, path)
    rows[0][1], rows[1][1] = "B", None  # B becomes the parent of A
    write_csv(path, rows)
    report = import_into(sandbox, path)
    assert report.exit_code == ExitCode.OK, [o.message for o in report.outcomes.values()]
    held = by_reference(sandbox)
    assert held["A"]["parentSessionId"] == held["B"]["id"]
    assert held["B"]["parentSessionId"] is None
    # Detach before attach: B's update went first, A's waited for it.
    steps = {s.draft.reference_id: s for s in report.plan.steps}
    assert (steps["B"].wave, steps["A"].wave, steps["A"].after_row) == (0, 1, 3)


def test_an_edit_made_in_zuddl_is_kept_and_said(sandbox: SandboxHandle, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", FULL)
    import_into(sandbox, path)
    put(sandbox, by_reference(sandbox)["K1"], title="Keynote (edited in Zuddl)",
        startDateTime="2026-06-10T09:15:00Z")  # fmt: skip
    before = writes(sandbox)
    report = import_into(sandbox, path)
    assert report.counts == {Status.UNCHANGED: 2}
    assert writes(sandbox) == before
    assert report.outcomes[2].message == (
        'Changed in Zuddl, kept: title "Keynote (edited in Zuddl)"; start "2026-06-10T09:15:00Z".'
    )
    assert by_reference(sandbox)["K1"]["title"] == "Keynote (edited in Zuddl)"


def test_an_edit_in_zuddl_and_a_change_in_the_sheet_to_the_same_field_is_a_conflict(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "a.csv", FULL)
    import_into(sandbox, path)
    put(sandbox, by_reference(sandbox)["K1"], title="Zuddl's title")
    rows = [list(r) for r in FULL]
    rows[0][2] = "Sheet's title"
    write_csv(path, rows)
    held = import_into(sandbox, path)
    assert held.exit_code == ExitCode.ROWS_FAILED
    assert held.outcomes[2].status == Status.SKIPPED
    assert held.outcomes[2].message == (
        "Not sent: changed both in Zuddl and in the sheet since the last import (title: Zuddl "
        '"Zuddl\'s title", sheet "Sheet\'s title"). Make them agree, or choose with '
        "--on-conflict sheet or --on-conflict zuddl."
    )
    assert by_reference(sandbox)["K1"]["title"] == "Zuddl's title"
    import_into(sandbox, path, on_conflict="sheet")
    assert by_reference(sandbox)["K1"]["title"] == "Sheet's title"


def test_sessions_no_row_matches_are_listed_not_deleted(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "a.csv", FULL)
    import_into(sandbox, path)
    write_csv(path, FULL[:1])  # the workshop is removed from the sheet
    report = import_into(sandbox, path)
    assert len(sandbox.sessions()) == 2
    workshop = by_reference(sandbox)["W1"]
    assert [(s.id, mine) for s, mine in report.plan.absent] == [(workshop["id"], True)]
    book = openpyxl.load_workbook(report.results_path)
    rows = list(book["Not in the sheet"].iter_rows(values_only=True))
    assert rows == [
        ("Zuddl Session ID", "Title", "Start (UTC)", "Reference ID", "Why"),
        (workshop["id"], "Workshop", "2026-06-10T11:00:00Z", "W1", "removed from the sheet"),
    ]


def test_unchanged_children_carry_their_parent_id_in_the_results(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    rows = [
        ["A", None, "Track A", None, "2026-06-10", "9:00", "17:00", None, None, None],
        ["B", "A", "Talk B", None, "2026-06-10", "9:00", "10:00", None, None, None],
    ]
    path = write_csv(tmp_path / "a.csv", rows, HEADERS)
    import_into(sandbox, path)
    again = import_into(sandbox, path)
    assert again.outcomes[3].status == Status.UNCHANGED
    assert again.outcomes[3].parent_session_id == by_reference(sandbox)["A"]["id"]
