"""The page's socket, bound through importer/serving.py (shared with the sandbox)."""

from __future__ import annotations

import socket

import pytest

from importer.errors import UsageError
from importer.ui.server import bind_page as bind


def test_a_port_in_use_is_refused_with_the_flag_to_change() -> None:
    taken = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        with pytest.raises(UsageError) as caught:
            bind("127.0.0.1", port)
    finally:
        taken.close()
    assert caught.value.message == (
        f"Cannot start the page on 127.0.0.1:{port}: Address already in use. "
        "Choose another port with --port."
    )


def test_a_free_port_is_bound_for_the_page() -> None:
    sock = bind("127.0.0.1", 0)
    try:
        assert sock.getsockname()[0] == "127.0.0.1"
        assert sock.getsockname()[1] > 0
    finally:
        sock.close()
