"""read/grid.py: a programme grid (rooms across, slots down) as one row per session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

from importer.read.grid import HEADERS, as_grid, is_grid, merged_ranges
from importer.read.table import SourceRow, Table, column_letter
from tests.unit.tables import table

ROOMS = ["Time", "Main Hall", "Annex", "Lab"]  # "Hall" alone names the location column


def rows_of(grid: Table) -> list[tuple[Any, ...]]:
    return [r.values for r in grid.rows]


def test_each_filled_cell_is_a_session_ending_at_the_next_slot() -> None:
    grid = as_grid(
        table(
            [
                ["9:00", "Opening", "Opening", "Opening"],  # one text over three rooms
                ["10:00", "Talk A", "Talk B", None],
                ["11:00", "Workshop", None, "Lab time"],
                ["12:00", "Workshop", None, None],  # the same text in the next slot
            ],
            ROOMS,
        ),
        last_minutes=45,
    )
    assert grid.headers == HEADERS
    assert rows_of(grid) == [
        ("Opening", None, "9:00", "10:00", None, "Main Hall, Annex, Lab", "B2"),
        ("Talk A", None, "10:00", "11:00", "Main Hall", None, "B3"),
        ("Talk B", None, "10:00", "11:00", "Annex", None, "C3"),
        ("Workshop", None, "11:00", "12:45", "Main Hall", None, "B4"),
        ("Lab time", None, "11:00", "12:00", "Lab", None, "D4"),
    ]
    assert grid.notes[-1] == (
        'agenda.xlsx, sheet "Agenda" is a grid (rooms across, time slots down): each filled cell '
        "is a session, 5 in all; the Cell column of the results says where each one stands."
    )


def test_a_slot_written_as_a_range_keeps_its_cell() -> None:
    grid = as_grid(table([["9:00 - 9:45", "Talk", None], ["10-11am", None, "Other"]], ROOMS[:3]))
    assert [(v[2], v[3]) for v in rows_of(grid)] == [("9:00 - 9:45", None), ("10-11am", None)]


def test_the_last_slot_of_a_12_hour_clock_stays_on_it() -> None:
    grid = as_grid(table([["12:30", "Talk", None]], ROOMS[:3]), last_minutes=60)
    assert rows_of(grid)[0][3] == "1:30"


def test_without_a_duration_the_last_start_only_slot_has_no_end() -> None:
    grid = as_grid(table([["9:00", "Talk", None]], ROOMS[:3]))
    assert rows_of(grid)[0][2:4] == ("9:00", None)


def test_an_ordinary_agenda_is_no_grid() -> None:
    agenda = table([["9:00", "Talk", "Hall"]], ["Start", "Title", "Room"])
    assert not is_grid(agenda)
    assert as_grid(agenda) is agenda
    assert not is_grid(table([["9:00", "x"]], ["Time", "Hall"]))  # two columns: no rooms
    assert not is_grid(table([["Keynote", "x", "y"], ["Lunch", "x", "y"]], ROOMS[:3]))


def test_merged_cells_of_a_workbook_span_their_rooms_and_slots(tmp_path: Path) -> None:
    path = tmp_path / "grid.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Grid"
    for row in [
        ROOMS,
        ["9:00", "Keynote", None, None],
        ["10:00", "Deep dive", "Talk", None],
        ["11:00", None, None, "Demo"],
    ]:
        sheet.append(row)
    sheet.merge_cells("B2:D2")
    sheet.merge_cells("B3:B4")
    book.save(path)
    assert sorted(merged_ranges(path, "Grid")) == [(2, 2, 2, 4), (3, 2, 4, 2)]
    assert merged_ranges(path, None) == []

    grid_table = Table(
        path=path,
        sheet="Grid",
        sheet_names=("Grid",),
        header_row=1,
        headers=tuple(ROOMS),
        columns=tuple(column_letter(i) for i in range(4)),
        rows=tuple(
            SourceRow(n, tuple(v))
            for n, v in [
                (2, ["9:00", "Keynote", None, None]),
                (3, ["10:00", "Deep dive", "Talk", None]),
                (4, ["11:00", None, None, "Demo"]),
            ]
        ),
        notes=(),
    )
    assert rows_of(as_grid(grid_table, last_minutes=30)) == [
        ("Keynote", None, "9:00", "10:00", None, "Main Hall, Annex, Lab", "B2"),
        ("Deep dive", None, "10:00", "11:30", "Main Hall", None, "B3"),
        ("Talk", None, "10:00", "11:00", "Annex", None, "C3"),
        ("Demo", None, "11:00", "11:30", "Lab", None, "D4"),
    ]
