"""Read one sheet of an agenda file (xlsx, xlsm, xls, ods, csv, tsv, txt) into a plain ``Table``.

Everything that can go wrong with the file becomes an ``InputFileError`` whose message names the
file and says how to fix it; the mapper downstream only ever sees clean Python values.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import math
import re
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeAlias

import numpy as np
import pandas as pd

from importer.errors import InputFileError
from importer.excelerrors import ExcelError, find_error_cells
from importer.filetype import (
    BOMS,
    EXPECTED,
    SAVE_AGAIN,
    TEXT_SUFFIXES,
    cannot_open,
    check_file,
    damaged,
    is_strict_ooxml,
    not_what_it_says,
    password_protected,
    strict_error,
    zip_member_contains,
)
from importer.limits import (
    DEFAULT_LIMITS,
    ROW_ALLOWANCE,
    Limits,
    cell_too_long,
    read_text_bytes,
    too_many_rows,
)

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


HEADER_SEARCH_ROWS = 30
LISTED_RUNS = 10
DELIMITERS = (",", ";", "\t", "|")
SNIFF_CHARS = 256 * 1024
# Cells like "2025", "9:30", "2024-12-01" or "07:00 PM" are data, not column names.
NUMBERISH = re.compile(r"[-+\d\s.,:/]*\d[-+\d\s.,:/]*(?:[ap]\.?m\.?)?", re.IGNORECASE)


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def list_sheets(path: Path, *, limits: Limits = DEFAULT_LIMITS) -> tuple[str, ...]:
    suffix = check_file(path, limits)
    if suffix in TEXT_SUFFIXES:
        return ()
    with _reading(path, suffix), pd.ExcelFile(path, engine="calamine") as book:
        return tuple(str(name) for name in book.sheet_names)


def load_table(
    path: Path,
    *,
    sheet: str | None = None,
    engine: Literal["calamine", "openpyxl"] = "calamine",
    header_score: Callable[[str], bool] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Table:
    """Read the chosen (default: first) sheet; raise InputFileError for any problem with it.

    ``header_score`` tells whether a header text is a known field name; the row among the first
    30 filled-in rows with the most such names (at least two) becomes the header row.
    ``limits`` bound the file's size, rows and cells (see importer.limits); they are checked
    before the heavy reading starts.
    """
    suffix = check_file(path, limits)
    if suffix in TEXT_SUFFIXES:
        grid, encoding, delimiter, notes = _read_text(path, suffix, limits)
        if sheet is not None:
            notes.append(
                f'{path.name}: the sheet "{sheet}" was ignored: text files have no sheets.'
            )
        return _build_table(
            path, None, (), grid, header_score, notes, encoding, delimiter, limits=limits
        )
    names, chosen, grid = _read_workbook(path, suffix, sheet, engine, limits)
    return _build_table(path, chosen, names, grid, header_score, [], limits=limits)


@contextmanager
def _reading(path: Path, suffix: str, sheet: str | None = None) -> Iterator[None]:
    """Turn whatever a spreadsheet reader raises into one plain-language InputFileError."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # library code must not print; openpyxl warns a lot
            yield
    except InputFileError:
        raise
    except Exception as exc:
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
        # Rows past the limit (and room for title, header and blank rows) are never converted.
        most = limits.max_rows + ROW_ALLOWANCE
        with _reading(path, suffix, chosen):
            frame = book.parse(
                chosen, header=None, dtype=object, keep_default_na=False, nrows=most + 1
            )
            cells = frame.to_numpy(dtype=object).tolist()
    if len(cells) > most:
        raise too_many_rows(f'{path.name}, sheet "{chosen}"', limits)
    grid = [[_clean(value) for value in row] for row in cells]
    if suffix in (".xlsx", ".xlsm"):  # both readers turn #REF! and the like into empty cells
        for (number, column), code in find_error_cells(path, chosen).items():
            line = grid[number - 1] if 0 < number <= len(grid) else []  # grid[0] is Excel row 1
            if column < len(line) and line[column] is None:
                line[column] = ExcelError(code)
    _check_cells(f'{path.name}, sheet "{chosen}"', grid, limits)
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


def _check_cells(where: str, grid: list[list[CellValue]], limits: Limits) -> None:
    for index, row in enumerate(grid):
        _check_row(where, index + 1, row, limits)


