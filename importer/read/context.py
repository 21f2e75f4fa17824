"""Rows that are layout, not sessions: headings between blocks of rows, and the block above.

Real agendas put meaning in their layout: a day heading ("Monday 18 March") sets the date of
the rows below it, a section heading ("Track A: Data") owns the talks below it, and the rows
above the header often give the event's date and time zone ("AKDT (UTC-8)"). This module reads
them once, before the mapper, into ``Table.context``; heading rows leave the table (they are
no sessions), unless ``[layout] headings = "parent"`` makes each one a session around its rows.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime, time

from importer.check.cells import CellError, parse_date, parse_time
from importer.check.eventdays import day_number, event_day, weekday
from importer.check.phrases import rows_phrase as _rows_phrase
from importer.check.timetext import FIXED_ZONES, GENERIC_ZONES, zone_names, zone_offset
from importer.errors import InputFileError
from importer.read.table import CellValue, RowContext, SourceRow, Table
from importer.settings.checks import check_timezone
from importer.settings.config import MappingOptions

_MONTH_WORD = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b\.?", re.IGNORECASE
)
_ZONE_RE = re.compile(
    r"\b(?:UTC|GMT)\s*[+\-\u2212]\s*\d{1,2}(?::?\d{2})?|\b(?:"
    + "|".join(sorted((z for z in (*FIXED_ZONES, *GENERIC_ZONES) if len(z) > 1), key=len)[::-1])
    + r")\b"
)
_LABEL_RE = re.compile(r"^[A-Za-z][A-Za-z .]{0,29}:\s*")  # "Event date: 18 March 2024"


@dataclasses.dataclass(frozen=True)
class Preamble:
    """What the rows above the header say: the event's date and its zone, with their rows."""

    day: date | None = None
    day_row: int | None = None
    zone: str | None = None  # as written: "AKDT", "UTC-8"
    zone_row: int | None = None


def _filled(values: tuple[CellValue, ...]) -> list[CellValue]:
    return [v for v in values if v is not None and not (isinstance(v, str) and not v.strip())]


def _year_hint(options: MappingOptions, preamble: Preamble) -> int | None:
    known = options.start_date or options.default_date or preamble.day
    return known.year if known else None


def as_date(value: CellValue, options: MappingOptions, year: int | None, row: int) -> date | None:
    """A heading or preamble cell as a date, or None when it is no date at all."""
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else None
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = _LABEL_RE.sub("", value.strip())
    try:
        relative = event_day(text, options.start_date, options.end_date, 1, "start_date")
    except CellError as exc:
        raise InputFileError(f'Row {row} is a day heading ("{value}"): {exc}') from exc
    if relative is not None:
        return relative
    try:
        return parse_date(text, options.date_order)
    except CellError:
        pass
    numbers = re.findall(r"\d+", text)
    if _MONTH_WORD.search(text) and len(numbers) == 1 and int(numbers[0]) <= 31:
        if year is None:  # "Monday 18 March": the year is not in the sheet
            raise InputFileError(
                f'Row {row} is a day heading without a year ("{value}"). Give the event\'s '
                'first day in the config file: start_date = "2026-06-10" under [defaults].'
            )
        try:
            return parse_date(f"{text} {year}", options.date_order)
        except CellError:
            return None
    return None


def _is_time(value: CellValue) -> bool:
    try:
        parse_time(value)
    except CellError:
        return False
    return True


def read_preamble(table: Table, options: MappingOptions) -> Preamble:
    found = Preamble()
    if table.sheet is not None:  # one sheet per day: "Monday 18 March", "2026-06-10"
        day = _preamble_date(table.sheet, options)
        if day is not None:
            found = Preamble(day=day)
    for row in table.above:
        for value in _filled(row.values):
            if found.day is None:
                day = _preamble_date(value, options)
                if day is not None:
                    found = dataclasses.replace(found, day=day, day_row=row.number)
            if found.zone is None and isinstance(value, str):
                match = _ZONE_RE.search(value)
                # "ET", "PT": only in a cell about times ("All times ET"), not in a title.
                vague = match is not None and len(match.group(0)) == 2
                if match and (not vague or "time" in value.lower()):
                    found = dataclasses.replace(found, zone=match.group(0), zone_row=row.number)
    return found


