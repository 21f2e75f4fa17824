"""Cells that show an Excel error (#REF!, #VALUE!, #N/A, ...): found in the sheet's XML, kept
by the loader where Excel shows them, and reported once per imported cell, never read as empty.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from importer.check.columns import is_known_header
from importer.check.drafts import Mapped
from importer.check.mapper import map_rows
from importer.read import excelerrors
from importer.read.excelerrors import ExcelError, find_error_cells
from importer.read.loader import load_table
from importer.read.table import SourceRow, Table, column_letter
from importer.settings.config import MappingOptions

MESSAGE = (
    "This cell shows the Excel error {code}, so its value is unknown: its formula is broken or "
    "refers to something missing. Fix the formula (or type the value instead), save, and try "
    "again."
)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
NEWER_CODES = ("#SPILL!", "#CALC!", "#GETTING_DATA")


def write_book(path: Path, sheets: dict[str, dict[str, Any]]) -> Path:
    """A workbook as openpyxl saves it; a value like "#REF!" becomes an error cell."""
    book = openpyxl.Workbook()
    book.remove(book.worksheets[0])
    for name, cells in sheets.items():
        sheet = book.create_sheet(name)
        for ref, value in cells.items():
            sheet[ref] = value
            if value in NEWER_CODES:  # codes openpyxl does not know yet
                sheet[ref].data_type = "e"
    book.save(path)
    return path


def write_by_hand(path: Path, sheet_data: str) -> Path:
    """A workbook whose parts openpyxl would never write this way: relative targets, a
    workbook part outside xl/, cells without "r"."""
    files = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/book/main.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/book/sheets/one.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
            f'Type="{RELS}/officeDocument" Target="book/main.xml"/></Relationships>'
        ),
        "book/main.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
            '<sheet name="Plan" sheetId="1" r:id="rId7"/></sheets></workbook>'
        ),
        "book/_rels/main.xml.rels": (
            f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId7" '
            f'Type="{RELS}/worksheet" Target="sheets/one.xml"/></Relationships>'
        ),
        "book/sheets/one.xml": (
            f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData>{sheet_data}</x:sheetData></x:worksheet>'
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


# --- find_error_cells ---------------------------------------------------------------------------


def test_error_cells_of_the_named_sheet_by_excel_row_and_column(tmp_path: Path) -> None:
    path = write_book(
        tmp_path / "two.xlsx",
        {
            "Cover": {"A1": "Agenda 2026", "B2": "#DIV/0!"},
            "Agenda": {
                "C5": "Title",
                "D5": "Start Time",
                "C6": "Talk",
                "D6": "#REF!",
                "E6": "#VALUE!",
                "AB9": "#N/A",
                "D7": "#GETTING_DATA",
            },
        },
    )
    assert find_error_cells(path, "Agenda") == {
        (6, 3): "#REF!",
        (6, 4): "#VALUE!",
        (7, 3): "#GETTING_DATA",
        (9, 27): "#N/A",
    }
    assert find_error_cells(path, "Cover") == {(2, 1): "#DIV/0!"}
    assert find_error_cells(path, "No such sheet") == {}


def test_a_sheet_without_errors_is_never_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = {f"A{n}": f"Talk {n}" for n in range(1, 5001)}
    # The other sheet's error must not make this one look suspicious.
    path = write_book(tmp_path / "clean.xlsx", {"Agenda": rows, "Other": {"A1": "#REF!"}})
    parsed: list[object] = []
    real = excelerrors._error_cells

    def spy(stream: Any) -> dict[tuple[int, int], str]:
        parsed.append(stream)
        return real(stream)

    monkeypatch.setattr(excelerrors, "_error_cells", spy)
    assert find_error_cells(path, "Agenda") == {}
    assert parsed == []
    assert find_error_cells(path, "Other") == {(1, 0): "#REF!"}
    assert len(parsed) == 1


@pytest.mark.parametrize("chunk", range(1, 12))
def test_a_mark_split_between_two_reads_is_still_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    path = write_book(tmp_path / "e.xlsx", {"Agenda": {"A1": "Title", "B2": "#NUM!"}})
    monkeypatch.setattr(excelerrors, "CHUNK", chunk)
    assert find_error_cells(path, "Agenda") == {(2, 1): "#NUM!"}


def test_hand_written_parts_cells_without_r_and_single_quotes(tmp_path: Path) -> None:
    sheet_data = (
        '<x:row r="2"><x:c r="B2" t="inlineStr"><x:is><x:t>Title</x:t></x:is></x:c></x:row>'
        # No "r" on the row nor its cells: row 3, then columns A, B, C.
        "<x:row><x:c><x:v>1</x:v></x:c><x:c t='e'><x:v>#NAME?</x:v></x:c>"
        '<x:c t = "e"><x:f>SUM(A:A)</x:f><x:v>#SPILL!</x:v></x:c></x:row>'
        # A cell with "r" sets the column the next one without "r" follows.
        '<x:row r="7"><x:c r="E7"><x:v>2</x:v></x:c><x:c t="e"><x:v>#NULL!</x:v></x:c>'
        '<x:c r="$H$7" t="e"><x:v>#CALC!</x:v></x:c><x:c t="e"/></x:row>'
    )
    path = write_by_hand(tmp_path / "hand.xlsx", sheet_data)
    assert find_error_cells(path, "Plan") == {
        (3, 1): "#NAME?",
        (3, 2): "#SPILL!",
        (7, 5): "#NULL!",
        (7, 7): "#CALC!",
    }


def test_unreadable_files_give_no_error_cells(tmp_path: Path) -> None:
    not_zip = tmp_path / "not.xlsx"
    not_zip.write_bytes(b"just text, not a workbook")
    broken = write_by_hand(tmp_path / "broken.xlsx", '<x:row><x:c t="e"><x:v>#REF!</x:row>')
    assert find_error_cells(not_zip, "Plan") == {}
    assert find_error_cells(broken, "Plan") == {}
    assert find_error_cells(tmp_path / "missing.xlsx", "Plan") == {}


# --- load_table -----------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_the_loader_keeps_error_codes_where_excel_shows_them(tmp_path: Path, engine: Any) -> None:
    # Column A and rows 1-2 are empty: row numbers must still be the ones Excel shows.
    path = write_book(
        tmp_path / "low.xlsx",
        {
            "Cover": {"A1": "Agenda"},
            "Agenda": {
                "B3": "Title",
                "C3": "Start Time",
                "D3": "Capacity",
                "B4": "Keynote",
                "C4": "#REF!",
                "D4": 100,
                "B6": "Panel",
                "C6": "2026-06-10 09:00",
                "D6": "#VALUE!",
                "B7": "Typed",
                "D7": "#N/A",
            },
        },
    )
    book = openpyxl.load_workbook(path)
    book["Agenda"]["D7"].data_type = "s"  # typed as text ('#N/A): a value, not an error
    book.save(path)

    table = load_table(path, sheet="Agenda", engine=engine, header_score=is_known_header)
    assert table.header_row == 3
    assert table.columns == ("B", "C", "D")
    assert [row.number for row in table.rows] == [4, 6, 7]
    assert [row.values for row in table.rows] == [
        ("Keynote", "#REF!", 100),
        ("Panel", "2026-06-10 09:00", "#VALUE!"),
        ("Typed", None, "#N/A"),
    ]
    kinds = [[type(value) for value in row.values] for row in table.rows]
    assert kinds == [[str, ExcelError, int], [str, str, ExcelError], [str, type(None), str]]


# --- the mapper -----------------------------------------------------------------------------


def mapped(headers: list[str], *rows: list[Any], **options: Any) -> Mapped:
    table = Table(
        path=Path("agenda.xlsx"),
        sheet="Agenda",
        sheet_names=("Agenda",),
        header_row=1,
        headers=tuple(headers),
        columns=tuple(column_letter(i) for i in range(len(headers))),
        rows=tuple(SourceRow(n + 2, tuple(row)) for n, row in enumerate(rows)),
        notes=(),
    )
    return map_rows(table, MappingOptions(**options), timezone="UTC")


def only_error(result: Mapped) -> tuple[int | None, str | None, str | None, str, str | None]:
    assert not result.drafts
    found = [(p.row, p.column, p.value, p.message, p.cell) for p in result.errors]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("column", "code", "row"),
    [
        # Required fields: not "the title/start time is empty" as well.
        ("Title", "#REF!", [ExcelError("#REF!"), "2026-06-10", "09:00", "10:00", None]),
        ("Start", "#N/A", ["Talk", "2026-06-10", ExcelError("#N/A"), "10:00", None]),
        # Not "'#DIV/0!' is not a date", nor "09:00 has no date" on the Start cell.
        ("Date", "#DIV/0!", ["Talk", ExcelError("#DIV/0!"), "09:00", "10:00", None]),
        # Not "the end time is missing" on the End or the Start cell.
        ("End", "#VALUE!", ["Talk", "2026-06-10", "09:00", ExcelError("#VALUE!"), None]),
        ("Duration", "#NUM!", ["Talk", "2026-06-10", "09:00", None, ExcelError("#NUM!")]),
    ],
)
def test_one_message_for_an_error_cell_in_a_session_field(
    column: str, code: str, row: list[Any]
) -> None:
    headers = ["Title", "Date", "Start", "End", "Duration"]
    letter = column_letter(headers.index(column))
    assert only_error(mapped(headers, row)) == (
        2,
        column,
        code,
        MESSAGE.format(code=code),
        f"{letter}2",
    )


def test_an_error_in_an_optional_field_is_not_imported_as_empty() -> None:
    headers = ["Title", "Start", "End", "Capacity", "Tags", "Location", "Description"]
    good = ["Talk", "2026-06-10 09:00", "2026-06-10 10:00", 50, "AI", None, "Words"]
    for index in range(3, len(headers)):
        row = list(good)
        row[index] = ExcelError("#REF!")
        assert only_error(mapped(headers, row, default_location="Main Hall")) == (
            2,
            headers[index],
            "#REF!",
            MESSAGE.format(code="#REF!"),
            f"{column_letter(index)}2",
        )


def test_errors_in_columns_that_are_not_imported_are_ignored() -> None:
    result = mapped(
        ["Title", "Start", "End", "Notes"],
        ["Talk", "2026-06-10 09:00", "2026-06-10 10:00", ExcelError("#N/A")],
    )
    assert [d.title for d in result.drafts] == ["Talk"]
    assert result.errors == ()


def test_error_codes_typed_as_text_are_values() -> None:
    result = mapped(["Title", "Start", "End"], ["#N/A", "2026-06-10 09:00", "2026-06-10 10:00"])
    assert [d.title for d in result.drafts] == ["#N/A"]


# --- validate, as staff run it ----------------------------------------------------------------


def test_validate_names_each_error_cell_once(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Agenda"
    sheet.append(["Title", "Start Time", "End Time", "Capacity", "Notes"])
    sheet.append(["Keynote", "#REF!", "2026-06-10 10:00", "#VALUE!", "#N/A"])
    sheet.append(["Panel", "2026-06-10 11:00", "2026-06-10 12:00", 80, "#N/A"])
    book.save(path)
    env = {k: v for k, v in os.environ.items() if k != "ZUDDL_API_KEY"}
    done = subprocess.run(
        [sys.executable, "-m", "importer", "validate", path.name, "--timezone", "UTC"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.splitlines()[:2] == [
        'Checked broken.xlsx, sheet "Agenda": 2 rows, 1 OK, 1 with problems.',
        "Problems per column: Start Time 1, Capacity 1.",
    ]
    printed = [line for line in done.stderr.splitlines() if line.startswith(("  error", "  note"))]
    assert printed == [
        f'  error: Row 2, column "Start Time": {MESSAGE.format(code="#REF!")}',
        f'  error: Row 2, column "Capacity": {MESSAGE.format(code="#VALUE!")}',
        '  note: Column "Notes" is not a session field and is not imported.',
    ]
    everything = done.stdout + done.stderr
    assert "#N/A" not in everything
    assert "empty" not in everything
    problems = list(
        openpyxl.load_workbook(tmp_path / "broken.checked.xlsx")["Problems"].iter_rows(
            values_only=True
        )
    )
    assert problems[2:] == [
        (2, "Start Time", "#REF!", MESSAGE.format(code="#REF!"), "error"),
        (2, "Capacity", "#VALUE!", MESSAGE.format(code="#VALUE!"), "error"),
    ]
