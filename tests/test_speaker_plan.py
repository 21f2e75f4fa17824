"""Speakers where staff read them (issue 17): the plan's speaker changes per session and their
calls, the results' "Speakers linked" and "Speakers not found" columns, and the checked
workbook's marks on the cells naming unknown speakers. Each checked against the sandbox."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from importer.check.speakers import EventSpeaker
from importer.cli.console import plan_and_report, validate_and_report
from importer.plan.speakerchanges import speaker_change
from importer.plan.status import Status
from importer.settings.config import Secret
from tests.conftest import SandboxHandle
from tests.pipeline_helpers import import_into, read_results, settings_for, write_csv
from tests.test_speakers import ADA, ALAN, GRACE, HEADERS, JOSE, linked, rows

FIRST = rows(
    "Ada Lovelace; Grace Hopper",
    "Alan Turing",
    "Grace Hopper",
    "Alan Turing, Grace Hopper",
    "Ada Lovelace, Alan Turing",
)
SECOND = rows(
    "Ada Lovelace; José Martínez",  # S0: José comes, Grace goes: DELETE + POST
    "Alan Turing",  # S1: only its title changes: no speaker call
    "Ada Lovelace, Grace Hopper",  # S2: Ada before Grace: Grace out of place, DELETE + POST
    "Alan Turing",  # S3: Grace goes: one DELETE
    "Alan Turing, Ada Lovelace",  # S4: the same two, the other way round: DELETE + POST
    "Grace Hopper",  # S5: new session: one POST
)
SECOND[1][1] = "Talk 1, renamed"


def requests(sandbox: SandboxHandle, key: str) -> int:
    count: int = sandbox.stats()["requests"].get(key, 0)
    return count


def test_one_call_when_links_only_come_or_only_go() -> None:
    a, b, c = (EventSpeaker(i, i.upper()) for i in "abc")
    added = speaker_change(2, [a, b, c], ["a", "b"])
    assert (added.add, added.orders, added.remove, added.calls) == ((c,), (3,), (), 1)
    dropped = speaker_change(2, [a, c], ["a", "b", "c"])
    assert (dropped.add, [s.id for s in dropped.remove], dropped.calls) == ((), ["b"], 1)
    assert speaker_change(2, [a, b], ["a", "b"]).calls == 0
    swapped = speaker_change(2, [b, a], ["a", "b"])
    assert (swapped.add, swapped.orders, swapped.calls) == ((b, a), (1, 2), 2)
    assert swapped.text() == "order: B, A"


def test_the_plan_shows_each_sessions_speaker_changes_and_counts_their_calls(
    sandbox: SandboxHandle, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    agenda = write_csv(tmp_path / "a.csv", FIRST, HEADERS)
    import_into(sandbox, agenda)
    write_csv(agenda, SECOND, HEADERS)
    capsys.readouterr()
    before = sandbox.sessions()

    code = plan_and_report(agenda, settings_for(sandbox), Secret(sandbox.key))

    out, err = capsys.readouterr()
    assert code == 0
    assert sandbox.sessions() == before  # a plan sends nothing
    assert out.splitlines() == [
        "Plan: 1 to create, 1 to update, 4 unchanged, 0 invalid; this run would make 2 writes "
        "in 1 wave (parents first) and 8 speaker calls (5 sessions).",
        "  Times in UTC.",
        "  update row 3 (S1):",
        '      title: "Talk 1" → "Talk 1, renamed"',
        "  create row 7 (S5): Talk 5 (Wed 10 Jun 14:00–14:45)",
        "      speakers: + Grace Hopper",
        "  speakers of row 2 (S0): + José Martínez, \u2212 Grace Hopper",
        "  speakers of row 4 (S2): + Ada Lovelace; order: Ada Lovelace, Grace Hopper",
        "  speakers of row 5 (S3): \u2212 Grace Hopper",
        "  speakers of row 6 (S4): order: Alan Turing, Ada Lovelace",
    ]
    assert err.splitlines() == [
        "Note: Speakers: 5 sessions to change (3 links to add, 2 to remove, 2 in a new order; "
        "8 calls)."
    ]


def test_the_import_makes_the_calls_the_plan_counted(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    agenda = write_csv(tmp_path / "a.csv", FIRST, HEADERS)
    import_into(sandbox, agenda)
    write_csv(agenda, SECOND, HEADERS)
    posts, deletes = requests(sandbox, "POST 200"), requests(sandbox, "DELETE 200")

    report = import_into(sandbox, agenda)

    assert report.plan.speaker_calls == 8
    # Speaker links answer 200 (a created session 201): 4 POSTs and 4 DELETEs, no more.
    assert requests(sandbox, "POST 200") - posts == 4
    assert requests(sandbox, "DELETE 200") - deletes == 4
    assert linked(sandbox) == {
        "S0": [ADA.id, JOSE.id],
        "S1": [ALAN.id],
        "S2": [ADA.id, GRACE.id],
        "S3": [ALAN.id],
        "S4": [ALAN.id, ADA.id],
        "S5": [GRACE.id],
    }
    results = {r["Row"]: r for r in read_results(report.results_path)}
    assert results[2]["Message"] == "Speakers linked: José Martínez. 1 speaker link removed."
    assert results[6]["Message"] == "Speakers put in the sheet's order."
    assert results[6]["Speakers linked"] == "Alan Turing, Ada Lovelace"
    # Run again: nothing to change, no speaker call, and the plan says it sends nothing.
    posts, deletes = requests(sandbox, "POST 200"), requests(sandbox, "DELETE 200")
    again = import_into(sandbox, agenda)
    assert (again.plan.speaker_calls, again.counts) == (0, {Status.UNCHANGED: 6})
    assert (requests(sandbox, "POST 200"), requests(sandbox, "DELETE 200")) == (posts, deletes)


def test_the_results_list_the_speakers_linked_and_not_found(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    agenda = write_csv(
        tmp_path / "a.csv",
        rows("Grace Hopper + ada@example.com", "Alan Turing, Nobody Known", None),
        HEADERS,
    )
    report = import_into(sandbox, agenda)
    assert linked(sandbox) == {"S0": [GRACE.id, ADA.id], "S1": [ALAN.id], "S2": []}
    got = {
        r["Row"]: (r["Status"], r["Speakers linked"], r["Speakers not found"])
        for r in read_results(report.results_path)
    }
    assert got == {
        2: ("created", "Grace Hopper, Ada Lovelace", None),
        3: ("created", "Alan Turing", "Nobody Known"),
        4: ("created", None, None),
    }
    # The CSV results carry the same two columns, after the results' own.
    csv_report = import_into(sandbox, agenda, results=tmp_path / "r.csv")
    with csv_report.results_path.open(encoding="utf-8-sig", newline="") as file:
        table: list[dict[str, Any]] = list(csv.DictReader(file))
    assert list(table[0])[7:9] == ["Speakers linked", "Speakers not found"]
    assert [(r["Speakers linked"], r["Speakers not found"]) for r in table] == [
        ("Grace Hopper, Ada Lovelace", ""),
        ("Alan Turing", "Nobody Known"),
        ("", ""),
    ]


def test_a_dry_run_lists_the_speakers_it_would_link(sandbox: SandboxHandle, tmp_path: Path) -> None:
    agenda = write_csv(tmp_path / "a.csv", rows("Ada Lovelace, Ada Lovelase"), HEADERS)
    report = import_into(sandbox, agenda, dry_run=True)
    assert sandbox.sessions() == []
    [result] = read_results(report.results_path)
    assert (result["Status"], result["Speakers linked"], result["Speakers not found"]) == (
        "planned",
        "Ada Lovelace",
        "Ada Lovelase",
    )


def test_without_a_speakers_list_every_name_is_not_found(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    sandbox.faults(profile="no-speakers-list")
    agenda = write_csv(tmp_path / "a.csv", rows("Ada Lovelace + Grace Hopper"), HEADERS)
    report = import_into(sandbox, agenda)
    assert [s["speakers"] for s in sandbox.sessions()] == [[]]
    [result] = read_results(report.results_path)
    assert (result["Speakers linked"], result["Speakers not found"]) == (
        None,
        "Ada Lovelace, Grace Hopper",
    )
    assert result["Message"] == "Speakers not linked: the API has no speakers list."


def test_a_sheet_without_speakers_has_no_speaker_columns(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    agenda = write_csv(tmp_path / "a.csv", [r[:5] for r in rows("x")], HEADERS[:5])
    report = import_into(sandbox, agenda)
    [result] = read_results(report.results_path)
    assert "Speakers linked" not in result and "Speakers not found" not in result


def test_validate_marks_the_cell_of_an_unknown_speaker(
    sandbox: SandboxHandle, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    headers = [*HEADERS, "Moderator"]
    cells = [*rows("Ada Lovelace", "Grace Hopper")]
    cells[0].append(None)
    cells[1].append("Nobody Known")  # the second speakers column
    agenda = write_csv(tmp_path / "a.csv", cells, headers)

    code = validate_and_report(agenda, settings_for(sandbox), Secret(sandbox.key))

    err = capsys.readouterr().err
    assert code == 0  # a warning holds nothing
    assert sandbox.sessions() == []
    text = (
        '"Nobody Known" is not a speaker of this event, so it is not linked. Add the speaker '
        "in Zuddl, then run again."
    )
    assert f'  note: Row 3, column "Moderator": {text}' in err.splitlines()
    sheet = openpyxl.load_workbook(tmp_path / "a.checked.xlsx").worksheets[0]
    comment = sheet["G3"].comment  # the Moderator cell, not the first speakers column's
    assert comment is not None and comment.text == text
    assert sheet["F3"].comment is None


def test_a_row_with_a_problem_holds_the_speakers_and_links_too(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    """Nothing is sent while a row has a problem (without --skip-invalid): not even the
    speakers or links of sessions whose own fields are unchanged."""
    headers = [*HEADERS, "Slides"]
    first = [[*r, None] for r in rows("Ada Lovelace")]
    agenda = write_csv(tmp_path / "a.csv", first, headers)
    import_into(sandbox, agenda)
    second = [[*r, "https://example.com/s0.pdf"] for r in rows("Grace Hopper", "Alan Turing")]
    second[1][2] = "2026-13-45"  # the new row's date is no date
    write_csv(agenda, second, headers)
    before = sandbox.sessions()

    report = import_into(sandbox, agenda)

    assert report.counts == {Status.UNCHANGED: 1, Status.INVALID: 1}
    assert sandbox.sessions() == before
    assert linked(sandbox) == {"S0": [ADA.id]}
    [row, _] = read_results(report.results_path)
    assert row["Speakers linked"] is None