def _check_row(where: str, number: int, row: Sequence[CellValue], limits: Limits) -> None:
    longest = max((len(v) for v in row if isinstance(v, str)), default=0)
    if longest <= limits.max_cell_chars:
        return
    column = next(
        c for c, v in enumerate(row) if isinstance(v, str) and len(v) > limits.max_cell_chars
    )
    raise cell_too_long(where, number, column_letter(column), longest, limits)


def _read_text(
    path: Path, suffix: str, limits: Limits = DEFAULT_LIMITS
) -> tuple[list[list[CellValue]], str, str, list[str]]:
    name = path.name
    try:
        data = read_text_bytes(path, limits)
    except OSError as exc:
        raise cannot_open(path, exc) from exc
    notes: list[str] = []
    encoding = next((enc for bom, enc in BOMS.items() if data.startswith(bom)), None)
    try:
        text = data.decode(encoding or "utf-8")
    except UnicodeDecodeError as exc:
        if encoding:
            raise InputFileError(
                f"{name} could not be read: it is marked as Unicode text, but parts of it are "
                'damaged. Save it from Excel as "CSV UTF-8 (Comma delimited)" and try again.'
            ) from exc
        # Excel's plain "CSV (Comma delimited)" on Western Windows writes cp1252.
        text = data.decode("cp1252", errors="replace")
        notes.append(
            f"{name} is not saved as UTF-8, so it was read as Windows-1252 (Western European). "
            "If letters such as é or ü look wrong, save it from Excel as "
            '"CSV UTF-8 (Comma delimited)" and import it again.'
        )
    encoding = encoding or ("cp1252" if notes else "utf-8")
    if "\0" in text:
        raise not_what_it_says(path, suffix, "binary")
    text = text.replace("\r\n", "\n")
    # Excel honours (and hides) a first line like "sep=;", so row numbers start after it.
    hint = re.match(r"sep=(.)\n", text)
    text = text[hint.end() :] if hint else text
    delimiter = hint.group(1) if hint else _sniff_delimiter(text, prefer_tab=suffix == ".tsv")
    grid: list[list[CellValue]] = []
    # The header is among the first HEADER_SEARCH_ROWS filled-in rows: beyond this many filled
    # rows there are certainly too many sessions, and reading on would only fill memory.
    most_filled, filled = limits.max_rows + HEADER_SEARCH_ROWS, 0
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            row: list[CellValue] = [cell if cell.strip() else None for cell in record]
            grid.append(row)
            if any(row):  # a kept cell is never empty
                filled += 1
                if filled > most_filled:
                    raise too_many_rows(name, limits)
            if max(map(len, record), default=0) > limits.max_cell_chars:
                if any("\n" in cell for cell in record):
                    raise _unclosed_quote(name, len(grid))
                _check_row(name, len(grid), row, limits)
    except csv.Error as exc:
        raise _unclosed_quote(name, len(grid) + 1) from exc
    if any(len(row) > 1 for row in grid) or not any(row and row[0] for row in grid):
        return grid, encoding, delimiter, notes
    raise InputFileError(
        f"{name} has only one column: no line has cells separated by commas, semicolons, tabs "
        'or "|". Save the agenda from Excel as "CSV UTF-8 (Comma delimited)" and try again.'
    )


def _unclosed_quote(name: str, row: int) -> InputFileError:
    return InputFileError(
        f'{name}: row {row} could not be read. It probably has a quote mark (") that opens a '
        "cell but never closes it, which makes the rest of the file look like one huge cell. "
        "Check the quote marks in that row, save the file and try again."
    )


def _sniff_delimiter(text: str, *, prefer_tab: bool) -> str:
    """Pick the separator that splits the first records into the most consistent column count."""
    sample = text[:SNIFF_CHARS]
    best, best_key = "\t" if prefer_tab else ",", (0.0, 0, 0)
    for rank, delimiter in enumerate(DELIMITERS):
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        try:
            counts = [len(r) for r in itertools.islice(reader, 50) if len(r) > 1 or any(r)]
        except csv.Error:
            continue
        split = Counter(count for count in counts if count > 1).most_common(1)
        if not split:
            continue
        if prefer_tab and delimiter == "\t":
            return delimiter
        columns, frequency = split[0]
        key = (frequency / len(counts), columns, -rank)
        if key > best_key:
            best, best_key = delimiter, key
    return best


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


