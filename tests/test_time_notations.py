"""Times as conference sites publish them: offsets, 12noon, 09h30, ranges, zones, day numbers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from importer.check.cells import CellError
from importer.check.timetext import Clock, clock_of, read_moment, read_range
from importer.errors import ExitCode
from tests.conftest import SandboxHandle
from tests.layout_helpers import run_layout, spans, warnings_of


def test_notations_become_exact_sessions(sandbox: SandboxHandle, tmp_path: Path) -> None:
    report = run_layout(sandbox, tmp_path, "notations.csv", timezone="Europe/Berlin")

    # Berlin in June is UTC+2; cells with an offset or Z are exact whatever the zone.
    assert spans(sandbox) == {
        "Offset": ("2026-06-10T12:40:00Z", "2026-06-10T13:10:00Z"),
        "Zulu": ("2026-06-10T14:00:00Z", "2026-06-10T14:30:00Z"),
        "Lunch": ("2026-06-11T10:00:00Z", "2026-06-11T11:00:00Z"),
        "Stray colon": ("2026-06-11T07:00:00Z", "2026-06-11T07:45:00Z"),
        "French": ("2026-06-11T07:30:00Z", "2026-06-11T08:15:00Z"),
        "Dotted": ("2026-06-11T08:30:00Z", "2026-06-11T09:15:00Z"),
        # "10:00 CEST / 08:00 UTC / 04:00 EDT": the event's own zone is taken.
        "Zones": ("2026-06-11T08:00:00Z", "2026-06-11T09:00:00Z"),
        # "14:00 UTC (10:00 EDT)": no Berlin time in the cell, so the UTC one.
        "Only UTC": ("2026-06-11T14:00:00Z", "2026-06-11T15:00:00Z"),
    }
    assert report.exit_code == ExitCode.OK
    assert warnings_of(report) == []


def test_ranges_on_a_twelve_hour_clock(sandbox: SandboxHandle, tmp_path: Path) -> None:
    report = run_layout(sandbox, tmp_path, "range.csv")

    assert spans(sandbox) == {
        "Lunch talk": ("2026-06-11T12:15:00Z", "2026-06-11T13:45:00Z"),  # 12:15-1.45
        "Evening": ("2026-06-11T19:00:00Z", "2026-06-12T00:30:00Z"),  # ends after midnight
    }
    assert report.exit_code == ExitCode.OK


def test_afternoon_without_am_pm_is_inferred_with_a_warning(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    report = run_layout(sandbox, tmp_path, "twelve-hour.csv")

    assert spans(sandbox) == {
        "Welcome": ("2026-06-10T09:00:00Z", "2026-06-10T09:30:00Z"),
        "Keynote": ("2026-06-10T09:30:00Z", "2026-06-10T10:30:00Z"),
        "Talk A": ("2026-06-10T11:00:00Z", "2026-06-10T11:45:00Z"),
        "Lunch": ("2026-06-10T12:00:00Z", "2026-06-10T13:00:00Z"),
        "Talk B": ("2026-06-10T13:00:00Z", "2026-06-10T14:00:00Z"),
        "Talk C": ("2026-06-10T14:00:00Z", "2026-06-10T15:30:00Z"),
        "Drinks": ("2026-06-10T17:00:00Z", "2026-06-10T19:00:00Z"),
        # The second day writes 16:00: a 24-hour clock, nothing moved.
        "Opening": ("2026-06-11T09:00:00Z", "2026-06-11T10:00:00Z"),
        "Closing": ("2026-06-11T16:00:00Z", "2026-06-11T17:00:00Z"),
    }
    assert warnings_of(report) == [
        "Times without am/pm on rows 5 to 8 were read as afternoon, from the order of their "
        "day (a time earlier than the one before it). Check them, or write 13:30 or 1:30 PM.",
        'Row 5, column "End": "1:00" has no am/pm: read as 13:00, after the start. Write 13:30 '
        "or 1:30 PM to be sure.",
        'Row 6, column "Start": "1:00" has no am/pm: read as 13:00, because the rows before it '
        "reach the afternoon. Write 13:30 or 1:30 PM to be sure.",
        'Row 7, column "Start": "2:00" has no am/pm: read as 14:00, because the rows before it '
        "reach the afternoon. Write 13:30 or 1:30 PM to be sure.",
        'Row 8, column "Start": "5:00" has no am/pm: read as 17:00, because the rows before it '
        "reach the afternoon. Write 13:30 or 1:30 PM to be sure.",
    ]
    assert report.exit_code == ExitCode.OK


def test_day_numbers_and_weekdays_with_the_event_dates(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    report = run_layout(sandbox, tmp_path, "day-numbers.csv", "day-numbers.toml")

    assert spans(sandbox) == {
        "Day one": ("2026-06-10T09:00:00Z", "2026-06-10T10:00:00Z"),
        "Day two": ("2026-06-11T09:00:00Z", "2026-06-11T10:00:00Z"),
        "By weekday": ("2026-06-12T09:00:00Z", "2026-06-12T10:00:00Z"),  # Friday
    }
    assert report.exit_code == ExitCode.OK


def test_day_numbers_without_a_first_day_are_row_errors(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    report = run_layout(sandbox, tmp_path, "day-numbers.csv")

    assert sandbox.sessions() == []
    assert [p.text() for p in report.mapped.errors] == [
        'Row 2, column "Day": The day number "Day 1" needs the event\'s first day to become a '
        'date. Give it in the config file: start_date = "2026-06-10" under [defaults].',
        'Row 3, column "Day": The day number "Day 2" needs the event\'s first day to become a '
        'date. Give it in the config file: start_date = "2026-06-10" under [defaults].',
        'Row 4, column "Day": The weekday "Friday" needs the event\'s first day to become a '
        'date. Give it in the config file: start_date = "2026-06-10" under [defaults].',
    ]
    assert report.exit_code == ExitCode.ROWS_FAILED


def test_a_zero_based_day_column(sandbox: SandboxHandle, tmp_path: Path) -> None:
    """A column that says 0 somewhere counts the first day as 0."""
    mapping = {"start_date": date(2026, 6, 10)}
    run_layout(sandbox, tmp_path, "day-zero.csv", mapping=mapping)

    assert spans(sandbox) == {
        "A": ("2026-06-10T09:00:00Z", "2026-06-10T10:00:00Z"),
        "B": ("2026-06-11T09:00:00Z", "2026-06-11T10:00:00Z"),
    }


@pytest.mark.parametrize(
    ("text", "clock"),
    [
        ("1:30", Clock(bare=True)),
        ("12:15", Clock(bare=True)),
        ("13:30", Clock(twenty_four=True)),
        ("0:30", Clock(twenty_four=True)),
        ("1:30 PM", Clock()),
        ("9:00: AM", Clock()),
        ("2020-05-25 12:40:00+00:00", Clock(twenty_four=True)),
        ("10:00 CEST / 08:00 UTC", Clock()),
    ],
)
def test_what_a_time_says_about_its_clock(text: str, clock: Clock) -> None:
    assert clock_of(text) == clock


def test_several_zones_none_of_them_the_events() -> None:
    with pytest.raises(CellError) as caught:
        read_moment("10:00 CEST / 04:00 EDT", None, "Asia/Tokyo", None)
    assert str(caught.value) == (
        '"10:00 CEST / 04:00 EDT" gives the time in several zones (CEST, EDT), none of them '
        "the event's (Asia/Tokyo) or UTC. Keep only one of them in the cell."
    )


def test_a_range_ending_before_noon_past_midnight_is_the_next_day() -> None:
    # "11:00 PM - 1:00 AM" is explicit; "10:00-1:00" on a 12-hour clock is 13:00.
    assert str(read_range("10:00-1:00")) == "(datetime.time(10, 0), datetime.time(13, 0))"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14h", "14:00"),
        ("9 Uhr", "09:00"),
        ("09:00h", "09:00"),
        ("9 h 30", "09:30"),
        ("12 noon", "12:00"),
        ("9.30 a.m.", "09:30"),
    ],
)
def test_more_ways_to_write_a_time(text: str, expected: str) -> None:
    moment = read_moment(text, None, "UTC", None)
    assert f"{moment:%H:%M}" == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9-10am", ("09:00", "10:00")),  # the start takes the end's am/pm
        ("11-1pm", ("11:00", "13:00")),  # ... or the other one when it must be earlier
        ("12-1pm", ("12:00", "13:00")),
        ("10h-11h30", ("10:00", "11:30")),
        ("noon - 1:30 PM", ("12:00", "13:30")),
    ],
)
def test_more_ways_to_write_a_range(text: str, expected: tuple[str, str]) -> None:
    span = read_range(text)
    assert span is not None
    assert (f"{span[0]:%H:%M}", f"{span[1]:%H:%M}") == expected


def test_dates_without_a_year_take_the_events(sandbox: SandboxHandle, tmp_path: Path) -> None:
    run_layout(sandbox, tmp_path, "yearless.csv", mapping={"start_date": date(2024, 3, 18)})

    assert spans(sandbox) == {
        "Opening": ("2024-03-18T09:00:00Z", "2024-03-18T10:00:00Z"),
        "Day two": ("2024-03-19T09:00:00Z", "2024-03-19T09:45:00Z"),
    }


def test_dates_without_a_year_and_no_event_date(sandbox: SandboxHandle, tmp_path: Path) -> None:
    report = run_layout(sandbox, tmp_path, "yearless.csv")

    assert sandbox.sessions() == []
    assert [p.text() for p in report.mapped.errors][:1] == [
        'Row 2, column "Day": "Monday 18 March" has no year. Give the event\'s first day in the '
        'config file: start_date = "2026-06-10" under [defaults] (or the date with --date).'
    ]
