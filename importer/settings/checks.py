"""The checks on an event ID and a time zone name: one definition each, for every front end
(the command line, the page, the library) and every layer above settings."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from importer.errors import UsageError

UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)


def is_event_id(text: str) -> bool:
    """Zuddl's IDs are UUIDs; anything else cannot name an event."""
    return bool(UUID_RE.match(text))


def check_event_id(text: str) -> str:
    """``text`` when it can be an event ID, else the ``UsageError`` every front end shows."""
    if not is_event_id(text):
        raise UsageError(
            f'"{text}" is not an event ID. An event ID looks like '
            "5a2db0c5-de30-4e7e-8a1d-000000000001: copy it from Zuddl."
        )
    return text


def known_zone(name: str) -> ZoneInfo | None:
    """The IANA zone of this name, or None when tzdata has none (or the name is malformed)."""
    # ZoneInfo reads the name as a path in tzdata, so odd names fail in file-system ways too:
    # "Europe" is a folder (IsADirectoryError), a very long name is refused by the OS
    # (OSError), a non-string is a TypeError. None of them is a zone.
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError, TypeError):
        return None


def check_timezone(name: str) -> ZoneInfo:
    """The zone of this name, or the ``UsageError`` every front end shows; every layer turns
    a zone name into a zone here, so no odd name ends in a traceback."""
    zone = known_zone(name)
    if zone is None:
        raise UsageError(
            f'"{name}" is not a time zone. Use a name like Europe/Berlin, America/New_York or UTC.'
        )
    return zone
