"""When one row's session starts and ends, read from its date, start, end and duration cells.

Reading stops at local times (or exact ones, when a cell carries its offset): a 12-hour clock
without am/pm and ``end = "next"`` can only be settled once the whole day is read
(``importer.check.sequence``); ``finish`` then turns the span into UTC and checks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from importer.check.cells import CellError, parse_date, parse_duration, parse_time
from importer.check.eventdays import event_day, is_yearless, with_year
from importer.check.rowview import RowView
from importer.check.timetext import Clock, clock_of, range_clocks, read_moment, read_range, tidy
from importer.settings.config import MappingOptions
from importer.settings.dateorder import DateOrder

# No value in the text: the same message on many rows is shown once, with the rows.
NO_DATE = (
    "The time has no date. Give it with --date 2026-06-10, add a Date column, write it in this "
    'cell (2026-06-10 09:30), or set date = "2026-06-10" under [defaults] in the config.'
)


# A sheet of start times only: most often each session ends as the next one starts.
START_ONLY = (
    "The sheet gives no end time or duration. If each session ends when the next one starts, "
    'write end = "next" under [defaults] in the config file (with duration_minutes for the last '
    "of a day); else add an End or Duration column, or set duration_minutes."
)


@dataclass
class Span:
    """One row's times as read; ``importer.check.sequence`` may still move them."""

    row: RowView
    begin: datetime  # naive: local to the event; aware: exact
    finish: datetime | None  # None: ends when the next one starts (end = "next")
    start_clock: Clock
    end_clock: Clock
    in_range: bool  # start and end came from one cell
    duration: timedelta | None = None  # a Duration cell next to an End cell, to compare

    @property
    def end_column(self) -> str:
        return "end" if "end" in self.row.cols.fields and not self.in_range else "start"


@dataclass(frozen=True)
class TimeContext:
    options: MappingOptions
    zone: tzinfo
    zone_name: str
    order: DateOrder | None
    day_base: int = 1  # "Day 0" or "Day 1" is the first day
    relative_days: bool = False  # the Date column counts days: "Day 2", 0/1/2, "Friday"


def local(moment: datetime, zone: tzinfo) -> datetime:
    """For comparing and grouping by day: any moment as the event's wall-clock time."""
    return moment.astimezone(zone).replace(tzinfo=None) if moment.tzinfo else moment


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
    if moment.tzinfo is not None:  # the cell gave its own offset: exact already
        return moment.astimezone(UTC)
    first, second = moment.replace(tzinfo=zone, fold=0), moment.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        back = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        raise CellError(_tz_message(moment, zone_name, "gap" if back != moment else "twice"))
    return first.astimezone(UTC)


def _day(row: RowView, ctx: TimeContext) -> tuple[date | None, bool]:
    """The row's date (or the default) and whether reading it failed."""
    options = ctx.options
    if row.raw("date") is None:
        return row.context.day or options.default_date, row.unknown("date")
    try:
        relative = (
            event_day(
                row.raw("date"), options.start_date, options.end_date, ctx.day_base, "start_date"
            )
            if ctx.relative_days
            else None
        )
        raw = row.raw("date")
        if relative is None and is_yearless(raw):  # "Monday 18 March": the year of the event
            known = options.start_date or options.default_date or options.end_date
            raw = with_year(str(raw), known.year if known else None)
        return relative or parse_date(raw, ctx.order), False
    except CellError as exc:
        row.fail("date", str(exc), kind="bad_date")
        return None, True  # still check the start, so one run reports both


def _start(
    row: RowView, ctx: TimeContext, day: date | None
) -> tuple[tuple[time, time] | None, datetime | time] | None:
    raw_start = row.raw("start")
    try:
        span = read_range(raw_start)
        begin = span[0] if span else read_moment(raw_start, ctx.order, ctx.zone_name, day)
    except CellError as exc:
        message = str(exc)
        if "date" in row.cols.fields:  # the date has its own column: a time belongs here
            try:
                parse_time(tidy(raw_start) if isinstance(raw_start, str) else raw_start)
            except CellError as as_time:
                message = str(as_time)
        row.fail("start", message)
        return None
    return span, begin


