"""What the event holds, read once before planning: its zone and format, its locations, its
sessions matched to this sheet's references (the journal believed first), and the checks
first contact makes on them (``naming.py``, ``zones.py``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from importer.check.columns import ColumnMap
from importer.check.mapper import UUID_RE
from importer.check.zones import event_zone
from importer.errors import ApiError
from importer.plan.build import Plan
from importer.plan.remote import RemoteSession
from importer.read.table import Table
from importer.settings.config import Settings
from importer.sync.client import ZuddlClient
from importer.sync.journal import journal_path, last_unconfirmed_send
from importer.sync.naming import Naming
from importer.sync.wire import Listing


@dataclass(frozen=True)
class EventState:
    """What the event holds and how Zuddl describes it, read once before planning."""

    timezone: str | None
    locations: dict[str, str] | None
    existing: dict[str, RemoteSession]
    remote: tuple[RemoteSession, ...]  # every session listed
    naming: Naming
    virtual: bool
    known_ids: frozenset[str]
    notes: tuple[str, ...]


async def read_event(
    client: ZuddlClient,
    settings: Settings,
    table: Table,
    columns: ColumnMap,
    journaled: Mapping[str, str],
) -> EventState:
    """One round trip for all reads: the event (zone, format), locations, sessions.
    ``columns`` are the table's, as the mapper will read them."""
    assert settings.event_id is not None
    event_id = settings.event_id

    async def places() -> dict[str, str] | None:
        needed = _names_locations(table, columns, settings)
        return await client.list_locations(event_id) if needed else None

    info, locations, listed = await asyncio.gather(
        client.get_event(event_id),
        places(),
        client.list_sessions(event_id, expected=len(table.rows)),
    )
    notes: list[str] = []
    timezone = settings.mapping.timezone
    if timezone is None and info.timezone is not None:
        zone = event_zone(info.timezone)
        timezone = zone.name
        notes.extend([zone.note] if zone.note else [])
    naming = Naming(settings.reference_field, listed)
    _check_pinned_name(settings.reference_field, listed)
    existing = _by_reference(listed.sessions, journaled, notes)
    if info.virtual:
        notes.extend(_virtual_notes(columns, settings))
    return EventState(
        timezone,
        locations,
        existing,
        listed.sessions,
        naming,
        info.virtual,
        frozenset(s.id.lower() for s in listed.sessions),
        tuple(notes),
    )


async def wait_for_killed_creates(results_path: Path, settings: Settings, notes: list[str]) -> None:
    """A run killed while creates were in flight: they may still commit, so the event is
    listed only once the grace period since the last of them has passed."""
    assert settings.event_id is not None
    sent = last_unconfirmed_send(journal_path(results_path), settings.event_id, settings.base_url)
    wait = 0.0 if sent is None else sent + settings.lookup_grace_s - time.time()
    if wait > 0:
        notes.append(
            f"An earlier run stopped while creates were unanswered; waited {wait:.0f} s for "
            "them to arrive in Zuddl before reading the event."
        )
        await asyncio.sleep(wait)


def _check_pinned_name(setting: str, listed: Listing) -> None:
    """A pinned name that the event's own sessions contradict would duplicate everything."""
    shown = listed.names_valued
    if setting != "auto" and shown and setting not in shown:
        raise ApiError(
            f'reference_field is "{setting}", but the sessions of this event carry their '
            f"reference IDs as {' and '.join(sorted(shown))}. Nothing was sent. Set "
            'reference_field = "auto" (or that name) in the config.'
        )


def _virtual_notes(columns: ColumnMap, settings: Settings) -> list[str]:
    fields = columns.fields
    notes = []
    if "capacity" in fields:
        notes.append(
            "This event is virtual: Zuddl ignores capacity for virtual sessions, so the "
            "capacity column is neither sent nor compared."
        )
    if "location" in fields or settings.mapping.default_location:
        notes.append(
            "This event is virtual: Zuddl's locations are in-person rooms; virtual stages "
            "are set in Zuddl's dashboard, not by this import."
        )
    return notes


def _names_locations(table: Table, columns: ColumnMap, settings: Settings) -> bool:
    """Whether location names must be looked up (IDs and empty cells need no call)."""
    if settings.mapping.default_location and not UUID_RE.match(settings.mapping.default_location):
        return True
    index = columns.fields.get("location")
    if index is None:
        return False
    return any(
        isinstance(v := r.values[index], str) and v.strip() and not UUID_RE.match(v.strip())
        for r in table.rows
    )


def _by_reference(
    remote: Sequence[RemoteSession], journaled: Mapping[str, str], notes: list[str]
) -> dict[str, RemoteSession]:
    """Reference -> session. A session this sheet's journal says it created is that row's
    session whatever its reference reads now; one that lost its reference stops the run."""
    found: dict[str, RemoteSession] = {}
    by_id = {s.id.lower(): s for s in remote}
    for ref, session_id in journaled.items():
        session = by_id.get(session_id.lower())
        if session is None:
            continue
        if session.reference_id is None:
            raise ApiError(
                f'Session {session.id}, created by an earlier run for reference ID "{ref}", is '
                "listed by Zuddl without a reference ID. Nothing was sent: a new create would "
                "duplicate it. Run zuddl-import doctor --event ID to see what Zuddl keeps."
            )
        found[ref] = session
    claimed = {s.id for s in found.values()}
    for session in remote:
        if session.reference_id is None or session.id in claimed:
            continue
        ref = session.reference_id
        if ref in found:
            notes.append(
                f'Zuddl holds more than one session with reference ID "{ref}" '
                f"({found[ref].id}, {session.id}); the first is kept up to date."
            )
            continue
        found[ref] = session
    return found


def journal_notes(
    confirmed: Mapping[str, str], existing: Mapping[str, RemoteSession], plan: Plan
) -> list[str]:
    gone = [ref for ref in confirmed if ref not in existing and ref in plan.references.values()]
    return [
        f'"{ref}" was created by an earlier run (session {confirmed[ref]}) but is not in '
        "Zuddl any more; it is created again."
        for ref in gone[:20]
    ]
