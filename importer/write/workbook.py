"""Copies of the user's own agenda workbook: problems marked on their cells, or results added.

Event staff know their own sheet far better than any report, so both files are that sheet with
its sheets, formatting and formulas kept (xlsx and xlsm are edited through openpyxl; other
formats are rebuilt cell by cell, at the same rows and columns, so that "D14" in a message is
D14 in the file). Both are written atomically, like the results sheet.
"""

from __future__ import annotations

import datetime
import math
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from copy import copy
from pathlib import Path

import openpyxl
from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname, range_boundaries
from openpyxl.utils.cell import column_index_from_string, coordinate_to_tuple
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from importer.check.columns import normalise_header
from importer.check.drafts import Problem
from importer.plan.status import Outcome, Status
from importer.read.table import CellValue, Table
from importer.write.atomic import atomically
from importer.write.resultcells import (
    STATUS_COLOURS,
    XLSX_DATE,
    XLSX_DATETIME,
    XLSX_TIME,
    clean,
    looks_like_formula,
)

AUTHOR = "Zuddl session importer"
PROBLEMS_SHEET = "Problems"
PROBLEM_HEADERS = ("Row", "Column", "Value", "Problem", "Severity")
# Excel's own "Bad" and "Neutral" colours, as in the results sheet.
SEVERITY_COLOURS = {
    "error": STATUS_COLOURS[Status.FAILED],
    "warning": STATUS_COLOURS[Status.SKIPPED],
}
# What an earlier note of the user's is kept under, in the comment that marks a problem.
EARLIER_NOTE = "\n\nEarlier note: "
STATUS_HEADER, ID_HEADER, MESSAGE_HEADER = "Status", "Zuddl Session ID", "Message"
# Header spellings that count as one of the added columns when a file comes back (the results
# sheet's "Import Status" included); all of them are in columns.OWN_COLUMNS.
OWN_KEYS = {
    STATUS_HEADER: frozenset({"status", "importstatus"}),
    ID_HEADER: frozenset({"zuddlsessionid"}),
    MESSAGE_HEADER: frozenset({"message", "importmessage"}),
}
OWN_WIDTHS = {STATUS_HEADER: 12.0, ID_HEADER: 38.0, MESSAGE_HEADER: 60.0}
STATUS_WORDS = frozenset(status.value for status in Status)
EDITABLE = (".xlsx", ".xlsm")
CELL_RE = re.compile(r"[A-Z]{1,3}[1-9][0-9]{0,6}")
LINK_FONT = Font(color="0563C1", underline="single")
MIN_WIDTH, MAX_WIDTH = 8, 60


def checked_path(agenda: Path) -> Path:
    return agenda.with_name(f"{agenda.stem}.checked.xlsx")


def imported_path(agenda: Path) -> Path:
    """AGENDA.imported.xlsx; importing that copy again updates it in place, so staff keep
    working in one file instead of AGENDA.imported.imported.xlsx."""
    if agenda.stem.endswith(".imported") and agenda.suffix.lower() == ".xlsx":
        return agenda
    return agenda.with_name(f"{agenda.stem}.imported.xlsx")


def write_checked(table: Table, problems: Sequence[Problem], out: Path) -> Path:
    """A copy of the agenda with every problem cell coloured and explained, plus a Problems sheet.

    Errors are light red, warnings yellow; each cell's note says what is wrong and how to fix
    it. Marks left by an earlier check of the same file are removed first.
    """
    book, sheet = _open_copy(table, out)
    _clear_old_marks(book, sheet)
    _put_edits(sheet, table)
    by_cell: dict[str, list[Problem]] = {}
    for problem in problems:
        if _cell_address(problem) is not None:
            by_cell.setdefault(str(problem.cell), []).append(problem)
    for address, found in by_cell.items():
        _mark(_cell(sheet, *coordinate_to_tuple(address)), found)
    _write_problems(book.create_sheet(_free_name(book, PROBLEMS_SHEET)), sheet.title, problems)
    atomically(out, book.save, what="the checked copy", option=None)
    return out


