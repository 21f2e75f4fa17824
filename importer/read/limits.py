"""Resource limits on agenda files, checked before any heavy work.

A damaged, hostile or simply wrong file must be refused in about a second with a one-line
message, not after the reader has filled the machine's memory: the size comes from ``stat``,
zip containers (xlsx, xlsm, ods) are judged by their directory and then inflated once in
bounded chunks to prove the directory tells the truth, and text files are read in chunks with a
bound on the line length and on the number of rows. Every refusal is an ``InputFileError``
(exit code 2) that names the file and says what to do.
"""

from __future__ import annotations

import math
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from importer.errors import InputFileError

MB = 1024 * 1024
CHUNK = MB  # bytes read (or inflated) at a time
# A zip central-directory entry is at least 46 bytes; with a name and extras a spreadsheet's
# are ~100. A directory far larger than its entry limit allows is refused before it is parsed.
DIRECTORY_BYTES_PER_ENTRY = 1024
# Rows a workbook may have beyond max_rows: title rows, the header and blank rows.
ROW_ALLOWANCE = 1000

_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"
_LOCAL_HEADER = b"PK\x03\x04"
_NOT_A_SPREADSHEET = (
    "it is not a normal spreadsheet (it may be damaged, or built to make programs run out of "
    "memory). Open it in Excel and save the agenda sheet alone as a new workbook or as CSV, "
    "then import that file."
)


@dataclass(frozen=True)
class Limits:
    """What the loader accepts. The defaults fit any agenda a person keeps in a spreadsheet."""

    max_file_bytes: int = 50 * MB  # the file on disk
    max_rows: int = 100_000  # rows of sessions (data rows below the header)
    max_cell_chars: int = 32_767  # characters in one cell: Excel's own limit
    max_line_bytes: int = 1 * MB  # one line of a text file (CSV, TSV, TXT)
    max_unzipped_bytes: int = 500 * MB  # all parts of an xlsx/xlsm/ods, unpacked
    max_zip_ratio: float = 100.0  # unpacked/packed size of one part, if it is big:
    # below this unpacked size a part is not judged by its ratio: a repetitive one (styles, a
    # sheet of blank formatted cells) may shrink several hundred times and harm nobody.
    zip_ratio_from_bytes: int = 10 * MB
    max_zip_entries: int = 10_000  # parts (files) inside an xlsx/xlsm/ods
    # Cells from A1 to the last filled-in cell of a sheet: the reader builds all of them (100,000
    # sessions of 20 columns fit; one stray cell at XFD2000 does not).
    max_sheet_cells: int = 2_000_000
    max_columns: int = 16_384  # columns in a row: Excel's own limit (XFD)


DEFAULT_LIMITS = Limits()


def megabytes(size: int) -> str:
    """A limit as people write it: "50 MB", "1.5 MB", "512 KB"."""
    if size < MB:
        return f"{max(1, round(size / 1024)):,} KB"
    value = size / MB
    return f"{value:,.0f} MB" if value.is_integer() else f"{value:,.1f} MB"


def _measured(size: int) -> str:
    """A measured size, rounded up, so it never reads as equal to the limit it is over."""
    if size < MB:
        return f"{math.ceil(size / 1024):,} KB"
    return f"{math.ceil(size * 10 / MB) / 10:,.1f} MB"


def check_file_size(path: Path, size: int, limits: Limits) -> None:
    if size > limits.max_file_bytes:
        raise InputFileError(
            f"{path.name} is {_measured(size)}, more than the {megabytes(limits.max_file_bytes)} "
            "this importer reads. Split the agenda into smaller files (or save it as CSV, "
            "without pictures and other sheets) and import them one after the other."
        )


def too_many_rows(where: str, limits: Limits) -> InputFileError:
    return InputFileError(
        f"{where} has more than {limits.max_rows:,} rows of sessions, the most one import "
        f"takes. Split it into files of at most {limits.max_rows:,} rows and import them one "
        "after the other."
    )


