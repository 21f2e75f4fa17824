"""Files without a row of column names: each column recognised by what it holds.

A CSV exported without its header row (or a sheet that never had one) still says a lot: a
column of times is a start (the next one an end), one of dates the date, long text a
description, short varied text the title. That reading is a proposal, never applied by itself:
the run stops and shows it as ``[columns]`` lines naming the columns by letter, to copy into the
config file; with them, the file imports.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from importer.check.cells import CellError, parse_date, parse_moment, parse_time
from importer.check.timetext import read_range, tidy
from importer.errors import InputFileError
from importer.read.table import CellValue, Table
from importer.settings.config import MappingOptions

LONG_TEXT = 60  # characters, on average: a description rather than a title
MOSTLY = 0.8


def _share(values: Sequence[CellValue], test: object) -> float:
    hits = 0
    for value in values:
        try:
            hits += bool(test(value))  # type: ignore[operator]
        except (CellError, TypeError, ValueError):
            continue
    return hits / len(values) if values else 0.0


def _is_time(value: CellValue) -> bool:
    return parse_time(tidy(value) if isinstance(value, str) else value) is not None


def _is_date(value: CellValue) -> bool:
    if isinstance(value, str) and ":" in value:
        return False
    return parse_date(value) is not None


def _is_moment(value: CellValue) -> bool:
    return parse_moment(tidy(value) if isinstance(value, str) else value) is not None


def _kind(values: Sequence[CellValue]) -> str | None:
    if not values:
        return None
    if _share(values, read_range) >= MOSTLY:
        return "range"
    if _share(values, _is_date) >= MOSTLY:
        return "date"
    if _share(values, _is_time) >= MOSTLY or _share(values, _is_moment) >= MOSTLY:
        return "time"
    texts = [v for v in values if isinstance(v, str)]
    if len(texts) < MOSTLY * len(values):
        return None
    if sum(len(t) for t in texts) / len(texts) > LONG_TEXT:
        return "long"
    return "text" if len(set(texts)) * 2 > len(texts) else "few"


def propose(table: Table) -> dict[int, str]:
    """Column index -> field, for the columns whose content says what they are."""
    fields: dict[int, str] = {}
    for index in range(len(table.headers)):
        values = [row.values[index] for row in table.rows if row.values[index] is not None]
        kind = _kind(values)
        taken = set(fields.values())
        if kind == "range" and "start" not in taken:
            fields[index] = "start"
        elif kind == "date" and "date" not in taken:
            fields[index] = "date"
        elif kind == "time":
            fields[index] = "start" if "start" not in taken else "end"
            if fields[index] == "end" and "end" in taken:
                del fields[index]
        elif kind == "long" and "description" not in taken:
            fields[index] = "description"
        elif kind == "text" and "title" not in taken:
            fields[index] = "title"
        elif kind in ("text", "few") and "location" not in taken:
            fields[index] = "location"  # short text beside the title: most often the room
    return fields


def looks_like_agenda(table: Table, options: MappingOptions) -> bool:
    """Whether the columns are named in the config, or hold at least a title and a start."""
    return _maps_by_letter(options) or {"title", "start"} <= set(propose(table).values())


def _maps_by_letter(options: MappingOptions) -> bool:
    return any(
        key.strip().isupper() or key.strip().lstrip("#").isdigit() for key in options.columns
    )


def checked(table: Table, options: MappingOptions) -> Table:
    """The headerless table when the config maps its columns; else the proposal, as an error."""
    if _maps_by_letter(options):
        where = f'{table.path.name}, sheet "{table.sheet}"' if table.sheet else table.path.name
        note = f"{where} has no row of column names: its columns are read as [columns] names them."
        return dataclasses.replace(table, notes=(*table.notes, note))
    fields = propose(table)
    where = f'{table.path.name}, sheet "{table.sheet}"' if table.sheet else table.path.name
    if not fields:
        raise InputFileError(
            f"{where} has no row of column names, and its columns do not show what they hold. "
            "Add a row with the column names (such as Title, Date, Start, End) above the sessions."
        )
    lines = "; ".join(f'"{table.columns[i]}" = "{field}"' for i, field in sorted(fields.items()))
    return _stop(where, table, fields, lines)


def _stop(where: str, table: Table, fields: dict[int, str], lines: str) -> Table:
    shown = ", ".join(f"{table.columns[i]} = {field}" for i, field in sorted(fields.items()))
    unused = [table.columns[i] for i in range(len(table.headers)) if i not in fields]
    rest = f" ({', '.join(unused)} not used)" if unused else ""
    raise InputFileError(
        f"{where} has no row of column names. By what they hold, its columns look like: "
        f"{shown}{rest}. If that is right, put these lines under [columns] in the config file "
        f"(--config), one per line: {lines}. Or add a row with the column names above the "
        "sessions."
    )
