"""Exports with one row per speaker (Sessionize's accepted sessions): one session per Session Id.

Sessionize repeats a session on as many rows as it has speakers, the session's own cells the
same on each. Imported as they are, a talk by three people would be created three times. The
rows after the first of each session leave the table (said in a note), and the speakers' names
of all of them are kept in a Speakers column.
"""

from __future__ import annotations

import dataclasses

from importer.check.columns import normalise_header
from importer.check.phrases import rows_phrase as _rows_phrase
from importer.read.table import CellValue, SourceRow, Table, column_letter

_KEY = ("sessionid",)
_FIRST, _LAST, _NAME = ("firstname",), ("lastname",), ("speaker", "speakername", "fullname")


def _index(headers: tuple[str, ...], names: tuple[str, ...]) -> int | None:
    keys = [normalise_header(h) for h in headers]
    return next((i for i, key in enumerate(keys) if key in names), None)


def _speaker(
    values: tuple[CellValue, ...], first: int | None, last: int | None, name: int | None
) -> str:
    if name is not None and values[name] is not None:
        return str(values[name]).strip()
    parts = [values[i] for i in (first, last) if i is not None and values[i] is not None]
    return " ".join(str(p).strip() for p in parts)


def merge_speaker_rows(table: Table) -> Table:
    key = _index(table.headers, _KEY)
    first, last = _index(table.headers, _FIRST), _index(table.headers, _LAST)
    name = _index(table.headers, _NAME)
    if key is None or (first is None and last is None and name is None):
        return table
    kept: dict[object, list[SourceRow]] = {}
    for row in table.rows:
        value = row.values[key]
        kept.setdefault(value if value is not None else ("row", row.number), []).append(row)
    if all(len(rows) == 1 for rows in kept.values()):
        return table
    merged: list[SourceRow] = []
    dropped: list[int] = []
    for rows in kept.values():
        names = [_speaker(r.values, first, last, name) for r in rows]
        speakers = ", ".join(dict.fromkeys(n for n in names if n)) or None
        merged.append(SourceRow(rows[0].number, (*rows[0].values, speakers)))
        dropped.extend(r.number for r in rows[1:])
    where = f'{table.path.name}, sheet "{table.sheet}"' if table.sheet else table.path.name
    note = (
        f"{where}: {_rows_phrase(sorted(dropped))} repeat{'s' if len(dropped) == 1 else ''} a "
        "Session Id of a row above, with another speaker: one session is made per Session Id, "
        "its speakers listed in a Speakers column."
    )
    return dataclasses.replace(
        table,
        headers=(*table.headers, "Speakers"),
        columns=(*table.columns, _next_letter(table.columns)),
        rows=tuple(sorted(merged, key=lambda r: r.number)),
        notes=(*table.notes, note),
    )


def _next_letter(letters: tuple[str, ...]) -> str:
    """The column right of the sheet's last one: where the Speakers column would stand."""

    def index(letter: str) -> int:
        number = 0
        for char in letter:
            number = number * 26 + ord(char) - 64
        return number - 1

    return column_letter(max((index(x) for x in letters), default=-1) + 1)
