"""write/xlsxrows.py: rows written as XML into a workbook openpyxl saved, read back with
openpyxl: text stays text, formulas never run, dates stay dates."""

from __future__ import annotations

import io
import math
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest

from importer.read.table import CellValue
from importer.write.resultcells import CellMaker
from importer.write.xlsxrows import BATCH, column_letters, row_cells, splice_rows, value_cell


def written(tmp_path: Path, rows: list[list[CellValue]]) -> openpyxl.worksheet.worksheet.Worksheet:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Results")
    maker = CellMaker(sheet)
    letters = column_letters(max(len(r) for r in rows))
    sheet.append([maker.header(f"H{n}") for n in range(len(letters))])
    styles, _ = maker.style_ids(book)
    saved = io.BytesIO()
    book.save(saved)
    xml = (
        f'<row r="{n}">{row_cells([f"{c}{n}" for c in letters[: len(r)]], r, styles)}</row>'
        for n, r in enumerate(rows, start=2)
    )
    out = tmp_path / "results.xlsx"
    splice_rows(saved.getvalue(), "xl/worksheets/sheet1.xml", xml, out)
    read = openpyxl.load_workbook(out)
    return read["Results"]


def test_values_come_back_as_written(tmp_path: Path) -> None:
    sheet = written(
        tmp_path,
        [
            [
                "Keynote & <lunch>",
                42,
                2.5,
                True,
                None,
                datetime(2026, 6, 10, 9, 30),
                date(2026, 6, 10),
                time(9, 30),
            ]
        ],
    )
    values = [c.value for c in sheet[2]]
    assert values == [
        "Keynote & <lunch>",
        42,
        2.5,
        True,
        None,
        datetime(2026, 6, 10, 9, 30),
        datetime(2026, 6, 10),
        time(9, 30),
    ]
    assert [sheet.cell(2, c).number_format for c in (6, 7, 8)] == [
        "yyyy-mm-dd hh:mm",
        "yyyy-mm-dd",
        "hh:mm",
    ]
    assert sheet.cell(1, 1).value == "H0"  # openpyxl's own header row is kept


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\t=1"])
def test_formula_like_text_stays_text_with_a_quote_prefix(tmp_path: Path, text: str) -> None:
    cell = written(tmp_path, [[text]]).cell(2, 1)
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)


def test_error_codes_and_odd_values_are_text(tmp_path: Path) -> None:
    aware = datetime(2026, 6, 10, 9, tzinfo=UTC)
    sheet = written(tmp_path, [["#N/A", math.nan, math.inf, aware, timedelta(hours=1, minutes=30)]])
    assert [c.value for c in sheet[2]] == [
        "#N/A",
        "nan",
        "inf",
        "2026-06-10T09:00:00+00:00",
        "1:30:00",
    ]
    assert all(c.data_type == "s" for c in sheet[2])
    assert not sheet.cell(2, 1).quotePrefix


def test_control_characters_are_dropped_and_a_carriage_return_kept(tmp_path: Path) -> None:
    sheet = written(tmp_path, [["a\x01b\x1f", "two\r\nlines", "\x02=1"]])
    assert [c.value for c in sheet[2]] == ["ab", "two\r\nlines", "=1"]
    assert sheet.cell(2, 3).quotePrefix  # judged on the text as written


def test_many_rows_go_in_batches(tmp_path: Path) -> None:
    rows: list[list[CellValue]] = [[f"Talk {n}", n] for n in range(BATCH * 2 + 5)]
    sheet = written(tmp_path, rows)
    assert sheet.max_row == len(rows) + 1
    assert [c.value for c in sheet[len(rows) + 1]] == [f"Talk {len(rows) - 1}", len(rows) - 1]


def test_an_empty_cell_is_no_xml_and_a_stray_type_is_a_bug() -> None:
    styles_free = None
    assert value_cell("A1", None, styles_free) == ""  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Cannot write a list into cell A1"):
        value_cell("A1", [1], styles_free)  # type: ignore[arg-type]