def too_many_columns(where: str, row: int, columns: int, limits: Limits) -> InputFileError:
    return InputFileError(
        f"{where}: row {row:,} has {columns:,} columns, more than the {limits.max_columns:,} "
        "a spreadsheet can hold (Excel's own limit), so this is not an agenda. Check that you "
        "chose the right file and that its columns are separated by the right character."
    )


def too_many_cells(where: str, row: int, limits: Limits) -> InputFileError:
    return InputFileError(
        f"{where}: by row {row:,} its rows hold more than {limits.max_sheet_cells:,} cells in "
        "all, the most this importer reads. Delete the empty columns to the right of the "
        "agenda (or split it into smaller files), then try again."
    )


def cell_too_long(where: str, row: int, column: str, length: int, limits: Limits) -> InputFileError:
    return InputFileError(
        f"{where}: the cell in row {row}, column {column} holds {length:,} characters, more "
        f"than the {limits.max_cell_chars:,} a cell may hold (Excel's own limit). Shorten it, "
        "then try again."
    )


def _too_many_parts(path: Path, limits: Limits) -> InputFileError:
    return InputFileError(
        f"{path.name} holds more than {limits.max_zip_entries:,} parts (files packed inside "
        f"it), where a spreadsheet has a few dozen: {_NOT_A_SPREADSHEET}"
    )


def _end_record(path: Path) -> tuple[int, int] | None:
    """Entries and directory size from the zip's end record, without reading the directory.

    Found the way Python's zipfile finds it (the last end record within the longest comment
    of the file's end; a zip64 record right before it), so the two never disagree. None when
    there is no readable end record: the archive is cut short or damaged.
    """
    with path.open("rb") as handle:
        size = handle.seek(0, 2)
        tail_size = min(size, 56 + 20 + 22 + 0xFFFF)  # zip64 record and locator, end, comment
        handle.seek(size - tail_size)
        tail = handle.read(tail_size)
    at = tail.rfind(_EOCD)
    if at < 0 or at + 22 > len(tail):
        return None
    entries, directory_size = struct.unpack("<HI", tail[at + 10 : at + 16])
    if at >= 20 + 56 and tail[at - 20 : at].startswith(_EOCD64_LOCATOR):
        record = tail[at - 20 - 56 : at - 20]
        if not record.startswith(_EOCD64):
            return None
        entries64, directory64 = struct.unpack("<QQ", record[32:48])
        return int(entries64), int(directory64)
    if entries == 0xFFFF or directory_size == 0xFFFFFFFF:
        return None  # zip64 values announced, but no zip64 record where it belongs
    return entries, directory_size


def check_zip_directory(path: Path, limits: Limits) -> bool:
    """Refuse an archive whose directory alone is too big to read; False if it has none."""
    found = _end_record(path)
    if found is None:
        return False
    entries, directory_size = found
    if entries > limits.max_zip_entries or directory_size > (
        limits.max_zip_entries * DIRECTORY_BYTES_PER_ENTRY
    ):
        raise _too_many_parts(path, limits)
    return True


