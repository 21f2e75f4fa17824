"""Text agenda files (csv, tsv, txt): encoding, separator and quoting, read within limits."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections import Counter
from pathlib import Path

from importer.errors import InputFileError
from importer.read.filetype import BOMS, cannot_open, not_what_it_says
from importer.read.limits import (
    DEFAULT_LIMITS,
    Limits,
    read_text_bytes,
    too_many_cells,
    too_many_columns,
    too_many_rows,
)
from importer.read.table import HEADER_SEARCH_ROWS, CellValue, check_row

DELIMITERS = (",", ";", "\t", "|")
SNIFF_CHARS = 256 * 1024


def read_text(
    path: Path, suffix: str, limits: Limits = DEFAULT_LIMITS
) -> tuple[list[list[CellValue]], str, str, list[str]]:
    name = path.name
    try:
        data = read_text_bytes(path, limits)
    except OSError as exc:
        raise cannot_open(path, exc) from exc
    notes: list[str] = []
    text, encoding = _decode(name, data, notes)
    if "\0" in text:
        raise not_what_it_says(path, suffix, "binary")
    text = text.replace("\r\n", "\n")
    # Excel honours (and hides) a first line like "sep=;", so row numbers start after it.
    hint = re.match(r"sep=(.)\n", text)
    text = text[hint.end() :] if hint else text
    delimiter = hint.group(1) if hint else _sniff_delimiter(text, prefer_tab=suffix == ".tsv")
    grid = _records(name, text, delimiter, limits)
    if any(len(row) > 1 for row in grid) or not any(row and row[0] for row in grid):
        return grid, encoding, delimiter, notes
    raise InputFileError(
        f"{name} has only one column: no line has cells separated by commas, semicolons, tabs "
        'or "|". Save the agenda from Excel as "CSV UTF-8 (Comma delimited)" and try again.'
    )


def _decode(name: str, data: bytes, notes: list[str]) -> tuple[str, str]:
    """The file's text and its encoding: a BOM's, else UTF-8, else Windows-1252 (with a note)."""
    encoding = next((enc for bom, enc in BOMS.items() if data.startswith(bom)), None)
    try:
        return data.decode(encoding or "utf-8"), encoding or "utf-8"
    except UnicodeDecodeError as exc:
        if encoding:
            raise InputFileError(
                f"{name} could not be read: it is marked as Unicode text, but parts of it are "
                'damaged. Save it from Excel as "CSV UTF-8 (Comma delimited)" and try again.'
            ) from exc
    # Excel's plain "CSV (Comma delimited)" on Western Windows writes cp1252.
    notes.append(
        f"{name} is not saved as UTF-8, so it was read as Windows-1252 (Western European). "
        "If letters such as é or ü look wrong, save it from Excel as "
        '"CSV UTF-8 (Comma delimited)" and import it again.'
    )
    return data.decode("cp1252", errors="replace"), "cp1252"


def _records(name: str, text: str, delimiter: str, limits: Limits) -> list[list[CellValue]]:
    """The text's records as rows, empty cells as None; limits checked while reading."""
    grid: list[list[CellValue]] = []
    # The header is among the first HEADER_SEARCH_ROWS filled-in rows: beyond this many filled
    # rows there are certainly too many sessions, and reading on would only fill memory.
    most_filled, filled, cells = limits.max_rows + HEADER_SEARCH_ROWS, 0, 0
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if len(record) > limits.max_columns:
                raise too_many_columns(name, len(grid) + 1, len(record), limits)
            cells += len(record)
            if cells > limits.max_sheet_cells:
                raise too_many_cells(name, len(grid) + 1, limits)
            row: list[CellValue] = [cell if cell.strip() else None for cell in record]
            grid.append(row)
            if any(row):  # a kept cell is never empty
                filled += 1
                if filled > most_filled:
                    raise too_many_rows(name, limits)
            if max(map(len, record), default=0) > limits.max_cell_chars:
                if any("\n" in cell for cell in record):
                    raise _unclosed_quote(name, len(grid))
                check_row(name, len(grid), row, limits)
    except csv.Error as exc:
        raise _unclosed_quote(name, len(grid) + 1) from exc
    return grid


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
