"""Rows of a loaded table -> validated session drafts, with a message for every problem."""

from __future__ import annotations

__all__ = ["MAX_TITLE", "UUID_RE", "Draft", "Mapped", "Problem", "Severity", "map_rows"]

import difflib
import html
import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from importer.cells import (
    Cell,
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
from importer.columns import ColumnMap, match_columns
from importer.config import MappingOptions
from importer.drafts import MAX_TITLE, UUID_RE, Draft, Mapped, Problem, Severity
from importer.excelerrors import ExcelError
from importer.loader import Table

_ENTITY_RE = re.compile(r"&(#\d+|#x[0-9a-f]+|[a-z]+);", re.IGNORECASE)
# UTF-8 read as Mac Roman or Windows-1252 and saved again: the usual marks it leaves.
MOJIBAKE = ("‚Äô", "‚Äú", "‚Äù", "‚Äì", "‚Äî", "¬∞", "â€™", "â€œ", "â€“", "Ã©", "Ã¨", "Ã¼", "Ã¶")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SCRIPT_RE = re.compile(r"<\s*script\b", re.IGNORECASE)
NUL_MESSAGE = (
    "This cell contains a NUL character (an invisible zero byte), which a damaged file or a "
    "faulty export leaves behind. Delete it, or re-save the file from the program it came from, "
    "then try again."
)
EXCEL_ERROR_MESSAGE = (
    "This cell shows the Excel error {code}, so its value is unknown: its formula is broken or "
    "refers to something missing. Fix the formula (or type the value instead), save, and try "
    "again."
)
SCRIPT_WARNING = (
    "The description contains a script (<script>). Zuddl does not show scripts in session "
    "descriptions, so remove it from the cell."
)


def location_key(name: str) -> str:
    return " ".join(name.casefold().split())


def clean_text(value: Cell) -> str | None:
    if value is None:
        return None
    text = unicodedata.normalize("NFC", show(value) if not isinstance(value, str) else value)
    return text.strip() or None


def _tz_message(moment: datetime, zone: str, kind: str) -> str:
    if kind == "gap":
        return (
            f"{moment:%Y-%m-%d %H:%M} does not exist in {zone}: the clocks jump forward "
            "that night. Choose a time outside the jump."
        )
    return (
        f"{moment:%Y-%m-%d %H:%M} happens twice in {zone}: the clocks go back that night. "
        "Choose another time, or give times in UTC with --timezone UTC."
    )


def to_utc(moment: datetime, zone: tzinfo, zone_name: str) -> datetime:
    first, second = moment.replace(tzinfo=zone, fold=0), moment.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        back = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        raise CellError(_tz_message(moment, zone_name, "gap" if back != moment else "twice"))
    return first.astimezone(UTC)


class _Row:
    """Collects one row's values and problems; keeps map_rows readable."""

    def __init__(
        self, number: int, values: tuple[Cell, ...], cols: ColumnMap, letters: Sequence[str]
    ) -> None:
        self.number, self.values, self.cols, self.letters = number, values, cols, letters
        self.problems: list[Problem] = []

    def unknown(self, field: str) -> bool:
        """Whether the field's cell shows an Excel error (which _map_row reports, once)."""
        index = self.cols.fields.get(field)
        return index is not None and isinstance(self.values[index], ExcelError)

    def raw(self, field: str) -> Cell:
        index = self.cols.fields.get(field)
        if index is None:
            return None
        value = self.values[index]
        # "#REF!" is what Excel shows, not the cell's value: to the checks the cell is empty.
        return None if isinstance(value, ExcelError) else value

    def fail(self, field: str, message: str, severity: Severity = "error") -> None:
        if self.unknown(field):
            return  # the cell has its message already; another would only be about "empty"
        index = self.cols.fields.get(field)
        value = self.raw(field)
        self.problems.append(
            Problem(
                self.number,
                self.cols.headers[index] if index is not None else None,
                show(value) if value is not None else None,
                message,
                severity,
                f"{self.letters[index]}{self.number}" if index is not None else None,
            )
        )

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def map_rows(
    table: Table,
    options: MappingOptions,
    *,
    timezone: str,
    locations: Mapping[str, str] | None = None,
) -> Mapped:
    """Every row of ``table`` as a ``Draft`` or as problems.

    ``locations`` maps the event's location names, as the event spells them, to their IDs.
    """
    cols = match_columns(table, options)
    zone = ZoneInfo(timezone)
    order = options.date_order
    if order is None:
        texts = [
            v
            for f in ("date", "start", "end")
            if f in cols.fields
            for r in table.rows
            if isinstance(v := r.values[cols.fields[f]], str)
        ]
        order = infer_date_order(texts)
    known_ids = set(locations.values()) if locations is not None else set()
    places = (
        {location_key(name): (place_id, name) for name, place_id in locations.items()}
        if locations is not None
        else None
    )
    drafts: list[Draft] = []
    problems: list[Problem] = [Problem(None, None, None, n, "warning") for n in cols.notes]
    invalid: set[int] = set()
    seen_refs: dict[str, int] = {}
    for source in table.rows:
        row = _Row(source.number, source.values, cols, table.columns)
        draft = _map_row(row, options, zone, timezone, order, places, known_ids, seen_refs)
        problems.extend(row.problems)
        if draft is None:
            invalid.add(source.number)
        else:
            drafts.append(draft)
    return Mapped(tuple(drafts), tuple(problems), frozenset(invalid), cols)


def _map_row(
    row: _Row,
    options: MappingOptions,
    zone: tzinfo,
    zone_name: str,
    order: Literal["mdy", "dmy", "ymd"] | None,
    places: Mapping[str, tuple[str, str]] | None,
    known_ids: set[str],
    seen_refs: dict[str, int],
) -> Draft | None:
    for index, value in enumerate(row.values):  # any cell, imported or not: never dropped
        if isinstance(value, str) and "\x00" in value:
            header = row.cols.headers[index] if index < len(row.cols.headers) else None
            cell = f"{row.letters[index]}{row.number}" if index < len(row.letters) else None
            shown = value.replace("\x00", "")
            row.problems.append(Problem(row.number, header, shown, NUL_MESSAGE, "error", cell))
    for index in sorted(set(row.cols.fields.values())):  # columns not imported cannot hurt
        if isinstance(code := row.values[index], ExcelError):
            message = EXCEL_ERROR_MESSAGE.format(code=code)
            cell = f"{row.letters[index]}{row.number}"
            row.problems.append(
                Problem(row.number, row.cols.headers[index], str(code), message, "error", cell)
            )
    title = clean_text(row.raw("title"))
    if title is not None:
        # Titles are plain text in Zuddl: "&#39;" from a web export means an apostrophe.
        title = _CONTROL_RE.sub("", html.unescape(title) if _ENTITY_RE.search(title) else title)
        title = title.strip() or None  # "&nbsp;" alone is no title either
        if title and any(mark in title for mark in MOJIBAKE):
            row.fail(
                "title",
                "The title looks garbled (such as ‚Äô or â€™ where ’ was meant): the file was "
                "saved with the wrong text encoding. Save it again as CSV UTF-8, or fix the "
                "characters.",
                "warning",
            )
    if not title:
        row.fail("title", "The title is empty. Every session needs a title.")
    elif len(title) > MAX_TITLE:
        row.fail(
            "title",
            f"The title is {len(title)} characters long; Zuddl allows at most "
            f"{MAX_TITLE}. Shorten it.",
        )

    reference = clean_text(row.raw("reference"))
    if reference is not None:
        if reference in seen_refs:
            row.fail(
                "reference",
                f'Reference ID "{reference}" is also used on row '
                f"{seen_refs[reference]}. Give each session its own reference ID.",
            )
        else:
            seen_refs[reference] = row.number

    start, end = _times(row, options, zone, zone_name, order)

    location_id = None
    place = clean_text(row.raw("location")) or options.default_location
    if place is not None:
        location_id = _location(row, place, places, known_ids)

    capacity = None
    if row.raw("capacity") is not None and clean_text(row.raw("capacity")) is not None:
        try:
            capacity = parse_whole_number(row.raw("capacity"))
        except CellError as exc:
            row.fail("capacity", str(exc))

    tags: dict[str, str] = {}
    for tag in re.split(r"[,;|]", clean_text(row.raw("tags")) or ""):
        if tag.strip():
            tags.setdefault(tag.strip().casefold(), tag.strip())

    description = clean_text(row.raw("description"))
    if description is not None and _SCRIPT_RE.search(description):
        row.fail("description", SCRIPT_WARNING, "warning")

    if not row.ok or title is None or start is None or end is None:
        return None
    try:
        return Draft(
            row=row.number,
            reference_id=reference,
            parent_ref=clean_text(row.raw("parent")),
            title=title,
            description=description,
            start=start,
            end=end,
            location_id=location_id,
            capacity=capacity,
            tags=tuple(tags.values()),
        )
    except ValidationError as exc:  # a rule the checks above missed: still a row error
        row.fail("title", f"This row breaks a rule of Zuddl's API: {exc.errors()[0]['msg']}.")
        return None


def _location(
    row: _Row, place: str, places: Mapping[str, tuple[str, str]] | None, ids: set[str]
) -> str | None:
    if UUID_RE.match(place):
        if places is not None and place.lower() not in ids:
            row.fail(
                "location",
                f'"{place}" is not the ID of a location of this event. '
                "Use a location name or ID from the event.",
            )
        return place.lower()
    if places is None:
        return None  # checked once the event's locations are known
    key = location_key(place)
    if key in places:
        return places[key][0]
    names = sorted(name for _, name in places.values())
    close = difflib.get_close_matches(key, list(places), n=3, cutoff=0.75)
    if close:
        hint = " Did you mean " + " or ".join(f'"{places[c][1]}"' for c in close) + "?"
    else:
        hint = " The event's locations are: " + ", ".join(f'"{n}"' for n in names[:10]) + "."
    row.fail("location", f'"{place}" is not a location of this event.{hint}')
    return None


def _times(
    row: _Row,
    options: MappingOptions,
    zone: tzinfo,
    zone_name: str,
    order: Literal["mdy", "dmy", "ymd"] | None,
) -> tuple[datetime | None, datetime | None]:
    raw_start = row.raw("start")
    if raw_start is None:
        row.fail(
            "start",
            "The start time is empty. Write it like 09:30 (with a Date column) "
            "or 2026-06-10 09:30.",
        )
        return None, None
    day: date | None = options.default_date
    date_failed = row.unknown("date")  # not "has no date": the Date cell is reported already
    if row.raw("date") is not None:
        try:
            day = parse_date(row.raw("date"), order)
        except CellError as exc:
            row.fail("date", str(exc))
            date_failed = True  # still check the start, so one run reports both
    try:
        span = parse_range(raw_start)
        begin = span[0] if span else parse_moment(raw_start, order)
    except CellError as exc:
        message = str(exc)
        if "date" in row.cols.fields:  # the date has its own column: a time belongs here
            try:
                parse_time(raw_start)
            except CellError as as_time:
                message = str(as_time)
        row.fail("start", message)
        return None, None
    if date_failed:
        return None, None
    if isinstance(begin, time):
        if day is None:
            row.fail(
                "start",
                f'"{show(raw_start)}" has no date. Add a Date column, write the '
                "date in this cell (2026-06-10 09:30), or set a default date in the config.",
            )
            return None, None
        begin = datetime.combine(day, begin)
    finish: datetime | None = None
    if span:
        finish = datetime.combine(begin.date(), span[1])
        if finish <= begin:  # "7:00 PM - 12:30 AM": a range written in one cell ends next day
            finish += timedelta(days=1)
    elif row.raw("end") is not None:
        try:
            moment = parse_moment(row.raw("end"), order)
        except CellError as exc:
            row.fail("end", str(exc))
            return None, None
        finish = datetime.combine(begin.date(), moment) if isinstance(moment, time) else moment
    elif row.raw("duration") is not None:
        try:
            finish = begin + parse_duration(row.raw("duration"))
        except CellError as exc:
            row.fail("duration", str(exc))
            return None, None
    elif row.unknown("end") or row.unknown("duration"):
        return None, None  # reported already; "the end time is missing" would mislead
    elif options.default_duration_min:
        finish = begin + timedelta(minutes=options.default_duration_min)
    else:
        column = "end" if "end" in row.cols.fields else "start"
        row.fail(
            column,
            "The end time is missing. Write an end time, a duration, or set a "
            "default duration in the config file.",
        )
        return None, None
    if finish <= begin:
        column = "end" if "end" in row.cols.fields and not span else "start"
        row.fail(
            column,
            f"The session ends ({finish:%Y-%m-%d %H:%M}) before or when it starts "
            f"({begin:%Y-%m-%d %H:%M}). Check the end time.",
        )
        return None, None
    result = []
    for moment, column in (
        (begin, "start"),
        (finish, "end" if "end" in row.cols.fields else "start"),
    ):
        try:
            result.append(to_utc(moment, zone, zone_name))
        except CellError as exc:
            row.fail(column, str(exc))
    return (result[0], result[1]) if len(result) == 2 else (None, None)
