"""Whole imports into the sandbox over HTTP, checked from the sandbox's own state."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from importer.errors import ApiError, ExitCode
from importer.plan.status import Status
from tests.conftest import OTHER_EVENT_ID, SandboxHandle
from tests.pipeline_helpers import by_reference, import_into, read_results, write_csv, write_xlsx

ROWS = [
    # children above their parent on purpose
    [
        "T1-02",
        "T1",
        "Streaming joins",
        "<p>Kafka &amp; Flink</p>",
        "2026-06-10",
        "10:30",
        "11:00",
        "Room 101",
        "80",
        "Data, Streaming; data",
    ],
    [
        "T1-01",
        "T1",
        "Größere Tabellen",
        None,
        "2026-06-10",
        "10:00",
        "10:30",
        "room  101",
        None,
        None,
    ],
    [
        "T1",
        None,
        "Track: Data Engineering",
        None,
        "2026-06-10",
        "10:00",
        "12:00",
        "Room 101",
        "80",
        "Data",
    ],
    [
        "KEY",
        None,
        "Opening keynote — welcome",
        None,
        "2026-06-10",
        "09:00",
        "09:45",
        "Main Hall",
        "300",
        "Keynote",
    ],
    [
        "W1-P1",
        "W1",
        "Workshop part 1",
        None,
        "2026-06-11",
        "14:00",
        "15:00",
        "Workshop Room",
        "25",
        None,
    ],
    [
        "W1",
        None,
        "Workshop: dbt",
        None,
        "2026-06-11",
        "14:00",
        "17:00",
        "Workshop Room",
        "25",
        None,
    ],
    [
        "W1-P2",
        "W1",
        "Workshop part 2",
        None,
        "2026-06-11",
        "15:15",
        "17:00",
        "Workshop Room",
        "25",
        None,
    ],
]


def test_csv_import_creates_each_session_once_with_parents_first(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    agenda = write_csv(tmp_path / "agenda.csv", ROWS)
    report = import_into(sandbox, agenda, timezone="Europe/Berlin")
    assert report.exit_code == ExitCode.OK
    assert report.plan.wave_count == 2
    remote = by_reference(sandbox)
    assert set(remote) == {"T1", "T1-01", "T1-02", "KEY", "W1", "W1-P1", "W1-P2"}
    # Berlin is UTC+2 in June.
    assert remote["KEY"]["startDateTime"] == "2026-06-10T07:00:00Z"
    assert remote["KEY"]["endDateTime"] == "2026-06-10T07:45:00Z"
    assert remote["W1-P2"]["startDateTime"] == "2026-06-11T13:15:00Z"
    assert remote["T1-02"]["parentSessionId"] == remote["T1"]["id"]
    assert remote["T1-01"]["parentSessionId"] == remote["T1"]["id"]
    assert remote["W1-P1"]["parentSessionId"] == remote["W1"]["id"]
    assert remote["KEY"]["parentSessionId"] is None
    assert remote["T1-02"]["tags"] == ["Data", "Streaming"]
    assert remote["T1-02"]["totalCapacity"] == 80
    assert remote["T1-01"]["totalCapacity"] is None
    assert remote["T1-01"]["title"] == "Größere Tabellen"
    assert remote["T1-01"]["location"][0]["locationName"] == "Room 101"
    assert remote["T1-02"]["description"] == "<p>Kafka &amp; Flink</p>"
    results = read_results(report.results_path)
    assert [r["Row"] for r in results] == list(range(2, 9))
    assert all(r["Status"] == "created" for r in results)
    for result in results:
        session = remote[result["Reference ID Used"]]
        assert result["Zuddl Session ID"] == session["id"]
        assert result["Zuddl Parent ID"] == session["parentSessionId"]
        assert result["HTTP Status"] == 201
    assert results[0]["Title"] == "Streaming joins"


def test_xlsx_with_title_rows_and_typed_cells(sandbox: SandboxHandle, tmp_path: Path) -> None:
    rows = [
        [
            "A",
            None,
            "Typed cells",
            None,
            date(2026, 6, 10),
            time(9, 0),
            time(10, 30),
            "Main Hall",
            120,
            "x",
        ],
        [
            "007",
            "A",
            "Leading zeros",
            None,
            date(2026, 6, 10),
            time(9, 30),
            time(10, 0),
            None,
            None,
            None,
        ],
    ]
    agenda = write_xlsx(tmp_path / "agenda.xlsx", rows, title_rows=2)
    report = import_into(sandbox, agenda)
    assert report.exit_code == ExitCode.OK, report.plan.problems
    assert report.table.header_row == 3
    remote = by_reference(sandbox)
    assert remote["A"]["startDateTime"] == "2026-06-10T09:00:00Z"
    assert remote["A"]["totalCapacity"] == 120
    assert remote["007"]["parentSessionId"] == remote["A"]["id"]
    assert [r["Row"] for r in read_results(report.results_path)] == [4, 5]


def test_event_time_zone_is_used_when_none_is_given(sandbox: SandboxHandle, tmp_path: Path) -> None:
    agenda = write_csv(tmp_path / "a.csv", [ROWS[3]])
    report = import_into(sandbox, agenda, event_id=OTHER_EVENT_ID)
    assert report.timezone == "Europe/Paris"
    assert by_reference(sandbox, OTHER_EVENT_ID)["KEY"]["startDateTime"] == "2026-06-10T07:00:00Z"


def test_invalid_rows_stop_the_whole_run_by_default(sandbox: SandboxHandle, tmp_path: Path) -> None:
    rows = [list(r) for r in ROWS]
    rows[2][5] = "25:00"  # the track T1: its children cannot go either
    agenda = write_csv(tmp_path / "agenda.csv", rows)
    report = import_into(sandbox, agenda)
    assert report.exit_code == ExitCode.ROWS_FAILED
    assert sandbox.sessions() == []
    assert sandbox.stats()["requests"].get("POST 201") is None
    results = {r["Row"]: r for r in read_results(report.results_path)}
    assert results[4]["Status"] == "invalid"
    assert results[4]["Message"] == (
        'Row 4, column "Start Time": "25:00" is not a time. Write it like 09:30 or 9:30 AM.'
    )
    assert results[5]["Status"] == "skipped"
    assert results[5]["Message"] == (
        "Nothing was sent because 1 row has problems. Fix them, or run with --skip-invalid."
    )


def test_skip_invalid_sends_the_rest_and_holds_back_children(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    rows = [list(r) for r in ROWS]
    rows[2][5] = "25:00"
    agenda = write_csv(tmp_path / "agenda.csv", rows)
    report = import_into(sandbox, agenda, skip_invalid=True)
    assert report.exit_code == ExitCode.ROWS_FAILED
    assert set(by_reference(sandbox)) == {"KEY", "W1", "W1-P1", "W1-P2"}
    results = {r["Row"]: r for r in read_results(report.results_path)}
    assert results[2]["Status"] == "skipped"
    assert results[2]["Message"] == (
        "Not sent: its parent (row 4) has a problem. Fix that row first."
    )
    assert results[5]["Status"] == "created"


def test_dry_run_sends_no_write(sandbox: SandboxHandle, tmp_path: Path) -> None:
    agenda = write_csv(tmp_path / "agenda.csv", ROWS)
    report = import_into(sandbox, agenda, dry_run=True)
    assert report.exit_code == ExitCode.OK
    assert sandbox.sessions() == []
    assert not any(k.startswith(("POST", "PUT")) for k in sandbox.stats()["requests"])
    assert {r["Status"] for r in read_results(report.results_path)} == {"planned"}


def test_parent_problems_are_row_errors(sandbox: SandboxHandle, tmp_path: Path) -> None:
    rows = [
        ["A", "B", "Alpha", None, "2026-06-10", "09:00", "10:00", None, None, None],
        ["B", "A", "Beta", None, "2026-06-10", "09:00", "10:00", None, None, None],
        ["C", "C", "Gamma", None, "2026-06-10", "09:00", "10:00", None, None, None],
        ["D", "b", "Delta", None, "2026-06-10", "09:00", "10:00", None, None, None],
        ["E", "X", "Epsilon", None, "2026-06-10", "09:00", "10:00", None, None, None],
    ]
    agenda = write_csv(tmp_path / "agenda.csv", rows)
    report = import_into(sandbox, agenda)
    messages = {p.row: p.text() for p in report.plan.errors}
    assert messages == {
        2: 'Row 2, column "Parent": Rows 2 → 3 → 2 are each other\'s parents in a loop '
        '("A" → "B" → "A"). A session cannot be inside its own child: fix one of these '
        "Parent cells.",
        3: 'Row 3, column "Parent": Rows 3 → 2 → 3 are each other\'s parents in a loop '
        '("B" → "A" → "B"). A session cannot be inside its own child: fix one of these '
        "Parent cells.",
        4: 'Row 4, column "Parent": "C" is this row\'s own reference ID: a session cannot be '
        "its own parent. Leave Parent empty or name another session.",
        5: 'Row 5, column "Parent": Parent "b" is not the reference ID of any row in this '
        'sheet nor of a session in the event. Did you mean "B"? Check the spelling, or leave '
        "Parent empty.",
        6: 'Row 6, column "Parent": Parent "X" is not the reference ID of any row in this '
        "sheet nor of a session in the event. Check the spelling, or leave Parent empty.",
    }
    assert {o.status for o in report.outcomes.values()} == {Status.INVALID}
    assert sandbox.sessions() == []


def test_a_create_the_api_refuses_fails_its_row_and_skips_its_children(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    ghost = "11111111-2222-4333-8444-555555555555"
    rows = [
        ["P", ghost, "Child of a ghost", None, "2026-06-10", "09:00", "10:00", None, None, None],
        ["C", "P", "Grandchild", None, "2026-06-10", "09:00", "10:00", None, None, None],
        ["K", None, "Fine", None, "2026-06-10", "09:00", "10:00", None, None, None],
    ]
    report = import_into(sandbox, write_csv(tmp_path / "a.csv", rows))
    assert report.exit_code == ExitCode.ROWS_FAILED
    assert set(by_reference(sandbox)) == {"K"}
    assert report.outcomes[2].status == Status.FAILED
    assert report.outcomes[2].http_status == 404
    assert report.outcomes[2].message == (
        "Zuddl refused this session: parentSessionId no session with this ID in the event."
    )
    assert report.outcomes[3].status == Status.SKIPPED
    assert report.outcomes[3].message == "Not sent: its parent (row 2) was not created."


def test_unreachable_api_is_exit_3_with_a_plain_message(
    tmp_path: Path, sandbox: SandboxHandle
) -> None:
    agenda = write_csv(tmp_path / "a.csv", [ROWS[3]])
    with pytest.raises(ApiError) as caught:
        import_into(sandbox, agenda, base_url="http://127.0.0.1:9", retry_attempts=2)
    assert caught.value.exit_code == ExitCode.API_UNAVAILABLE
    assert caught.value.message == (
        "Cannot reach the Zuddl API at http://127.0.0.1:9: the connection was refused or the "
        "host is unknown. Check the address and your network."
    )


def test_refused_key_is_exit_3(sandbox: SandboxHandle, tmp_path: Path) -> None:
    from importer.run import ImportRequest, run_import
    from importer.settings.config import Secret
    from tests.pipeline_helpers import settings_for

    agenda = write_csv(tmp_path / "a.csv", [ROWS[3]])
    request = ImportRequest(agenda, settings_for(sandbox), Secret("wrong-key"))
    with pytest.raises(ApiError) as caught:
        run_import(request)
    assert caught.value.message == (
        "Zuddl refused the API key (401). Check that the key is right and was created for "
        "Backend usage."
    )
    assert "wrong-key" not in str(caught.value)


def test_an_event_time_zone_this_tool_does_not_know_is_a_clear_error(tmp_path: Path) -> None:
    from importer.errors import UsageError
    from importer.run import ImportRequest, run_import
    from importer.sandbox import Faults, SandboxSettings, demo_event, run_sandbox
    from importer.settings.config import Secret, Settings

    served = SandboxSettings(
        events=(demo_event(timezone="Orlando time"),), faults=Faults(rate_limit=0)
    )
    agenda = write_csv(tmp_path / "a.csv", [ROWS[3]])
    with run_sandbox(served) as running:
        settings = Settings(
            event_id="5a2db0c5-de30-4e7e-8a1d-000000000001",
            base_url=running.base_url,
            lock_dir=tmp_path,
        )
        with pytest.raises(UsageError) as caught:
            run_import(ImportRequest(agenda, settings, Secret("sandbox-secret")))
        assert running.state.store.all("5a2db0c5-de30-4e7e-8a1d-000000000001") == []
    assert caught.value.message == (
        'Zuddl gives the event\'s time zone as "Orlando time", which is not a time zone name '
        "this tool knows. Give one with --timezone, e.g. Europe/Berlin."
    )