def _rows_phrase(numbers: Sequence[int]) -> str:
    """Excel row numbers as words: "row 5", "rows 5 and 6", "rows 1 to 3, 7 and 12 more"."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and runs[-1][1] == number - 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    parts: list[tuple[str, int]] = []
    for a, b in runs:
        parts += (
            [(f"{a} to {b}", b - a + 1)] if b > a + 1 else [(str(n), 1) for n in range(a, b + 1)]
        )
    shown = [text for text, _ in parts[:LISTED_RUNS]]
    if len(parts) > LISTED_RUNS:
        shown.append(f"{sum(count for _, count in parts[LISTED_RUNS:])} more")
    listed = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
    return ("row " if len(numbers) == 1 else "rows ") + listed


def _rows_note(where: str, numbers: Sequence[int], template: str) -> str:
    one = len(numbers) == 1
    return f"{where}: " + template.format(
        rows=_rows_phrase(numbers),
        count=len(numbers),
        s="" if one else "s",
        has="has" if one else "have",
        was="was" if one else "were",
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
) -> Table:
    where = f'{path.name}, sheet "{sheet}"' if sheet is not None else path.name
    is_filled = [any(value is not None for value in row) for row in grid]
    filled = [index for index, flag in enumerate(is_filled) if flag]
    if not filled:
        raise InputFileError(
            f"{path.name} is empty: none of its cells are filled in. Check that you chose the "
            "right file and that it was saved after the agenda was added."
        )
    header = _find_header(grid, filled, header_score)
    if header is None:
        raise InputFileError(
            f"Could not find the row with the column names in {where}: none of rows "
            f"{filled[0] + 1} to {filled[:HEADER_SEARCH_ROWS][-1] + 1} has at least two "
            'filled-in cells that are all text (such as "Title" and "Start time"). Add one row '
            "with the column names, one per cell, directly above the sessions, then try again."
        )
    if sum(1 for index in filled if index > header) > limits.max_rows:
        raise too_many_rows(where, limits)
    names = [_header_text(value) for value in grid[header]]
    width = len(names)
    blank: list[int] = []
    short: list[int] = []
    long: list[int] = []
    data: list[tuple[int, list[CellValue]]] = []
    for index in range(header + 1, filled[-1] + 1):
        row = grid[index]
        if not is_filled[index]:
            blank.append(index + 1)
            continue
        if len(row) != width:  # only text files have ragged rows
            if any(value is not None for value in row[width:]):
                long.append(index + 1)
            elif len(row) < width:
                short.append(index + 1)
            row = row[:width] + [None] * (width - len(row))
        data.append((index + 1, row))
    last_column, header_row = column_letter(width - 1), header + 1
    templates = (
        (
            [index + 1 for index in filled if index < header],
            f"the column names were taken from row {header_row}; the filled-in {{rows}} above "
            "it {was} not imported.",
        ),
        (
            short,
            "{rows} {has} fewer cells than the header row; the missing cells at the end were "
            "left empty.",
        ),
        (
            long,
            f"{{rows}} {{has}} filled-in cells to the right of the last column ({last_column}); "
            "they were ignored. To import them, add a column name above them in the header row "
            f"(row {header_row}).",
        ),
        (blank, "{count} blank row{s} inside the table {was} skipped ({rows})."),
    )
    notes += [_rows_note(where, numbers, text) for numbers, text in templates if numbers]
    # Unnamed columns with nothing in them are layout (margins, spacer columns), not data.
    keep = [c for c in range(width) if names[c] or any(row[c] is not None for _, row in data)]
    everything = len(keep) == width
    return Table(
        path=path,
        sheet=sheet,
        sheet_names=sheet_names,
        header_row=header_row,
        headers=tuple(names[c] or f"Column {column_letter(c)}" for c in keep),
        columns=tuple(column_letter(c) for c in keep),
        rows=tuple(
            SourceRow(number, tuple(row) if everything else tuple(row[c] for c in keep))
            for number, row in data
        ),
        notes=tuple(notes),
        encoding=encoding,
        delimiter=delimiter,
    )
