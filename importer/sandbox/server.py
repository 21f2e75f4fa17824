"""Serving the sandbox: in a background thread (tests, demo mode) or in the foreground (CLI)."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import uvicorn
from starlette.types import ASGIApp

from importer.errors import SandboxError
from importer.sandbox.app import SandboxApp, create_app
from importer.sandbox.settings import SandboxSettings
from importer.sandbox.state import SandboxState


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


def quiet_config(app: ASGIApp, host: str, port: int) -> uvicorn.Config:
    """uvicorn for a local tool: no access log (the page's address holds its token), no
    lifespan, no proxy headers, no Server header, a short goodbye."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        # Proxy-header middleware would wrap uvicorn's send and hide the socket from _drop.
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=2,
        timeout_keep_alive=30,
    )


def bind(host: str, port: int, what: str = "the sandbox") -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must be IPPROTO_TCP: asyncio sets TCP_NODELAY on accepted sockets only then, and
    # without it every answer waits ~40 ms for a delayed ACK (Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise SandboxError(
            f"Cannot start {what} on {host}:{port}: {exc.strerror}. "
            "Choose another port with --port."
        ) from exc
    return sock


@contextlib.contextmanager
def in_thread(server: uvicorn.Server, sock: socket.socket, what: str) -> Iterator[None]:
    """Run ``server`` on ``sock`` in a daemon thread until the block ends, then close both.

    Tests and the embedded modes need a server that is answering before the first request
    goes out, and gone when the block is left.
    """
    name = "zuddl-" + what.split()[-1]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=name, daemon=True)
    thread.start()
    try:
        for _ in range(1000):
            if server.started or not thread.is_alive():
                break
            threading.Event().wait(0.01)
        if not server.started:
            raise SandboxError(f"{what[0].upper()}{what[1:]} did not start within 10 seconds.")
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextlib.contextmanager
def run_sandbox(
    settings: SandboxSettings | None = None, *, host: str = "127.0.0.1", port: int = 0
) -> Iterator[RunningSandbox]:
    """Serve a sandbox on a free loopback port in a background thread until the block ends."""
    app = create_app(settings)
    sock = bind(host, port)
    bound_port = sock.getsockname()[1]
    server = uvicorn.Server(quiet_config(app, host, bound_port))
    try:
        with in_thread(server, sock, "the sandbox"):
            shown = f"[{host}]" if ":" in host else host
            yield RunningSandbox(f"http://{shown}:{bound_port}", bound_port, app, server)
    finally:
        app.state.store.close()


def serve(settings: SandboxSettings, *, host: str, port: int) -> None:
    """Serve in the foreground until Ctrl-C."""
    app = create_app(settings)
    sock = bind(host, port)
    try:
        uvicorn.Server(quiet_config(app, host, port)).run(sockets=[sock])
    finally:
        sock.close()
        app.state.store.close()
