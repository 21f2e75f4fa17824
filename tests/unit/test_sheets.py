"""read/sheets.py: several sheets read as one agenda, rows numbered again in reading order."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from importer.errors import InputFileError
from importer.read.sheets import join, read_sheets, wanted_sheets
from importer.read.table import RowContext, SourceRow, Table, column_letter

NAMES = ("Mon", "Tue", "Notes")


def sheet(name: str, headers: list[str], rows: list[list[Any]], first: int = 2) -> Table:
    return Table(
        path=Path("agenda.xlsx"),
        sheet=name,
        sheet_names=NAMES,
        header_row=first - 1,
        headers=tuple(headers),
        columns=tuple(column_letter(i) for i in range(len(headers))),
        rows=tuple(SourceRow(first + n, tuple(r)) for n, r in enumerate(rows)),
        notes=(f"note of {name}",),
    )


@pytest.mark.parametrize(
    ("wanted", "sheets"),
    [
        (None, None),
        ("Mon", None),  # one sheet: the usual reading
        ("all", ["Mon", "Tue", "Notes"]),
        (" ALL ", ["Mon", "Tue", "Notes"]),
        ("tue, MON", ["Tue", "Mon"]),
        ("Mon,", None),
    ],
)
def test_which_sheets_are_joined(wanted: str | None, sheets: list[str] | None) -> None:
    assert wanted_sheets("agenda.xlsx", NAMES, wanted) == sheets


def test_a_sheet_that_is_not_there_is_named_with_the_ones_that_are() -> None:
    with pytest.raises(InputFileError) as caught:
        wanted_sheets("agenda.xlsx", NAMES, "Mon, Wed")
    assert str(caught.value) == (
        'agenda.xlsx has no sheet named "Wed". Its sheets are: "Mon", "Tue", "Notes". Use --sheet '
        "with names from these, separated by commas, or --sheet all."
    )


def test_rows_are_renumbered_and_say_their_sheet_and_row() -> None:
    mon = sheet("Mon", ["Title", "Room"], [["Keynote", "Hall"], ["Lunch", None]])
    tue = sheet("Tue", ["Title", "Location", "Tags"], [["Panel", "Annex", "AI"]], first=5)
    table = join([mon, tue], skipped=["Notes"])
    assert table.headers == ("Title", "Room", "Tags", "Sheet", "Sheet row")
    assert [(r.number, r.values) for r in table.rows] == [
        (1, ("Keynote", "Hall", None, "Mon", 2)),
        (2, ("Lunch", None, None, "Mon", 3)),
        (3, ("Panel", "Annex", "AI", "Tue", 5)),
    ]
    assert table.sheet == "Mon, Tue"
    assert table.notes == (
        "note of Mon",
        "note of Tue",
        'Sheets without an agenda were left out: "Notes".',
        "2 sheets were read as one agenda; rows are numbered in reading order (the Sheet and "
        "Sheet row columns of the results say where each one is).",
    )


def test_heading_context_follows_the_new_row_numbers() -> None:
    tue = dataclasses.replace(
        sheet("Tue", ["Title"], [["Track A"], ["Talk"]], first=4),
        context={5: RowContext(section="Track A", section_row=4)},
    )
    table = join([sheet("Mon", ["Title"], [["Keynote"]]), tue])
    assert table.context == {3: RowContext(section="Track A", section_row=2)}


def test_sheets_without_an_agenda_or_unreadable_are_left_out() -> None:
    tables = {"Mon": sheet("Mon", ["Title"], [["Keynote"]]), "Tue": sheet("Tue", ["Title"], [])}

    def read(name: str) -> Table:
        if name not in tables:
            raise InputFileError("no header")
        return tables[name]

    table = read_sheets(NAMES, read, lambda t: True)
    assert [r.values for r in table.rows] == [("Keynote", "Mon", 2)]
    assert 'Sheets without an agenda were left out: "Tue", "Notes".' in table.notes


def test_no_sheet_with_an_agenda_is_refused() -> None:
    with pytest.raises(InputFileError) as caught:
        read_sheets(NAMES, lambda name: sheet(name, ["Title"], [["x"]]), lambda t: False)
    assert str(caught.value) == 'None of the sheets "Mon", "Tue", "Notes" holds an agenda.'
