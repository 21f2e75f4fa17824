"""Cells that show an Excel error (#REF!, #VALUE!, #N/A, ...) in .xlsx and .xlsm sheets.

Both spreadsheet readers hand such cells over as empty, which would import a broken value as
"nothing" without a word. Reading the sheet's XML again finds them, so they can be reported.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import Element, iterparse

CHUNK = 1 << 20
# An error cell has t="e" (XML also allows t = 'e'). Looking for the quoted value alone is
# ten times faster than a regular expression; text that merely contains it costs a parse.
_ERROR_MARK = b'"e"'
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")
_DEFAULT_WORKBOOK = "xl/workbook.xml"


class ExcelError(str):
    """The error code (such as "#REF!") a cell shows instead of a value."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"ExcelError({str.__repr__(self)})"


def find_error_cells(path: Path, sheet: str) -> dict[tuple[int, int], str]:
    """(Excel row number, 0-based column index) -> error code, for each error cell of ``sheet``.

    Best effort: a file that cannot be read here gives {}, since the loader reports damaged
    files itself.
    """
    try:
        with zipfile.ZipFile(path) as book:
            parts = {name.casefold(): name for name in book.namelist()}
            part = _sheet_part(book, parts, sheet)
            if part is None:
                return {}
            with book.open(part) as stream:
                if not _mentions_errors(stream):
                    return {}
            with book.open(part) as stream:
                return _error_cells(stream)
    # Damaged archives and XML fail in many ways (zlib.error, ParseError, BadZipFile, ...);
    # none of them may stop a file the readers could open.
    except Exception:
        return {}


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _elements(book: zipfile.ZipFile, part: str) -> list[Element]:
    with book.open(part) as stream:
        return [element for _, element in iterparse(stream)]


def _relations(
    book: zipfile.ZipFile, parts: dict[str, str], owner: str
) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, part name), for the part ``owner`` ("" for the package)."""
    folder, name = posixpath.split(owner)
    rels = parts.get(posixpath.join(folder, "_rels", f"{name}.rels").casefold())
    found: dict[str, tuple[str, str]] = {}
    for element in _elements(book, rels) if rels else []:
        target = element.get("Target")
        if _local(element.tag) != "Relationship" or target is None:
            continue
        # Targets are relative to the owner's folder, or absolute from the package root.
        if target.startswith("/"):
            resolved = target.lstrip("/")
        else:
            resolved = posixpath.normpath(posixpath.join(folder, target))
        found[element.get("Id", "")] = (element.get("Type", ""), resolved)
    return found


def _sheet_part(book: zipfile.ZipFile, parts: dict[str, str], sheet: str) -> str | None:
    package = _relations(book, parts, "").values()
    main = (t for kind, t in package if kind.endswith("/officeDocument"))
    workbook = next(main, _DEFAULT_WORKBOOK)
    if workbook.casefold() not in parts:
        return None
    for element in _elements(book, parts[workbook.casefold()]):
        if _local(element.tag) == "sheet" and element.get("name") == sheet:
            rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
            _, target = _relations(book, parts, workbook).get(rid, ("", ""))
            return parts.get(target.casefold())
    return None


def _mentions_errors(stream: IO[bytes]) -> bool:
    """Whether the part has an error-typed cell at all: a quick scan, far cheaper than parsing."""
    tail = b""
    while chunk := stream.read(CHUNK):
        window = tail + chunk
        # Writers quote with ", so the rare ' is looked for first (one fast byte search).
        if _ERROR_MARK in window or (b"'" in window and b"'e'" in window):
            return True
        tail = window[-2:]  # a mark split between reads is still seen
    return False


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index - 1


def _error_cells(stream: IO[bytes]) -> dict[tuple[int, int], str]:
    found: dict[tuple[int, int], str] = {}
    # The "r" attributes are optional: a row or cell without one follows the previous one.
    row, column = 0, -1
    rows: Element | None = None
    for event, element in iterparse(stream, events=("start", "end")):
        tag = _local(element.tag)
        if event == "start":
            if tag == "row":
                row, column = int(element.get("r") or row + 1), -1
            elif tag == "sheetData":
                rows = element
            continue
        if tag == "c":
            match = _CELL_REF.fullmatch(element.get("r") or "")
            if match:
                row, column = int(match.group(2)), _column_index(match.group(1))
            else:
                column += 1
            if element.get("t") == "e":
                code = next((c.text for c in element if _local(c.tag) == "v"), None)
                if code and code.strip():
                    found[(row, column)] = code.strip()
            element.clear()
        elif tag == "row" and rows is not None:
            rows.clear()  # read rows are done with: a big sheet must not pile up in memory
    return found
