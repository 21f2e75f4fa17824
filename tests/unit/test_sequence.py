"""check/sequence.py: what only a whole day settles, 12-hour afternoons and end = "next"."""

from __future__ import annotations

from typing import Any

from importer.check.rowtimes import finish
from importer.check.sequence import settle
from tests.unit.rowviews import context, messages, spans, views

DAY = "2026-06-10"


def run(
    fields: list[str], rows: list[list[Any]], **options: Any
) -> tuple[list[str], list[str], list[str]]:
    """The rows' times as "HH:MM-HH:MM" UTC (or "-"), the day's notes, the rows' messages."""
    ctx = context(**options)
    seen = views(fields, rows)
    read = spans(seen, ctx)
    notes = [p.message for p in settle(read, ctx)]
    shown = []
    for span in read:
        result = finish(span, ctx)
        shown.append(f"{result[0]:%H:%M}-{result[1]:%H:%M}" if result else "-")
    return shown, notes, [f"{row} {col} {sev}: {msg}" for row, col, sev, msg in messages(seen)]


def test_a_12_hour_day_reaches_the_afternoon() -> None:
    shown, notes, said = run(
        ["date", "start", "end"],
        [
            [DAY, "9:00", "11:30"],
            [DAY, "11:30", "1:00"],
            [DAY, "1:00", "2:30"],
            [DAY, "2:30", "4:00"],
        ],
    )
    assert shown == ["09:00-11:30", "11:30-13:00", "13:00-14:30", "14:30-16:00"]
    assert notes == [
        "Times without am/pm on rows 3 to 5 were read as afternoon, from the order of their day "
        "(a time earlier than the one before it). Check them, or write 13:30 or 1:30 PM."
    ]
    assert said[0] == (
        '3 end warning: "1:00" has no am/pm: read as 13:00, after the start. Write 13:30 or '
        "1:30 PM to be sure."
    )
    assert said[1] == (
        '4 start warning: "1:00" has no am/pm: read as 13:00, because the rows before it reach '
        "the afternoon. Write 13:30 or 1:30 PM to be sure."
    )


def test_a_day_on_a_24_hour_clock_is_left_as_written() -> None:
    shown, notes, said = run(
        ["date", "start", "end"],
        [[DAY, "9:00", "10:00"], [DAY, "14:00", "15:00"], [DAY, "8:00", "8:30"]],
    )
    assert shown == ["09:00-10:00", "14:00-15:00", "08:00-08:30"]
    assert (notes, said) == ([], [])


def test_am_pm_written_out_is_never_moved() -> None:
    shown, notes, _ = run(
        ["date", "start", "end"], [[DAY, "10:00 AM", "11:00 AM"], [DAY, "9:00 AM", "9:30 AM"]]
    )
    assert shown == ["10:00-11:00", "09:00-09:30"]
    assert notes == []


def test_a_next_mornings_track_after_an_evening_is_not_moved() -> None:
    shown, notes, _ = run(["date", "start", "end"], [[DAY, "5:00", "6:00"], [DAY, "9:00", "9:30"]])
    assert shown == ["05:00-06:00", "09:00-09:30"]
    assert notes == []


def test_end_next_ends_each_session_at_the_next_start_in_its_room() -> None:
    shown, notes, said = run(
        ["date", "start", "location"],
        [
            [DAY, "9:00", "Hall"],
            [DAY, "9:30", "Annex"],
            [DAY, "10:00", "hall"],
            [DAY, "11:00", "Annex"],
        ],
        end_mode="next",
        default_duration_min=30,
    )
    assert shown == ["09:00-10:00", "09:30-11:00", "10:00-10:30", "11:00-11:30"]
    assert notes == [
        "Rows 4 and 5 are the last of their day and room: with no next start to end at, they "
        "last duration_minutes (30 minutes)."
    ]
    assert said == []


def test_end_next_without_a_duration_names_the_last_session() -> None:
    shown, notes, said = run(
        ["date", "start", "location"],
        [[DAY, "9:00", "Hall"], [DAY, "9:00", "Hall"]],
        end_mode="next",
    )
    # Two starts at one time: neither ends at the other; both are the last of the day.
    assert shown == ["-", "-"]
    assert notes == []
    assert said == [
        f"{n} start error: No session starts after this one on {DAY} in Hall, so it has no end "
        '(end = "next"). Give it an end time, or set duration_minutes under [defaults] for the '
        "last session of a day."
        for n in (2, 3)
    ]


def test_end_next_groups_by_day() -> None:
    shown, notes, _ = run(
        ["date", "start"],
        [[DAY, "9:00"], ["2026-06-11", "8:00"], [DAY, "10:00"]],
        end_mode="next",
        default_duration_min=15,
    )
    assert shown == ["09:00-10:00", "08:00-08:15", "10:00-10:15"]
    assert notes == [
        "Rows 3 and 4 are the last of their day: with no next start to end at, they last "
        "duration_minutes (15 minutes)."
    ]
