"""Serving the page on loopback: in a background thread (tests) or in the foreground (CLI)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Literal

import uvicorn

from importer.errors import UsageError
from importer.serving import bind, in_thread, quiet_config
from importer.settings.config import API_KEY_ENV, DEFAULT_BASE_URL, Secret
from importer.ui.app import UiApp
from importer.ui.history import History, default_history
from importer.ui.memory import default_memory
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


def make_ui(
    *,
    base_url: str,
    event_id: str,
    key: Secret | None,
    sandbox: bool,
    port: int,
    memory: Path | Literal["home"] | None = "home",
    history: Path | Literal["home"] | None = "home",
) -> UiApp:
    """The page's app; ``memory`` is where column choices are remembered, ``history`` where
    each run's files are kept: the user's config and data folders for the command, nowhere
    (None) unless a test asks for a folder."""
    if memory == "home":
        memory = default_memory()
    if history == "home":
        history = default_history()
    workspace = Workspace(
        base_url=base_url,
        event_id=event_id,
        key=key,
        sandbox=sandbox,
        memory=memory,
        history=History(history) if history is not None else None,
    )
    return UiApp(workspace, Tokens(), _hosts(port))


PAGE = "the page"  # what its start-up messages call it


def bind_page(host: str, port: int) -> socket.socket:
    """The page's socket, bound before its address is printed (port 0: a free one)."""
    return bind(host, port, PAGE, UsageError)


def env_key(name: str = API_KEY_ENV) -> Secret | None:
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
    memory: Path | None = None,
    history: Path | None = None,
) -> Iterator[RunningUi]:
    """Serve the page in a background thread until the block ends; its files go with it."""
    sock = bind_page(host, port)
    bound = sock.getsockname()[1]
    ui = make_ui(
        base_url=base_url,
        event_id=event_id,
        key=key,
        sandbox=sandbox,
        port=bound,
        memory=memory,
        history=history,
    )
    server = uvicorn.Server(quiet_config(ui.app, host, bound))
    try:
        with in_thread(server, sock, PAGE, UsageError):
            address = f"http://{host}:{bound}"
            yield RunningUi(address, f"{address}/?token={ui.tokens.access}", ui, ui.tokens)
    finally:
        ui.ws.close()


def serve_ui(ui: UiApp, sock: socket.socket) -> None:
    """Serve in the foreground until Ctrl-C, kill (SIGTERM) or a closed terminal (SIGHUP); the
    private folder, with any uploaded agenda, is removed on the way out in every case."""
    host, port = sock.getsockname()[:2]
    server = uvicorn.Server(quiet_config(ui.app, host, port))

    def stop(signum: int, frame: FrameType | None) -> None:
        # The first signal shuts down as Ctrl-C does; uvicorn raises SIGTERM (and this one)
        # again once it has stopped, and then the process leaves through the finally below
        # instead of dying where it stands (which would leave the folder behind).
        if server.should_exit:
            raise SystemExit(128 + signum)
        server.handle_exit(signum, frame)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        server.run(sockets=[sock])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sock.close()
        ui.ws.close()
