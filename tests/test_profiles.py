"""The end-to-end scenarios under every variant of the API the public evidence allows.

Each profile of the sandbox plays one answer to a question Zuddl's docs leave open (the
reference field's name, unknown fields, paging, order, ID case, gateways, answers without an
ID, virtual events, time zone text, a spent quota). Whatever the variant, a run ends with
exactly one session per row or stops cleanly with no duplicate; the sandbox's state says so.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from importer.errors import ExitCode
from importer.plan.status import Status
from importer.sandbox.profiles import PROFILES
from tests.conftest import SandboxHandle
from tests.pipeline_helpers import (
    import_into,
    one_session_per_row,
    read_results,
    run_command,
    write_csv,
)

# Every profile that can be imported into (quota-spent and zone-text stop: tested below).
IMPORTABLE = sorted(set(PROFILES) - {"quota-spent"})


def agenda(parents: int = 4, children: int = 3) -> list[list[Any]]:
    """Tracks with talks; odd tracks list their talks before the track itself."""
    rows = []
    for p in range(parents):
        day = f"2026-06-{10 + p % 2}"
        track = [f"T{p}", None, f"Track {p}", None, day, "09:00", "18:00", "Main Hall", "80", None]
        talks = [
            [f"T{p}-{c}", f"T{p}", f"Talk {p}.{c}", "<p>Abstract</p>", day, f"{9 + c}:00",
             f"{9 + c}:45", "Room 101", "40", "Data; AI"]
            for c in range(children)
        ]  # fmt: skip
        rows.extend([*talks, track] if p % 2 else [track, *talks])
    return rows


def exactly_one_each(sandbox: SandboxHandle, rows: list[list[Any]]) -> dict[str, dict[str, Any]]:
    """The sandbox's own state: one session per row, each with its parent."""
    return one_session_per_row(sandbox.sessions(), rows)


def writes(sandbox: SandboxHandle) -> int:
    requests = sandbox.stats()["requests"]
    return sum(n for k, n in requests.items() if k.startswith(("POST", "PUT")))


def options(name: str) -> dict[str, Any]:
    # zone-text: the event's zone is "UTC/IST", which needs --timezone (tested below).
    return {"timezone": "Asia/Kolkata"} if name == "zone-text" else {}


@pytest.mark.parametrize("name", IMPORTABLE)
def test_first_import_then_unchanged_rerun(
    sandbox: SandboxHandle, tmp_path: Path, name: str
) -> None:
    sandbox.faults(profile=name)
    rows = agenda()
    path = write_csv(tmp_path / "agenda.csv", rows)
    first = import_into(sandbox, path, **options(name))
    assert first.exit_code == ExitCode.OK, [o.message for o in first.outcomes.values()]
    by_ref = exactly_one_each(sandbox, rows)
    capacity = None if name == "virtual-event" else 40
    assert by_ref["T0-1"]["totalCapacity"] == capacity
    assert by_ref["T0-1"]["tags"] == ["Data", "AI"]
    results = read_results(first.results_path)
    assert {r["Reference ID Used"]: r["Zuddl Session ID"] for r in results} == {
        ref: s["id"].upper() if name == "upper-ids" else s["id"] for ref, s in by_ref.items()
    }
    before = writes(sandbox)
    second = import_into(sandbox, path, **options(name))
    assert second.exit_code == ExitCode.OK
    assert second.counts == {Status.UNCHANGED: len(rows)}
    assert writes(sandbox) == before
    exactly_one_each(sandbox, rows)


@pytest.mark.slow
@pytest.mark.parametrize("name", IMPORTABLE)
def test_faults_soak_converges(sandbox: SandboxHandle, tmp_path: Path, name: str) -> None:
    sandbox.faults(
        profile=name, error_rate=0.1, drop_rate=0.08, slow_rate=0.05, slow_ms=1500, seed=3
    )
    rows = agenda(6, 4)
    path = write_csv(tmp_path / "agenda.csv", rows)
    report = import_into(sandbox, path, timeout_s=0.5, retry_attempts=10, **options(name))
    stats = sandbox.stats()
    assert stats["injected_errors"] and stats["dropped"]
    assert report.exit_code == ExitCode.OK, [o.message for o in report.outcomes.values()]
    exactly_one_each(sandbox, rows)


