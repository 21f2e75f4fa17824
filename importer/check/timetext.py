"""Time notations from published agendas that ``cells`` does not read on its own.

Conference sites write times every way: ``12noon``, ``9:00: AM``, ``09h30``, ``12:15-1.45``,
ISO date-times with an offset (``2020-05-25 12:40:00+00:00``), or one cell giving the time in
several zones (``10:00 CET / 09:00 UTC / 04:00 EDT``). This module turns them into what the
mapper needs: a moment that is either local to the event (naive) or exact (carrying its offset),
and whether the text was a 12-hour time without am/pm, which only the day's order can settle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache

from importer.check.cells import CellError, parse_moment, parse_range, parse_time
from importer.read.table import CellValue
from importer.settings.checks import check_timezone
from importer.settings.dateorder import DateOrder

Moment = datetime | time  # naive: local to the event; aware: exact

# Abbreviations with one meaning in conference agendas; IST, CST (China) and the like mean
# different zones in different places and are left out on purpose.
FIXED_ZONES = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "WET": 0,
    "WEST": 60,
    "BST": 60,
    "CET": 60,
    "CEST": 120,
    "EET": 120,
    "EEST": 180,
    "MSK": 180,
    "EST": -300,
    "EDT": -240,
    "CDT": -300,
    "MST": -420,
    "MDT": -360,
    "PST": -480,
    "PDT": -420,
    "AKST": -540,
    "AKDT": -480,
    "HST": -600,
    "JST": 540,
    "KST": 540,
    "SGT": 480,
    "AEST": 600,
    "AEDT": 660,
    "NZST": 720,
    "NZDT": 780,
}
# "ET", "PT": the zone's offset depends on the date (summer or winter time).
GENERIC_ZONES = {
    "ET": "America/New_York",
    "CT": "America/Chicago",
    "MT": "America/Denver",
    "PT": "America/Los_Angeles",
}
_ZONE_WORD = r"(?:UTC|GMT)\s*[+\-\u2212]\s*\d{1,2}(?::?\d{2})?|[A-Z]{1,5}"
_OFFSET_RE = re.compile(r"^(UTC|GMT)\s*([+\-\u2212])\s*(\d{1,2})(?::?(\d{2}))?$")
_TIME_PART = r"\d{1,2}(?:[:.h]\d{2})?\s*(?:[aApP]\.?[mM]\.?)?"
# Zone words are capitals: "10h et 11h" must not read as Eastern Time.
_ZONED_RE = re.compile(rf"({_TIME_PART})\s*\(?\s*({_ZONE_WORD})\b\)?")
_ISO_OFFSET_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})$"
)
_NOON_RE = re.compile(r"\b12\s*noon\b|\bnoon\b", re.I)
_MIDNIGHT_RE = re.compile(r"\b12\s*midnight\b|\bmidnight\b", re.I)
_HOUR_WORD_RE = re.compile(r"\b(\d{1,2})\s*(?:h|uhr|hrs?)(?![\w:])", re.I)
_TRAILING_H_RE = re.compile(r"\b(\d{1,2}[:.]\d{2})\s*(?:h|uhr|hrs?)\b", re.I)
_SHARED_RE = re.compile(
    r"^(\d{1,2})(?::(\d{2}))?\s*(?:-|\u2013|\u2014|to)\s*(\d{1,2})(?::(\d{2}))?\s*([ap]\.?m\.?)$",
    re.I,
)
_STRAY_COLON_RE = re.compile(r"(\d)\s*[:.]\s*([ap]\.?m\.?)$", re.I)
_BARE_TIME_RE = re.compile(r"(?<![\d:.])(\d{1,2})(?:[:.h]\d{2})(?::\d{2})?(?!\s*[ap]\.?m|\d)", re.I)
_TWELVE_RE = re.compile(r"(\d{1,2})(?::\d{2})?\s*[ap]\.?m\.?", re.I)


@dataclass(frozen=True)
class Clock:
    """What the text of a time says about its clock."""

    bare: bool = False  # 1:00 to 12:59 without am/pm: morning or afternoon?
    twenty_four: bool = False  # 0:xx or 13:00 and later: a 24-hour clock, nothing to infer


@lru_cache(maxsize=4096)
def tidy(text: str) -> str:
    """The notations cells.py does not know, rewritten into ones it does."""
    clean = " ".join(text.split())
    clean = _NOON_RE.sub("12:00", clean)
    clean = _MIDNIGHT_RE.sub("0:00", clean)
    clean = re.sub(r"(\d)\s*h\s*(\d{2})\b", r"\1h\2", clean)  # 9 h 30
    clean = _HOUR_WORD_RE.sub(r"\1:00", clean)  # "14h", "9 Uhr", "9 hrs"
    clean = _TRAILING_H_RE.sub(r"\1", clean)  # "09:00h", "9:00 Uhr"
    clean = _STRAY_COLON_RE.sub(r"\1 \2", clean)  # "9:00: AM", "9:00. AM"
    return _shared_meridiem(clean)


def _shared_meridiem(text: str) -> str:
    """ "9-10am": the start takes the end's am/pm ("11-1pm": the other one, 11 am)."""
    match = _SHARED_RE.match(text)
    if not match:
        return text
    first, first_min, second, second_min, meridiem = match.groups()
    ending = meridiem.lower().replace(".", "")
    own = ending if int(first) % 12 <= int(second) % 12 else ("am" if ending == "pm" else "pm")
    return f"{first}:{first_min or '00'} {own} - {second}:{second_min or '00'} {ending}"


