"""Checked and written-back copies of the user's own workbook."""

from __future__ import annotations

import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from importer.check.columns import OWN_COLUMNS, is_known_header, match_columns, normalise_header
from importer.check.drafts import Problem
from importer.check.mapper import map_rows
from importer.errors import UsageError
from importer.plan.status import Outcome, Status
from importer.read.loader import load_table
from importer.read.table import Table
from importer.settings.config import MappingOptions
from importer.write.resultcells import STATUS_COLOURS
from importer.write.workbook import checked_path, imported_path, write_back, write_checked
from tests.loader_fixtures import write_raw_xlsx

RED, YELLOW = "00FFC7CE", "00FFEB9C"
HEADERS = ["Reference ID", "Title", "Date", "Start Time", "End Time", "Location", "Capacity"]
ADDED = ["Status", "Zuddl Session ID", "Message"]
ID_1 = "6f1c2a7e-0000-4000-8000-000000000001"
ID_3 = "6f1c2a7e-0000-4000-8000-000000000003"
DAY = datetime.date(2026, 6, 10)


def make_agenda(path: Path, *, sheet_name: str = "Agenda") -> Path:
    """A workbook like people make: a title above the header, styles, a formula, more sheets."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_name
    sheet["A1"] = "Nordlicht Summit 2026"
    sheet["A1"].font = Font(bold=True, size=16)
    sheet.merge_cells("A1:D1")
    for column, header in enumerate(HEADERS, start=1):
        cell = sheet.cell(3, column, header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="305496")
    rows = [
        ("K-1", "Opening Keynote", DAY, datetime.time(9), datetime.time(10), "Main Hall", 600),
        ("T-1", "Track: Data", DAY, "25:00", datetime.time(12), "Room 101", 120),
        ("T-1-01", None, DAY, datetime.time(10), datetime.time(11), "Rm 9", None),
    ]
    for number, row in enumerate(rows, start=4):
        for column, value in enumerate(row, start=1):
            sheet.cell(number, column, value)
    sheet["G6"] = "=G5/2"
    sheet["C4"].number_format = "dd.mm.yyyy"
    sheet["B4"].fill = PatternFill("solid", fgColor="E2EFDA")
    sheet["B4"].comment = Comment("Confirm the speaker", "Alice")
    sheet.column_dimensions["B"].width = 33
    sheet.auto_filter.ref = "A3:G6"
    book.create_sheet("Speakers")["A1"] = "Ingrid Søndergaard"
    book.save(path)
    return path


def table_of(path: Path, sheet: str | None = None) -> Table:
    return load_table(path, sheet=sheet, header_score=is_known_header)


PROBLEMS = (
    Problem(None, None, None, 'Column "Notes" is not a session field.', "warning"),
    Problem(5, "Start Time", "25:00", '"25:00" is not a time.', "error", "D5"),
    Problem(5, "Start Time", "25:00", "It must also be before the end.", "error", "D5"),
    Problem(6, "Title", None, "The title is empty.", "error", "B6"),
    Problem(
        6, "Location", "Rm 9", '"Rm 9" is not a location. Did you mean "Room 101"?', "warning", "F6"
    ),
    Problem(4, "Title", "Opening Keynote", "Looks like a duplicate.", "warning", "B4"),
    Problem(4, "Title", "Opening Keynote", "Title is too short.", "error", "B4"),
)


@pytest.fixture
def agenda(tmp_path: Path) -> Path:
    return make_agenda(tmp_path / "talks.xlsx")


@pytest.fixture
def checked(agenda: Path) -> openpyxl.Workbook:
    out = write_checked(table_of(agenda), PROBLEMS, checked_path(agenda))
    assert out == agenda.with_name("talks.checked.xlsx")
    return openpyxl.load_workbook(out)


def outcomes_for(table: Table, **overrides: Outcome) -> dict[int, Outcome]:
    made = {
        4: Outcome(4, Status.CREATED, ID_1, message="Created."),
        5: Outcome(5, Status.INVALID, message='"25:00" is not a time.'),
        6: Outcome(6, Status.FAILED, http_status=500, message='=HYPERLINK("http://x","y")'),
    }
    for key, outcome in overrides.items():
        made[int(key.removeprefix("row"))] = outcome
    assert set(made) == {row.number for row in table.rows}
    return made


def header_row(sheet: Worksheet, number: int = 3) -> list[object]:
    return [cell.value for cell in sheet[number]]


# --- write_checked ------------------------------------------------------------------------


def test_paths_next_to_the_agenda() -> None:
    assert checked_path(Path("/x/agenda.xls")) == Path("/x/agenda.checked.xlsx")
    assert imported_path(Path("/x/agenda.csv")) == Path("/x/agenda.imported.xlsx")


def test_problem_cells_are_coloured_and_explained(checked: openpyxl.Workbook) -> None:
    sheet = checked["Agenda"]
    assert sheet["D5"].fill.fgColor.rgb == RED
    assert sheet["B6"].fill.fgColor.rgb == RED
    assert sheet["F6"].fill.fgColor.rgb == YELLOW
    assert sheet["B6"].comment.text == "The title is empty."
    assert sheet["F6"].comment.text == '"Rm 9" is not a location. Did you mean "Room 101"?'
    # Two problems on one cell: one note with both.
    assert sheet["D5"].comment.text == '"25:00" is not a time.\n\nIt must also be before the end.'
    # An error and a warning: red, each message labelled, the user's own note kept below.
    assert sheet["B4"].fill.fgColor.rgb == RED
    assert sheet["B4"].comment.text == (
        "Warning: Looks like a duplicate.\n\nError: Title is too short.\n\n"
        "Earlier note: Confirm the speaker"
    )
    for address in ("A4", "C5", "E5", "G6"):
        assert sheet[address].comment is None
        assert sheet[address].fill.fgColor.rgb != RED


def test_problems_sheet_lists_every_problem_with_a_link(checked: openpyxl.Workbook) -> None:
    assert checked.sheetnames == ["Agenda", "Speakers", "Problems"]
    sheet = checked["Problems"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Row", "Column", "Value", "Problem", "Severity")
    assert rows[1:] == [(p.row, p.column, p.value, p.message, p.severity) for p in PROBLEMS]
    assert sheet.freeze_panes == "A2"
    links = [row[0].hyperlink for row in sheet.iter_rows(min_row=2)]
    assert links[0] is None  # a note about a column has no cell
    assert [link.location for link in links[1:]] == [
        "'Agenda'!D5",
        "'Agenda'!D5",
        "'Agenda'!B6",
        "'Agenda'!F6",
        "'Agenda'!B4",
        "'Agenda'!B4",
    ]
    assert sheet["E3"].fill.fgColor.rgb == RED
    assert sheet["E2"].fill.fgColor.rgb == YELLOW


def test_checked_copy_keeps_the_workbook(checked: openpyxl.Workbook) -> None:
    sheet = checked["Agenda"]
    assert sheet["A1"].value == "Nordlicht Summit 2026" and sheet["A1"].font.sz == 16
    assert "A1:D1" in {str(merged) for merged in sheet.merged_cells.ranges}
    assert header_row(sheet) == HEADERS
    assert sheet["A3"].font.b and sheet["A3"].fill.fgColor.rgb == "00305496"
    assert sheet["G6"].value == "=G5/2"
    assert sheet["C4"].number_format == "dd.mm.yyyy"
    assert sheet["D5"].value == "25:00"
    assert sheet.column_dimensions["B"].width == 33
    assert sheet.auto_filter.ref == "A3:G6"
    assert checked["Speakers"]["A1"].value == "Ingrid Søndergaard"


def test_checking_the_checked_copy_again_replaces_the_old_marks(agenda: Path) -> None:
    first = write_checked(table_of(agenda), PROBLEMS, checked_path(agenda))
    fixed = [Problem(6, "Title", None, "The title is empty.", "error", "B6")]
    again = write_checked(table_of(first), fixed, first.with_name("again.xlsx"))
    book = openpyxl.load_workbook(again)
    sheet = book["Agenda"]
    assert book.sheetnames == ["Agenda", "Speakers", "Problems"]
    assert sheet["D5"].comment is None and sheet["D5"].fill.fgColor.rgb != RED
    assert sheet["F6"].comment is None and sheet["F6"].fill.fgColor.rgb != YELLOW
    assert sheet["B6"].comment.text == "The title is empty."
    assert sheet["B4"].comment.text == "Confirm the speaker"  # the user's note is back
    assert len(list(book["Problems"].iter_rows())) == 2


def test_a_sheet_name_with_quotes_and_a_users_own_problems_sheet(tmp_path: Path) -> None:
    path = make_agenda(tmp_path / "day.xlsx", sheet_name="Day 1's talks")
    book = openpyxl.load_workbook(path)
    book.create_sheet("Problems")["A1"] = "our own list"
    book.save(path)
    out = write_checked(table_of(path), PROBLEMS[1:2], tmp_path / "out.xlsx")
    result = openpyxl.load_workbook(out)
    assert result.sheetnames == ["Day 1's talks", "Speakers", "Problems", "Problems 2"]
    assert result["Problems"]["A1"].value == "our own list"
    assert result["Problems 2"]["A2"].hyperlink.location == "'Day 1''s talks'!D5"


def test_checked_copy_of_a_csv_keeps_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "talks.csv"
    path.write_text(
        "Title,Start,End,Notes\n"
        "Keynote,2026-06-10 09:00,2026-06-10 10:00,=1+1\n"
        "\n"
        "Talk,tomorrow,2026-06-10 11:00,#N/A\n",
        encoding="utf-8",
    )
    table = table_of(path)
    problems = map_rows(table, MappingOptions(), timezone="UTC").problems
    cells = {problem.cell for problem in problems}
    assert "B4" in cells
    out = write_checked(table, problems, checked_path(path))
    book = openpyxl.load_workbook(out)
    sheet = book["Agenda"]
    assert book.sheetnames == ["Agenda", "Problems"]
    assert header_row(sheet, 1) == ["Title", "Start", "End", "Notes"]
    assert sheet["B4"].value == "tomorrow" and sheet["B4"].fill.fgColor.rgb == RED
    assert sheet["B4"].comment is not None
    assert all(cell.value is None for cell in sheet[3])
    # Text from the file that looks like a formula stays text.
    for address, text in (("D2", "=1+1"), ("D4", "#N/A")):
        assert sheet[address].value == text and sheet[address].data_type == "s"
        assert sheet[address].quotePrefix
    assert book["Problems"]["A2"].hyperlink is None  # 'Column "Notes"' is not a cell


def test_checked_copy_of_an_ods_is_rebuilt_at_the_same_cells(tmp_path: Path) -> None:
    path = tmp_path / "talks.ods"
    frame = pd.DataFrame([["Agenda", None], [None, None], ["Title", "Start"], ["Talk", "soon"]])
    frame.to_excel(path, sheet_name="Day 1", header=False, index=False, engine="odf")
    table = table_of(path)
    assert table.header_row == 3
    problem = Problem(4, "Start", "soon", "Not a time.", "error", "B4")
    book = openpyxl.load_workbook(write_checked(table, [problem], tmp_path / "out.xlsx"))
    assert book.sheetnames == ["Day 1", "Problems"]
    assert book["Day 1"]["A3"].value == "Title" and book["Day 1"]["B4"].value == "soon"
    assert book["Day 1"]["B4"].comment.text == "Not a time."
    assert book["Problems"]["A2"].hyperlink.location == "'Day 1'!B4"


def test_a_workbook_openpyxl_cannot_open_is_rebuilt(tmp_path: Path) -> None:
    # Strict Open XML: the loader reads it, openpyxl sees no sheets at all.
    path = write_raw_xlsx(
        tmp_path / "strict.xlsx",
        {"Agenda": {"A1": "Title", "B1": "Start", "A2": "Talk", "B2": "soon"}},
        strict=True,
    )
    table = table_of(path)
    problem = Problem(2, "Start", "soon", "Not a time.", "error", "B2")
    book = openpyxl.load_workbook(write_checked(table, [problem], tmp_path / "out.xlsx"))
    assert book["Agenda"]["B2"].fill.fgColor.rgb == RED


def test_failing_to_write_leaves_nothing_behind(agenda: Path, tmp_path: Path) -> None:
    out = tmp_path / "missing" / "out.xlsx"
    with pytest.raises(UsageError, match="Cannot write the checked copy to"):
        write_checked(table_of(agenda), PROBLEMS, out)
    blocked = tmp_path / "taken.xlsx"
    blocked.mkdir()
    with pytest.raises(UsageError, match="it is a folder"):
        write_back(table_of(agenda), outcomes_for(table_of(agenda)), blocked)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken.xlsx", "talks.xlsx"]


# --- write_back ---------------------------------------------------------------------------


def test_the_added_columns_are_ignored_on_import_but_the_session_id_is_a_key() -> None:
    for header in ADDED:
        if header != "Zuddl Session ID":
            assert normalise_header(header) in OWN_COLUMNS
    assert normalise_header("Zuddl Session ID") == "zuddlsessionid"
    assert "zuddlsessionid" not in OWN_COLUMNS


def test_write_back_adds_three_columns_at_the_right(agenda: Path) -> None:
    table = table_of(agenda)
    out = write_back(table, outcomes_for(table), imported_path(agenda))
    assert out == agenda.with_name("talks.imported.xlsx")
    book = openpyxl.load_workbook(out)
    sheet = book["Agenda"]
    assert header_row(sheet) == [*HEADERS, *ADDED]
    values = [row[7:] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert values == [
        ("created", ID_1, "Created."),
        ("invalid", None, '"25:00" is not a time.'),
        ("failed", None, '=HYPERLINK("http://x","y")'),
    ]
    for cell, status in zip(
        sheet["H"][3:], (Status.CREATED, Status.INVALID, Status.FAILED), strict=True
    ):
        assert cell.fill.fgColor.rgb == "00" + STATUS_COLOURS[status][0]
    # The new headers look like the user's own, and the filter takes them in.
    assert sheet["H3"].font.b and sheet["J3"].fill.fgColor.rgb == "00305496"
    assert sheet.auto_filter.ref == "A3:J6"
    # Everything else as it was.
    assert sheet["G6"].value == "=G5/2"
    assert sheet["C4"].number_format == "dd.mm.yyyy"
    assert sheet["B4"].fill.fgColor.rgb == "00E2EFDA"
    assert sheet["B4"].comment.text == "Confirm the speaker"
    assert sheet["A1"].value == "Nordlicht Summit 2026"
    assert "A1:D1" in {str(merged) for merged in sheet.merged_cells.ranges}
    assert book.sheetnames == ["Agenda", "Speakers"]
    assert book["Speakers"]["A1"].value == "Ingrid Søndergaard"


def test_write_back_never_writes_a_formula(agenda: Path) -> None:
    table = table_of(agenda)
    sheet = openpyxl.load_workbook(write_back(table, outcomes_for(table), imported_path(agenda)))[
        "Agenda"
    ]
    message = sheet["J6"]
    assert message.data_type == "s" and message.quotePrefix
    assert not sheet["J4"].quotePrefix


def test_reimporting_the_written_back_file_ignores_the_added_columns(agenda: Path) -> None:
    table = table_of(agenda)
    out = write_back(table, outcomes_for(table), imported_path(agenda))
    again = table_of(out)
    assert again.header_row == 3
    assert again.headers == (*HEADERS, *ADDED)
    columns = match_columns(again, MappingOptions())
    # The Zuddl Session ID column is read back as the strongest key; the others are ignored.
    key = len(HEADERS) + ADDED.index("Zuddl Session ID")
    assert columns.fields["zuddl_id"] == key
    assert set(columns.fields.values()) == {*range(len(HEADERS)), key}
    assert not any(name in note for note in columns.notes for name in ADDED)


def test_writing_back_twice_updates_in_place(agenda: Path, tmp_path: Path) -> None:
    table = table_of(agenda)
    first = write_back(table, outcomes_for(table), imported_path(agenda))
    again = table_of(first)
    second = write_back(
        again,
        outcomes_for(
            again,
            row4=Outcome(4, Status.UNCHANGED, ID_1),
            row5=Outcome(5, Status.FAILED, message="HTTP 503: try again."),
            row6=Outcome(6, Status.CREATED, ID_3, message="Created."),
        ),
        tmp_path / "second.xlsx",
    )
    sheet = openpyxl.load_workbook(second)["Agenda"]
    assert header_row(sheet) == [*HEADERS, *ADDED]
    assert sheet.max_column == len(HEADERS) + 3
    values = [row[7:] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert values == [
        ("unchanged", ID_1, None),
        ("failed", None, "HTTP 503: try again."),
        ("created", ID_3, "Created."),
    ]
    assert sheet["H4"].fill.fgColor.rgb == "00" + STATUS_COLOURS[Status.UNCHANGED][0]
    assert not sheet["J6"].quotePrefix  # the old formula-looking message left no mark


def test_a_failed_rerun_keeps_the_session_id(agenda: Path, tmp_path: Path) -> None:
    table = table_of(agenda)
    first = write_back(table, outcomes_for(table), imported_path(agenda))
    again = table_of(first)
    failed = Outcome(4, Status.FAILED, message="HTTP 500")
    out = write_back(again, outcomes_for(again, row4=failed), tmp_path / "again.xlsx")
    sheet = openpyxl.load_workbook(out)["Agenda"]
    assert (sheet["H4"].value, sheet["I4"].value) == ("failed", ID_1)


def test_a_users_own_status_column_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "talks.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Title", "Start", "Status", "Message"])
    sheet.append(["Keynote", datetime.datetime(2026, 6, 10, 9), "Confirmed", "Welcome!"])
    book.save(path)
    table = table_of(path)
    out = write_back(table, {2: Outcome(2, Status.CREATED, ID_1, message="Created.")}, path)
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    assert header_row(sheet, 1) == ["Title", "Start", "Status", "Message", *ADDED]
    assert [cell.value for cell in sheet[2]][2:] == [
        "Confirmed",
        "Welcome!",
        "created",
        ID_1,
        "Created.",
    ]


def test_write_back_of_a_csv(tmp_path: Path) -> None:
    path = tmp_path / "talks.csv"
    path.write_text(
        "Reference ID,Title,Start,End\nK-1,Keynote,2026-06-10 09:00,2026-06-10 10:00\n",
        encoding="utf-8",
    )
    table = table_of(path)
    out = write_back(table, {2: Outcome(2, Status.CREATED, ID_1)}, imported_path(path))
    assert out.name == "talks.imported.xlsx"
    sheet = openpyxl.load_workbook(out)["Agenda"]
    assert list(sheet.iter_rows(values_only=True)) == [
        ("Reference ID", "Title", "Start", "End", *ADDED),
        ("K-1", "Keynote", "2026-06-10 09:00", "2026-06-10 10:00", "created", ID_1, None),
    ]
    assert match_columns(table_of(out), MappingOptions()).notes == ()


def test_write_back_needs_an_outcome_for_every_row(agenda: Path) -> None:
    table = table_of(agenda)
    with pytest.raises(ValueError, match="no outcome for 1 row"):
        write_back(table, {4: Outcome(4, Status.CREATED), 5: Outcome(5, Status.FAILED)}, agenda)