@pytest.mark.slow
@pytest.mark.parametrize("name", IMPORTABLE)
def test_sigkill_then_resume(sandbox: SandboxHandle, tmp_path: Path, name: str) -> None:
    sandbox.faults(profile=name, latency_ms=20)
    rows = agenda(5, 4)
    path = write_csv(tmp_path / "crash.csv", rows)
    zone = options(name).get("timezone", "UTC")
    command = run_command(path, sandbox.base_url, "--timezone", zone, "--no-progress")
    env = {**os.environ, "ZUDDL_API_KEY": sandbox.key}
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + 60
    while len(sandbox.sessions()) < 6 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    final = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert final.returncode == 0, final.stdout + final.stderr
    exactly_one_each(sandbox, rows)


def test_a_spent_quota_stops_at_once_with_the_reset_time(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    from importer.errors import ApiError

    sandbox.faults(profile="quota-spent")
    path = write_csv(tmp_path / "agenda.csv", agenda(1, 1))
    with pytest.raises(ApiError) as caught:
        import_into(sandbox, path)
    assert caught.value.exit_code == ExitCode.API_UNAVAILABLE
    assert caught.value.message.startswith(
        "Zuddl's request quota is used up: it asks to wait about 6 hours (until about "
    )
    assert caught.value.message.endswith(
        " UTC). Nothing more was sent; run the import again after that."
    )
    assert sandbox.sessions() == []


def test_a_quota_spent_mid_run_stops_sending_and_writes_the_results(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    rows = agenda(3, 3)
    path = write_csv(tmp_path / "agenda.csv", rows)
    # 3 reads and the first 4 creates pass; then the quota is spent.
    sandbox.faults(daily_quota=7)
    report = import_into(sandbox, path, max_retry_after_s=10)
    assert report.exit_code == ExitCode.API_UNAVAILABLE
    assert report.stopped is not None and "quota is used up" in report.stopped.message
    results = read_results(report.results_path)
    created = [r for r in results if r["Status"] == "created"]
    assert len(created) == len(sandbox.sessions()) == 4
    assert {r["Status"] for r in results} == {"created", "skipped"}


def test_an_abbreviated_event_zone_that_several_places_use_is_a_clear_stop(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    from importer.errors import UsageError

    sandbox.faults(profile="zone-text")
    path = write_csv(tmp_path / "agenda.csv", agenda(1, 1))
    with pytest.raises(UsageError) as caught:
        import_into(sandbox, path)
    assert caught.value.message == (
        'Zuddl gives the event\'s time zone as "UTC/IST": "IST" could be Asia/Kolkata (India), '
        "Asia/Jerusalem (Israel), Europe/Dublin (Ireland). Give the event's zone with "
        "--timezone (or timezone under [defaults] in the config), e.g. --timezone Asia/Kolkata."
    )
    assert sandbox.sessions() == []


def test_a_virtual_event_says_capacity_and_rooms_are_not_its_own(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    sandbox.faults(profile="virtual-event")
    report = import_into(sandbox, write_csv(tmp_path / "agenda.csv", agenda(1, 1)))
    assert report.exit_code == ExitCode.OK
    assert (
        "This event is virtual: Zuddl ignores capacity for virtual sessions, so the capacity "
        "column is neither sent nor compared." in report.notes
    )
    assert (
        "This event is virtual: Zuddl's locations are in-person rooms; virtual stages are set "
        "in Zuddl's dashboard, not by this import." in report.notes
    )
    assert [s["totalCapacity"] for s in sandbox.sessions()] == [None, None]