def clock_of(value: CellValue) -> Clock:
    """Only typed text has a clock to read; Excel's times are 24-hour by nature."""
    return _clock_of_text(value) if isinstance(value, str) else Clock()


@lru_cache(maxsize=4096)
def _clock_of_text(value: str) -> Clock:
    text = tidy(value)
    if _ISO_OFFSET_RE.match(text):
        return Clock(twenty_four=True)
    if _TWELVE_RE.search(text) or _zone_parts(text, None):
        return Clock()
    hours = [int(h) for h in _BARE_TIME_RE.findall(text)]
    if not hours:
        return Clock()
    hour = hours[-1]
    return Clock(bare=1 <= hour <= 12, twenty_four=hour == 0 or hour >= 13)


def zone_offset(word: str, day: date | None = None) -> tzinfo | None:
    """A zone named in a cell or a title row ("CET", "UTC+2", "ET") as a tzinfo, or None."""
    upper = word.upper().replace("\u2212", "-").strip()
    if upper in FIXED_ZONES:
        return timezone(timedelta(minutes=FIXED_ZONES[upper]))
    if upper in GENERIC_ZONES:
        return check_timezone(GENERIC_ZONES[upper])
    match = _OFFSET_RE.match(upper)
    if match:
        _, sign, hours, minutes = match.groups()
        delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
        return timezone(-delta if sign == "-" else delta)
    return None


def zone_names(zone_name: str, day: date | None) -> set[str]:
    """What people call the event's zone on that day: its abbreviations and name."""
    zone = check_timezone(zone_name)
    days = [day] if day else [date(2026, 1, 15), date(2026, 7, 15)]
    names = {zone_name.upper()}
    for when in days:
        abbreviation = datetime.combine(when, time(12), zone).tzname()
        if abbreviation and not abbreviation.startswith(("+", "-")):
            names.add(abbreviation.upper())
    if zone_name.upper() in ("UTC", "ETC/UTC", "GMT"):
        names |= {"UTC", "GMT", "Z"}
    return names


def _iso_with_offset(text: str) -> datetime | None:
    if not _ISO_OFFSET_RE.match(text):
        return None
    try:
        moment = datetime.fromisoformat(text.replace(" Z", "Z"))
    except ValueError as exc:
        raise CellError(
            f'"{text}" is not a real date and time. Write it like 2026-06-10 09:30.'
        ) from exc
    return moment.replace(microsecond=0) if moment.tzinfo else None


def _zone_parts(text: str, own: set[str] | None) -> list[tuple[str, str]]:
    """(time, zone) pairs of a cell, for zones this module knows (or the event's own)."""
    parts = [(m.group(1), m.group(2)) for m in _ZONED_RE.finditer(text)]
    return [(t, z) for t, z in parts if zone_offset(z) is not None or z in (own or ())]


def _zoned(text: str, zone_name: str, day: date | None) -> Moment | None:
    """A cell naming zones: the time in the event's zone, else in UTC, else the one zone given."""
    own = zone_names(zone_name, day)
    parts = _zone_parts(text, own)
    if not parts:
        return None
    for clock, word in parts:
        if word.upper() in own:
            return parse_time(clock)  # the event's own zone: a local time
    exact = [(t, z) for t, z in parts if z.upper() in ("UTC", "GMT", "Z")] or parts
    clock, word = exact[0]
    if len(exact) > 1 and len(parts) > 1 and word.upper() not in ("UTC", "GMT", "Z"):
        raise CellError(
            f'"{text}" gives the time in several zones ({", ".join(z for _, z in parts)}), none of '
            f"them the event's ({zone_name}) or UTC. Keep only one of them in the cell."
        )
    zone = zone_offset(word, day)
    assert zone is not None
    return parse_time(clock).replace(tzinfo=zone)


def read_moment(
    value: CellValue, order: DateOrder | None, zone_name: str, day: date | None
) -> Moment:
    """A start or end cell: what cells.parse_moment reads, plus the notations above."""
    if not isinstance(value, str):
        return parse_moment(value, order)
    text = tidy(value)
    exact = _iso_with_offset(text)
    if exact is not None:
        return exact.astimezone(UTC)
    try:
        return parse_moment(text, order)
    except CellError:
        zoned = _zoned(text, zone_name, day)
        if zoned is None:
            raise
        return zoned


def read_range(value: CellValue) -> tuple[time, time] | None:
    """ "9:00 AM - 10:30 AM", "12:15-1.45": start and end from one cell, or None."""
    if not isinstance(value, str):
        return None
    text = tidy(value)
    span = parse_range(text)
    if span is None:
        return None
    first, second = re.split(r"\s*(?:-|\u2013|\u2014|\bto\b|\buntil\b)\s*", text, maxsplit=1)
    begin, finish = span
    if finish <= begin and clock_of(second).bare and not _TWELVE_RE.search(first):
        later = (datetime.combine(date(2000, 1, 1), finish) + timedelta(hours=12)).time()
        if finish.hour < 12 and later > begin:  # 12:15-1.45 on a 12-hour clock: 13:45
            finish = later
    return begin, finish


def range_clocks(value: CellValue) -> tuple[Clock, Clock]:
    if not isinstance(value, str):
        return Clock(), Clock()
    parts = re.split(r"\s*(?:-|\u2013|\u2014|\bto\b|\buntil\b)\s*", tidy(value), maxsplit=1)
    if len(parts) != 2:
        return Clock(), Clock()
    return clock_of(parts[0]), clock_of(parts[1])
