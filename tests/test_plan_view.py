"""The printed plan reads like the agenda: local times, room names, long texts cut (whole with
--full); plan and validate with --sandbox; journals of another API (an earlier sandbox) mute."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from importer.sync.journal import Journal, last_unconfirmed_send, read_journal
from tests.conftest import OTHER_EVENT_ID, SandboxHandle
from tests.pipeline_helpers import import_into, write_csv

ENV = {k: v for k, v in os.environ.items() if k != "ZUDDL_API_KEY"}
HEADERS = ["Reference ID", "Title", "Date", "Start Time", "End Time", "Room", "Description"]
LONG = (
    "A walk through the whole conference: who speaks where, which rooms changed since the "
    "printed programme,\nand where lunch is."
)
ROWS = [
    ["K1", "Opening keynote", "2026-06-10", "9:00", "9:45", "Main Hall", "Welcome."],
    ["W1", "Workshop", "2026-06-10", "10:00", "11:30", "room 101", None],
]


def zuddl_import(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "importer", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**ENV, "ZUDDL_API_KEY": "sandbox-secret"},
        timeout=300,
    )


def test_the_plan_shows_local_times_room_names_and_cut_texts(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    agenda = write_csv(tmp_path / "agenda.csv", ROWS, HEADERS)
    import_into(sandbox, agenda, event_id=OTHER_EVENT_ID)  # the event is in Europe/Paris
    rows = [list(r) for r in ROWS]
    rows[0][4], rows[0][5], rows[0][6] = "10:15", "Room 102", LONG  # K1: end, room, text
    title = "Late-night hackathon for everyone who still has energy after the conference dinner"
    rows.append(["H1", title, "2026-06-10", "23:30 - 1:30", None, "Workshop Room", None])
    write_csv(agenda, rows, HEADERS)
    args = ["plan", str(agenda), "--event", OTHER_EVENT_ID, "--base-url", sandbox.base_url]
    before = sandbox.sessions(OTHER_EVENT_ID)

    cut = zuddl_import(*args, cwd=tmp_path)
    full = zuddl_import(*args, "--full", cwd=tmp_path)

    assert (cut.returncode, cut.stderr) == (0, ""), cut.stderr
    head = [
        "Plan: 1 to create, 1 to update, 1 unchanged, 0 invalid; this run would make 2 writes "
        "in 1 wave (parents first).",
        "  Times in Europe/Paris.",
        "  update row 2 (K1):",
    ]
    assert cut.stdout.splitlines() == [
        *head,
        '      description: "Welcome." → "A walk through the whole conference: who speaks where, '
        'which…"',
        "      end: Wed 10 Jun 09:45 → Wed 10 Jun 10:15",
        '      location: "Main Hall" → "Room 102"',
        "  create row 4 (H1): Late-night hackathon for everyone who still has energy after… "
        "(Wed 10 Jun 23:30 – Thu 11 Jun 01:30, Workshop Room)",
    ]
    assert (full.returncode, full.stderr) == (0, ""), full.stderr
    assert full.stdout.splitlines() == [
        *head,
        '      description: "Welcome." → "A walk through the whole conference: who speaks where, '
        "which rooms changed since the printed programme,",
        '        and where lunch is."',
        "      end: Wed 10 Jun 09:45 → Wed 10 Jun 10:15",
        '      location: "Main Hall" → "Room 102"',
        f"  create row 4 (H1): {title} (Wed 10 Jun 23:30 – Thu 11 Jun 01:30, Workshop Room)",
    ]
    assert sandbox.sessions(OTHER_EVENT_ID) == before  # a plan sends nothing


def shown(output: str) -> list[str]:
    """The lines, with the embedded sandbox's port (new each time) as PORT."""
    return re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", output).splitlines()


SANDBOX_LINE = (
    "Sandbox: {} a local emulator of Zuddl at http://127.0.0.1:PORT "
    "(event 5a2db0c5-de30-4e7e-8a1d-000000000001)."
)


