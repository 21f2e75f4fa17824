"""The sandbox's ASGI app in-process, for unit tests: no socket, no thread, no port."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from importer.sandbox import DEMO_API_KEY, DEMO_EVENT_ID, Faults, SandboxApp, SandboxSettings
from importer.sandbox.settings import demo_event
from importer.settings.config import Secret

KEY = Secret(DEMO_API_KEY)


def sandbox_app(**faults: Any) -> SandboxApp:
    """A fresh sandbox with the demo event, no rate limit unless a test asks for one."""
    settings = SandboxSettings(events=(demo_event(),), faults=Faults(**{"rate_limit": 0, **faults}))
    return SandboxApp(settings)


def base_url() -> str:
    """A loopback address (check_base_url allows http there) that no socket ever opens: the
    transport answers instead. Its port differs per call, because a run locks its event per
    API address and tests run side by side."""
    return f"http://127.0.0.1:{1024 + uuid.uuid4().int % 64000}"


def transport(app: SandboxApp) -> httpx.ASGITransport:
    return httpx.ASGITransport(app=app)


def stored(app: SandboxApp, event_id: str = DEMO_EVENT_ID) -> list[dict[str, Any]]:
    """The sessions as the sandbox holds them (its own records, not the client's word)."""
    return app.state.store.all(event_id)
