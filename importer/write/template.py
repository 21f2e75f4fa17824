"""The agenda template event staff fill in: an Instructions sheet and an Agenda sheet.

The committed files in templates/ are this module's output; regenerate them with
``python -m importer.write.template templates`` after changing anything here. The output is fixed to
the byte (no clock, no zip times), so a test can tell whether the committed files are current.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from importer.fields import BY_NAME, TEMPLATE_COLUMNS, TemplateColumn
from importer.read.table import CellValue
from importer.write.results import atomically

TEMPLATE_NAME = "agenda-template"
INSTRUCTIONS, AGENDA = "Instructions", "Agenda"
HEADERS = tuple(c.header for c in TEMPLATE_COLUMNS)
# Validations and column formats reach this far: room for any real agenda, and the file stays
# small because openpyxl stores a range, not a thousand cells.
LAST_ROW = 1000
# Both the document properties and every zip entry carry this instead of "now".
FIXED_TIME = datetime.datetime(2026, 1, 15, 9, 0, 0)
AUTHOR = "Zuddl session importer"
DATE_FORMAT, TIME_FORMAT = "yyyy-mm-dd", "hh:mm"
HEADER_FILL = "D9E1F2"
MIN_WIDTH, MAX_WIDTH = 10, 64
DAY = datetime.date(2026, 6, 10)

T = datetime.time
# (Reference ID, Parent, Title, Description, Date, Start, End, Location, Capacity, Tags,
#  Speakers)
# fmt: off
EXAMPLE_ROWS: tuple[tuple[CellValue, ...], ...] = (
    ("KEY-1", None, "Opening Keynote",
     "Welcome from the organisers, and what the next two days hold.",
     DAY, T(9, 0), T(9, 45), "Main Hall", 600, "Keynote", "Ada Lovelace + Grace Hopper"),
    ("TRK-1", None, "Track: Data Engineering",
     "Two talks on building data pipelines that survive real life.",
     DAY, T(10, 0), T(11, 30), "Room 101", 120, "Data Engineering", None),
    ("TRK-1-01", "TRK-1", "Incremental Models Without Tears",
     "How a six-hour nightly rebuild became a six-minute run.",
     DAY, T(10, 0), T(10, 45), "Room 101", 120, "Data Engineering, Beginner",
     "Alan Turing"),
    ("TRK-1-02", "TRK-1", "Changing Tables Without Downtime",
     "Adding and renaming columns while the pipeline keeps running.",
     DAY, T(10, 45), T(11, 30), "Room 101", 120, "Data Engineering, Advanced",
     "grace@example.com"),
)
# fmt: on

# What each column means and how to write it (importer/fields.py): shown in the header comments
# and on the Instructions sheet, so the two never disagree.
COLUMN_HELP = {c.header: (c.what, c.how) for c in TEMPLATE_COLUMNS}

COMMANDS = (
    (
        "Check the sheet",
        "Save the file, then run:\n"
        "    zuddl-import validate agenda.xlsx\n"
        "Nothing is sent to Zuddl. Every problem is listed with its row, its column and how to "
        "fix it. A copy of your file, agenda.checked.xlsx, shows cells with an error in red and "
        "cells with a warning in yellow, each with a note saying what to change; its Problems "
        "sheet lists them all, with links to the cells. Make the changes in your own file, not "
        "in the copy, and check again until no errors are left.",
    ),
    (
        "Import",
        "Run:\n"
        "    zuddl-import run agenda.xlsx --event EVENT-ID --write-back\n"
        "with the event's ID from Zuddl, and the API key in the ZUDDL_API_KEY setting of your "
        "computer. Nothing is sent while any row has an error. Add --dry-run to see what would "
        "happen without sending anything, or use --sandbox instead of --event to try it on a "
        "practice event that needs no account.",
    ),
    (
        "After the import",
        "The results go to agenda.results.xlsx next to your file: every row with its status "
        "(created, updated, unchanged, failed, invalid or skipped), a message, and the Zuddl "
        "session ID of the session made from it. With --write-back you also get "
        "agenda.imported.xlsx: your own sheet with three more columns on the right, Status, "
        "Zuddl Session ID and Message. You can go on editing that copy and import it again: "
        "those three columns are not read, and sessions are found again by their Reference ID, "
        "so they are updated, not doubled.",
    ),
)
GUIDANCE = (
    (
        "Parents and children",
        "A track or workshop can hold sessions of its own. Give the track a Reference ID, and "
        "write that ID in the Parent column of each of its talks. The track is created first, "
        "then its talks inside it, whatever the order of the rows.",
    ),
    (
        "Time zone",
        "Write every time as the local time where the event takes place, as attendees read it "
        "on the programme. The importer uses the event's own time zone from Zuddl, unless you "
        "give one with --timezone, such as --timezone Europe/Berlin. A time that does not "
        "exist, or happens twice, on the night the clocks change is reported as a problem, "
        "never moved silently.",
    ),
)


def write_template(path: Path) -> None:
    """Write the template: a workbook, or the header and example rows if ``path`` is a .csv."""
    data = _csv_bytes() if path.suffix.lower() == ".csv" else deterministic_xlsx(_build_workbook())

    def write(temp: Path) -> None:
        temp.write_bytes(data)

    atomically(path, write, what="the template", option=None)


def _csv_bytes() -> bytes:
    text = io.StringIO()
    # "\n" line ends: the file is committed, and CRLF would show as noise in every diff.
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(HEADERS)
    for row in EXAMPLE_ROWS:
        writer.writerow([_display(value) for value in row])
    return text.getvalue().encode("utf-8")


def _display(value: CellValue) -> str:
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    return "" if value is None else str(value)


def _build_workbook() -> Workbook:
    book = Workbook()
    instructions = book.active
    assert instructions is not None
    instructions.title = INSTRUCTIONS
    _fill_instructions(instructions)
    _fill_agenda(book.create_sheet(AGENDA))
    book.properties.title = "Agenda template for the Zuddl session importer"
    book.properties.creator = book.properties.lastModifiedBy = AUTHOR
    book.properties.created = book.properties.modified = FIXED_TIME
    return book


def _fill_instructions(sheet: Worksheet) -> None:
    widths = (22, 100)
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = widths
    top = Alignment(vertical="top", wrap_text=True)
    bold = Font(bold=True)
    lines: list[tuple[str, str, bool]] = [
        ("How to fill in this agenda", "", True),
        (
            "",
            'Write one session per row on the "Agenda" sheet, from row 2 down. Keep the column '
            "names in row 1 as they are. Rows 2 to 5 are examples: replace them or delete them. "
            "Hover over a column name to see what goes in it; Excel refuses dates, times and "
            "numbers it cannot read, and offers the reference IDs you have typed for Parent.",
            False,
        ),
        ("", "", False),
        ("Column", "What goes there, and how to write it", True),
    ]
    lines += [(name, f"{what}\n{how}", False) for name, (what, how) in COLUMN_HELP.items()]
    for heading, text in (*GUIDANCE, *COMMANDS):
        lines += [("", "", False), (heading, text, False)]
    for number, (label, text, is_heading) in enumerate(lines, start=1):
        first, second = sheet.cell(number, 1, label), sheet.cell(number, 2, text or None)
        first.font = Font(bold=True, size=14 if number == 1 else 11)
        first.alignment = second.alignment = top
        if is_heading:
            second.font = bold
        if text:
            # Excel does not grow rows for wrapped text when it opens a file: size them here.
            chars = widths[1] * 1.1
            count = sum(max(1, math.ceil(len(part) / chars)) for part in text.split("\n"))
            sheet.row_dimensions[number].height = 15 * count + 2


def _fill_agenda(sheet: Worksheet) -> None:
    bold, fill = Font(bold=True), PatternFill("solid", fgColor=HEADER_FILL)
    for column, header in enumerate(HEADERS, start=1):
        cell = sheet.cell(1, column, header)
        cell.font, cell.fill = bold, fill
        what, how = COLUMN_HELP[header]
        cell.comment = _comment(f"{header}: {what}\n\nFormat: {how}")
    formats = {"Date": DATE_FORMAT, "Start Time": TIME_FORMAT, "End Time": TIME_FORMAT}
    for offset, row in enumerate(EXAMPLE_ROWS, start=2):
        for column, (header, value) in enumerate(zip(HEADERS, row, strict=True), start=1):
            cell = sheet.cell(offset, column, value)
            if header in formats:
                cell.number_format = formats[header]
    for column, header in enumerate(HEADERS, start=1):
        dimension = sheet.column_dimensions[get_column_letter(column)]
        dimension.width = _width([header, *(_display(row[column - 1]) for row in EXAMPLE_ROWS)])
        # A column style is what Excel gives the cells people type into later.
        if header in formats:
            dimension.number_format = formats[header]
    sheet.freeze_panes = "A2"
    for validation in _validations():
        sheet.add_data_validation(validation)


def _comment(text: str) -> Comment:
    comment = Comment(text, AUTHOR)
    # openpyxl's default note is a postage stamp; 240pt wide holds about 45 characters a line.
    lines = sum(max(1, math.ceil(len(part) / 45)) for part in text.split("\n"))
    comment.width, comment.height = 240, 15 * lines + 10
    return comment


def _width(texts: Sequence[str]) -> float:
    return float(max(MIN_WIDTH, min(max(len(text) for text in texts) + 3, MAX_WIDTH)))


def _validations() -> list[DataValidation]:
    """Excel's checks on what staff type, one per column that has one (importer/fields.py)."""
    return [_validation(c) for c in TEMPLATE_COLUMNS if c.validation is not None]