def _preamble_date(value: CellValue, options: MappingOptions) -> date | None:
    try:
        return as_date(value, options, None, 0)
    except InputFileError:
        return None  # a title like "Day 1 keynote": not the event's date


def _heading(
    values: tuple[CellValue, ...], options: MappingOptions, year: int | None, row: int
) -> date | str | None:
    """A date for a day heading, the text of a section heading, or None for a session row."""
    filled = _filled(values)
    if not filled or len(filled) > 3 or not all(isinstance(v, str | date) for v in filled):
        return None  # most session rows stop here: a time, a number, or many cells
    if len(filled) > 1:  # "Monday" and "18 March 2024" in two cells
        return _day_of_cells(filled, options, year, row)
    day = as_date(filled[0], options, year, row)
    if day is not None:
        return day
    if _is_time(filled[0]) or not isinstance(filled[0], str):
        return None
    return " ".join(filled[0].split())


def _day_of_cells(
    filled: list[CellValue], options: MappingOptions, year: int | None, row: int
) -> date | None:
    """The one day that the cells of a heading split over cells name, or None for no heading.

    Cells that cannot be dated alone ("Tuesday" or "Day 2" without the event's first day,
    "9 June" without a year) are checked against the full date beside them, which settles
    the day: a weekday must be that date's weekday.
    """
    days: set[date] = set()
    unplaced: list[CellValue] = []
    for value in filled:
        try:
            day = as_date(value, options, year, row)
        except InputFileError:
            unplaced.append(value)
            continue
        if day is None:
            return None  # a cell that is no day at all: a session row
        days.add(day)
    if len(days) != 1:
        return None
    day = days.pop()
    return day if all(_names_day(v, day, options, row) for v in unplaced) else None


def _names_day(value: CellValue, day: date, options: MappingOptions, row: int) -> bool:
    """Whether a cell that could not be dated alone agrees with the full date beside it."""
    named = weekday(value)
    if named is not None:
        return named == day.weekday()
    if isinstance(value, str) and not value.strip().isdigit() and day_number(value) is not None:
        # "Day 2": without the first day it cannot be checked, and the date says which day.
        return options.start_date is None
    try:
        return as_date(value, options, day.year, row) == day  # "9 June" beside 2026-06-09
    except InputFileError:
        return False


def read_context(table: Table, options: MappingOptions) -> Table:
    """The table without its heading rows, with what they say about each row in ``context``."""
    preamble = read_preamble(table, options)
    year = _year_hint(options, preamble)
    mode = options.headings
    day: date | None = preamble.day if options.default_date is None else None
    section: tuple[str, int] | None = None
    kept: list[SourceRow] = []
    context: dict[int, RowContext] = {}
    days: list[int] = []
    sections: list[tuple[int, str]] = []
    for row in table.rows:
        heading = _heading(row.values, options, year, row.number)
        if isinstance(heading, date):
            day, section = heading, None
            days.append(row.number)
            continue
        if isinstance(heading, str):
            sections.append((row.number, heading))
            if mode == "date":
                raise InputFileError(
                    f'Row {row.number} is a heading ("{heading}") but not a date, and the config '
                    'says headings = "date". Check the row, or choose "parent", "tag" or "ignore".'
                )
            if mode in ("parent", "tag"):
                section = (heading, row.number)
            if mode == "parent":
                kept.append(row)
                context[row.number] = RowContext(day, heading, row.number, heading=True)
            continue
        kept.append(row)
        if day is not None or section is not None:
            context[row.number] = RowContext(
                day, section[0] if section else None, section[1] if section else None
            )
    if not days and not sections and preamble == Preamble():
        return table
    notes = list(table.notes) + _notes(table, preamble, days, sections, mode, options)
    return dataclasses.replace(table, rows=tuple(kept), context=context, notes=tuple(notes))


