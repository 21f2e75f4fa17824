"""The connection under the API client: one keep-alive pool for a whole run, the pace
(client-side, and slower after each burst of 429s), retries of idempotent calls, the raw-key to
"Bearer" fallback, and the words for what httpx raises.

Kept apart from ``client.py``, which holds the calls the contract names: this module knows how
requests travel, not what they mean.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from dataclasses import dataclass
from typing import Any

import httpx
import stamina

from importer.errors import ApiError
from importer.settings.config import Secret
from importer.sync.answers import check_base_url, quota_spent, retry_after
from importer.sync.pacing import Pacer

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


def api_reason(response: httpx.Response) -> str:
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


class ServerError(Exception):
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
    if isinstance(exc, ServerError):
        return f"HTTP {exc.response.status_code}"
    if isinstance(exc, httpx.TransportError):
        return transport_reason(exc)
    return type(exc).__name__


class Connection:
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
            on=(ServerError, httpx.TransportError),
            attempts=policy.attempts,
            timeout=policy.deadline_s,
            wait_initial=policy.wait_initial_s,
            wait_max=policy.wait_max_s,
            wait_jitter=policy.wait_initial_s,
        ):
            with attempt:
                response = await self._send(method, path, **kwargs)
                if response.status_code >= 500:
                    raise ServerError(response)
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


def error_fields(response: httpx.Response) -> frozenset[str]:
    try:
        data = response.json()
    except ValueError:
        return frozenset()
    errors = data.get("errors") if isinstance(data, dict) else None
    return frozenset(str(k) for k in errors) if isinstance(errors, dict) else frozenset()


def transport_reason(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "it did not answer in time"
    if isinstance(exc, httpx.ConnectError):
        return "the connection was refused or the host is unknown"
    return "the connection was closed before an answer came"
