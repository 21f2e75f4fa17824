"""Soak and crash: thousands of rows through injected faults, and runs killed with SIGKILL.

Whatever happens, the event ends with exactly one session per row, with the right parents.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from importer.errors import ExitCode
from importer.run import ImportRequest, run_import
from importer.sandbox import DEMO_EVENT_ID, Faults, SandboxSettings, run_sandbox
from importer.sandbox.profiles import PROFILES
from importer.settings.config import Secret, Settings
from tests.pipeline_helpers import one_session_per_row, read_results, run_command, write_csv

pytestmark = pytest.mark.slow
LENIENT = PROFILES["lenient"]  # the sandbox's own view: the stored reference under both names


def agenda_rows(parents: int, children: int) -> list[list[Any]]:
    """Tracks with talks, children listed before their parents for half of the tracks."""
    rows = []
    for p in range(parents):
        day = f"2026-06-{10 + p % 3}"
        track = [f"T{p:03d}", None, f"Track {p}", None, day, "09:00", "18:00", None, None, None]
        talks = [
            [
                f"T{p:03d}-{c}",
                f"T{p:03d}",
                f"Talk {p}.{c} — ü",
                None,
                day,
                f"{9 + c}:00",
                f"{9 + c}:45",
                None,
                "40",
                "Data",
            ]
            for c in range(children)
        ]
        rows.extend([*talks, track] if p % 2 else [track, *talks])
    return rows


def check_event(sessions: list[dict[str, Any]], rows: list[list[Any]]) -> None:
    """One session per row, each with its parent (the same check as the profile scenarios)."""
    one_session_per_row(sessions, rows)


def test_soak_2000_rows_through_faults_converges_to_one_session_per_row(tmp_path: Path) -> None:
    rows = agenda_rows(200, 9)
    agenda = write_csv(tmp_path / "soak.csv", rows)
    # 429s come from the throttle fault: at the speed two cores allow, a token bucket the
    # soak can afford to wait for is rarely emptied.
    faults = Faults(
        rate_limit=0,
        error_rate=0.13,
        throttle_rate=0.08,
        drop_rate=0.045,
        slow_rate=0.045,
        slow_ms=2000,
        seed=2026,
    )
    with run_sandbox(SandboxSettings(faults=faults)) as running:
        settings = Settings(
            event_id=DEMO_EVENT_ID,
            base_url=running.base_url,
            rate_limit=0,
            concurrency=32,
            timeout_s=0.5,
            retry_attempts=10,
            lock_dir=tmp_path,
            lookup_grace_s=2.0,
        ).with_overrides(timezone="UTC")
        report = run_import(ImportRequest(agenda, settings, Secret("sandbox-secret")))
        sessions = running.state.store.all(DEMO_EVENT_ID)
        stats = running.state.stats.as_dict()
        from importer.sandbox.store import to_json

        event = running.state.store.events[DEMO_EVENT_ID]
        shaped = [to_json(s, event, LENIENT) for s in sessions]
    assert report.exit_code == ExitCode.OK, Counter(o.status for o in report.outcomes.values())
    assert len(rows) == 2000
    check_event(shaped, rows)
    total = stats["total_requests"]
    # The faults really happened, at least at the rates the soak promises.
    assert stats["injected_errors"] / total >= 0.10
    assert stats["rate_limited"] / total >= 0.05
    assert stats["dropped"] / total >= 0.03
    assert stats["slow"] / total >= 0.02
    ids = {s["referenceId"]: s["id"] for s in shaped}
    results = read_results(report.results_path)
    assert len(results) == 2000
    assert all(r["Status"] == "created" for r in results)
    assert {r["Reference ID Used"]: r["Zuddl Session ID"] for r in results} == ids


def test_sigkill_at_random_points_then_rerun_leaves_no_duplicate_and_nothing_missing(
    tmp_path: Path,
) -> None:
    rows = agenda_rows(30, 9)
    agenda = write_csv(tmp_path / "crash.csv", rows)
    dice = random.Random(7)
    faults = Faults(rate_limit=0, latency_ms=15, jitter_ms=15, drop_rate=0.03, seed=11)
    with run_sandbox(SandboxSettings(faults=faults)) as running:
        env = {**os.environ, "ZUDDL_API_KEY": "sandbox-secret"}
        command = run_command(
            agenda, running.base_url, "--concurrency", "8", "--timezone", "UTC", "--no-progress"
        )
        kills = 0
        for _ in range(4):
            done_before = running.state.stats.creates_committed
            target = done_before + dice.randint(5, 60)
            proc = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=tmp_path
            )
            deadline = time.monotonic() + 60
            while (
                running.state.stats.creates_committed < target
                and proc.poll() is None
                and time.monotonic() < deadline
            ):
                time.sleep(0.005)
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.wait(timeout=30)
        final = subprocess.run(
            command, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120
        )
        from importer.sandbox.store import to_json

        event = running.state.store.events[DEMO_EVENT_ID]
        shaped = [to_json(s, event, LENIENT) for s in running.state.store.all(DEMO_EVENT_ID)]
    assert kills >= 3
    assert final.returncode == 0, final.stderr
    check_event(shaped, rows)
    results = read_results(tmp_path / "crash.results.xlsx")
    assert {r["Status"] for r in results} <= {"created", "unchanged"}
    assert {r["Reference ID Used"]: r["Zuddl Session ID"] for r in results} == {
        s["referenceId"]: s["id"] for s in shaped
    }
