"""Where a sheet's table starts and ends: the header row among title rows, the rows below it
cut to its width, and one note for each kind of row that was skipped, cut or padded.

Kept apart from the readers (loader.py for workbooks, textfile.py for text files): both hand
this module a plain grid of cells, so the rules are the same whatever the file type.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from importer.check.phrases import rows_phrase
from importer.errors import InputFileError
from importer.read.limits import DEFAULT_LIMITS, Limits, too_many_rows
from importer.read.table import HEADER_SEARCH_ROWS, CellValue, SourceRow, Table, column_letter

# Cells like "2025", "9:30", "2024-12-01" or "07:00 PM" are data, not column names.
NUMBERISH = re.compile(r"[-+\d\s.,:/]*\d[-+\d\s.,:/]*(?:[ap]\.?m\.?)?", re.IGNORECASE)


def _header_text(value: CellValue) -> str:
    if isinstance(value, str):
        return " ".join(value.replace("\ufeff", "").replace("\u200b", "").split())
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    return "" if value is None else str(value)


def _is_label(value: CellValue) -> bool:
    return isinstance(value, str) and not NUMBERISH.fullmatch(value.strip())


def _find_header(
    grid: list[list[CellValue]], filled: list[int], score: Callable[[str], bool] | None
) -> int | None:
    candidates = filled[:HEADER_SEARCH_ROWS]
    if score is not None:
        best, best_score = None, 1
        for index in candidates:
            hits = sum(1 for v in grid[index] if isinstance(v, str) and score(_header_text(v)))
            if hits > best_score:
                best, best_score = index, hits
        if best is not None:
            return best
    for index in candidates:
        cells = [value for value in grid[index] if value is not None]
        if len(cells) >= 2 and all(_is_label(value) for value in cells):
            return index
    return None


def _rows_note(where: str, numbers: Sequence[int], template: str) -> str:
    one = len(numbers) == 1
    return f"{where}: " + template.format(
        rows=rows_phrase(numbers),
        count=len(numbers),
        s="" if one else "s",
        has="has" if one else "have",
        was="was" if one else "were",
    )


def _ragged_text(widths: list[int], width: int, delimiter: str, last: str, header: int) -> str:
    """Why a text file's row has more cells than its header, in words."""
    name = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}.get(delimiter, "")
    counts = " or ".join(str(w) for w in widths)
    return (
        f"{{rows}} {{has}} {counts} cells and the header {width}: a {name} inside text that is "
        f"not quoted? The cells past column {last} were ignored, so check {{rows}}: put text "
        f"holding a {name} in quotes, or name the extra columns in the header row (row {header})."
    )


def build_table(
    path: Path,
    sheet: str | None,
    sheet_names: tuple[str, ...],
    grid: list[list[CellValue]],
    header_score: Callable[[str], bool] | None,
    notes: list[str],
    encoding: str | None = None,
    delimiter: str | None = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
    headerless: bool = False,  # no row of column names: every row is data
) -> Table:
    where = f'{path.name}, sheet "{sheet}"' if sheet is not None else path.name
    filled = [index for index, row in enumerate(grid) if any(v is not None for v in row)]
    header = _header_row(path, where, grid, filled, header_score, headerless)
    if sum(1 for index in filled if index > header) > limits.max_rows:
        raise too_many_rows(where, limits)
    names = (
        [_header_text(value) for value in grid[header]]
        if header >= 0
        else [""] * max(len(row) for row in grid)
    )
    width = len(names)
    shape = _data_rows(grid, header, filled, width)
    notes += _shape_notes(where, shape, filled, header, width, delimiter)
    # Unnamed columns with nothing in them are layout (margins, spacer columns), not data.
    data = shape.data
    keep = [c for c in range(width) if names[c] or any(row[c] is not None for _, row in data)]
    everything = len(keep) == width
    return Table(
        path=path,
        sheet=sheet,
        sheet_names=sheet_names,
        header_row=header + 1,
        headers=tuple(names[c] or f"Column {column_letter(c)}" for c in keep),
        columns=tuple(column_letter(c) for c in keep),
        rows=tuple(
            SourceRow(number, tuple(row) if everything else tuple(row[c] for c in keep))
            for number, row in data
        ),
        notes=tuple(notes),
        encoding=encoding,
        delimiter=delimiter,
        above=tuple(SourceRow(i + 1, tuple(grid[i])) for i in filled if i < header),
    )


def _header_row(
    path: Path,
    where: str,
    grid: list[list[CellValue]],
    filled: list[int],
    header_score: Callable[[str], bool] | None,
    headerless: bool,
) -> int:
    """The index of the header row (-1 for a sheet without one); refuses an empty grid."""
    if not filled:
        raise InputFileError(
            f"{path.name} is empty: none of its cells are filled in. Check that you chose the "
            "right file and that it was saved after the agenda was added."
        )
    header = -1 if headerless else _find_header(grid, filled, header_score)
    if header is None:
        raise InputFileError(
            f"Could not find the row with the column names in {where}: none of rows "
            f"{filled[0] + 1} to {filled[:HEADER_SEARCH_ROWS][-1] + 1} has at least two "
            'filled-in cells that are all text (such as "Title" and "Start time"). Add one row '
            "with the column names, one per cell, directly above the sessions, then try again."
        )
    return header


@dataclass(frozen=True)
class _Shape:
    """The rows below the header, cut to its width, and the row numbers worth a note."""

    data: list[tuple[int, list[CellValue]]]
    blank: list[int]
    short: list[int]
    long: list[int]
    widths: set[int]  # cell counts of the long rows, to explain them


def _data_rows(grid: list[list[CellValue]], header: int, filled: list[int], width: int) -> _Shape:
    shape = _Shape([], [], [], [], set())
    filled_set = set(filled)
    for index in range(header + 1, filled[-1] + 1):
        row = grid[index]
        if index not in filled_set:
            shape.blank.append(index + 1)
            continue
        if len(row) != width:  # only text files have ragged rows
            if any(value is not None for value in row[width:]):
                shape.long.append(index + 1)
                shape.widths.add(len(row))
            elif len(row) < width:
                shape.short.append(index + 1)
            row = row[:width] + [None] * (width - len(row))
        shape.data.append((index + 1, row))
    return shape


def _shape_notes(
    where: str, shape: _Shape, filled: list[int], header: int, width: int, delimiter: str | None
) -> list[str]:
    """One note per kind of row that was skipped, cut or padded, naming the rows."""
    last_column, header_row = column_letter(width - 1), header + 1
    long_text = (
        f"{{rows}} {{has}} filled-in cells to the right of the last column ({last_column}); "
        "they were ignored. To import them, add a column name above them in the header row "
        f"(row {header_row})."
        if delimiter is None
        else _ragged_text(sorted(shape.widths), width, delimiter, last_column, header_row)
    )
    templates = (
        (
            [index + 1 for index in filled if index < header],
            f"the column names were taken from row {header_row}; the filled-in {{rows}} above "
            "it {was} not imported.",
        ),
        (
            shape.short,
            "{rows} {has} fewer cells than the header row; the missing cells at the end were "
            "left empty.",
        ),
        (shape.long, long_text),
        (shape.blank, "{count} blank row{s} inside the table {was} skipped ({rows})."),
    )
    return [_rows_note(where, numbers, text) for numbers, text in templates if numbers]