def write_back(table: Table, outcomes: Mapping[int, Outcome], out: Path) -> Path:
    """A copy of the agenda with Status, Zuddl Session ID and Message columns at the right.

    A file that already has these columns (written back before) gets them updated in place.
    """
    missing = [row.number for row in table.rows if row.number not in outcomes]
    if missing:
        shown = ", ".join(str(number) for number in missing[:10])
        raise ValueError(f"no outcome for {len(missing)} row(s) of the table: {shown}")
    book, sheet = _open_copy(table, out)
    _put_edits(sheet, table)
    columns = _own_columns(sheet, table)
    for row in table.rows:
        outcome = outcomes[row.number]
        status = _cell(sheet, row.number, columns[STATUS_HEADER])
        _put_text(status, outcome.status.value)
        fill, colour = STATUS_COLOURS[outcome.status]
        status.fill, status.font = PatternFill("solid", fgColor=fill), Font(color=colour)
        # A row that fails this time keeps the ID of the session an earlier run made from it:
        # that session still exists in Zuddl.
        if outcome.session_id:
            _put_text(_cell(sheet, row.number, columns[ID_HEADER]), outcome.session_id)
        _put_text(_cell(sheet, row.number, columns[MESSAGE_HEADER]), outcome.message)
    _widen_filter(sheet, table.header_row, max(columns.values()))
    atomically(out, book.save, what="the imported copy", option=None)
    return out


# --- the copy -----------------------------------------------------------------------------


def _open_copy(table: Table, out: Path) -> tuple[Workbook, Worksheet]:
    suffix = table.path.suffix.lower()
    if suffix in EDITABLE and table.sheet is not None:
        keep_vba = suffix == ".xlsm" and out.suffix.lower() == ".xlsm"
        try:
            with warnings.catch_warnings():
                # The library never prints, and openpyxl warns about every extension it drops.
                warnings.simplefilter("ignore")
                book = openpyxl.load_workbook(table.path, keep_vba=keep_vba, rich_text=True)
        # The loader's reader read this file, openpyxl may still fail (such as on Strict Open
        # XML, or a part it does not understand): a rebuilt copy is better than none.
        except Exception:
            book = None
        if book is not None and table.sheet in book.sheetnames:
            # openpyxl keeps formulas but not their last values: have Excel work them out.
            if book.calculation is None:  # a workbook saved without calculation settings
                book.calculation = CalcProperties()
            book.calculation.fullCalcOnLoad = True
            return book, book[table.sheet]
    return _rebuild(table)


def _rebuild(table: Table) -> tuple[Workbook, Worksheet]:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = table.sheet or "Agenda"
    bold = Font(bold=True)
    widths = [len(header) for header in table.headers]
    for index, (letter, header) in enumerate(zip(table.columns, table.headers, strict=True)):
        cell = _cell(sheet, table.header_row, column_index_from_string(letter))
        _put_text(cell, header)
        cell.font = bold
        for row in table.rows[:200]:
            widths[index] = max(widths[index], len(str(row.values[index] or "")))
        sheet.column_dimensions[letter].width = max(MIN_WIDTH, min(widths[index] + 2, MAX_WIDTH))
    for row in table.rows:
        for letter, value in zip(table.columns, row.values, strict=True):
            if value is not None:
                _put(_cell(sheet, row.number, column_index_from_string(letter)), value)
    sheet.freeze_panes = f"A{table.header_row + 1}"
    return book, sheet


def _put_edits(sheet: Worksheet, table: Table) -> None:
    """Cells corrected before the check (importer.read.edits) hold the correction in the copy."""
    values = {row.number: row.values for row in table.rows}
    for number, index in sorted(table.edited):
        cell = _cell(sheet, number, column_index_from_string(table.columns[index]))
        cell.value = None
        _put(cell, values[number][index])


def _put(cell: Cell, value: CellValue) -> None:
    """A value from the table into a cell, as the results sheet writes it."""
    if isinstance(value, str):
        _put_text(cell, value)
    elif isinstance(value, float) and not math.isfinite(value):
        _put_text(cell, str(value))  # Excel has no NaN or infinity
    elif isinstance(value, datetime.datetime | datetime.time) and value.tzinfo is not None:
        _put_text(cell, value.isoformat())  # Excel cannot hold a time zone
    elif isinstance(value, datetime.timedelta):
        _put_text(cell, str(value))
    else:
        cell.value = value
        if isinstance(value, datetime.datetime):
            cell.number_format = XLSX_DATE if value.time() == datetime.time() else XLSX_DATETIME
        elif isinstance(value, datetime.date):
            cell.number_format = XLSX_DATE
        elif isinstance(value, datetime.time):
            cell.number_format = XLSX_TIME


