"""Files written whole or not at all: a reader sees the old file or the complete new one.

The results sheet, the checked and written-back workbooks and the template all go through
here, so a full disk, a file open in Excel or a missing folder gives the same one-line answer.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from importer.errors import UsageError


def atomically(
    path: Path,
    write: Callable[[Path], None],
    *,
    what: str = "the results",
    option: str | None = "--results",
) -> None:
    # The temporary file sits in the target's folder so the replace is a rename on one file
    # system: readers see either the old results or the complete new ones, never a torso.
    temp: Path | None = None
    try:
        name = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        # Not mkstemp: its 0600 mode would survive the rename and hide the file from colleagues.
        name.touch(exist_ok=False)
        temp = name
        write(temp)
        temp.replace(path)
        temp = None
    except OSError as exc:
        raise UsageError(write_failure(path, exc, what, option)) from exc
    finally:
        if temp is not None:
            with contextlib.suppress(OSError):
                temp.unlink()


def write_failure(
    path: Path, exc: OSError, what: str = "the results", option: str | None = "--results"
) -> str:
    other = f"another path with {option}" if option else "another path"
    if isinstance(exc, IsADirectoryError) or path.is_dir():
        name = f"a file name with {option}" if option else "a file name"
        problem, advice = "it is a folder", f"Choose {name}."
    elif isinstance(exc, PermissionError):
        # Also what Windows says when the file is open in Excel, by far the usual cause.
        problem = "permission denied"
        advice = f"Close the file if it is open in Excel, or choose {other}."
    elif isinstance(exc, FileNotFoundError):
        problem = f'the folder "{path.parent}" does not exist'
        advice = f"Create it, or choose {other}."
    else:
        problem, advice = _reason(exc), f"Choose {other}."
    return f'Cannot write {what} to "{path}": {problem}. {advice}'


def _reason(exc: OSError) -> str:
    """The system's words, lower-cased to sit mid-sentence; without words, the error's kind
    ("OSError"), which keeps its spelling."""
    words = exc.strerror
    if not words and isinstance(exc.errno, int) and exc.errno in errno.errorcode:
        words = os.strerror(exc.errno)
    if not words and exc.args and all(isinstance(a, str) for a in exc.args):
        words = str(exc).strip()
    if not words or not words.strip(" ."):
        return type(exc).__name__
    words = words.strip().rstrip(".")
    return words[:1].lower() + words[1:]
