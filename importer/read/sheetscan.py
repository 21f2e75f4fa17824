"""A pre-scan of a workbook's sheet XML, before the spreadsheet reader is called.

The reader (calamine) gives every sheet a dense grid from its first to its last filled-in
cell: one stray cell at XFD1048576 in a 5 KB file asks for 17 billion cells and the process
aborts; 16,384 repeated cells in an 870-byte ods take minutes and gigabytes. The used range and
the repeat counts can be read from the XML stream cheaply, so a sheet whose grid would be too
big is refused here with one line naming the cell, before the reader can take the process down.
An xlsx is scanned for the chosen sheet only (the reader reads one sheet); an ods for all its
sheets (the reader unpacks them all when the file is opened).

The scan reads tags with regular expressions over inflated chunks: an XML parser costs several
times more per cell, and only the cell positions matter here.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from importer.errors import InputFileError
from importer.read.limits import CHUNK, ROW_ALLOWANCE, Limits
from importer.read.table import column_letter
from importer.read.xlsxdates import attributes as _attributes
from importer.read.xlsxdates import date_styles, impossible_date

# Wider than this, the far cell to name is the one furthest right; else the lowest one.
WIDE = 256
_SHEET_ENTRY = re.compile(rb"<(?:[\w.-]+:)?sheet\s([^>]*?)/?>")
_RELATION = re.compile(rb"<(?:[\w.-]+:)?Relationship\s([^>]*?)/?>")
# A cell with content (not self-closing: its attributes hold no "/") whose reference comes
# first, as Excel and the libraries write it.
_FILLED_REF = re.compile(rb'<c r="([A-Z]{1,7})(\d{1,10})"[^>/]*>')
# For sheets whose cells or rows leave their position implicit: every tag, in order.
_XLSX_TOKEN = re.compile(rb"<(/?)(?:[\w.-]+:)?(row|c)(?=[\s>/])([^>]*?)(/?)>")
_ODS_TOKEN = re.compile(
    rb"<(/?)(?:[\w.-]+:)?(covered-table-cell|table-cell|table-row|table)(?=[\s>/])([^>]*?)(/?)>"
)
# A cell with a number (after its formula, if any): its attributes and the number.
_NUMBER_CELL = re.compile(
    rb"<(?:[\w.-]+:)?c\s([^>]*?)(?<!/)>\s*(?:<(?:[\w.-]+:)?f(?:\s[^>]*)?(?:/>|>[^<]*"
    rb"</(?:[\w.-]+:)?f>)\s*)?<(?:[\w.-]+:)?v>([^<]{1,40})</"
)
# A value far from any date Excel shows: 8 digits or more, or an exponent (unprefixed <v>, as
# every writer saves it; the reader's panic is still caught if not). Cheap to look for,
# so only sheets that have one get the closer look at styles.
_HUGE_VALUE = re.compile(rb"<v>-?(?:\d{8}|[\d.]*[eE])")
# Serial numbers Excel shows as dates: 1900-01-00 to 9999-12-31 (in either date system).
EXCEL_SERIALS = (-1462.0, 2958466.0)
_REF = re.compile(rb"([A-Z]{1,7})?(\d{1,10})?")
_ROWS_REPEATED = re.compile(rb"number-rows-repeated\s*=\s*[\"'](\d{1,12})")
_COLUMNS_REPEATED = re.compile(rb"number-columns-repeated\s*=\s*[\"'](\d{1,12})")


@dataclass
class _Extent:
    """The filled-in part of one sheet: rows and columns counted from 1, and its far cells."""

    rows: int = 0
    columns: int = 0
    row_tags: int = 0
    bad_date: tuple[str, str] | None = None  # (cell, value) of a date no reader can convert
    widest: tuple[int, int] = (0, 0)  # (row, column) of the filled-in cell furthest right
    lowest: tuple[int, int] = (0, 0)  # (row, column) of the filled-in cell furthest down

    def add(self, row: int, column: int, rows: int = 1, columns: int = 1) -> None:
        last_row, last_column = row + rows - 1, column + columns - 1
        if last_column > self.columns:
            self.columns, self.widest = last_column, (row, last_column)
        if last_row > self.rows:
            self.rows, self.lowest = last_row, (last_row, column)

    @property
    def cells(self) -> int:
        return self.rows * self.columns


def check_xlsx_sheet(path: Path, sheet: str, limits: Limits) -> None:
    """Refuse the chosen sheet of an xlsx/xlsm if the reader's grid for it would be too big."""
    try:
        with zipfile.ZipFile(path) as archive:
            member = _sheet_member(archive, sheet)
            # Not found by name (an odd workbook): every sheet is scanned rather than none.
            members = [member] if member else _all_sheets(archive)
            extents = [_scan_xlsx(archive, name) for name in members]
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError):
        return  # damaged: the reader's own error message covers it
    for extent in extents:
        _judge(f'{path.name}, sheet "{sheet}"', extent, limits)


