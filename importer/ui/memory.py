"""Column choices made on the page, remembered per set of headers for the next upload.

Staff upload the same kind of sheet again and again (a new version of the agenda, next year's
event); the columns they mapped by hand should not have to be mapped again. The choices are kept
in the user's config folder, keyed by the sheet's headers, never with any of the sheet's values.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from importer.fields import COLUMN_TARGETS

MAX_REMEMBERED = 200  # sets of headers kept; the oldest go first


def default_memory() -> Path:
    """$XDG_CONFIG_HOME/zuddl-import/page-columns.json (~/.config when it is not set)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "zuddl-import" / "page-columns.json"


def _key(headers: Sequence[str]) -> str:
    # The set of headers, not their order: a column moved is still the same column.
    return hashlib.sha256(json.dumps(sorted(headers)).encode()).hexdigest()


def _read(path: Path) -> dict[str, dict[str, str]]:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # none yet, or unreadable: the page detects the columns as it always did
    return found if isinstance(found, dict) else {}


def recall(path: Path, headers: Sequence[str]) -> dict[str, str]:
    """The choices last made for these headers (header -> field), or {} when none were."""
    entry = _read(path).get(_key(headers))
    if not isinstance(entry, dict):
        return {}
    return {
        header: name
        for header, name in entry.items()
        if header in headers and isinstance(name, str) and name in COLUMN_TARGETS
    }


def remember(path: Path, headers: Sequence[str], columns: Mapping[str, str]) -> None:
    """Keep the choices for these headers (in a file only this user can read)."""
    known = _read(path)
    known.pop(_key(headers), None)
    known[_key(headers)] = dict(columns)
    kept = dict(list(known.items())[-MAX_REMEMBERED:])
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = path.with_suffix(".tmp")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(kept, handle, ensure_ascii=False, indent=1)
        partial.replace(path)
    except OSError:
        pass  # a read-only home folder: the page works, it just cannot remember
