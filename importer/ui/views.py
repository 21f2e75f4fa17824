"""What each screen shows, worked out from the library's report: no logic of its own.

The check table is read straight off ``ImportReport`` (table, problems); the page only lays it
out. The plan screen's view is in planview.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import available_timezones

from importer.check.cells import show
from importer.check.drafts import Problem
from importer.fields import FIELDS, IGNORE
from importer.read.table import Table
from importer.run import ImportReport
from importer.ui.words import page_words

MAX_ROWS_SHOWN = 500
MAX_PROBLEMS_SHOWN = 500  # the checked workbook has them all; a page of 100,000 would not load
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
    # Row -> (the event's speakers its names were found as, the names not found); empty when
    # the sheet has no speakers column or the event's speakers were not looked up.
    speakers: Mapping[int, tuple[str, str]] = field(default_factory=dict)


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
        _speakers_found(report),
    )


def _speakers_found(report: ImportReport) -> dict[int, tuple[str, str]]:
    """Each row's speakers as the check found them (the results' two speakers columns)."""
    outcomes = report.outcomes.values()
    if not any(o.speakers_linked or o.speakers_not_found for o in outcomes):
        return {}
    return {
        o.row: (", ".join(o.speakers_linked), ", ".join(o.speakers_not_found)) for o in outcomes
    }


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
