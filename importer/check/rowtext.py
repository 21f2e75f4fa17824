"""The text cells of a row: title, tags and description, cleaned; and the checks every cell gets.

Kept apart from the mapper, which decides what a row becomes: these only say what its text is
(NFC, entities decoded, control characters dropped) and flag cells no import should trust
(NUL bytes, Excel errors, garbled encodings, scripts).
"""

from __future__ import annotations

import html
import re
import unicodedata

from importer.check.cells import show
from importer.check.drafts import Problem
from importer.check.rowview import RowView
from importer.fields import MAX_TITLE
from importer.read.excelerrors import ExcelError
from importer.read.table import CellValue
from importer.settings.config import MappingOptions

_ENTITY_RE = re.compile(r"&(#\d+|#x[0-9a-f]+|[a-z]+);", re.IGNORECASE)
# UTF-8 read as Mac Roman or Windows-1252 and saved again: the usual marks it leaves.
MOJIBAKE = ("‚Äô", "‚Äú", "‚Äù", "‚Äì", "‚Äî", "¬∞", "â€™", "â€œ", "â€“", "Ã©", "Ã¨", "Ã¼", "Ã¶")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SCRIPT_RE = re.compile(r"<\s*script\b", re.IGNORECASE)
NUL_MESSAGE = (
    "This cell contains a NUL character (an invisible zero byte), which a damaged file or a "
    "faulty export leaves behind. Delete it, or re-save the file from the program it came from, "
    "then try again."
)
EXCEL_ERROR_MESSAGE = (
    "This cell shows the Excel error {code}, so its value is unknown: its formula is broken or "
    "refers to something missing. Fix the formula (or type the value instead), save, and try "
    "again."
)
SCRIPT_WARNING = (
    "The description contains a script (<script>). Zuddl does not show scripts in session "
    "descriptions, so remove it from the cell."
)


def clean_text(value: CellValue) -> str | None:
    if value is None:
        return None
    text = unicodedata.normalize("NFC", show(value) if not isinstance(value, str) else value)
    return text.strip() or None


def cell_checks(row: RowView) -> None:
    for index, value in enumerate(row.values):  # any cell, imported or not: never dropped
        if isinstance(value, str) and "\x00" in value:
            header = row.cols.headers[index] if index < len(row.cols.headers) else None
            cell = f"{row.letters[index]}{row.number}" if index < len(row.letters) else None
            shown = value.replace("\x00", "")
            row.problems.append(Problem(row.number, header, shown, NUL_MESSAGE, "error", cell))
    imported = set(row.cols.fields.values()) | {i for m in row.cols.more.values() for i in m}
    for index in sorted(imported):  # columns not imported cannot hurt
        if isinstance(code := row.values[index], ExcelError):
            message = EXCEL_ERROR_MESSAGE.format(code=code)
            cell = f"{row.letters[index]}{row.number}"
            row.problems.append(
                Problem(row.number, row.cols.headers[index], str(code), message, "error", cell)
            )


def joined(row: RowView, field: str) -> list[str]:
    """The texts of every column sent to a field, "Header: text" where a prefix is asked for."""
    texts = []
    for index in row.cols.all_of(field):
        value = row.values[index]
        text = None if isinstance(value, ExcelError) else clean_text(value)
        if text is not None and index in row.cols.prefixed:
            text = f"{row.cols.headers[index]}: {text}"
        if text is not None:
            texts.append(text)
    return texts


def _unnamed_text(row: RowView) -> str | None:
    """A break written in a column without a header ("Coffee break" beside empty cells)."""
    used = set(row.cols.fields.values()) | {i for m in row.cols.more.values() for i in m}
    found = [
        i
        for i, header in enumerate(row.cols.headers)
        if i not in used and header.startswith("Column ") and isinstance(row.values[i], str)
    ]
    if len(found) != 1:
        return None
    row.title_from_unnamed = row.letters[found[0]]
    return clean_text(row.values[found[0]])


def read_title(row: RowView) -> str | None:
    title = " ".join(joined(row, "title")) or None
    if title is None:
        title = _unnamed_text(row)
    if title is not None:
        # Titles are plain text in Zuddl: "&#39;" from a web export means an apostrophe.
        title = _CONTROL_RE.sub("", html.unescape(title) if _ENTITY_RE.search(title) else title)
        title = title.strip() or None  # "&nbsp;" alone is no title either
        if title and any(mark in title for mark in MOJIBAKE):
            row.fail(
                "title",
                "The title looks garbled (such as ‚Äô or â€™ where ’ was meant): the file was "
                "saved with the wrong text encoding. Save it again as CSV UTF-8, or fix the "
                "characters.",
                "warning",
            )
    if not title:
        row.fail("title", "The title is empty. Every session needs a title.")
    elif len(title) > MAX_TITLE:
        row.fail(
            "title",
            f"The title is {len(title)} characters long; Zuddl allows at most "
            f"{MAX_TITLE}. Shorten it.",
        )
    return title


def read_tags(row: RowView) -> tuple[str, ...]:
    tags: dict[str, str] = {}
    for index in row.cols.all_of("tags"):
        value = row.values[index]
        text = None if isinstance(value, ExcelError) else clean_text(value)
        prefix = f"{row.cols.headers[index]}: " if index in row.cols.prefixed else ""
        for tag in re.split(r"[,;|]", text or ""):
            if tag.strip():
                tags.setdefault((prefix + tag.strip()).casefold(), prefix + tag.strip())
    return tuple(tags.values())


def section_tag(row: RowView, options: MappingOptions) -> tuple[str, ...]:
    section = row.context.section
    if options.headings != "tag" or section is None:
        return ()
    return () if section.casefold() in (t.casefold() for t in read_tags(row)) else (section,)


def description_text(row: RowView) -> str | None:
    """The description columns joined by blank lines; a script in them is warned about."""
    description = "\n\n".join(joined(row, "description")) or None
    if description is not None and _SCRIPT_RE.search(description):
        row.fail("description", SCRIPT_WARNING, "warning")
    return description