def _all_sheets(archive: zipfile.ZipFile) -> list[str]:
    return [
        name
        for name in archive.namelist()
        if name.startswith("xl/worksheets/") and name.endswith(".xml") and name.count("/") == 2
    ]


def check_ods(path: Path, limits: Limits) -> None:
    """Refuse an ods any of whose sheets would give the reader too big a grid."""
    try:
        with zipfile.ZipFile(path) as archive:
            sheets = list(_scan_ods(_chunks(archive, "content.xml")))
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError):
        return
    for name, extent in sheets:
        _judge(f'{path.name}, sheet "{name}"', extent, limits)


def is_reader_panic(exc: BaseException) -> bool:
    """A Rust panic inside the reader, which pyo3 raises as a BaseException."""
    return type(exc).__name__ == "PanicException"


def reader_panic(path: Path, sheet: str | None) -> InputFileError:
    """The reader gave up on a value the pre-scan did not foresee."""
    where = f'{path.name}, sheet "{sheet}"' if sheet else path.name
    return InputFileError(
        f"{where} could not be read: a cell holds a value the reader cannot convert (such "
        "as a date far outside the years 1900 to 9999). Check the cells formatted as dates "
        "or times, correct them, save and try again."
    )


def _judge(where: str, extent: _Extent, limits: Limits) -> None:
    if extent.bad_date is not None:
        cell, value = extent.bad_date
        raise InputFileError(
            f"{where}: cell {cell} holds {value}, shown as a date or time but far outside the "
            "years 1900 to 9999 that Excel can show, so the sheet cannot be read. Correct the "
            "value (or format the cell as a number), save and try again."
        )
    if extent.cells > limits.max_sheet_cells:
        row, column = extent.widest if extent.columns > WIDE else extent.lowest
        cell = f"{column_letter(column - 1)}{row}"
        raise InputFileError(
            f"{where}: its cells reach from A1 to {column_letter(extent.columns - 1)}"
            f"{extent.rows} ({extent.cells:,} cells, more than the {limits.max_sheet_cells:,} "
            f"this importer reads), because of what is in cell {cell} (row {row:,}, column "
            f"{column_letter(column - 1)}). Delete that cell's content, or everything to the "
            "right of and below the agenda, then save and try again."
        )
    most = limits.max_rows + ROW_ALLOWANCE
    if extent.row_tags > most:
        raise InputFileError(
            f"{where} holds {extent.row_tags:,} rows, most of them empty, more than the "
            f"{most:,} this importer reads (a sheet of sessions has at most "
            f"{limits.max_rows:,}). Delete the empty rows below the agenda, then save and "
            "try again, or save the agenda as CSV."
        )


def _chunks(archive: zipfile.ZipFile, member: str) -> Iterator[bytes]:
    """The member's bytes in pieces that never cut a tag in two."""
    carry = b""
    with archive.open(member) as stream:
        while data := stream.read(CHUNK):
            data = carry + data
            cut = data.rfind(b">") + 1
            carry = data[cut:]
            if cut:
                yield data[:cut]
    if carry:
        yield carry


