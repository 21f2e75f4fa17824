"""Which session in Zuddl each row of the sheet is: the strongest key wins.

Staff move sessions, retitle them and keep no reference IDs, so a row is matched, in order,
by the ``Zuddl Session ID`` column this tool writes, by its reference ID (given, or derived
the old way from title and start), and, for rows with neither, to a session this sheet made
before (its journal, or an ``auto-`` reference) paired by title ("moved"), then by start and
room ("renamed"). Only a row that pairs with nothing is created. Sessions no row matches are
shown, never deleted: the API has no delete and a guess would be worse.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from importer.check.drafts import Draft
from importer.plan.remote import RemoteSession, format_utc

AUTO_PREFIX = "auto-"


@dataclass(frozen=True)
class Matches:
    remote_of: Mapping[int, RemoteSession]  # row -> its session in Zuddl
    how: Mapping[int, str] = field(default_factory=dict)  # row -> "moved" / "renamed" note
    adopted: Mapping[int, str] = field(default_factory=dict)  # row -> the session's reference
    unknown_ids: Mapping[int, str] = field(default_factory=dict)  # row -> an ID not in Zuddl
    absent: tuple[RemoteSession, ...] = ()  # in Zuddl, matched by no row


def _title_key(title: str | None) -> str:
    return " ".join((title or "").casefold().split())


def match_rows(
    drafts: Sequence[Draft],
    derived: frozenset[int],
    existing: Mapping[str, RemoteSession],
    remote: Sequence[RemoteSession],
    created_by_sheet: frozenset[str],
    parents_named: Iterable[str] = (),
) -> Matches:
    by_id = {s.id.lower(): s for s in remote}
    remote_of: dict[int, RemoteSession] = {}
    unknown: dict[int, str] = {}
    for draft in drafts:
        if draft.zuddl_id is not None:
            session = by_id.get(draft.zuddl_id.lower())
            if session is None:
                unknown[draft.row] = draft.zuddl_id
            else:
                remote_of[draft.row] = session
        elif draft.reference_id is not None and draft.reference_id in existing:
            remote_of[draft.row] = existing[draft.reference_id]
    claimed = {s.id.lower() for s in remote_of.values()}
    given = {d.reference_id for d in drafts if d.row not in derived}
    candidates = [
        s
        for s in remote
        if s.id.lower() not in claimed
        and s.reference_id not in given
        and (s.id.lower() in created_by_sheet or (s.reference_id or "").startswith(AUTO_PREFIX))
    ]
    loose = [
        d for d in drafts if d.row in derived and d.row not in remote_of and d.row not in unknown
    ]
    how: dict[int, str] = {}
    for label, key in (("moved", _by_title), ("renamed", _by_slot)):
        for draft, session in _pairs(loose, candidates, key):
            remote_of[draft.row] = session
            how[draft.row] = label
            loose.remove(draft)
            candidates.remove(session)
    adopted = {
        row: session.reference_id
        for row, session in remote_of.items()
        if row in derived and session.reference_id
    }
    matched = {s.id.lower() for s in remote_of.values()}
    named = set(parents_named)
    absent = tuple(
        s
        for s in remote
        if s.id.lower() not in matched
        and s.reference_id not in named
        and s.id.lower() not in {n.lower() for n in named}
    )
    return Matches(remote_of, how, adopted, unknown, absent)


def _by_title(item: Draft | RemoteSession) -> object:
    return _title_key(item.title)


def _by_slot(item: Draft | RemoteSession) -> object:
    if isinstance(item, Draft):
        return (format_utc(item.start), (item.location_id or "").lower())
    return (item.start, (item.location_id or "").lower())


def _pairs(
    drafts: list[Draft],
    sessions: list[RemoteSession],
    key: Callable[[Draft | RemoteSession], object],
) -> list[tuple[Draft, RemoteSession]]:
    """Rows and sessions whose key is unique on both sides: no pairing is ever a coin toss."""
    row_keys = Counter(key(d) for d in drafts)
    session_keys = Counter(key(s) for s in sessions)
    by_key = {key(s): s for s in sessions if session_keys[key(s)] == 1}
    return [(d, by_key[key(d)]) for d in drafts if row_keys[key(d)] == 1 and key(d) in by_key]
