"""What a sandbox serves and how it misbehaves: plain frozen data, no I/O."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from importer.errors import SandboxError
from importer.sandbox.people import Speaker, demo_speakers
from importer.sandbox.profiles import DEFAULT_PROFILE, profile

#: The event a sandbox serves when none is asked for, so a demo needs no setup.
DEMO_EVENT_ID = "5a2db0c5-de30-4e7e-8a1d-000000000001"
DEMO_EVENT_NAME = "Sandbox Demo Event"
DEMO_API_KEY = "sandbox-secret"
#: Every event served gets these locations unless a locations file is given.
DEMO_LOCATIONS = ("Main Hall", "Room 101", "Room 102", "Workshop Room")

_LOCATION_NAMESPACE = uuid.UUID("6f1c7f4e-3b1a-4f0e-9a53-2b9f0f3c8d10")


@dataclass(frozen=True)
class Location:
    id: str
    name: str
    type: str = "STAGE"
    map_link: str | None = None


@dataclass(frozen=True)
class Event:
    id: str
    name: str
    timezone: str
    start_date: str
    end_date: str
    locations: tuple[Location, ...]
    speakers: tuple[Speaker, ...] = ()


@dataclass(frozen=True)
class Faults:
    """Limits and injected faults; rates are fractions 0..1, times in milliseconds."""

    rate_limit: float = 10.0
    max_concurrent: int = 100
    daily_quota: int = 10_000
    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    error_rate: float = 0.0
    throttle_rate: float = 0.0
    drop_rate: float = 0.0
    slow_rate: float = 0.0
    slow_ms: float = 30_000.0
    seed: int = 0
    profile: str = DEFAULT_PROFILE  # which variant of the API to play (profiles.py)

    def updated(self, changes: dict[str, Any]) -> Faults:
        """A copy with ``changes`` applied; unknown names or bad values raise ``ValueError``."""
        known = {f.name: f.type for f in fields(self)}
        clean: dict[str, Any] = {}
        for name, value in changes.items():
            if name not in known:
                raise ValueError(f"unknown setting {name!r}; known: {', '.join(sorted(known))}")
            if name == "profile":
                clean[name] = profile(str(value)).name
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{name} must be a number")
            if name.endswith("_rate") and name != "rate_limit" and not 0 <= value <= 1:
                raise ValueError(f"{name} must be between 0 and 1")
            if value < 0:
                raise ValueError(f"{name} must not be negative")
            if name in ("max_concurrent", "daily_quota", "seed"):
                if value != int(value):
                    raise ValueError(f"{name} must be a whole number")
                value = int(value)
            clean[name] = value
        return replace(self, **clean)

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class SandboxSettings:
    api_keys: tuple[str, ...] = (DEMO_API_KEY,)
    read_only_keys: tuple[str, ...] = ()
    events: tuple[Event, ...] = field(default_factory=lambda: (demo_event(),))
    faults: Faults = Faults()
    db_path: Path | None = None


def location_id(event_id: str, name: str) -> str:
    """Stable across restarts so a sheet written against one sandbox works on the next."""
    return str(uuid.uuid5(_LOCATION_NAMESPACE, f"{event_id}/{name}"))


def demo_locations(event_id: str) -> tuple[Location, ...]:
    return tuple(Location(location_id(event_id, name), name) for name in DEMO_LOCATIONS)


def demo_event(
    event_id: str = DEMO_EVENT_ID,
    timezone: str = "UTC",
    locations: tuple[Location, ...] | None = None,
    speakers: tuple[Speaker, ...] | None = None,
) -> Event:
    return Event(
        id=event_id,
        name=DEMO_EVENT_NAME if event_id == DEMO_EVENT_ID else f"Sandbox event {event_id[:8]}",
        timezone=timezone,
        start_date="2026-01-01",
        end_date="2026-12-31",
        locations=locations if locations is not None else demo_locations(event_id),
        speakers=speakers if speakers is not None else demo_speakers(event_id),
    )


def read_locations_file(path: Path, event_id: str) -> tuple[Location, ...]:
    """A JSON list of names, or of objects with a name (id, type, mapLink optional)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SandboxError(f"Cannot read the locations file {path}: {exc}") from exc
    if not isinstance(raw, list) or not raw:
        raise SandboxError(f"The locations file {path} must hold a non-empty JSON list.")
    result = []
    for item in raw:
        if isinstance(item, str) and item.strip():
            result.append(Location(location_id(event_id, item.strip()), item.strip()))
        elif isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"].strip():
            name = item["name"].strip()
            result.append(
                Location(
                    id=str(item.get("id") or location_id(event_id, name)),
                    name=name,
                    type=str(item.get("type") or "STAGE"),
                    map_link=item.get("mapLink"),
                )
            )
        else:
            raise SandboxError(
                f"The locations file {path} has an entry that is neither a name nor an "
                f'object with a "name": {item!r}'
            )
    return tuple(result)
