"""Shared fixtures: one real sandbox over HTTP on a random loopback port, reset per test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from importer.sandbox import DEMO_API_KEY, DEMO_EVENT_ID, Faults, SandboxSettings, run_sandbox
from importer.sandbox.settings import demo_event
from tests.link_server import LinkServer, link_server

OTHER_EVENT_ID = "0b7e0a52-91c4-4d3e-9f6b-2a4c1d8e7f30"
READ_ONLY_KEY = "read-only-secret"
# Tests make many quick calls: no rate limit unless a test asks for one.
BASELINE_FAULTS = {**Faults().as_dict(), "rate_limit": 0}


class SandboxHandle:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.event_id = DEMO_EVENT_ID
        self.key = DEMO_API_KEY
        self.admin = httpx.Client(base_url=base_url, timeout=10)

    def client(self, key: str | None = DEMO_API_KEY, **kwargs: Any) -> httpx.Client:
        headers = {"Authorization": key} if key is not None else {}
        kwargs.setdefault("timeout", 10)
        return httpx.Client(base_url=self.base_url, headers=headers, **kwargs)

    def faults(self, **changes: Any) -> dict[str, Any]:
        response = self.admin.post("/_sandbox/faults", json=changes)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def sessions(self, event_id: str = DEMO_EVENT_ID) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.admin.get(
            f"/_sandbox/events/{event_id}/sessions"
        ).json()
        return result

    def stats(self) -> dict[str, Any]:
        result: dict[str, Any] = self.admin.get("/_sandbox/stats").json()
        return result

    def reset(self) -> None:
        self.admin.post("/_sandbox/reset").raise_for_status()
        self.faults(**BASELINE_FAULTS)


@pytest.fixture(scope="session")
def _sandbox_server() -> Iterator[SandboxHandle]:
    settings = SandboxSettings(
        read_only_keys=(READ_ONLY_KEY,),
        events=(demo_event(), demo_event(OTHER_EVENT_ID, timezone="Europe/Paris")),
        faults=Faults(**BASELINE_FAULTS),
    )
    with run_sandbox(settings) as running:
        handle = SandboxHandle(running.base_url)
        yield handle
        handle.admin.close()


@pytest.fixture
def sandbox(_sandbox_server: SandboxHandle) -> SandboxHandle:
    _sandbox_server.reset()
    return _sandbox_server


@pytest.fixture(scope="session")
def _link_server() -> Iterator[LinkServer]:
    with link_server() as server:
        yield server


@pytest.fixture
def link(_link_server: LinkServer) -> LinkServer:
    """A plain-HTTP server on 127.0.0.1 playing the sheet hosts and a webhook receiver."""
    _link_server.routes.clear()
    _link_server.seen.clear()
    _link_server.posts.clear()
    return _link_server
