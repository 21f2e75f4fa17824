"""Serving the page on loopback: in a background thread (tests) or in the foreground (CLI)."""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass

import uvicorn

from importer.config import DEFAULT_BASE_URL, Secret
from importer.sandbox.server import bind, in_thread, quiet_config
from importer.ui.app import UiApp
from importer.ui.security import Tokens
from importer.ui.workspace import Workspace


@dataclass(frozen=True)
class RunningUi:
    base_url: str  # without the token: what a stranger would reach
    url: str  # with the token: what the user opens
    ui: UiApp
    tokens: Tokens

    @property
    def workspace(self) -> Workspace:
        return self.ui.ws


def _hosts(port: int) -> frozenset[str]:
    return frozenset(f"{name}:{port}" for name in ("127.0.0.1", "localhost", "[::1]"))


def make_ui(*, base_url: str, event_id: str, key: Secret | None, sandbox: bool, port: int) -> UiApp:
    workspace = Workspace(base_url=base_url, event_id=event_id, key=key, sandbox=sandbox)
    return UiApp(workspace, Tokens(), _hosts(port))


def env_key(name: str = "ZUDDL_API_KEY") -> Secret | None:
    value = os.environ.get(name, "").strip()
    return Secret(value) if value else None


@contextlib.contextmanager
def run_ui(
    *,
    base_url: str = DEFAULT_BASE_URL,
    event_id: str = "",
    key: Secret | None = None,
    sandbox: bool = False,
    host: str = "127.0.0.1",
    port: int = 0,
) -> Iterator[RunningUi]:
    """Serve the page in a background thread until the block ends; its files go with it."""
    sock = bind(host, port, "the page")
    bound = sock.getsockname()[1]
    ui = make_ui(base_url=base_url, event_id=event_id, key=key, sandbox=sandbox, port=bound)
    server = uvicorn.Server(quiet_config(ui.app, host, bound))
    try:
        with in_thread(server, sock, "the page"):
            address = f"http://{host}:{bound}"
            yield RunningUi(address, f"{address}/?token={ui.tokens.access}", ui, ui.tokens)
    finally:
        ui.ws.close()


def serve_ui(ui: UiApp, sock: socket.socket) -> None:
    """Serve in the foreground until Ctrl-C; the private folder is removed on the way out."""
    host, port = sock.getsockname()[:2]
    try:
        uvicorn.Server(quiet_config(ui.app, host, port)).run(sockets=[sock])
    finally:
        sock.close()
        ui.ws.close()