def _sheet_member(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member holding the named sheet: workbook.xml names it, its rels place it."""
    relation = None
    for match in _SHEET_ENTRY.finditer(archive.read("xl/workbook.xml")):
        attributes = _attributes(match.group(1))
        if attributes.get(b"name", b"").decode("utf-8", "replace") == sheet:
            relation = attributes.get(b"id")
            break
    if relation is None:
        return None
    for match in _RELATION.finditer(archive.read("xl/_rels/workbook.xml.rels")):
        attributes = _attributes(match.group(1))
        if attributes.get(b"Id") == relation:
            target = attributes.get(b"Target", b"").decode("utf-8", "replace")
            if target.startswith("/"):
                return target.lstrip("/")
            return posixpath.normpath(posixpath.join("xl", target))
    return None


def _scan_xlsx(archive: zipfile.ZipFile, member: str) -> _Extent:
    """Fast path: every filled cell names its place first (as Excel and the libraries write it);
    when the count of such cells falls short of the cells closed, the sheet is read again tag
    by tag (a piece may end between a cell's start and its end, so only the totals compare)."""
    extent = _Extent()
    dated: frozenset[int] | None = None
    named = closed = 0
    for chunk in _chunks(archive, member):
        if extent.bad_date is None and _HUGE_VALUE.search(chunk):
            dated = date_styles(archive) if dated is None else dated
            extent.bad_date = _bad_date(chunk, dated)
        refs = _FILLED_REF.findall(chunk)
        named, closed = named + len(refs), closed + chunk.count(b"</c>")
        extent.row_tags += chunk.count(b"<row")
        if refs:
            _add_refs(extent, refs)
    if named != closed:
        slow = _scan_xlsx_slowly(_chunks(archive, member))
        slow.bad_date = extent.bad_date
        return slow
    return extent


def _scan_xlsx_slowly(chunks: Iterator[bytes]) -> _Extent:
    """Tag by tag, for cells and rows that leave their place implicit (the next one)."""
    extent = _Extent()
    row = column = 0
    for chunk in chunks:
        for closing, name, attributes, empty in _XLSX_TOKEN.findall(chunk):
            if closing:
                continue
            reference = _attributes(attributes).get(b"r", b"")
            letters, digits = _split_ref(reference)
            if name == b"row":
                extent.row_tags += 1
                row, column = (int(digits) if digits and not letters else row + 1), 0
                continue
            column = _column_number(letters) if letters else column + 1
            if not empty:
                extent.add(int(digits) if digits else row, column)
    return extent


def _split_ref(reference: bytes) -> tuple[bytes, bytes]:
    match = _REF.fullmatch(reference)
    return (match.group(1) or b"", match.group(2) or b"") if match else (b"", b"")


def _scan_ods(chunks: Iterator[bytes]) -> Iterator[tuple[str, _Extent]]:
    """Each sheet's extent, with repeated rows and cells counted as the reader expands them."""
    name, extent = "", _Extent()
    row = column = 0
    rows_repeated = 1
    for chunk in chunks:
        for closing, tag, attributes, empty in _ODS_TOKEN.findall(chunk):
            if tag == b"table":
                if closing:
                    yield name, extent
                elif not empty:
                    found = _attributes(attributes).get(b"name", b"")
                    name, extent, row = found.decode("utf-8", "replace"), _Extent(), 0
            elif tag == b"table-row":
                if closing:
                    row += rows_repeated
                elif empty:
                    row += _repeats(attributes, _ROWS_REPEATED)
                else:
                    rows_repeated, column = _repeats(attributes, _ROWS_REPEATED), 0
            elif not closing:
                columns = _repeats(attributes, _COLUMNS_REPEATED)
                if not empty or b"value-type" in attributes:
                    extent.add(row + 1, column + 1, rows_repeated, columns)
                column += columns


def _repeats(attributes: bytes, pattern: re.Pattern[bytes]) -> int:
    if b"repeated" not in attributes:
        return 1
    found = pattern.search(attributes)
    return max(1, int(found.group(1))) if found else 1


def _bad_date(chunk: bytes, dated: frozenset[int]) -> tuple[str, str] | None:
    for cell, value in _NUMBER_CELL.findall(chunk):
        if impossible_date(cell, value, dated):
            reference = _attributes(cell).get(b"r", b"?").decode("ascii", "replace")
            return reference, value.decode("ascii", "replace")
    return None


def _add_refs(extent: _Extent, refs: list[tuple[bytes, bytes]]) -> None:
    letters_seen, digits_seen = zip(*refs, strict=True)  # in C: no Python step per cell
    letters = max(set(letters_seen), key=lambda text: (len(text), text))
    column = _column_number(letters)
    if column > extent.columns:
        row = int(digits_seen[letters_seen.index(letters)])
        extent.add(row, column)
    digits = max(set(digits_seen), key=lambda text: (len(text.lstrip(b"0")), text.lstrip(b"0")))
    if int(digits) > extent.rows:
        extent.add(int(digits), _column_number(letters_seen[digits_seen.index(digits)]))


def _column_number(letters: bytes) -> int:
    number = 0
    for byte in letters:
        number = number * 26 + byte - 64
    return number
