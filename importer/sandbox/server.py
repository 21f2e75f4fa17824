"""Serving the sandbox: in a background thread (tests, demo mode) or in the foreground (CLI)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import uvicorn

from importer.errors import SandboxError
from importer.sandbox.app import SandboxApp, create_app
from importer.sandbox.settings import SandboxSettings
from importer.sandbox.state import SandboxState
from importer.serving import bind, in_thread, quiet_config

SANDBOX = "the sandbox"  # what its start-up messages call it


@dataclass(frozen=True)
class RunningSandbox:
    base_url: str
    port: int
    app: SandboxApp
    server: uvicorn.Server

    @property
    def state(self) -> SandboxState:
        return self.app.state

    def stop(self) -> None:
        """Begin shutting down without waiting: lets a test pull the API away mid-run."""
        self.server.should_exit = True


@contextlib.contextmanager
def run_sandbox(
    settings: SandboxSettings | None = None, *, host: str = "127.0.0.1", port: int = 0
) -> Iterator[RunningSandbox]:
    """Serve a sandbox on a free loopback port in a background thread until the block ends."""
    app = create_app(settings)
    sock = bind(host, port, SANDBOX, SandboxError)
    bound_port = sock.getsockname()[1]
    server = uvicorn.Server(quiet_config(app, host, bound_port))
    try:
        with in_thread(server, sock, SANDBOX, SandboxError):
            shown = f"[{host}]" if ":" in host else host
            yield RunningSandbox(f"http://{shown}:{bound_port}", bound_port, app, server)
    finally:
        app.state.store.close()


def serve(settings: SandboxSettings, *, host: str, port: int) -> None:
    """Serve in the foreground until Ctrl-C."""
    app = create_app(settings)
    sock = bind(host, port, SANDBOX, SandboxError)
    try:
        uvicorn.Server(quiet_config(app, host, port)).run(sockets=[sock])
    finally:
        sock.close()
        app.state.store.close()
