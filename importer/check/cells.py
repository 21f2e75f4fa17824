"""Reading one spreadsheet cell as a date, time, duration or number, the ways people write them.

Each parser returns the value or raises ``CellError`` whose text says what is wrong and how to
write it instead; the mapper adds the row and column.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from importer.read.table import CellValue
from importer.settings.dateorder import DateOrder

_EXCEL_EPOCH = datetime(1899, 12, 30)
# Serials of 1980..2100: anything else in a date column is more likely a typo than a date.
_SERIAL_RANGE = (29221, 73051)
# Dates a session can have; beyond them date arithmetic and time zones overflow.
_YEAR_RANGE = (1900, 2999)
# Longer is never a session; the bound keeps start + duration inside the calendar.
MAX_DURATION = timedelta(days=366)
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_WEEKDAYS = re.compile(
    r"\b(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(day|sday|nesday|rsday|urday)?\b\.?,?", re.I
)
_TIME = r"(\d{1,2})(?:[:.h](\d{2}))?(?::(\d{2})(?:[.,](\d+))?)?\s*([ap])?\.?\s*(?:m\.?)?"
_TIME_RE = re.compile(rf"^{_TIME}$", re.I)
_RANGE_RE = re.compile(rf"^\s*({_TIME})\s*(?:-|\u2013|\u2014|to|until)\s*({_TIME})\s*$", re.I)
_NUMERIC_DATE_RE = re.compile(r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})$")
_DURATION_RE = re.compile(
    r"^(?:(\d+(?:[.,]\d+)?)\s*h(?:ours?|rs?)?)?\s*(?:(\d+)\s*(?:m(?:in(?:ute)?s?)?)?)?$", re.I
)

TIME_HINT = "Write it like 09:30 or 9:30 AM."
DATE_HINT = "Write it like 2026-06-10."


class CellError(ValueError):
    """A cell that cannot be read as what its column holds; the text is for users."""


def show(value: CellValue) -> str:
    """A cell value as the user sees it in Excel, for messages."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") if value.time() != time() else f"{value:%Y-%m-%d}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, bool):  # Excel's own words for its booleans
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, timedelta):
        minutes = int(value.total_seconds() // 60)
        return f"{minutes // 60}:{minutes % 60:02d}"
    return "" if value is None else str(value)


def _round_to_second(moment: datetime) -> datetime:
    # Excel stores times as fractions of a day: 13:00 often comes back as 12:59:59.99999.
    if not moment.microsecond:
        return moment  # most cells: nothing to round (and this runs for every time)
    return (moment + timedelta(microseconds=500_000)).replace(microsecond=0)


def excel_serial(number: float) -> datetime:
    return _round_to_second(_EXCEL_EPOCH + timedelta(days=number))


def _is_time_only(moment: datetime) -> bool:
    # Time-formatted cells come back on Excel's day zero.
    return moment.date() in (date(1899, 12, 30), date(1899, 12, 31), date(1900, 1, 1))


@lru_cache(maxsize=4096)
def _time_from_text(raw: str) -> time:
    text = raw.strip()  # a message quotes what the cell says, not the spaces around it
    match = _TIME_RE.match(text)
    if not match:
        raise CellError(f'"{text}" is not a time. {TIME_HINT}')
    hour_s, minute_s, second_s, fraction, meridiem = match.groups()
    if minute_s is None and meridiem is None:
        raise CellError(f'"{text}" is not a time. {TIME_HINT}')
    hour, minute = int(hour_s), int(minute_s or 0)
    second = int(second_s or 0)
    if meridiem:
        if not 1 <= hour <= 12:
            raise CellError(f'"{text}" is not a time: with AM/PM the hour is 1 to 12. {TIME_HINT}')
        hour = hour % 12 + (12 if meridiem.lower() == "p" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise CellError(f'"{text}" is not a time. {TIME_HINT}')
    moment = datetime(2000, 1, 1, hour, minute, second)
    if fraction:
        moment = _round_to_second(moment + timedelta(seconds=float("0." + fraction)))
    return moment.time()


def parse_time(value: CellValue) -> time:
    if isinstance(value, time):
        return _round_to_second(datetime.combine(date(2000, 1, 1), value)).time()
    if isinstance(value, datetime):
        return _round_to_second(value).time()
    if isinstance(value, float | int) and not isinstance(value, bool) and 0 <= value < 1:
        return excel_serial(float(value)).time()
    if isinstance(value, str):
        return _time_from_text(value)
    raise CellError(f'"{show(value)}" is not a time. {TIME_HINT}')


def parse_range(value: CellValue) -> tuple[time, time] | None:
    """Start and end from one cell such as "9:00 AM - 10:30 AM"; None if it is no range."""
    if not isinstance(value, str):
        return None
    match = _RANGE_RE.match(value)
    if not match:
        return None
    # Each side without the spaces around "to": "7 to 8" is refused like "7-8", quoting "7".
    return parse_time(match.group(1).strip()), parse_time(match.group(7).strip())


def numeric_date_parts(text: str) -> tuple[int, int, int] | None:
    match = _NUMERIC_DATE_RE.match(text.strip())
    if not match:
        return None
    a, b, c = (int(g) for g in match.groups())
    return a, b, c


def infer_date_order(texts: list[str]) -> DateOrder | None:
    """What a column's own values say about day/month order, or None if they do not tell."""
    day_first = month_first = False
    for text in texts:
        parts = numeric_date_parts(text)
        if parts is None or parts[0] > 31:
            continue
        a, b, _ = parts
        day_first |= a > 12 >= b
        month_first |= b > 12 >= a
    if day_first != month_first:
        return "dmy" if day_first else "mdy"
    return None


def _year(number: int, written: str = "", text: str = "") -> int:
    """Two digits are this century's; a year of one or three digits is a typo, never a guess."""
    if len(written) in (1, 3):
        raise CellError(
            f'"{text}" has a year of {len(written)} digit{"s" if len(written) > 1 else ""}. '
            f"{DATE_HINT}"
        )
    return number + 2000 if number < 100 else number


def _make_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except (ValueError, OverflowError) as exc:
        raise CellError(f'"{text}" is not a real date. {DATE_HINT}') from exc


def _in_range(day: date, value: CellValue) -> None:
    if not _YEAR_RANGE[0] <= day.year <= _YEAR_RANGE[1]:
        raise CellError(f'"{show(value)}" is not a date a session can have. {DATE_HINT}')


@lru_cache(maxsize=4096)
def _date_from_text(text: str, order: DateOrder | None) -> date:
    clean = text.strip()
    try:
        return date.fromisoformat(clean)
    except ValueError:
        pass
    parts = numeric_date_parts(clean)
    if parts is not None:
        a, b, c = parts
        first, _, last = _NUMERIC_DATE_RE.match(clean).groups()  # type: ignore[union-attr]
        if a > 31:  # 2026/06/10: year first, whatever the order setting says
            return _make_date(a, b, c, clean)
        if order is None and a != b and a <= 12 and b <= 12:
            raise CellError(
                f'"{clean}" could be day {a} of month {b} or month {a}, day {b}. '
                "Write it like 2026-06-10, or set the date order with --date-order dmy or mdy."
            )
        if order == "mdy" or (order is None and b > 12):
            return _make_date(_year(c, last, clean), a, b, clean)
        if order == "ymd":
            return _make_date(_year(a, first, clean), b, c, clean)
        return _make_date(_year(c, last, clean), b, a, clean)
    words = re.findall(r"[a-z]+|\d+", _WEEKDAYS.sub(" ", clean.lower()))
    months = [w for w in words if w in _MONTHS]
    numbers = [int(w) for w in words if w.isdigit()]
    ordinals = ("th", "st", "nd", "rd", "of")
    leftovers = [w for w in words if not w.isdigit() and w not in _MONTHS and w not in ordinals]
    if len(months) == 1 and len(numbers) == 2 and not leftovers:
        # "18 March 2024", "March 18, 2024", "9-Nov-2020", "2020-Nov-09"
        day, year = (numbers[1], numbers[0]) if numbers[0] > 31 else (numbers[0], numbers[1])
        return _make_date(_year(year), _MONTHS[months[0]], day, clean)
    raise CellError(f'"{clean}" is not a date. {DATE_HINT}')


def parse_date(value: CellValue, order: DateOrder | None = None) -> date:
    day = _parse_date(value, order)
    _in_range(day, value)
    return day


def _parse_date(value: CellValue, order: DateOrder | None = None) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            return excel_serial(float(value)).date()
        raise CellError(f'"{show(value)}" is not a date. {DATE_HINT}')
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d{5}(\.\d+)?", text):
            return parse_date(float(text), order)
        return _date_from_text(text, order)
    raise CellError(f'"{show(value)}" is not a date. {DATE_HINT}')


@lru_cache(maxsize=4096)
def _split_date_time(text: str) -> tuple[str, str] | None:
    match = re.match(rf"^(.*?\d)(?:T|\s+|,\s*)({_TIME})$", text.strip(), re.I)
    return (match.group(1), match.group(2)) if match else None


def parse_moment(value: CellValue, order: DateOrder | None = None) -> datetime | time:
    """A cell that may hold a date and time, or only a time (the caller needs a date then)."""
    if isinstance(value, datetime):
        if not _is_time_only(value):
            _in_range(value, value)  # before rounding: 9999-12-31 23:59:59.9 would overflow
        moment = _round_to_second(value.replace(tzinfo=None))
        return moment.time() if _is_time_only(moment) else moment
    if isinstance(value, time):
        return parse_time(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 0 <= value < 1:
            return parse_time(value)
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            return excel_serial(float(value))
    if isinstance(value, str):
        text = value.strip()
        # Serials and day fractions saved as text, e.g. by a CSV export of Excel.
        if re.fullmatch(r"\d{5}\.\d+|0?\.\d+", text):
            return parse_moment(float(text), order)
        if _TIME_RE.match(text) and re.search(r"[:.h]|[ap]\.?m", text, re.I):
            return parse_time(text)
        split = _split_date_time(text)
        if split is not None:
            day = parse_date(split[0], order)
            return datetime.combine(day, parse_time(split[1]))
    raise CellError(
        f'"{show(value)}" is not a date and time. Write it like 2026-06-10 09:30, '
        "or put the date in a Date column and the time here."
    )


def parse_duration(value: CellValue) -> timedelta:
    """Minutes as a number, or "1:30", "90 min", "1h30", "1.5 h"."""
    try:
        result = _duration(value)
    except (OverflowError, ValueError) as exc:  # "1e400", 10**30 minutes: past any calendar
        raise CellError(
            f'"{show(value)}" is not a duration. Write the minutes, like 45, or 1:30.'
        ) from exc
    if result <= timedelta(0):
        raise CellError(f'"{show(value)}" is not a duration: it must be more than 0 minutes.')
    if result > MAX_DURATION:
        raise CellError(
            f'"{show(value)}" is not a duration a session can have: it is longer than '
            f"{MAX_DURATION.days} days. Write the minutes, like 45, or 1:30."
        )
    return result


def _duration(value: CellValue) -> timedelta:
    if isinstance(value, timedelta):
        result = value
    elif isinstance(value, time):
        result = timedelta(hours=value.hour, minutes=value.minute)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        result = timedelta(minutes=float(value))
    elif isinstance(value, str):
        text = value.strip().lower().replace(" ", "")
        hm = re.fullmatch(r"(\d{1,2}):([0-5]\d)", text)  # "1:99" is no duration
        plain = re.fullmatch(r"\d+(?:[.,]\d+)?", text)
        match = _DURATION_RE.match(text)
        if hm:
            result = timedelta(hours=int(hm.group(1)), minutes=int(hm.group(2)))
        elif plain:
            result = timedelta(minutes=float(text.replace(",", ".")))
        elif match and any(match.groups()):
            hours = float((match.group(1) or "0").replace(",", "."))
            result = timedelta(hours=hours, minutes=int(match.group(2) or 0))
        else:
            raise CellError(f'"{value}" is not a duration. Write the minutes, like 45, or 1:30.')
    else:
        raise CellError(f'"{show(value)}" is not a duration. Write the minutes, like 45, or 1:30.')
    return result


# No room seats more; a bigger number is a typo or a pasted ID, and would not stay exact.
MAX_WHOLE_NUMBER = 1_000_000


def parse_whole_number(value: CellValue) -> int:
    """Capacities: a whole number of 0 or more, also when typed as "1,200" or "120.0"."""
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip().replace(" ", "").replace("\u202f", "")
        if re.fullmatch(r"-?\d{1,3}(,\d{3})+", text):
            text = text.replace(",", "")
        try:
            number = float(text)
        except ValueError:
            number = None
    if number is None or not math.isfinite(number) or number != int(number):
        raise CellError(f'"{show(value)}" is not a whole number. Write a number like 120.')
    if number < 0:
        raise CellError(f'"{show(value)}" is below 0. Write 0 or more, or leave it empty.')
    if number > MAX_WHOLE_NUMBER:
        shown = show(value) if isinstance(value, str) or number < 1e15 else f"{number:.6g}"
        raise CellError(
            f'"{shown}" is more than {MAX_WHOLE_NUMBER:,}, the most this importer sends. '
            "Check the number (a capacity is a count of seats)."
        )
    if isinstance(value, str) and re.fullmatch(r"\d+", text):
        return int(text)  # exact: a float would round a long number
    return int(number)
