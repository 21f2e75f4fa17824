"""Sessions held by the sandbox: in memory, optionally written through to SQLite."""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from pathlib import Path
from typing import Any

from importer.sandbox.profiles import EVIDENCE, Profile
from importer.sandbox.settings import Event
from importer.sandbox.validation import SessionBody, format_utc

Record = dict[str, Any]


class Store:
    def __init__(self, events: tuple[Event, ...], db_path: Path | None = None) -> None:
        self.events = {event.id: event for event in events}
        self._sessions: dict[str, dict[str, Record]] = {event.id: {} for event in events}
        # Requests are served on one event loop, but tests read state from their own thread.
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        if db_path is not None:
            self._db = sqlite3.connect(db_path, check_same_thread=False, isolation_level=None)
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS sessions ("
                "id TEXT PRIMARY KEY, event_id TEXT NOT NULL, seq INTEGER NOT NULL, data TEXT)"
            )
            for event_id, data in self._db.execute(
                "SELECT event_id, data FROM sessions ORDER BY seq"
            ):
                if event_id in self._sessions:
                    record = json.loads(data)
                    self._sessions[event_id][record["id"]] = record

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def _persist(self, event_id: str, record: Record) -> None:
        if self._db is not None:
            self._db.execute(
                "INSERT OR REPLACE INTO sessions (id, event_id, seq, data) VALUES (?, ?, ?, ?)",
                (record["id"], event_id, record["seq"], json.dumps(record)),
            )

    def has_event(self, event_id: str) -> bool:
        return event_id in self.events

    def get(self, event_id: str, session_id: str) -> Record | None:
        return self._sessions[event_id].get(session_id.lower())

    def create(self, event_id: str, body: SessionBody) -> Record:
        with self._lock:
            sessions = self._sessions[event_id]
            seq = max((r["seq"] for r in sessions.values()), default=0) + 1
            record = _record(str(uuid.uuid4()), seq, body)
            sessions[record["id"]] = record
            self._persist(event_id, record)
            return record

    def update(self, event_id: str, session_id: str, body: SessionBody) -> Record:
        with self._lock:
            old = self._sessions[event_id][session_id]
            record = _record(old["id"], old["seq"], body)
            record["speakers"], record["files"] = old["speakers"], old["files"]
            self._sessions[event_id][session_id] = record
            self._persist(event_id, record)
            return record

    def change_speakers(
        self, event_id: str, session_id: str, speakers: list[dict[str, Any]], *, add: bool
    ) -> Record:
        with self._lock:
            record = self._sessions[event_id][session_id]
            ids = {s["speakerId"].lower() for s in speakers}
            kept = [s for s in record["speakers"] if s["speakerId"] not in ids]
            if add:
                kept += [
                    {"speakerId": s["speakerId"].lower(), "speakerOrder": s["speakerOrder"]}
                    for s in speakers
                ]
            record["speakers"] = kept
            self._persist(event_id, record)
            return record

    def add_files(self, event_id: str, session_id: str, files: list[dict[str, Any]]) -> Record:
        with self._lock:
            record = self._sessions[event_id][session_id]
            record["files"] = record["files"] + files
            self._persist(event_id, record)
            return record

    def page(
        self, event_id: str, page: int, size: int, order: str = "created"
    ) -> tuple[list[Record], int]:
        with self._lock:
            records = list(self._sessions[event_id].values())
        if order == "start":  # a new session lands mid-list and shifts the pages after it
            records.sort(key=lambda r: (r["startDateTime"], r["id"]))
        return records[(page - 1) * size : page * size], len(records)

    def all(self, event_id: str) -> list[Record]:
        with self._lock:
            return list(self._sessions[event_id].values())

    def ancestors(self, event_id: str, session_id: str) -> list[str]:
        """The chain of parents above a session, to refuse cycles on update."""
        chain: list[str] = []
        current = self.get(event_id, session_id)
        while current is not None and current["parentSessionId"] and len(chain) < 10_000:
            chain.append(current["parentSessionId"])
            current = self.get(event_id, current["parentSessionId"])
        return chain

    def reset(self) -> None:
        with self._lock:
            for sessions in self._sessions.values():
                sessions.clear()
            if self._db is not None:
                self._db.execute("DELETE FROM sessions")


def _record(session_id: str, seq: int, body: SessionBody) -> Record:
    return {
        "id": session_id,
        "seq": seq,
        "title": body.title,
        "description": body.description,
        "startDateTime": format_utc(body.start),
        "endDateTime": format_utc(body.end),
        "locationId": body.location_id,
        "capacity": body.capacity,
        "referenceId": body.reference_id,
        "parentSessionId": body.parent_session_id.lower() if body.parent_session_id else None,
        "tags": list(body.tags),
        "speakers": [],
        "files": [],
    }


def to_json(record: Record, event: Event, profile: Profile = EVIDENCE) -> dict[str, Any]:
    """The session object of the contract, with the names and spelling the profile plays."""

    def ident(value: str | None) -> str | None:
        return value.upper() if value and profile.upper_ids else value

    location = []
    for place in event.locations:
        if place.id == record["locationId"]:
            location.append(
                {
                    "locationId": ident(place.id),
                    "locationName": place.name,
                    "type": place.type,
                    "link": place.map_link,
                }
            )
    capacity = record["capacity"]
    answer: dict[str, Any] = {
        "id": ident(record["id"]),
        "title": record["title"],
        "description": record["description"],
        "startDateTime": record["startDateTime"],
        "endDateTime": record["endDateTime"],
        "location": location,
        "speakers": [{"speakerId": ident(s["speakerId"]), "url": None} for s in record["speakers"]],
        "sponsors": [],
        "files": list(record["files"]),
        "tags": list(record["tags"]),
        "parentSessionId": ident(record["parentSessionId"]),
    }
    for key in profile.capacity_keys:
        # No attendee registers in the sandbox, so every seat is still free.
        answer[key] = capacity
    for name in profile.answers:
        answer[name] = record["referenceId"]
    return answer
