"""The only module that speaks HTTP: Zuddl's sessions API as the contract describes it.

Every httpx error is mapped here, at the boundary, to an ``ImporterError`` or to a result the
runner can act on; nothing above this module knows httpx exists.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import stamina

from importer.errors import ApiError, UsageError
from importer.settings.config import Secret
from importer.sync.answers import (
    EventInfo,
    ProbeAnswer,
    WriteResult,
    check_base_url,
    quota_spent,
    retry_after,
)
from importer.sync.pacing import Pacer
from importer.sync.paging import read_all_pages
from importer.sync.wire import Listing, listing

log = logging.getLogger("zuddl_import")

MAX_429_RETRIES = 8
MIN_SPACING_S = 0.005
MAX_SPACING_S = 1.0
# Without TCP_NODELAY a request whose headers and body go out in two writes waits ~40 ms
# for a delayed ACK: a quarter of the whole budget at 10 requests/s.
_SOCKET_OPTIONS = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
# What carries the requests: named here so callers above this layer can pass one (a test's
# httpx.ASGITransport over the sandbox app) without importing httpx themselves.
Transport = httpx.AsyncBaseTransport


def _api_reason(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return f"Zuddl answered {response.status_code}."
    errors = data.get("errors") if isinstance(data, dict) else None
    if isinstance(errors, dict) and errors:
        return "; ".join(f"{field} {reason}" for field, reason in errors.items())
    if isinstance(data, dict):
        return str(data.get("description") or data.get("message") or response.status_code)
    return f"Zuddl answered {response.status_code}."


@dataclass(frozen=True)
class RetryPolicy:
    """For idempotent calls (GET, PUT): exponential backoff with jitter, bounded twice."""

    attempts: int = 6
    deadline_s: float = 120.0
    wait_initial_s: float = 0.2
    wait_max_s: float = 15.0


class _ServerError(Exception):
    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


def _log_retry(details: stamina.instrumentation.RetryDetails) -> None:
    log.warning(
        "retry",
        extra={
            "event": "request_retry",
            "data": {
                "request": details.name,
                "attempt": details.retry_num,
                "wait_s": round(details.wait_for, 2),
                "error": _describe(details.caused_by),
            },
        },
    )


# stamina's own hooks print to stderr; users see our log instead, if they asked for one.
stamina.instrumentation.set_on_retry_hooks([_log_retry])


def _describe(exc: BaseException) -> str:
    if isinstance(exc, _ServerError):
        return f"HTTP {exc.response.status_code}"
    if isinstance(exc, httpx.TransportError):
        return _transport_reason(exc)
    return type(exc).__name__


class ZuddlClient:
    """One keep-alive connection pool for a whole run, behind a client-side rate limit."""

    def __init__(
        self,
        base_url: str,
        api_key: Secret,
        *,
        timeout_s: float = 30.0,
        rate_limit: float = 10.0,
        concurrency: int = 8,
        retry: RetryPolicy = RetryPolicy(),
        transport: Transport | None = None,
        auth_scheme: str = "raw",
        max_retry_after_s: float = 300.0,
    ) -> None:
        self.base_url = check_base_url(base_url)
        self.retry = retry
        self.auth_scheme = auth_scheme
        self.max_retry_after_s = max_retry_after_s
        self._key = api_key
        self._concurrency = concurrency
        # One token at a time, evenly spaced: a burst would spend the server's bucket at once.
        self._limiter = Pacer(rate_limit) if rate_limit > 0 else None
        # Adaptive slow-down: a 429 doubles the spacing between request starts, each answer
        # that is not a 429 shrinks it again, so the pace settles just under the server's.
        self._spacing = 0.0
        self._last_start = 0.0
        self._slowed_at = 0.0
        self._pace_lock = asyncio.Lock()
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 10.0)),
            limits=httpx.Limits(
                max_connections=concurrency + 2, max_keepalive_connections=concurrency + 2
            ),
            transport=transport or httpx.AsyncHTTPTransport(socket_options=_SOCKET_OPTIONS),
            headers={"Accept": "application/json"},
            follow_redirects=False,
        )
        self.calls = 0
        self.rate_limited = 0
        self.notes: list[str] = []  # what first contact learned, for the report
        self._bearer_tried = False
        self._auth_lock = asyncio.Lock()

    async def __aenter__(self) -> ZuddlClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._http.aclose()

    async def _pace(self) -> None:
        if self._spacing < MIN_SPACING_S:
            return
        async with self._pace_lock:
            wait = self._last_start + self._spacing - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self._last_start = time.monotonic()

    async def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One call; a 429 is waited out (its Retry-After) and sent again, a few times."""
        for _ in range(MAX_429_RETRIES + 1):
            await self._pace()
            if self._limiter is not None:
                await self._limiter.wait()
            self.calls += 1
            sent_with = self.auth_scheme
            response = await self._http.request(
                method, path, headers={"Authorization": self._authorization()}, **kwargs
            )
            if response.status_code == 401 and sent_with == "raw":
                response = await self._try_bearer(method, path, response, **kwargs)
            if response.status_code != 429:
                self._spacing = self._spacing * 0.9 if self._spacing >= MIN_SPACING_S else 0.0
                return response
            self.rate_limited += 1
            wait = retry_after(response.headers.get("Retry-After"))
            if wait > self.max_retry_after_s:
                raise quota_spent(wait)
            now = time.monotonic()
            if now - self._slowed_at >= 1.0:  # the 429s of one burst count once
                self._slowed_at = now
                self._spacing = min(MAX_SPACING_S, max(2 * self._spacing, 4 * MIN_SPACING_S))
            log.warning(
                "rate limited",
                extra={
                    "event": "rate_limited",
                    "data": {"method": method, "path": path, "retry_after_s": wait},
                },
            )
            await asyncio.sleep(wait)
        return response

    async def _try_bearer(
        self, method: str, path: str, refused: httpx.Response, **kwargs: Any
    ) -> httpx.Response:
        """The docs send the raw key; Zuddl's own sample code sends "Bearer <key>". A 401 to
        the raw key is tried once that way (a 401 did nothing, so this is safe for a POST);
        requests that met the 401 meanwhile wait for that answer, then follow it."""
        async with self._auth_lock:
            if not self._bearer_tried:
                self._bearer_tried = True
                self.calls += 1
                response = await self._http.request(
                    method, path, headers={"Authorization": self._authorization("bearer")}, **kwargs
                )
                if response.status_code == 401:
                    return refused
                self.auth_scheme = "bearer"
                self.notes.append(
                    'Zuddl refused the API key as sent and accepted it as "Bearer <key>"; set '
                    'auth_scheme = "bearer" in the config to skip this check.'
                )
                return response
        if self.auth_scheme != "bearer":
            return refused
        self.calls += 1
        return await self._http.request(
            method, path, headers={"Authorization": self._authorization()}, **kwargs
        )

    def _authorization(self, scheme: str | None = None) -> str:
        key = self._key.reveal()
        return f"Bearer {key}" if (scheme or self.auth_scheme) == "bearer" else key

    async def _idempotent(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """GET and PUT may be repeated safely: retry 5xx and lost connections."""
        policy = self.retry
        async for attempt in stamina.retry_context(
            on=(_ServerError, httpx.TransportError),
            attempts=policy.attempts,
            timeout=policy.deadline_s,
            wait_initial=policy.wait_initial_s,
            wait_max=policy.wait_max_s,
            wait_jitter=policy.wait_initial_s,
        ):
            with attempt:
                response = await self._send(method, path, **kwargs)
                if response.status_code >= 500:
                    raise _ServerError(response)
        return response

    def _refused(self, response: httpx.Response) -> None:
        if response.status_code == 401:
            raise ApiError(
                "Zuddl refused the API key (401). Check that the key is right and "
                "was created for Backend usage."
            )
        if response.status_code == 403:
            raise ApiError(
                "The API key may not do this (403): it needs the WRITE scope to "
                "create or update sessions."
            )

    async def _get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        try:
            response = await self._idempotent("GET", path, params=params)
        except httpx.TransportError as exc:
            raise ApiError(
                f"Cannot reach the Zuddl API at {self.base_url}: "
                f"{_transport_reason(exc)}. Check the address and your network."
            ) from exc
        except _ServerError as exc:
            raise ApiError(
                f"Zuddl kept answering {exc.response.status_code} to GET {path}, "
                f"{self.retry.attempts} times. Try again later."
            ) from exc
        self._refused(response)
        if response.status_code == 404 and "/events/" in path:
            raise UsageError(
                f"Zuddl knows no event with this ID ({path.split('/')[3]}). "
                "Check --event: copy the ID from the event's settings in Zuddl."
            )
        if response.status_code >= 300:
            raise UsageError(f"Zuddl refused GET {path}: {_api_reason(response)}.")
        return response.json()

    async def get_event(self, event_id: str) -> EventInfo:
        data = await self._get(f"/v1/events/{event_id}")
        if not isinstance(data, dict):
            raise ApiError(f"Zuddl answered GET /v1/events/{event_id} with no event details.")

        def text(key: str) -> str | None:
            value = data.get(key)
            return str(value) if value not in (None, "") else None

        return EventInfo(
            text("id") or event_id,
            text("name") or "",
            text("timezone"),
            text("eventFormat"),
            text("startDate"),
            text("endDate"),
        )

    async def _all_pages(self, path: str, expected: int = 0) -> list[dict[str, Any]]:
        return await read_all_pages(
            self._get, path, base_url=self.base_url, expected=expected, fan_out=self._concurrency
        )

    async def list_locations(self, event_id: str) -> dict[str, str]:
        """Location name, as the event spells it -> location ID."""
        items = await self._all_pages(f"/v1/events/{event_id}/locations")
        return {str(i["name"]): str(i["id"]) for i in items if i.get("name") and i.get("id")}

    async def list_sessions(self, event_id: str, expected: int = 0) -> Listing:
        return listing(await self._all_pages(f"/v1/events/{event_id}/sessions", expected))

    async def list_speakers(self, event_id: str) -> list[dict[str, Any]] | None:
        """The event's speakers, or None when the API has no such list (404: the endpoint is
        seen only in code by Zuddl staff; nothing depends on it)."""
        path = f"/v1/events/{event_id}/speakers"
        probe = await self._get_or_none(path)
        if probe is None:
            return None
        return await self._all_pages(path)

    async def _get_or_none(self, path: str) -> Any:
        try:
            response = await self._idempotent("GET", path, params={"page": 1, "size": 1})
        except (httpx.TransportError, _ServerError):
            return await self._get(path)  # says why, in the words every GET uses
        self._refused(response)
        return None if response.status_code in (404, 405, 501) else True

    async def change_speakers(
        self, event_id: str, session_id: str, items: list[dict[str, Any]], *, add: bool
    ) -> str | None:
        """POST (add) or DELETE (remove) a session's speakers; None when done, else why not.
        Both are idempotent (the same IDs end up linked or not), so 5xx are retried."""
        path = f"/v1/events/{event_id}/sessions/{session_id}/speakers"
        try:
            response = await self._idempotent("POST" if add else "DELETE", path, json=items)
        except httpx.TransportError as exc:
            return f"no answer ({_transport_reason(exc)})"
        except _ServerError as exc:
            return f"Zuddl answered {exc.response.status_code}"
        self._refused(response)
        return None if response.status_code < 300 else _api_reason(response)

    async def add_files(
        self, event_id: str, session_id: str, files: list[tuple[str, str]]
    ) -> str | None:
        """POST a session's new files; None when done, else why not. Not retried on 5xx: a
        second POST could add the files twice."""
        path = f"/v1/events/{event_id}/sessions/{session_id}/files"
        body = [{"fileName": name, "fileUrl": url} for name, url in files]
        try:
            response = await self._send("POST", path, json=body)
        except httpx.TransportError as exc:
            return f"no answer ({_transport_reason(exc)})"
        self._refused(response)
        return None if response.status_code < 300 else _api_reason(response)

    async def probe(self, path: str, *, scheme: str | None = None) -> ProbeAnswer:
        """One GET, no retry, for ``doctor``; unreachable is an ``ApiError``."""
        try:
            response = await self._http.get(
                path, headers={"Authorization": self._authorization(scheme)}
            )
        except httpx.TransportError as exc:
            raise ApiError(
                f"Cannot reach the Zuddl API at {self.base_url}: {_transport_reason(exc)}. "
                "Check the address and your network."
            ) from exc
        self.calls += 1
        try:
            data = response.json()
        except ValueError:
            data = None
        return ProbeAnswer(response.status_code, data, dict(response.headers))

    async def create_session(self, event_id: str, body: Mapping[str, Any]) -> WriteResult:
        """Never retried blindly: an unanswered create may have happened (``outcome_unknown``)."""
        try:
            response = await self._send("POST", f"/v1/events/{event_id}/sessions", json=body)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise ApiError(
                f"Lost the connection to the Zuddl API at {self.base_url}: "
                f"{_transport_reason(exc)}."
            ) from exc
        except httpx.TransportError as exc:
            return WriteResult(
                None,
                None,
                f"No answer from Zuddl ({_transport_reason(exc)}); "
                "the session may or may not have been created.",
                True,
            )
        return self._written(response, "created")

    async def update_session(
        self, event_id: str, session_id: str, body: Mapping[str, Any]
    ) -> WriteResult:
        path = f"/v1/events/{event_id}/sessions/{session_id}"
        try:
            response = await self._idempotent("PUT", path, json=body)
        except httpx.TransportError as exc:
            return WriteResult(None, None, f"Could not update: {_transport_reason(exc)}.")
        except _ServerError as exc:
            response = exc.response
            return WriteResult(
                response.status_code,
                None,
                f"Could not update: Zuddl answered {response.status_code}, "
                f"{self.retry.attempts} times.",
            )
        result = self._written(response, "updated")
        if result.outcome_unknown and 200 <= response.status_code < 300:
            # A PUT names its session: a 2xx without a session object still did the update.
            return WriteResult(response.status_code, session_id, "")
        return result

    def _written(self, response: httpx.Response, verb: str) -> WriteResult:
        self._refused(response)
        status = response.status_code
        if 200 <= status < 300:
            try:
                answer = response.json()
            except ValueError:
                answer = None
            if isinstance(answer, dict) and answer.get("id"):
                return WriteResult(status, str(answer["id"]), "", answer=answer)
            return WriteResult(
                status,
                None,
                f"Zuddl answered {status} without the session's ID; the session may or may "
                f"not have been {verb}.",
                True,
            )
        if status >= 500:
            return WriteResult(
                status,
                None,
                f"Zuddl answered {status}; the session may or may not have been {verb}.",
                True,
            )
        return WriteResult(
            status,
            None,
            f"Zuddl refused this session: {_api_reason(response)}.",
            refused_fields=_error_fields(response),
        )


def _error_fields(response: httpx.Response) -> frozenset[str]:
    try:
        data = response.json()
    except ValueError:
        return frozenset()
    errors = data.get("errors") if isinstance(data, dict) else None
    return frozenset(str(k) for k in errors) if isinstance(errors, dict) else frozenset()


def _transport_reason(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "it did not answer in time"
    if isinstance(exc, httpx.ConnectError):
        return "the connection was refused or the host is unknown"
    return "the connection was closed before an answer came"
