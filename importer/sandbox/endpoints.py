"""The contract's endpoints as the sandbox serves them (each shaped by the profile being
played), and the inspection endpoints tests and benchmarks read the sandbox's state through."""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
import json
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from importer.sandbox.people import speaker_json
from importer.sandbox.profiles import PROFILES
from importer.sandbox.settings import Event
from importer.sandbox.state import SandboxState, problem
from importer.sandbox.store import to_json
from importer.sandbox.validation import (
    EVENT_ID_RE,
    Invalid,
    parse_paging,
    validate_files,
    validate_session,
    validate_speakers,
)

# --- the contract's endpoints -------------------------------------------------------------


def _state(request: Request) -> SandboxState:
    state: SandboxState = request.app.state.sandbox
    return state


def _event(request: Request) -> Event:
    event_id = request.path_params["event_id"]
    if not EVENT_ID_RE.match(event_id):
        raise Invalid({"eventId": "must be a UUID"})
    event = _state(request).store.events.get(event_id)
    if event is None:
        raise Invalid({"eventId": "no event with this ID"}, 404, "Event not found")
    return event


def _session(request: Request, event: Event) -> dict[str, Any]:
    record = _state(request).store.get(event.id, request.path_params["session_id"])
    if record is None:
        raise Invalid({"sessionId": "no session with this ID in the event"}, 404, "Not found")
    return record


async def _json(request: Request) -> Any:
    try:
        return json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise Invalid({"body": "is not valid JSON"}) from exc


