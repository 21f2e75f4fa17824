"""Write the results sheet: every agenda row, in input order, with what happened to it.

Event staff open this file to see which rows failed and why, fix them and import again, so it
carries the original columns untouched next to the outcome, and it must never be left half
written or let a cell from the agenda run as a formula.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from importer.check.columns import RESULT_COLUMNS, normalise_header
from importer.errors import UsageError
from importer.plan.status import Outcome, Status
from importer.read.table import CellValue, Table
from importer.settings.config import default_results_path
from importer.write.atomic import atomically
from importer.write.resultcells import CellMaker, looks_like_formula
from importer.write.xlsxrows import Styles, column_letters, row_cells, splice_rows, status_cell

RESULT_HEADERS = (
    "Row",
    "Status",
    "Message",
    "Zuddl Session ID",
    "Zuddl Parent ID",
    "Reference ID Used",
    "HTTP Status",
)
# Only when the sheet has a speakers column (and the event's speakers were looked up).
SPEAKER_HEADERS = ("Speakers linked", "Speakers not found")
MESSAGE_COLUMN = RESULT_HEADERS.index("Message")
WIDTH_SAMPLE_ROWS = 200
MIN_WIDTH, MAX_WIDTH, MAX_MESSAGE_WIDTH = 8, 50, 80
Rows = list[tuple[Outcome, tuple[CellValue, ...]]]


@dataclass(frozen=True)
class Absent:
    """A session of the event that no row of the sheet matches (shown, never deleted)."""

    session_id: str
    title: str
    start: str  # UTC, as Zuddl gives it
    reference_id: str | None
    removed: bool  # this sheet created it in an earlier run: removed from the sheet since


ABSENT_HEADERS = ("Zuddl Session ID", "Title", "Start (UTC)", "Reference ID", "Why")


def _absent_rows(absent: Sequence[Absent]) -> list[tuple[str, ...]]:
    return [
        (
            a.session_id,
            a.title,
            a.start,
            a.reference_id or "",
            "removed from the sheet" if a.removed else "in Zuddl, not in the sheet",
        )
        for a in absent
    ]


def check_results_path(agenda: Path, results: Path) -> None:
    """Refuse results that would overwrite the agenda itself (``--results agenda.xlsx``)."""
    same = agenda.resolve() == results.resolve()
    with contextlib.suppress(OSError):
        same = same or results.samefile(agenda)
    if same:
        raise UsageError(
            f"--results names the agenda itself ({agenda.name}): writing the results would "
            f"replace it. Choose another file, such as {default_results_path(agenda).name}, or "
            "leave --results out."
        )


def write_results(
    path: Path,
    table: Table,
    outcomes: Mapping[int, Outcome],
    *,
    now: datetime.datetime | None = None,
    absent: Sequence[Absent] = (),
    speakers: bool | None = None,
) -> Path:
    """Write one results row per table row, atomically: CSV if ``path`` ends in .csv, else xlsx.
    ``speakers``: whether to add the speakers' two columns (None: when a row has speakers)."""
    missing = [row.number for row in table.rows if row.number not in outcomes]
    if missing:
        shown = ", ".join(str(number) for number in missing[:10])
        raise ValueError(f"no outcome for {len(missing)} row(s) of the table: {shown}")
    if speakers is None:
        speakers = any(o.speakers_linked or o.speakers_not_found for o in outcomes.values())
    headers, rows = _headers_and_rows(table, outcomes, speakers)
    extra = _absent_rows(absent)
    if path.suffix.lower() == ".csv":
        atomically(path, lambda temp: _write_csv(temp, headers, rows))
        if extra:  # a CSV has one sheet: the sessions not in the sheet go beside it
            beside = path.with_name(f"{path.stem}.not-in-sheet.csv")
            atomically(beside, lambda temp: _write_plain_csv(temp, ABSENT_HEADERS, extra))
    else:
        written = now or datetime.datetime.now().astimezone()
        atomically(path, lambda temp: _write_xlsx(temp, table, headers, rows, written, extra))
    return path


def _headers_and_rows(
    table: Table, outcomes: Mapping[int, Outcome], speakers: bool
) -> tuple[tuple[str, ...], Rows]:
    """Our columns (the speakers' two when asked), then the sheet's."""
    # A written-back workbook imported again carries our columns: show this run's, once.
    keep = [i for i, h in enumerate(table.headers) if normalise_header(h) not in RESULT_COLUMNS]
    headers = (
        *RESULT_HEADERS,
        *(SPEAKER_HEADERS if speakers else ()),
        *(table.headers[i] for i in keep),
    )
    if speakers:
        return headers, [
            (
                outcome := outcomes[row.number],
                (
                    ", ".join(outcome.speakers_linked) or None,
                    ", ".join(outcome.speakers_not_found) or None,
                    *(row.values[i] for i in keep),
                ),
            )
            for row in table.rows
        ]
    if len(keep) == len(table.headers):  # the usual case: no copying 50,000 rows
        return headers, [(outcomes[row.number], row.values) for row in table.rows]
    return headers, [
        (outcomes[row.number], tuple(row.values[i] for i in keep)) for row in table.rows
    ]


# --- CSV ----------------------------------------------------------------------------------


