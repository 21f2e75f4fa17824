"""Dates written relative to the event: "Day 2", a bare 0/1/2, or only a weekday name.

Such a cell means nothing without the event's first day, so it is read only when the config
gives ``start_date`` (weekdays: within ``start_date`` .. ``end_date``, a week by default); else
the row gets an error saying exactly that, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta

from importer.check.cells import CellError
from importer.read.table import CellValue

_DAY_RE = re.compile(r"^(?:day|d|jour|tag|dia|día)\s*[-#.]?\s*(\d{1,2})$", re.I)
_WEEKDAY_NAMES = {
    "mon": 0,
    "monday": 0,
    "tue": 1,
    "tues": 1,
    "tuesday": 1,
    "wed": 2,
    "wednesday": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "thursday": 3,
    "fri": 4,
    "friday": 4,
    "sat": 5,
    "saturday": 5,
    "sun": 6,
    "sunday": 6,
}
# A whole number this small in a Date column is a day of the event, not an Excel date.
MAX_DAY_NUMBER = 60


def day_number(value: CellValue) -> int | None:
    """2 for "Day 2", "D2" or a bare 2; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and 0 <= value <= MAX_DAY_NUMBER:
        return value
    if isinstance(value, float) and value.is_integer() and 0 <= value <= MAX_DAY_NUMBER:
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        match = _DAY_RE.match(text)
        if match:
            return int(match.group(1))
        if text.isdigit() and int(text) <= MAX_DAY_NUMBER:
            return int(text)
    return None


def weekday(value: CellValue) -> int | None:
    """0 for "Monday" or "Mon.", when the cell holds a weekday and nothing else."""
    if not isinstance(value, str):
        return None
    return _WEEKDAY_NAMES.get(value.strip().rstrip(".,").casefold())


def counts_days(values: Iterable[CellValue]) -> bool:
    """Whether a Date column counts days ("Day 2", 0/1/2, "Friday"): most of its cells do.

    A lone 12 among real dates is a mistyped date, not the twelfth day.
    """
    filled = [v for v in values if v is not None and str(v).strip()]
    relative = sum(1 for v in filled if day_number(v) is not None or weekday(v) is not None)
    return bool(filled) and relative * 2 >= len(filled)


def first_day_number(values: Iterable[CellValue]) -> int:
    """Whether a column counts its days from 0 or from 1: 0 as soon as one cell says 0."""
    numbers = [n for v in values if (n := day_number(v)) is not None]
    return 0 if numbers and min(numbers) == 0 else 1


def event_day(
    value: CellValue, start: date | None, end: date | None, base: int, setting: str
) -> date | None:
    """The date a relative cell means; None when the cell is not relative at all."""
    number, named = day_number(value), weekday(value)
    if number is None and named is None:
        return None
    if start is None:
        kind = f'day number "{value}"' if number is not None else f'weekday "{value}"'
        raise CellError(
            f"The {kind} needs the event's first day to become a date. Give it in the config "
            f'file: {setting} = "2026-06-10" under [defaults].'
        )
    if number is not None:
        if number < base:
            raise CellError(f'"{value}" is before day {base}, the first day of this column.')
        return start + timedelta(days=number - base)
    last = end if end is not None else start + timedelta(days=6)
    day = start
    while day <= last:
        if day.weekday() == named:
            return day
        day += timedelta(days=1)
    raise CellError(
        f'"{value}" is not a day of the event ({start:%A %Y-%m-%d} to {last:%A %Y-%m-%d}). '
        "Check the day, or the event's dates (start_date, end_date under [defaults])."
    )


_MONTH_WORD = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b\.?", re.IGNORECASE
)


def is_yearless(value: CellValue) -> bool:
    """ "Monday 18 March", "18 Mar": a month name and one day number, no year."""
    if not isinstance(value, str):
        return False
    numbers = re.findall(r"\d+", value)
    return bool(_MONTH_WORD.search(value)) and len(numbers) == 1 and int(numbers[0]) <= 31


def with_year(value: str, year: int | None) -> str:
    """The text with the event's year added, or a CellError saying where to give it."""
    if year is None:
        raise CellError(
            f'"{value}" has no year. Give the event\'s first day in the config file: '
            'start_date = "2026-06-10" under [defaults] (or the date with --date).'
        )
    return f"{value} {year}"
