"""Drafts + what the event already holds -> an ordered plan of creates and updates.

Every parent goes before its children; a row already in Zuddl with the same fields costs no
call at all. Rows are matched to sessions by reference ID: rows without one get a derived ID.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from importer.check.drafts import Draft, Mapped, Problem
from importer.plan.matching import Matches, match_rows
from importer.plan.parents import resolve_parents
from importer.plan.reconcile import COMPARED, FIELD_NAMES, Change, OnConflict, reconcile
from importer.plan.remote import RemoteSession, format_utc
from importer.plan.speakerchanges import SpeakerChange

Action = Literal["create", "update"]
Mode = Literal["sync", "create-only"]
_NEW_PARENT = "(created in this run)"


@dataclass(frozen=True, slots=True)
class Step:
    draft: Draft
    wave: int
    action: Action
    parent_row: int | None  # a row of this sheet that is created in this run, first
    parent_session_id: str | None  # a parent that already exists in Zuddl
    session_id: str | None = None  # the session an update changes
    changes: tuple[Change, ...] = ()
    # Zuddl's own values sent back in the update: fields the sheet does not hold, and edits
    # made in Zuddl that are kept (plan terms: "location_id", "start" as UTC text, ...).
    keep: Mapping[str, object] = field(default_factory=dict)
    after_row: int | None = None  # an update that waits for this row's update (re-parenting)


@dataclass(frozen=True)
class Plan:
    steps: tuple[Step, ...]  # in wave order, then row order
    problems: tuple[Problem, ...]
    invalid_rows: frozenset[int]
    skipped: Mapping[int, str]  # row -> why it is not sent although it is valid
    unchanged: Mapping[int, tuple[str, str]]  # row -> (session ID, note)
    references: Mapping[int, str]  # row -> the reference ID used (given or derived)
    derived: frozenset[int] = frozenset()  # rows whose reference ID was derived
    notes: Mapping[int, str] = field(default_factory=dict)  # row -> moved/renamed, kept edits
    parents: Mapping[int, str | None] = field(default_factory=dict)  # unchanged row -> parent
    # In Zuddl, matched by no row: (session, True when this sheet created it earlier).
    absent: tuple[tuple[RemoteSession, bool], ...] = ()
    # Skipped rows changed both in Zuddl and in the sheet: row -> (old: Zuddl, new: the sheet).
    conflicts: Mapping[int, tuple[Change, ...]] = field(default_factory=dict)
    # Row -> how its session's speaker links change (set once the speakers are looked up).
    speakers: Mapping[int, SpeakerChange] = field(default_factory=dict)

    @property
    def speaker_calls(self) -> int:
        return sum(c.calls for c in self.speakers.values())

    @property
    def wave_count(self) -> int:
        return max((s.wave for s in self.steps), default=-1) + 1

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    def count(self, action: Action) -> int:
        return sum(1 for s in self.steps if s.action == action)


def held_fields(
    columns: Iterable[str], default_location: str | None, virtual: bool | None
) -> tuple[str, ...]:
    """The fields the sheet holds, the only ones compared and sent: a column that is absent
    (or ignored) leaves what Zuddl has alone. Capacity is never Zuddl's on a virtual event."""
    present = set(columns)
    # Every draft has a title, a start and an end, whichever columns gave them.
    held = {"title", "start", "end"} | {key for key, name in FIELD_NAMES.items() if name in present}
    if default_location:
        held.add("location_id")
    if virtual:
        held.discard("capacity")
    return tuple(f for f in COMPARED if f in held)


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


def build_plan(
    mapped: Mapped,
    *,
    existing: Mapping[str, RemoteSession] | None = None,
    invalid_refs: Mapping[str, int] | None = None,
    mode: Mode = "sync",
    compared: Iterable[str] = COMPARED,
    remote: Sequence[RemoteSession] = (),
    created_by_sheet: frozenset[str] = frozenset(),
    last_sent: Mapping[str, Mapping[str, object]] | None = None,
    on_conflict: OnConflict = "stop",
) -> Plan:
    """Order ``mapped.drafts`` into creates and updates, parents first.

    ``existing`` maps reference IDs of sessions already in the event to them, ``remote`` is
    every session listed (for the Zuddl Session ID column and pairing), ``created_by_sheet``
    the IDs this sheet's journal created and ``last_sent`` what it last sent to each (by
    lower-case ID); ``compared`` are the fields the sheet holds. ``invalid_refs`` maps
    reference IDs of invalid rows to their row, so their children can say why they are held.
    """
    event_known = existing is not None
    existing = existing or {}
    drafts, derived = _with_references(mapped.drafts)
    problems = list(mapped.problems)
    invalid = set(mapped.invalid_rows)
    parent_of, outside = resolve_parents(
        mapped, drafts, existing, invalid_refs or {}, event_known, problems, invalid
    )
    matches = match_rows(
        drafts,
        derived,
        existing,
        remote,
        created_by_sheet,
        [d.parent_ref for d in drafts if d.parent_ref],
    )
    # Without the event, an ID cannot be said to be missing (a check with no API key).
    for row, session_id in matches.unknown_ids.items() if event_known else ():
        cell = mapped.columns.cell("zuddl_id", row)
        header = mapped.columns.header("zuddl_id")
        message = (
            f'Zuddl Session ID "{session_id}" is not a session of this event (deleted in '
            "Zuddl?). Clear the cell to create the session again."
        )
        problems.append(Problem(row, header, session_id, message, cell=cell))
        invalid.add(row)
    drafts = [
        d.model_copy(update={"reference_id": matches.adopted[d.row]}) if d.row in matches.adopted
        else d
        for d in drafts
    ]  # fmt: skip
    ordering = _Ordering(drafts, invalid, parent_of, outside, matches, tuple(compared))
    ordering.decide(mode, last_sent or {}, on_conflict)
    problems.sort(key=lambda p: -1 if p.row is None else p.row)
    return ordering.plan(problems, derived, created_by_sheet)