def check_zip_contents(path: Path, limits: Limits, damaged: Callable[[], InputFileError]) -> None:
    """Refuse a zip bomb before a spreadsheet reader unpacks it.

    First the directory: too many parts, too much unpacked in all, or one part packed
    impossibly tightly. Then every part is inflated once, a chunk at a time and thrown away,
    to prove it unpacks to exactly the size the directory claims: a reader trusting a smaller
    claim could be made to unpack gigabytes. ``damaged`` makes the error for a broken archive.
    """
    readable = check_zip_directory(path, limits)
    try:
        if not readable:
            raise zipfile.BadZipFile("no zip directory at the end of the file")
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise damaged() from exc
    if len(infos) > limits.max_zip_entries:
        raise _too_many_parts(path, limits)
    total = sum(info.file_size for info in infos)
    if total > limits.max_unzipped_bytes:
        raise InputFileError(
            f"{path.name} would unpack to {_measured(total)}, more than the "
            f"{megabytes(limits.max_unzipped_bytes)} this importer allows: {_NOT_A_SPREADSHEET}"
        )
    for info in infos:
        packed = max(info.compress_size, 1)
        big = info.file_size > limits.zip_ratio_from_bytes
        if big and info.file_size > limits.max_zip_ratio * packed:
            raise InputFileError(
                f"{path.name} has a part that would unpack to {info.file_size / packed:,.0f} "
                f"times its packed size (a spreadsheet stays under {limits.max_zip_ratio:,.0f}): "
                f"{_NOT_A_SPREADSHEET}"
            )
    size = path.stat().st_size
    with path.open("rb") as handle:
        for info in infos:
            verdict = _inflates_as_claimed(handle, info, size)
            if verdict == "larger":
                raise InputFileError(
                    f"{path.name} has a part that unpacks to more than its zip directory says: "
                    f"{_NOT_A_SPREADSHEET}"
                )
            if verdict == "broken":
                raise damaged()


def _inflates_as_claimed(handle: BinaryIO, info: zipfile.ZipInfo, size: int) -> str:
    """ "ok", "larger" (unpacks to more than claimed) or "broken"."""
    if info.flag_bits & 0x1 or info.is_dir():
        return "ok"  # encrypted parts are for the reader (and its password message) to judge
    handle.seek(info.header_offset)
    local = handle.read(30)
    if len(local) < 30 or not local.startswith(_LOCAL_HEADER):
        return "broken"
    name_size, extra_size = struct.unpack("<HH", local[26:30])
    start = info.header_offset + 30 + name_size + extra_size
    if start + info.compress_size > size:
        return "broken"
    handle.seek(start)
    if info.compress_type == zipfile.ZIP_STORED:
        return "ok" if info.compress_size == info.file_size else "broken"
    if info.compress_type != zipfile.ZIP_DEFLATED:
        return "broken"  # spreadsheets use stored and deflated parts only
    inflater = zlib.decompressobj(-15)
    produced, left = 0, info.compress_size
    try:
        while left > 0 and not inflater.eof:
            data = handle.read(min(CHUNK, left))
            if not data:
                return "broken"
            left -= len(data)
            while data and not inflater.eof:
                produced += len(inflater.decompress(data, CHUNK))
                if produced > info.file_size:
                    return "larger"
                data = inflater.unconsumed_tail
    except zlib.error:
        return "broken"
    return "ok" if inflater.eof and produced == info.file_size else "broken"


def line_too_long(path: Path, line: int, limits: Limits) -> InputFileError:
    return InputFileError(
        f"{path.name}: line {line:,} is longer than {megabytes(limits.max_line_bytes)}, so "
        "this is not an agenda saved as text (each line holds one row of sessions). Check that "
        'you chose the right file, or save the agenda from Excel as "CSV UTF-8 (Comma '
        'delimited)" and try again.'
    )


def read_text_bytes(path: Path, limits: Limits) -> bytes:
    """The whole text file, read in chunks; refused as soon as one line is too long."""
    chunks: list[bytes] = []
    line, current, total = 1, 0, 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            total += len(chunk)
            if total > limits.max_file_bytes:
                check_file_size(path, total, limits)
            parts = chunk.split(b"\n")
            current += len(parts[0])
            if current > limits.max_line_bytes:
                raise line_too_long(path, line, limits)
            if len(parts) > 1:
                if max(map(len, parts[1:])) > limits.max_line_bytes:
                    for offset, part in enumerate(parts[1:], start=1):
                        if len(part) > limits.max_line_bytes:
                            raise line_too_long(path, line + offset, limits)
                line += len(parts) - 1
                current = len(parts[-1])
            chunks.append(chunk)
    return b"".join(chunks)
