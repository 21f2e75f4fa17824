"""A time zone name that is no zone ends in the one usage line, whatever tzdata makes of it.

ZoneInfo reads the name as a path, so a region ("Europe" is a folder in tzdata), a path that
climbs out or a name too long for the file system failed in file-system ways that the command
once reported as an internal error (exit 70). Run in a child process: the user's view."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.child import run_cli


@pytest.mark.parametrize("zone", ["Europe", "America", "../x", "x" * 300])
def test_a_zone_name_that_is_no_zone_is_one_usage_line(tmp_path: Path, zone: str) -> None:
    agenda = tmp_path / "x.csv"
    agenda.write_text("Title,Start,End\nKeynote,2026-06-09 09:00,2026-06-09 10:00\n")
    child = run_cli(["validate", "x.csv", "--timezone", zone], cwd=tmp_path)
    assert child.stderr == (
        f'Error: "{zone}" is not a time zone. Use a name like Europe/Berlin, '
        "America/New_York or UTC.\n"
    )
    assert child.code == 2
    assert child.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.csv"]  # nothing written
