"""check/eventdays.py: "Day 2", a bare 0/1/2 or a weekday, read only against the event's days."""

from __future__ import annotations

from datetime import date

import pytest

from importer.check.cells import CellError
from importer.check.eventdays import (
    counts_days,
    day_number,
    event_day,
    first_day_number,
    is_yearless,
    weekday,
    with_year,
)

START = date(2026, 6, 8)  # a Monday
END = date(2026, 6, 10)


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("Day 2", 2),
        ("day-3", 3),
        ("D1", 1),
        ("Jour 2", 2),
        ("Tag #4", 4),
        (" 7 ", 7),
        (0, 0),
        (2.0, 2),
        (60, 60),
        (61, None),  # a number this big is an Excel date, not a day of the event
        (2.5, None),
        (True, None),
        ("Day two", None),
        ("2026-06-10", None),
    ],
)
def test_day_numbers(value: object, number: int | None) -> None:
    assert day_number(value) == number  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "day"),
    [("Monday", 0), ("tue.", 1), (" THURS ", 3), ("Sun,", 6), ("Mo", None), (3, None)],
)
def test_weekdays(value: object, day: int | None) -> None:
    assert weekday(value) == day  # type: ignore[arg-type]


def test_a_column_counts_days_when_most_of_its_cells_do() -> None:
    assert counts_days(["Day 1", "Day 2", None, "", "2026-06-10"])
    assert not counts_days(["2026-06-10", "2026-06-11", 12])  # a lone 12 is a mistyped date
    assert not counts_days([None, " "])


def test_a_column_counts_from_zero_as_soon_as_one_cell_says_zero() -> None:
    assert first_day_number(["Day 1", "Day 0", None]) == 0
    assert first_day_number(["Day 1", "Day 2"]) == 1
    assert first_day_number([]) == 1


def test_day_numbers_count_from_the_first_day() -> None:
    assert event_day("Day 1", START, END, 1, "start_date") == START
    assert event_day("Day 3", START, END, 1, "start_date") == END
    assert event_day(0, START, END, 0, "start_date") == START
    assert event_day("2026-06-10", START, END, 1, "start_date") is None


def test_a_day_before_the_first_is_refused() -> None:
    with pytest.raises(CellError) as caught:
        event_day("Day 0", START, END, 1, "start_date")
    assert str(caught.value) == '"Day 0" is before day 1, the first day of this column.'


def test_a_weekday_is_the_first_such_day_of_the_event() -> None:
    assert event_day("Wednesday", START, END, 1, "start_date") == END
    assert event_day("Sunday", START, None, 1, "start_date") == date(2026, 6, 14)  # a week


def test_a_weekday_outside_the_event_is_refused() -> None:
    with pytest.raises(CellError) as caught:
        event_day("Friday", START, END, 1, "start_date")
    assert str(caught.value) == (
        '"Friday" is not a day of the event (Monday 2026-06-08 to Wednesday 2026-06-10). '
        "Check the day, or the event's dates (start_date, end_date under [defaults])."
    )


@pytest.mark.parametrize(
    ("value", "kind"), [("Day 2", 'day number "Day 2"'), ("Friday", 'weekday "Friday"')]
)
def test_without_the_first_day_nothing_is_guessed(value: str, kind: str) -> None:
    with pytest.raises(CellError) as caught:
        event_day(value, None, None, 1, "start_date")
    assert str(caught.value) == (
        f"The {kind} needs the event's first day to become a date. Give it in the config "
        'file: start_date = "2026-06-10" under [defaults].'
    )


@pytest.mark.parametrize(
    ("value", "yearless"),
    [
        ("Monday 18 March", True),
        ("18 Mar.", True),
        ("Sept 3", True),
        ("18 March 2026", False),
        ("March", False),
        ("Mayday 40", False),
        ("32 May", False),
        (18, False),
    ],
)
def test_dates_without_a_year(value: object, yearless: bool) -> None:
    assert is_yearless(value) is yearless  # type: ignore[arg-type]


def test_the_events_year_is_added_or_asked_for() -> None:
    assert with_year("18 March", 2026) == "18 March 2026"
    with pytest.raises(CellError) as caught:
        with_year("18 March", None)
    assert str(caught.value) == (
        '"18 March" has no year. Give the event\'s first day in the config file: '
        'start_date = "2026-06-10" under [defaults] (or the date with --date).'
    )
