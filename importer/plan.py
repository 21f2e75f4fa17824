"""Drafts + what the event already holds -> an ordered plan of creates and updates.

Every parent goes before its children; a row already in Zuddl with the same fields costs no
call at all. Rows are matched to sessions by reference ID: rows without one get a derived ID.
"""

from __future__ import annotations

import difflib
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from importer.mapper import UUID_RE, Draft, Mapped, Problem

Action = Literal["create", "update"]
Mode = Literal["sync", "create-only"]
COMPARED = ("title", "description", "start", "end", "location_id", "capacity", "tags", "parent")
FIELD_NAMES = {
    "title": "title",
    "description": "description",
    "start": "start",
    "end": "end",
    "location_id": "location",
    "capacity": "capacity",
    "tags": "tags",
    "parent": "parent",
}
_NEW_PARENT = "(created in this run)"


@dataclass(frozen=True, slots=True)
class RemoteSession:
    """A session already in the event, in the plan's terms (times as UTC text)."""

    id: str
    reference_id: str | None
    title: str | None = None
    description: str | None = None
    start: str | None = None
    end: str | None = None
    location_id: str | None = None
    capacity: int | None = None
    tags: tuple[str, ...] = ()
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class Change:
    field: str
    old: object
    new: object

    def text(self) -> str:
        return f"{FIELD_NAMES[self.field]}: {_show(self.old)} → {_show(self.new)}"


@dataclass(frozen=True, slots=True)
class Step:
    draft: Draft
    wave: int
    action: Action
    parent_row: int | None  # a row of this sheet that is created in this run, first
    parent_session_id: str | None  # a parent that already exists in Zuddl
    session_id: str | None = None  # the session an update changes
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True)
class Plan:
    steps: tuple[Step, ...]  # in wave order, then row order
    problems: tuple[Problem, ...]
    invalid_rows: frozenset[int]
    skipped: Mapping[int, str]  # row -> why it is not sent although it is valid
    unchanged: Mapping[int, tuple[str, str]]  # row -> (session ID, note)
    references: Mapping[int, str]  # row -> the reference ID used (given or derived)
    derived: frozenset[int] = frozenset()  # rows whose reference ID was derived

    @property
    def wave_count(self) -> int:
        return max((s.wave for s in self.steps), default=-1) + 1

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    def count(self, action: Action) -> int:
        return sum(1 for s in self.steps if s.action == action)


def format_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def derive_reference(draft: Draft) -> str:
    """The documented rule: "auto-" + 10 hex digits of SHA-1 over title and UTC start."""
    key = f"{' '.join(draft.title.casefold().split())}|{format_utc(draft.start)}"
    return "auto-" + hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()[:10]


def _with_references(drafts: tuple[Draft, ...]) -> tuple[list[Draft], frozenset[int]]:
    taken = Counter(d.reference_id for d in drafts if d.reference_id)
    result, derived = [], set()
    for draft in drafts:
        if draft.reference_id is None:
            base = derive_reference(draft)
            ref, n = base, 1
            while ref in taken:  # the same title at the same time twice: number them
                n += 1
                ref = f"{base}-{n}"
            taken[ref] += 1
            draft = draft.model_copy(update={"reference_id": ref})
            derived.add(draft.row)
        result.append(draft)
    return result, frozenset(derived)


DERIVED_NOTE = (
    'No reference ID in the sheet, so "{ref}" is used (made from the title and start). Copy it '
    "into the Reference ID column, so later runs still find this session when its title or "
    "time changes."
)


def wanted(draft: Draft, parent: str | None) -> dict[str, object]:
    return {
        "title": draft.title,
        "description": draft.description,
        "start": format_utc(draft.start),
        "end": format_utc(draft.end),
        "location_id": draft.location_id,
        "capacity": draft.capacity,
        "tags": draft.tags,
        "parent": parent,
    }


def _comparable(field: str, value: object) -> object:
    """Spelling that does not change the session compares equal: IDs in any case, tags in
    any order (times are already UTC text of one precision on both sides)."""
    if field in ("location_id", "parent") and isinstance(value, str):
        return value.lower()
    if field == "tags" and isinstance(value, tuple):
        return frozenset(value)
    return value


def differences(
    remote: RemoteSession, target: Mapping[str, object], compared: Iterable[str] = COMPARED
) -> tuple[Change, ...]:
    return tuple(
        Change(f, getattr(remote, f), target[f])
        for f in compared
        if _comparable(f, getattr(remote, f)) != _comparable(f, target[f])
    )


