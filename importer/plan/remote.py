"""A session as the event already holds it, in the plan's terms (times as UTC text, IDs as
Zuddl spells them): what the API layer reads and the plan compares against."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True, slots=True)
class RemoteSession:
    """A session already in the event, in the plan's terms (times as UTC text)."""

    id: str
    reference_id: str | None
    title: str | None = None
    description: str | None = None
    start: str | None = None
    end: str | None = None
    location_id: str | None = None
    capacity: int | None = None
    tags: tuple[str, ...] = ()
    parent: str | None = None
    speakers: tuple[str, ...] = ()  # speaker IDs (lower case), in the order listed
    files: tuple[str, ...] = ()  # the addresses of the session's files


def format_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
