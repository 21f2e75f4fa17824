"""Cells corrected before the check, without editing the file: "D14" is "2026-06-10".

A front end lets a person fix a bad cell where the problem is shown; the correction is applied
to the table as read, so the check, the import and the workbooks written back all see it (the
workbooks write it into their copy of the file). The file itself is never changed.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

from importer.errors import UsageError
from importer.read.agenda import reshaped
from importer.read.limits import DEFAULT_LIMITS
from importer.read.table import SourceRow, Table

_ADDRESS = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")


def cell_index(table: Table, address: str) -> tuple[int, int]:
    """(row number, column index) of a cell address like "D14", or a UsageError."""
    found = _ADDRESS.fullmatch(address.strip().upper())
    rows = {row.number for row in table.rows}
    if found is None or reshaped(table) or found.group(1) not in table.columns:
        raise UsageError(f'"{address}" is not a cell of a column of this sheet.')
    number = int(found.group(2))
    if number not in rows:
        raise UsageError(f'"{address}" is not a cell of a session row of this sheet.')
    return number, table.columns.index(found.group(1))


def edit_cells(table: Table, edits: Mapping[str, str]) -> Table:
    """The table with each addressed cell holding the text given ("" empties it)."""
    if not edits:
        return table
    changes: dict[int, dict[int, str | None]] = {}
    for address, text in edits.items():
        if len(text) > DEFAULT_LIMITS.max_cell_chars:
            raise UsageError(
                f"The text for {address} is {len(text)} characters long; a cell holds at most "
                f"{DEFAULT_LIMITS.max_cell_chars}."
            )
        number, index = cell_index(table, address)
        changes.setdefault(number, {})[index] = text.strip() or None
    rows = []
    for row in table.rows:
        if row.number in changes:
            values = list(row.values)
            for index, value in changes[row.number].items():
                values[index] = value
            row = SourceRow(row.number, tuple(values))
        rows.append(row)
    edited = frozenset((n, i) for n, cells in changes.items() for i in cells)
    return dataclasses.replace(table, rows=tuple(rows), edited=table.edited | edited)
