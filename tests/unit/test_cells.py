"""check/cells.py: one cell at a time, as a time, date, moment, duration or whole number."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from importer.check.cells import (
    CellError,
    infer_date_order,
    parse_date,
    parse_duration,
    parse_moment,
    parse_range,
    parse_time,
    parse_whole_number,
    show,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9.30am", time(9, 30)),
        ("9:30 AM", time(9, 30)),
        ("9:30 p.m.", time(21, 30)),
        ("12pm", time(12, 0)),
        ("12am", time(0, 0)),
        ("09h30", time(9, 30)),
        ("13:00", time(13, 0)),
        ("23:59:59", time(23, 59, 59)),
    ],
)
def test_times_in_the_notations_people_type(text: str, expected: time) -> None:
    assert parse_time(text) == expected


def test_an_excel_day_fraction_is_a_time_rounded_to_the_second() -> None:
    assert parse_time(0.5) == time(12, 0)
    # 13:00 as Excel often stores it: a hair below.
    assert parse_time(13 / 24 - 1e-9) == time(13, 0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("25:00", '"25:00" is not a time. Write it like 09:30 or 9:30 AM.'),
        ("9", '"9" is not a time. Write it like 09:30 or 9:30 AM.'),
        (
            "13pm",
            '"13pm" is not a time: with AM/PM the hour is 1 to 12. Write it like 09:30 or 9:30 AM.',
        ),
    ],
)
def test_what_is_no_time_is_refused_with_the_fix(text: str, message: str) -> None:
    with pytest.raises(CellError) as caught:
        parse_time(text)
    assert str(caught.value) == message


def test_a_range_in_one_cell_gives_start_and_end() -> None:
    assert parse_range("9:00 AM - 10:30 AM") == (time(9, 0), time(10, 30))
    assert parse_range("14:00 to 15:15") == (time(14, 0), time(15, 15))
    assert parse_range("9:00") is None
    assert parse_range(0.5) is None


@pytest.mark.parametrize("text", ["7-8", "7 to 8", " 7 - 8 ", "7 until 8"])
def test_a_range_of_bare_hours_quotes_its_start_without_spaces(text: str) -> None:
    with pytest.raises(CellError) as caught:
        parse_range(text)
    assert str(caught.value) == '"7" is not a time. Write it like 09:30 or 9:30 AM.'


@pytest.mark.parametrize(
    ("order", "expected"), [("dmy", date(2026, 6, 10)), ("mdy", date(2026, 10, 6))]
)
def test_10_06_2026_under_each_day_month_order(order: str, expected: date) -> None:
    assert parse_date("10/06/2026", order) == expected  # type: ignore[arg-type]


def test_10_06_2026_read_year_first_has_no_such_day() -> None:
    # ymd: year 2010, month 6, day 2026.
    with pytest.raises(CellError) as caught:
        parse_date("10/06/2026", "ymd")
    assert str(caught.value) == '"10/06/2026" is not a real date. Write it like 2026-06-10.'
    assert parse_date("26/06/10", "ymd") == date(2026, 6, 10)


def test_an_ambiguous_date_without_an_order_asks_for_one() -> None:
    with pytest.raises(CellError) as caught:
        parse_date("10/06/2026")
    assert str(caught.value) == (
        '"10/06/2026" could be day 10 of month 6 or month 10, day 6. Write it like '
        "2026-06-10, or set the date order with --date-order dmy or mdy."
    )


def test_a_day_over_12_decides_the_order_without_being_told() -> None:
    assert parse_date("25/06/2026") == date(2026, 6, 25)
    assert parse_date("06/25/2026") == date(2026, 6, 25)
    assert infer_date_order(["01/02/2026", "25/02/2026"]) == "dmy"
    assert infer_date_order(["02/25/2026"]) == "mdy"
    assert infer_date_order(["01/02/2026"]) is None
    assert infer_date_order(["25/02/2026", "02/25/2026"]) is None  # the column contradicts itself


def test_year_first_dates_ignore_the_order_setting() -> None:
    assert parse_date("2026/06/10", "dmy") == date(2026, 6, 10)
    assert parse_date("2026-06-10", "mdy") == date(2026, 6, 10)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (46183, date(2026, 6, 10)),  # an Excel serial number
        (46183.375, date(2026, 6, 10)),
        ("46183", date(2026, 6, 10)),  # the same, saved as text by a CSV export
        ("18 March 2026", date(2026, 3, 18)),
        ("Wednesday, June 10th, 2026", date(2026, 6, 10)),
        ("9-Nov-26", date(2026, 11, 9)),
    ],
)
def test_dates_as_serials_and_words(value: object, expected: date) -> None:
    assert parse_date(value, "dmy") == expected  # type: ignore[arg-type]


def test_a_serial_outside_the_sessions_years_is_no_date() -> None:
    with pytest.raises(CellError) as caught:
        parse_date(12)
    assert str(caught.value) == '"12" is not a date. Write it like 2026-06-10.'


def test_a_three_digit_year_is_a_typo_not_a_guess() -> None:
    with pytest.raises(CellError) as caught:
        parse_date("10/06/202", "dmy")
    assert str(caught.value) == '"10/06/202" has a year of 3 digits. Write it like 2026-06-10.'


def test_moments_with_and_without_a_date() -> None:
    assert parse_moment("2026-06-10 09:30") == datetime(2026, 6, 10, 9, 30)
    assert parse_moment("10/06/2026 9.30am", "dmy") == datetime(2026, 6, 10, 9, 30)
    assert parse_moment("9:30") == time(9, 30)
    assert parse_moment(46183.375) == datetime(2026, 6, 10, 9, 0)
    assert parse_moment("46183.375") == datetime(2026, 6, 10, 9, 0)
    # A time-formatted Excel cell comes back on Excel's day zero: it is a time only.
    assert parse_moment(datetime(1899, 12, 30, 14, 15)) == time(14, 15)


def test_no_moment_says_how_to_write_one() -> None:
    with pytest.raises(CellError) as caught:
        parse_moment("soon")
    assert str(caught.value) == (
        '"soon" is not a date and time. Write it like 2026-06-10 09:30, or put the date in a '
        "Date column and the time here."
    )


@pytest.mark.parametrize(
    ("value", "minutes"),
    [(45, 45), ("90 min", 90), ("1:30", 90), ("1h30", 90), ("1.5 h", 90), ("2,5", 2.5)],
)
def test_durations(value: object, minutes: float) -> None:
    assert parse_duration(value) == timedelta(minutes=minutes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, '"0" is not a duration: it must be more than 0 minutes.'),
        ("1:99", '"1:99" is not a duration. Write the minutes, like 45, or 1:30.'),
        (
            10**6,
            '"1000000" is not a duration a session can have: it is longer than 366 days. '
            "Write the minutes, like 45, or 1:30.",
        ),
    ],
)
def test_no_duration(value: object, message: str) -> None:
    with pytest.raises(CellError) as caught:
        parse_duration(value)  # type: ignore[arg-type]
    assert str(caught.value) == message


def test_show_writes_a_cell_as_excel_shows_it() -> None:
    assert show(12.0) == "12"
    assert show(True) == "TRUE"
    assert show(datetime(2026, 6, 10)) == "2026-06-10"
    assert show(datetime(2026, 6, 10, 9, 5)) == "2026-06-10 09:05"
    assert show(timedelta(minutes=90)) == "1:30"
    assert show(None) == ""


def test_whole_numbers() -> None:
    assert parse_whole_number("120") == 120
    assert parse_whole_number("1,200") == 1200
    assert parse_whole_number(120.0) == 120
    with pytest.raises(CellError) as caught:
        parse_whole_number("12.5")
    assert str(caught.value) == '"12.5" is not a whole number. Write a number like 120.'
    with pytest.raises(CellError) as caught:
        parse_whole_number(-3)
    assert str(caught.value) == '"-3" is below 0. Write 0 or more, or leave it empty.'
