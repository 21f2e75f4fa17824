"""check/rowtimes.py: one row's start and end, from its cells to UTC, and what is wrong."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from importer.check.cells import CellError
from importer.check.rowtimes import NO_DATE, START_ONLY, finish, local, read_times, to_utc
from tests.unit.rowviews import context, messages, spans, views

PARIS = ZoneInfo("Europe/Paris")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


Said = list[tuple[int, str | None, str, str]]


def times(
    fields: list[str], row: list[object], zone: str = "UTC", **options: object
) -> tuple[tuple[datetime, datetime] | None, Said]:
    ctx = context(zone, **options)
    rows = views(fields, [row])
    read = spans(rows, ctx)
    return (finish(read[0], ctx) if read else None), messages(rows)


def test_a_local_time_becomes_utc_in_the_events_zone() -> None:
    assert times(["date", "start", "end"], ["2026-06-10", "9:00", "10:30"], "Europe/Paris") == (
        (utc(2026, 6, 10, 7), utc(2026, 6, 10, 8, 30)),
        [],
    )


def test_a_range_in_one_cell_that_passes_midnight_ends_the_next_day() -> None:
    result, said = times(["date", "start"], ["2026-06-10", "7:00 PM - 12:30 AM"])
    assert result == (utc(2026, 6, 10, 19), utc(2026, 6, 11, 0, 30))
    assert said == []


def test_a_duration_gives_the_end() -> None:
    result, _ = times(["date", "start", "duration"], ["2026-06-10", "9:00", "45"])
    assert result == (utc(2026, 6, 10, 9), utc(2026, 6, 10, 9, 45))


def test_an_end_that_disagrees_with_the_duration_wins_with_a_warning() -> None:
    result, said = times(
        ["date", "start", "end", "duration"], ["2026-06-10", "9:00", "10:00", "30"]
    )
    assert result == (utc(2026, 6, 10, 9), utc(2026, 6, 10, 10))
    assert said == [
        (
            2,
            "duration",
            "warning",
            "The end time makes the session 60 minutes long, the duration says 30. The end time "
            "is used: correct the one that is wrong, or leave the duration empty.",
        )
    ]


def test_an_empty_start_is_said() -> None:
    assert times(["date", "start", "end"], ["2026-06-10", None, "10:00"]) == (
        None,
        [
            (
                2,
                "start",
                "error",
                "The start time is empty. Write it like 09:30 (with a Date column) or "
                "2026-06-10 09:30.",
            )
        ],
    )


def test_a_time_without_a_date_anywhere_is_said() -> None:
    assert times(["start", "end"], ["9:00", "10:00"]) == (None, [(2, "start", "error", NO_DATE)])


def test_the_default_date_fills_a_missing_date() -> None:
    result, said = times(["start", "end"], ["9:00", "10:00"], default_date=date(2026, 6, 10))
    assert result == (utc(2026, 6, 10, 9), utc(2026, 6, 10, 10))
    assert said == []


def test_a_start_only_sheet_explains_end_next() -> None:
    assert times(["date", "start"], ["2026-06-10", "9:00"]) == (
        None,
        [(2, "start", "error", START_ONLY)],
    )


def test_a_missing_end_in_an_end_column_is_said_there() -> None:
    _, said = times(["date", "start", "end"], ["2026-06-10", "9:00", None])
    assert [(c, m[:24]) for _, c, _, m in said] == [("end", "The end time is missing.")]


def test_the_default_duration_ends_a_row_without_end() -> None:
    result, _ = times(
        ["date", "start", "end"], ["2026-06-10", "9:00", None], default_duration_min=20
    )
    assert result == (utc(2026, 6, 10, 9), utc(2026, 6, 10, 9, 20))


def test_an_end_before_the_start_on_a_24_hour_clock_is_an_error() -> None:
    assert times(["date", "start", "end"], ["2026-06-10", "14:00", "13:00"]) == (
        None,
        [
            (
                2,
                "end",
                "error",
                "The session ends (2026-06-10 13:00) before or when it starts (2026-06-10 14:00)."
                " Check the end time.",
            )
        ],
    )


def test_a_bad_date_and_a_bad_start_are_both_reported() -> None:
    _, said = times(["date", "start", "end"], ["the 45th", "half past", "10:00"])
    assert [c for _, c, _, _ in said] == ["date", "start"]


def test_a_time_the_clocks_skip_is_refused() -> None:
    with pytest.raises(CellError) as caught:
        to_utc(datetime(2026, 3, 29, 2, 30), PARIS, "Europe/Paris")
    assert str(caught.value) == (
        "2026-03-29 02:30 does not exist in Europe/Paris: the clocks jump forward that night. "
        "Choose a time outside the jump."
    )


def test_a_time_that_happens_twice_is_refused() -> None:
    with pytest.raises(CellError) as caught:
        to_utc(datetime(2026, 10, 25, 2, 30), PARIS, "Europe/Paris")
    assert str(caught.value) == (
        "2026-10-25 02:30 happens twice in Europe/Paris: the clocks go back that night. "
        "Choose another time, or give times in UTC with --timezone UTC."
    )


def test_a_time_with_its_own_offset_is_exact_already() -> None:
    moment = datetime(2026, 3, 29, 2, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert to_utc(moment, PARIS, "Europe/Paris") == utc(2026, 3, 28, 17, 30)
    assert local(moment, PARIS) == datetime(2026, 3, 28, 18, 30)
    assert local(datetime(2026, 1, 1, 9), PARIS) == datetime(2026, 1, 1, 9)


def test_read_times_leaves_next_open_for_the_sequence() -> None:
    ctx = context(end_mode="next")
    span = read_times(views(["date", "start"], [["2026-06-10", "9:00"]])[0], ctx)
    assert span is not None and span.finish is None
    assert finish(span, ctx) is None
