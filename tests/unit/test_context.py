"""read/context.py: day and section headings between rows, and what the rows above say."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest

from importer.errors import InputFileError
from importer.read.context import check_stated_zone, read_context, read_preamble
from importer.read.table import RowContext, SourceRow, Table
from importer.settings.config import MappingOptions
from tests.unit.tables import table

HEADERS = ["Title", "Start", "Room"]


def sheet(
    rows: list[list[Any]], above: list[list[Any]] | None = None, name: str | None = "Agenda"
) -> Table:
    made = table(rows, HEADERS)
    lines = tuple(SourceRow(n + 1, tuple(r)) for n, r in enumerate(above or []))
    return dataclasses.replace(made, sheet=name, above=lines)


DAYS = [
    ["Monday 8 June 2026", None, None],
    ["Keynote", "9:00", "Hall"],
    ["Track A: Data", None, None],
    ["Talk", "10:00", "Hall"],
    ["Tuesday", "9 June 2026", None],  # a weekday and a date in two cells: one heading
    ["Wrap-up", "9:00", "Hall"],
]
FIRST_DAY = date(2026, 6, 8)


def test_day_headings_date_the_rows_below_and_leave_the_table() -> None:
    read = read_context(sheet(DAYS), MappingOptions(headings="ignore", start_date=FIRST_DAY))
    assert [r.number for r in read.rows] == [3, 5, 7]
    assert read.context == {
        3: RowContext(date(2026, 6, 8)),
        5: RowContext(date(2026, 6, 8)),
        7: RowContext(date(2026, 6, 9)),
    }
    assert read.notes == (
        'agenda.xlsx, sheet "Agenda": rows 2 and 6 are day headings: each gives its date to the '
        "rows below it that have none.",
    )


def test_a_section_heading_is_said_when_the_config_says_nothing() -> None:
    read = read_context(sheet(DAYS), MappingOptions(start_date=FIRST_DAY))
    assert read.notes[-1] == (
        'agenda.xlsx, sheet "Agenda": row 4 looks like a section heading ("Track A: Data") and '
        "was not imported. To make each one a session around the rows below it, write headings = "
        '"parent" under [layout] in the config; headings = "tag" tags those rows with it; '
        'headings = "ignore" drops this note.'
    )


def test_sections_as_parents_stay_in_the_table_and_own_their_rows() -> None:
    read = read_context(sheet(DAYS), MappingOptions(headings="parent", start_date=FIRST_DAY))
    assert [r.number for r in read.rows] == [3, 4, 5, 7]
    assert read.context[4] == RowContext(date(2026, 6, 8), "Track A: Data", 4, heading=True)
    assert read.context[5] == RowContext(date(2026, 6, 8), "Track A: Data", 4)
    assert read.context[7] == RowContext(date(2026, 6, 9))  # a new day ends the section


def test_a_weekday_beside_a_full_date_is_a_heading_without_the_first_day() -> None:
    read = read_context(sheet(DAYS), MappingOptions(headings="ignore"))
    assert [r.number for r in read.rows] == [3, 5, 7]
    assert read.context[7] == RowContext(date(2026, 6, 9))


@pytest.mark.parametrize(
    "cells",
    [
        ["Tue.", "2026-06-09"],
        ["Day 2", "9 June 2026"],
        ["9 June", "Tuesday", "2026-06-09"],  # the year comes from the full date
    ],
)
def test_a_day_split_over_cells_is_read_from_its_full_date(cells: list[str]) -> None:
    rows = [[*cells, None][:3], ["Talk", "9:00", "Hall"]]
    read = read_context(sheet(rows), MappingOptions(headings="ignore"))
    assert [r.number for r in read.rows] == [3]
    assert read.context == {3: RowContext(date(2026, 6, 9))}


@pytest.mark.parametrize(
    ("cells", "options"),
    [
        (["Monday", "9 June 2026"], MappingOptions()),  # 9 June 2026 is a Tuesday
        (["Monday", "9 June 2026"], MappingOptions(start_date=FIRST_DAY)),
        (["Day 3", "9 June 2026"], MappingOptions(start_date=FIRST_DAY)),  # day 3 is 10 June
        (["Tuesday", "Wrap-up"], MappingOptions()),
        (["2", "9 June 2026"], MappingOptions()),  # a bare number may be anything
    ],
)
def test_cells_that_disagree_with_the_full_date_are_no_heading(
    cells: list[str], options: MappingOptions
) -> None:
    rows = [[*cells, None], ["Talk", "9:00", "Hall"]]
    read = read_context(sheet(rows), options)
    assert [r.number for r in read.rows] == [2, 3]


def test_headings_date_refuses_a_section() -> None:
    with pytest.raises(InputFileError) as caught:
        read_context(sheet(DAYS), MappingOptions(headings="date"))
    assert str(caught.value) == (
        'Row 4 is a heading ("Track A: Data") but not a date, and the config says headings = '
        '"date". Check the row, or choose "parent", "tag" or "ignore".'
    )


def test_a_day_heading_without_a_year_asks_for_the_first_day() -> None:
    with pytest.raises(InputFileError) as caught:
        read_context(
            sheet([["Monday 8 June", None, None], ["Talk", "9:00", "Hall"]]), MappingOptions()
        )
    assert str(caught.value) == (
        'Row 2 is a day heading without a year ("Monday 8 June"). Give the event\'s first day '
        'in the config file: start_date = "2026-06-10" under [defaults].'
    )
    read = read_context(
        sheet([["Monday 8 June", None, None], ["Talk", "9:00", "Hall"]]),
        MappingOptions(start_date=date(2026, 6, 8)),
    )
    assert read.context == {3: RowContext(date(2026, 6, 8))}


def test_a_sheet_of_sessions_only_is_returned_as_it_is() -> None:
    plain = sheet([["Talk", "9:00", "Hall"], ["Lunch", "12:00", None]], name=None)
    assert read_context(plain, MappingOptions()) is plain


def test_the_rows_above_give_the_date_and_the_zone() -> None:
    above = [
        ["Acme Summit", None],
        ["Event date: 10 June 2026", None],
        ["All times AKDT (UTC-8)", None],
    ]
    found = read_preamble(sheet([["Talk", "9:00", None]], above), MappingOptions())
    assert (found.day, found.day_row, found.zone, found.zone_row) == (
        date(2026, 6, 10),
        2,
        "AKDT",
        3,
    )
    read = read_context(sheet([["Talk", "9:00", None]], above), MappingOptions())
    assert read.context == {2: RowContext(date(2026, 6, 10))}
    assert read.notes == (
        'agenda.xlsx, sheet "Agenda": the date 2026-06-10 in row 2, above the header, is the date '
        "of the rows that give none.",
    )


def test_the_sheets_name_can_be_its_day() -> None:
    found = read_preamble(sheet([["Talk", "9:00", None]], name="2026-06-11"), MappingOptions())
    assert (found.day, found.day_row) == (date(2026, 6, 11), None)


def test_a_two_letter_zone_counts_only_in_a_cell_about_times() -> None:
    assert read_preamble(sheet([], [["PT Barnum Conference"]]), MappingOptions()).zone is None
    assert read_preamble(sheet([], [["All times PT"]]), MappingOptions()).zone == "PT"


def test_a_stated_zone_must_agree_with_the_one_times_are_read_in() -> None:
    stated = sheet([["Talk", "9:00", None]], [["Times in AKDT", None]])
    options = MappingOptions(default_date=date(2026, 6, 10))
    check_stated_zone(stated, options, "America/Anchorage")
    check_stated_zone(sheet([], [["Times: UTC-8"]]), options, "America/Anchorage")  # AKDT in June
    with pytest.raises(InputFileError) as caught:
        check_stated_zone(stated, options, "UTC")
    assert str(caught.value) == (
        'agenda.xlsx, sheet "Agenda": row 1, above the header, says the times are in AKDT, but '
        "they would be read in UTC. Give the time zone they are in with --timezone (for AKDT: "
        '--timezone America/Anchorage), or timezone = "Area/City" under [defaults].'
    )