def _notes(
    table: Table,
    preamble: Preamble,
    days: list[int],
    sections: list[tuple[int, str]],
    mode: str | None,
    options: MappingOptions,
) -> list[str]:
    where = f'{table.path.name}, sheet "{table.sheet}"' if table.sheet else table.path.name
    notes = []
    if preamble.day is not None and options.default_date is None:
        source = (
            f"in row {preamble.day_row}, above the header,"
            if preamble.day_row is not None
            else "in the sheet's name"
        )
        notes.append(
            f"{where}: the date {preamble.day:%Y-%m-%d} {source} is the date of the rows that "
            "give none."
        )
    if days:
        notes.append(
            f"{where}: {_rows_phrase(days)} "
            + ("is a day heading" if len(days) == 1 else "are day headings")
            + ": each gives its date to the rows below it that have none."
        )
    if sections and mode is None:
        one = len(sections) == 1
        shown = ", ".join(f'"{text}"' for _, text in sections[:3])
        more = f" and {len(sections) - 3} more" if len(sections) > 3 else ""
        looks = "looks like a section heading" if one else "look like section headings"
        notes.append(
            f"{where}: {_rows_phrase([r for r, _ in sections])} {looks} ({shown}{more}) and "
            f"{'was' if one else 'were'} not imported. To make each one a session around the "
            'rows below it, write headings = "parent" under [layout] in the config; '
            'headings = "tag" tags those rows with it; headings = "ignore" drops this note.'
        )
    return notes


# Where a zone written in a sheet is most likely to be: for the hint, never applied by itself.
ZONE_HINTS = {
    "AKDT": "America/Anchorage",
    "AKST": "America/Anchorage",
    "PDT": "America/Los_Angeles",
    "PST": "America/Los_Angeles",
    "PT": "America/Los_Angeles",
    "EDT": "America/New_York",
    "EST": "America/New_York",
    "ET": "America/New_York",
    "CDT": "America/Chicago",
    "CT": "America/Chicago",
    "MDT": "America/Denver",
    "MT": "America/Denver",
    "CET": "Europe/Paris",
    "CEST": "Europe/Paris",
    "BST": "Europe/London",
    "GMT": "UTC",
    "UTC": "UTC",
    "JST": "Asia/Tokyo",
    "AEST": "Australia/Sydney",
    "AEDT": "Australia/Sydney",
    "NZDT": "Pacific/Auckland",
    "NZST": "Pacific/Auckland",
}


def check_stated_zone(table: Table, options: MappingOptions, timezone: str) -> None:
    """The zone the rows above the header name must be the one the times are read in."""
    preamble = read_preamble(table, options)
    if preamble.zone is None:
        return
    day = preamble.day or options.start_date or options.default_date
    if _agrees(preamble.zone, timezone, day):
        return
    where = f'{table.path.name}, sheet "{table.sheet}"' if table.sheet else table.path.name
    hint = ZONE_HINTS.get(preamble.zone.upper())
    example = f" (for {preamble.zone}: --timezone {hint})" if hint else ""
    raise InputFileError(
        f"{where}: row {preamble.zone_row}, above the header, says the times are in "
        f"{preamble.zone}, but they would be read in {timezone}. Give the time zone they are in "
        f'with --timezone{example}, or timezone = "Area/City" under [defaults].'
    )


def _agrees(word: str, timezone: str, day: date | None) -> bool:
    if word.upper() in zone_names(timezone, day):
        return True
    stated = zone_offset(word, day)
    if stated is None:
        return False
    days = [day] if day else [date(2026, 1, 15), date(2026, 7, 15)]
    event = check_timezone(timezone)
    return all(
        datetime.combine(d, time(12), stated).utcoffset()
        == datetime.combine(d, time(12), event).utcoffset()
        for d in days
    )
