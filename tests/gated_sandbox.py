"""A sandbox whose API answers nothing until the test opens its gate.

Two runs "at once" are then at once by construction: the first holds its lock while its first
request waits at the gate, the second starts, and only then is the gate opened. No sleep, no
race with the machine's load.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn
from starlette.types import Receive, Scope, Send

from importer.errors import SandboxError
from importer.sandbox import SandboxSettings
from importer.sandbox.app import SandboxApp, create_app
from importer.serving import bind, in_thread, quiet_config

# Long enough for any machine, only a guard against a test hanging forever.
GUARD_S = 300


class Gate:
    def __init__(self, app: SandboxApp) -> None:
        self.app = app
        self.reached = threading.Event()  # a request of the API is waiting
        self.opened = threading.Event()
        self.held = threading.Event()  # a request arrived while the gate was closed
        # Closes the gate when true, checked as each request arrives: in the server, so a
        # test on a busy machine cannot be late to close it.
        self.close_when: Callable[[], bool] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/v1/"):
            if self.close_when is not None and self.close_when():
                self.close_when = None
                self.opened.clear()
            self.reached.set()
            if not self.opened.is_set():
                self.held.set()
            await asyncio.to_thread(self.opened.wait, GUARD_S)
        await self.app(scope, receive, send)


@dataclass(frozen=True)
class GatedSandbox:
    port: int
    gate: Gate

    @property
    def app(self) -> SandboxApp:
        return self.gate.app


@contextmanager
def gated_sandbox(settings: SandboxSettings | None = None) -> Iterator[GatedSandbox]:
    gate = Gate(create_app(settings))
    sock = bind("127.0.0.1", 0, "the sandbox", SandboxError)
    port = sock.getsockname()[1]
    server = uvicorn.Server(quiet_config(gate, "127.0.0.1", port))
    try:
        with in_thread(server, sock, "the sandbox", SandboxError):
            try:
                yield GatedSandbox(port, gate)
            finally:  # nothing may wait at the gate while the server stops
                gate.opened.set()
    finally:
        gate.app.state.store.close()
