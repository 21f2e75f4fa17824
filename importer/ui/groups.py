"""The check screen's problems as staff can act on them: grouped, with a fix for each group.

A room the event does not have makes every row with it an error: 354 times the same message,
when one choice ("Room 12" is "Main Hall") fixes them all. So the distinct unknown values (rooms,
parents, speakers) are listed once each with their number of rows, and every other problem is
grouped by kind (its column and its message with the values taken out), with the fixes that
apply: not importing the column, one date for all rows, leaving the rows out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from importer.check.drafts import Problem
from importer.check.replacements import value_key
from importer.read.agenda import reshaped
from importer.run import ImportReport
from importer.ui.views import MAX_PROBLEMS_SHOWN
from importer.ui.words import page_words

MAX_ROWS_LISTED = 200  # per group; the checked workbook has them all
MAX_VALUES_LISTED = 300  # per field; the others are listed once these are chosen
MAX_CHOICES = 500  # parents to choose from: a longer list would not be read
UNKNOWN = {
    "unknown_location": "location",
    "unknown_parent": "parent",
    "unknown_speaker": "speakers",
}
TITLES = {
    "location": "Rooms that are not locations of the event",
    "parent": "Parents that are no session of the sheet or the event",
    "speakers": "Speakers that are not speakers of the event",
}
TIMES = frozenset({"end", "date", "duration"})
NONE_LABEL = {"location": "No location", "parent": "No parent", "speakers": "Leave out"}
# Fields a column can be left out for: without a title or a start nothing can be imported.
DROPPABLE = frozenset(
    {"description", "end", "date", "duration", "location", "capacity", "parent", "tags"}
) | {"speakers", "links", "reference", "zuddl_id"}


@dataclass(frozen=True)
class Choice:
    value: str  # "use:<text>" or "none"
    label: str


@dataclass(frozen=True)
class ValueToResolve:
    field: str
    value: str  # as the sheet has it
    rows: int
    chosen: str  # the choice made on the page ("" when none yet)


@dataclass(frozen=True)
class ValueSet:
    field: str
    title: str
    column: str | None
    values: tuple[ValueToResolve, ...]
    choices: tuple[Choice, ...]
    more: int = 0  # values not listed (the most frequent come first)


@dataclass(frozen=True)
class GroupRow:
    id: str | None  # the problem's id on the page (a red cell points at it)
    row: int | None
    cell: str | None
    value: str | None
    message: str | None  # only when it says more than the group's message
    editable: bool


@dataclass(frozen=True)
class ProblemGroup:
    id: str
    severity: str
    kind: str | None
    column: str | None
    field: str | None  # the field the column is imported as
    message: str  # the first row's message, in the page's words
    count: int
    rows: tuple[GroupRow, ...]  # the first MAX_ROWS_LISTED
    row_numbers: tuple[int, ...]
    drop_column: bool  # "Don't import this column" applies
    use_date: bool  # "Use this date for all rows" applies
    skip: bool  # "Skip these rows" applies (it leaves some rows to import)
    every_row: bool  # every row of the sheet has this problem

    @property
    def rows_text(self) -> str:
        numbers = self.row_numbers
        shown = ", ".join(str(n) for n in numbers[:8])
        return f"Row{'s' if len(numbers) > 1 else ''} {shown}{' …' if len(numbers) > 8 else ''}"


@dataclass(frozen=True)
class Resolution:
    value_sets: tuple[ValueSet, ...]
    groups: tuple[ProblemGroup, ...]
    described: Mapping[str, str]  # a problem's id -> the ids that describe it (group message)
    skipped: frozenset[int]  # rows left out by a "Skip these rows" (that still have errors)
    all_skipped: bool  # every row with an error is left out: the import can go on
    editable: bool
    edited: frozenset[tuple[int, int]] = frozenset()  # (row, column index) corrected here


_QUOTED = re.compile(r'"[^"]*"')
_NUMBER = re.compile(r"\d+")


def kind_of(problem: Problem) -> tuple[str, str, str]:
    """Problems of one kind: the same column and the same message once its values are out.
    Notes about the whole sheet (no row) are few and each says something else: kept apart."""
    if problem.row is None:
        return problem.severity, "", problem.message
    text = _NUMBER.sub("#", _QUOTED.sub('"…"', problem.message))
    return problem.severity, problem.column or "", problem.kind or text


def shown_ids(problems: Sequence[Problem]) -> dict[int, str]:
    """The page's id of each problem listed (by its place in ``problems``), as check_view
    numbers them: errors first, then by row."""
    order = sorted(
        range(len(problems)), key=lambda i: (problems[i].severity != "error", problems[i].row or 0)
    )
    return {index: f"problem-{k + 1}" for k, index in enumerate(order[:MAX_PROBLEMS_SHOWN])}


def resolution(
    report: ImportReport, chosen: Sequence[tuple[str, str, str, int]], skipped: frozenset[int]
) -> Resolution:
    """``chosen`` are the values resolved on the page, ``skipped`` the rows left out there."""
    editable = not reshaped(report.table)
    ids = shown_ids(report.plan.problems)
    groups = _groups(report, ids, editable, skipped)
    described = {
        row.id: f"{group.id}-message {row.id}" for group in groups for row in group.rows if row.id
    }
    bad = {p.row for p in report.plan.errors if p.row is not None}
    return Resolution(
        _value_sets(report, chosen),
        groups,
        described,
        skipped & bad,  # a row skipped that was corrected since is imported after all
        bool(bad) and bad <= skipped and len(bad) < len(report.table.rows),
        editable,
        report.table.edited,
    )


def _fields_by_header(report: ImportReport) -> dict[str, str]:
    cols = report.mapped.columns
    found: dict[str, str] = {}
    for name in cols.fields:
        for index in cols.all_of(name):
            found.setdefault(cols.headers[index], name)
    return found


def _groups(
    report: ImportReport, shown_ids: Mapping[int, str], editable: bool, skipped: frozenset[int]
) -> tuple[ProblemGroup, ...]:
    problems = report.plan.problems
    order = sorted(range(len(problems)), key=lambda i: (problems[i].severity != "error", i))
    by_kind: dict[tuple[str, str, str], list[int]] = {}
    for index in order:
        by_kind.setdefault(kind_of(problems[index]), []).append(index)
    fields = _fields_by_header(report)
    total = len(report.table.rows)
    result = []
    for number, members in enumerate(by_kind.values(), start=1):
        first = problems[members[0]]
        headline = page_words(first.message)
        rows = tuple(
            GroupRow(
                shown_ids.get(i),
                problems[i].row,
                problems[i].cell,
                problems[i].value,
                None if (text := page_words(problems[i].message)) == headline else text,
                editable and problems[i].cell is not None,
            )
            for i in members[:MAX_ROWS_LISTED]
        )
        numbers = tuple(sorted({n for i in members if (n := problems[i].row) is not None}))
        field = fields.get(first.column or "")
        error = first.severity == "error"
        leaves_some = total - len(skipped | set(numbers)) > 0  # never skips every row
        every_row = first.severity == "error" and len(numbers) >= total > 0
        result.append(
            ProblemGroup(
                f"group-{number}",
                first.severity,
                first.kind,
                first.column,
                field,
                headline,
                len(members),
                rows,
                numbers,
                # Leaving a column out is offered when the column is the cause (half of the
                # rows or more); a time column only when no row of it can be read.
                drop_column=error
                and field in DROPPABLE
                and len(numbers) * 2 >= total
                and (field not in TIMES or every_row),
                # A date column is replaced only when no row's date can be read: the date
                # given would otherwise move rows whose own date is fine.
                use_date=error
                and (first.kind == "no_date" or (first.kind == "bad_date" and every_row)),
                skip=error and bool(numbers) and not set(numbers) <= skipped and leaves_some,
                every_row=every_row,
            )
        )
    return tuple(result)


def _value_sets(
    report: ImportReport, chosen: Sequence[tuple[str, str, str, int]]
) -> tuple[ValueSet, ...]:
    """Each unknown value once, with its rows; values resolved already stay listed."""
    found: dict[str, dict[str, ValueToResolve]] = {}
    for field, value, replacement, rows in chosen:
        picked = f"use:{replacement}" if replacement else "none"
        found.setdefault(field, {})[value_key(value)] = ValueToResolve(field, value, rows, picked)
    seen: dict[tuple[str, str], tuple[str, set[int]]] = {}
    for problem in report.plan.problems:
        name = UNKNOWN.get(problem.kind or "")
        if name is None or problem.value is None or problem.row is None:
            continue
        entry = seen.setdefault((name, value_key(problem.value)), (problem.value, set()))
        entry[1].add(problem.row)
    for (name, key), (text, numbers) in seen.items():
        if key not in found.get(name, {}):
            found.setdefault(name, {})[key] = ValueToResolve(name, text, len(numbers), "")
    columns = _fields_by_header(report)
    result = []
    for field in ("location", "parent", "speakers"):
        if field not in found:
            continue
        column = next((h for h, f in columns.items() if f == field), None)
        values = tuple(  # the ones still to choose first, the most frequent first
            sorted(found[field].values(), key=lambda v: (bool(v.chosen), -v.rows, v.value.lower()))
        )
        shown, more = values[:MAX_VALUES_LISTED], max(0, len(values) - MAX_VALUES_LISTED)
        result.append(ValueSet(field, TITLES[field], column, shown, _choices(report, field), more))
    return tuple(result)


def _choices(report: ImportReport, field: str) -> tuple[Choice, ...]:
    none = Choice("none", NONE_LABEL[field])
    if field == "location":
        names = sorted(set(report.location_names.values()), key=str.casefold)
        return (none, *(Choice(f"use:{n}", n) for n in names))
    if field == "speakers":
        people = sorted(report.speakers, key=lambda s: s.name.casefold())
        return (
            none,
            *(
                Choice(f"use:{s.email or s.name}", f"{s.name} ({s.email})" if s.email else s.name)
                for s in people
            ),
        )
    plan = report.plan
    titles = {d.row: d.title for d in report.mapped.drafts}
    known = {
        ref: titles.get(row, "")
        for row, ref in sorted(plan.references.items())
        if row not in plan.derived
    }
    for session, _ in plan.absent:
        if session.reference_id:
            known.setdefault(session.reference_id, session.title or "")
    picked = sorted(known.items(), key=lambda item: item[0].casefold())[:MAX_CHOICES]
    return (
        none,
        *(Choice(f"use:{ref}", f"{ref}: {title}" if title else ref) for ref, title in picked),
    )