def _validation(column: TemplateColumn) -> DataValidation:
    check = column.validation
    assert check is not None
    references = BY_NAME["reference"].template
    assert references is not None
    # The Reference ID column, fixed when Excel copies the check down.
    names = {
        "cell": f"{column.letter}2",
        "references": f"${references.letter}$2:${references.letter}${LAST_ROW}",
    }
    validation = DataValidation(
        type=check.kind,
        operator=check.operator,
        formula1=check.formula1.format_map(names),
        formula2=check.formula2,
        errorStyle="warning" if check.warn_only else None,
        allow_blank=True,
    )
    validation.showInputMessage = validation.showErrorMessage = True
    validation.promptTitle, validation.prompt = check.prompt
    validation.errorTitle, validation.error = check.error
    validation.add(f"{column.letter}2:{column.letter}{LAST_ROW}")
    return validation


def deterministic_xlsx(book: Workbook, when: datetime.datetime = FIXED_TIME) -> bytes:
    """The workbook's bytes, the same on every run (for files committed and compared)."""
    # Workbook.save stamps "modified" with the clock and zip entries carry the time of writing;
    # ExcelWriter keeps our properties, and re-packing pins every entry's date.
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(fixed, "w") as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0  # the same bytes whichever system writes them
            target.writestr(info, source.read(entry))
    return fixed.getvalue()


def main(argv: Sequence[str]) -> None:
    folder = Path(argv[0]) if argv else Path("templates")
    folder.mkdir(parents=True, exist_ok=True)
    for suffix in (".xlsx", ".csv"):
        write_template(folder / f"{TEMPLATE_NAME}{suffix}")


if __name__ == "__main__":
    main(sys.argv[1:])