def test_plan_and_validate_take_sandbox(tmp_path: Path) -> None:
    agenda = write_csv(tmp_path / "agenda.csv", ROWS, HEADERS)
    planned = zuddl_import("plan", str(agenda), "--sandbox", cwd=tmp_path)
    assert (planned.returncode, planned.stderr) == (0, "")
    assert shown(planned.stdout) == [
        SANDBOX_LINE.format("planning against"),
        "Plan: 2 to create, 0 to update, 0 unchanged, 0 invalid; this run would make 2 writes "
        "in 1 wave (parents first).",
        "  Times in UTC.",
        "  create row 2 (K1): Opening keynote (Wed 10 Jun 09:00–09:45, Main Hall)",
        "  create row 3 (W1): Workshop (Wed 10 Jun 10:00–11:30, Room 101)",
    ]
    rows = [*ROWS, ["X1", "Lost", "2026-06-10", "12:00", "13:00", "Room 999", None]]
    write_csv(agenda, rows, HEADERS)
    checked = zuddl_import("validate", str(agenda), "--sandbox", cwd=tmp_path)
    assert checked.returncode == 1
    assert shown(checked.stdout) == [
        SANDBOX_LINE.format("checking against"),
        "Checked agenda.csv: 3 rows, 2 OK, 1 with problems.",
        "Problems per column: Room 1.",
        f"Checked copy: {tmp_path / 'agenda.checked.xlsx'} (bad cells are red with a comment "
        "saying how to fix them; the Problems sheet lists them all).",
    ]
    # The room was checked against the sandbox's event (no key, no --event given).
    assert checked.stderr.splitlines()[1].startswith('  error: Row 4, column "Room": ')


def test_a_fresh_sandbox_is_not_told_about_an_earlier_ones_sessions(tmp_path: Path) -> None:
    agenda = write_csv(tmp_path / "agenda.csv", ROWS, HEADERS)
    runs = [zuddl_import("run", str(agenda), "--sandbox", "--no-progress", cwd=tmp_path)]
    runs.append(zuddl_import("run", str(agenda), "--sandbox", "--no-progress", cwd=tmp_path))
    for done in runs:  # the second is not told the first one's sessions are gone
        assert (done.returncode, done.stderr) == (0, ""), done.stderr
        assert shown(re.sub(r"[0-9a-f-]{36}$", "ID", done.stdout, flags=re.M)) == [
            SANDBOX_LINE.format("importing into"),
            "Plan: 2 to create, 0 to update, 0 unchanged, 0 invalid; this run makes 2 writes in "
            "1 wave (parents first).",
            "   Row  Start (UTC)       Title                                             Zuddl ID",
            "     2  Wed 10 Jun 09:00  Opening keynote                                   ID",
            "     3  Wed 10 Jun 10:00  Workshop                                          ID",
            "Done: 2 created.",
            f"Results: {tmp_path / 'agenda.results.xlsx'}",
        ]
    journal = tmp_path / "agenda.results.journal.jsonl"
    apis = {json.loads(line)["api"] for line in journal.read_text(encoding="utf-8").splitlines()}
    assert len(apis) == 2  # two sandboxes, two addresses: each run saw only its own lines


def test_the_same_api_spelt_otherwise_still_reads_its_journal(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    agenda = write_csv(tmp_path / "agenda.csv", ROWS, HEADERS)
    first = import_into(sandbox, agenda)
    created = {first.outcomes[n].reference_id: first.outcomes[n].session_id for n in (2, 3)}
    sandbox.reset()  # the sessions are gone from Zuddl
    spelt = sandbox.base_url.replace("127.0.0.1", "localhost")
    again = import_into(sandbox, agenda, base_url=spelt)
    assert [n for n in again.notes if "not in Zuddl any more" in n] == [
        f'"{ref}" was created by an earlier run (session {created[ref]}) but is not in Zuddl '
        "any more; it is created again."
        for ref in ("K1", "W1")
    ]
    assert sorted(s["referenceId"] for s in sandbox.sessions()) == ["K1", "W1"]


def test_journal_lines_count_only_for_their_api(tmp_path: Path) -> None:
    path = tmp_path / "r.journal.jsonl"
    event = "5a2db0c5-de30-4e7e-8a1d-000000000001"
    # A line written before addresses were recorded counts for any address.
    path.write_text(
        json.dumps({"event": event, "reference": "OLD", "action": "create", "session": "s0"})
        + "\n",
        encoding="utf-8",
    )
    with Journal(path, "run1", event, "http://127.0.0.1:8001/") as journal:
        journal.record(2, "A", "create", "s1")
        journal.intend(3, "B")
    with Journal(path, "run2", event) as journal:
        journal.record(4, "C", "create", "s3", api="HTTP://LOCALHOST:8002")
    assert read_journal(path, event) == {"OLD": "s0", "A": "s1", "C": "s3"}
    assert read_journal(path, event, "http://localhost:8001") == {"OLD": "s0", "A": "s1"}
    assert read_journal(path, event, "http://[::1]:8002") == {"OLD": "s0", "C": "s3"}
    assert last_unconfirmed_send(path, event, "http://localhost:8002") is None
    assert last_unconfirmed_send(path, event, "http://localhost:8001") is not None
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [line.get("api") for line in lines] == [
        None,
        "http://localhost:8001",
        "http://localhost:8001",
        "http://localhost:8002",
    ]
