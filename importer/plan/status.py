"""What happened to one row (``Status``) and everything the results say about it
(``Outcome``): plain values that every layer may use, importing nothing of the importer."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    FAILED = "failed"
    INVALID = "invalid"
    SKIPPED = "skipped"
    PLANNED = "planned"


@dataclass(frozen=True, slots=True)
class Outcome:
    row: int
    status: Status
    session_id: str | None = None
    parent_session_id: str | None = None
    http_status: int | None = None
    message: str = ""
    reference_id: str | None = None
    # The speakers column's entries: those linked to the event's speakers (their names in
    # Zuddl, the sheet's order) and those the event has no speaker for (as the sheet wrote them).
    speakers_linked: tuple[str, ...] = ()
    speakers_not_found: tuple[str, ...] = ()
