"""Several sheets in one run (``--sheet all`` or ``--sheet "Mon, Tue"``): one agenda table.

Agendas kept as one sheet per day import together; each sheet is read on its own first (its
grid, its heading rows, the date in its name or title), then the tables are joined. Rows are
numbered again in reading order, since Excel's row numbers repeat from sheet to sheet; the
``Sheet`` and ``Sheet row`` columns of the results say where each one came from.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from importer.check.columns import field_of
from importer.errors import ImporterError, InputFileError
from importer.read.table import RowContext, SourceRow, Table


def wanted_sheets(path_name: str, names: Sequence[str], wanted: str | None) -> list[str] | None:
    """The sheets to join, or None when one sheet (or the default) is meant."""
    if wanted is None or not names or wanted in names:
        return None
    if wanted.strip().casefold() == "all":
        return list(names)
    parts = [part.strip() for part in wanted.split(",") if part.strip()]
    if len(parts) < 2:
        return None
    folded = {name.strip().casefold(): name for name in names}
    missing = [part for part in parts if part.casefold() not in folded]
    if missing:
        listing = ", ".join(f'"{name}"' for name in names)
        raise InputFileError(
            f'{path_name} has no sheet named "{missing[0]}". Its sheets are: {listing}. Use '
            "--sheet with names from these, separated by commas, or --sheet all."
        )
    return [folded[part.casefold()] for part in parts]


def read_sheets(
    names: Sequence[str], read: Callable[[str], Table], fits: Callable[[Table], bool]
) -> Table:
    """Each sheet read with ``read``; those that hold no agenda (``fits``) are left out."""
    tables: list[Table] = []
    skipped: list[str] = []
    for name in names:
        try:
            table = read(name)
        except ImporterError:
            skipped.append(name)
            continue
        if fits(table) and table.rows:
            tables.append(table)
        else:
            skipped.append(name)
    if not tables:
        raise InputFileError(
            "None of the sheets " + ", ".join(f'"{n}"' for n in names) + " holds an agenda."
        )
    return join(tables, skipped)


def _same_names(tables: Sequence[Table]) -> list[Table]:
    """ "Room" on one sheet and "Location" on the next are one column: the first sheet's name."""
    names: dict[str, str] = {}  # field -> the header the first sheet gives it
    result = []
    for table in tables:
        renamed, seen = [], set()
        for header in table.headers:
            field = field_of(header)
            if field and field not in seen:  # a second column of a field keeps its own name
                seen.add(field)
                header = names.setdefault(field, header)
            renamed.append(header)
        result.append(dataclasses.replace(table, headers=tuple(renamed)))
    return result


def join(tables: Sequence[Table], skipped: Sequence[str] = ()) -> Table:
    tables = _same_names(tables)
    headers: list[str] = []
    for table in tables:
        headers.extend(h for h in table.headers if h not in headers)
    headers += ["Sheet", "Sheet row"]
    rows: list[SourceRow] = []
    context: dict[int, RowContext] = {}
    notes: list[str] = []
    for table in tables:
        renumber: dict[int, int] = {}
        for row in table.rows:
            number = len(rows) + 1
            renumber[row.number] = number
            cells = dict(zip(table.headers, row.values, strict=True))
            cells["Sheet"], cells["Sheet row"] = table.sheet, row.number
            rows.append(SourceRow(number, tuple(cells.get(h) for h in headers)))
        for old, found in table.context.items():
            section_row = renumber.get(found.section_row) if found.section_row else None
            context[renumber[old]] = dataclasses.replace(found, section_row=section_row)
        notes.extend(table.notes)
    if skipped:
        notes.append(
            "Sheets without an agenda were left out: " + ", ".join(f'"{n}"' for n in skipped) + "."
        )
    notes.append(
        f"{len(tables)} sheets were read as one agenda; rows are numbered in reading order "
        "(the Sheet and Sheet row columns of the results say where each one is)."
    )
    first = tables[0]
    return dataclasses.replace(
        first,
        sheet=", ".join(str(t.sheet) for t in tables),
        headers=tuple(headers),
        columns=("",) * len(headers),  # rows of several sheets: no one cell to mark
        rows=tuple(rows),
        notes=tuple(notes),
        above=(),
        context=context,
    )
