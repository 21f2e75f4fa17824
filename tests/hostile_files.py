"""A corpus of hostile, broken and mislabelled agenda files, built in a folder on demand.

Each entry is a file a user might be handed (or an attacker might craft): zip bombs, files far
over the limits, pictures and PDFs renamed, truncated and garbled workbooks. The importer must
refuse every one of them quickly, in bounded memory, with one plain line and exit code 2.
Big files are written in chunks (or made sparse with truncate), never built in memory.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from importer.read.limits import DEFAULT_LIMITS, MB
from tests.loader_fixtures import write_encrypted_workbook, write_raw_xlsx

CHUNK = MB
SHEET = "xl/worksheets/sheet1.xml"


@dataclass(frozen=True)
class Hostile:
    name: str  # the file name in the corpus folder (its suffix is what the importer sees)
    what: str  # one line for the report
    build: Callable[[Path], None]
    expect: str  # a piece of the one-line error message (or all of it, with exact=True)
    exact: bool = False


def _workbook_bytes() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Agenda"
    sheet.append(["Title", "Date", "Start Time", "End Time"])
    for n in range(20):
        sheet.append([f"Session {n}", "2026-06-10", "09:00", "10:00"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_parts(sheet_xml: bytes | None = None) -> dict[str, bytes]:
    """The parts of a small, valid workbook; ``sheet_xml`` replaces its only sheet."""
    with zipfile.ZipFile(io.BytesIO(_workbook_bytes())) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    if sheet_xml is not None:
        parts[SHEET] = sheet_xml
    return parts


def _write_zip(path: Path, parts: dict[str, bytes], *, skip: str | None = None) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            if name != skip:
                archive.writestr(name, data)


def _stream_member(archive: zipfile.ZipFile, name: str, size: int) -> None:
    zeros = bytes(CHUNK)
    with archive.open(name, "w", force_zip64=True) as member:
        for _ in range(size // CHUNK):
            member.write(zeros)


def zip_bomb(path: Path) -> None:
    """A normal workbook whose sheet is 600 MB of zeros: about 600 KB on disk."""
    parts = _xlsx_parts()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            if name != SHEET:
                archive.writestr(name, data)
        _stream_member(archive, SHEET, 600 * MB)


def ratio_bomb(path: Path) -> None:
    """Under the unpacked-size limit (50 MB in all), but one part shrank 1000-fold."""
    parts = _xlsx_parts()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            if name != SHEET:
                archive.writestr(name, data)
        _stream_member(archive, SHEET, 50 * MB)


def _patch_sizes(path: Path, member: str, size: int) -> None:
    """Rewrite the unpacked size the local header and the directory claim for ``member``."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    local = data.find(b"PK\x03\x04")
    while local >= 0:
        if data[local + 30 : local + 30 + len(name)] == name:
            struct.pack_into("<I", data, local + 22, size)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        if data[central + 46 : central + 46 + len(name)] == name:
            struct.pack_into("<I", data, central + 24, size)
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))


def declared_bomb(path: Path) -> None:
    """A few KB whose zip directory claims the sheet unpacks to 4 GB."""
    _write_zip(path, _xlsx_parts())
    _patch_sizes(path, SHEET, 0xFFFF0000)


def lying_directory(path: Path) -> None:
    """The directory says the sheet is 1 KB; it really inflates to 20 MB."""
    sheet = b"<worksheet>" + b" " * (20 * MB) + b"</worksheet>"
    _write_zip(path, _xlsx_parts(sheet))
    _patch_sizes(path, SHEET, 1024)


def many_entries(path: Path) -> None:
    parts = _xlsx_parts()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        for n in range(DEFAULT_LIMITS.max_zip_entries + 5000):
            archive.writestr(f"xl/media/i{n}.bin", b"")


def huge_line_csv(path: Path) -> None:
    """Title row, then one 100 MB line (written a megabyte at a time)."""
    with path.open("wb") as handle:
        handle.write(b"Title,Start\n")
        for _ in range(100):
            handle.write(b"A" * CHUNK)
        handle.write(b"\n")


def long_line_csv(path: Path) -> None:
    """Under the file-size limit, but one line of 2 MB: the line limit must catch it."""
    with path.open("wb") as handle:
        handle.write(b"Title,Start\nKeynote,09:00\n")
        handle.write(b"x," * MB)
        handle.write(b"\n")


def random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(1).randbytes(64 * 1024))