def _paged(request: Request, path: str, items: list[Any], total: int, page: int, size: int) -> Any:
    def link(number: int) -> str:
        return f"{path}?page={number}&size={size}"

    last = max(1, -(-total // size))
    return {
        "pagination": {
            "next": link(page + 1) if page < last else None,
            "current": link(page),
            "previous": link(page - 1) if page > 1 else None,
        },
        "data": items,
    }


async def get_event(request: Request) -> Response:
    event = _event(request)
    played = _state(request).profile
    return JSONResponse(
        {
            "id": event.id,
            "name": event.name,
            "timezone": played.event_timezone or event.timezone,
            "startDate": event.start_date,
            "endDate": event.end_date,
            "eventFormat": played.event_format,
        }
    )


async def list_locations(request: Request) -> Response:
    event = _event(request)
    page, size = parse_paging(dict(request.query_params))
    wanted = request.query_params.get("filter", "").strip().lower()
    places = [p for p in event.locations if wanted in p.name.lower()]
    sort = request.query_params.get("sort", "")
    if sort.startswith("name"):
        places.sort(key=lambda p: p.name.lower(), reverse=sort.endswith("desc"))
    items = [
        {"id": p.id, "name": p.name, "mapLink": p.map_link}
        for p in places[(page - 1) * size : page * size]
    ]
    path = f"/v1/events/{event.id}/locations"
    return JSONResponse(_paged(request, path, items, len(places), page, size))


async def list_speakers(request: Request) -> Response:
    event = _event(request)
    played = _state(request).profile
    if not played.speakers_list:
        raise HTTPException(404, "no such endpoint")
    page, size = parse_paging(dict(request.query_params))
    items = [
        speaker_json(s, played.upper_ids) for s in event.speakers[(page - 1) * size : page * size]
    ]
    path = f"/v1/events/{event.id}/speakers"
    return JSONResponse(_paged(request, path, items, len(event.speakers), page, size))


async def list_sessions(request: Request) -> Response:
    event = _event(request)
    page, size = parse_paging(dict(request.query_params))
    played = _state(request).profile
    size = min(size, played.page_cap or size)
    records, total = _state(request).store.page(event.id, page, size, played.order)
    items = [to_json(r, event, played) for r in records]
    path = f"/v1/events/{event.id}/sessions"
    return JSONResponse(_paged(request, path, items, total, page, size))


def _checked_body(request: Request, event: Event, body: Any, session_id: str | None) -> Any:
    played = _state(request).profile
    parsed = validate_session(body, played)
    if played.virtual:  # the contract: capacity is ignored for virtual sessions
        parsed = dataclasses.replace(parsed, capacity=None)
    if parsed.location_id and parsed.location_id not in {p.id for p in event.locations}:
        raise Invalid({"locationId": "no location with this ID in the event"})
    parent = parsed.parent_session_id
    if parent:
        if session_id is not None and parent.lower() == session_id:
            raise Invalid({"parentSessionId": "a session cannot be its own parent"})
        store = _state(request).store
        if store.get(event.id, parent) is None:
            raise Invalid(
                {"parentSessionId": "no session with this ID in the event"},
                404,
                "Parent session not found",
            )
        if session_id is not None and session_id in store.ancestors(event.id, parent):
            raise Invalid({"parentSessionId": "would make a cycle of parent sessions"})
    return parsed


_GATEWAY_TIMEOUT = "<html><body><h1>504 Gateway Time-out</h1></body></html>"
_HTML_PAGE = "<!DOCTYPE html><html><body><p>Session saved.</p></body></html>"


async def create_session(request: Request) -> Response:
    event = _event(request)
    parsed = _checked_body(request, event, await _json(request), None)
    state = _state(request)
    played = state.profile
    state.creates_received += 1
    n = state.creates_received

    def commit() -> dict[str, Any]:
        record = state.store.create(event.id, parsed)
        state.stats.creates_committed += 1
        return record

    if played.late_commit_every and n % played.late_commit_every == 0:

        def later() -> None:
            state.late.discard(handle)
            commit()

        handle = asyncio.get_running_loop().call_later(played.late_commit_s, later)
        state.late.add(handle)
        return HTMLResponse(_GATEWAY_TIMEOUT, status_code=504)
    answer = to_json(commit(), event, played)
    if played.no_id_every and n % played.no_id_every == 1:
        del answer["id"]
    elif played.no_id_every and n % played.no_id_every == 2:
        return HTMLResponse(_HTML_PAGE, status_code=200)
    return JSONResponse(answer, status_code=201)


async def get_session(request: Request) -> Response:
    event = _event(request)
    return JSONResponse(to_json(_session(request, event), event, _state(request).profile))


async def update_session(request: Request) -> Response:
    event = _event(request)
    record = _session(request, event)
    parsed = _checked_body(request, event, await _json(request), record["id"])
    state = _state(request)
    updated = state.store.update(event.id, record["id"], parsed)
    state.stats.updates_committed += 1
    return JSONResponse(to_json(updated, event, state.profile))


async def speakers(request: Request) -> Response:
    event = _event(request)
    record = _session(request, event)
    items = validate_speakers(await _json(request))
    known = {s.id.lower() for s in event.speakers}
    unknown = {
        f"[{i}].speakerId": "no speaker with this ID in the event"
        for i, item in enumerate(items)
        if item["speakerId"].lower() not in known
    }
    if unknown:
        raise Invalid(unknown, 404, "Speaker not found")
    store = _state(request).store
    updated = store.change_speakers(event.id, record["id"], items, add=request.method == "POST")
    return JSONResponse(to_json(updated, event, _state(request).profile))


async def files(request: Request) -> Response:
    event = _event(request)
    record = _session(request, event)
    items = validate_files(await _json(request))
    updated = _state(request).store.add_files(event.id, record["id"], items)
    return JSONResponse(to_json(updated, event, _state(request).profile))


# --- inspection, for tests and benchmarks (loopback only, no key) -------------------------


def _loopback(request: Request) -> None:
    host = request.client.host if request.client else ""
    try:
        ok = ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = host in ("testclient", "localhost")
    if not ok:
        raise Invalid({"client": "inspection is only served to loopback"}, 403, "Forbidden")


async def admin_sessions(request: Request) -> Response:
    _loopback(request)
    event = _event(request)
    # The sandbox's own view: the stored reference under both names, whatever is played.
    lenient = PROFILES["lenient"]
    return JSONResponse([to_json(r, event, lenient) for r in _state(request).store.all(event.id)])


async def admin_reset(request: Request) -> Response:
    _loopback(request)
    _state(request).reset()
    return JSONResponse({"reset": True})


async def admin_faults(request: Request) -> Response:
    _loopback(request)
    state = _state(request)
    if request.method == "POST":
        body = await _json(request)
        if not isinstance(body, dict):
            raise Invalid({"body": "must be a JSON object"})
        try:
            state.limits.configure(state.limits.faults.updated(body))
        except ValueError as exc:
            raise Invalid({"faults": str(exc)}) from exc
    return JSONResponse(state.limits.faults.as_dict())


async def admin_stats(request: Request) -> Response:
    _loopback(request)
    return JSONResponse(_state(request).stats.as_dict())


async def _invalid(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Invalid)
    description = "; ".join(f"{k} {v}" for k, v in exc.errors.items())
    return problem(exc.status, exc.message, description, exc.errors)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    reason = {404: "Not found", 405: "Method not allowed"}.get(exc.status_code, "Error")
    return problem(exc.status_code, reason, f"{request.method} {request.url.path}: {exc.detail}")


def starlette_app(state: SandboxState) -> Starlette:
    event = "/v1/events/{event_id}"
    session = event + "/sessions/{session_id}"
    app = Starlette(
        routes=[
            Route(event, get_event, methods=["GET"]),
            Route(event + "/locations", list_locations, methods=["GET"]),
            Route(event + "/speakers", list_speakers, methods=["GET"]),
            Route(event + "/sessions", list_sessions, methods=["GET"]),
            Route(event + "/sessions", create_session, methods=["POST"]),
            Route(session, get_session, methods=["GET"]),
            Route(session, update_session, methods=["PUT"]),
            Route(session + "/speakers", speakers, methods=["POST", "DELETE"]),
            Route(session + "/files", files, methods=["POST"]),
            Route("/_sandbox/events/{event_id}/sessions", admin_sessions, methods=["GET"]),
            Route("/_sandbox/reset", admin_reset, methods=["POST"]),
            Route("/_sandbox/faults", admin_faults, methods=["GET", "POST"]),
            Route("/_sandbox/stats", admin_stats, methods=["GET"]),
        ],
        exception_handlers={Invalid: _invalid, HTTPException: _http_error},
    )
    app.state.sandbox = state
    return app