def _put_text(cell: Cell, text: str | None) -> None:
    """Text that stays text: openpyxl would store "=..." as a formula and "#N/A" as an error."""
    if not text:
        cell.value = None
        return
    cell.value = clean(text)
    risky = looks_like_formula(text) or cell.value in ERROR_CODES
    if risky:
        cell.data_type = "s"
    # quotePrefix is what Excel records for text typed as '=1; cleared again for safe text so an
    # updated cell does not keep the mark of an older value.
    cell.quotePrefix = risky


def _cell(sheet: Worksheet, row: int, column: int) -> Cell:
    cell = sheet.cell(row, column)
    if isinstance(cell, MergedCell):  # only the top-left cell of a merged range holds anything
        for merged in sheet.merged_cells.ranges:
            if (row, column) in merged:
                return _cell(sheet, merged.min_row, merged.min_col)
    assert isinstance(cell, Cell)
    return cell


# --- the checked copy ---------------------------------------------------------------------


def _cell_address(problem: Problem) -> str | None:
    return problem.cell if problem.cell and CELL_RE.fullmatch(problem.cell) else None


def _mark(cell: Cell, problems: Sequence[Problem]) -> None:
    severities = {problem.severity for problem in problems}
    worst = "error" if "error" in severities else "warning"
    cell.fill = PatternFill("solid", fgColor=SEVERITY_COLOURS[worst][0])
    mixed = len(severities) > 1
    messages = dict.fromkeys(
        f"{problem.severity.capitalize()}: {problem.message}" if mixed else problem.message
        for problem in problems
    )
    text = "\n\n".join(messages)
    earlier = cell.comment
    if earlier is not None and earlier.text.strip():
        text += EARLIER_NOTE + earlier.text
    cell.comment = _comment(text)


def _comment(text: str) -> Comment:
    comment = Comment(text, AUTHOR)
    # openpyxl's default note is a postage stamp; 300pt wide holds about 55 characters a line.
    lines = sum(max(1, math.ceil(len(part) / 55)) for part in text.split("\n"))
    comment.width, comment.height = 300, min(15 * lines + 10, 400)
    return comment


def _clear_old_marks(book: Workbook, sheet: Worksheet) -> None:
    """Undo an earlier check's marks, for people who check the checked copy again."""
    ours = {colour for colour, _ in SEVERITY_COLOURS.values()}
    for cell in _existing_cells(sheet):
        if not isinstance(cell, Cell) or cell.comment is None:
            continue
        if cell.comment.author != AUTHOR:
            continue
        _, _, earlier = cell.comment.text.partition(EARLIER_NOTE)
        cell.comment = Comment(earlier, "") if earlier else None
        if str(cell.fill.fgColor.rgb)[-6:] in ours:
            cell.fill = PatternFill()
    for old in list(book.worksheets):
        if old is not sheet and old.title.startswith(PROBLEMS_SHEET):
            first = tuple(cell.value for cell in next(old.iter_rows(max_row=1), ()))
            if first == PROBLEM_HEADERS:
                book.remove(old)


def _free_name(book: Workbook, name: str) -> str:
    taken = {title.casefold() for title in book.sheetnames}
    candidate, number = name, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{name} {number}"
    return candidate


