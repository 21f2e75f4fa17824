"""read/headerless.py: a file without column names, its columns proposed by what they hold."""

from __future__ import annotations

from typing import Any

import pytest

from importer.errors import InputFileError
from importer.read.headerless import checked, looks_like_agenda, propose
from importer.read.table import Table, column_letter
from importer.settings.config import MappingOptions
from tests.unit.tables import table

LONG = "A long description of what the session is about, for the people who read it. " * 2


def blank(rows: list[list[Any]]) -> Table:
    return table(rows, [f"Column {column_letter(i)}" for i in range(len(rows[0]))])


ROWS = [
    ["2026-06-10", "9:00", "10:00", "Keynote", "Hall", LONG],
    ["2026-06-10", "10:00", "11:00", "Panel", "Hall", LONG],
    ["2026-06-10", "11:00", "12:00", "Workshop", "Annex", LONG],
]


def test_columns_are_proposed_by_their_content() -> None:
    assert propose(blank(ROWS)) == {
        0: "date",
        1: "start",
        2: "end",
        3: "title",
        4: "location",
        5: "description",
    }


def test_a_range_column_is_the_start() -> None:
    rows = [["9:00-10:00", "Keynote"], ["10:00 - 11:00", "Panel"], ["11-12am", "Lunch"]]
    assert propose(blank(rows)) == {0: "start", 1: "title"}


def test_a_third_time_column_is_left_out() -> None:
    rows = [["9:00", "10:00", "10:05", "A"], ["10:00", "11:00", "11:05", "B"]]
    assert propose(blank(rows)) == {0: "start", 1: "end", 3: "title"}


def test_an_agenda_needs_a_title_and_a_start_or_columns_named_by_letter() -> None:
    assert looks_like_agenda(blank(ROWS), MappingOptions())
    numbers = blank([[1, 2], [3, 4]])
    assert not looks_like_agenda(numbers, MappingOptions())
    assert looks_like_agenda(numbers, MappingOptions(columns={"A": "title"}))
    assert looks_like_agenda(numbers, MappingOptions(columns={"#2": "start"}))


def test_the_proposal_stops_the_run_as_lines_to_copy() -> None:
    rows = [[*r, 42] for r in ROWS]
    with pytest.raises(InputFileError) as caught:
        checked(blank(rows), MappingOptions())
    assert str(caught.value) == (
        'agenda.xlsx, sheet "Agenda" has no row of column names. By what they hold, its columns '
        "look like: A = date, B = start, C = end, D = title, E = location, F = description (G not "
        "used). If that is right, put these lines under [columns] in the config file (--config), "
        'one per line: "A" = "date"; "B" = "start"; "C" = "end"; "D" = "title"; "E" = '
        '"location"; "F" = "description". Or add a row with the column names above the sessions.'
    )


def test_columns_that_say_nothing_ask_for_a_header() -> None:
    with pytest.raises(InputFileError) as caught:
        checked(blank([[1, 2], [3, 4]]), MappingOptions())
    assert str(caught.value) == (
        'agenda.xlsx, sheet "Agenda" has no row of column names, and its columns do not show '
        "what they hold. Add a row with the column names (such as Title, Date, Start, End) above "
        "the sessions."
    )


def test_with_columns_named_by_letter_the_table_is_read_with_a_note() -> None:
    result = checked(blank(ROWS), MappingOptions(columns={"D": "title"}))
    assert result.rows == blank(ROWS).rows
    assert result.notes[-1] == (
        'agenda.xlsx, sheet "Agenda" has no row of column names: its columns are read as '
        "[columns] names them."
    )