class _Ordering:
    """Each valid row decided (create, update, unchanged, held) and put in its wave: a
    parent's create or re-parenting goes before the rows that wait for it."""

    def __init__(
        self,
        drafts: list[Draft],
        invalid: set[int],
        parent_of: dict[int, int],
        outside: dict[int, str],
        matches: Matches,
        compared: tuple[str, ...],
    ) -> None:
        self.drafts = sorted((d for d in drafts if d.row not in invalid), key=lambda d: d.row)
        self.all_drafts, self.invalid = drafts, invalid
        self.parent_of, self.outside, self.matches = parent_of, outside, matches
        self.remote_of = {r: s for r, s in matches.remote_of.items() if r not in invalid}
        self.compared = compared
        self.skipped: dict[int, str] = {}
        self.unchanged: dict[int, tuple[str, str]] = {}
        self.parents: dict[int, str | None] = {}
        self.notes: dict[int, str] = {}
        self.conflicts: dict[int, tuple[Change, ...]] = {}
        self.steps: dict[int, Step] = {}

    def parent_target(self, row: int) -> tuple[int | None, str | None]:
        """(a row created in this run, or the ID of a session that exists) for row's parent."""
        parent_row, parent_id = self.parent_of.get(row), self.outside.get(row)
        if parent_row is not None and parent_row in self.remote_of:
            return None, self.remote_of[parent_row].id
        return parent_row, parent_id

    def decide(
        self, mode: Mode, last_sent: Mapping[str, Mapping[str, object]], on_conflict: OnConflict
    ) -> None:
        for draft in self.drafts:
            row = draft.row
            parent_row, parent_id = self.parent_target(row)
            remote = self.remote_of.get(row)
            if row in self.matches.how:
                self.notes[row] = _MATCH_NOTES[self.matches.how[row]].format(
                    id=remote and remote.id
                )
            if remote is None:
                self.steps[row] = Step(draft, 0, "create", parent_row, parent_id)
                continue
            target = wanted(draft, parent_id if parent_row is None else _NEW_PARENT)
            verdict = reconcile(
                remote, target, self.compared, last_sent.get(remote.id.lower()), on_conflict
            )
            note = " ".join(n for n in (self.notes.get(row, ""), verdict.note()) if n)
            if note:
                self.notes[row] = note
            if verdict.conflicts:
                self.skipped[row] = verdict.conflict_text()
                self.conflicts[row] = verdict.conflicts
            elif not verdict.changes or mode == "create-only":
                fields = ", ".join(FIELD_NAMES[c.field] for c in verdict.changes)
                why = f"Already in Zuddl; differs in {fields}, not updated (--mode create-only)."
                self.unchanged[row] = (remote.id, why if verdict.changes else "")
                self.parents[row] = remote.parent
            else:
                self.steps[row] = Step(
                    draft, 0, "update", parent_row, parent_id, remote.id, verdict.changes,
                    verdict.keep,
                )  # fmt: skip

    def wave_of(self, row: int, depth: dict[int, int]) -> int | None:
        """None when the row cannot be sent because the row it waits for is not sent."""
        if row in depth:
            return depth[row]
        wait = self.waits_for(row)
        if wait is None:
            depth[row] = 0
            return 0
        if wait in self.invalid or (wait in self.skipped and wait not in self.remote_of):
            self.skipped[row] = (
                f"Not sent: its parent (row {wait}) has a problem. Fix that row first."
            )
            return None
        if wait not in self.steps:  # exists and is not sent: nothing to wait for
            depth[row] = 0
            return 0
        above = self.wave_of(wait, depth)
        if above is None:
            self.skipped[row] = f"Not sent: its parent (row {wait}) is not sent either."
            return None
        depth[row] = above + 1
        return depth[row]

    def waits_for(self, row: int) -> int | None:
        """A create waits for its parent's create; a re-parenting update for its new parent's
        own re-parenting (detach before attach: no moment of the run holds a cycle)."""
        parent = self.parent_of.get(row)
        if parent is None:
            return None
        if parent not in self.remote_of:
            return parent
        step, above = self.steps.get(row), self.steps.get(parent)
        moving = step is not None and any(c.field == "parent" for c in step.changes)
        if moving and above is not None and any(c.field == "parent" for c in above.changes):
            return parent
        return None

    def plan(
        self, problems: list[Problem], derived: frozenset[int], created_by_sheet: frozenset[str]
    ) -> Plan:
        depth: dict[int, int] = {}
        steps = []
        for row, step in sorted(self.steps.items()):
            wave = self.wave_of(row, depth)
            if wave is None:
                continue
            after = self.waits_for(row) if step.action == "update" else None
            steps.append(dataclasses.replace(step, wave=wave, after_row=after))
        steps.sort(key=lambda s: (s.wave, s.draft.row))
        references = {d.row: d.reference_id for d in self.all_drafts if d.reference_id}
        absent = tuple((s, s.id.lower() in created_by_sheet) for s in self.matches.absent)
        return Plan(
            tuple(steps),
            tuple(problems),
            frozenset(self.invalid),
            self.skipped,
            self.unchanged,
            references,
            derived,
            self.notes,
            self.parents,
            absent,
            self.conflicts,
        )


_MATCH_NOTES = {
    "moved": "Matched to session {id} by its title (moved in the sheet).",
    "renamed": "Matched to session {id} by its start and room (renamed in the sheet).",
}
