"""``zuddl-import run`` as users type it: the README's main job, errors, Ctrl-C."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from importer.sandbox import Faults, SandboxSettings, run_sandbox
from tests.conftest import SandboxHandle
from tests.gated_sandbox import GUARD_S, gated_sandbox
from tests.pipeline_helpers import by_reference, numbered_rows, read_results, run_command, write_csv

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
ENV = {k: v for k, v in os.environ.items() if k != "ZUDDL_API_KEY"}


def zuddl_import(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "importer", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env or ENV,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def test_readme_main_job_imports_the_example_into_the_sandbox(tmp_path: Path) -> None:
    line = re.search(r"fresh machine with Python 3.11.*?```sh\n(.*?)\n```", README, re.S)
    assert line, "the README shows the main job"
    command = line.group(1).split("&&")[-1].split()
    assert command[0] == ".venv/bin/zuddl-import"
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    done = zuddl_import(*command[1:], cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    book = openpyxl.load_workbook(tmp_path / "examples" / "agenda.xlsx")
    data_rows = sum(1 for row in book["Agenda"].iter_rows(min_row=4, values_only=True) if any(row))
    assert data_rows >= 40
    assert f"Done: {data_rows} created." in done.stdout
    assert "Results: examples/agenda.results.xlsx" in done.stdout
    results = read_results(tmp_path / "examples" / "agenda.results.xlsx")
    assert len(results) == data_rows
    assert {r["Status"] for r in results} == {"created"}


def test_unreadable_agenda_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = zuddl_import("run", "nowhere.xlsx", "--sandbox", cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("Error: ")
    assert "nowhere.xlsx" in done.stderr


def test_event_and_key_are_asked_for(tmp_path: Path) -> None:
    agenda = write_csv(
        tmp_path / "a.csv",
        [["K", None, "Talk", None, "2026-06-10", "9:00", "10:00", None, None, None]],
    )
    no_event = zuddl_import("run", str(agenda), cwd=tmp_path)
    assert no_event.returncode == 2
    assert no_event.stderr.strip().splitlines()[-1] == (
        'Error: Give the event with --event EVENT_ID (or event = "..." in the config file), '
        "or use --sandbox."
    )
    no_key = zuddl_import(
        "run", str(agenda), "--event", "5a2db0c5-de30-4e7e-8a1d-000000000001", cwd=tmp_path
    )
    assert no_key.returncode == 2
    assert no_key.stderr.strip() == (
        "Error: No API key: set the environment variable ZUDDL_API_KEY to your Zuddl API key "
        "(created for Backend usage, with WRITE scope)."
    )
    assert not (tmp_path / "a.results.xlsx").exists()


def test_plain_http_to_a_remote_host_is_refused(tmp_path: Path) -> None:
    agenda = write_csv(
        tmp_path / "a.csv",
        [["K", None, "Talk", None, "2026-06-10", "9:00", "10:00", None, None, None]],
    )
    env = {**ENV, "ZUDDL_API_KEY": "s3cret-value"}
    done = zuddl_import(
        "run",
        str(agenda),
        "--event",
        "5a2db0c5-de30-4e7e-8a1d-000000000001",
        "--base-url",
        "http://example.com",
        cwd=tmp_path,
        env=env,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        'Error: Refusing to send the API key over plain http to "example.com". Use https:// '
        "(plain http is allowed only for this machine, e.g. the sandbox)."
    )
    assert "s3cret-value" not in done.stdout + done.stderr


# Slow run: under .ci/suite-under-load (both cores spinning, four workers) it failed in each of
# 3 loaded runs: the child created all 200 and exited 0 although SIGINT was sent while a create was
# held at the gate; alone, or 6 at once under the same load, it never did. Not understood (notes).
@pytest.mark.slow
def test_ctrl_c_stops_dispatching_writes_results_and_exits_130(tmp_path: Path) -> None:
    rows = numbered_rows(200)
    agenda = write_csv(tmp_path / "big.csv", rows)
    settings = SandboxSettings(faults=Faults(rate_limit=0, latency_ms=100))
    with gated_sandbox(settings) as gated:
        gated.gate.opened.set()
        stats = gated.app.state.stats
        # Once 20 sessions exist the sandbox holds the next request, so Ctrl-C lands
        # mid-dispatch however busy the machine is (a polling test could be late).
        gated.gate.close_when = lambda: stats.creates_committed >= 20
        env = {**ENV, "ZUDDL_API_KEY": "sandbox-secret"}
        base_url = f"http://127.0.0.1:{gated.port}"
        proc = subprocess.Popen(
            run_command(agenda, base_url, "--concurrency", "4"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=tmp_path,
        )
        assert gated.gate.held.wait(GUARD_S), "the run ended before it could be interrupted"
        proc.send_signal(signal.SIGINT)
        time.sleep(0.5)  # let the child take the signal before its held requests are answered
        gated.gate.opened.set()
        out, err = proc.communicate(timeout=GUARD_S)
        committed = gated.app.state.store.all("5a2db0c5-de30-4e7e-8a1d-000000000001")
    assert proc.returncode == 130, out + err
    assert "Traceback" not in err
    assert "Interrupted: rows not sent are marked in the results sheet." in err
    results = read_results(tmp_path / "big.results.xlsx")
    created = {
        r["Reference ID Used"]: r["Zuddl Session ID"] for r in results if r["Status"] == "created"
    }
    # Requests already in flight were allowed to finish: everything committed is recorded.
    assert created == {s["referenceId"]: s["id"] for s in committed}
    assert 20 <= len(created) < 200
    assert {r["Message"] for r in results if r["Status"] != "created"} == {
        "Not sent: the run stopped first."
    }


def test_api_going_away_part_way_writes_results_and_exits_3(tmp_path: Path) -> None:
    from importer.errors import ExitCode
    from importer.run import ImportRequest, run_import
    from importer.settings.config import Secret, Settings

    rows = numbered_rows(60)
    agenda = write_csv(tmp_path / "a.csv", rows)
    with run_sandbox(SandboxSettings(faults=Faults(rate_limit=0, latency_ms=20))) as running:
        settings = Settings(
            event_id="5a2db0c5-de30-4e7e-8a1d-000000000001",
            base_url=running.base_url,
            rate_limit=0,
            concurrency=2,
        )
        seen = []

        def progress(outcome: object) -> None:
            seen.append(outcome)
            if len(seen) == 10:
                running.stop()

        report = run_import(
            ImportRequest(agenda, settings, Secret("sandbox-secret"), progress=progress)
        )
    assert report.exit_code == ExitCode.API_UNAVAILABLE
    assert report.stopped is not None
    assert report.stopped.message.startswith(
        "Lost the connection to the Zuddl API at http://127.0.0.1:"
    )
    results = read_results(report.results_path)
    assert len(results) == 60
    statuses = [r["Status"] for r in results]
    assert statuses.count("created") >= 10
    assert "skipped" in statuses


def test_results_ids_match_sandbox_for_cli_run(sandbox: SandboxHandle, tmp_path: Path) -> None:
    rows = [
        ["P", None, "Track", None, "2026-06-10", "9:00", "12:00", "Main Hall", None, None],
        ["C", "P", "Talk", None, "2026-06-10", "9:00", "10:00", "Main Hall", None, None],
    ]
    agenda = write_csv(tmp_path / "a.csv", rows)
    env = {**ENV, "ZUDDL_API_KEY": sandbox.key}
    done = zuddl_import(
        "run",
        str(agenda),
        "--event",
        sandbox.event_id,
        "--base-url",
        sandbox.base_url,
        "--results",
        str(tmp_path / "out.csv"),
        cwd=tmp_path,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    remote = by_reference(sandbox)
    text = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert remote["P"]["id"] in text and remote["C"]["id"] in text
    assert remote["C"]["parentSessionId"] == remote["P"]["id"]
