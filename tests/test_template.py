"""The agenda template: the committed files are current, the workbook helps, and it imports."""

from __future__ import annotations

import csv
import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from importer.check.mapper import map_rows
from importer.errors import UsageError
from importer.read.loader import load_table
from importer.settings.config import MappingOptions
from importer.write.template import (
    EXAMPLE_ROWS,
    FIXED_TIME,
    HEADERS,
    LAST_ROW,
    write_template,
)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
COMMITTED_XLSX = TEMPLATES / "agenda-template.xlsx"
COMMITTED_CSV = TEMPLATES / "agenda-template.csv"
CANONICAL = [
    "Reference ID",
    "Parent",
    "Title",
    "Description",
    "Date",
    "Start Time",
    "End Time",
    "Location",
    "Capacity",
    "Tags",
    "Speakers",
]
LOCATIONS = {"Main Hall", "Room 101", "Room 102", "Workshop Room"}


def snapshot(path: Path) -> dict[str, Any]:
    """Everything a person sees or meets in the workbook, independent of openpyxl's XML."""
    book = openpyxl.load_workbook(path)
    sheets: dict[str, Any] = {}
    for sheet in book.worksheets:
        sheets[sheet.title] = {
            "cells": [
                [(c.value, c.number_format, bool(c.font.b)) for c in row]
                for row in sheet.iter_rows()
            ],
            "comments": {
                c.coordinate: (c.comment.text, c.comment.author)
                for row in sheet.iter_rows()
                for c in row
                if c.comment is not None
            },
            "validations": sorted(
                (
                    str(v.sqref),
                    v.type,
                    v.operator,
                    v.formula1,
                    v.formula2,
                    v.allow_blank,
                    v.errorStyle,
                    v.promptTitle,
                    v.prompt,
                    v.errorTitle,
                    v.error,
                )
                for v in sheet.data_validations.dataValidation
            ),
            "freeze": sheet.freeze_panes,
            "columns": {
                letter: (dim.width, dim.number_format)
                for letter, dim in sorted(sheet.column_dimensions.items())
            },
            "heights": {n: dim.height for n, dim in sorted(sheet.row_dimensions.items())},
        }
    props = book.properties
    return {
        "sheets": sheets,
        "order": book.sheetnames,
        "dates": (props.created, props.modified),
    }


def shown(value: object) -> str:
    """A cell as the CSV template writes it."""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    return "" if value is None else str(value)


