"""Rows that are layout: day headings, section headings, and the block above the header."""

from __future__ import annotations

from pathlib import Path

import pytest

from importer.errors import ExitCode, InputFileError
from tests.conftest import SandboxHandle
from tests.layout_helpers import run_layout, spans


def test_day_headings_date_the_rows_below(sandbox: SandboxHandle, tmp_path: Path) -> None:
    report = run_layout(sandbox, tmp_path, "day-headings.csv", "day-headings.toml")

    assert spans(sandbox) == {
        "Opening keynote": ("2024-03-18T09:00:00Z", "2024-03-18T10:00:00Z"),
        "Tracking and motion": ("2024-03-18T10:30:00Z", "2024-03-18T11:15:00Z"),
        "Day two keynote": ("2024-03-19T09:00:00Z", "2024-03-19T09:45:00Z"),
    }
    assert (
        "day-headings.csv: rows 2 and 5 are day headings: each gives its date to the rows "
        "below it that have none."
    ) in report.notes
    assert report.exit_code == ExitCode.OK


def test_a_day_heading_without_a_year_needs_the_first_day(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    with pytest.raises(InputFileError) as caught:
        run_layout(sandbox, tmp_path, "day-headings.csv")
    assert caught.value.message == (
        'Row 2 is a day heading without a year ("Monday 18 March"). Give the event\'s first day '
        'in the config file: start_date = "2026-06-10" under [defaults].'
    )
    assert sandbox.sessions() == []


def test_section_headings_as_parents(sandbox: SandboxHandle, tmp_path: Path) -> None:
    report = run_layout(sandbox, tmp_path, "sections.csv", "sections-parent.toml")

    sessions = {s["title"]: s for s in sandbox.sessions()}
    assert spans(sandbox) == {
        "Track A: Data": ("2026-06-10T09:00:00Z", "2026-06-10T10:15:00Z"),  # first to last
        "Streams": ("2026-06-10T09:00:00Z", "2026-06-10T09:30:00Z"),
        "Tables": ("2026-06-10T09:30:00Z", "2026-06-10T10:15:00Z"),
        "Track B: Web": ("2026-06-10T09:00:00Z", "2026-06-10T10:00:00Z"),
        "Browsers": ("2026-06-10T09:00:00Z", "2026-06-10T10:00:00Z"),
    }
    track_a, track_b = sessions["Track A: Data"]["id"], sessions["Track B: Web"]["id"]
    assert sessions["Streams"]["parentSessionId"] == track_a
    assert sessions["Tables"]["parentSessionId"] == track_a
    assert sessions["Browsers"]["parentSessionId"] == track_b
    assert sessions["Track A: Data"]["parentSessionId"] is None
    assert report.exit_code == ExitCode.OK

    # A second run finds every session again: nothing created, nothing changed.
    again = run_layout(sandbox, tmp_path, "sections.csv", "sections-parent.toml")
    assert len(sandbox.sessions()) == 5
    assert again.plan.count("create") == 0
    assert again.plan.count("update") == 0


def test_section_headings_as_tags(sandbox: SandboxHandle, tmp_path: Path) -> None:
    report = run_layout(sandbox, tmp_path, "sections.csv", "sections-tag.toml")

    tags = {s["title"]: s["tags"] for s in sandbox.sessions()}
    assert tags == {
        "Streams": ["Track A: Data"],
        "Tables": ["Track A: Data"],
        "Browsers": ["Track B: Web"],
    }
    assert report.exit_code == ExitCode.OK


def test_section_headings_without_config_are_proposed(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    report = run_layout(sandbox, tmp_path, "sections.csv")

    assert sorted(spans(sandbox)) == ["Browsers", "Streams", "Tables"]
    assert (
        'sections.csv: rows 2 and 5 look like section headings ("Track A: Data", "Track B: '
        'Web") and were not imported. To make each one a session around the rows below it, '
        'write headings = "parent" under [layout] in the config; headings = "tag" tags those '
        'rows with it; headings = "ignore" drops this note.'
    ) in report.notes
    assert report.exit_code == ExitCode.OK


def test_the_block_above_the_header_gives_date_and_zone(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    report = run_layout(sandbox, tmp_path, "preamble.xlsx", timezone="America/Anchorage")

    assert spans(sandbox) == {  # 12 June 2026 in Anchorage is AKDT, UTC-8
        "Welcome": ("2026-06-12T17:00:00Z", "2026-06-12T18:00:00Z"),
        "Aurora talk": ("2026-06-12T21:00:00Z", "2026-06-12T22:00:00Z"),
    }
    assert (
        'preamble.xlsx, sheet "Agenda": the date 2026-06-12 in row 2, above the header, is the '
        "date of the rows that give none."
    ) in report.notes
    assert report.exit_code == ExitCode.OK


def test_a_zone_above_the_header_that_is_not_the_events_stops(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    """The sandbox's event is in UTC: the sheet says AKDT, so nothing is guessed or sent."""
    with pytest.raises(InputFileError) as caught:
        run_layout(sandbox, tmp_path, "preamble.xlsx")
    assert caught.value.message == (
        'preamble.xlsx, sheet "Agenda": row 3, above the header, says the times are in AKDT, '
        "but they would be read in UTC. Give the time zone they are in with --timezone (for "
        'AKDT: --timezone America/Anchorage), or timezone = "Area/City" under [defaults].'
    )
    assert caught.value.exit_code == ExitCode.USAGE
    assert sandbox.sessions() == []
    assert not (tmp_path / "out.xlsx").exists()


def test_a_break_in_a_column_without_a_header(sandbox: SandboxHandle, tmp_path: Path) -> None:
    report = run_layout(sandbox, tmp_path, "break-column.csv", "break-column.toml")

    assert spans(sandbox) == {
        "Keynote": ("2026-06-10T09:00:00Z", "2026-06-10T09:30:00Z"),
        "Coffee break": ("2026-06-10T09:30:00Z", "2026-06-10T09:45:00Z"),
        "Streams": ("2026-06-10T09:45:00Z", "2026-06-10T10:30:00Z"),
    }
    assert (
        "Row 3 has no title but text in a column without a header (E): that text is the title "
        "(breaks are often written so)."
    ) in [p.text() for p in report.mapped.problems]
    assert report.exit_code == ExitCode.OK


def test_headings_ignore_drops_them_without_a_note(sandbox: SandboxHandle, tmp_path: Path) -> None:
    report = run_layout(sandbox, tmp_path, "sections.csv", mapping={"headings": "ignore"})

    assert sorted(spans(sandbox)) == ["Browsers", "Streams", "Tables"]
    assert not [n for n in report.notes if "section heading" in n]


def test_headings_date_refuses_a_heading_that_is_no_date(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    with pytest.raises(InputFileError) as caught:
        run_layout(sandbox, tmp_path, "sections.csv", mapping={"headings": "date"})
    assert caught.value.message == (
        'Row 2 is a heading ("Track A: Data") but not a date, and the config says headings = '
        '"date". Check the row, or choose "parent", "tag" or "ignore".'
    )
    assert sandbox.sessions() == []
