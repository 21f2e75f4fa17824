"""Schedules from conference tools: frab/pretalx schedule.json, Sessionize's JSON and xlsx."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from importer.errors import ExitCode, InputFileError
from importer.read.schedules import load_schedule
from tests.child import run_cli
from tests.conftest import SandboxHandle
from tests.layout_helpers import LAYOUTS, run_layout, spans
from tests.pipeline_helpers import read_results


def test_frab_schedule_json(sandbox: SandboxHandle, tmp_path: Path) -> None:
    report = run_layout(sandbox, tmp_path, "frab-schedule.json")

    sessions = {s["title"]: s for s in sandbox.sessions()}
    assert spans(sandbox) == {  # the times carry +02:00: exact in the sandbox's UTC event
        "Opening": ("2026-06-10T07:00:00Z", "2026-06-10T07:45:00Z"),
        "Rust workshop": ("2026-06-10T08:00:00Z", "2026-06-10T09:30:00Z"),
        "Closing": ("2026-06-11T14:30:00Z", "2026-06-11T15:00:00Z"),
    }
    assert sessions["Opening"]["tags"] == ["Plenary", "Talk"]
    assert sessions["Opening"]["description"] == "Welcome to Demo."
    assert sessions["Rust workshop"]["description"] == "Bring a laptop."  # no abstract
    [place] = sessions["Rust workshop"]["location"]
    assert place["locationName"] == "Room 101"  # the event's own location of that name
    assert sessions["Opening"]["referenceId"] == "6f2c1f0a-0001-4000-8000-000000000001"
    rows = {r["Title"]: r for r in read_results(tmp_path / "out.xlsx")}
    assert rows["Rust workshop"]["Speakers"] == "Grace Hopper, Linus T."  # kept for later
    assert report.exit_code == ExitCode.OK


def test_sessionize_all_data_json(sandbox: SandboxHandle, tmp_path: Path) -> None:
    report = run_layout(sandbox, tmp_path, "sessionize-all-data.json", timezone="Europe/Berlin")

    sessions = {s["referenceId"]: s for s in sandbox.sessions()}
    assert set(sessions) == {"512001", "512002", "512003"}  # the unscheduled one is left out
    assert (sessions["512001"]["startDateTime"], sessions["512001"]["endDateTime"]) == (
        "2026-06-10T07:00:00Z",  # local times, read in the event's zone
        "2026-06-10T08:00:00Z",
    )
    assert sessions["512001"]["tags"] == ["Keynote", "Introductory"]
    assert sessions["512002"]["tags"] == ["Service"]
    assert sessions["512003"]["title"] == "Testing in production"
    rows = {r["Reference ID"]: r for r in read_results(tmp_path / "out.xlsx")}
    assert rows["512001"]["Speakers"] == "Ada Lovelace, Grace Hopper"
    assert report.exit_code == ExitCode.OK


def test_sessionize_accepted_sessions_one_row_per_speaker(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    report = run_layout(sandbox, tmp_path, "sessionize-accepted.xlsx", "sessionize-accepted.toml")

    sessions = {s["referenceId"]: s for s in sandbox.sessions()}
    assert set(sessions) == {"512001", "512003", "512005"}  # one per Session Id
    panel = sessions["512005"]
    assert (panel["startDateTime"], panel["endDateTime"]) == (
        "2026-06-10T11:30:00Z",
        "2026-06-10T12:30:00Z",
    )
    assert panel["tags"] == ["Format: Panel", "Data", "Level: Introductory"]  # sheet order
    assert (
        'sessionize-accepted.xlsx, sheet "Accepted sessions": rows 3, 6 and 7 repeat a Session '
        "Id of a row above, with another speaker: one session is made per Session Id, its "
        "speakers listed in a Speakers column."
    ) in report.notes
    rows = {r["Session Id"]: r for r in read_results(tmp_path / "out.xlsx")}
    assert rows[512005]["Speakers"] == "Linus T., Ada Lovelace, Grace Hopper"
    assert [r["Status"] for r in rows.values()] == ["created"] * 3
    assert report.exit_code == ExitCode.OK


def test_json_that_is_no_schedule(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_text('{"talks": []}')
    with pytest.raises(InputFileError) as caught:
        load_schedule(path)
    assert caught.value.message == (
        "data.json is JSON but not a schedule this tool reads: it reads pretalx and frab "
        'schedule.json (with "schedule"), pretalx schedule dumps and Sessionize\'s "All data" '
        'JSON (with "sessions"). Export the schedule in one of these, or as a spreadsheet.'
    )


def test_broken_json_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "schedule.json"
    path.write_text('{"schedule": {')
    with pytest.raises(InputFileError) as caught:
        load_schedule(path)
    assert caught.value.message == (
        "schedule.json is not valid JSON: Expecting property name enclosed in double quotes at "
        "line 1, column 15. Export the schedule again."
    )
    assert LAYOUTS.is_dir()


def test_the_command_line_takes_a_json_schedule(tmp_path: Path) -> None:
    # The command line's cheap up-front check (before any reader loads) once refused .json as
    # "not supported" although the library reads schedule exports: staff type the command.
    shutil.copy(LAYOUTS / "frab-schedule.json", tmp_path / "schedule.json")

    done = run_cli(["validate", "schedule.json", "--timezone", "UTC"], tmp_path)

    assert done.code == ExitCode.OK, done.stderr
    assert "Checked schedule.json: 3 rows, 3 OK, 0 with problems." in done.stdout
