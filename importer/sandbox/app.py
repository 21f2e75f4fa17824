"""The sandbox's HTTP surface: the contract's endpoints behind a gate of limits and faults."""

from __future__ import annotations

import asyncio

from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from importer.sandbox.endpoints import starlette_app
from importer.sandbox.limits import retry_after_seconds
from importer.sandbox.profiles import QUOTA_RETRY_AFTER_S
from importer.sandbox.settings import SandboxSettings
from importer.sandbox.state import SandboxState, problem

_WRITE_METHODS = frozenset({"POST", "PUT", "DELETE", "PATCH"})


class ConnectionDropped(ConnectionError):
    """Raised in place of a dropped connection where no socket exists (in-process transport)."""


class SandboxApp:
    """ASGI app. The gate must be outermost: dropping a connection needs uvicorn's own ``send``."""

    def __init__(self, settings: SandboxSettings) -> None:
        self.state = SandboxState(settings)
        self.inner = starlette_app(self.state)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            await self.inner(scope, receive, send)
            return
        state, method = self.state, scope["method"]

        async def reply(response: Response) -> None:
            state.stats.requests[f"{method} {response.status_code}"] += 1
            await response(scope, receive, send)

        refusal = self._admit(scope)
        if refusal is not None:
            await reply(refusal)
            return
        stats = state.stats
        stats.in_flight += 1
        stats.peak_concurrency = max(stats.peak_concurrency, stats.in_flight)
        try:
            verdict = state.limits.roll()
            if verdict.latency_s:
                await asyncio.sleep(verdict.latency_s)
            if verdict.error_status is not None:
                stats.injected_errors += 1
                await reply(problem(verdict.error_status, "Server error", "Injected fault."))
                return
            if verdict.throttle:  # a gateway shedding load: 429 whatever the bucket holds
                stats.rate_limited += 1
                await reply(
                    problem(
                        429,
                        "Too Many Requests",
                        "Throttled.",
                        headers={"Retry-After": "1"},
                    )
                )
                return
            messages: list[Message] = []

            async def keep(message: Message) -> None:
                messages.append(message)

            await self.inner(scope, receive, keep)
            if verdict.drop:
                stats.dropped += 1
                stats.requests[f"{method} dropped"] += 1
                await _drop(send)
                return
            if verdict.slow:
                stats.slow += 1
                await _hold(receive, state.limits.faults.slow_ms / 1000)
            status = messages[0]["status"] if messages else 500
            stats.requests[f"{method} {status}"] += 1
            for message in messages:
                await send(message)
        finally:
            stats.in_flight -= 1

    def _admit(self, scope: Scope) -> Response | None:
        """Auth, daily quota, rate limit and concurrency cap, in the order a gateway checks."""
        state = self.state
        raw = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1").strip()
        bearer = raw.lower().startswith("bearer ")
        key = raw[7:].strip() if bearer else raw
        if key and not bearer and state.profile.bearer_only:
            return problem(401, "Unauthorized", 'Send the key as "Bearer <key>".')
        if not key:
            return problem(401, "Unauthorized", "Send the API key in the Authorization header.")
        if key not in state.keys:
            return problem(401, "Unauthorized", "The API key is not valid.")
        if scope["method"] in _WRITE_METHODS and not state.keys[key]:
            return problem(403, "Forbidden", "The API key does not have the WRITE scope.")
        if state.profile.quota_spent:
            state.stats.rate_limited += 1
            return problem(
                429,
                "Too Many Requests",
                "The daily request quota is used up.",
                headers={"Retry-After": str(QUOTA_RETRY_AFTER_S)},
            )
        quota_wait = state.limits.quota_wait(key)
        if quota_wait is not None:
            state.stats.rate_limited += 1
            return problem(
                429,
                "Too Many Requests",
                "The daily request quota is used up.",
                headers={"Retry-After": str(quota_wait)},
            )
        wait = state.limits.rate_wait(key)
        if wait:
            state.stats.rate_limited += 1
            return problem(
                429,
                "Too Many Requests",
                "Rate limit exceeded.",
                headers={"Retry-After": str(retry_after_seconds(wait))},
            )
        if state.stats.in_flight >= state.limits.faults.max_concurrent:
            state.stats.rate_limited += 1
            return problem(
                429,
                "Too Many Requests",
                "Too many concurrent requests.",
                headers={"Retry-After": "1"},
            )
        return None


async def _drop(send: Send) -> None:
    # uvicorn's send is a bound method of its request cycle, which holds the socket's transport.
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:
        raise ConnectionDropped("sandbox dropped the connection after committing")
    transport.abort()
    for _ in range(3):  # let uvicorn see connection_lost, so it does not try to answer
        await asyncio.sleep(0)


async def _hold(receive: Receive, seconds: float) -> None:
    """Sleep, but stop early when the client hangs up: a timed-out client is gone."""

    async def disconnected() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    waiter = asyncio.ensure_future(disconnected())
    try:
        await asyncio.wait({waiter}, timeout=seconds)
    finally:
        waiter.cancel()


def create_app(settings: SandboxSettings | None = None) -> SandboxApp:
    return SandboxApp(settings or SandboxSettings())
