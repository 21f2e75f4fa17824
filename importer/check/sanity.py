"""Warnings for sessions that are valid one by one but look wrong together.

A sheet read with a wrong setting still gives valid sessions: afternoon talks twelve hours
early, three days on one, a day typed wrong in one row. Each of these leaves a trace this module
looks for: a session at night, a day outside the event's dates, two sessions in one room at
once, a row whose day differs from both its neighbours'. They are warnings: the user decides.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, tzinfo

from importer.check.drafts import Draft
from importer.check.rowview import RowView

NIGHT_ENDS = 6  # a session starting from midnight to 6 am is more likely a misread time

NIGHT = (
    "The session starts between midnight and 6 am, event time. Check the time (a missing "
    "am/pm?) and the time zone."
)


def sanity_warnings(
    items: Sequence[tuple[RowView, Draft]], zone: tzinfo, start: date | None, end: date | None
) -> None:
    """Add the warnings to each row's problems."""
    local = [(row, draft, draft.start.astimezone(zone)) for row, draft in items]
    for row, _, begin in local:
        if begin.hour < NIGHT_ENDS:
            row.fail("start", NIGHT, "warning")
        early = start is not None and begin.date() < start
        if early or (end is not None and begin.date() > end):
            days = f"{start:%Y-%m-%d} to {end:%Y-%m-%d}" if start and end else None
            days = days or (f"from {start:%Y-%m-%d}" if start else f"until {end:%Y-%m-%d}")
            row.fail(
                "date" if "date" in row.cols.fields else "start",
                f"The session is not on a day of the event ({days}, from start_date and "
                "end_date in the config). Check its date.",
                "warning",
            )
    _odd_days(local)
    _same_room(items)


def _odd_days(local: list[tuple[RowView, Draft, datetime]]) -> None:
    days = [begin.date() for _, _, begin in local]
    for index in range(1, len(local) - 1):
        before, here, after = days[index - 1], days[index], days[index + 1]
        if before == after != here:
            local[index][0].fail(
                "date" if "date" in local[index][0].cols.fields else "start",
                f"This row is on {here:%Y-%m-%d} but the rows around it are on "
                f"{before:%Y-%m-%d}. Check its date.",
                "warning",
            )


def _room(row: RowView, draft: Draft) -> str | None:
    place = row.raw("location")
    if draft.location_id is not None:
        return draft.location_id
    return " ".join(str(place).casefold().split()) or None if place is not None else None


def _related(a: Draft, b: Draft) -> bool:
    """A parent and its child share their room and time by design."""
    return bool(
        (a.reference_id and b.parent_ref == a.reference_id)
        or (b.reference_id and a.parent_ref == b.reference_id)
        or (a.parent_ref and a.parent_ref == b.parent_ref and a.start == b.start)
    )


def _same_room(items: Sequence[tuple[RowView, Draft]]) -> None:
    rooms: dict[str, list[tuple[RowView, Draft]]] = defaultdict(list)
    for row, draft in items:
        room = _room(row, draft)
        if room is not None:
            rooms[room].append((row, draft))
    for sessions in rooms.values():
        sessions.sort(key=lambda item: (item[1].start, item[0].number))
        # Sessions still running, by end: those that ended leave from the top (a heap).
        running: list[tuple[datetime, int, RowView, Draft]] = []
        for row, draft in sessions:
            while running and running[0][0] <= draft.start:
                heapq.heappop(running)
            clash = next((item for item in running if not _related(item[3], draft)), None)
            if clash is not None:
                _, _, other, held = clash
                place = row.raw("location")
                row.fail(
                    "location",
                    f'This session overlaps row {other.number} ("{held.title}") in the same '
                    f"room{f' ({place})' if place else ''}. Check both times and rooms.",
                    "warning",
                )
            heapq.heappush(running, (draft.end, row.number, row, draft))
