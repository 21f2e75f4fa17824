"""The rows of the results sheet written as XML text, into the workbook openpyxl saved.

openpyxl builds a Python object per cell, and a 50,000-row results sheet spent most of a dry run
there (7.7 of 12 s). The results' cells are plain (text, numbers, dates and a handful of shared
styles), so their XML is written here directly, a batch of rows at a time, while openpyxl keeps
doing what it does well: the header row, the stylesheet, the widths, the filter and the summary
sheet. The workbook it saved is copied part by part, the rows going in before ``</sheetData>``.
"""

from __future__ import annotations

import datetime
import io
import math
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, cast

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from importer.read.table import CellValue

# Excel's serial number of a date or time (with the 1900 leap-year quirk); untyped upstream.
serial = cast(Callable[[datetime.datetime | datetime.date | datetime.time], float], to_excel)
BATCH = 1000  # rows per piece written into the zip
# What Excel, LibreOffice and Google Sheets start a formula (or DDE payload) with.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class Styles:
    """The cell-style numbers (``s="N"``) the rows use, as openpyxl registered them."""

    def __init__(
        self,
        plain: int,
        quoted: int,
        formats: dict[str, int],
        datetime_format: str,
        date_format: str,
        time_format: str,
    ) -> None:
        self.plain, self.quoted = plain, quoted
        self.datetime = formats[datetime_format]
        self.date = formats[date_format]
        self.time = formats[time_format]


def value_cell(ref: str, value: CellValue, styles: Styles) -> str:
    """One cell of the sheet as the results sheet shows it ("" for an empty one)."""
    match value:
        case None:
            return ""
        case str():
            return _text(ref, value, styles)
        case bool():
            return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
        case int():
            return f'<c r="{ref}"><v>{value}</v></c>'
        case float() if math.isfinite(value):
            return f'<c r="{ref}"><v>{value!r}</v></c>'
        case float():
            return _text(ref, str(value), styles)  # Excel has no NaN or infinity
        case datetime.datetime() | datetime.time() if value.tzinfo is not None:
            return _text(ref, value.isoformat(), styles)  # Excel cannot hold a time zone
        case datetime.datetime():
            return f'<c r="{ref}" s="{styles.datetime}"><v>{serial(value)!r}</v></c>'
        case datetime.date():
            return f'<c r="{ref}" s="{styles.date}"><v>{serial(value)!r}</v></c>'
        case datetime.time():
            return f'<c r="{ref}" s="{styles.time}"><v>{serial(value)!r}</v></c>'
        case datetime.timedelta():
            return _text(ref, str(value), styles)  # "1:30:00"
        case _:  # a bug upstream: the table holds only CellValues
            raise ValueError(f"Cannot write a {type(value).__name__} into cell {ref}")


def _text(ref: str, text: str, styles: Styles, style: int | None = None) -> str:
    """Text that stays text (an inline string, even "#N/A"); formula-like text also gets
    Excel's quote-prefix style, so it stays text when someone edits the cell."""
    # isprintable() runs in C and is true for most cells: only the others need the regex.
    clean = text if text.isprintable() else ILLEGAL_CHARACTERS_RE.sub("", text)
    if style is None:
        style = styles.quoted if clean.startswith(FORMULA_PREFIXES) else styles.plain
    if "&" in clean or "<" in clean or ">" in clean or "\r" in clean:
        clean = _escape(clean)
    shown = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{shown} t="inlineStr"><is><t xml:space="preserve">{clean}</t></is></c>'


def _int(ref: str, value: int, styles: Styles) -> str:
    return f'<c r="{ref}"><v>{value}</v></c>'


def _float(ref: str, value: float, styles: Styles) -> str:
    if math.isfinite(value):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    return _text(ref, str(value), styles)


def _datetime(ref: str, value: datetime.datetime, styles: Styles) -> str:
    if value.tzinfo is not None:
        return _text(ref, value.isoformat(), styles)
    return f'<c r="{ref}" s="{styles.datetime}"><v>{serial(value)!r}</v></c>'


# The writer for each exact type of the common cells; anything else (bools, subclasses, a time
# with a zone) goes through value_cell.
_WRITERS: dict[type, Callable[[str, Any, Styles], str]] = {
    str: _text,
    int: _int,
    float: _float,
    datetime.datetime: _datetime,
}


def row_cells(refs: list[str], values: Iterable[CellValue], styles: Styles) -> str:
    """The cells of one row, ``refs`` giving each its place ("C5")."""
    writers = _WRITERS
    return "".join(
        [
            "" if value is None else writers.get(value.__class__, value_cell)(ref, value, styles)
            for ref, value in zip(refs, values, strict=True)
        ]
    )


def _escape(text: str) -> str:
    # str.replace runs in C; str.translate with a table was most of the sheet's time.
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r", "&#13;") if "\r" in text else text  # XML would drop a bare CR


def status_cell(ref: str, text: str, style: int, styles: Styles) -> str:
    return _text(ref, text, styles, style)


def column_letters(count: int) -> list[str]:
    return [get_column_letter(n) for n in range(1, count + 1)]


def splice_rows(saved: bytes, member: str, rows: Iterable[str], out: Path) -> None:
    """Copy the workbook ``saved`` to ``out``, the ``rows`` (XML) added to ``member``'s data."""
    with (
        zipfile.ZipFile(io.BytesIO(saved)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename != member:
                target.writestr(info.filename, data)
                continue
            head, end, tail = data.partition(b"</sheetData>")
            with target.open(info.filename, "w", force_zip64=True) as stream:
                stream.write(head)
                for piece in _batches(rows):
                    stream.write(piece.encode("utf-8"))
                stream.write(end + tail)


def _batches(rows: Iterable[str]) -> Iterator[str]:
    batch: list[str] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)
