"""Grid agendas (rooms across, time slots down, merged cells) and several sheets in one run."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from importer.errors import ExitCode, UsageError
from importer.run import ImportRequest, run_import
from importer.settings.config import Secret, Settings
from tests.conftest import SandboxHandle
from tests.layout_helpers import LAYOUTS, run_layout, spans, warnings_of
from tests.pipeline_helpers import read_results
from tests.test_cli_run import zuddl_import


def test_a_grid_with_merged_cells(sandbox: SandboxHandle, tmp_path: Path) -> None:
    report = run_layout(sandbox, tmp_path, "grid.xlsx")

    sessions = {s["title"]: s for s in sandbox.sessions()}
    assert spans(sandbox) == {  # the date is the sheet's name: "Wednesday 10 June 2026"
        "Opening keynote": ("2026-06-10T09:00:00Z", "2026-06-10T09:45:00Z"),  # B4:D4 merged
        "Talk A": ("2026-06-10T10:00:00Z", "2026-06-10T10:45:00Z"),
        "Workshop": ("2026-06-10T10:00:00Z", "2026-06-10T11:45:00Z"),  # C5:C6 merged
        "Talk C": ("2026-06-10T10:00:00Z", "2026-06-10T10:45:00Z"),
        "Talk B": ("2026-06-10T11:00:00Z", "2026-06-10T11:45:00Z"),
        "Talk D": ("2026-06-10T11:00:00Z", "2026-06-10T11:45:00Z"),
        "Lunch": ("2026-06-10T12:00:00Z", "2026-06-10T13:00:00Z"),  # "Lunch" in every room
        "Talk E": ("2026-06-10T13:00:00Z", "2026-06-10T13:45:00Z"),  # 1:00 after 12:00
        "Talk F": ("2026-06-10T13:00:00Z", "2026-06-10T13:45:00Z"),
    }
    assert sessions["Opening keynote"]["location"] == []  # three rooms: no one location
    assert [p["locationName"] for p in sessions["Workshop"]["location"]] == ["Room 101"]
    assert [p["locationName"] for p in sessions["Talk F"]["location"]] == ["Room 102"]
    rows = {r["Title"]: r for r in read_results(tmp_path / "out.xlsx")}
    assert rows["Opening keynote"]["Rooms"] == "Main Hall, Room 101, Room 102"
    assert rows["Opening keynote"]["Cell"] == "B4"
    assert rows["Workshop"]["Cell"] == "C5"
    assert warnings_of(report)[0].startswith("Times without am/pm on rows 8 and 9 were read")
    assert report.exit_code == ExitCode.OK


def test_a_csv_grid_with_repeated_cells(sandbox: SandboxHandle, tmp_path: Path) -> None:
    mapping = {"default_duration_min": 30, "default_date": date(2026, 6, 11)}
    report = run_layout(sandbox, tmp_path, "grid.csv", mapping=mapping)

    assert spans(sandbox) == {
        "Welcome": ("2026-06-11T09:00:00Z", "2026-06-11T09:30:00Z"),  # both rooms: one session
        "Talk A": ("2026-06-11T09:30:00Z", "2026-06-11T10:15:00Z"),  # ends at the next slot
        "Workshop": ("2026-06-11T09:30:00Z", "2026-06-11T11:00:00Z"),  # two slots
        "Talk B": ("2026-06-11T10:15:00Z", "2026-06-11T11:00:00Z"),
        "Closing": ("2026-06-11T11:00:00Z", "2026-06-11T11:30:00Z"),  # last slot: 30 minutes
    }
    assert report.exit_code == ExitCode.OK


def test_one_sheet_per_day_in_one_run(sandbox: SandboxHandle, tmp_path: Path) -> None:
    report = run_layout(sandbox, tmp_path, "days.xlsx", "days.toml")

    assert spans(sandbox) == {
        "Welcome": ("2026-06-10T09:00:00Z", "2026-06-10T09:30:00Z"),  # sheet "Day 1"
        "Talk A": ("2026-06-10T09:30:00Z", "2026-06-10T10:30:00Z"),
        "Workshop": ("2026-06-10T09:30:00Z", "2026-06-10T11:30:00Z"),
        "Closing": ("2026-06-10T10:30:00Z", "2026-06-10T11:30:00Z"),
        "Hackathon kick-off": ("2026-06-11T09:00:00Z", "2026-06-11T10:00:00Z"),  # "Day 2"
        "Hacking": ("2026-06-11T10:00:00Z", "2026-06-11T12:00:00Z"),
    }
    rows = read_results(tmp_path / "out.xlsx")
    assert [(r["Row"], r["Sheet"], r["Sheet row"], r["Status"]) for r in rows] == [
        (1, "Day 1", 1, "created"),
        (2, "Day 1", 2, "created"),
        (3, "Day 1", 3, "created"),
        (4, "Day 1", 4, "created"),
        (5, "Day 2", 2, "created"),
        (6, "Day 2", 3, "created"),
    ]
    assert 'Sheets without an agenda were left out: "Info".' in report.notes
    # "Location" on the grid sheet, "Room" on the other: one column, every session's room.
    rooms = {s["title"]: [p["locationName"] for p in s["location"]] for s in sandbox.sessions()}
    assert rooms["Hacking"] == ["Room 101"]
    assert rooms["Talk A"] == ["Main Hall"]
    assert [p for p in report.mapped.problems if p.severity == "warning"] == []
    assert report.exit_code == ExitCode.OK


def test_write_back_is_refused_before_anything_is_sent(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    """Grid cells are not rows: statuses cannot go beside them, so nothing starts."""
    shutil.copy(LAYOUTS / "grid.xlsx", tmp_path / "grid.xlsx")
    settings = Settings(event_id=sandbox.event_id, base_url=sandbox.base_url, rate_limit=0)
    request = ImportRequest(tmp_path / "grid.xlsx", settings, Secret(sandbox.key), write_back=True)
    with pytest.raises(UsageError) as caught:
        run_import(request)
    assert caught.value.message == (
        "grid.xlsx is not read row by row (a grid, several sheets or a JSON schedule), so "
        "--write-back's status columns cannot be written into it; the results sheet has every "
        "session's status and Zuddl ID."
    )
    assert sandbox.sessions() == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grid.xlsx"]


def test_validate_a_grid_lists_problems_without_a_checked_copy(tmp_path: Path) -> None:
    shutil.copy(LAYOUTS / "grid.xlsx", tmp_path / "grid.xlsx")
    done = zuddl_import("validate", "grid.xlsx", cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout.splitlines() == [
        'Checked grid.xlsx, sheet "Wednesday 10 June 2026": 9 rows, 9 OK, 0 with problems.',
        "grid.xlsx is not read row by row (a grid, several sheets or a JSON schedule), so a "
        "checked copy cannot be written into it; the results sheet has every session's status "
        "and Zuddl ID.",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grid.xlsx"]


def test_other_agenda_sheets_are_named(sandbox: SandboxHandle, tmp_path: Path) -> None:
    """No --sheet: the first sheet with an agenda is read, and the others are pointed out."""
    mapping = {"default_duration_min": 60, "default_date": date(2026, 6, 10)}
    report = run_layout(sandbox, tmp_path, "days.xlsx", mapping=mapping)

    assert sorted(spans(sandbox)) == ["Closing", "Talk A", "Welcome", "Workshop"]
    assert report.notes[:1] == (
        'Sheet "Info" has no agenda columns, so sheet "Day 1" was read. Use --sheet to choose '
        "another, or --sheet all for every sheet.",
    )
    assert (
        'Only sheet "Day 1" was read, but "Day 2" looks like an agenda too: --sheet all imports '
        "every sheet in one run (one sheet per day, say)."
    ) in report.notes
