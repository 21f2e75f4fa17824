"""plan/parents.py: each Parent cell resolved to a row or a session, loops refused."""

from __future__ import annotations

from importer.check.drafts import Problem
from importer.plan.parents import resolve_parents
from importer.plan.remote import RemoteSession
from tests.unit.tables import mapped, session

ZUDDL_ID = "0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D"


def resolve(
    rows: list[list[object]],
    existing: dict[str, RemoteSession] | None = None,
    invalid_refs: dict[str, int] | None = None,
    event_known: bool = True,
) -> tuple[dict[int, int], dict[int, str], list[Problem], set[int]]:
    m = mapped(rows)
    assert m.problems == ()
    problems: list[Problem] = []
    invalid: set[int] = set()
    parent_of, outside = resolve_parents(
        m, list(m.drafts), existing or {}, invalid_refs or {}, event_known, problems, invalid
    )
    return parent_of, outside, problems, invalid


def test_a_parent_in_the_sheet_is_its_row_in_any_order() -> None:
    parent_of, outside, problems, invalid = resolve(
        [session("T1", "Talk", parent="TRACK"), session("TRACK", "Track", "9:00", "12:00")]
    )
    assert parent_of == {2: 3}
    assert (outside, problems, invalid) == ({}, [], set())


def test_a_parent_in_the_event_or_by_its_id_is_outside() -> None:
    existing = {"DAY": RemoteSession("S-9", "DAY", "Day one")}
    parent_of, outside, problems, _ = resolve(
        [session("T1", "Talk", parent="DAY"), session("T2", "Talk 2", parent=ZUDDL_ID)],
        existing=existing,
    )
    assert parent_of == {}
    assert outside == {2: "S-9", 3: ZUDDL_ID.lower()}
    assert problems == []


def test_a_parent_on_an_invalid_row_is_still_that_row() -> None:
    parent_of, _, problems, _ = resolve(
        [session("T1", "Talk", parent="BAD")], invalid_refs={"BAD": 7}
    )
    assert parent_of == {2: 7}
    assert problems == []


def test_a_misspelt_parent_gets_a_did_you_mean() -> None:
    _, _, problems, invalid = resolve(
        [session("TRACK-A", "Track", "9:00", "12:00"), session("T1", "Talk", parent="TRAK-A")]
    )
    assert invalid == {3}
    assert [(p.row, p.column, p.value, p.cell, p.severity) for p in problems] == [
        (3, "Parent", "TRAK-A", "B3", "error")
    ]
    assert problems[0].message == (
        'Parent "TRAK-A" is not the reference ID of any row in this sheet nor of a session in '
        'the event. Did you mean "TRACK-A"? Check the spelling, or leave Parent empty.'
    )


def test_without_the_event_an_unknown_parent_is_only_a_warning() -> None:
    _, outside, problems, invalid = resolve(
        [session("T1", "Talk", parent="ELSEWHERE")], event_known=False
    )
    assert invalid == set() and outside == {}
    assert [(p.severity, p.message) for p in problems] == [
        (
            "warning",
            'Parent "ELSEWHERE" is not a row of this sheet; it was not checked against the event '
            "(give --event and set ZUDDL_API_KEY to check it).",
        )
    ]


def test_a_row_cannot_be_its_own_parent() -> None:
    _, _, problems, invalid = resolve([session("T1", "Talk", parent="T1")])
    assert invalid == {2}
    assert problems[0].message == (
        '"T1" is this row\'s own reference ID: a session cannot be its own parent. Leave Parent '
        "empty or name another session."
    )


def test_rows_that_are_each_others_parents_are_refused() -> None:
    _, _, problems, invalid = resolve(
        [
            session("A", "A", parent="B"),
            session("B", "B", parent="C"),
            session("C", "C", parent="A"),
            session("D", "D", parent="A"),
        ]
    )
    assert invalid == {2, 3, 4}  # D only hangs below the loop: its own cell is fine
    assert problems[0].message == (
        'Rows 2 → 3 → 4 → 2 are each other\'s parents in a loop ("A" → "B" → "C" → "A"). '
        "A session cannot be inside its own child: fix one of these Parent cells."
    )
    assert [p.row for p in problems] == [2, 3, 4]
