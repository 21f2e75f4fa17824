"""What the plan screen shows, read off the library's report: no logic of its own.

Counts, each update field by field (local times, room names, long texts cut with the whole one
a click away), the rows held back because they were changed both in Zuddl and in the file, the
sessions in Zuddl that no row matches, and the timeline's slots.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from importer.check.cells import show
from importer.plan.reconcile import FIELD_NAMES, Change
from importer.plan.remote import RemoteSession
from importer.run import ImportReport
from importer.settings.checks import check_timezone
from importer.ui.timeline import Day, Slot, draw_timeline
from importer.ui.words import page_words

MAX_SESSIONS_DRAWN = 2_000
MAX_LISTED = 500  # rows of each list on the page; the results sheet has them all
SHORT = 80  # characters of a value shown in a line; the whole text is one click away
_EMPTY = "(empty)"


@dataclass(frozen=True)
class ShownChange:
    name: str  # the field, as staff call it
    old: str
    new: str

    @property
    def cleared(self) -> bool:
        return self.new == _EMPTY

    @property
    def text(self) -> str:
        return _line(self.name, self.old, self.new)

    @property
    def long(self) -> bool:
        return len(self.old) > SHORT or len(self.new) > SHORT

    @property
    def short(self) -> str:
        return _line(self.name, _cut(self.old), _cut(self.new))


@dataclass(frozen=True)
class ShownStep:
    row: int
    reference: str
    title: str
    changes: tuple[ShownChange, ...]


@dataclass(frozen=True)
class ShownRow:
    """A row held back (skipped) or noted, with why in the page's words."""

    row: int
    reference: str
    title: str
    text: str


@dataclass(frozen=True)
class ShownAbsent:
    title: str
    when: str
    room: str
    reference: str
    removed: bool  # made from this file by an earlier import, since removed from it


@dataclass(frozen=True)
class PlanView:
    creates: tuple[ShownStep, ...]
    updates: tuple[ShownStep, ...]
    unchanged: int
    invalid: int
    skipped: int
    waves: int
    days: tuple[Day, ...]
    overlaps: int
    drawn: bool = True  # False: too many sessions for a picture
    lanes: str = "location"  # what the lanes are: "location", or "track" when none has one
    conflicts: tuple[ShownStep, ...] = ()  # changes: old is Zuddl's value, new the file's
    held: tuple[ShownRow, ...] = ()  # skipped for another reason
    notes: tuple[ShownRow, ...] = ()  # edits made in Zuddl and kept, sessions matched by title
    absent: tuple[ShownAbsent, ...] = ()
    speakers: tuple[ShownRow, ...] = ()  # sessions whose speaker links change (text: the change)
    speaker_calls: int = 0
    speakers_only: int = 0  # of those, sessions with nothing else to send


def plan_view(report: ImportReport) -> PlanView:
    plan, zone = report.plan, check_timezone(report.timezone)
    rooms = report.location_names

    def step(row: int, title: str, changes: tuple[Change, ...]) -> ShownStep:
        shown = tuple(shown_change(c, zone, rooms) for c in changes)
        return ShownStep(row, plan.references.get(row, ""), title, shown)

    creates = tuple(
        step(s.draft.row, s.draft.title, ()) for s in plan.steps if s.action == "create"
    )
    updates = tuple(
        step(s.draft.row, s.draft.title, s.changes) for s in plan.steps if s.action == "update"
    )
    titles = {d.row: d.title for d in report.mapped.drafts}
    conflicts = tuple(step(r, titles.get(r, ""), c) for r, c in sorted(plan.conflicts.items()))

    def noted(found: Mapping[int, str]) -> tuple[ShownRow, ...]:
        rows = sorted(r for r in found if r not in plan.conflicts)[:MAX_LISTED]
        return tuple(
            ShownRow(r, plan.references.get(r, ""), titles.get(r, ""), page_words(found[r]))
            for r in rows
        )

    days, lanes, drawn = _timeline(report)
    return PlanView(
        creates,
        updates,
        len(plan.unchanged),
        len(plan.invalid_rows),
        len(plan.skipped),
        plan.wave_count,
        days,
        sum(len(d.overlaps) for d in days),
        drawn,
        lanes,
        conflicts[:MAX_LISTED],
        noted(plan.skipped),
        noted(plan.notes),
        tuple(_absent(s, removed, zone, rooms) for s, removed in plan.absent[:MAX_LISTED]),
        *_speaker_rows(report, titles),
    )


