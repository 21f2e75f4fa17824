"""The page's own serving pieces: a quiet uvicorn, a loopback socket, a server in a thread.

The sandbox has its own (importer.sandbox.server): the page must not depend on the fake API.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import uvicorn
from starlette.types import ASGIApp

from importer.errors import UsageError


def quiet_config(app: ASGIApp, host: str, port: int) -> uvicorn.Config:
    """uvicorn for a local page: no access log (the page's address holds its token), no
    lifespan, no proxy headers, no Server header, a short goodbye."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=2,
        timeout_keep_alive=30,
    )


def bind(host: str, port: int) -> socket.socket:
    """The page's socket, bound before the address is printed (port 0: a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP: asyncio sets TCP_NODELAY on accepted sockets only then (no ~40 ms waits).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UsageError(
            f"Cannot start the page on {host}:{port}: {exc.strerror}. "
            "Choose another port with --port."
        ) from exc
    return sock


@contextlib.contextmanager
def in_thread(server: uvicorn.Server, sock: socket.socket) -> Iterator[None]:
    """Run ``server`` on ``sock`` in a daemon thread until the block ends, then close both:
    answering before the block starts, gone when it is left."""
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="zuddl-page", daemon=True
    )
    thread.start()
    try:
        for _ in range(1000):
            if server.started or not thread.is_alive():
                break
            threading.Event().wait(0.01)
        if not server.started:
            raise UsageError("The page did not start within 10 seconds.")
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
