"""Speakers named in the sheet linked to the event's speakers (issue 17), checked against the
sandbox's state: in order, unknown ones reported without holding anything, re-runs sending only
the difference, and no speakers list at all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from importer.check.speakers import (
    Roster,
    event_speakers,
    name_key,
    split_cell,
    surname_first_column,
)
from importer.errors import ExitCode
from importer.plan.status import Status
from importer.sandbox.people import demo_speakers
from tests.conftest import SandboxHandle
from tests.pipeline_helpers import import_into, read_results, write_csv

HEADERS = ["Reference ID", "Title", "Date", "Start Time", "End Time", "Speakers"]
ADA, GRACE, ALAN, JOSE = demo_speakers("5a2db0c5-de30-4e7e-8a1d-000000000001")


def rows(*cells: str | None) -> list[list[Any]]:
    return [
        [f"S{n}", f"Talk {n}", "2026-06-10", f"{9 + n}:00", f"{9 + n}:45", cell]
        for n, cell in enumerate(cells)
    ]


def linked(sandbox: SandboxHandle) -> dict[str, list[str]]:
    return {s["externalRefId"]: [p["speakerId"] for p in s["speakers"]] for s in sandbox.sessions()}


def speaker_writes(stats: dict[str, Any]) -> int:
    return sum(v for k, v in stats["requests"].items() if k.startswith(("POST", "PUT", "DELETE")))


def test_cells_split_on_every_separator_in_order() -> None:
    assert split_cell("Ada Lovelace, Grace Hopper & Alan Turing and Bo Li + X Y; Z\nQ R") == (
        "Ada Lovelace",
        "Grace Hopper",
        "Alan Turing",
        "Bo Li",
        "X Y",
        "Z",
        "Q R",
    )
    assert split_cell("Andrea Anderson") == ("Andrea Anderson",)  # "and" only as a word


def test_surname_first_only_when_the_whole_column_is_written_so() -> None:
    assert surname_first_column(["Lovelace, Ada", "Hopper, Grace; Turing, Alan"])
    assert split_cell("Hopper, Grace; Turing, Alan", surname_first=True) == (
        "Grace Hopper",
        "Alan Turing",
    )
    assert not surname_first_column(["Lovelace, Ada", "Grace Hopper, Alan Turing"])


def test_names_match_without_case_accents_titles_or_middle_initials() -> None:
    assert name_key("Dr. José B. Martínez") == name_key("jose martinez")
    roster = Roster(
        event_speakers([{"speakerId": "A", "firstName": "Ada", "lastName": "Lovelace"}])
    )
    assert roster.find("PROF ADA LOVELACE").speaker is not None
    assert roster.find("Ada Lovelase").hint == 'Did you mean "Ada Lovelace"?'


def test_speakers_are_linked_in_the_sheets_order(sandbox: SandboxHandle, tmp_path: Path) -> None:
    agenda = write_csv(
        tmp_path / "a.csv",
        rows("Grace Hopper + ada@example.com", "Dr. José Martínez", None),
        HEADERS,
    )
    report = import_into(sandbox, agenda)
    assert report.exit_code == ExitCode.OK
    assert linked(sandbox) == {"S0": [GRACE.id, ADA.id], "S1": [JOSE.id], "S2": []}
    messages = {r["Row"]: r["Message"] for r in read_results(report.results_path)}
    assert messages[2] == "Speakers linked: Grace Hopper, Ada Lovelace."


def test_unknown_speakers_are_warnings_grouped_and_block_nothing(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    agenda = write_csv(
        tmp_path / "a.csv", rows("Alan Turing, Nobody Known", "Ada Lovelase"), HEADERS
    )
    report = import_into(sandbox, agenda)
    assert report.exit_code == ExitCode.OK
    assert report.counts == {Status.CREATED: 2}
    assert linked(sandbox) == {"S0": [ALAN.id], "S1": []}
    assert (
        '2 speakers are not in the event: add them in Zuddl, then run again ("Nobody Known", '
        '"Ada Lovelase").'
    ) in report.notes
    messages = {r["Row"]: r["Message"] for r in read_results(report.results_path)}
    assert messages[3] == (
        'Row 3, column "Speakers": "Ada Lovelase" is not a speaker of this event, so it is not '
        'linked. Did you mean "Ada Lovelace"? Add the speaker in Zuddl, then run again.'
    )


def test_reruns_send_only_the_difference_and_nothing_when_unchanged(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    agenda = write_csv(
        tmp_path / "a.csv", rows("Ada Lovelace; Grace Hopper", "Alan Turing"), HEADERS
    )
    import_into(sandbox, agenda)
    before = sandbox.stats()
    again = import_into(sandbox, agenda)
    assert again.counts == {Status.UNCHANGED: 2}
    assert speaker_writes(sandbox.stats()) == speaker_writes(before)
    # Grace dropped, José added after Ada; row 3 untouched.
    write_csv(tmp_path / "a.csv", rows("Ada Lovelace; José Martínez", "Alan Turing"), HEADERS)
    before = sandbox.stats()
    changed = import_into(sandbox, agenda)
    after = sandbox.stats()
    assert linked(sandbox) == {"S0": [ADA.id, JOSE.id], "S1": [ALAN.id]}
    assert after["requests"].get("DELETE 200", 0) - before["requests"].get("DELETE 200", 0) == 1
    assert speaker_writes(after) - speaker_writes(before) == 2
    assert "Speakers: 1 session to change (1 link to add, 1 to remove; 2 calls)." in changed.notes
    # An emptied cell unlinks that session's speakers (the column is still there).
    write_csv(tmp_path / "a.csv", rows("Ada Lovelace; José Martínez", None), HEADERS)
    emptied = import_into(sandbox, agenda)
    assert linked(sandbox) == {"S0": [ADA.id, JOSE.id], "S1": []}
    messages = {r["Row"]: r["Message"] for r in read_results(emptied.results_path)}
    assert messages[3] == "1 speaker link removed."


def test_without_a_speakers_column_zuddls_speakers_are_left_alone(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    agenda = write_csv(tmp_path / "a.csv", rows("Ada Lovelace"), HEADERS)
    import_into(sandbox, agenda)
    bare = write_csv(tmp_path / "b.csv", [r[:5] for r in rows("x")], HEADERS[:5])
    before = sandbox.stats()
    report = import_into(sandbox, bare)
    assert report.counts == {Status.UNCHANGED: 1}
    assert speaker_writes(sandbox.stats()) == speaker_writes(before)
    assert linked(sandbox) == {"S0": [ADA.id]}


def test_without_a_speakers_list_sessions_still_import(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    sandbox.faults(profile="no-speakers-list")
    agenda = write_csv(tmp_path / "a.csv", rows("Ada Lovelace", None), HEADERS)
    report = import_into(sandbox, agenda)
    assert report.exit_code == ExitCode.OK
    assert report.counts == {Status.CREATED: 2}
    assert "Speakers not linked: the API has no speakers list." in report.notes
    messages = {r["Row"]: r["Message"] for r in read_results(report.results_path)}
    assert messages[2] == "Speakers not linked: the API has no speakers list."
    assert all(not s["speakers"] for s in sandbox.sessions())


def test_sessionize_rows_per_speaker_become_one_session_with_all_speakers(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    headers = ["Session Id", "Title", "Date", "Start Time", "End Time", "Speaker"]
    agenda = write_csv(
        tmp_path / "s.csv",
        [
            ["101", "Compilers", "2026-06-10", "9:00", "9:45", "Grace Hopper"],
            ["101", None, None, None, None, "Alan Turing"],
            ["102", "Engines", "2026-06-10", "10:00", "10:45", "Ada Lovelace"],
        ],
        headers,
    )
    report = import_into(sandbox, agenda)
    assert report.counts[Status.CREATED] == 2
    assert linked(sandbox) == {"101": [GRACE.id, ALAN.id], "102": [ADA.id]}


def test_unknown_speakers_hold_the_row_only_when_asked(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    agenda = write_csv(tmp_path / "a.csv", rows("Ada Lovelace", "Nobody Known"), HEADERS)
    report = import_into(sandbox, agenda, unknown_speakers="error", skip_invalid=True)
    assert report.counts == {Status.CREATED: 1, Status.INVALID: 1}
    assert linked(sandbox) == {"S0": [ADA.id]}
    messages = {r["Row"]: r["Message"] for r in read_results(report.results_path)}
    assert messages[3] == (
        'Row 3, column "Speakers": "Nobody Known" is not a speaker of this event, so it is not '
        "linked. Add the speaker in Zuddl, then run again."
    )
