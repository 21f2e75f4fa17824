"""What the page's screens show for big sheets: bounded, with the rest pointed to."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo

from importer.plan.reconcile import Change
from importer.run import ImportRequest, run_import
from importer.settings.config import Settings
from importer.ui.planview import MAX_SESSIONS_DRAWN, change_text, plan_view
from importer.ui.views import MAX_PROBLEMS_SHOWN, check_view
from tests.pipeline_helpers import numbered_rows, write_csv


def dry_run(path: Path):  # type: ignore[no-untyped-def]
    return run_import(ImportRequest(path, Settings(), dry_run=True, write_results=False))


def test_a_sheet_full_of_problems_lists_the_first_and_counts_the_rest(tmp_path: Path) -> None:
    rows = numbered_rows(1_200)
    for row in rows:
        row[4] = "2026-13-45"
    view = check_view(dry_run(write_csv(tmp_path / "bad.csv", rows)))
    assert (view.errors, view.bad_rows, view.total_rows) == (1_200, 1_200, 1_200)
    assert len(view.problems) == MAX_PROBLEMS_SHOWN
    assert view.more_problems == 1_200 - MAX_PROBLEMS_SHOWN
    assert len(view.rows) == 500
    assert [r.number for r in view.rows[:2]] == [2, 3]
    assert view.rows[0].cells[4].bad
    assert view.rows[0].cells[4].tip == '"2026-13-45" is not a real date. Write it like 2026-06-10.'
    assert view.rows[0].cells[2].problems == ()


def test_a_late_bad_row_is_shown_beyond_the_first_rows(tmp_path: Path) -> None:
    rows = numbered_rows(800)
    rows[750][2] = ""
    view = check_view(dry_run(write_csv(tmp_path / "late.csv", rows)))
    numbers = [r.number for r in view.rows]
    assert len(numbers) == 501 and numbers[-1] == 752
    assert view.rows[-1].cells[2].tip == "The title is empty. Every session needs a title."


def test_timeline_is_drawn_up_to_its_limit_only(tmp_path: Path) -> None:
    small = plan_view(dry_run(write_csv(tmp_path / "small.csv", numbered_rows(3))))
    assert small.drawn and len(small.days) == 1 and len(small.creates) == 3
    big = plan_view(dry_run(write_csv(tmp_path / "big.csv", numbered_rows(MAX_SESSIONS_DRAWN + 1))))
    assert not big.drawn and big.days == ()
    assert len(big.creates) == MAX_SESSIONS_DRAWN + 1


def test_sessions_without_locations_are_laid_out_by_track(tmp_path: Path) -> None:
    rows = [
        ["A", None, "Talk A", None, "2026-06-10", "9:00", "10:00", None, None, "Data, Beginner"],
        ["B", None, "Talk B", None, "2026-06-10", "9:30", "10:30", None, None, "Data"],
        ["C", None, "Talk C", None, "2026-06-10", "9:00", "10:00", None, None, "ML"],
        ["D", None, "Talk D", None, "2026-06-10", "9:00", "10:00", None, None, None],
    ]
    view = plan_view(dry_run(write_csv(tmp_path / "virtual.csv", rows)))
    assert view.lanes == "track"
    assert view.overlaps == 0  # talks in one track at once are parallel rooms, not a clash
    (day,) = view.days
    labels = re.findall(r'class="lane-label"[^>]*>([^<]*)<', day.svg)
    assert labels == ["Data", "ML", "No track"]
    assert "4 sessions in 2 tracks, 0 overlaps" in day.svg


def test_sessions_with_locations_keep_locations_as_lanes(tmp_path: Path) -> None:
    rows = [
        ["A", None, "Talk A", None, "2026-06-10", "9:00", "10:00", "Room 1", None, "Data"],
        ["B", None, "Talk B", None, "2026-06-10", "9:30", "10:30", "Room 1", None, "Data"],
    ]
    view = plan_view(dry_run(write_csv(tmp_path / "rooms.csv", rows)))
    assert view.lanes == "location"
    assert view.overlaps == 1
    assert view.days[0].overlaps == ((2, 3),)


def test_plan_changes_read_in_local_time_room_names_and_whole_text() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    room_a, room_b = "5a2db0c5-de30-4e7e-8a1d-00000000aaaa", "5A2DB0C5-DE30-4E7E-8A1D-00000000BBBB"
    rooms = {room_a: "Main Hall", room_b.lower(): "Room 101"}
    long = "An abstract. " * 20
    assert (
        change_text(Change("start", "2026-06-10T07:00:00Z", "2026-06-10T08:30:00Z"), berlin, rooms)
        == "start: Wed 10 Jun 2026 09:00 → Wed 10 Jun 2026 10:30"
    )
    assert (
        change_text(Change("location_id", room_a, room_b), berlin, rooms)
        == 'location: "Main Hall" → "Room 101"'
    )
    assert change_text(Change("description", "Short", long), berlin, rooms) == (
        f'description: "Short" → "{long}"'
    )
    assert change_text(Change("tags", ("AI", "Data"), ()), berlin, rooms) == (
        "tags: cleared (was AI, Data)"
    )
    assert change_text(Change("capacity", 600, 550), berlin, rooms) == "capacity: 600 → 550"