@pytest.fixture(scope="module")
def produced(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "agenda-template.xlsx"
    write_template(path)
    return path


@pytest.fixture(scope="module")
def agenda(produced: Path) -> Worksheet:
    return openpyxl.load_workbook(produced)["Agenda"]


def test_committed_templates_match_the_code(produced: Path, tmp_path: Path) -> None:
    # The same bytes run after run: nothing from the clock gets in...
    again = tmp_path / "again.xlsx"
    write_template(again)
    assert again.read_bytes() == produced.read_bytes()
    # ...and the committed workbook says what the code says (compared by content, so a newer
    # openpyxl writing different XML is not a change). Regenerate: python -m importer.write.template
    assert snapshot(produced) == snapshot(COMMITTED_XLSX)
    write_template(tmp_path / "agenda-template.csv")
    assert (tmp_path / "agenda-template.csv").read_bytes() == COMMITTED_CSV.read_bytes()


def test_fixed_document_dates(produced: Path) -> None:
    props = openpyxl.load_workbook(produced).properties
    assert props.created == props.modified == FIXED_TIME


def test_sheets_and_headers(produced: Path, agenda: Worksheet) -> None:
    book = openpyxl.load_workbook(produced)
    assert book.sheetnames == ["Instructions", "Agenda"]
    assert list(HEADERS) == CANONICAL
    assert [cell.value for cell in agenda[1]] == CANONICAL
    assert all(cell.font.b for cell in agenda[1])
    assert agenda.freeze_panes == "A2"


def test_every_header_has_a_comment_saying_what_and_how(agenda: Worksheet) -> None:
    for cell in agenda[1]:
        assert cell.comment is not None, cell.value
        text = cell.comment.text
        assert text.startswith(f"{cell.value}: ")
        assert "Format: " in text
    assert "2026-06-10" in agenda["E1"].comment.text
    assert "09:30" in agenda["F1"].comment.text
    assert "whole number" in agenda["I1"].comment.text
    assert "Reference ID" in agenda["B1"].comment.text


def test_example_rows(agenda: Worksheet) -> None:
    rows = list(agenda.iter_rows(min_row=2))
    assert len(rows) == len(EXAMPLE_ROWS) == 4
    by_ref = {row[0].value: row for row in rows}
    for row in rows:
        date, start, end = row[4], row[5], row[6]
        assert isinstance(date.value, datetime.datetime)
        assert date.number_format == "yyyy-mm-dd"
        assert isinstance(start.value, datetime.time) and start.number_format == "hh:mm"
        assert isinstance(end.value, datetime.time) and end.number_format == "hh:mm"
        assert start.value < end.value
        assert row[7].value in LOCATIONS
        assert type(row[8].value) is int and row[8].value >= 0
    children = [row for row in rows if row[1].value]
    parents = {row[1].value for row in children}
    assert len(children) == 2 and len(parents) == 1
    (track,) = parents
    assert by_ref[track][1].value is None
    for child in children:  # inside its track, in its room
        assert by_ref[track][5].value <= child[5].value
        assert child[6].value <= by_ref[track][6].value
        assert child[7].value == by_ref[track][7].value
    standalone = [r for r in rows if not r[1].value and r[0].value not in parents]
    assert ["Keynote" in str(row[2].value) for row in standalone] == [True]


def test_column_widths_fit_the_content(agenda: Worksheet) -> None:
    for column in agenda.iter_cols():
        letter = column[0].column_letter
        width = agenda.column_dimensions[letter].width
        longest = max(len(shown(cell.value)) for cell in column)
        assert min(longest, 60) < width <= 64, letter
    # New rows typed by people get the same date and time formats as the examples.
    assert agenda.column_dimensions["E"].number_format == "yyyy-mm-dd"
    assert agenda.column_dimensions["F"].number_format == "hh:mm"
    assert agenda.column_dimensions["G"].number_format == "hh:mm"


def test_data_validations(agenda: Worksheet) -> None:
    found = {str(v.sqref): v for v in agenda.data_validations.dataValidation}
    last = LAST_ROW
    expected = {
        f"A2:A{last}": ("custom", None, f"COUNTIF($A$2:$A${last},A2)<=1", None),
        f"B2:B{last}": ("list", None, f"$A$2:$A${last}", None),
        f"C2:C{last}": ("textLength", "lessThanOrEqual", "500", None),
        f"E2:E{last}": ("date", "between", "DATE(2000,1,1)", "DATE(2099,12,31)"),
        f"F2:F{last}": ("time", "between", "0", "0.999988425925926"),
        f"G2:G{last}": ("time", "between", "0", "0.999988425925926"),
        f"I2:I{last}": ("whole", "greaterThanOrEqual", "0", None),
    }
    assert {ref: (v.type, v.operator, v.formula1, v.formula2) for ref, v in found.items()} == (
        expected
    )
    for validation in found.values():
        assert validation.allow_blank
        assert validation.showInputMessage and validation.showErrorMessage
        # Excel's own limits; longer texts make it refuse to open the file.
        assert validation.promptTitle and len(validation.promptTitle) <= 32
        assert validation.errorTitle and len(validation.errorTitle) <= 32
        assert validation.prompt and len(validation.prompt) <= 255
        assert validation.error and len(validation.error) <= 225
        assert not validation.showDropDown  # True would hide the list's arrow
    # A parent may be a session already in the event: Excel warns but lets it stand.
    assert found[f"B2:B{last}"].errorStyle == "warning"
    assert found[f"I2:I{last}"].errorStyle in (None, "stop")
    assert "whole number" in (found[f"I2:I{last}"].error or "")
    assert "date" in (found[f"E2:E{last}"].error or "")


def test_instructions_sheet(produced: Path) -> None:
    sheet = openpyxl.load_workbook(produced)["Instructions"]
    labels = [cell.value for cell in sheet["A"]]
    texts = "\n".join(str(cell.value) for cell in sheet["B"] if cell.value)
    for header in CANONICAL:
        assert header in labels
    for heading in ("Parents and children", "Time zone", "Check the sheet", "Import"):
        assert heading in labels
    for needle in (
        "zuddl-import validate",
        "zuddl-import run",
        "--timezone",
        "Zuddl Session ID",
        "agenda.results.xlsx",
        "agenda.checked.xlsx",
    ):
        assert needle in texts
    assert all(sheet.row_dimensions[cell.row].height for cell in sheet["B"] if cell.value)


def test_the_template_imports_cleanly(produced: Path) -> None:
    # The agenda is the second sheet (Instructions come first), so it is named.
    table = load_table(produced, sheet="Agenda")
    assert table.headers == tuple(CANONICAL) and table.header_row == 1
    mapped = map_rows(table, MappingOptions(), timezone="UTC", locations=None)
    assert mapped.problems == ()
    assert len(mapped.drafts) == 4
    refs = {draft.reference_id for draft in mapped.drafts}
    assert {draft.parent_ref for draft in mapped.drafts} - {None} <= refs
    keynote = next(draft for draft in mapped.drafts if draft.reference_id == "KEY-1")
    assert keynote.start == datetime.datetime(2026, 6, 10, 9, 0, tzinfo=datetime.UTC)


def test_the_csv_template_imports_cleanly_and_matches(agenda: Worksheet) -> None:
    table = load_table(COMMITTED_CSV)
    mapped = map_rows(table, MappingOptions(), timezone="UTC", locations=None)
    assert mapped.problems == () and len(mapped.drafts) == 4
    with COMMITTED_CSV.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == CANONICAL
    for line, row in zip(rows[1:], agenda.iter_rows(min_row=2, values_only=True), strict=True):
        assert line == [shown(value) for value in row]


def test_write_failure_is_a_plain_message(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="Cannot write the template to") as error:
        write_template(tmp_path / "missing" / "agenda-template.xlsx")
    assert "does not exist" in str(error.value)
    assert "--results" not in str(error.value)
