"""sync/event.py against the sandbox app: what the event holds, read once before planning."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
import pytest

from importer.check.columns import ColumnMap
from importer.errors import ApiError
from importer.plan.build import build_plan
from importer.plan.remote import RemoteSession
from importer.sandbox import DEMO_EVENT_ID, SandboxApp, SandboxSettings
from importer.sandbox.settings import Faults, demo_event
from importer.settings.config import MappingOptions, Settings
from importer.sync.client import ZuddlClient
from importer.sync.event import EventState, journal_notes, read_event
from tests.unit.sandbox_app import KEY, base_url, sandbox_app
from tests.unit.tables import mapped, session, table

T = TypeVar("T")
BODY = {
    "title": "Talk",
    "startDateTime": "2026-06-10T07:30:00Z",
    "endDateTime": "2026-06-10T08:15:00Z",
}
HEADERS = ["Reference ID", "Title", "Location"]


class Recording(httpx.AsyncBaseTransport):
    """The sandbox app, with every path asked for written down."""

    def __init__(self, app: SandboxApp) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.paths: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(f"{request.method} {request.url.path}")
        return await self.inner.handle_async_request(request)


def call(
    app: SandboxApp, work: Callable[[ZuddlClient], Awaitable[T]], log: Recording | None = None
) -> T:
    async def go() -> T:
        wire = log or Recording(app)
        async with ZuddlClient(base_url(), KEY, rate_limit=0, transport=wire) as client:
            return await work(client)

    return asyncio.run(go())


def create(app: SandboxApp, **fields: Any) -> str:
    result = call(app, lambda c: c.create_session(DEMO_EVENT_ID, {**BODY, **fields}))
    assert result.session_id is not None, result.message
    return result.session_id


def read(
    app: SandboxApp,
    rows: list[list[Any]],
    journaled: dict[str, str] | None = None,
    log: Recording | None = None,
    **settings: Any,
) -> EventState:
    sheet = table(rows, HEADERS)
    columns = ColumnMap({"reference": 0, "title": 1, "location": 2}, tuple(HEADERS), ())
    config = Settings(event_id=DEMO_EVENT_ID, **settings)
    return call(app, lambda c: read_event(c, config, sheet, columns, journaled or {}), log)


def test_the_zone_sessions_and_references_are_read_in_one_go() -> None:
    app = sandbox_app()
    k1, k2 = create(app, externalRefId="K1"), create(app, externalRefId="K2", title="Other")
    log = Recording(app)
    state = read(app, [["K1", "Talk", None]], log=log)
    assert state.timezone == "UTC"
    assert state.notes == ()
    assert {ref: s.id for ref, s in state.existing.items()} == {"K1": k1, "K2": k2}
    assert state.known_ids == {k1.lower(), k2.lower()}
    assert state.locations is None
    assert not any("locations" in p for p in log.paths)  # no name to look up, no call


def test_locations_are_listed_only_when_a_cell_names_one() -> None:
    app = sandbox_app()
    log = Recording(app)
    state = read(app, [["K1", "Talk", "Main Hall"]], log=log)
    assert state.locations is not None and "Main Hall" in state.locations
    assert sum("locations" in p for p in log.paths) == 1


def test_a_location_given_by_its_id_needs_no_listing() -> None:
    app = sandbox_app()
    log = Recording(app)
    read(app, [["K1", "Talk", "7f9d2c1e-5b3a-4e8f-9a6d-1c2b3a4d5e6f"]], log=log)
    assert not any("locations" in p for p in log.paths)


def test_the_zone_flag_beats_what_zuddl_says() -> None:
    app = SandboxApp(
        SandboxSettings(events=(demo_event(timezone="CET"),), faults=Faults(rate_limit=0))
    )
    assert read(app, []).timezone == "Europe/Paris"
    assert read(app, []).notes == (
        'Zuddl gives the event\'s time zone as "CET"; read as Europe/Paris.',
    )
    flagged = read(app, [], mapping=MappingOptions(timezone="Asia/Tokyo"))
    assert (flagged.timezone, flagged.notes) == ("Asia/Tokyo", ())


def test_the_journal_beats_a_retyped_reference() -> None:
    app = sandbox_app()
    mine = create(app, externalRefId="K1-renamed")
    state = read(app, [], journaled={"K1": mine.upper()})
    assert state.existing["K1"].id == mine
    assert "K1-renamed" not in state.existing  # one session, one row


def test_two_sessions_with_one_reference_keep_the_first_and_say_so() -> None:
    app = sandbox_app()
    first, second = create(app, externalRefId="K1"), create(app, externalRefId="K1")
    state = read(app, [])
    assert state.existing["K1"].id == first
    assert state.notes == (
        f'Zuddl holds more than one session with reference ID "K1" ({first}, {second}); the '
        "first is kept up to date.",
    )


def test_a_journaled_session_that_lost_its_reference_stops_the_run() -> None:
    app = sandbox_app()
    bare = create(app)
    with pytest.raises(ApiError) as caught:
        read(app, [], journaled={"K1": bare})
    assert str(caught.value) == (
        f'Session {bare}, created by an earlier run for reference ID "K1", is listed by Zuddl '
        "without a reference ID. Nothing was sent: a new create would duplicate it. Run "
        "zuddl-import doctor --event ID to see what Zuddl keeps."
    )


def test_a_pinned_reference_name_the_event_contradicts_stops_the_run() -> None:
    app = sandbox_app()
    create(app, externalRefId="K1")
    shown = read(app, []).naming.name  # what the listing revealed
    assert read(app, []).naming.confirmed
    other = "referenceId" if shown == "externalRefId" else "externalRefId"
    with pytest.raises(ApiError) as caught:
        read(app, [], reference_field=other)
    assert str(caught.value) == (
        f'reference_field is "{other}", but the sessions of this event carry their reference '
        f"IDs as {shown}. Nothing was sent. Set reference_field = "
        '"auto" (or that name) in the config.'
    )


def test_sessions_an_earlier_run_made_that_are_gone_are_said() -> None:
    plan = build_plan(mapped([session("K1", "Talk"), session("K2", "Other")]))
    existing = {"K2": RemoteSession("S-2", "K2")}
    notes = journal_notes({"K1": "S-1", "K2": "S-2", "K9": "S-9"}, existing, plan)
    assert notes == [
        '"K1" was created by an earlier run (session S-1) but is not in Zuddl any more; it is '
        "created again."
    ]