def build_plan(
    mapped: Mapped,
    *,
    existing: Mapping[str, RemoteSession] | None = None,
    invalid_refs: Mapping[str, int] | None = None,
    mode: Mode = "sync",
    compared: Iterable[str] = COMPARED,
) -> Plan:
    """Order ``mapped.drafts`` into creates and updates, parents first.

    ``existing`` maps reference IDs of sessions already in the event to them;
    ``invalid_refs`` maps reference IDs of invalid rows to their row, so their children can
    say why they are held back.
    """
    event_known = existing is not None
    existing = existing or {}
    invalid_refs = invalid_refs or {}
    drafts, derived = _with_references(mapped.drafts)
    problems = list(mapped.problems)
    parent_header = mapped.columns.header("parent") if "parent" in mapped.columns.fields else None
    by_ref = {d.reference_id: d for d in drafts if d.reference_id}
    invalid = set(mapped.invalid_rows)
    parent_of: dict[int, int] = {}
    outside: dict[int, str] = {}

    def fail(draft: Draft, message: str) -> None:
        cell = mapped.columns.cell("parent", draft.row)
        problems.append(Problem(draft.row, parent_header, draft.parent_ref, message, cell=cell))
        invalid.add(draft.row)

    for draft in drafts:
        ref = draft.parent_ref
        if ref is None:
            continue
        if ref == draft.reference_id:
            fail(
                draft,
                f'"{ref}" is this row\'s own reference ID: a session cannot be its own '
                "parent. Leave Parent empty or name another session.",
            )
        elif ref in by_ref:
            parent_of[draft.row] = by_ref[ref].row
        elif ref in invalid_refs:
            parent_of[draft.row] = invalid_refs[ref]
        elif ref in existing:
            outside[draft.row] = existing[ref].id
        elif UUID_RE.match(ref):
            outside[draft.row] = ref.lower()
        elif not event_known:  # a check without the API cannot say the parent is missing
            cell = mapped.columns.cell("parent", draft.row)
            problems.append(
                Problem(
                    draft.row,
                    parent_header,
                    ref,
                    (
                        f'Parent "{ref}" is not a row of this sheet; it was not checked '
                        "against the event (give --event and set ZUDDL_API_KEY to check it)."
                    ),
                    "warning",
                    cell,
                )
            )
        else:
            folded = {known.casefold(): known for known in [*by_ref, *existing]}
            close = difflib.get_close_matches(ref.casefold(), list(folded), n=1, cutoff=0.6)
            hint = f' Did you mean "{folded[close[0]]}"?' if close else ""
            fail(
                draft,
                f'Parent "{ref}" is not the reference ID of any row in this sheet nor of '
                f"a session in the event.{hint} Check the spelling, or leave Parent empty.",
            )
    _refuse_loops(drafts, parent_of, fail)
    return _order(
        drafts, problems, invalid, parent_of, outside, existing, mode, derived, tuple(compared)
    )


def _refuse_loops(
    drafts: list[Draft], parent_of: dict[int, int], fail: Callable[[Draft, str], None]
) -> None:
    rows = {d.row: d for d in drafts}
    for start in sorted(parent_of):
        chain, current = [start], parent_of.get(start)
        while current is not None and current not in chain and current in parent_of:
            chain.append(current)
            current = parent_of[current]
        if current == start:
            refs = " → ".join(f'"{rows[r].reference_id}"' for r in [*chain, start])
            numbers = " → ".join(str(r) for r in [*chain, start])
            fail(
                rows[start],
                f"Rows {numbers} are each other's parents in a loop ({refs}). "
                "A session cannot be inside its own child: fix one of these Parent cells.",
            )


def _order(
    drafts: list[Draft],
    problems: list[Problem],
    invalid: set[int],
    parent_of: dict[int, int],
    outside: dict[int, str],
    existing: Mapping[str, RemoteSession],
    mode: Mode,
    derived: frozenset[int],
    compared: tuple[str, ...],
) -> Plan:
    remote_of = {
        d.row: existing[d.reference_id]
        for d in drafts
        if d.reference_id is not None and d.reference_id in existing and d.row not in invalid
    }
    skipped: dict[int, str] = {}
    unchanged: dict[int, tuple[str, str]] = {}
    depth: dict[int, int] = {}

    def wave_of(row: int) -> int | None:
        """None when the row cannot be sent because an ancestor is not sent."""
        if row in depth:
            return depth[row]
        parent = parent_of.get(row)
        if parent is None or parent in remote_of:
            depth[row] = 0
            return 0
        if parent in invalid or parent in skipped:
            skipped[row] = f"Not sent: its parent (row {parent}) has a problem. Fix that row first."
            return None
        above = wave_of(parent)
        if above is None:
            skipped[row] = f"Not sent: its parent (row {parent}) is not sent either."
            return None
        depth[row] = above + 1
        return depth[row]

    steps = []
    for draft in sorted(drafts, key=lambda d: d.row):
        if draft.row in invalid:
            continue
        wave = wave_of(draft.row)
        if wave is None:
            continue
        parent_row = parent_of.get(draft.row)
        parent_id = outside.get(draft.row)
        if parent_row is not None and parent_row in remote_of:
            parent_id, parent_row = remote_of[parent_row].id, None
        remote = remote_of.get(draft.row)
        if remote is None:
            steps.append(Step(draft, wave, "create", parent_row, parent_id))
            continue
        target = wanted(draft, parent_id if parent_row is None else _NEW_PARENT)
        changes = differences(remote, target, compared)
        if not changes:
            unchanged[draft.row] = (remote.id, "")
        elif mode == "create-only":
            fields = ", ".join(FIELD_NAMES[c.field] for c in changes)
            unchanged[draft.row] = (
                remote.id,
                f"Already in Zuddl; differs in {fields}, not updated (--mode create-only).",
            )
        else:
            steps.append(Step(draft, wave, "update", parent_row, parent_id, remote.id, changes))
    steps.sort(key=lambda s: (s.wave, s.draft.row))
    problems.sort(key=lambda p: -1 if p.row is None else p.row)
    references = {d.row: d.reference_id for d in drafts if d.reference_id}
    return Plan(
        tuple(steps), tuple(problems), frozenset(invalid), skipped, unchanged, references, derived
    )


def _show(value: object) -> str:
    if value is None or value == ():
        return "(empty)"
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    text = str(value)
    return f'"{text[:60]}…"' if len(text) > 60 else f'"{text}"' if isinstance(value, str) else text
