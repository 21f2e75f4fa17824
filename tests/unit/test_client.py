"""sync/client.py against the sandbox app through httpx.ASGITransport: no socket, real answers."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest

from importer.errors import ApiError, UsageError
from importer.sandbox import DEMO_EVENT_ID, SandboxApp
from importer.settings.config import Secret
from importer.sync.client import RetryPolicy, ZuddlClient
from tests.unit.sandbox_app import KEY, base_url, sandbox_app, stored, transport

T = TypeVar("T")
OTHER_EVENT = "0b7e0a52-91c4-4d3e-9f6b-2a4c1d8e7f30"
BODY = {
    "title": "Keynote",
    "startDateTime": "2026-06-10T07:30:00Z",
    "endDateTime": "2026-06-10T08:15:00Z",
}


def call(
    app: SandboxApp,
    work: Callable[[ZuddlClient], Awaitable[T]],
    key: Secret = KEY,
    **options: Any,
) -> T:
    async def go() -> T:
        async with ZuddlClient(
            base_url(), key, rate_limit=0, transport=transport(app), **options
        ) as client:
            return await work(client)

    return asyncio.run(go())


def fill(app: SandboxApp, count: int) -> None:
    async def create(client: ZuddlClient) -> None:
        for n in range(count):
            body = {**BODY, "title": f"Talk {n}", "externalRefId": f"R{n:03d}"}
            result = await client.create_session(DEMO_EVENT_ID, body)
            assert result.session_id is not None, result.message

    call(app, create)


def gets(app: SandboxApp) -> int:
    return sum(n for k, n in app.state.stats.requests.items() if k.startswith("GET "))


def test_the_event_is_read_with_its_zone() -> None:
    info = call(sandbox_app(), lambda c: c.get_event(DEMO_EVENT_ID))
    assert (info.id, info.name, info.timezone) == (DEMO_EVENT_ID, "Sandbox Demo Event", "UTC")


@pytest.mark.parametrize(("profile", "pages"), [("evidence", 3), ("page-cap", 6)])
def test_the_listing_follows_pagination_next_to_the_end(profile: str, pages: int) -> None:
    app = sandbox_app(profile=profile)  # page-cap: the server serves 20 where 50 are asked
    fill(app, 120)
    before = gets(app)

    listed = call(app, lambda c: c.list_sessions(DEMO_EVENT_ID))

    assert sorted(s.reference_id or "" for s in listed.sessions) == [
        f"R{n:03d}" for n in range(120)
    ]
    assert {s.id for s in listed.sessions} == {s["id"] for s in stored(app)}
    assert gets(app) - before == pages  # one GET per page, none twice


def test_locations_by_name() -> None:
    places = call(sandbox_app(), lambda c: c.list_locations(DEMO_EVENT_ID))
    assert sorted(places) == ["Main Hall", "Room 101", "Room 102", "Workshop Room"]


def test_create_then_update_change_the_sandbox() -> None:
    app = sandbox_app()
    created = call(app, lambda c: c.create_session(DEMO_EVENT_ID, {**BODY, "externalRefId": "K1"}))
    assert (created.status, created.message, created.outcome_unknown) == (201, "", False)
    assert created.session_id is not None
    session_id = created.session_id

    updated = call(
        app,
        lambda c: c.update_session(
            DEMO_EVENT_ID, session_id, {**BODY, "title": "Opening keynote", "externalRefId": "K1"}
        ),
    )

    assert (updated.status, updated.session_id) == (200, session_id)
    [held] = stored(app)
    assert (held["id"], held["title"], held["referenceId"]) == (
        session_id,
        "Opening keynote",
        "K1",
    )


def test_a_refused_create_names_the_field() -> None:
    app = sandbox_app()
    body = {**BODY, "locationId": "7f9d2c1e-5b3a-4e8f-9a6d-1c2b3a4d5e6f"}
    result = call(app, lambda c: c.create_session(DEMO_EVENT_ID, body))
    assert result.status == 400
    assert result.session_id is None
    assert result.message == (
        "Zuddl refused this session: locationId no location with this ID in the event."
    )
    assert result.refused_fields == {"locationId"}
    assert stored(app) == []


def test_a_wrong_key_is_refused_in_words() -> None:
    with pytest.raises(ApiError) as caught:
        call(sandbox_app(), lambda c: c.get_event(DEMO_EVENT_ID), key=Secret("wrong-key"))
    assert caught.value.message == (
        "Zuddl refused the API key (401). Check that the key is right and was created for "
        "Backend usage."
    )


def test_an_unknown_event_names_the_flag_to_fix() -> None:
    with pytest.raises(UsageError) as caught:
        call(sandbox_app(), lambda c: c.get_event(OTHER_EVENT))
    assert caught.value.message == (
        f"Zuddl knows no event with this ID ({OTHER_EVENT}). Check --event: copy the ID from "
        "the event's settings in Zuddl."
    )


def test_server_errors_on_a_read_are_retried_then_said() -> None:
    app = sandbox_app(error_rate=1.0)
    retry = RetryPolicy(attempts=3, deadline_s=30.0, wait_initial_s=0.01, wait_max_s=0.02)

    with pytest.raises(ApiError) as caught:
        call(app, lambda c: c.get_event(DEMO_EVENT_ID), retry=retry)

    assert caught.value.message in {
        f"Zuddl kept answering {status} to GET /v1/events/{DEMO_EVENT_ID}, 3 times. "
        "Try again later."
        for status in (500, 502, 503)
    }
    assert gets(app) == 3


def test_plain_http_to_another_host_is_refused_before_any_call() -> None:
    with pytest.raises(UsageError) as caught:
        ZuddlClient("http://api.example.com", KEY)
    assert caught.value.message == (
        'Refusing to send the API key over plain http to "api.example.com". Use https:// '
        "(plain http is allowed only for this machine, e.g. the sandbox)."
    )
