"""plan/build.py: drafts and what the event holds -> creates and updates, parents first."""

from __future__ import annotations

from importer.plan.build import build_plan, derive_reference
from importer.plan.remote import RemoteSession
from tests.unit.tables import mapped, session

PARENT_ID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"


def remote(ref: str, title: str, sid: str = "S-1", **fields: object) -> RemoteSession:
    base: dict[str, object] = {
        "start": "2026-06-10T09:00:00Z",
        "end": "2026-06-10T10:00:00Z",
    }
    return RemoteSession(sid, ref, title, **{**base, **fields})  # type: ignore[arg-type]


def test_parents_are_created_before_their_children_whatever_the_row_order() -> None:
    rows = [
        session("T1", "Talk", parent="TRACK"),
        session("TRACK", "Track A", "9:00", "12:00", parent="DAY"),
        session("DAY", "Day one", "9:00", "17:00"),
        session("SOLO", "Solo"),
    ]
    plan = build_plan(mapped(rows))

    assert [(s.draft.row, s.wave, s.action) for s in plan.steps] == [
        (4, 0, "create"),
        (5, 0, "create"),
        (3, 1, "create"),
        (2, 2, "create"),
    ]
    waits = {s.draft.row: s.parent_row for s in plan.steps}
    assert waits == {4: None, 5: None, 3: 4, 2: 3}
    assert plan.wave_count == 3
    assert plan.problems == ()


def test_a_session_the_event_holds_unchanged_costs_no_call() -> None:
    plan = build_plan(
        mapped([session("K1", "Keynote")]),
        existing={"K1": remote("K1", "Keynote")},
        compared=("title", "start", "end"),
    )
    assert plan.steps == ()
    assert plan.unchanged == {2: ("S-1", "")}


def test_a_changed_title_is_one_update_of_that_field() -> None:
    plan = build_plan(
        mapped([session("K1", "Opening keynote")]),
        existing={"K1": remote("K1", "Keynote")},
        compared=("title", "start", "end"),
    )
    [step] = plan.steps
    assert (step.action, step.session_id) == ("update", "S-1")
    assert [(c.field, c.old, c.new) for c in step.changes] == [
        ("title", "Keynote", "Opening keynote")
    ]


def test_create_only_mode_leaves_a_changed_session_alone_and_says_so() -> None:
    plan = build_plan(
        mapped([session("K1", "Opening keynote")]),
        existing={"K1": remote("K1", "Keynote")},
        compared=("title", "start", "end"),
        mode="create-only",
    )
    assert plan.steps == ()
    assert plan.unchanged == {
        2: ("S-1", "Already in Zuddl; differs in title, not updated (--mode create-only).")
    }


def test_a_row_without_a_reference_gets_the_documented_derived_one() -> None:
    source = mapped([session("", "Keynote")])
    plan = build_plan(source)
    ref = derive_reference(source.drafts[0])
    assert ref.startswith("auto-") and len(ref) == len("auto-") + 10
    assert plan.references == {2: ref}
    assert plan.derived == {2}


def test_rows_that_are_each_others_parents_are_refused() -> None:
    rows = [session("A", "First", parent="B"), session("B", "Second", parent="A")]
    plan = build_plan(mapped(rows))
    assert plan.steps == ()
    assert [p.text() for p in plan.errors] == [
        'Row 2, column "Parent": Rows 2 → 3 → 2 are each other\'s parents in a loop ("A" → "B" → '
        '"A"). A session cannot be inside its own child: fix one of these Parent cells.',
        'Row 3, column "Parent": Rows 3 → 2 → 3 are each other\'s parents in a loop ("B" → "A" → '
        '"B"). A session cannot be inside its own child: fix one of these Parent cells.',
    ]


def test_a_misspelt_parent_is_refused_with_a_hint_once_the_event_is_known() -> None:
    rows = [
        session("KEYNOTES", "Keynotes", "9:00", "12:00"),
        session("K1", "Talk", parent="KEYNOTE"),
    ]
    plan = build_plan(mapped(rows), existing={})
    assert [p.text() for p in plan.errors] == [
        'Row 3, column "Parent": Parent "KEYNOTE" is not the reference ID of any row in this '
        'sheet nor of a session in the event. Did you mean "KEYNOTES"? Check the spelling, or '
        "leave Parent empty."
    ]
    assert [s.draft.row for s in plan.steps] == [2]


def test_a_parent_already_in_zuddl_is_named_by_its_id() -> None:
    rows = [session("K1", "Talk", parent="DAY"), session("K2", "Talk 2", parent=PARENT_ID.upper())]
    plan = build_plan(mapped(rows), existing={"DAY": remote("DAY", "Day", "S-DAY")})
    assert {s.draft.row: (s.parent_row, s.parent_session_id) for s in plan.steps} == {
        2: (None, "S-DAY"),
        3: (None, PARENT_ID),
    }


def test_the_child_of_an_invalid_row_is_held_and_says_which_row() -> None:
    # The parent row's reference is a number in the sheet (12.0 from Excel): the mapper reads
    # it as "12", and so does the child's Parent cell.
    rows = [
        [12.0, None, "Day one", "2026-06-10", "9:00", "nonsense", None],
        session("K1", "Talk", parent="12"),
    ]
    source = mapped(rows)
    assert source.invalid_rows == {2}
    assert source.invalid_refs == {"12": 2}

    plan = build_plan(source, invalid_refs=source.invalid_refs)

    assert plan.steps == ()
    assert plan.skipped == {3: "Not sent: its parent (row 2) has a problem. Fix that row first."}
