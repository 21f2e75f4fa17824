"""Nightly re-runs of a linked sheet: an unchanged sheet (ETag, or the same bytes) only compares
the event with it and writes nothing; a changed sheet, new settings, a failed or a dry run never
make the next run skip it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from importer.run import ImportReport
from tests.conftest import SandboxHandle
from tests.link_server import CSV, Answer, LinkServer
from tests.pipeline_helpers import (
    by_reference,
    import_into,
    numbered_rows,
    read_results,
    run_command,
    write_csv,
)

ENV = {k: v for k, v in os.environ.items() if k != "ZUDDL_API_KEY"}

WRITES = ("POST 201", "PUT 200")


def writes(sandbox: SandboxHandle) -> int:
    requests = sandbox.stats()["requests"]
    return sum(requests.get(kind, 0) for kind in WRITES)


def sheet(tmp_path: Path, rows: list[list[Any]]) -> bytes:
    return write_csv(tmp_path / "made.csv", rows).read_bytes()


def run_link(sandbox: SandboxHandle, url: str, results: Path, **overrides: Any) -> ImportReport:
    return import_into(sandbox, url, results=results, **overrides)  # type: ignore[arg-type]


def counts(report: ImportReport) -> dict[str, int]:
    return {status.value: n for status, n in report.counts.items()}


def edit_in_zuddl(sandbox: SandboxHandle, reference: str, title: str) -> None:
    session = by_reference(sandbox)[reference]
    body = {k: session[k] for k in ("title", "startDateTime", "endDateTime", "externalRefId")}
    with sandbox.client() as client:
        url = f"/v1/events/{sandbox.event_id}/sessions/{session['id']}"
        client.put(url, json={**body, "title": title}).raise_for_status()


def test_an_unchanged_sheet_is_only_compared_with_the_event(
    sandbox: SandboxHandle, link: LinkServer, tmp_path: Path
) -> None:
    url = link.serve(
        "/agenda.csv",
        Answer(body=sheet(tmp_path, numbered_rows(3)), headers={"Content-Type": CSV}, etag='"v1"'),
    )
    results = tmp_path / "state" / "agenda.results.xlsx"
    results.parent.mkdir()
    first = run_link(sandbox, url, results)
    assert counts(first) == {"created": 3}
    state = results.with_name("agenda.results.download.json")
    recorded = json.loads(state.read_text(encoding="utf-8"))
    assert (recorded["etag"], recorded["copy"]) == ('"v1"', "agenda.downloaded.csv")
    assert url not in state.read_text(encoding="utf-8")  # a link is a capability: never stored

    # During the day someone renames a session in Zuddl; the sheet stays as it was.
    edit_in_zuddl(sandbox, "S001", "Renamed in Zuddl")
    before = writes(sandbox)
    done = subprocess.run(
        run_command(url, sandbox.base_url, "--results", str(results)),  # type: ignore[arg-type]
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**ENV, "ZUDDL_API_KEY": sandbox.key},
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert link.seen[-1].headers["if-none-match"] == '"v1"'
    assert done.stdout.splitlines()[1:] == [
        "The sheet is unchanged since the last run: the event is only checked for edits made "
        "in Zuddl, and nothing is written.",
        "Plan: 0 to create, 0 to update, 3 unchanged, 0 invalid; this run would send nothing.",
        '  row 3 (S001): Changed in Zuddl, kept: title "Renamed in Zuddl".',
        "Checked: 3 unchanged.",
        f"Results (of the last run): {results}",
    ]
    assert done.stderr == ""
    assert writes(sandbox) == before
    assert by_reference(sandbox)["S001"]["title"] == "Renamed in Zuddl"
    assert [r["Status"] for r in read_results(results)] == ["created"] * 3  # kept as it was

    # The sheet changes: a row added. The next run imports it; S001's edit made in Zuddl is
    # kept, since the sheet did not change that session (the journal knows what was sent).
    rows = numbered_rows(4)
    link.serve(
        "/agenda.csv",
        Answer(body=sheet(tmp_path, rows), headers={"Content-Type": CSV}, etag='"v2"'),
    )
    third = run_link(sandbox, url, results)
    assert counts(third) == {"created": 1, "unchanged": 3}
    assert by_reference(sandbox)["S001"]["title"] == "Renamed in Zuddl"
    assert json.loads(state.read_text(encoding="utf-8"))["etag"] == '"v2"'


def test_last_modified_alone_is_enough(
    sandbox: SandboxHandle, link: LinkServer, tmp_path: Path
) -> None:
    stamp = "Sun, 29 Nov 2026 18:04:00 GMT"
    body = sheet(tmp_path, numbered_rows(2))
    answer = Answer(body=body, headers={"Content-Type": CSV}, last_modified=stamp)
    url = link.serve("/agenda.csv", answer)
    results = tmp_path / "agenda.results.xlsx"
    assert counts(run_link(sandbox, url, results)) == {"created": 2}
    again = run_link(sandbox, url, results)
    last = link.seen[-1].headers
    assert (last.get("if-modified-since"), "if-none-match" in last) == (stamp, False)
    assert counts(again) == {"unchanged": 2}
    assert writes(sandbox) == 2


def test_the_same_bytes_without_validators_count_as_unchanged(
    sandbox: SandboxHandle, link: LinkServer, tmp_path: Path
) -> None:
    url = link.serve(
        "/agenda.csv", Answer(body=sheet(tmp_path, numbered_rows(2)), headers={"Content-Type": CSV})
    )
    results = tmp_path / "agenda.results.xlsx"
    assert counts(run_link(sandbox, url, results)) == {"created": 2}
    again = run_link(sandbox, url, results)
    assert counts(again) == {"unchanged": 2}
    assert "if-none-match" not in link.seen[-1].headers
    assert writes(sandbox) == 2


def test_what_never_makes_the_next_run_skip_a_sheet(
    sandbox: SandboxHandle, link: LinkServer, tmp_path: Path
) -> None:
    rows = numbered_rows(3)
    rows[2][5] = "25:99"  # a time that is no time: the run exits 1, nothing is sent
    url = link.serve(
        "/agenda.csv",
        Answer(body=sheet(tmp_path, rows), headers={"Content-Type": CSV}, etag='"v1"'),
    )
    results = tmp_path / "agenda.results.xlsx"
    state = results.with_name("agenda.results.download.json")

    failed = run_link(sandbox, url, results)
    assert int(failed.exit_code) == 1 and not state.exists()
    dry = import_into(sandbox, url, dry_run=True, results=results)  # type: ignore[arg-type]
    assert int(dry.exit_code) == 1 and not state.exists()
    assert all("if-none-match" not in seen.headers for seen in link.seen)

    # Fixed in the sheet: imported, recorded. Then the settings change (another time zone):
    # the same sheet means other sessions, so it is imported again, not skipped.
    link.serve(
        "/agenda.csv",
        Answer(body=sheet(tmp_path, numbered_rows(3)), headers={"Content-Type": CSV}, etag='"v2"'),
    )
    assert counts(run_link(sandbox, url, results)) == {"created": 3}
    assert state.exists()
    moved = run_link(sandbox, url, results, mapping={"timezone": "Europe/Berlin"})
    assert counts(moved) == {"updated": 3}
    assert by_reference(sandbox)["S000"]["startDateTime"] == "2026-06-10T07:00:00Z"

    # A kept copy that was altered is not trusted: the sheet is downloaded again.
    copy = results.with_name("agenda.downloaded.csv")
    copy.write_bytes(copy.read_bytes() + b"\n")
    again = run_link(sandbox, url, results, mapping={"timezone": "Europe/Berlin"})
    assert "if-none-match" not in link.seen[-1].headers
    assert counts(again) == {"unchanged": 3}
    assert copy.stat().st_size == len(sheet(tmp_path, numbered_rows(3)))
