"""Numbers an xlsx shows as dates or times, and the ones no reader can turn into one.

Excel keeps a date as a serial number and a cell style saying "show it as a date". A serial
far outside Excel's years (1900 to 9999), such as -1e13, makes the reader's date conversion
panic inside Rust, which takes the process down with a backtrace. The sheet pre-scan
(``importer.read.sheetscan``) looks for such numbers with this module before the reader is called.
"""

from __future__ import annotations

import html
import re
import zipfile

# Built-in number formats that are dates or times (ECMA-376 18.8.30, with the East Asian ones).
BUILTIN_DATE_FORMATS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
# Serial numbers Excel shows as dates: 1900-01-00 to 9999-12-31, in either date system.
EXCEL_SERIALS = (-1462.0, 2958466.0)

_NUMFMT = re.compile(rb"<(?:[\w.-]+:)?numFmt\s[^>]*?>")
_CELL_XFS = re.compile(rb"<(?:[\w.-]+:)?cellXfs\b.*?</(?:[\w.-]+:)?cellXfs>", re.DOTALL)
_XF = re.compile(rb"<(?:[\w.-]+:)?xf\b([^>]*?)/?>")
_ATTRIBUTE = re.compile(rb"""([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# What a format code shows literally (quoted text, backslash-escaped characters, the
# character after _ (a space that wide) or * (a fill), colours, conditions and locales),
# which says nothing about whether it is a date. [h], [mm] and [ss] are elapsed times.
_LITERALS = re.compile(r'"[^"]*"?|[\\_*].|\[(?![hms]+\])[^\]]*\]?', re.IGNORECASE)
_DATE_PARTS = re.compile(r"[dmyhs]", re.IGNORECASE)


def attributes(text: bytes) -> dict[bytes, bytes]:
    """An XML tag's attributes by local name (prefixes dropped), their values unescaped:
    Excel writes the quote of a format's quoted text as &quot;, a sheet "Q&A" as Q&amp;A."""
    found: dict[bytes, bytes] = {}
    for name, double, single in _ATTRIBUTE.findall(text):
        value = double or single
        if b"&" in value:  # most values have no reference: skip the decoding for them
            value = html.unescape(value.decode("utf-8", "replace")).encode("utf-8")
        found[name.rpartition(b":")[2]] = value
    return found


def date_styles(archive: zipfile.ZipFile) -> frozenset[int]:
    """The indexes of the cell styles (``s="N"``) whose number format is a date or a time."""
    try:
        styles = archive.read("xl/styles.xml")
    except KeyError:
        return frozenset()
    custom: dict[int, bool] = {}
    for tag in _NUMFMT.findall(styles):
        found = attributes(tag)
        code = found.get(b"formatCode", b"").decode("utf-8", "replace")
        if found.get(b"numFmtId", b"").isdigit():
            custom[int(found[b"numFmtId"])] = bool(_DATE_PARTS.search(_LITERALS.sub("", code)))
    section = _CELL_XFS.search(styles)
    dated: set[int] = set()
    for index, xf in enumerate(_XF.findall(section.group(0)) if section else ()):
        text = attributes(xf).get(b"numFmtId", b"0")
        number = int(text) if text.isdigit() else 0
        if custom.get(number, number in BUILTIN_DATE_FORMATS):
            dated.add(index)
    return frozenset(dated)


def impossible_date(cell_attributes: bytes, value: bytes, dated: frozenset[int]) -> bool:
    """Whether this numeric cell is shown as a date or time that cannot exist."""
    found = attributes(cell_attributes)
    if found.get(b"t", b"n") not in (b"n", b"d"):
        return False
    style = found.get(b"s", b"0")
    if not style.isdigit() or int(style) not in dated:
        return False
    try:
        number = float(value)
    except ValueError:
        return False
    return not EXCEL_SERIALS[0] <= number < EXCEL_SERIALS[1]
