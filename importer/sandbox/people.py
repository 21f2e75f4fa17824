"""The event's speakers as a sandbox serves them: Zuddl has no endpoint that creates a speaker,
so a sandbox is seeded with them (``--speakers FILE``) the way an organiser adds them in
Zuddl's dashboard before an import links them to sessions."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path

from importer.errors import SandboxError

_SPEAKER_NAMESPACE = uuid.UUID("0b7f3c52-9d1e-4c6a-8f2e-5a1d7c3b9e41")

#: Every event served gets these speakers unless a speakers file is given.
DEMO_SPEAKERS = (
    ("Ada Lovelace", "ada@example.com"),
    ("Grace Hopper", "grace@example.com"),
    ("Alan Turing", "alan@example.com"),
    ("José Martínez", "jose@example.com"),
)


@dataclass(frozen=True)
class Speaker:
    id: str
    name: str
    email: str | None = None


def speaker_id(event_id: str, key: str) -> str:
    """Stable across restarts so a sheet run against one sandbox finds them on the next."""
    return str(uuid.uuid5(_SPEAKER_NAMESPACE, f"{event_id}/{key.lower()}"))


def demo_speakers(event_id: str) -> tuple[Speaker, ...]:
    return tuple(Speaker(speaker_id(event_id, mail), name, mail) for name, mail in DEMO_SPEAKERS)


def read_speakers_file(path: Path, event_id: str) -> tuple[Speaker, ...]:
    """A JSON list of objects with a name and/or an email (id optional)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SandboxError(f"Cannot read the speakers file {path}: {exc}") from exc
    if not isinstance(raw, list):
        raise SandboxError(f"The speakers file {path} must hold a JSON list.")
    result = []
    for item in raw:
        name = item.get("name") if isinstance(item, dict) else None
        email = item.get("email") if isinstance(item, dict) else None
        if not (isinstance(name, str) and name.strip()) and not isinstance(email, str):
            raise SandboxError(
                f'The speakers file {path} has an entry without a "name" or "email": {item!r}'
            )
        name = name.strip() if isinstance(name, str) else ""
        email = email.strip() if isinstance(email, str) and email.strip() else None
        key = email or name
        result.append(Speaker(str(item.get("id") or speaker_id(event_id, key)), name, email))
    return tuple(result)


def speaker_json(speaker: Speaker, upper: bool = False) -> dict[str, object]:
    """One entry of the list: the shape is unknown in Zuddl's docs; this is one guess of it."""
    first, _, last = speaker.name.partition(" ")
    return {
        "speakerId": speaker.id.upper() if upper else speaker.id,
        "firstName": first,
        "lastName": last,
        "email": speaker.email,
    }
