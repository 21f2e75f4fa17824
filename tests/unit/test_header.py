"""read/header.py: the header row among title rows, the rows below it cut to its width, and
one note per kind of row skipped, cut or padded."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from importer.errors import InputFileError
from importer.read.header import build_table
from importer.read.limits import Limits
from importer.read.table import CellValue, Table

KNOWN = {"title", "start", "end", "room"}


def known(text: str) -> bool:
    return text.casefold() in KNOWN


def build(grid: list[list[CellValue]], **options: Any) -> Table:
    options.setdefault("header_score", known)
    score = options.pop("header_score")
    sheet = options.pop("sheet", "Agenda")
    return build_table(Path("agenda.xlsx"), sheet, ("Agenda",), grid, score, [], **options)


def test_the_header_is_found_below_title_rows_and_they_are_kept_above() -> None:
    table = build(
        [
            ["Acme Summit 2026", None, None],
            [None, None, None],
            ["Title", "Start", "Notes"],
            ["Keynote", "9:00", None],
        ]
    )
    assert (table.header_row, table.headers) == (3, ("Title", "Start", "Notes"))
    assert [r.number for r in table.rows] == [4]
    assert [r.number for r in table.above] == [1]
    assert table.notes == (
        'agenda.xlsx, sheet "Agenda": the column names were taken from row 3; the filled-in row 1 '
        "above it was not imported.",
    )


def test_the_row_with_most_known_names_beats_an_earlier_all_text_row() -> None:
    table = build([["Day one", "Main stage"], ["Title", "Start"], ["Talk", "9:00"]])
    assert table.header_row == 2


def test_without_known_names_the_first_all_text_row_of_two_cells_is_the_header() -> None:
    table = build(
        [["Agenda"], ["2026", "Hall"], ["Sessie", "Begin"], ["Talk", "9:00"]], header_score=None
    )
    assert (table.header_row, table.headers) == (3, ("Sessie", "Begin"))


def test_header_text_is_tidied_and_unnamed_columns_are_named_or_dropped() -> None:
    table = build(
        [
            ["\ufeffTitle", None, "  Sta\u200brt  ", None, datetime(2026, 6, 10)],
            ["Talk", "x", "9:00", None, "y"],
        ]
    )
    assert table.headers == ("Title", "Column B", "Start", "2026-06-10")
    assert table.columns == ("A", "B", "C", "E")
    assert table.rows[0].values == ("Talk", "x", "9:00", "y")


def test_blank_rows_inside_the_table_are_skipped_and_counted() -> None:
    table = build([["Title", "Start"], ["A", "9:00"], [None, None], [None, None], ["B", "10:00"]])
    assert [r.number for r in table.rows] == [2, 5]
    assert table.notes == (
        'agenda.xlsx, sheet "Agenda": 2 blank rows inside the table were skipped (rows 3 and 4).',
    )


def test_ragged_text_rows_are_padded_or_cut_and_said() -> None:
    grid: list[list[CellValue]] = [
        ["Title", "Start", "End"],
        ["A", "9:00"],
        ["B, the sequel", "9:00", "10:00", "x"],
    ]
    table = build_table(Path("a.csv"), None, (), grid, known, [], delimiter=",")
    assert [r.values for r in table.rows] == [
        ("A", "9:00", None),
        ("B, the sequel", "9:00", "10:00"),
    ]
    assert table.notes == (
        "a.csv: row 2 has fewer cells than the header row; the missing cells at the end were left "
        "empty.",
        "a.csv: row 3 has 4 cells and the header 3: a comma inside text that is not quoted? The "
        "cells past column C were ignored, so check row 3: put text holding a comma in quotes, or "
        "name the extra columns in the header row (row 1).",
    )


def test_a_filled_unnamed_column_is_kept_and_named() -> None:
    table = build([["Title", "Start", None], ["A", "9:00", "stray"]])
    assert table.headers == ("Title", "Start", "Column C")  # a filled column is kept, named


def test_a_headerless_sheet_starts_at_row_one() -> None:
    table = build([["Talk", "9:00"], ["Lunch", "12:00"]], headerless=True)
    assert table.header_row == 0
    assert table.headers == ("Column A", "Column B")
    assert [r.number for r in table.rows] == [1, 2]


def test_an_empty_grid_is_refused() -> None:
    with pytest.raises(InputFileError) as caught:
        build([[None, None], []])
    assert str(caught.value) == (
        "agenda.xlsx is empty: none of its cells are filled in. Check that you chose the right "
        "file and that it was saved after the agenda was added."
    )


def test_no_header_row_is_said_with_the_rows_searched() -> None:
    with pytest.raises(InputFileError) as caught:
        build([[None], ["Talk", "9:00"], ["Lunch", 12]], header_score=None)
    assert str(caught.value) == (
        'Could not find the row with the column names in agenda.xlsx, sheet "Agenda": none of '
        'rows 2 to 3 has at least two filled-in cells that are all text (such as "Title" and '
        '"Start time"). Add one row with the column names, one per cell, directly above the '
        "sessions, then try again."
    )


def test_too_many_rows_below_the_header_are_refused() -> None:
    grid: list[list[CellValue]] = [["Title", "Start"], *[["A", "9:00"]] * 6]
    with pytest.raises(InputFileError) as caught:
        build(grid, limits=Limits(max_rows=5))
    assert str(caught.value).startswith('agenda.xlsx, sheet "Agenda" has more than 5 rows')