def read_times(row: RowView, ctx: TimeContext) -> Span | None:
    raw_start = row.raw("start")
    if raw_start is None:
        row.fail(
            "start",
            "The start time is empty. Write it like 09:30 (with a Date column) "
            "or 2026-06-10 09:30.",
        )
        return None
    day, date_failed = _day(row, ctx)
    started = _start(row, ctx, day)
    if started is None or date_failed:
        return None
    span, begin = started
    if isinstance(begin, time):
        if day is None:
            row.fail("start", NO_DATE, kind="no_date")
            return None
        begin = datetime.combine(day, begin)
    if span is not None:
        finish = datetime.combine(begin.date(), span[1], begin.tzinfo)
        if finish <= begin:  # "7:00 PM - 12:30 AM": a range written in one cell ends next day
            finish += timedelta(days=1)
        first, second = range_clocks(raw_start)
        return Span(row, begin, finish, first, second, in_range=True)
    return _end(row, ctx, begin, clock_of(raw_start))


def _end(row: RowView, ctx: TimeContext, begin: datetime, clock: Clock) -> Span | None:
    options = ctx.options
    duration: timedelta | None = None
    if row.raw("duration") is not None:
        try:
            duration = parse_duration(row.raw("duration"))
        except CellError as exc:
            row.fail("duration", str(exc))
            return None
    if row.raw("end") is not None:
        try:
            moment = read_moment(row.raw("end"), ctx.order, ctx.zone_name, begin.date())
        except CellError as exc:
            row.fail("end", str(exc))
            return None
        if isinstance(moment, time):
            finish = datetime.combine(begin.date(), moment, moment.tzinfo)
        else:
            finish = moment
        return Span(row, begin, finish, clock, clock_of(row.raw("end")), False, duration)
    if duration is not None:
        return Span(row, begin, begin + duration, clock, Clock(), False)
    if row.unknown("end") or row.unknown("duration"):
        return None  # reported already; "the end time is missing" would mislead
    if options.end_mode == "next":
        return Span(row, begin, None, clock, Clock(), False)
    if options.default_duration_min:
        finish = begin + timedelta(minutes=options.default_duration_min)
        return Span(row, begin, finish, clock, Clock(), False)
    if "end" in row.cols.fields or "duration" in row.cols.fields:
        row.fail(
            "end" if "end" in row.cols.fields else "duration",
            "The end time is missing. Write an end time, a duration, or set a "
            "default duration in the config file.",
        )
    else:
        row.fail("start", START_ONLY)
    return None


def finish(span: Span, ctx: TimeContext) -> tuple[datetime, datetime] | None:
    """The span in UTC, or None with the row's problem recorded."""
    row, begin, end = span.row, span.begin, span.finish
    if end is None:
        return None  # sequence reported why
    if (begin.tzinfo is None) == (end.tzinfo is None) and end <= begin:
        row.fail(
            span.end_column,
            f"The session ends ({end:%Y-%m-%d %H:%M}) before or when it starts "
            f"({begin:%Y-%m-%d %H:%M}). Check the end time.",
        )
        return None
    result = []
    for moment, column in ((begin, "start"), (end, span.end_column)):
        try:
            result.append(to_utc(moment, ctx.zone, ctx.zone_name))
        except CellError as exc:
            row.fail(column, str(exc))
    if len(result) != 2:
        return None
    if result[1] <= result[0]:
        row.fail(span.end_column, "The session ends before or when it starts. Check the end time.")
        return None
    if span.duration is not None and result[1] - result[0] != span.duration:
        minutes = int((result[1] - result[0]).total_seconds() // 60)
        row.fail(
            "duration",
            f"The end time makes the session {minutes} minutes long, the duration says "
            f"{int(span.duration.total_seconds() // 60)}. The end time is used: correct the one "
            "that is wrong, or leave the duration empty.",
            "warning",
        )
    return result[0], result[1]
