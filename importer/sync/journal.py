"""The run's journal: an fsync'd record of every confirmed write.

Each line names the event and the API address in one spelling (``lock.api_address``), so a
journal next to the results of a run into a fresh sandbox does not speak for another one.
(The per-event lock is in ``lock.py``.)
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO

from importer.errors import ImporterError
from importer.sync.lock import api_address


def journal_path(results: Path) -> Path:
    return results.with_name(results.stem + ".journal.jsonl")


class Journal:
    """Append-only JSON lines, flushed and fsync'd after each outcome, so a killed run loses
    nothing it had confirmed."""

    def __init__(self, path: Path, run_id: str, event_id: str, api: str | None = None) -> None:
        self.path, self.run_id, self.event_id = path, run_id, event_id
        self.api = api  # the API address, written on every line in one spelling
        self._file: IO[str] | None = None
        self._lock = threading.Lock()

    def __enter__(self) -> Journal:
        try:
            torn = _torn(self.path)
            self._file = self.path.open("a", encoding="utf-8")
            if torn:  # a run killed mid-line: this run's first line must not join that one
                self._file.write("\n")
        except OSError as exc:
            raise ImporterError(
                f'Cannot write the journal "{self.path}": {exc.strerror}. Choose a results '
                "path in a folder you can write to (--results)."
            ) from exc
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._file is not None:
            self._file.close()

    def record(
        self,
        row: int,
        reference: str | None,
        action: str,
        session_id: str,
        fields: Mapping[str, object] | None = None,
        api: str | None = None,
    ) -> None:
        """Called from worker threads (fsync blocks): one line at a time. ``fields`` is the
        session as this write left it, so the next run can tell edits made in Zuddl."""
        assert self._file is not None
        entry: dict[str, object] = {
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
            "run": self.run_id,
            "event": self.event_id,
            **self._api(api),
            "row": row,
            "reference": reference,
            "action": action,
            "session": session_id,
        }
        if fields is not None:
            entry["fields"] = dict(fields)
        self._append(entry, durable=True)

    def intend(self, row: int, reference: str | None) -> None:
        """Written before a create goes out: a run killed while a create was in flight tells
        the next run to give that create time to commit before it lists the event. Flushed,
        not fsync'd: it must outlive the process, not the machine."""
        entry = {"at": round(time.time(), 3), "run": self.run_id, "action": "sending"}
        self._append({**entry, **self._line(row, reference)})

    def refused(self, row: int, reference: str | None) -> None:
        """A create Zuddl answered with a refusal: nothing to wait for at the next run."""
        self._append({"action": "refused", **self._line(row, reference)})

    def _line(self, row: int, reference: str | None) -> dict[str, object]:
        return {"event": self.event_id, **self._api(), "row": row, "reference": reference}

    def _append(self, entry: Mapping[str, object], *, durable: bool = False) -> None:
        """One line at a time (workers write from threads); fsync'd when it must outlive the
        machine, only flushed when outliving the process is enough."""
        assert self._file is not None
        with self._lock:
            self._file.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self._file.flush()
            if durable:
                os.fsync(self._file.fileno())

    def confirmed(self) -> dict[str, str]:
        """Reference -> session ID of every write earlier runs confirmed for this event."""
        return read_journal(self.path, self.event_id, self.api)

    def _api(self, api: str | None = None) -> dict[str, str]:
        api = api or self.api
        return {"api": api_address(api)} if api else {}


def _torn(path: Path) -> bool:
    """Whether the journal's last line was cut short (it does not end in a newline)."""
    try:
        with path.open("rb") as handle:
            if handle.seek(0, os.SEEK_END) == 0:
                return False
            handle.seek(-1, os.SEEK_END)
            return handle.read(1) != b"\n"
    except FileNotFoundError:
        return False


def read_journal(path: Path, event_id: str, api: str | None = None) -> dict[str, str]:
    """Reference -> session ID of every write the journal at ``path`` confirmed for the event
    (of the API at ``api``, when given)."""
    found: dict[str, str] = {}
    for entry in _entries(path, event_id, api):
        if entry.get("reference") and entry.get("session"):
            found[str(entry["reference"])] = str(entry["session"])
    return found


@dataclass(frozen=True)
class History:
    """What earlier runs of this sheet did to the event, as its journal tells."""

    created: frozenset[str]  # session IDs (lower case) this sheet created
    last_sent: Mapping[str, Mapping[str, object]]  # session ID (lower) -> fields last written


def read_history(path: Path, event_id: str, api: str | None = None) -> History:
    created: set[str] = set()
    sent: dict[str, Mapping[str, object]] = {}
    for entry in _entries(path, event_id, api):
        session = str(entry.get("session") or "").lower()
        if not session:
            continue
        if entry.get("action") == "create":
            created.add(session)
        fields = entry.get("fields")
        if isinstance(fields, dict):
            sent[session] = fields
    return History(frozenset(created), sent)


def last_unconfirmed_send(path: Path, event_id: str, api: str | None = None) -> float | None:
    """When (epoch seconds) the latest create that no later line confirmed was sent: a run
    killed mid-create. Such a create may still commit (a gateway answers 504 and the backend
    goes on), so the next run waits out the grace period from then before listing."""
    sent: dict[str, float] = {}
    for entry in _entries(path, event_id, api):
        ref, at = str(entry.get("reference") or ""), entry.get("at")
        if entry.get("action") == "sending" and isinstance(at, int | float):
            sent[ref] = float(at)
        elif entry.get("session") or entry.get("action") == "refused":
            sent.pop(ref, None)
    return max(sent.values(), default=None)


def _entries(path: Path, event_id: str, api: str | None) -> list[dict[str, object]]:
    """The lines of this event; with ``api``, of that API only (lines written before
    addresses were recorded count for any)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (FileNotFoundError, NotADirectoryError):
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise ImporterError(f'Cannot read the journal "{path}": {exc}.') from exc
    entries, api = [], api_address(api) if api is not None else None
    for line in lines:
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:  # a line cut short by a kill: everything before holds
            continue
        if not isinstance(entry, dict) or entry.get("event") != event_id:
            continue
        if api is None or entry.get("api", api) == api:
            entries.append(entry)
    return entries
