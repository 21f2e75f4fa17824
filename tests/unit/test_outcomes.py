"""plan/outcomes.py: every row's outcome before anything is sent, and rows held back."""

from __future__ import annotations

from typing import Any

from importer.plan.build import DERIVED_NOTE, Plan, build_plan
from importer.plan.outcomes import before_sending, hold, row_warnings
from importer.plan.remote import RemoteSession
from importer.plan.status import Outcome, Status
from tests.unit.tables import mapped, session, table

ROWS = [
    session("K1", "Keynote"),  # row 2: its session has another title
    session("K2", "Same"),  # row 3: unchanged
    session("K3", "New talk", "10:00", "9:00"),  # row 4: created, with a warning on its end
    session(None, "No ref"),  # row 5: created with a derived reference ID
    session("K5", None),  # row 6: invalid, no title
]
EXISTING = {
    "K1": RemoteSession(
        "S-1", "K1", "Old title", None, "2026-06-10T09:00:00Z", "2026-06-10T10:00:00Z"
    ),
    "K2": RemoteSession("S-2", "K2", "Same", None, "2026-06-10T09:00:00Z", "2026-06-10T10:00:00Z"),
}


def planned(**options: Any) -> Plan:
    m = mapped(ROWS)
    return build_plan(m, existing=EXISTING, invalid_refs=m.invalid_refs, **options)


def test_each_rows_warnings_are_one_text_the_derived_note_first() -> None:
    plan = planned()
    warnings = row_warnings(plan)
    assert sorted(warnings) == [4, 5]
    assert warnings[4] == (
        'Row 4, column "End": "9:00" has no am/pm: read as 21:00, after the start. Write 13:30 '
        "or 1:30 PM to be sure."
    )
    assert warnings[5] == DERIVED_NOTE.format(ref=plan.references[5])


def test_a_dry_run_says_what_each_row_would_do() -> None:
    plan = planned()
    outcomes = before_sending(table(ROWS), plan, row_warnings(plan), dry_run=True)
    assert [(o.row, o.status, o.session_id, o.reference_id) for o in outcomes.values()] == [
        (2, Status.PLANNED, "S-1", "K1"),
        (3, Status.UNCHANGED, "S-2", "K2"),
        (4, Status.PLANNED, None, "K3"),
        (5, Status.PLANNED, None, plan.references[5]),
        (6, Status.INVALID, None, None),
    ]
    assert outcomes[2].message == 'Would update title: "Old title" → "Keynote".'
    assert outcomes[3].message == ""
    assert outcomes[4].message.startswith('Would create. Row 4, column "End": "9:00" has no am/pm')
    assert outcomes[6].message.startswith('Row 6, column "Title": ')


def test_before_a_real_run_rows_to_send_are_placeholders_with_their_warnings() -> None:
    plan = planned()
    outcomes = before_sending(table(ROWS), plan, row_warnings(plan), dry_run=False)
    assert outcomes[2] == Outcome(2, Status.SKIPPED, "S-1", None, message="", reference_id="K1")
    assert outcomes[5].status is Status.SKIPPED
    assert outcomes[5].message == row_warnings(plan)[5]


def test_create_only_leaves_a_different_session_unchanged_and_says_so() -> None:
    plan = planned(mode="create-only")
    outcomes = before_sending(table(ROWS), plan, row_warnings(plan), dry_run=True)
    assert outcomes[2].status is Status.UNCHANGED
    assert outcomes[2].session_id == "S-1"
    assert outcomes[2].message == plan.unchanged[2][1]
    assert outcomes[2].message.endswith("differs in title, not updated (--mode create-only).")


def test_held_rows_say_why_and_keep_their_warnings() -> None:
    outcomes = {
        4: Outcome(4, Status.SKIPPED, http_status=500, message="old"),
        5: Outcome(5, Status.SKIPPED, http_status=500, message="old"),
    }
    hold(outcomes, [4, 5], {4: "Check the end."}, "Not sent: the run stopped.")
    assert outcomes[4] == Outcome(
        4, Status.SKIPPED, message="Not sent: the run stopped. Check the end."
    )
    assert outcomes[5] == Outcome(5, Status.SKIPPED, message="Not sent: the run stopped.")
