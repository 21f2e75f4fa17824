"""Start-only agendas: each session ends when the next one in its room (or track) starts."""

from __future__ import annotations

from pathlib import Path

from importer.errors import ExitCode
from tests.conftest import SandboxHandle
from tests.layout_helpers import run_layout, spans, warnings_of


def test_each_session_ends_at_the_next_start_in_its_room(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    report = run_layout(sandbox, tmp_path, "start-only.csv", "start-only.toml")

    assert spans(sandbox) == {
        "Welcome": ("2026-06-10T09:00:00Z", "2026-06-10T09:15:00Z"),
        "Keynote": ("2026-06-10T09:15:00Z", "2026-06-10T10:00:00Z"),
        "Talk 1": ("2026-06-10T10:00:00Z", "2026-06-10T10:30:00Z"),
        "Talk 2": ("2026-06-10T10:30:00Z", "2026-06-10T11:15:00Z"),  # last in Main Hall
        "Workshop A": ("2026-06-10T10:00:00Z", "2026-06-10T12:00:00Z"),  # next in Room 101
        "Workshop B": ("2026-06-10T12:00:00Z", "2026-06-10T12:45:00Z"),
        "Day two opening": ("2026-06-11T09:00:00Z", "2026-06-11T09:45:00Z"),
    }
    assert warnings_of(report) == [
        "Rows 6 to 8 are the last of their day and room: with no next start to end at, they "
        "last duration_minutes (45 minutes)."
    ]
    assert report.exit_code == ExitCode.OK


def test_the_last_session_needs_a_default_duration(sandbox: SandboxHandle, tmp_path: Path) -> None:
    report = run_layout(sandbox, tmp_path, "start-only.csv", mapping={"end_mode": "next"})

    assert sandbox.sessions() == []  # nothing is sent while rows have errors
    assert [p.text() for p in report.mapped.errors] == [
        f'Row {row}, column "Time": No session starts after this one on {day} in {room}, so '
        'it has no end (end = "next"). Give it an end time, or set duration_minutes under '
        "[defaults] for the last session of a day."
        for row, day, room in (
            (6, "2026-06-10", "Main Hall"),
            (7, "2026-06-10", "Room 101"),
            (8, "2026-06-11", "Main Hall"),
        )
    ]
    assert report.exit_code == ExitCode.ROWS_FAILED


def test_a_start_only_sheet_points_to_end_next(sandbox: SandboxHandle, tmp_path: Path) -> None:
    """Without config, the one message (printed once for all rows) names end = "next"."""
    report = run_layout(sandbox, tmp_path, "start-only.csv")

    assert sandbox.sessions() == []
    assert {p.text().split(": ", 1)[1] for p in report.mapped.errors} == {
        "The sheet gives no end time or duration. If each session ends when the next one starts, "
        'write end = "next" under [defaults] in the config file (with duration_minutes for the '
        "last of a day); else add an End or Duration column, or set duration_minutes."
    }
    assert len(report.mapped.errors) == 7
