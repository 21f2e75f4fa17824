"""Files without a row of column names: a proposed mapping, then columns named by letter."""

from __future__ import annotations

from pathlib import Path

import pytest

from importer.errors import ExitCode, InputFileError
from importer.run import ImportRequest, run_import
from importer.settings.config import Secret, Settings
from tests.conftest import SandboxHandle
from tests.layout_helpers import run_layout, spans


def test_the_columns_are_proposed_by_what_they_hold(sandbox: SandboxHandle, tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        run_layout(sandbox, tmp_path, "headerless.csv")
    assert caught.value.message == (
        "headerless.csv has no row of column names. By what they hold, its columns look like: "
        "A = date, B = start, C = end, D = title, E = location, F = description. If that is "
        "right, put these lines under [columns] in the config file (--config), one per line: "
        '"A" = "date"; "B" = "start"; "C" = "end"; "D" = "title"; "E" = "location"; '
        '"F" = "description". Or add a row with the column names above the sessions.'
    )
    assert caught.value.exit_code == ExitCode.USAGE
    assert sandbox.sessions() == []


def test_columns_named_by_letter_import_it(sandbox: SandboxHandle, tmp_path: Path) -> None:
    report = run_layout(sandbox, tmp_path, "headerless.csv", "headerless.toml")

    assert spans(sandbox) == {
        "Opening keynote": ("2026-06-10T09:00:00Z", "2026-06-10T09:45:00Z"),
        "Streaming joins": ("2026-06-10T10:00:00Z", "2026-06-10T10:45:00Z"),
        "Closing": ("2026-06-10T11:00:00Z", "2026-06-10T11:30:00Z"),
    }
    joins = {s["title"]: s for s in sandbox.sessions()}["Streaming joins"]
    assert [p["locationName"] for p in joins["location"]] == ["Room 101"]
    assert joins["description"].startswith("How to join two streams")
    assert report.exit_code == ExitCode.OK


def test_header_false_when_the_first_row_looks_like_names(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    """ "Lunch break,Main Hall" would pass for a header row; [layout] header = false says not."""
    report = run_layout(sandbox, tmp_path, "no-header-row.csv", "no-header-row.toml")

    assert sorted(spans(sandbox)) == ["Closing", "Opening keynote"]
    assert [p.text() for p in report.mapped.errors] == [
        'Row 1, column "Column C": The start time is empty. Write it like 09:30 (with a Date '
        "column) or 2026-06-10 09:30."
    ]
    assert report.exit_code == ExitCode.ROWS_FAILED


def test_a_sheet_of_notes_is_not_proposed_as_an_agenda(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    """No column holds times: it is no agenda without a header, and the loader's word stands."""
    notes = tmp_path / "src"
    notes.mkdir()
    (notes / "notes.csv").write_text("Rooms,12\nDesks,4\n", encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        run_import(
            ImportRequest(
                notes / "notes.csv",
                Settings(event_id=sandbox.event_id, base_url=sandbox.base_url, rate_limit=0),
                Secret(sandbox.key),
            )
        )
    assert caught.value.message.startswith(
        "Could not find the row with the column names in notes.csv: none of rows 1 to 2 has "
    )
