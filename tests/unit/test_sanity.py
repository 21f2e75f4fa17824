"""check/sanity.py: warnings for sessions valid one by one that look wrong together."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from importer.check.drafts import Draft
from importer.check.sanity import NIGHT, sanity_warnings
from tests.unit.rowviews import messages, views

FIELDS = ["date", "start", "location"]


def check(
    rows: list[tuple[str, int, str | None]],
    zone: str = "UTC",
    start: date | None = None,
    end: date | None = None,
    fields: dict[int, dict[str, Any]] | None = None,
) -> list[str]:
    """Rows of (day, hour, room), an hour long each; the warnings as "row column: message"."""
    seen = views(FIELDS, [[d, f"{h}:00", room] for d, h, room in rows])
    drafts = []
    for view, (day, hour, _) in zip(seen, rows, strict=True):
        begin = datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=UTC)
        drafts.append(
            Draft(
                row=view.number,
                title=f"Talk {view.number}",
                start=begin,
                end=begin + timedelta(hours=1),
                **(fields or {}).get(view.number, {}),
            )
        )
    sanity_warnings(list(zip(seen, drafts, strict=True)), ZoneInfo(zone), start, end)
    assert all(severity == "warning" for _, _, severity, _ in messages(seen))
    return [f"{row} {column}: {text}" for row, column, _, text in messages(seen)]


def test_a_plain_day_has_no_warning() -> None:
    assert (
        check([("2026-06-10", 9, "Hall"), ("2026-06-10", 10, "Hall"), ("2026-06-10", 9, "Annex")])
        == []
    )


def test_a_session_at_night_in_the_events_zone_is_warned() -> None:
    # 04:00 UTC is 13:00 in Tokyo: no warning there; 23:00 UTC is 08:00 the next day.
    assert check([("2026-06-10", 4, None)], zone="Asia/Tokyo") == []
    assert check([("2026-06-10", 4, None)]) == [f"2 start: {NIGHT}"]
    assert check([("2026-06-10", 6, None)]) == []


def test_a_day_outside_the_event_is_warned() -> None:
    said = check([("2026-06-12", 9, None)], start=date(2026, 6, 10), end=date(2026, 6, 11))
    assert said == [
        "2 date: The session is not on a day of the event (2026-06-10 to 2026-06-11, from "
        "start_date and end_date in the config). Check its date."
    ]
    assert check([("2026-06-09", 9, None)], start=date(2026, 6, 10))[0].startswith(
        "2 date: The session is not on a day of the event (from 2026-06-10,"
    )


def test_a_row_whose_day_differs_from_both_neighbours_is_warned() -> None:
    rows = [("2026-06-10", 9, None), ("2026-06-11", 10, None), ("2026-06-10", 11, None)]
    assert check(rows) == [
        "3 date: This row is on 2026-06-11 but the rows around it are on 2026-06-10. "
        "Check its date."
    ]
    # A new day that goes on is no typo.
    assert check([("2026-06-10", 9, None), ("2026-06-11", 9, None), ("2026-06-11", 10, None)]) == []


def test_two_sessions_at_once_in_one_room_any_spelling_are_warned() -> None:
    rows = [
        ("2026-06-10", 9, "Main Hall"),
        ("2026-06-10", 9, " main  hall"),
        ("2026-06-10", 10, "Main Hall"),
    ]
    assert check(rows) == [
        '3 location: This session overlaps row 2 ("Talk 2") in the same room ( main  hall). '
        "Check both times and rooms."
    ]


def test_a_parent_and_its_child_share_a_room_by_design() -> None:
    rows = [("2026-06-10", 9, "Hall"), ("2026-06-10", 9, "Hall"), ("2026-06-10", 9, "Hall")]
    fields = {2: {"reference_id": "P"}, 3: {"parent_ref": "P"}, 4: {"parent_ref": "P"}}
    assert check(rows, fields=fields) == []