def _speaker_rows(
    report: ImportReport, titles: Mapping[int, str]
) -> tuple[tuple[ShownRow, ...], int, int]:
    """The sessions whose speakers change (the text the command line prints), their calls,
    and how many of them change nothing else."""
    plan = report.plan
    shown = tuple(
        ShownRow(row, plan.references.get(row, ""), titles.get(row, ""), change.text())
        for row, change in sorted(plan.speakers.items())
    )
    stepped = {s.draft.row for s in plan.steps}
    return shown, plan.speaker_calls, sum(1 for row in plan.speakers if row not in stepped)


def _timeline(report: ImportReport) -> tuple[tuple[Day, ...], str, bool]:
    slots = _slots(report)
    # Sessions without locations (a virtual event) are laid out by track (first tag) instead.
    lanes: Literal["location", "track"] = "location"
    if slots and not any(s.lane for s in slots):
        lanes = "track"
        by_row = {d.row: d for d in report.mapped.drafts}
        slots = [replace(s, lane=next(iter(by_row[s.row].tags), "")) for s in slots]
    drawn = len(slots) <= MAX_SESSIONS_DRAWN
    days = draw_timeline(slots, report.timezone, lanes=lanes) if drawn else ()
    return days, lanes, drawn


def _absent(
    session: RemoteSession, removed: bool, zone: ZoneInfo, rooms: Mapping[str, str]
) -> ShownAbsent:
    room = _value("location_id", session.location_id, zone, rooms).strip('"')
    return ShownAbsent(
        session.title or "(no title)",
        _value("start", session.start, zone, rooms),
        "" if room == _EMPTY else room,
        session.reference_id or "",
        removed,
    )


def shown_change(change: Change, zone: ZoneInfo, rooms: Mapping[str, str]) -> ShownChange:
    """One field's change as staff read it: local times, room names, the whole text."""
    old, new = (_value(change.field, v, zone, rooms) for v in (change.old, change.new))
    return ShownChange(FIELD_NAMES[change.field], old, new)


def change_text(change: Change, zone: ZoneInfo, rooms: Mapping[str, str]) -> str:
    return shown_change(change, zone, rooms).text


def _line(name: str, old: str, new: str) -> str:
    if new == _EMPTY:
        return f"{name}: cleared (was {old})"
    return f"{name}: {old} → {new}"


def _cut(text: str) -> str:
    if len(text) <= SHORT:
        return text
    end = '"' if text.endswith('"') else ""
    return text[: SHORT - 1].rstrip() + "…" + end


def _value(name: str, value: object, zone: ZoneInfo, rooms: Mapping[str, str]) -> str:
    if value in (None, "", (), []):
        return _EMPTY
    if name in ("start", "end") and isinstance(value, str):
        try:  # the API's UTC text, shown in the event's zone as the sheet has it
            moment = datetime.fromisoformat(value).astimezone(zone)
        except ValueError:
            return value
        return f"{moment:%a} {moment.day} {moment:%b %Y %H:%M}"
    if name == "location_id" and isinstance(value, str):
        return f'"{rooms.get(value.lower(), value)}"'
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    return f'"{value}"' if isinstance(value, str) else str(value)


def _slots(report: ImportReport) -> list[Slot]:
    """Every session the event will hold after the run, as the timeline draws it."""
    plan, table = report.plan, report.table
    action: dict[int, str] = {s.draft.row: s.action for s in plan.steps}
    action.update({row: "unchanged" for row in plan.unchanged})
    row_of_ref = {ref: row for row, ref in plan.references.items()}
    place = report.mapped.columns.fields.get("location")
    values = {r.number: r.values for r in table.rows}
    zone = check_timezone(report.timezone)
    slots = []
    for draft in report.mapped.drafts:
        if draft.row not in action:
            continue
        lane = show(values[draft.row][place]).strip() if place is not None else ""
        parent = row_of_ref.get(draft.parent_ref) if draft.parent_ref else None
        slots.append(
            Slot(
                draft.row,
                draft.title,
                draft.start.astimezone(zone),
                draft.end.astimezone(zone),
                lane,
                parent if parent in action else None,
                action[draft.row],
            )
        )
    return slots
