"""check/timetext.py: the time notations of published agendas, and what their clock says."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from importer.check.cells import CellError
from importer.check.timetext import (
    Clock,
    clock_of,
    range_clocks,
    read_moment,
    read_range,
    tidy,
    zone_names,
    zone_offset,
)

DAY = date(2026, 6, 10)


def hours(n: float) -> timezone:
    return timezone(timedelta(hours=n))


@pytest.mark.parametrize(
    ("text", "tidied"),
    [
        ("12noon", "12:00"),
        ("Noon", "12:00"),
        ("12 midnight", "0:00"),
        ("9:00: AM", "9:00 AM"),
        ("9:00. pm", "9:00 pm"),
        ("9 h 30", "9h30"),
        ("14h", "14:00"),
        ("9 Uhr", "9:00"),
        ("9 hrs", "9:00"),
        ("10h et 11h", "10:00 et 11:00"),
        ("9-10am", "9:00 am - 10:00 am"),
        ("11-1pm", "11:00 am - 1:00 pm"),
        ("11:30 to 12 p.m.", "11:30 am - 12:00 pm"),
        ("  9:30   -  10:00 ", "9:30 - 10:00"),
    ],
)
def test_notations_are_rewritten_into_ones_cells_reads(text: str, tidied: str) -> None:
    assert tidy(text) == tidied


@pytest.mark.parametrize(
    ("value", "clock"),
    [
        ("9:30", Clock(bare=True)),
        ("12:45", Clock(bare=True)),
        ("13:00", Clock(twenty_four=True)),
        ("0:15", Clock(twenty_four=True)),
        ("9:30 am", Clock()),
        ("10:00 CET", Clock()),
        ("2026-06-10T09:00Z", Clock(twenty_four=True)),
        ("Keynote", Clock()),
        (9.5, Clock()),  # Excel's own times are 24-hour by nature
        (time(9, 30), Clock()),
    ],
)
def test_the_clock_a_time_is_written_on(value: object, clock: Clock) -> None:
    assert clock_of(value) == clock  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("word", "zone"),
    [
        ("CET", hours(1)),
        ("edt", hours(-4)),
        ("UTC+5:30", timezone(timedelta(hours=5, minutes=30))),
        ("GMT-3", hours(-3)),
        ("UTC\u22122", hours(-2)),
        ("ET", ZoneInfo("America/New_York")),
        ("IST", None),  # India, Israel or Ireland: never guessed
        ("CST", None),
        ("Europe", None),
    ],
)
def test_zone_words(word: str, zone: object) -> None:
    assert zone_offset(word, DAY) == zone


def test_an_events_zone_goes_by_its_names_and_abbreviations() -> None:
    assert zone_names("Europe/Paris", None) == {"EUROPE/PARIS", "CET", "CEST"}
    assert zone_names("Europe/Paris", date(2026, 1, 10)) == {"EUROPE/PARIS", "CET"}
    assert zone_names("UTC", DAY) == {"UTC", "GMT", "Z"}
    assert zone_names("Asia/Kolkata", DAY) == {"ASIA/KOLKATA", "IST"}


def test_an_iso_time_with_an_offset_is_exact() -> None:
    moment = read_moment("2020-05-25 12:40:00+02:00", None, "Europe/Paris", None)
    assert moment == datetime(2020, 5, 25, 10, 40, tzinfo=UTC)


def test_an_impossible_iso_time_is_said() -> None:
    with pytest.raises(CellError) as caught:
        read_moment("2026-02-30 09:00+01:00", None, "UTC", None)
    assert str(caught.value) == (
        '"2026-02-30 09:00+01:00" is not a real date and time. Write it like 2026-06-10 09:30.'
    )


def test_a_cell_in_several_zones_takes_the_events_own() -> None:
    assert read_moment("16:00 CEST / 14:00 UTC", None, "Europe/Paris", DAY) == time(16)


def test_a_cell_in_several_zones_else_takes_utc() -> None:
    moment = read_moment("10:00 CET / 09:00 UTC / 04:00 EDT", None, "Asia/Tokyo", DAY)
    assert moment == time(9, tzinfo=hours(0))


def test_the_events_ambiguous_abbreviation_is_its_own_zone() -> None:
    assert read_moment("15:00 IST", None, "Asia/Kolkata", DAY) == time(15)


def test_one_foreign_zone_is_kept_as_an_offset() -> None:
    assert read_moment("9:30 ET", None, "UTC", DAY) == time(
        9, 30, tzinfo=ZoneInfo("America/New_York")
    )
    assert read_moment("10:00 CET", None, "UTC", DAY) == time(10, tzinfo=hours(1))


def test_several_foreign_zones_without_utc_are_refused() -> None:
    with pytest.raises(CellError) as caught:
        read_moment("10:00 CET / 04:00 EDT", None, "Asia/Tokyo", DAY)
    assert str(caught.value) == (
        '"10:00 CET / 04:00 EDT" gives the time in several zones (CET, EDT), none of them the '
        "event's (Asia/Tokyo) or UTC. Keep only one of them in the cell."
    )


def test_a_plain_time_stays_local() -> None:
    assert read_moment("9:00: AM", None, "UTC", DAY) == time(9)
    assert read_moment("12noon", None, "UTC", DAY) == time(12)


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("9:00 AM - 10:30 AM", (time(9), time(10, 30))),
        ("12:15-1.45", (time(12, 15), time(13, 45))),  # a 12-hour clock: 13:45
        ("11:00-1:00", (time(11), time(13))),
        ("9-10am", (time(9), time(10))),
        ("11-1pm", (time(11), time(13))),
        ("10:00 PM - 1:00 AM", (time(22), time(1))),  # past midnight: rowtimes adds the day
        ("13:00 - 12:00", (time(13), time(12))),  # a 24-hour clock: not moved
    ],
)
def test_ranges_in_one_cell(text: str, span: tuple[time, time]) -> None:
    assert read_range(text) == span


def test_what_is_no_range_is_none() -> None:
    assert read_range("9:30") is None
    assert read_range(0.5) is None


def test_the_clocks_of_a_range() -> None:
    assert range_clocks("12:15-1.45") == (Clock(bare=True), Clock(bare=True))
    assert range_clocks("9:00 AM - 14:00") == (Clock(), Clock(twenty_four=True))
    assert range_clocks("9:30") == (Clock(), Clock())
