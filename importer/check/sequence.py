"""What only the rows of a whole day settle: afternoons on a 12-hour clock, and ``end = "next"``.

A sheet that writes 9:00, 11:30, 1:00, 2:30 means the afternoon for the last two; read alone,
each would land twelve hours early. Start-only agendas end each session where the next one in
its room (or track) starts. Both are decided here, in file order, and every decision that
moves a time is a warning naming its rows: it is a reading, not a certainty.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from importer.check.cells import show
from importer.check.drafts import Problem
from importer.check.phrases import rows_phrase as _rows_phrase
from importer.check.rowtimes import Span, TimeContext, local
from importer.read.table import CellValue

HALF_DAY = timedelta(hours=12)
# After 12:30, "3:00" is the afternoon; after 16:00, "9:00" starts the next track's morning.
STEP = timedelta(hours=4)
# Bare 1:00 to 6:59 never is a conference morning once the day has begun.
EARLY_HOURS = 7


def settle(spans: list[Span], ctx: TimeContext) -> list[Problem]:
    """Move the spans' times where the day's order says so; the notes to show the user."""
    notes: list[Problem] = []
    moved = _afternoons(spans, ctx)
    if moved:
        notes.append(
            Problem(
                None,
                None,
                None,
                f"Times without am/pm on {_rows_phrase(moved)} were read as afternoon, from the "
                "order of their day (a time earlier than the one before it). Check them, or "
                "write 13:30 or 1:30 PM.",
                "warning",
            )
        )
    if ctx.options.end_mode == "next":
        notes.extend(_ends_at_next(spans, ctx))
    return notes


def _by_day(spans: list[Span], ctx: TimeContext) -> dict[date, list[Span]]:
    days: dict[date, list[Span]] = defaultdict(list)
    for span in spans:
        days[local(span.begin, ctx.zone).date()].append(span)
    return days


def _afternoons(spans: list[Span], ctx: TimeContext) -> list[int]:
    moved: list[int] = []
    for items in _by_day(spans, ctx).values():
        clocks = [c for s in items for c in (s.start_clock, s.end_clock)]
        if any(c.twenty_four for c in clocks) or not any(c.bare for c in clocks):
            continue  # a 24-hour clock, or nothing to settle
        previous: datetime | None = None
        for span in items:
            if _afternoon(span, previous, ctx):
                _shift(span, span.row.raw("start"))
                moved.append(span.row.number)
            elif _end_afternoon(span, ctx):
                assert span.finish is not None
                span.finish += HALF_DAY
                _warn_end(span)
                moved.append(span.row.number)
            previous = local(span.begin, ctx.zone)
    return sorted(set(moved))


def _afternoon(span: Span, previous: datetime | None, ctx: TimeContext) -> bool:
    begin = local(span.begin, ctx.zone)
    if not span.start_clock.bare or begin.hour >= 12 or previous is None or begin >= previous:
        return False
    later = begin + HALF_DAY
    return previous <= later <= previous + STEP or (begin.hour < EARLY_HOURS and later >= previous)


def _end_afternoon(span: Span, ctx: TimeContext) -> bool:
    if span.finish is None or not span.end_clock.bare or span.in_range:
        return False
    begin, end = local(span.begin, ctx.zone), local(span.finish, ctx.zone)
    return end <= begin and end.hour < 12 and end + HALF_DAY > begin


def _shift(span: Span, raw: CellValue) -> None:
    span.begin += HALF_DAY
    late = span.finish is not None and span.finish <= span.begin
    if late and span.finish is not None and (span.end_clock.bare or span.in_range):
        span.finish += HALF_DAY
    span.row.fail(
        "start",
        f'"{show(raw)}" has no am/pm: read as {span.begin:%H:%M}, because the rows before it '
        "reach the afternoon. Write 13:30 or 1:30 PM to be sure.",
        "warning",
    )


def _warn_end(span: Span) -> None:
    assert span.finish is not None
    span.row.fail(
        span.end_column,
        f'"{show(span.row.raw("end"))}" has no am/pm: read as {span.finish:%H:%M}, after the '
        "start. Write 13:30 or 1:30 PM to be sure.",
        "warning",
    )


def _group(span: Span) -> str:
    """Sessions run one after another within a room; else within a track; else the day."""
    for field in ("location", "tags"):
        value = span.row.raw(field)
        if value is not None and str(value).strip():
            return f"{field}:{' '.join(str(value).casefold().split())}"
    return ""


def _ends_at_next(spans: list[Span], ctx: TimeContext) -> list[Problem]:
    groups: dict[tuple[date, str], list[Span]] = defaultdict(list)
    for span in spans:
        groups[(local(span.begin, ctx.zone).date(), _group(span))].append(span)
    last: list[int] = []
    for items in groups.values():
        items.sort(key=lambda s: local(s.begin, ctx.zone))
        for index, span in enumerate(items):
            if span.finish is not None:
                continue
            begin = local(span.begin, ctx.zone)
            later = [local(s.begin, ctx.zone) for s in items[index + 1 :]]
            following = next((moment for moment in later if moment > begin), None)
            if following is not None:
                span.finish = following
                continue
            minutes = ctx.options.default_duration_min
            if minutes:
                span.finish = span.begin + timedelta(minutes=minutes)
                last.append(span.row.number)
            else:
                span.row.fail(
                    "start",
                    f"No session starts after this one on {begin:%Y-%m-%d}"
                    f'{_where(span)}, so it has no end (end = "next"). Give it an end '
                    "time, or set duration_minutes under [defaults] for the last session of a "
                    "day.",
                )
    if not last:
        return []
    one = len(last) == 1
    rows = _rows_phrase(sorted(last))
    scope = "day and room" if _rooms(spans) else "day"
    text = (
        f"{rows[0].upper()}{rows[1:]} {'is' if one else 'are'} the last of "
        f"{'its' if one else 'their'} {scope}: with no next start to end at, "
        f"{'it lasts' if one else 'they last'} duration_minutes "
        f"({ctx.options.default_duration_min} minutes)."
    )
    return [Problem(None, None, None, text, "warning")]


def _where(span: Span) -> str:
    key = _group(span)
    return f" in {span.row.raw(key.split(':')[0])!s}" if key else ""


def _rooms(spans: list[Span]) -> bool:
    return any(_group(s) for s in spans)
