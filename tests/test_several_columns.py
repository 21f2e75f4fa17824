"""Several columns into one field (tags, description, title), and columns named by letter."""

from __future__ import annotations

from pathlib import Path

from importer.errors import ExitCode
from tests.conftest import SandboxHandle
from tests.layout_helpers import run_layout


def test_track_format_and_level_become_tags(sandbox: SandboxHandle, tmp_path: Path) -> None:
    report = run_layout(sandbox, tmp_path, "several-columns.csv", "several-columns.toml")

    sessions = {s["referenceId"]: s for s in sandbox.sessions()}
    keynote, workshop = sessions["K1"], sessions["W1"]
    assert keynote["title"] == "Keynote The road ahead"  # a title split over two columns
    assert keynote["tags"] == ["Main", "Format: Talk", "Level: All"]
    assert keynote["description"] == "Opening words.\n\nStreamed live."
    assert workshop["title"] == "Workshop"  # the empty subtitle adds nothing
    assert workshop["tags"] == ["Data", "Format: Hands-on", "Level: Advanced"]
    assert workshop["description"] == "Bring a laptop."
    assert (keynote["startDateTime"], keynote["endDateTime"]) == (
        "2026-06-10T09:00:00Z",
        "2026-06-10T10:00:00Z",
    )
    assert report.exit_code == ExitCode.OK
    assert not [p for p in report.mapped.problems if p.severity == "warning"]


def test_columns_by_letter_and_position(sandbox: SandboxHandle, tmp_path: Path) -> None:
    report = run_layout(sandbox, tmp_path, "by-letter.csv", "by-letter.toml")

    got = {
        s["title"]: (s["startDateTime"], s["endDateTime"], s["tags"]) for s in sandbox.sessions()
    }
    assert got == {
        "Keynote": ("2026-06-10T09:00:00Z", "2026-06-10T10:00:00Z", ["Main"]),
        "Workshop": ("2026-06-10T10:30:00Z", "2026-06-10T12:00:00Z", ["Data"]),
    }
    assert report.exit_code == ExitCode.OK


def test_alias_columns_still_pick_one_without_config(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    """Without [columns], "Track" gives the tags and "Format"/"Level" (tag columns too) are
    noted, not mixed in."""
    report = run_layout(sandbox, tmp_path, "several-columns.csv")

    keynote = {s["referenceId"]: s for s in sandbox.sessions()}["K1"]
    assert keynote["tags"] == ["Main"]
    assert keynote["title"] == "Keynote"
    notes = [p.text() for p in report.mapped.problems]
    assert 'Column "Format" is not imported: "Track" already gives the tags.' in notes
    assert 'Column "Level" is not imported: "Track" already gives the tags.' in notes
