"""The page's import history: each run's results sheet and workbook, kept until deleted.

Staff come back days later for the results of an import ("which rows failed on Tuesday?"), so
each run from the page leaves a folder in the user's data folder with the two files and a few
facts (when, which file, which event, the counts); the upload screen lists them, and deletes
one when asked. No key, no address, nothing secret is written: the files are the user's own.

The journal of what the page sent for a file (last values, sessions it made) is kept here too,
per event and file name, so the next import of that file sees edits made in Zuddl since (and
conflicts with them), as the command line does with the journal beside the file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from importer.settings.config import default_results_path
from importer.sync.journal import journal_path

KINDS = ("results", "workbook")
MAX_KEPT = 200  # runs kept; the oldest go first
_ID = re.compile(r"^\d{8}-\d{6}-\d{6}-[0-9a-f]{4}$")
_META = "run.json"


def default_history() -> Path:
    """$XDG_DATA_HOME/zuddl-import/history (~/.local/share when it is not set)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "zuddl-import" / "history"


@dataclass(frozen=True)
class PastRun:
    id: str  # the folder's name: sortable by time
    when: datetime  # UTC
    file: str
    event: str
    summary: str
    files: Mapping[str, str]  # kind (results, workbook) -> file name

    @property
    def shown_when(self) -> str:
        """In this computer's time zone: the one the person looking at the list is in."""
        local = self.when.astimezone()
        return f"{local:%Y-%m-%d %H:%M}"


class History:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def keep(self, *, file: str, event: str, summary: str, made: Mapping[str, Path]) -> str:
        """Copy a finished run's files into a new folder; its ID, or "" when the disk refused."""
        now = datetime.now(UTC)
        run = f"{now:%Y%m%d-%H%M%S-%f}-{secrets.token_hex(2)}"
        folder = self.folder / run
        try:
            folder.mkdir(mode=0o700, parents=True)
            files = {}
            for kind, path in made.items():
                if kind in KINDS and path.exists():
                    shutil.copyfile(path, folder / path.name)
                    (folder / path.name).chmod(0o600)
                    files[kind] = path.name
            meta = {"when": now.isoformat(), "file": file, "event": event, "summary": summary}
            _write_private(folder / _META, json.dumps({**meta, "files": files}, indent=1))
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)
            return ""  # a full or read-only disk: the run itself is done and downloadable
        self._prune()
        return run

    def runs(self) -> tuple[PastRun, ...]:
        """The runs kept, newest first."""
        if not self.folder.is_dir():
            return ()
        found = (self.get(p.name) for p in self.folder.iterdir() if _ID.match(p.name))
        return tuple(sorted((r for r in found if r), key=lambda r: (r.when, r.id), reverse=True))

    def get(self, run: str) -> PastRun | None:
        if not _ID.match(run):  # never a path: "../" and the like name nothing
            return None
        try:
            meta = json.loads((self.folder / run / _META).read_text(encoding="utf-8"))
            files = {k: str(v) for k, v in meta["files"].items() if k in KINDS}
            when = datetime.fromisoformat(meta["when"])
            return PastRun(run, when, str(meta["file"]), str(meta["event"]),
                           str(meta["summary"]), files)  # fmt: skip
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # half-written or edited by hand: not listed

    def file(self, run: str, kind: str) -> Path | None:
        found = self.get(run)
        name = found.files.get(kind) if found else None
        path = self.folder / run / name if name else None
        return path if path is not None and path.is_file() else None

    def delete(self, run: str) -> bool:
        if self.get(run) is None:
            return False
        shutil.rmtree(self.folder / run, ignore_errors=True)
        return True

    def _prune(self) -> None:
        for old in self.runs()[MAX_KEPT:]:
            shutil.rmtree(self.folder / old.id, ignore_errors=True)

    # The journal of a file's imports into an event, between the page's private folders.
    def _journal(self, event_id: str, agenda: Path) -> Path:
        key = hashlib.sha256(f"{event_id.lower()}\n{agenda.name}".encode()).hexdigest()[:24]
        return self.folder / "journals" / f"{key}.jsonl"

    def restore_journal(self, event_id: str, agenda: Path) -> None:
        """Put the kept journal where the library looks for it: beside the uploaded file."""
        kept = self._journal(event_id, agenda)
        if kept.is_file():
            with contextlib.suppress(OSError):
                shutil.copyfile(kept, journal_path(default_results_path(agenda)))

    def keep_journal(self, event_id: str, agenda: Path) -> None:
        made = journal_path(default_results_path(agenda))
        if not made.is_file():
            return
        kept = self._journal(event_id, agenda)
        with contextlib.suppress(OSError):
            kept.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            _write_private(kept, made.read_text(encoding="utf-8"))


def _write_private(path: Path, text: str) -> None:
    """The whole file or none of it (a crash mid-write leaves the old one), this user only."""
    partial = path.with_name(path.name + ".tmp")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    partial.replace(path)
