"""Read one sheet of an agenda file (xlsx, xlsm, xls, ods, csv, tsv, txt) into a plain ``Table``.

Everything that can go wrong with the file becomes an ``InputFileError`` whose message names the
file and says how to fix it; the mapper downstream only ever sees clean Python values.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

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
from importer.read.header import build_table
from importer.read.limits import (
    DEFAULT_LIMITS,
    ROW_ALLOWANCE,
    Limits,
    too_many_rows,
)
from importer.read.sheetscan import check_ods, check_xlsx_sheet, is_reader_panic, reader_panic
from importer.read.table import (
    CellValue,
    Table,
    check_cells,
)
from importer.read.textfile import read_text


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
        return build_table(
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
    return build_table(
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
