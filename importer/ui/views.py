"""What each screen shows, worked out from the library's report: no logic of its own.

The check table, the plan's counts and diffs and the timeline's slots are read straight off
``ImportReport`` (table, mapped drafts, plan); the page only lays them out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo, available_timezones

from importer.check.cells import show
from importer.check.mapper import Problem
from importer.fields import FIELDS, IGNORE
from importer.plan.reconcile import FIELD_NAMES, Change
from importer.read.table import Table
from importer.run import ImportReport
from importer.ui.timeline import Day, Slot, draw_timeline
from importer.ui.words import page_words

MAX_ROWS_SHOWN = 500
MAX_PROBLEMS_SHOWN = 500  # the checked workbook has them all; a page of 100,000 would not load
MAX_SESSIONS_DRAWN = 2_000
# A column's choices on the page: every field (importer/fields.py), or none.
FIELD_CHOICES = (*((f.name, f.choice) for f in FIELDS), (IGNORE, "Not imported"))


@dataclass(frozen=True)
class ShownProblem:
    id: str  # the list item's HTML id, which a red cell points to
    row: int | None
    column: str | None
    cell: str | None
    value: str | None
    message: str
    severity: str


@dataclass(frozen=True)
class ShownCell:
    text: str
    problems: tuple[ShownProblem, ...]

    @property
    def bad(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    @property
    def tip(self) -> str:
        return " ".join(p.message for p in self.problems)

    @property
    def ids(self) -> str:
        return " ".join(p.id for p in self.problems)


@dataclass(frozen=True)
class ShownRow:
    number: int
    cells: tuple[ShownCell, ...]
    problems: tuple[ShownProblem, ...]  # about the whole row, not one cell
    bad: bool


@dataclass(frozen=True)
class CheckView:
    where: str
    headers: tuple[str, ...]
    letters: tuple[str, ...]
    rows: tuple[ShownRow, ...]
    total_rows: int
    problems: tuple[ShownProblem, ...]
    errors: int
    bad_rows: int
    notes: tuple[str, ...]
    more_problems: int = 0  # not listed on the page


DATE_ORDERS = (
    ("", "From the sheet (a day over 12 decides)"),
    ("dmy", "Day first: 10/06/2026 is 10 June"),
    ("mdy", "Month first: 10/06/2026 is October 6"),
    ("ymd", "Year first: 2026/06/10"),
)
_ZONES = tuple(sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/")))


def zone_choices(*first: str | None) -> list[str]:
    """Every time zone by name, the given ones (the event's, the chosen one) and UTC first."""
    head = [z for z in dict.fromkeys((*first, "UTC")) if z]
    return head + [z for z in _ZONES if z not in head]


def samples(table: Table, index: int, count: int = 3) -> list[str]:
    """The first filled-in values of a column, as the sheet shows them."""
    found = [show(row.values[index]) for row in table.rows[:50] if row.values[index] is not None]
    return [text for text in found if text.strip()][:count]


def check_view(report: ImportReport) -> CheckView:
    table, problems = report.table, report.plan.problems
    ordered = sorted(problems, key=lambda p: (p.severity != "error", p.row or 0))
    shown = tuple(_shown(i, p) for i, p in enumerate(ordered[:MAX_PROBLEMS_SHOWN]))
    index = {header: i for i, header in enumerate(table.headers)}
    by_cell: dict[tuple[int, int], list[ShownProblem]] = {}
    by_row: dict[int, list[ShownProblem]] = {}
    for problem in shown:
        if problem.row is None:
            continue
        column = index.get(problem.column) if problem.column is not None else None
        if column is None:
            by_row.setdefault(problem.row, []).append(problem)
        else:
            by_cell.setdefault((problem.row, column), []).append(problem)
    errors = [p for p in problems if p.severity == "error"]
    bad_rows = {p.row for p in errors if p.row is not None}
    # A long sheet shows its first rows and every row with a problem, not 100,000 rows.
    picked = [r for i, r in enumerate(table.rows) if i < MAX_ROWS_SHOWN or r.number in by_row]
    picked += [r for r in table.rows[MAX_ROWS_SHOWN:] if any(k[0] == r.number for k in by_cell)]
    rows = tuple(
        ShownRow(
            row.number,
            tuple(
                ShownCell(show(value), tuple(by_cell.get((row.number, i), ())))
                for i, value in enumerate(row.values)
            ),
            tuple(by_row.get(row.number, ())),
            row.number in bad_rows,
        )
        for row in sorted(set(picked), key=lambda r: r.number)
    )
    return CheckView(
        report.where,
        table.headers,
        table.columns,
        rows,
        len(table.rows),
        shown,
        len(errors),
        len(bad_rows),
        tuple(page_words(note) for note in report.notes),
        len(problems) - len(shown),
    )


def _shown(number: int, problem: Problem) -> ShownProblem:
    return ShownProblem(
        f"problem-{number + 1}",
        problem.row,
        problem.column,
        problem.cell,
        problem.value,
        page_words(problem.message),
        problem.severity,
    )


@dataclass(frozen=True)
class ShownStep:
    row: int
    reference: str
    title: str
    changes: tuple[str, ...]


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


def plan_view(report: ImportReport) -> PlanView:
    plan, zone = report.plan, ZoneInfo(report.timezone)
    steps = [
        ShownStep(s.draft.row, plan.references.get(s.draft.row, ""), s.draft.title, ())
        if s.action == "create"
        else ShownStep(
            s.draft.row,
            plan.references.get(s.draft.row, ""),
            s.draft.title,
            tuple(change_text(c, zone, report.location_names) for c in s.changes),
        )
        for s in plan.steps
    ]
    creates = tuple(s for s, step in zip(steps, plan.steps, strict=True) if step.action == "create")
    updates = tuple(s for s, step in zip(steps, plan.steps, strict=True) if step.action == "update")
    slots = _slots(report)
    # Sessions without locations (a virtual event) are laid out by track (first tag) instead.
    lanes: Literal["location", "track"] = "location"
    if slots and not any(s.lane for s in slots):
        lanes = "track"
        by_row = {d.row: d for d in report.mapped.drafts}
        slots = [replace(s, lane=next(iter(by_row[s.row].tags), "")) for s in slots]
    drawn = len(slots) <= MAX_SESSIONS_DRAWN
    days = draw_timeline(slots, report.timezone, lanes=lanes) if drawn else ()
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
    )


def change_text(change: Change, zone: ZoneInfo, rooms: Mapping[str, str]) -> str:
    """One field's change as staff read it: local times, room names, the whole text."""
    name = FIELD_NAMES[change.field]
    old, new = (_value(change.field, v, zone, rooms) for v in (change.old, change.new))
    if new == _EMPTY:
        return f"{name}: cleared (was {old})"
    return f"{name}: {old} → {new}"


_EMPTY = "(empty)"


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
    zone = ZoneInfo(report.timezone)
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
