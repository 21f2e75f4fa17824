"""Links in an agenda (slides, streams, recordings) added as session files (issue 17), checked
against the sandbox's state: named by header or link text, added once, re-runs add only new
addresses, and a cell that is not a link is a warning on that cell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from importer.check.sessionfiles import cell_files
from importer.errors import ExitCode
from importer.plan.status import Status
from tests.conftest import SandboxHandle
from tests.pipeline_helpers import import_into, read_results, write_csv

HEADERS = ["Reference ID", "Title", "Date", "Start Time", "End Time", "Slides", "Links"]


def rows(*cells: tuple[str | None, str | None]) -> list[list[Any]]:
    return [
        [f"S{n}", f"Talk {n}", "2026-06-10", f"{9 + n}:00", f"{9 + n}:45", slides, links]
        for n, (slides, links) in enumerate(cells)
    ]


def files(sandbox: SandboxHandle) -> dict[str, list[tuple[str, str]]]:
    return {
        s["externalRefId"]: [(f["fileName"], f["fileUrl"]) for f in s["files"]]
        for s in sandbox.sessions()
    }


def writes(stats: dict[str, Any]) -> dict[str, int]:
    return {k: v for k, v in stats["requests"].items() if not k.startswith("GET")}


def test_link_text_names_the_file_else_the_header() -> None:
    assert cell_files(
        "Stream: https://x.test/live\n[Recording](https://x.test/rec) https://x.test/other",
        "Links",
    ) == (
        [
            ("Stream", "https://x.test/live"),
            ("Recording", "https://x.test/rec"),
            ("Links", "https://x.test/other"),
        ],
        [],
    )
    assert cell_files("ask the speaker", "Slides") == ([], ["ask the speaker"])


def test_links_become_files_once_and_reruns_add_only_new_ones(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    agenda = write_csv(
        tmp_path / "a.csv",
        rows(("https://x.test/s0.pdf", "Stream: https://x.test/live"), (None, None)),
        HEADERS,
    )
    first = import_into(sandbox, agenda)
    assert first.exit_code == ExitCode.OK
    assert files(sandbox) == {
        "S0": [("Slides", "https://x.test/s0.pdf"), ("Stream", "https://x.test/live")],
        "S1": [],
    }
    messages = {r["Row"]: r["Message"] for r in read_results(first.results_path)}
    assert messages[2] == "2 links added as session files."
    before = sandbox.stats()
    again = import_into(sandbox, agenda)
    assert again.counts == {Status.UNCHANGED: 2}
    assert writes(sandbox.stats()) == writes(before)
    write_csv(
        tmp_path / "a.csv",
        rows(("https://x.test/s0.pdf", "Stream: https://x.test/live"), ("https://x.test/s1", None)),
        HEADERS,
    )
    third = import_into(sandbox, agenda)
    assert "Links: 1 to add as session files." in third.notes
    assert files(sandbox)["S0"] == [
        ("Slides", "https://x.test/s0.pdf"),
        ("Stream", "https://x.test/live"),
    ]
    assert files(sandbox)["S1"] == [("Slides", "https://x.test/s1")]


def test_a_cell_that_is_no_link_is_a_warning_on_it(sandbox: SandboxHandle, tmp_path: Path) -> None:
    agenda = write_csv(tmp_path / "a.csv", rows(("ask the speaker", None)), HEADERS)
    report = import_into(sandbox, agenda)
    assert report.counts == {Status.CREATED: 1}
    messages = {r["Row"]: r["Message"] for r in read_results(report.results_path)}
    assert messages[2] == (
        'Row 2, column "Slides": "ask the speaker" is not a link (http:// or https://), so it '
        "is not added to the session."
    )
    assert files(sandbox) == {"S0": []}
