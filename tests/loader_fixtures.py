"""Builders for spreadsheet files that openpyxl cannot write: cached formula values, Strict
Open XML workbooks and password-protected (encrypted) workbooks."""

from __future__ import annotations

import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

TRANSITIONAL = {
    "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "rel": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
STRICT = {
    "main": "http://purl.oclc.org/ooxml/spreadsheetml/main",
    "rel": "http://purl.oclc.org/ooxml/officeDocument/relationships",
}
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


@dataclass(frozen=True)
class Formula:
    """A formula cell as Excel saves it: the formula text plus the value it last computed."""

    text: str
    cached: int | float | str


CellSpec = str | int | float | Formula


def _cell_xml(ref: str, value: CellSpec) -> str:
    if isinstance(value, Formula):
        if isinstance(value.cached, str):
            return (
                f'<c r="{ref}" t="str"><f>{escape(value.text)}</f><v>{escape(value.cached)}</v></c>'
            )
        return f'<c r="{ref}"><f>{escape(value.text)}</f><v>{value.cached}</v></c>'
    if isinstance(value, str):
        return (
            f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'
        )
    return f'<c r="{ref}"><v>{value}</v></c>'


def _row_number(ref: str) -> int:
    return int("".join(ch for ch in ref if ch.isdigit()))


def write_raw_xlsx(
    path: Path,
    sheets: dict[str, dict[str, CellSpec]],
    *,
    strict: bool = False,
) -> Path:
    """Write a minimal workbook by hand; each sheet is {"B3": value, ...}."""
    ns = STRICT if strict else TRANSITIONAL
    conformance = ' conformance="strict"' if strict else ""
    sheet_entries = []
    rel_entries = []
    overrides = []
    files: dict[str, str] = {}
    for index, (name, cells) in enumerate(sheets.items(), start=1):
        sheet_entries.append(f'<sheet name="{escape(name)}" sheetId="{index}" r:id="rId{index}"/>')
        rel_entries.append(
            f'<Relationship Id="rId{index}" Type="{ns["rel"]}/worksheet" '
            f'Target="worksheets/sheet{index}.xml"/>'
        )
        overrides.append(
            f'<Override PartName="/xl/worksheets/sheet{index}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        )
        by_row: dict[int, list[str]] = {}
        for ref, value in cells.items():
            by_row.setdefault(_row_number(ref), []).append(_cell_xml(ref, value))
        rows_xml = "".join(
            f'<row r="{number}">{"".join(by_row[number])}</row>' for number in sorted(by_row)
        )
        refs = list(cells)
        dimension = f'<dimension ref="{refs[0]}:{refs[-1]}"/>' if refs else ""
        files[f"xl/worksheets/sheet{index}.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<worksheet xmlns="{ns["main"]}" xmlns:r="{ns["rel"]}">{dimension}'
            f"<sheetData>{rows_xml}</sheetData></worksheet>"
        )
    files["[Content_Types].xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{''.join(overrides)}</Types>"
    )
    files["_rels/.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<Relationships xmlns="{PACKAGE_RELS}">'
        f'<Relationship Id="rId1" Type="{ns["rel"]}/officeDocument" Target="xl/workbook.xml"/>'
        f"</Relationships>"
    )
    files["xl/workbook.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<workbook xmlns="{ns["main"]}" xmlns:r="{ns["rel"]}"{conformance}>'
        f"<sheets>{''.join(sheet_entries)}</sheets></workbook>"
    )
    files["xl/_rels/workbook.xml.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<Relationships xmlns="{PACKAGE_RELS}">{"".join(rel_entries)}</Relationships>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


_SECTOR = 512
_FREE = 0xFFFFFFFF
_END_OF_CHAIN = 0xFFFFFFFE
_FAT_SECTOR = 0xFFFFFFFD
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def _dir_entry(
    name: str, kind: int, start: int, size: int, right: int = _FREE, child: int = _FREE
) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBB", len(encoded), kind, 1)
        + struct.pack("<III", _FREE, right, child)
        + bytes(16 + 4 + 16)
        + struct.pack("<IQ", start, size)
    )


def write_encrypted_workbook(path: Path) -> Path:
    """Write an OLE2 compound file shaped like a password-protected .xlsx: an EncryptionInfo
    stream and an EncryptedPackage stream (their contents are filler, not real encryption)."""
    stream_sectors = 8  # 4096 bytes each, so both live in the regular FAT, not the mini stream
    info_start, package_start = 2, 2 + stream_sectors
    fat = [_FAT_SECTOR, _END_OF_CHAIN]
    for start in (info_start, package_start):
        fat += [start + i + 1 for i in range(stream_sectors - 1)] + [_END_OF_CHAIN]
    fat += [_FREE] * (_SECTOR // 4 - len(fat))
    header = (
        _OLE_MAGIC
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END_OF_CHAIN, 0, _END_OF_CHAIN, 0)
    )
    header += struct.pack("<I", 0) + struct.pack("<I", _FREE) * 108
    size = stream_sectors * _SECTOR
    directory = (
        # The root's child is EncryptionInfo; EncryptedPackage is its right sibling.
        _dir_entry("Root Entry", 5, _END_OF_CHAIN, 0, child=1)
        + _dir_entry("EncryptionInfo", 2, info_start, size, right=2)
        + _dir_entry("EncryptedPackage", 2, package_start, size)
        + _dir_entry("", 0, 0, 0)
    )
    body = struct.pack("<128I", *fat) + directory + b"\x5a" * (2 * stream_sectors * _SECTOR)
    path.write_bytes(header + body)
    return path
