"""The pre-scan of sheet XML (importer/read/sheetscan.py) at its edges, with small limits.

The hostile corpus (test_hostile.py) holds the big cases; here: the cell limit exactly met and
just passed, cells and rows without references (placed by counting), the sheet chosen by name
(other sheets are not the reader's business), and an ods as LibreOffice saves it (trailing
empty cells and rows repeated by the million) passing; a reader panic the scan did not foresee;
and the same cell limit on a text file, which has no XML to scan.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from importer.errors import InputFileError
from importer.read.limits import Limits
from importer.read.loader import load_table
from tests.hostile_files import write_ods
from tests.loader_fixtures import write_raw_xlsx


def _error(path: Path, limits: Limits, sheet: str | None = None) -> str:
    with pytest.raises(InputFileError) as caught:
        load_table(path, limits=limits, sheet=sheet)
    return caught.value.message


def _agenda(extra: dict[str, Any]) -> dict[str, Any]:
    return {"A1": "Title", "B1": "Start", "A2": "Keynote", "B2": "2026-06-10 09:00"} | extra


def test_the_cell_limit_is_met_exactly_and_then_passed(tmp_path: Path) -> None:
    path = write_raw_xlsx(tmp_path / "w.xlsx", {"Agenda": _agenda({"D5": "x"})})
    assert len(load_table(path, limits=Limits(max_sheet_cells=20)).rows) == 2  # A1:D5
    assert _error(path, Limits(max_sheet_cells=19)) == (
        'w.xlsx, sheet "Agenda": its cells reach from A1 to D5 (20 cells, more than the 19 this '
        "importer reads), because of what is in cell D5 (row 5, column D). Delete that cell's "
        "content, or everything to the right of and below the agenda, then save and try again."
    )


def test_only_the_chosen_sheet_of_an_xlsx_is_scanned(tmp_path: Path) -> None:
    sheets = {"Agenda": _agenda({}), "Notes & more": {"A1": "x", "ZZ900": "far"}}
    path = write_raw_xlsx(tmp_path / "w.xlsx", sheets)
    small = Limits(max_sheet_cells=1000)
    assert len(load_table(path, limits=small).rows) == 1
    assert _error(path, small, sheet="Notes & more").startswith(
        'w.xlsx, sheet "Notes & more": its cells reach from A1 to ZZ900 (631,800 cells, more '
        "than the 1,000 this importer reads), because of what is in cell ZZ900 (row 900, "
        "column ZZ)."
    )


def test_cells_and_rows_without_references_are_placed_by_counting(tmp_path: Path) -> None:
    path = write_raw_xlsx(tmp_path / "w.xlsx", {"Agenda": _agenda({})})
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    cells = b"<c><v>1</v></c>" * 30  # thirty cells in a row, none naming its place
    parts[sheet] = parts[sheet].replace(
        b"</sheetData>", b"<row/><row>" + cells + b"</row></sheetData>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert _error(path, Limits(max_sheet_cells=100)).startswith(
        'w.xlsx, sheet "Agenda": its cells reach from A1 to AD4 (120 cells, more than the 100 '
        "this importer reads), because of what is in cell A4 (row 4, column A)."
    )


ROW = b"<table:table-row>%s</table:table-row>"
TEXT = b'<table:table-cell office:value-type="string"><text:p>%s</text:p></table:table-cell>'


def test_an_ods_as_libreoffice_saves_it_passes(tmp_path: Path) -> None:
    trailing = b'<table:table-cell table:number-columns-repeated="16382"/>'
    rows = ROW % (TEXT % b"Title" + TEXT % b"Start" + trailing)
    rows += ROW % (TEXT % b"Keynote" + TEXT % b"2026-06-10 09:00" + trailing)
    rows += b'<table:table-row table:number-rows-repeated="1048574">%s</table:table-row>' % (
        b'<table:table-cell table:number-columns-repeated="16384"/>'
    )
    path = tmp_path / "lo.ods"
    write_ods(path, rows)
    table = load_table(path, limits=Limits(max_sheet_cells=4))
    assert [row.values for row in table.rows] == [("Keynote", "2026-06-10 09:00")]


def test_an_ods_cell_repeated_with_content_counts_every_copy(tmp_path: Path) -> None:
    gap = b'<table:table-cell table:number-columns-repeated="5"/>'
    rows = ROW % (TEXT % b"Title" + TEXT % b"Start")
    rows += b'<table:table-row table:number-rows-repeated="3">%s</table:table-row>' % (
        gap + b'<table:table-cell table:number-columns-repeated="2" office:value-type="float" '
        b'office:value="1"><text:p>1</text:p></table:table-cell>'
    )
    path = tmp_path / "r.ods"
    write_ods(path, rows)
    assert _error(path, Limits(max_sheet_cells=27)).startswith(
        'r.ods, sheet "Agenda": its cells reach from A1 to G4 (28 cells, more than the 27 this '
        "importer reads), because of what is in cell F4 (row 4, column F)."
    )


def test_a_sheet_name_written_with_character_references_is_still_found(tmp_path: Path) -> None:
    path = write_raw_xlsx(tmp_path / "w.xlsx", {"Agenda": _agenda({"ZZ900": "far"})})
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b'"Agenda"', b'"&#65;genda"')
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert _error(path, Limits(max_sheet_cells=1000)).startswith(
        'w.xlsx, sheet "Agenda": its cells reach from A1 to ZZ900 (631,800 cells,'
    )


def test_a_reader_panic_the_scan_did_not_foresee_is_one_plain_line(tmp_path: Path) -> None:
    from importer.read.loader import _reading

    class PanicException(BaseException):  # what pyo3 raises for a panic inside the reader
        pass

    with pytest.raises(InputFileError) as caught, _reading(tmp_path / "w.xlsx", ".xlsx", "Agenda"):
        raise PanicException("seconds out of bounds")
    assert caught.value.message == (
        'w.xlsx, sheet "Agenda" could not be read: a cell holds a value the reader cannot '
        "convert (such as a date far outside the years 1900 to 9999). Check the cells "
        "formatted as dates or times, correct them, save and try again."
    )
    with pytest.raises(KeyboardInterrupt), _reading(tmp_path / "w.xlsx", ".xlsx", "Agenda"):
        raise KeyboardInterrupt  # any other BaseException goes on untouched


def test_a_text_file_with_too_many_cells_is_refused_at_the_row_that_passes_the_limit(
    tmp_path: Path,
) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("Title,Start" + "," * 8 + "\n" + ("x,09:00" + "," * 8 + "\n") * 5)
    assert len(load_table(path, limits=Limits(max_sheet_cells=60)).rows) == 5  # 6 rows × 10
    assert _error(path, Limits(max_sheet_cells=59)) == (
        "wide.csv: by row 6 its rows hold more than 59 cells in all, the most this importer "
        "reads. Delete the empty columns to the right of the agenda (or split it into smaller "
        "files), then try again."
    )
