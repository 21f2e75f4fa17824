"""Rows -> drafts: header aliases, the ways people write times, and every row message."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest

from importer.check.drafts import Mapped
from importer.check.mapper import map_rows
from importer.errors import InputFileError
from importer.read.table import SourceRow, Table, column_letter
from importer.settings.config import MappingOptions

LOCATIONS = {
    "Main Hall": "8c1f0e6a-1111-4aaa-8bbb-000000000001",
    "Room 101": "8c1f0e6a-1111-4aaa-8bbb-000000000002",
}


def table(headers: list[str], *rows: list[Any], first_row: int = 2) -> Table:
    return Table(
        path=Path("agenda.xlsx"),
        sheet="Agenda",
        sheet_names=("Agenda",),
        header_row=first_row - 1,
        headers=tuple(headers),
        columns=tuple(column_letter(i) for i in range(len(headers))),
        rows=tuple(SourceRow(first_row + n, tuple(r)) for n, r in enumerate(rows)),
        notes=(),
    )


def mapped(headers: list[str], *rows: list[Any], tz: str = "UTC", **options: Any) -> Mapped:
    return map_rows(
        table(headers, *rows), MappingOptions(**options), timezone=tz, locations=LOCATIONS
    )


def one_error(headers: list[str], row: list[Any], **options: Any) -> str:
    result = mapped(headers, row, **options)
    assert not result.drafts
    errors = [p.text() for p in result.errors]
    assert len(errors) == 1, errors
    return errors[0]


STD = ["Title", "Date", "Start", "End"]


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["Session Title", "Starts", "Ends"], {"title": 0, "start": 1, "end": 2}),
        (
            ["NAME", "start_time", "End-Time", "Room", "Seats"],
            {"title": 0, "start": 1, "end": 2, "location": 3, "capacity": 4},
        ),
        (
            [
                "Title",
                "Date",
                "Start Time",
                "Duration (min)",
                "Ref",
                "Part of",
                "Abstract",
                "Track",
            ],
            {
                "title": 0,
                "date": 1,
                "start": 2,
                "duration": 3,
                "reference": 4,
                "parent": 5,
                "description": 6,
                "tags": 7,
            },
        ),
        (
            ["Session Code", "Parent Reference", "Talk Title", "Time", "Summary", "Total Capacity"],
            {"reference": 0, "parent": 1, "title": 2, "start": 3, "description": 4, "capacity": 5},
        ),
        (["External ID", "Title", "Name", "Start"], {"reference": 0, "title": 1, "start": 3}),
    ],
)
def test_header_aliases(headers: list[str], expected: dict[str, int]) -> None:
    assert dict(mapped(headers).columns.fields) == expected


def test_unknown_and_duplicate_headers_become_notes() -> None:
    result = mapped(["Title", "Name", "Start", "Catering"])
    assert [p.text() for p in result.problems] == [
        'Column "Name" is not imported: "Title" already gives the title.',
        'Column "Catering" is not a session field and is not imported.',
    ]
    assert {p.severity for p in result.problems} == {"warning"}


def test_config_columns_win_over_aliases() -> None:
    cols = mapped(
        ["Session", "talk_title", "time", "Name"],
        columns={"Session": "parent", "talk_title": "title", "Name": "ignore"},
    ).columns
    assert dict(cols.fields) == {"parent": 0, "title": 1, "start": 2}


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (
            ["Titel", "Start"],
            'agenda.xlsx, sheet "Agenda" has no column for the session title. Name a column '
            '"Title", or map one in the config file under [columns]. Did you mean "Titel"?',
        ),
        (
            ["Title", "Beginning"],
            'agenda.xlsx, sheet "Agenda" has no column for the session start time. Name a column '
            '"Start" (or "Date" and "Start Time"), or map one in the config file under [columns].',
        ),
    ],
)
def test_missing_required_column_names_the_closest_header(headers: list[str], message: str) -> None:
    with pytest.raises(InputFileError) as caught:
        mapped(headers)
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("row", "start", "end"),
    [
        (["A", "2026-06-10", "9:30", "10:15"], "2026-06-10T09:30", "2026-06-10T10:15"),
        (
            ["A", date(2026, 6, 10), time(9, 30), time(10, 15)],
            "2026-06-10T09:30",
            "2026-06-10T10:15",
        ),
        (
            ["A", None, "2026-06-10 9:30 AM", "2026-06-10 10:15 AM"],
            "2026-06-10T09:30",
            "2026-06-10T10:15",
        ),
        (["A", None, 46183.375, 46183.40625], "2026-06-10T09:00", "2026-06-10T09:45"),
        (["A", "46183", "0.375", "0.40625"], "2026-06-10T09:00", "2026-06-10T09:45"),
        (
            ["A", "Wednesday, 10 June 2026", "12:59:59.9999999", "14:29:59.99"],
            "2026-06-10T13:00",
            "2026-06-10T14:30",
        ),
        (["A", "2026-Jun-10", "7:00 PM", "11:59 PM"], "2026-06-10T19:00", "2026-06-10T23:59"),
        (
            ["A", datetime(2026, 6, 10), datetime(1899, 12, 30, 9, 0), datetime(1899, 12, 30, 10)],
            "2026-06-10T09:00",
            "2026-06-10T10:00",
        ),
    ],
)
def test_ways_of_writing_times(row: list[Any], start: str, end: str) -> None:
    (draft,) = mapped(STD, row).drafts
    assert draft.start == datetime.fromisoformat(start).replace(tzinfo=UTC)
    assert draft.end == datetime.fromisoformat(end).replace(tzinfo=UTC)


def test_range_in_one_cell_rolls_past_midnight() -> None:
    (draft,) = mapped(
        ["Event", "Date", "Time"], ["Party", "2024-12-02", "07:00 PM - 12:30 AM"]
    ).drafts
    assert draft.start == datetime(2024, 12, 2, 19, tzinfo=UTC)
    assert draft.end == datetime(2024, 12, 3, 0, 30, tzinfo=UTC)


def test_separate_end_before_start_is_an_error_not_a_rollover() -> None:
    assert one_error(STD, ["A", "2026-06-10", "23:00", "00:30"]) == (
        'Row 2, column "End": The session ends (2026-06-10 00:30) before or when it starts '
        "(2026-06-10 23:00). Check the end time."
    )


def test_time_zone_conversion_and_daylight_saving_errors() -> None:
    (draft,) = mapped(STD, ["A", "2026-01-15", "09:00", "10:00"], tz="America/New_York").drafts
    assert draft.start == datetime(2026, 1, 15, 14, tzinfo=UTC)
    gap = mapped(STD, ["A", "2026-03-29", "02:30", "03:30"], tz="Europe/Berlin")
    assert [p.text() for p in gap.errors] == [
        'Row 2, column "Start": 2026-03-29 02:30 does not exist in Europe/Berlin: the clocks '
        "jump forward that night. Choose a time outside the jump."
    ]
    twice = mapped(STD, ["A", "2026-10-25", "02:30", "03:30"], tz="Europe/Berlin")
    assert [p.text() for p in twice.errors] == [
        'Row 2, column "Start": 2026-10-25 02:30 happens twice in Europe/Berlin: the clocks go '
        "back that night. Choose another time, or give times in UTC with --timezone UTC."
    ]


def test_date_order_is_inferred_from_the_column_or_asked_for() -> None:
    rows = [["A", "13/06/2026", "09:00", "10:00"], ["B", "03/06/2026", "09:00", "10:00"]]
    drafts = mapped(STD, *rows).drafts
    assert [d.start.date() for d in drafts] == [date(2026, 6, 13), date(2026, 6, 3)]
    assert one_error(STD, ["B", "03/06/2026", "09:00", "10:00"]) == (
        'Row 2, column "Date": "03/06/2026" could be day 3 of month 6 or month 3, day 6. '
        "Write it like 2026-06-10, or set the date order with --date-order dmy or mdy."
    )
    (us,) = mapped(STD, ["B", "03/06/2026", "09:00", "10:00"], date_order="mdy").drafts
    assert us.start.date() == date(2026, 3, 6)


def test_duration_and_defaults_from_config() -> None:
    headers = ["Title", "Start", "Duration (min)"]
    drafts = mapped(
        headers,
        ["A", "9:00", 45],
        ["B", "9:00", "1:30"],
        ["C", "9:00", None],
        default_date=date(2026, 6, 10),
        default_duration_min=20,
    ).drafts
    assert [(d.end - d.start).total_seconds() / 60 for d in drafts] == [45, 90, 20]


@pytest.mark.parametrize(
    ("headers", "row", "message"),
    [
        (
            STD,
            [None, "2026-06-10", "09:00", "10:00"],
            'Row 2, column "Title": The title is empty. Every session needs a title.',
        ),
        (
            STD,
            ["x" * 501, "2026-06-10", "09:00", "10:00"],
            'Row 2, column "Title": The title is 501 characters long; Zuddl allows at most 500. '
            "Shorten it.",
        ),
        (
            STD,
            ["A", "2026-02-30", "09:00", "10:00"],
            'Row 2, column "Date": "2026-02-30" is not a real date. Write it like 2026-06-10.',
        ),
        (
            STD,
            ["A", "next friday", "09:00", "10:00"],
            'Row 2, column "Date": "next friday" is not a date. Write it like 2026-06-10.',
        ),
        (
            STD,
            ["A", "2026-06-10", "9:75", "10:00"],
            'Row 2, column "Start": "9:75" is not a time. Write it like 09:30 or 9:30 AM.',
        ),
        (
            STD,
            ["A", "2026-06-10", "13:00 PM", "14:00"],
            'Row 2, column "Start": "13:00 PM" is not a time: with AM/PM the hour is 1 to 12. '
            "Write it like 09:30 or 9:30 AM.",
        ),
        (
            STD,
            ["A", "2026-06-10", None, "10:00"],
            'Row 2, column "Start": The start time is empty. Write it like 09:30 (with a Date '
            "column) or 2026-06-10 09:30.",
        ),
        (
            ["Title", "Start", "End"],
            ["A", "09:00", "10:00"],
            'Row 2, column "Start": The time has no date. Give it with --date 2026-06-10, add a '
            "Date column, write it in this cell (2026-06-10 09:30), or set "
            'date = "2026-06-10" under [defaults] in the config.',
        ),
        (
            ["Title", "Start"],
            ["A", "2026-06-10 09:00"],
            'Row 2, column "Start": The sheet gives no end time or duration. If each session ends '
            'when the next one starts, write end = "next" under [defaults] in the config file '
            "(with duration_minutes for the last of a day); else add an End or Duration column, "
            "or set duration_minutes.",
        ),
        (
            ["Title", "Start", "Duration"],
            ["A", "2026-06-10 09:00", "soon"],
            'Row 2, column "Duration": "soon" is not a duration. '
            "Write the minutes, like 45, or 1:30.",
        ),
        (
            [*STD, "Capacity"],
            ["A", "2026-06-10", "09:00", "10:00", "-5"],
            'Row 2, column "Capacity": "-5" is below 0. Write 0 or more, or leave it empty.',
        ),
        (
            [*STD, "Seats"],
            ["A", "2026-06-10", "09:00", "10:00", 12.5],
            'Row 2, column "Seats": "12.5" is not a whole number. Write a number like 120.',
        ),
        (
            [*STD, "Room"],
            ["A", "2026-06-10", "09:00", "10:00", "Main Hal"],
            'Row 2, column "Room": "Main Hal" is not a location of this event. Did you mean '
            '"Main Hall"?',
        ),
        (
            [*STD, "Room"],
            ["A", "2026-06-10", "09:00", "10:00", "Attic"],
            'Row 2, column "Room": "Attic" is not a location of this event. The event\'s locations '
            'are: "Main Hall", "Room 101".',
        ),
        (
            [*STD, "Location"],
            ["A", "2026-06-10", "09:00", "10:00", "99999999-1111-4aaa-8bbb-000000000001"],
            'Row 2, column "Location": "99999999-1111-4aaa-8bbb-000000000001" is not the ID of a '
            "location of this event. Use a location name or ID from the event.",
        ),
    ],
)
def test_row_messages(headers: list[str], row: list[Any], message: str) -> None:
    assert one_error(headers, row) == message


def test_duplicate_reference_ids() -> None:
    result = mapped(
        ["Ref", *STD],
        ["A", "X", "2026-06-10", "9:00", "10:00"],
        ["A", "Y", "2026-06-10", "9:00", "10:00"],
    )
    # Both rows: which one the session in Zuddl belongs to is not this tool's guess to make.
    assert [p.text() for p in result.errors] == [
        'Row 2, column "Ref": Reference ID "A" is also used on row 3. Give each session its '
        "own reference ID; none of these rows is sent until then.",
        'Row 3, column "Ref": Reference ID "A" is also used on row 2. Give each session its '
        "own reference ID; none of these rows is sent until then.",
    ]
    assert [d.row for d in result.drafts] == []
    assert result.invalid_rows == {2, 3}


def test_cells_are_cleaned_tags_split_and_deduplicated() -> None:
    row = [
        "  Cafe\u0301 talk\x07 ",
        "2026-06-10",
        "9:00",
        "10:00",
        " Data; data | AI,, ",
        "ROOM  101",
        "1,200",
        7,
    ]
    (draft,) = mapped([*STD, "Tags", "Room", "Capacity", "Ref"], row).drafts
    assert draft.title == "Café talk"
    assert draft.tags == ("Data", "AI")
    assert draft.location_id == LOCATIONS["Room 101"]
    assert draft.capacity == 1200
    assert draft.reference_id == "7"


def test_problem_points_at_the_cell() -> None:
    result = mapped(["Ref", *STD], ["A", "X", "2026-06-10", "25:00", "10:00"])
    (problem,) = result.errors
    assert (problem.row, problem.column, problem.value, problem.cell) == (2, "Start", "25:00", "D2")