def _write_csv(temp: Path, headers: tuple[str, ...], rows: Rows) -> None:
    # utf-8-sig: without the BOM Excel reads the file as the local code page and mangles accents.
    with temp.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow([_csv_text(header) for header in headers])
        for outcome, values in rows:
            writer.writerow([_csv_text(value) for value in (*_result_values(outcome), *values)])


def _write_plain_csv(temp: Path, headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    with temp.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows([[_csv_text(v) for v in row] for row in rows])


def _csv_text(value: CellValue) -> str:
    if isinstance(value, str):
        # A visible quote is the only defence CSV has: Excel hides nothing in a text file.
        return "'" + value if looks_like_formula(value) else value
    return _display(value)


def _display(value: CellValue) -> str:
    """The text a person would read in the cell (used for CSV and for column widths)."""
    match value:
        case None:
            return ""
        case bool():
            return "TRUE" if value else "FALSE"
        case float() if value.is_integer():
            return str(int(value))
        case datetime.datetime():
            return value.isoformat(" ", "seconds" if value.second else "minutes")
        case datetime.time():
            return value.isoformat("seconds" if value.second else "minutes")
        case _:
            # date, timedelta ("1:30:00"), int, other floats and text
            return str(value)


# --- xlsx ---------------------------------------------------------------------------------


def _write_xlsx(
    temp: Path,
    table: Table,
    headers: tuple[str, ...],
    rows: Rows,
    written: datetime.datetime,
    absent: Sequence[tuple[str, ...]] = (),
) -> None:
    # openpyxl writes the frame (header, widths, filter, styles, the summary); the rows' XML is
    # written directly (importer/write/xlsxrows.py), which is several times faster for big sheets.
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Results")
    cells = CellMaker(sheet)
    _set_widths(sheet, headers, rows)
    sheet.freeze_panes = "A2"
    last = f"{get_column_letter(len(headers))}{len(rows) + 1}"
    sheet.auto_filter.ref = f"A1:{last}"
    sheet.append([cells.header(header) for header in headers])
    _write_summary(book.create_sheet("Summary"), cells, table, rows, written)
    if absent:
        other = book.create_sheet("Not in the sheet")
        other.append([cells.header(h) for h in ABSENT_HEADERS])
        for values in absent:
            other.append([cells.text(v) for v in values])
    styles, statuses = cells.style_ids(book)
    saved = io.BytesIO()
    book.save(saved)
    letters = column_letters(len(headers))
    xml_rows = _rows_xml(rows, letters, styles, statuses)
    splice_rows(saved.getvalue(), "xl/worksheets/sheet1.xml", xml_rows, temp)


def _rows_xml(
    rows: Rows, letters: list[str], styles: Styles, statuses: dict[Status, int]
) -> Iterator[str]:
    later = letters[2:]
    for number, (outcome, values) in enumerate(rows, start=2):
        at = str(number)
        refs = [letter + at for letter in later]
        status = status_cell(f"B{at}", outcome.status.value, statuses[outcome.status], styles)
        cells = row_cells(refs, (*_result_values(outcome)[2:], *values), styles)
        yield f'<row r="{at}"><c r="A{at}"><v>{outcome.row}</v></c>{status}{cells}</row>'


def _write_summary(
    sheet: WriteOnlyWorksheet,
    cells: CellMaker,
    table: Table,
    rows: Rows,
    written: datetime.datetime,
) -> None:
    counts = Counter(outcome.status for outcome, _ in rows)
    _set_width(sheet, 1, 18)
    _set_width(sheet, 2, max(24, min(len(table.path.name) + 2, MAX_MESSAGE_WIDTH)))
    lines: list[tuple[str, CellValue]] = [
        ("Source file", table.path.name),
        ("Sheet", table.sheet or "(none)"),
        ("Written", written.isoformat(" ", "seconds")),
        ("Rows", len(rows)),
    ]
    for label, value in lines:
        sheet.append([cells.header(label), cells.value(value)])
    sheet.append([])
    sheet.append([cells.header("Status"), cells.header("Rows")])
    for status in Status:
        sheet.append([cells.status(status), counts[status]])


def _result_values(outcome: Outcome) -> tuple[CellValue, ...]:
    return (
        outcome.row,
        outcome.status.value,
        outcome.message,
        outcome.session_id,
        outcome.parent_session_id,
        outcome.reference_id,
        outcome.http_status,
    )


def _set_widths(sheet: WriteOnlyWorksheet, headers: tuple[str, ...], rows: Rows) -> None:
    # Column widths must be set before the first row is streamed; a sample is enough to guess.
    widths = [len(header) for header in headers]
    for outcome, values in rows[:WIDTH_SAMPLE_ROWS]:
        for index, value in enumerate((*_result_values(outcome), *values)[: len(widths)]):
            longest = max((len(line) for line in _display(value).splitlines()), default=0)
            widths[index] = max(widths[index], longest)
    for index, width in enumerate(widths):
        cap = MAX_MESSAGE_WIDTH if index == MESSAGE_COLUMN else MAX_WIDTH
        _set_width(sheet, index + 1, max(MIN_WIDTH, min(width + 2, cap)))


def _set_width(sheet: WriteOnlyWorksheet, column: int, width: float) -> None:
    # Write-only sheets do have column_dimensions at run time; the stubs leave it out.
    sheet.column_dimensions[get_column_letter(column)].width = width  # type: ignore[attr-defined]
