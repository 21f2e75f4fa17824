"""read/sheetscan.py and read/xlsxdates.py on workbooks made by hand in a few hundred bytes:
a grid too big, too many rows or an impossible date is refused with the cell named, before
the reader is called."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from importer.errors import InputFileError
from importer.read.limits import ROW_ALLOWANCE, Limits
from importer.read.sheetscan import check_ods, check_xlsx_sheet, is_reader_panic, reader_panic
from importer.read.xlsxdates import date_styles, impossible_date

SMALL = Limits(max_sheet_cells=100, max_rows=10)
WORKBOOK = (
    '<workbook xmlns:r="r"><sheets>'
    '<sheet name="Agenda" sheetId="1" r:id="rId1"/>'
    '<sheet name="Notes &amp; more" sheetId="2" r:id="rId2"/>'
    "</sheets></workbook>"
)
RELS = (
    '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Target="/xl/worksheets/sheet2.xml"/></Relationships>'
)
STYLES = (
    '<styleSheet><numFmts><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="&quot;day&quot; 0"/></numFmts>'
    '<cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/>'
    '<xf numFmtId="14"/></cellXfs>'
    "</styleSheet>"
)


def sheet(cells: str) -> str:
    return f"<worksheet><sheetData>{cells}</sheetData></worksheet>"


def xlsx(tmp_path: Path, agenda: str, notes: str = "", styles: str = STYLES) -> Path:
    path = tmp_path / "agenda.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", RELS)
        archive.writestr("xl/styles.xml", styles)
        archive.writestr("xl/worksheets/sheet1.xml", sheet(agenda))
        archive.writestr("xl/worksheets/sheet2.xml", sheet(notes))
    return path


def refused(check: object) -> str:
    with pytest.raises(InputFileError) as caught:
        check()  # type: ignore[operator]
    return str(caught.value)


def test_a_small_sheet_passes(tmp_path: Path) -> None:
    path = xlsx(tmp_path, '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="J10"><v>1</v></c></row>')
    check_xlsx_sheet(path, "Agenda", SMALL)  # 10 x 10 = 100 cells: the limit itself


def test_a_stray_cell_far_below_is_named(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path, '<row r="1"><c r="A1"><v>1</v></c></row><row r="50"><c r="C50"><v>2</v></c></row>'
    )
    assert refused(lambda: check_xlsx_sheet(path, "Agenda", SMALL)) == (
        'agenda.xlsx, sheet "Agenda": its cells reach from A1 to C50 (150 cells, more than the '
        "100 this importer reads), because of what is in cell C50 (row 50, column C). Delete "
        "that cell's content, or everything to the right of and below the agenda, then save "
        "and try again."
    )


def test_a_cell_far_to_the_right_is_named_on_a_wide_sheet(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        '<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>1</v></c></row>'
        '<row r="2"><c r="B2"><v>1</v></c></row>',
    )
    assert "because of what is in cell XFD1 (row 1, column XFD)" in refused(
        lambda: check_xlsx_sheet(path, "Agenda", SMALL)
    )


def test_formatted_empty_cells_do_not_count(tmp_path: Path) -> None:
    path = xlsx(tmp_path, '<row r="1"><c r="A1"><v>1</v></c><c r="XFD900" s="1"/></row>')
    check_xlsx_sheet(path, "Agenda", SMALL)


def test_only_the_chosen_sheet_is_scanned_even_with_an_escaped_name(tmp_path: Path) -> None:
    far = '<row r="99"><c r="Z99"><v>1</v></c></row>'
    path = xlsx(tmp_path, '<row r="1"><c r="A1"><v>1</v></c></row>', notes=far)
    check_xlsx_sheet(path, "Agenda", SMALL)
    assert refused(lambda: check_xlsx_sheet(path, "Notes & more", SMALL)).startswith(
        'agenda.xlsx, sheet "Notes & more": its cells reach from A1 to Z99 (2,574 cells'
    )


def test_cells_without_their_place_are_counted_one_after_another(tmp_path: Path) -> None:
    cells = "<c><v>1</v></c>" * 30  # no r=: each is the next column, up to AD
    path = xlsx(
        tmp_path,
        f"<row>{cells}</row><row>{cells}</row><row><c><v>1</v></c></row><row><c><v>1</v></c></row>",
    )
    assert "its cells reach from A1 to AD4 (120 cells" in refused(
        lambda: check_xlsx_sheet(path, "Agenda", SMALL)
    )


def test_too_many_empty_rows_are_refused(tmp_path: Path) -> None:
    rows = '<row r="1"><c r="A1"><v>1</v></c></row>' + "<row/>" * (10 + ROW_ALLOWANCE + 1)
    message = refused(lambda: check_xlsx_sheet(xlsx(tmp_path, rows), "Agenda", SMALL))
    assert message == (
        f'agenda.xlsx, sheet "Agenda" holds {10 + ROW_ALLOWANCE + 2:,} rows, most of them empty, '
        f"more than the {10 + ROW_ALLOWANCE:,} this importer reads (a sheet of sessions has at "
        "most 10). Delete the empty rows below the agenda, then save and try again, or save the "
        "agenda as CSV."
    )


def test_an_impossible_date_is_named_by_its_cell(tmp_path: Path) -> None:
    path = xlsx(tmp_path, '<row r="1"><c r="B1" s="1"><v>-1e13</v></c></row>')
    assert refused(lambda: check_xlsx_sheet(path, "Agenda", SMALL)) == (
        'agenda.xlsx, sheet "Agenda": cell B1 holds -1e13, shown as a date or time but far '
        "outside the years 1900 to 9999 that Excel can show, so the sheet cannot be read. "
        "Correct the value (or format the cell as a number), save and try again."
    )


def test_a_huge_number_not_shown_as_a_date_is_fine(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path, '<row r="1"><c r="B1"><v>-1e13</v></c><c r="C1" s="0"><v>99999999</v></c></row>'
    )
    check_xlsx_sheet(path, "Agenda", SMALL)


def test_date_styles_read_custom_and_builtin_formats(tmp_path: Path) -> None:
    with zipfile.ZipFile(xlsx(tmp_path, "")) as archive:
        assert {1, 3} <= date_styles(archive)
        assert 0 not in date_styles(archive)


def test_quoted_text_in_a_number_format_is_not_a_date(tmp_path: Path) -> None:
    with zipfile.ZipFile(xlsx(tmp_path, "")) as archive:
        assert 2 not in date_styles(archive)


def test_a_huge_number_with_quoted_text_in_its_format_is_fine(tmp_path: Path) -> None:
    path = xlsx(tmp_path, '<row r="1"><c r="B1" s="2"><v>123456789</v></c></row>')
    check_xlsx_sheet(path, "Agenda", SMALL)


@pytest.mark.parametrize(
    ("code", "is_date"),
    [
        ("&quot;Room&quot; 0", False),  # as Excel writes "Room" 0
        ("&#34;Room&#34; 0", False),  # the same quote as a character reference
        ("#,##0_);[Red](#,##0)", False),  # "_)" is a space as wide as ")"
        ("0\\d", False),  # a backslash shows the d itself
        ("0* ", False),
        ("[$-409]0", False),
        ("&quot;day&quot; d-mmm", True),  # quoted text beside a real date
        ("[$-409]d-mmm", True),
        ("[h]:mm", True),
        ("yyyy-mm-dd", True),
    ],
)
def test_only_the_unquoted_parts_of_a_format_make_it_a_date(
    tmp_path: Path, code: str, is_date: bool
) -> None:
    styles = (
        f'<styleSheet><numFmts><numFmt numFmtId="164" formatCode="{code}"/></numFmts>'
        '<cellXfs><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>'
    )
    with zipfile.ZipFile(xlsx(tmp_path, "", styles=styles)) as archive:
        assert (1 in date_styles(archive)) is is_date


@pytest.mark.parametrize(
    ("attributes", "value", "impossible"),
    [
        (b'r="A1" s="1"', b"2958466", True),
        (b'r="A1" s="1"', b"2958465.9", False),
        (b'r="A1" s="1"', b"-1462", False),
        (b'r="A1" s="1" t="s"', b"-1e13", False),
        (b'r="A1" s="0"', b"-1e13", False),
        (b'r="A1" s="1"', b"NaN?", False),
    ],
)
def test_impossible_dates_at_the_edges(attributes: bytes, value: bytes, impossible: bool) -> None:
    assert impossible_date(attributes, value, frozenset({1})) is impossible


def test_a_damaged_zip_is_left_to_the_reader(tmp_path: Path) -> None:
    path = tmp_path / "agenda.xlsx"
    path.write_bytes(b"PK\x03\x04 not really")
    check_xlsx_sheet(path, "Agenda", SMALL)
    check_ods(path, SMALL)


def ods(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "agenda.ods"
    content = (
        "<office:document-content><office:body><office:spreadsheet>"
        f"{body}</office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    return path


def test_repeated_cells_with_a_value_count_as_the_reader_expands_them(tmp_path: Path) -> None:
    body = (
        '<table:table table:name="Plan"><table:table-row>'
        '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'
        "</table:table-row>"
        '<table:table-row table:number-rows-repeated="20">'
        '<table:table-cell table:number-columns-repeated="8" office:value-type="float"/>'
        "</table:table-row></table:table>"
    )
    assert refused(lambda: check_ods(ods(tmp_path, body), SMALL)) == (
        'agenda.ods, sheet "Plan": its cells reach from A1 to H21 (168 cells, more than the '
        "100 this importer reads), because of what is in cell A21 (row 21, column A). Delete "
        "that cell's content, or everything to the right of and below the agenda, then save "
        "and try again."
    )


def test_repeated_empty_cells_and_rows_do_not_count(tmp_path: Path) -> None:
    body = (
        '<table:table table:name="Plan"><table:table-row>'
        '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'
        '<table:table-cell table:number-columns-repeated="16000"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048000">'
        "<table:table-cell/></table:table-row>"
        "</table:table>"
    )
    check_ods(ods(tmp_path, body), SMALL)


def test_every_ods_sheet_is_judged(tmp_path: Path) -> None:
    fine = (
        '<table:table table:name="A"><table:table-row>'
        '<table:table-cell office:value-type="float"/></table:table-row></table:table>'
    )
    wide = (
        '<table:table table:name="B"><table:table-row>'
        '<table:table-cell table:number-columns-repeated="300" office:value-type="float"/>'
        "</table:table-row></table:table>"
    )
    assert refused(lambda: check_ods(ods(tmp_path, fine + wide), SMALL)).startswith(
        'agenda.ods, sheet "B": its cells reach from A1 to KN1 (300 cells'
    )


def test_a_reader_panic_is_recognised_by_name_and_said_in_words() -> None:
    class PanicException(BaseException):
        pass

    assert is_reader_panic(PanicException())
    assert not is_reader_panic(ValueError())
    assert str(reader_panic(Path("/x/agenda.xlsx"), "Day 1")) == (
        'agenda.xlsx, sheet "Day 1" could not be read: a cell holds a value the reader cannot '
        "convert (such as a date far outside the years 1900 to 9999). Check the cells formatted "
        "as dates or times, correct them, save and try again."
    )
