"""Grid agendas: one row per time slot, one column per room, a session in each filled cell.

Printed programmes are grids: the header names the rooms, the first column the time slots, and
a cell merged over several rooms (a keynote) or slots (a workshop) is one session over all of
them. This module turns such a sheet into the usual table, one row per session, so the rest of
the importer never sees the grid. A session over several rooms gets no location (a session has
one) and names its rooms in a ``Rooms`` column; ``Cell`` says where it stands in the grid.
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from datetime import time
from pathlib import Path

from importer.check.cells import CellError, parse_time, show
from importer.check.columns import is_known_header, normalise_header
from importer.check.timetext import clock_of, read_range, tidy
from importer.read.table import CellValue, SourceRow, Table

HEADERS = ("Title", "Date", "Start", "End", "Location", "Rooms", "Cell")
# What the first header of a grid says, if anything: the column of time slots.
SLOT_HEADERS = {"", "time", "times", "slot", "slots", "timeslot", "hour", "hours", "when"}
_SPLIT = re.compile(r"\s*(?:-|\u2013|\u2014|\bto\b|\buntil\b)\s*")
Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (Excel, 1-based)


def merged_ranges(path: Path, sheet: str | None) -> list[Merge]:
    """The merged cells of a workbook sheet (xlsx/xlsm); other files have none to read."""
    if sheet is None or path.suffix.lower() not in (".xlsx", ".xlsm"):
        return []
    import openpyxl  # only for grids: the loader reads cells with calamine

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, read_only=False, data_only=True)
    except Exception:  # the loader has read the file already; without merges, repeats still work
        return []
    try:
        found = book[sheet].merged_cells.ranges
        return [(m.min_row, m.min_col, m.max_row, m.max_col) for m in found]
    finally:
        book.close()


def _slot(value: CellValue) -> tuple[CellValue, CellValue] | None:
    """A time-slot cell as (start text, end text or None); None if it is no time."""
    if isinstance(value, time):
        return value, None
    if not isinstance(value, str):
        return None
    if read_range(value) is not None:
        first, second = _SPLIT.split(tidy(value), maxsplit=1)
        return first, second
    try:
        parse_time(tidy(value))
    except CellError:
        return None
    return value, None


def is_grid(table: Table) -> bool:
    """Rooms as headers (none of them a session field), time slots down the first column."""
    first = table.headers[0] if table.headers else ""
    slots_header = normalise_header(first) in SLOT_HEADERS or first.startswith("Column ")
    if len(table.headers) < 3 or not slots_header:
        return False
    if any(is_known_header(h) for h in table.headers[1:]):
        return False
    firsts = [r.values[0] for r in table.rows if r.values[0] is not None]
    return bool(firsts) and sum(1 for v in firsts if _slot(v)) * 2 > len(firsts)


def as_grid(table: Table, last_minutes: int | None = None) -> Table:
    """The grid as one row per session; ``table`` itself when it is no grid.

    A start-only slot ends where the next slot begins; the last one lasts ``last_minutes``
    (duration_minutes), or has no end (a row error that says so).
    """
    if not is_grid(table):
        return table
    merges = {}
    for first_row, first_col, last_row, last_col in merged_ranges(table.path, table.sheet):
        merges[(first_row, first_col)] = (last_row, last_col)
    slots = [(row, _slot(row.values[0])) for row in table.rows]
    timed = [(row, slot) for row, slot in slots if slot is not None]
    sessions: list[SourceRow] = []
    taken: set[tuple[int, int]] = set()
    for position, (row, _) in enumerate(timed):
        for column in range(1, len(table.headers)):
            value = row.values[column]
            if value is None or (position, column) in taken:
                continue
            excel_col = _excel_column(table.columns[column])
            last_pos, last_col = _extent(timed, position, column, merges, row.number, excel_col)
            last_col = max(last_col, column)
            for p in range(position, last_pos + 1):
                for c in range(column, last_col + 1):
                    taken.add((p, c))
            rooms = [table.headers[c] for c in range(column, last_col + 1)]
            begin, end = _times(timed, position, last_pos, last_minutes)
            cells = (value, None, begin, end, rooms[0] if len(rooms) == 1 else None)
            shared = ", ".join(rooms) if len(rooms) > 1 else None
            place = f"{table.columns[column]}{row.number}"
            sessions.append(SourceRow(len(sessions) + 1, (*cells, shared, place)))
    where = f'{table.path.name}, sheet "{table.sheet}"' if table.sheet else table.path.name
    note = (
        f"{where} is a grid (rooms across, time slots down): each filled cell is a session, "
        f"{len(sessions)} in all; the Cell column of the results says where each one stands."
    )
    return dataclasses.replace(
        table,
        headers=HEADERS,
        columns=("",) * len(HEADERS),  # no cell of the sheet is a session's own: nothing to mark
        rows=tuple(sessions),
        notes=(*table.notes, note),
    )


def _times(
    timed: list[tuple[SourceRow, tuple[CellValue, CellValue]]],
    position: int,
    last_pos: int,
    last_minutes: int | None,
) -> tuple[CellValue, CellValue]:
    """Start and end cells of a session from its first slot to its last one."""
    row, (begin, _), end = timed[position][0], timed[position][1], timed[last_pos][1][1]
    if last_pos == position and end is not None:
        return row.values[0], None  # one slot written as a range: its cell as written
    if end is None and last_pos + 1 < len(timed):
        end = timed[last_pos + 1][1][0]  # a start-only slot ends where the next one begins
    elif end is None and last_minutes:
        end = _later(timed[last_pos][1][0], last_minutes)
    return begin, end


def _excel_column(letter: str) -> int:
    number = 0
    for char in letter:
        number = number * 26 + ord(char) - 64
    return number


def _extent(
    timed: list[tuple[SourceRow, tuple[CellValue, CellValue]]],
    position: int,
    column: int,
    merges: dict[tuple[int, int], tuple[int, int]],
    excel_row: int,
    excel_col: int,
) -> tuple[int, int]:
    """The last slot and column a session covers: a merged range, else repeats of its text."""
    value = show(timed[position][0].values[column])
    if (excel_row, excel_col) in merges:
        last_row, last_col = merges[(excel_row, excel_col)]
        last_pos = max(p for p, (r, _) in enumerate(timed) if r.number <= last_row)
        return last_pos, column + (last_col - excel_col)
    values = timed[position][0].values
    last_col = column
    while last_col + 1 < len(values) and show(values[last_col + 1]) == value:
        last_col += 1  # the same text in the next room: one session over both
    last_pos = position
    while last_pos + 1 < len(timed) and show(timed[last_pos + 1][0].values[column]) == value:
        last_pos += 1  # the same text in the next slot: one session over both
    return last_pos, last_col


def _later(start: CellValue, minutes: int) -> CellValue:
    """The last slot's end, written like its start (a bare "1:00" stays on its clock)."""
    begin = parse_time(tidy(start) if isinstance(start, str) else start)
    total = (begin.hour * 60 + begin.minute + minutes) % (24 * 60)
    hour = total // 60
    if isinstance(start, str) and clock_of(start).bare and hour > 12:
        hour -= 12
    return f"{hour}:{total % 60:02d}"
