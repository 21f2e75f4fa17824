"""write/atomic.py: a file written whole or not at all, and one line when it cannot be."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from importer.errors import UsageError
from importer.write.atomic import atomically, write_failure


def test_the_new_content_replaces_the_old_and_no_temporary_file_stays(tmp_path: Path) -> None:
    target = tmp_path / "results.xlsx"
    target.write_text("old")
    atomically(target, lambda p: p.write_text("new"))
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["results.xlsx"]


def test_a_failing_writer_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "results.xlsx"
    target.write_text("old")

    def half(path: Path) -> None:
        path.write_text("torso")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(UsageError) as caught:
        atomically(target, half)
    assert str(caught.value) == (
        f'Cannot write the results to "{target}": no space left on device. '
        "Choose another path with --results."
    )
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["results.xlsx"]


def test_the_written_file_is_readable_by_others(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        atomically(tmp_path / "out.xlsx", lambda p: p.write_text("x"))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.xlsx").stat().st_mode) & 0o044 == 0o044


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "results.xlsx"
    with pytest.raises(UsageError) as caught:
        atomically(target, lambda p: p.write_text("x"))
    assert str(caught.value) == (
        f'Cannot write the results to "{target}": the folder "{target.parent}" does not exist. '
        "Create it, or choose another path with --results."
    )


def test_a_folder_in_the_way_is_named(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        atomically(tmp_path, lambda p: p.write_text("x"), what="the template", option=None)
    assert str(caught.value) == (
        f'Cannot write the template to "{tmp_path}": it is a folder. Choose a file name.'
    )
    assert [p.name for p in tmp_path.iterdir()] == []


def test_permission_denied_points_at_excel() -> None:
    text = write_failure(Path("r.xlsx"), PermissionError(13, "Permission denied"), option="--out")
    assert text == (
        'Cannot write the results to "r.xlsx": permission denied. Close the file if it is open '
        "in Excel, or choose another path with --out."
    )


def test_an_error_without_words_is_named_by_its_kind() -> None:
    text = write_failure(Path("r.xlsx"), OSError(), option=None)
    assert text == 'Cannot write the results to "r.xlsx": OSError. Choose another path.'
