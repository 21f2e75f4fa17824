"""``zuddl-import sandbox`` as a user starts it, and the README's promises about it."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def cli_sandbox(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "importer",
            "sandbox",
            "--port",
            str(port),
            "--db",
            str(tmp_path / "s.db"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if proc.poll() is not None:
                raise AssertionError(proc.stderr.read() if proc.stderr else "sandbox exited")
            time.sleep(0.05)
        yield proc, port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def readme_curl_line(port: int) -> list[str]:
    block = re.search(r"```sh\n(curl -s -X POST .*?)```", README, re.S)
    assert block, "the README shows a curl create"
    command = block.group(1).replace("\\\n", " ").replace("8765", str(port))
    return ["sh", "-c", command]


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_cli_sandbox_answers_the_readme_curl_create(
    cli_sandbox: tuple[subprocess.Popen[str], int],
) -> None:
    proc, port = cli_sandbox
    done = subprocess.run(
        readme_curl_line(port), capture_output=True, text=True, timeout=20, check=True
    )
    created = json.loads(done.stdout)
    assert created["title"] == "Opening keynote"
    assert created["externalRefId"] == "KEY-1"
    assert created["startDateTime"] == "2026-03-14T09:00:00Z"
    proc.terminate()
    out, _ = proc.communicate(timeout=10)
    assert f"Zuddl sandbox at http://127.0.0.1:{port}" in out
    assert "event 5a2db0c5-de30-4e7e-8a1d-000000000001  (Sandbox Demo Event, time zone UTC)" in out
    assert "API key: sandbox-secret" in out
    for name in ("Main Hall", "Room 101", "Room 102", "Workshop Room"):
        assert re.search(rf"location [0-9a-f-]{{36}}  {name}\n", out)


# The sandbox serves only lower-case v1-v5 UUIDs (its endpoints refuse others), so it must not
# start with an event it would then refuse to serve.
@pytest.mark.parametrize("event_id", ["nope", "5A2DB0C5-DE30-4E7E-8A1D-000000000001"])
def test_cli_sandbox_refuses_a_bad_event_id_without_traceback(event_id: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "importer", "sandbox", "--event", event_id],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert f"Invalid value for --event: {event_id!r} is not an event ID (a UUID)" in done.stderr


@pytest.mark.parametrize(("command", "what"), [("sandbox", "the sandbox"), ("ui", "the page")])
def test_a_busy_port_is_one_line_and_exit_2(command: str, what: str) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "importer", command, "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert done.returncode == 2
    assert done.stderr == (
        f"Error: Cannot start {what} on 127.0.0.1:{port}: Address already in use. "
        "Choose another port with --port.\n"
    )
    assert "token" not in done.stdout  # the page prints its address only once it listens


def test_ci_runs_the_readme_test_command_exactly() -> None:
    command = re.search(r"Run the tests.*?```sh\n(.*?)\n```", README, re.S)
    assert command, "the README has a test command"
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert command.group(1) in ci_lines


def test_python_dash_m_importer_shows_help() -> None:
    env = {**os.environ, "COLUMNS": "100"}
    done = subprocess.run(
        [sys.executable, "-m", "importer", "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
    )
    assert done.returncode == 0
    assert "sandbox" in done.stdout
