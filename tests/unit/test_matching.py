"""plan/matching.py: the strongest key wins, and no pairing is ever a coin toss."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from importer.check.drafts import Draft
from importer.plan.matching import match_rows
from importer.plan.remote import RemoteSession

ID_A = "aaaaaaaa-0000-4000-8000-000000000001"
ID_B = "bbbbbbbb-0000-4000-8000-000000000002"
ID_C = "cccccccc-0000-4000-8000-000000000003"
ROOM = "dddddddd-0000-4000-8000-000000000004"
NINE = datetime(2026, 6, 10, 9, tzinfo=UTC)


def draft(row: int, title: str = "Talk", **fields: Any) -> Draft:
    start = fields.pop("start", NINE)
    return Draft(row=row, title=title, start=start, end=start.replace(hour=10), **fields)


def remote(id_: str, ref: str | None, title: str = "Talk", **fields: Any) -> RemoteSession:
    return RemoteSession(id=id_, reference_id=ref, title=title, **fields)


def test_the_zuddl_id_beats_the_reference_id_and_is_read_in_any_case() -> None:
    a, b = remote(ID_A, "R1"), remote(ID_B, "R2")
    rows = [draft(2, reference_id="R2", zuddl_id=ID_A.upper())]
    matches = match_rows(rows, frozenset(), {"R1": a, "R2": b}, [a, b], frozenset())
    assert matches.remote_of == {2: a}
    assert matches.absent == (b,)


def test_an_unknown_zuddl_id_is_reported_and_not_matched_by_reference() -> None:
    a = remote(ID_A, "R1")
    rows = [draft(2, reference_id="R1", zuddl_id=ID_C)]
    matches = match_rows(rows, frozenset(), {"R1": a}, [a], frozenset())
    assert matches.remote_of == {}
    assert matches.unknown_ids == {2: ID_C}


def test_a_given_reference_id_matches_its_session() -> None:
    a = remote(ID_A, "R1", title="Old title")
    matches = match_rows(
        [draft(2, "New title", reference_id="R1")], frozenset(), {"R1": a}, [a], frozenset()
    )
    assert matches.remote_of == {2: a}
    assert matches.how == {}
    assert matches.adopted == {}


def test_a_derived_row_follows_a_session_the_sheet_made_by_title_then_says_moved() -> None:
    made = remote(ID_A, "auto-1234", title="Opening  KEYNOTE", start="2026-06-10T08:00:00Z")
    rows = [draft(2, "opening keynote", reference_id="derived-x")]
    matches = match_rows(rows, frozenset({2}), {}, [made], frozenset())
    assert matches.remote_of == {2: made}
    assert matches.how == {2: "moved"}
    assert matches.adopted == {2: "auto-1234"}
    assert matches.absent == ()


def test_a_retitled_row_pairs_by_start_and_room_and_says_renamed() -> None:
    made = remote(ID_A, None, title="Old", start="2026-06-10T09:00:00Z", location_id=ROOM)
    rows = [draft(2, "New", reference_id="derived-x", location_id=ROOM.upper())]
    matches = match_rows(rows, frozenset({2}), {}, [made], frozenset({ID_A}))
    assert matches.remote_of == {2: made}
    assert matches.how == {2: "renamed"}


def test_a_session_the_sheet_did_not_make_is_never_adopted() -> None:
    stranger = remote(ID_A, "staff-made", title="Talk")
    matches = match_rows([draft(2, reference_id="d")], frozenset({2}), {}, [stranger], frozenset())
    assert matches.remote_of == {}
    assert matches.absent == (stranger,)


def test_two_rows_with_one_title_are_left_alone() -> None:
    made = remote(ID_A, "auto-1", title="Break", start="2026-06-10T07:00:00Z")
    rows = [
        draft(2, "Break", reference_id="d1"),
        draft(3, "Break", reference_id="d2", start=NINE.replace(hour=11)),
    ]
    matches = match_rows(rows, frozenset({2, 3}), {}, [made], frozenset())
    assert matches.remote_of == {}
    assert matches.absent == (made,)


def test_two_sessions_with_one_title_are_left_alone() -> None:
    one = remote(ID_A, "auto-1", title="Break", start="2026-06-10T07:00:00Z")
    two = remote(ID_B, "auto-2", title="Break", start="2026-06-10T08:00:00Z")
    matches = match_rows(
        [draft(2, "Break", reference_id="d")], frozenset({2}), {}, [one, two], frozenset()
    )
    assert matches.remote_of == {}
    assert set(matches.absent) == {one, two}


def test_a_session_claimed_by_its_id_is_not_paired_again_by_title() -> None:
    made = remote(ID_A, "auto-1", title="Talk")
    rows = [draft(2, reference_id="x", zuddl_id=ID_A), draft(3, reference_id="d")]
    matches = match_rows(rows, frozenset({3}), {}, [made], frozenset())
    assert matches.remote_of == {2: made}
    assert 3 not in matches.remote_of


def test_a_session_whose_reference_a_row_gives_is_not_a_candidate() -> None:
    made = remote(ID_A, "auto-1", title="Talk")
    rows = [draft(2, "Other", reference_id="auto-1"), draft(3, "Talk", reference_id="d")]
    # Row 2 gives "auto-1" but it is not in ``existing``: the session stays its, not row 3's.
    matches = match_rows(rows, frozenset({3}), {}, [made], frozenset())
    assert matches.remote_of == {}


def test_a_session_named_as_a_parent_is_not_absent() -> None:
    parent = remote(ID_A, "P1", title="Track")
    by_id = remote(ID_B, "P2", title="Track 2")
    matches = match_rows([], frozenset(), {}, [parent, by_id], frozenset(), ["P1", ID_B.upper()])
    assert matches.absent == ()
