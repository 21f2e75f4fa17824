"""Read one sheet of an agenda file (xlsx, xlsm, xls, ods, csv, tsv, txt) into a plain ``Table``.

Everything that can go wrong with the file becomes an ``InputFileError`` whose message names the
file and says how to fix it; the mapper downstream only ever sees clean Python values.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from importer.check.phrases import rows_phrase
from importer.errors import InputFileError
from importer.read.calaminerows import read_rows
from importer.read.excelerrors import ExcelError, find_error_cells
from importer.read.filetype import (
    EXPECTED,
    SAVE_AGAIN,
    TEXT_SUFFIXES,
    check_file,
    damaged,
    is_strict_ooxml,
    password_protected,
    strict_error,
    zip_member_contains,
)
from importer.read.limits import (
    DEFAULT_LIMITS,
    ROW_ALLOWANCE,
    Limits,
    too_many_rows,
)
from importer.read.sheetscan import check_ods, check_xlsx_sheet, is_reader_panic, reader_panic
from importer.read.table import (
    HEADER_SEARCH_ROWS,
    CellValue,
    SourceRow,
    Table,
    check_cells,
    column_letter,
)
from importer.read.textfile import read_text

# Cells like "2025", "9:30", "2024-12-01" or "07:00 PM" are data, not column names.
NUMBERISH = re.compile(r"[-+\d\s.,:/]*\d[-+\d\s.,:/]*(?:[ap]\.?m\.?)?", re.IGNORECASE)


def list_sheets(path: Path, *, limits: Limits = DEFAULT_LIMITS) -> tuple[str, ...]:
    suffix = check_file(path, limits)
    if suffix in TEXT_SUFFIXES:
        return ()
    if suffix == ".ods":  # the reader unpacks every sheet of an ods when it opens the file
        check_ods(path, limits)
    with _reading(path, suffix), pd.ExcelFile(path, engine="calamine") as book:
        return tuple(str(name) for name in book.sheet_names)


def load_table(
    path: Path,
    *,
    sheet: str | None = None,
    engine: Literal["calamine", "openpyxl"] = "calamine",
    header_score: Callable[[str], bool] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    headerless: bool = False,
) -> Table:
    """Read the chosen (default: first) sheet; raise InputFileError for any problem with it.

    ``header_score`` tells whether a header text is a known field name; the row among the first
    30 filled-in rows with the most such names (at least two) becomes the header row.
    ``limits`` bound the file's size, rows and cells (see importer.read.limits); they are checked
    before the heavy reading starts.
    """
    suffix = check_file(path, limits)
    if suffix in TEXT_SUFFIXES:
        grid, encoding, delimiter, notes = read_text(path, suffix, limits)
        if sheet is not None:
            notes.append(
                f'{path.name}: the sheet "{sheet}" was ignored: text files have no sheets.'
            )
        return _build_table(
            path,
            None,
            (),
            grid,
            header_score,
            notes,
            encoding,
            delimiter,
            limits=limits,
            headerless=headerless,
        )
    names, chosen, grid = _read_workbook(path, suffix, sheet, engine, limits)
    return _build_table(
        path, chosen, names, grid, header_score, [], limits=limits, headerless=headerless
    )


@contextmanager
def _reading(path: Path, suffix: str, sheet: str | None = None) -> Iterator[None]:
    """Turn whatever a spreadsheet reader raises into one plain-language InputFileError."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # library code must not print; openpyxl warns a lot
            yield
    except InputFileError:
        raise
    except BaseException as exc:
        # The reader's Rust panics (an impossible date, say) arrive as a BaseException.
        if is_reader_panic(exc):
            raise reader_panic(path, sheet) from exc
        if not isinstance(exc, Exception):
            raise
        text = str(exc).lower()
        encrypted = zip_member_contains(path, "META-INF/manifest.xml", (b"encryption-data",))
        if "password" in text or "encrypt" in text or encrypted:
            raise password_protected(path) from exc
        if suffix in (".xlsx", ".xlsm") and is_strict_ooxml(path):
            raise strict_error(path) from exc
        raise damaged(path, suffix, sheet) from exc


