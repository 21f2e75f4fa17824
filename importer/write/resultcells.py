"""The cells of the results' frame (header, summary, the sheet of sessions not in the sheet)
as openpyxl should write them: shared styles, status colours, and text that stays text.

A cell from an agenda must never run as a formula ("=HYPERLINK(…)") nor turn into an error
value ("#N/A"); openpyxl would guess both wrong, so the cells are made here.
"""

from __future__ import annotations

import datetime
import math

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from importer.plan.status import Status
from importer.read.table import CellValue
from importer.write.xlsxrows import FORMULA_PREFIXES, Styles

# Excel's own "Good"/"Bad"/"Neutral" palette and its light blues: readable when printed in grey.
STATUS_COLOURS = {
    Status.CREATED: ("C6EFCE", "006100"),
    Status.UPDATED: ("BDD7EE", "1F3864"),
    Status.UNCHANGED: ("E7E6E6", "3A3838"),
    Status.FAILED: ("FFC7CE", "9C0006"),
    Status.INVALID: ("F8CBAD", "833C0B"),
    Status.SKIPPED: ("FFEB9C", "7F6000"),
    Status.PLANNED: ("DDEBF7", "1F4E78"),
}
XLSX_DATETIME, XLSX_DATE, XLSX_TIME = XLSX_FORMATS = ("yyyy-mm-dd hh:mm", "yyyy-mm-dd", "hh:mm")


class CellMaker:
    """Builds the cells openpyxl would guess wrong.

    Styles are built once and shared: styling each cell afresh costs more than writing it.
    """

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        self.sheet = sheet
        # quotePrefix is what Excel itself records for text typed as '=1: the cell shows the
        # text exactly, and it stays text even if someone edits it and presses Enter.
        self.plain = {False: self._style(), True: self._style(quotePrefix=True)}
        self.bold = {
            quoted: self._style(font=Font(bold=True), quotePrefix=quoted)
            for quoted in (False, True)
        }
        self.formats = {fmt: self._style(number_format=fmt) for fmt in XLSX_FORMATS}
        self.statuses = {
            status: self._style(fill=PatternFill("solid", fgColor=fill), font=Font(color=text))
            for status, (fill, text) in STATUS_COLOURS.items()
        }

    def _style(self, **attributes: object) -> StyleArray:
        prototype = WriteOnlyCell(self.sheet)
        for name, value in attributes.items():
            setattr(prototype, name, value)
        style: StyleArray = prototype._style  # type: ignore[attr-defined]  # not in the stubs
        return style

    def style_ids(self, book: Workbook) -> tuple[Styles, dict[Status, int]]:
        """The numbers the workbook's stylesheet gives these styles, for rows written as XML."""
        registry = book._cell_styles  # type: ignore[attr-defined]  # not in the stubs
        formats = {fmt: registry.add(style) for fmt, style in self.formats.items()}
        styles = Styles(
            registry.add(self.plain[False] or StyleArray()),  # a cell with no style set
            registry.add(self.plain[True]),
            formats,
            XLSX_DATETIME,
            XLSX_DATE,
            XLSX_TIME,
        )
        return styles, {status: registry.add(style) for status, style in self.statuses.items()}

    def header(self, text: str) -> Cell:
        return self.text(text, self.bold[looks_like_formula(text)])

    def status(self, status: Status) -> Cell:
        return self.text(status.value, self.statuses[status])

    def text(self, text: str, style: StyleArray | None = None) -> Cell:
        if style is None:
            style = self.plain[looks_like_formula(text)]
        cell = Cell(self.sheet, 1, 1, clean(text), style)
        # openpyxl would store "=..." as a formula and "#N/A" as an error: force plain text.
        cell.data_type = "s"
        return cell

    def value(self, value: CellValue) -> CellValue | Cell:
        match value:
            case str() if looks_like_formula(value) or clean(value) in ERROR_CODES:
                return self.text(value)
            case str():
                return clean(value)
            case float() if not math.isfinite(value):
                # Excel has no NaN or infinity; the file would be "repaired" on opening.
                return self.text(str(value))
            case datetime.datetime() | datetime.time() if value.tzinfo is not None:
                # Excel cannot hold a time zone; text keeps the offset instead of hiding it.
                return self.text(value.isoformat())
            case datetime.datetime():
                return Cell(self.sheet, 1, 1, value, self.formats[XLSX_DATETIME])
            case datetime.date():
                return Cell(self.sheet, 1, 1, value, self.formats[XLSX_DATE])
            case datetime.time():
                return Cell(self.sheet, 1, 1, value, self.formats[XLSX_TIME])
            case datetime.timedelta():
                return self.text(str(value))
            case _:
                return value


def clean(text: str) -> str:
    # Control characters (other than tab and line breaks) make the xlsx unreadable to Excel.
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would run ``text`` as a formula once it is written.

    Judged on the text as written: the control characters dropped on the way would otherwise
    hide a formula ("\x01=HYPERLINK(...)" is written as "=HYPERLINK(...)").
    """
    return clean(text).startswith(FORMULA_PREFIXES)