def png(path: Path) -> None:
    body = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(2).randbytes(4096)
    path.write_bytes(body)


def pdf(path: Path) -> None:
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")


def empty(path: Path) -> None:
    path.write_bytes(b"")


def truncated_xlsx(path: Path) -> None:
    data = _workbook_bytes()
    path.write_bytes(data[: len(data) // 2])


def garbage_sheet(path: Path) -> None:
    noise = random.Random(3).randbytes(32 * 1024)
    _write_zip(path, _xlsx_parts(b"<worksheet><sheetData><row r=" + noise))


def encrypted(path: Path) -> None:
    write_encrypted_workbook(path)


def utf16_noise(path: Path) -> None:
    """UTF-16 text without its byte-order mark, with binary noise after it."""
    text = "Title,Start\nKeynote,09:00\n" * 50
    path.write_bytes(text.encode("utf-16-le") + random.Random(4).randbytes(2048))


def sparse(size: int) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        with path.open("wb") as handle:
            handle.write(b"PK\x03\x04" if path.suffix == ".xlsx" else b"Title,Start\n")
            handle.truncate(size)  # a hole: no disk space, no time

    return build


def too_many_rows_csv(path: Path) -> None:
    rows = DEFAULT_LIMITS.max_rows + 50_000
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Title,Date,Start Time,End Time\n")
        for n in range(rows):
            handle.write(f"S{n},2026-06-10,09:00,10:00\n")


def too_many_rows_xlsx(path: Path) -> None:
    """A sheet of 150,000 rows, written as XML in pieces (openpyxl would take ages)."""
    parts = _xlsx_parts()
    head, _, _ = parts[SHEET].partition(b"<sheetData>")
    rows = DEFAULT_LIMITS.max_rows + 50_000
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            if name != SHEET:
                archive.writestr(name, data)
        with archive.open(SHEET, "w", force_zip64=True) as member:
            member.write(head.replace(b"<dimension", b"<dimensionX") + b"<sheetData>")
            member.write(b'<row r="1"><c r="A1" t="inlineStr"><is><t>Title</t></is></c>')
            member.write(b'<c r="B1" t="inlineStr"><is><t>Start</t></is></c></row>')
            for start in range(2, rows + 2, 10_000):
                member.write(
                    b"".join(
                        b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d"><v>0.375</v></c></row>'
                        % (n, n, n, n)
                        for n in range(start, min(start + 10_000, rows + 2))
                    )
                )
            member.write(b"</sheetData></worksheet>")


def text_as_ods(path: Path) -> None:
    path.write_bytes(b"Title,Start\nKeynote,09:00\n")


def broken_directory(path: Path) -> None:
    """A workbook whose zip directory (the end record) was overwritten."""
    data = bytearray(_workbook_bytes())
    end = data.rfind(b"PK\x05\x06")
    data[end : end + 22] = random.Random(5).randbytes(22)
    path.write_bytes(bytes(data))


def nul_csv(path: Path) -> None:
    path.write_bytes(b"Title,Start\nKey\x00note,09:00\nLunch,12:00\x00\x00\n")


def strict_broken(path: Path) -> None:
    """Strict Open XML on its face (conformance, purl.oclc.org names), with no sheet inside."""
    write_raw_xlsx(path, {"Agenda": {"A1": "Title", "B1": "Start"}}, strict=True)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    _write_zip(path, parts, skip=SHEET)


def zip_named_csv(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04" + random.Random(6).randbytes(512))


def docx_as_xlsx(path: Path) -> None:
    _write_zip(path, {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def html_as_xls(path: Path) -> None:
    path.write_bytes(b"<html><body><table><tr><td>Title</td><td>Start</td></tr></table></html>")


def huge_cell_csv(path: Path) -> None:
    path.write_bytes(b"Title,Start\n" + b"A" * 40_000 + b",09:00\n")


def ole_not_excel(path: Path) -> None:
    """An OLE2 compound file (the old Office container) holding no workbook."""
    write_encrypted_workbook(path)
    data = path.read_bytes().replace("EncryptedPackage".encode("utf-16-le"), b"X" * 32)
    path.write_bytes(data)


def _agenda_sheet(rows: int, extra: bytes = b"") -> bytes:
    """Sheet XML of a small agenda with ``rows`` sessions, then ``extra`` rows."""
    head = _xlsx_parts()[SHEET].partition(b"<sheetData>")[0]
    head = re.sub(rb"<dimension[^>]*/>", b"", head)
    body = [
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>Title</t></is></c>'
        b'<c r="B1" t="inlineStr"><is><t>Start</t></is></c></row>'
    ]
    for n in range(2, rows + 2):
        body.append(
            b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>Talk %d</t></is></c>'
            b'<c r="B%d" t="inlineStr"><is><t>2026-06-10 09:00</t></is></c></row>' % (n, n, n, n)
        )
    return head + b"<sheetData>" + b"".join(body) + extra + b"</sheetData></worksheet>"


def far_cell(path: Path) -> None:
    """A 5 KB workbook with one cell at XFD1048576: a grid of 17 billion cells for the reader."""
    stray = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    _write_zip(path, _xlsx_parts(_agenda_sheet(3, stray)))


def wide_stray(path: Path) -> None:
    """2,000 sessions and one cell in column XFD: a grid of 33 million cells."""
    sheet = _agenda_sheet(2000).replace(
        b'<c r="B2001" t="inlineStr">', b'<c r="XFD2001"><v>1</v></c><c r="B2001" t="inlineStr">'
    )
    _write_zip(path, _xlsx_parts(sheet))


def empty_rows(path: Path) -> None:
    """A small agenda followed by a million empty <row/> elements (5 MB packed)."""
    sheet = _agenda_sheet(3, b"<row/>" * 1_000_000)
    _write_zip(path, _xlsx_parts(sheet))


def impossible_date(path: Path) -> None:
    """A date-formatted cell holding -1e13: the reader's date conversion panics."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Agenda"
    sheet.append(["Title", "Date", "Start Time"])
    sheet.append(["Keynote", dt.date(2026, 6, 10), "09:00"])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts[SHEET] = re.sub(rb'(<c r="B2"[^>]*><v>)[^<]*', rb"\g<1>-10000000000000", parts[SHEET])
    _write_zip(path, parts)


ODS_CONTENT = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    b'<office:body><office:spreadsheet><table:table table:name="Agenda">%s'
    b"</table:table></office:spreadsheet></office:body></office:document-content>"
)
ODS_MANIFEST = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    b'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type='
    b'"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path='
    b'"content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
)


def write_ods(path: Path, rows: bytes) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("content.xml", ODS_CONTENT % rows)
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST)


def repeated_cells(path: Path) -> None:
    """Under 1 KB: one row with a filled cell repeated 16,384 times, the row repeated 2,000."""
    cell = (
        b'<table:table-cell table:number-columns-repeated="16384" office:value-type="string">'
        b"<text:p>x</text:p></table:table-cell>"
    )
    write_ods(
        path, b'<table:table-row table:number-rows-repeated="2000">%s</table:table-row>' % cell
    )


def wide_csv(path: Path) -> None:
    """18,279 columns: more than openpyxl (and Excel) can write in the results sheet."""
    path.write_text(",".join(["Title", "Start"] + [f"c{n}" for n in range(18_277)]) + "\n")


CORPUS: tuple[Hostile, ...] = (
    Hostile("zip_bomb.xlsx", "600 MB of zeros packed into ~600 KB", zip_bomb, "unpack"),
    Hostile("declared_bomb.xlsx", "a few KB claiming 4 GB", declared_bomb, "unpack to"),
    Hostile("ratio_bomb.xlsx", "50 MB packed 1000-fold", ratio_bomb, "times its packed"),
    Hostile("lying_directory.xlsx", "claims 1 KB, inflates to 20 MB", lying_directory, "says"),
    Hostile("many_entries.xlsx", "15,000 parts in the zip", many_entries, "parts"),
    Hostile("huge_line.csv", "one 100 MB line", huge_line_csv, "MB"),
    Hostile("long_line.csv", "one 2 MB line, file under the size limit", long_line_csv, "line"),
    Hostile("binary.csv", "random bytes named .csv", random_bytes, "binary data"),
    Hostile("picture.xlsx", "a PNG named .xlsx", png, "picture"),
    Hostile("document.xlsx", "a PDF named .xlsx", pdf, "PDF"),
    Hostile("empty.csv", "0 bytes", empty, "empty"),
    Hostile("empty.xlsx", "0 bytes", empty, "empty"),
    Hostile("truncated.xlsx", "the first half of a workbook", truncated_xlsx, "damaged"),
    Hostile("garbage_sheet.xlsx", "valid zip, sheet XML is noise", garbage_sheet, "damaged"),
    Hostile("encrypted.xlsx", "password-protected (OLE2 EncryptedPackage)", encrypted, "password"),
    Hostile("utf16_noise.csv", "UTF-16 without BOM, then noise", utf16_noise, "binary data"),
    Hostile("oversize.xlsx", "60 MB sparse file", sparse(60 * MB), "MB"),
    Hostile("oversize.csv", "60 MB sparse file", sparse(60 * MB), "MB"),
    Hostile("too_many_rows.csv", "150,000 sessions", too_many_rows_csv, "rows"),
    Hostile("too_many_rows.xlsx", "150,000 rows in one sheet", too_many_rows_xlsx, "rows"),
    Hostile("text.ods", "a CSV named .ods", text_as_ods, "Rename it"),
    Hostile("broken_directory.xlsm", "end record overwritten", broken_directory, "damaged"),
    Hostile("nul.csv", "CSV with NUL bytes", nul_csv, "binary data"),
    Hostile("strict_broken.xlsx", "Strict Open XML, sheet missing", strict_broken, "Strict"),
    Hostile("zip_named.csv", "a broken zip named .csv", zip_named_csv, "zip archive"),
    Hostile("word.xlsx", "a Word document named .xlsx", docx_as_xlsx, "Word"),
    Hostile("web_page.xls", "an HTML table named .xls", html_as_xls, "web page"),
    Hostile("huge_cell.csv", "one cell of 40,000 characters", huge_cell_csv, "characters"),
    Hostile("ole_not_excel.xlsx", "an OLE2 file holding no workbook", ole_not_excel, "Office"),
    Hostile(
        "far_cell.xlsx",
        "5 KB, one cell at XFD1048576",
        far_cell,
        'far_cell.xlsx, sheet "Agenda": its cells reach from A1 to XFD1048576 (17,179,869,184 '
        "cells, more than the 2,000,000 this importer reads), because of what is in cell "
        "XFD1048576 (row 1,048,576, column XFD). Delete that cell's content, or everything to "
        "the right of and below the agenda, then save and try again.",
        exact=True,
    ),
    Hostile(
        "wide_stray.xlsx",
        "2,000 rows and one cell in column XFD",
        wide_stray,
        'wide_stray.xlsx, sheet "Agenda": its cells reach from A1 to XFD2001 (32,784,384 cells, '
        "more than the 2,000,000 this importer reads), because of what is in cell XFD2001 "
        "(row 2,001, column XFD). Delete that cell's content, or everything to the right of "
        "and below the agenda, then save and try again.",
        exact=True,
    ),
    Hostile(
        "repeated_cells.ods",
        "under 1 KB: a filled cell repeated 16,384 times on 2,000 rows",
        repeated_cells,
        'repeated_cells.ods, sheet "Agenda": its cells reach from A1 to XFD2000 (32,768,000 '
        "cells, more than the 2,000,000 this importer reads), because of what is in cell "
        "XFD1 (row 1, column XFD). Delete that cell's content, or everything to the right of "
        "and below the agenda, then save and try again.",
        exact=True,
    ),
    Hostile(
        "empty_rows.xlsx",
        "a million empty <row/> elements",
        empty_rows,
        'empty_rows.xlsx, sheet "Agenda" holds 1,000,004 rows, most of them empty, more than '
        "the 101,000 this importer reads (a sheet of sessions has at most 100,000). Delete the "
        "empty rows below the agenda, then save and try again, or save the agenda as CSV.",
        exact=True,
    ),
    Hostile(
        "impossible_date.xlsx",
        "a date-formatted cell holding -1e13",
        impossible_date,
        'impossible_date.xlsx, sheet "Agenda": cell B2 holds -10000000000000, shown as a date or '
        "time but far outside the years 1900 to 9999 that Excel can show, so the sheet cannot be "
        "read. Correct the value (or format the cell as a number), save and try again.",
        exact=True,
    ),
    Hostile(
        "wide.csv",
        "18,279 columns",
        wide_csv,
        "wide.csv: row 1 has 18,279 columns, more than the 16,384 a spreadsheet can hold "
        "(Excel's own limit), so this is not an agenda. Check that you chose the right file and "
        "that its columns are separated by the right character.",
        exact=True,
    ),
)


def build(folder: Path, hostile: Hostile) -> Path:
    path = folder / hostile.name
    if not path.exists():
        hostile.build(path)
    return path