def _read_workbook(
    path: Path,
    suffix: str,
    sheet: str | None,
    engine: Literal["calamine", "openpyxl"],
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[tuple[str, ...], str, list[list[CellValue]]]:
    if engine == "openpyxl" and suffix not in (".xlsx", ".xlsm"):
        raise InputFileError(
            f"{path.name} is {EXPECTED[suffix]}, which the openpyxl reader cannot open (it "
            "reads only .xlsx and .xlsm files). Use the default reader instead."
        )
    if suffix == ".ods":
        check_ods(path, limits)
    with _reading(path, suffix), pd.ExcelFile(path, engine=engine) as book:
        names = tuple(str(name) for name in book.sheet_names)
        # openpyxl opens Strict Open XML workbooks as having no sheets at all, without an error.
        if not names and is_strict_ooxml(path):
            raise strict_error(path)
        if not names:
            raise InputFileError(
                f"{path.name} contains no sheets with cells. Open it in Excel, check that the "
                "agenda is there, and " + SAVE_AGAIN
            )
        chosen = _pick_sheet(path, names, sheet)
        if suffix in (".xlsx", ".xlsm"):  # before the reader builds the sheet's whole grid
            check_xlsx_sheet(path, chosen, limits)
        # Rows past the limit (and room for title, header and blank rows) are never converted.
        most = limits.max_rows + ROW_ALLOWANCE
        with _reading(path, suffix, chosen):
            if engine == "calamine":  # straight from calamine: pandas would convert twice
                grid = read_rows(book.book, chosen, most + 1)
            else:
                frame = book.parse(
                    chosen, header=None, dtype=object, keep_default_na=False, nrows=most + 1
                )
                cells = frame.to_numpy(dtype=object).tolist()
                grid = [[_clean(value) for value in row] for row in cells]
    if len(grid) > most:
        raise too_many_rows(f'{path.name}, sheet "{chosen}"', limits)
    if suffix in (".xlsx", ".xlsm"):  # both readers turn #REF! and the like into empty cells
        for (number, column), code in find_error_cells(path, chosen).items():
            line = grid[number - 1] if 0 < number <= len(grid) else []  # grid[0] is Excel row 1
            if column < len(line) and line[column] is None:
                line[column] = ExcelError(code)
    check_cells(f'{path.name}, sheet "{chosen}"', grid, limits)
    if any(value is not None for row in grid for value in row):
        return names, chosen, grid
    if len(names) == 1:
        raise InputFileError(
            f'{path.name} is empty: its only sheet, "{chosen}", has no filled-in cells. Check '
            "that you chose the right file and that it was saved after the agenda was added."
        )
    raise InputFileError(
        f'Sheet "{chosen}" of {path.name} is empty: none of its cells are filled in. Its sheets '
        f"are: {_listing(names)}. Use --sheet with the name of the sheet that holds the agenda."
    )


def _listing(names: Sequence[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def _pick_sheet(path: Path, names: tuple[str, ...], wanted: str | None) -> str:
    if wanted is None:
        return names[0]
    if wanted in names:
        return wanted
    folded = [name for name in names if name.strip().casefold() == wanted.strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    raise InputFileError(
        f'{path.name} has no sheet named "{wanted}". Its sheets are: {_listing(names)}. '
        "Use --sheet with one of these names."
    )


def _clean(value: object) -> CellValue:
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, float):  # also numpy.float64, a float subclass
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() else float(value)
    if isinstance(value, np.datetime64):  # .item() would give an int for nanosecond precision
        value = pd.Timestamp(value)
    if isinstance(value, np.timedelta64):
        value = pd.Timedelta(value)
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, pd.Timedelta):
        return value.to_pytimedelta()
    if isinstance(value, np.generic):
        return _clean(value.item())
    if isinstance(value, int | dt.datetime | dt.date | dt.time | dt.timedelta):
        return value
    text = str(value)
    return text if text.strip() else None


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


def _build_table(
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
