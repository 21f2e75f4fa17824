"""Values of the sheet replaced before they are checked: a room, parent or speaker that the
event knows by another name ("Room 12" is "Main Hall"), or one to leave out.

The replacements come from ``MappingOptions.replace_values`` (the config file's [values]
tables, or choices made on the page). A value is found case- and space-blind; an empty
replacement is an empty cell (no location, no parent, that speaker not linked).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from importer.check.cells import show
from importer.check.columns import ColumnMap
from importer.read.table import SourceRow, Table


def value_key(text: str) -> str:
    """How a value is looked up: "Main  hall " and "main hall" are one value."""
    return " ".join(text.casefold().split())


def _keyed(values: Mapping[str, str]) -> dict[str, str | None]:
    return {value_key(k): (v.strip() or None) for k, v in values.items()}


def replace_cells(table: Table, cols: ColumnMap, wanted: Mapping[str, Mapping[str, str]]) -> Table:
    """The table with the location and parent cells replaced as ``wanted`` says."""
    columns = {
        cols.fields[f]: _keyed(wanted[f])
        for f in ("location", "parent")
        if wanted.get(f) and f in cols.fields
    }
    if not columns:
        return table
    rows = []
    for row in table.rows:
        values = list(row.values)
        changed = False
        for index, table_of in columns.items():
            value = values[index]
            if value is None:
                continue
            key = value_key(show(value))
            if key in table_of:
                values[index], changed = table_of[key], True
        rows.append(SourceRow(row.number, tuple(values)) if changed else row)
    return dataclasses.replace(table, rows=tuple(rows))


def replace_speakers(
    people: Mapping[int, tuple[str, ...]], wanted: Mapping[str, str]
) -> dict[int, tuple[str, ...]]:
    """Each row's speakers with the replacements made (an empty one drops the speaker)."""
    keyed = _keyed(wanted)
    result: dict[int, tuple[str, ...]] = {}
    for row, names in people.items():
        found: dict[str, str] = {}
        for name in names:
            new = keyed.get(value_key(name), name)
            if new is not None:
                found.setdefault(new.casefold(), new)
        result[row] = tuple(found.values())
    return result
