"""Who may use the page: the access token, the CSRF token, the Host header, safe headers.

The token travels once in the printed address (``?token=``), then in a cookie that only this
origin receives (SameSite=Strict, HttpOnly). Every POST also carries a CSRF token from the
page's own forms, so another site the browser has open cannot submit them.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("zuddl_import.ui")
COOKIE = "zuddl_ui_token"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
# No script, style or frame from anywhere else; no inline script or style at all.
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SAFE_HEADERS = {
    "content-security-policy": POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    # The address holds the access token: never send it on to another site.
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}
REFUSED_TOKEN = (
    "This page needs its access token. Open the address that zuddl-import ui printed "
    "(it ends in ?token=...)."
)
INTERNAL = (
    "Something went wrong inside zuddl-import (a bug, not a problem with your file). "
    "Go back and try again; if it happens again, report it."
)
REFUSED_HOST = "This page answers only at the address zuddl-import ui printed."


@dataclass(frozen=True)
class Tokens:
    access: str = field(default_factory=lambda: secrets.token_urlsafe(24), repr=False)
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24), repr=False)

    def access_ok(self, value: str | None) -> bool:
        return value is not None and hmac.compare_digest(value.encode(), self.access.encode())

    def csrf_ok(self, value: str | None) -> bool:
        return value is not None and hmac.compare_digest(value.encode(), self.csrf.encode())


class Guard:
    """ASGI middleware in front of every route, static files included."""

    def __init__(self, app: ASGIApp, tokens: Tokens, hosts: frozenset[str]) -> None:
        self.app, self.tokens, self.hosts = app, tokens, hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        # A rebound DNS name pointing at 127.0.0.1 must not reach the page (DNS rebinding).
        if headers.get("host", "").lower() not in self.hosts:
            await _refuse(send, 403, REFUSED_HOST)
            return
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        given = query.get("token")
        if self.tokens.access_ok(given):
            # Swap the token in the address for a cookie, so it leaves the address bar.
            rest = urlencode({k: v for k, v in query.items() if k != "token"})
            target = scope["path"] + (f"?{rest}" if rest else "")
            await _redirect_with_cookie(send, target, self.tokens.access)
            return
        if not self.tokens.access_ok(_cookie(headers.get("cookie", ""))):
            await _refuse(send, 403, REFUSED_TOKEN)
            return

        started = False

        async def with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                out = MutableHeaders(scope=message)
                for name, value in SAFE_HEADERS.items():
                    out.setdefault(name, value)
            await send(message)

        try:
            await self.app(scope, receive, with_headers)
        except Exception as exc:  # a bug: one line on the console, a plain page, no traceback
            log.error(
                "Internal error (%s) on %s %s: this is a bug in zuddl-import.",
                type(exc).__name__,
                scope["method"],
                scope["path"],
            )
            if not started:
                await _refuse(send, 500, INTERNAL)


def _cookie(header: str) -> str | None:
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE:
            return value
    return None


async def _redirect_with_cookie(send: Send, target: str, token: str) -> None:
    cookie = f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict"
    await _send(send, 303, b"", {"location": target, "set-cookie": cookie})


async def _refuse(send: Send, status: int, text: str) -> None:
    body = (
        "<!doctype html><html lang=en><meta charset=utf-8><title>Refused · Zuddl session "
        f"importer</title><main><h1>Refused</h1><p>{text}</p></main></html>"
    ).encode()
    await _send(send, status, body, {"content-type": "text/html; charset=utf-8"})


async def _send(send: Send, status: int, body: bytes, extra: Mapping[str, str]) -> None:
    headers = {**SAFE_HEADERS, **extra, "content-length": str(len(body))}
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(k.encode(), v.encode("latin-1")) for k, v in headers.items()],
        }
    )
    await send({"type": "http.response.body", "body": body})
