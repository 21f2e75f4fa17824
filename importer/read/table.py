"""The loader's result: a sheet as plain rows of Python values, and the checks on its cells.

Kept apart from the two readers (workbooks in loader.py, text files in textfile.py), which both
build these rows and both apply the same cell checks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias

from importer.read.limits import Limits, cell_too_long, too_many_columns

# The header is among the first this many filled-in rows (title rows above it are skipped).
HEADER_SEARCH_ROWS = 30

CellValue: TypeAlias = (
    str | int | float | bool | dt.datetime | dt.date | dt.time | dt.timedelta | None
)


@dataclass(frozen=True, slots=True)
class SourceRow:
    number: int  # the row number Excel shows (for text files: the record number)
    values: tuple[CellValue, ...]  # one per header


@dataclass(frozen=True)
class Table:
    path: Path
    sheet: str | None  # None for text files
    sheet_names: tuple[str, ...]
    header_row: int
    headers: tuple[str, ...]  # trimmed, whitespace collapsed; unnamed columns are "Column F"
    columns: tuple[str, ...]  # Excel letter of each header; unnamed empty columns are left out
    rows: tuple[SourceRow, ...]
    notes: tuple[str, ...]
    encoding: str | None = None
    delimiter: str | None = None
    # Filled-in rows above the header (title, event date, time zone): read by importer.read.context.
    above: tuple[SourceRow, ...] = ()
    # Set by importer.read.context: what heading rows say about the rows below them.
    context: Mapping[int, RowContext] = field(default_factory=dict)
    # Cells edited before the check (importer.read.edits): (row number, column index).
    edited: frozenset[tuple[int, int]] = frozenset()


@dataclass(frozen=True, slots=True)
class RowContext:
    """What the heading rows above a row say about it (see importer.read.context)."""

    day: dt.date | None = None  # from a date heading ("Monday 18 March")
    section: str | None = None  # the text of the section heading above
    section_row: int | None = None  # its row
    heading: bool = False  # this row is itself a section heading kept as a parent session


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def check_cells(where: str, grid: list[list[CellValue]], limits: Limits) -> None:
    for index, row in enumerate(grid):
        check_row(where, index + 1, row, limits)


def check_row(where: str, number: int, row: Sequence[CellValue], limits: Limits) -> None:
    if len(row) > limits.max_columns:
        raise too_many_columns(where, number, len(row), limits)
    # A list, not a generator: this runs for every row of every sheet.
    longest = max([len(v) for v in row if isinstance(v, str)], default=0)
    if longest <= limits.max_cell_chars:
        return
    column = next(
        c for c, v in enumerate(row) if isinstance(v, str) and len(v) > limits.max_cell_chars
    )
    raise cell_too_long(where, number, column_letter(column), longest, limits)
