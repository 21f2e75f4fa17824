"""Serving a local app (the page, the sandbox): a quiet uvicorn, a loopback socket, a server
in a thread.

Both front the same uvicorn the same way, so this one module serves both; the page still
imports nothing of the sandbox, and the sandbox nothing of the importer but this and its
errors. Each caller names what it serves and the error its users get.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import uvicorn
from starlette.types import ASGIApp

from importer.errors import ImporterError


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
        # Proxy-header middleware would wrap uvicorn's send and hide the socket from the
        # sandbox's dropped connections.
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=2,
        timeout_keep_alive=30,
    )


def bind(host: str, port: int, what: str, error: type[ImporterError]) -> socket.socket:
    """The socket of ``what`` (port 0: a free one), bound before its address is printed."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must be IPPROTO_TCP: asyncio sets TCP_NODELAY on accepted sockets only then, and
    # without it every answer waits ~40 ms for a delayed ACK (Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise error(
            f"Cannot start {what} on {host}:{port}: {exc.strerror}. "
            "Choose another port with --port."
        ) from exc
    return sock


@contextlib.contextmanager
def in_thread(
    server: uvicorn.Server, sock: socket.socket, what: str, error: type[ImporterError]
) -> Iterator[None]:
    """Run ``server`` on ``sock`` in a daemon thread until the block ends, then close both:
    answering before the first request goes out, gone when the block is left."""
    name = "zuddl-" + what.split()[-1]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=name, daemon=True)
    thread.start()
    try:
        for _ in range(1000):
            if server.started or not thread.is_alive():
                break
            threading.Event().wait(0.01)
        if not server.started:
            raise error(f"{what[0].upper()}{what[1:]} did not start within 10 seconds.")
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
