"""plan/reconcile.py: what one row changes in its session, and what it keeps."""

from __future__ import annotations

from typing import Any

import pytest

from importer.plan.reconcile import COMPARED, Change, differences, reconcile, same
from importer.plan.remote import RemoteSession

ROOM = "dddddddd-0000-4000-8000-000000000004"
NOW = RemoteSession(
    id="aaaaaaaa-0000-4000-8000-000000000001",
    reference_id="R1",
    title="Keynote",
    description=None,
    start="2026-06-10T09:00:00Z",
    end="2026-06-10T10:00:00Z",
    location_id=ROOM,
    capacity=100,
    tags=("AI", "Main"),
    parent=None,
)


def target(**changes: Any) -> dict[str, object]:
    return {**{f: getattr(NOW, f) for f in COMPARED}, **changes}


@pytest.mark.parametrize(
    ("name", "a", "b"),
    [
        ("description", "", None),
        ("title", "", None),
        ("location_id", ROOM.upper(), ROOM),
        ("parent", "ABC", "abc"),
        ("tags", ("Main", "AI"), ["AI", "Main"]),
        ("tags", (), []),
    ],
)
def test_spellings_of_one_value_are_the_same(name: str, a: object, b: object) -> None:
    assert same(name, a, b)


@pytest.mark.parametrize(
    ("name", "a", "b"),
    [
        ("title", "Keynote", "keynote"),  # a title's case is the user's to change
        ("tags", ("AI",), ("AI", "Main")),
        ("tags", ("ai",), ("AI",)),
        ("capacity", 0, None),
    ],
)
def test_real_differences_are_seen(name: str, a: object, b: object) -> None:
    assert not same(name, a, b)


def test_a_row_that_matches_in_other_spellings_changes_nothing() -> None:
    wanted = target(location_id=ROOM.upper(), tags=("Main", "AI"), description="")
    assert differences(NOW, wanted) == ()
    verdict = reconcile(NOW, wanted, COMPARED, None)
    assert (verdict.changes, verdict.kept_in_zuddl, verdict.conflicts) == ((), (), ())


def test_fields_the_sheet_does_not_hold_keep_zuddls_value() -> None:
    verdict = reconcile(NOW, target(title="New", capacity=None), {"title"}, None)
    assert verdict.changes == (Change("title", "Keynote", "New"),)
    assert verdict.keep["capacity"] == 100
    assert "title" not in verdict.keep
    assert verdict.changes[0].text() == 'title: "Keynote" → "New"'


def test_a_cleared_cell_clears_the_field_and_says_so() -> None:
    verdict = reconcile(NOW, target(capacity=None, tags=()), {"capacity", "tags"}, None)
    assert [c.text() for c in verdict.changes] == [
        "capacity: cleared (was 100)",
        "tags: cleared (was AI, Main)",
    ]


def test_an_edit_made_in_zuddl_is_kept_and_said() -> None:
    sent = {"title": "Keynote (draft)"}
    verdict = reconcile(NOW, target(title="Keynote (draft)"), {"title"}, sent)
    assert verdict.changes == ()
    assert verdict.keep["title"] == "Keynote"
    assert verdict.kept_in_zuddl == (Change("title", "Keynote (draft)", "Keynote"),)
    assert verdict.note() == 'Changed in Zuddl, kept: title "Keynote".'


def test_a_change_on_both_sides_stops_by_default() -> None:
    sent = {"title": "Keynote (draft)"}
    verdict = reconcile(NOW, target(title="Opening"), {"title"}, sent)
    assert verdict.changes == ()
    assert verdict.conflicts == (Change("title", "Keynote", "Opening"),)
    assert verdict.conflict_text() == (
        "Not sent: changed both in Zuddl and in the sheet since the last import (title: Zuddl "
        '"Keynote", sheet "Opening"). Make them agree, or choose with --on-conflict sheet or '
        "--on-conflict zuddl."
    )


def test_on_conflict_sheet_sends_and_zuddl_keeps() -> None:
    sent = {"title": "Keynote (draft)"}
    wanted = target(title="Opening")
    by_sheet = reconcile(NOW, wanted, {"title"}, sent, on_conflict="sheet")
    assert by_sheet.changes == (Change("title", "Keynote", "Opening"),)
    assert by_sheet.conflicts == ()
    by_zuddl = reconcile(NOW, wanted, {"title"}, sent, on_conflict="zuddl")
    assert by_zuddl.changes == ()
    assert by_zuddl.keep["title"] == "Keynote"


def test_without_a_journal_the_sheet_wins() -> None:
    verdict = reconcile(NOW, target(title="Opening"), {"title"}, {})
    assert verdict.changes == (Change("title", "Keynote", "Opening"),)


def test_a_long_value_is_cut_in_messages() -> None:
    text = Change("description", None, "x" * 80).text()
    assert text == f'description: (empty) → "{"x" * 60}…"'
