"""read/calaminerows.py: a sheet's cells from python-calamine as the loader's plain values."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from importer.read.calaminerows import _cell, read_rows


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("Keynote", "Keynote"),
        ("   ", None),
        (3.0, 3),
        (2.5, 2.5),
        (math.nan, None),
        (date(2026, 6, 10), datetime(2026, 6, 10)),  # a date cell: a datetime at midnight
        (datetime(2026, 6, 10, 9, 30), datetime(2026, 6, 10, 9, 30)),
        (time(9, 30), time(9, 30)),
        (timedelta(minutes=90), timedelta(minutes=90)),
        (7, 7),
        (True, True),
        (None, None),
        (b"bytes", "b'bytes'"),
    ],
)
def test_each_kind_of_value(value: object, cell: object) -> None:
    assert _cell(value) == cell
    assert type(_cell(value)) is type(cell)


def test_a_workbooks_rows_come_from_row_one_and_stop_at_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "agenda.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Agenda"
    sheet["B2"] = "Title"
    sheet["C2"] = "Start"
    sheet["B3"] = "Keynote"
    sheet["C3"] = datetime(2026, 6, 10, 9, 30)
    sheet["D3"] = 3.0
    sheet["B4"] = "  "
    for n in range(5, 12):
        sheet[f"B{n}"] = f"Talk {n}"
    book.save(path)

    rows = read_rows(CalamineWorkbook.from_path(str(path)), "Agenda", 4)
    assert rows == [
        [None, None, None, None],
        [None, "Title", "Start", None],
        [None, "Keynote", datetime(2026, 6, 10, 9, 30), 3],
        [None, None, None, None],
    ]