def _write_problems(sheet: Worksheet, agenda: str, problems: Iterable[Problem]) -> None:
    bold = Font(bold=True)
    for column, header in enumerate(PROBLEM_HEADERS, start=1):
        sheet.cell(1, column, header).font = bold
    widths = [len(header) for header in PROBLEM_HEADERS]
    number = 1
    for number, problem in enumerate(problems, start=2):
        row_cell = sheet.cell(number, 1, problem.row)
        address = _cell_address(problem)
        if address is not None:
            location = f"{quote_sheetname(agenda)}!{address}"
            row_cell.hyperlink = Hyperlink(ref=row_cell.coordinate, location=location)
            if problem.row is None:
                row_cell.value = address
            row_cell.font = LINK_FONT
        texts = (problem.column, problem.value, problem.message, problem.severity)
        for column, text in enumerate(texts, start=2):
            _put_text(_cell(sheet, number, column), text)
        colours = SEVERITY_COLOURS[problem.severity]
        severity = sheet.cell(number, 5)
        severity.fill = PatternFill("solid", fgColor=colours[0])
        severity.font = Font(color=colours[1])
        for index, value in enumerate((problem.row, *texts)):
            widths[index] = max(widths[index], len(str(value or "")))
    for index, width in enumerate(widths, start=1):
        cap = 100 if PROBLEM_HEADERS[index - 1] == "Problem" else MAX_WIDTH
        sheet.column_dimensions[get_column_letter(index)].width = max(
            MIN_WIDTH, min(width + 2, cap)
        )
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:E{max(number, 2)}"


# --- the written-back copy ----------------------------------------------------------------


def _own_columns(sheet: Worksheet, table: Table) -> dict[str, int]:
    """Column numbers of Status, Zuddl Session ID and Message: found again, or added."""
    header_row, numbers = table.header_row, [row.number for row in table.rows]
    found: dict[str, int] = {}
    for column in range(1, sheet.max_column + 1):
        value = sheet.cell(header_row, column).value
        key = normalise_header(value) if isinstance(value, str) else ""
        for name, keys in OWN_KEYS.items():
            if key in keys:
                found[name] = column  # the rightmost wins: ours were added at the right
    # A "Status" or "Message" of the user's own (such as "Confirmed") must not be overwritten:
    # a Status column is ours only if it holds nothing but our words, and Message goes with it.
    status = found.get(STATUS_HEADER)
    if status is not None and not _only_status_words(sheet, status, numbers):
        del found[STATUS_HEADER]
    if STATUS_HEADER not in found:
        found.pop(MESSAGE_HEADER, None)
    header_style = _cell(sheet, header_row, _last_used_column(sheet, header_row, header_row))
    last = _last_used_column(sheet, 1, sheet.max_row)
    for name in OWN_KEYS:
        if name in found:
            continue
        last += 1
        found[name] = last
        cell = _cell(sheet, header_row, last)
        _put_text(cell, name)
        if header_style.has_style:
            # The new headers look like the user's own; the stubs do not know _style.
            cell._style = copy(header_style._style)  # type: ignore[attr-defined]
        sheet.column_dimensions[get_column_letter(last)].width = OWN_WIDTHS[name]
    return found


def _only_status_words(sheet: Worksheet, column: int, numbers: Sequence[int]) -> bool:
    for number in numbers:
        value = sheet.cell(number, column).value
        if value is not None and str(value).strip().casefold() not in STATUS_WORDS:
            return False
    return True


def _last_used_column(sheet: Worksheet, first_row: int, last_row: int) -> int:
    """The rightmost column with a value (or in a merged range) in these rows; at least 1."""
    last = 1
    for (row, column), cell in _existing_cells_by_place(sheet):
        if first_row <= row <= last_row and column > last and cell.value is not None:
            last = column
    for merged in sheet.merged_cells.ranges:
        if merged.min_row <= last_row and merged.max_row >= first_row:
            last = max(last, merged.max_col)
    return last


def _existing_cells_by_place(
    sheet: Worksheet,
) -> list[tuple[tuple[int, int], Cell | MergedCell]]:
    """The cells the sheet holds, by (row, column). iter_rows would create every cell of the
    used range: a sheet of 2,000 rows with one cell in column ALL made 2 million of them."""
    return list(sheet._cells.items())


def _existing_cells(sheet: Worksheet) -> list[Cell | MergedCell]:
    return [cell for _, cell in _existing_cells_by_place(sheet)]


def _widen_filter(sheet: Worksheet, header_row: int, last_column: int) -> None:
    # A filter on the header row would leave the new columns out and sort rows away from them.
    if not sheet.auto_filter.ref:
        return
    min_col, min_row, max_col, max_row = range_boundaries(sheet.auto_filter.ref)
    if min_row == header_row and max_col is not None and max_col < last_column:
        start = f"{get_column_letter(min_col or 1)}{min_row}"
        sheet.auto_filter.ref = f"{start}:{get_column_letter(last_column)}{max_row or min_row}"
