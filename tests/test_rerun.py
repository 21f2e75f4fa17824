"""Re-runs converge: one session per row, no write when nothing changed, exact updates."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from importer.errors import ExitCode
from importer.plan.status import Status
from importer.sandbox import Faults, SandboxSettings
from tests.conftest import SandboxHandle
from tests.gated_sandbox import GUARD_S, gated_sandbox
from tests.pipeline_helpers import (
    by_reference,
    import_into,
    numbered_rows,
    read_results,
    run_command,
    write_csv,
)
from tests.test_pipeline_e2e import ROWS

EVENT = "5a2db0c5-de30-4e7e-8a1d-000000000001"
ENV = {k: v for k, v in os.environ.items() if k != "ZUDDL_API_KEY"}


def writes(stats: dict[str, Any]) -> dict[str, int]:
    return {k: v for k, v in stats["requests"].items() if k.startswith(("POST", "PUT"))}


def cli(*args: str, cwd: Path, key: str = "sandbox-secret") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "importer", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**ENV, "ZUDDL_API_KEY": key},
        timeout=120,
    )


def test_second_run_of_the_same_sheet_makes_no_write(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    agenda = write_csv(tmp_path / "agenda.csv", ROWS)
    first = import_into(sandbox, agenda, timezone="Europe/Berlin")
    assert first.counts == {Status.CREATED: 7}
    before = sandbox.stats()
    second = import_into(sandbox, agenda, timezone="Europe/Berlin")
    after = sandbox.stats()
    assert second.exit_code == ExitCode.OK
    assert second.counts == {Status.UNCHANGED: 7}
    assert writes(after) == writes(before)
    # Only reads: the event (zone, format), locations (the sheet names rooms) and one page
    # of sessions.
    assert second.api_calls == 3
    results = read_results(second.results_path)
    assert {r["Status"] for r in results} == {"unchanged"}
    assert {r["Zuddl Session ID"] for r in results} == {s["id"] for s in sandbox.sessions()}


def test_changing_two_cells_makes_exactly_two_puts(sandbox: SandboxHandle, tmp_path: Path) -> None:
    agenda = write_csv(tmp_path / "agenda.csv", ROWS)
    import_into(sandbox, agenda)
    rows = [list(r) for r in ROWS]
    rows[3][2] = "Opening keynote (moved)"  # KEY: title
    rows[4][8] = "30"  # W1-P1: capacity
    write_csv(agenda, rows)
    before = sandbox.stats()
    report = import_into(sandbox, agenda)
    after = sandbox.stats()
    assert report.counts == {Status.UPDATED: 2, Status.UNCHANGED: 5}
    assert after["requests"].get("PUT 200", 0) - before["requests"].get("PUT 200", 0) == 2
    assert after["requests"].get("POST 201", 0) == before["requests"].get("POST 201", 0)
    remote = by_reference(sandbox)
    assert remote["KEY"]["title"] == "Opening keynote (moved)"
    assert remote["W1-P1"]["totalCapacity"] == 30
    assert remote["W1-P1"]["parentSessionId"] == remote["W1"]["id"]  # full body, parent kept
    assert len(sandbox.sessions()) == 7


def test_plan_command_shows_counts_and_field_changes(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    agenda = write_csv(tmp_path / "agenda.csv", ROWS)
    import_into(sandbox, agenda)
    rows = [list(r) for r in ROWS]
    rows[3][2] = "Opening keynote (moved)"
    rows[3][6] = "10:00"
    rows.append(
        ["NEW", None, "Late addition", None, "2026-06-11", "9:00", "9:30", None, None, None]
    )
    write_csv(agenda, rows)
    (tmp_path / "agenda.results.xlsx").unlink()
    before = sandbox.stats()
    done = cli("plan", str(agenda), "--event", EVENT, "--base-url", sandbox.base_url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "Plan: 1 to create, 1 to update, 6 unchanged, 0 invalid; this run would make 2 writes "
        "in 1 wave (parents first).",
        "  Times in UTC.",
        "  update row 5 (KEY):",
        '      title: "Opening keynote — welcome" → "Opening keynote (moved)"',
        "      end: Wed 10 Jun 09:45 → Wed 10 Jun 10:00",
        "  create row 9 (NEW): Late addition (Thu 11 Jun 09:00–09:30)",
    ]
    assert writes(sandbox.stats()) == writes(before)
    assert not (tmp_path / "agenda.results.xlsx").exists()


def test_rows_without_reference_get_a_stable_derived_one(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    headers = ["Title", "Date", "Start Time", "End Time"]
    rows = [["Keynote", "2026-06-10", "9:00", "10:00"], ["Keynote", "2026-06-11", "9:00", "10:00"]]
    agenda = write_csv(tmp_path / "agenda.csv", rows, headers)
    first = import_into(sandbox, agenda)
    refs = [first.outcomes[n].reference_id for n in (2, 3)]
    # The documented rule: "auto-" + 10 hex digits of SHA-1 of "title|UTC start".
    assert refs == [
        "auto-" + hashlib.sha1(b"keynote|2026-06-10T09:00:00Z").hexdigest()[:10],
        "auto-" + hashlib.sha1(b"keynote|2026-06-11T09:00:00Z").hexdigest()[:10],
    ]
    assert first.outcomes[2].message == (
        f'No reference ID in the sheet, so "{refs[0]}" is used (made from the title and start). '
        "Copy it into the Reference ID column, so later runs still find this session when its "
        "title or time changes."
    )
    assert first.notes[-1] == (
        "2 rows have no reference ID; IDs made from title and start are used (column Reference "
        "ID Used of the results). Copy them into the sheet so later runs still match these "
        "sessions when a title or time changes."
    )
    second = import_into(sandbox, agenda)
    assert second.counts == {Status.UNCHANGED: 2}
    assert sorted(by_reference(sandbox)) == sorted(refs)
    assert [r["Reference ID Used"] for r in read_results(second.results_path)] == refs


def test_parent_reference_to_a_session_already_in_the_event(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    import_into(sandbox, write_csv(tmp_path / "tracks.csv", [ROWS[2]]))
    talks = write_csv(tmp_path / "talks.csv", [ROWS[0], ROWS[1]])
    report = import_into(sandbox, talks)
    assert report.exit_code == ExitCode.OK
    remote = by_reference(sandbox)
    assert remote["T1-01"]["parentSessionId"] == remote["T1"]["id"]
    assert report.plan.wave_count == 1  # the parent exists: no waiting


def test_create_only_mode_never_updates(sandbox: SandboxHandle, tmp_path: Path) -> None:
    agenda = write_csv(tmp_path / "agenda.csv", ROWS)
    import_into(sandbox, agenda)
    rows = [list(r) for r in ROWS]
    rows[3][2] = "Renamed"
    write_csv(agenda, rows)
    report = import_into(sandbox, agenda, mode="create-only")
    assert report.exit_code == ExitCode.OK
    assert report.outcomes[5].status == Status.UNCHANGED
    assert report.outcomes[5].message == (
        "Already in Zuddl; differs in title, not updated (--mode create-only)."
    )
    assert by_reference(sandbox)["KEY"]["title"] == "Opening keynote — welcome"
    assert "PUT 200" not in sandbox.stats()["requests"]


def test_max_changes_stops_before_writing_with_exit_5(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    agenda = write_csv(tmp_path / "agenda.csv", ROWS)
    done = cli(
        "run",
        str(agenda),
        "--event",
        EVENT,
        "--base-url",
        sandbox.base_url,
        "--max-changes",
        "50%",
        "--no-progress",
        cwd=tmp_path,
    )
    assert done.returncode == 5, done.stderr
    assert "Plan: 7 to create, 0 to update" in done.stdout
    assert "  create row 5 (KEY): Opening keynote — welcome" in done.stdout
    assert done.stderr.strip().splitlines()[-1] == (
        "Error: The plan makes 7 changes (7 creates, 0 updates), more than --max-changes 50% "
        "allows (3). Nothing was sent. Check the sheet, then raise the limit if the changes are "
        "intended. The run stopped; rows not sent are marked in the results sheet."
    )
    assert sandbox.sessions() == []
    results = read_results(tmp_path / "agenda.results.xlsx")
    assert {r["Message"] for r in results} == {
        "Not sent: the safety limit (--max-changes) stopped the run."
    }


def test_two_runs_on_one_event_one_proceeds_the_other_exits_4(tmp_path: Path) -> None:
    rows = numbered_rows(40)
    agenda = write_csv(tmp_path / "a.csv", rows)
    # The gate holds the first run's requests until the second has run: both are under way
    # at once whatever the machine's load (no sleep, no timing).
    (tmp_path / "slow.toml").write_text("timeout = 600\n", encoding="utf-8")
    with gated_sandbox(SandboxSettings(faults=Faults(rate_limit=0))) as running:
        args = run_command(agenda, f"http://127.0.0.1:{running.port}", "--concurrency", "2")
        env = {**ENV, "ZUDDL_API_KEY": "sandbox-secret"}
        first = subprocess.Popen(
            [*args, "--config", str(tmp_path / "slow.toml")],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=tmp_path,
        )
        try:
            assert running.gate.reached.wait(GUARD_S)
            second = subprocess.run(
                [*args, "--results", str(tmp_path / "second.xlsx")],
                capture_output=True,
                text=True,
                env=env,
                cwd=tmp_path,
                timeout=GUARD_S,
            )
        finally:
            running.gate.opened.set()
            _out, err = first.communicate(timeout=GUARD_S)
        sessions = running.app.state.store.all(EVENT)
    assert first.returncode == 0, err
    assert second.returncode == 4
    assert second.stderr.startswith(
        f"Error: Another import into event {EVENT} is running on this machine (lock file "
    )
    assert second.stderr.strip().endswith("Wait for it to finish, then try again.")
    assert len(sessions) == 40
    assert not (tmp_path / "second.xlsx").exists()


def test_json_log_and_journal(sandbox: SandboxHandle, tmp_path: Path) -> None:
    sandbox.faults(error_rate=0.3, seed=7)
    agenda = write_csv(tmp_path / "agenda.csv", ROWS)
    log_file = tmp_path / "run.log"
    done = cli(
        "run",
        str(agenda),
        "--event",
        EVENT,
        "--base-url",
        sandbox.base_url,
        "--log-format",
        "json",
        "--log-file",
        str(log_file),
        "--lookup-grace",
        "2",
        "--no-progress",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in log_file.read_text(encoding="utf-8").splitlines()]
    run_ids = {line["run"] for line in lines}
    assert len(run_ids) == 1 and len(run_ids.pop()) == 12
    events = [line["event"] for line in lines]
    assert events[0] == "run_start" and events[-1] == "summary"
    assert lines[-1]["counts"] == {"created": 7}
    assert "request_retry" in events or "create_retry" in events
    assert "sandbox-secret" not in log_file.read_text(encoding="utf-8")
    lines = [
        json.loads(line)
        for line in (tmp_path / "agenda.results.journal.jsonl")
        .read_text(encoding="utf-8")
        .splitlines()
    ]
    journal = [j for j in lines if j["action"] != "sending"]
    assert sorted(j["reference"] for j in journal) == sorted(by_reference(sandbox))
    assert {j["session"] for j in journal} == {s["id"] for s in sandbox.sessions()}
    assert {j["action"] for j in journal} == {"create"}
    # Each create was noted before it went out (at least once: some were sent again).
    sending = {j["reference"] for j in lines if j["action"] == "sending"}
    assert sending == {j["reference"] for j in journal}


@pytest.mark.parametrize("fault", ["drop_rate", "slow_rate", "error_rate"])
def test_unanswered_creates_are_looked_up_not_duplicated(
    sandbox: SandboxHandle, tmp_path: Path, fault: str
) -> None:
    sandbox.faults(**{fault: 0.3, "slow_ms": 2000, "seed": 3})
    agenda = write_csv(tmp_path / "agenda.csv", ROWS)
    report = import_into(sandbox, agenda, timeout_s=0.5)
    assert report.exit_code == ExitCode.OK, report.outcomes
    remote = by_reference(sandbox)  # asserts no duplicate reference
    assert len(remote) == 7
    assert remote["W1-P2"]["parentSessionId"] == remote["W1"]["id"]
    confirmed = [o for o in report.outcomes.values() if "confirmed by looking it up" in o.message]
    if fault != "error_rate":  # a 5xx here commits nothing, so a lookup finds nothing
        assert confirmed
    assert {o.session_id for o in report.outcomes.values()} == {s["id"] for s in sandbox.sessions()}


def test_updates_are_retried_through_server_errors(sandbox: SandboxHandle, tmp_path: Path) -> None:
    agenda = write_csv(tmp_path / "agenda.csv", ROWS)
    import_into(sandbox, agenda)
    rows = [list(r) for r in ROWS]
    rows[3][2] = "Renamed keynote"
    rows[6][2] = "Renamed part 2"
    write_csv(agenda, rows)
    sandbox.faults(error_rate=0.5, seed=5)
    report = import_into(sandbox, agenda)
    stats = sandbox.stats()
    assert report.counts == {Status.UPDATED: 2, Status.UNCHANGED: 5}
    assert stats["updates_committed"] == 2
    assert stats["injected_errors"] >= 1
    remote = by_reference(sandbox)
    assert (remote["KEY"]["title"], remote["W1-P2"]["title"]) == (
        "Renamed keynote",
        "Renamed part 2",
    )


def test_legacy_reference_field_name_round_trips(sandbox: SandboxHandle, tmp_path: Path) -> None:
    agenda = write_csv(tmp_path / "agenda.csv", ROWS)
    first = import_into(sandbox, agenda, reference_field="externalRefId")
    assert first.counts == {Status.CREATED: 7}
    assert by_reference(sandbox)["KEY"]["externalRefId"] == "KEY"
    # Read back under either name, the sessions are recognised: nothing to write.
    second = import_into(sandbox, agenda)
    assert second.counts == {Status.UNCHANGED: 7}
