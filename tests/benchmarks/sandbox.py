"""The sandbox in a separate process (``python -m importer sandbox``), driven through its
inspection endpoints, so the importer measured does not share a CPU core or an event loop
with the server it talks to."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import httpx

from importer.sandbox.settings import DEMO_API_KEY, DEMO_EVENT_ID

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
STARTUP_TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class SandboxProcess:
    """``with SandboxProcess(["--latency-ms", "80"]) as sandbox: ...``"""

    event_id = DEMO_EVENT_ID
    key = DEMO_API_KEY

    def __init__(self, flags: list[str], *, cwd: Path | None = None) -> None:
        self.flags = flags
        self.cwd = cwd
        self.port = 0
        self.base_url = ""
        self._proc: subprocess.Popen[bytes] | None = None
        self._stack = contextlib.ExitStack()
        self._log: IO[bytes] | None = None
        self._admin: httpx.Client | None = None

    @property
    def pid(self) -> int:
        assert self._proc is not None
        return self._proc.pid

    def __enter__(self) -> SandboxProcess:
        self._log = self._stack.enter_context(tempfile.TemporaryFile())
        for _ in range(3):  # the free port may be taken between asking and binding
            self.port = free_port()
            self.base_url = f"http://127.0.0.1:{self.port}"
            command = [sys.executable, "-m", "importer", "sandbox", "--port", str(self.port)]
            self._proc = subprocess.Popen(
                [*command, *self.flags],
                stdout=subprocess.DEVNULL,
                stderr=self._log,
                stdin=subprocess.DEVNULL,
                cwd=self.cwd,
            )
            if self._wait_ready():
                self._admin = httpx.Client(base_url=self.base_url, timeout=30)
                return self
        tail = self._log_tail()
        self._stack.close()
        raise RuntimeError(f"The sandbox did not start: {tail}")

    def _wait_ready(self) -> bool:
        assert self._proc is not None
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                return False
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{self.base_url}/_sandbox/stats", timeout=1).status_code == 200:
                    return True
            time.sleep(0.05)
        self._stop()
        return False

    def _log_tail(self) -> str:
        assert self._log is not None
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")[-2000:]

    def _stop(self) -> None:
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=10)
        self._proc = None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._admin is not None:
            self._admin.close()
        self._stop()
        self._stack.close()

    @property
    def admin(self) -> httpx.Client:
        assert self._admin is not None, "use SandboxProcess in a with block"
        return self._admin

    def cpu_seconds(self) -> float | None:
        """CPU time the sandbox process has used so far (Linux only)."""
        try:
            text = Path(f"/proc/{self.pid}/stat").read_text()
        except OSError:
            return None
        fields = text.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def reset(self, **faults: Any) -> None:
        """Forget sessions, counters and buckets; then set the faults given."""
        self.admin.post("/_sandbox/reset").raise_for_status()
        if faults:
            self.faults(**faults)

    def faults(self, **changes: Any) -> dict[str, Any]:
        response = self.admin.post("/_sandbox/faults", json=changes)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def stats(self) -> dict[str, Any]:
        response = self.admin.get("/_sandbox/stats")
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def sessions(self) -> list[dict[str, Any]]:
        response = self.admin.get(f"/_sandbox/events/{self.event_id}/sessions")
        response.raise_for_status()
        result: list[dict[str, Any]] = response.json()
        return result


def requests_delta(before: dict[str, Any], after: dict[str, Any]) -> dict[str, int]:
    """``"METHOD STATUS" -> count`` of the requests made between two stats snapshots."""
    delta = Counter(after["requests"])
    delta.subtract(before["requests"])
    return {key: count for key, count in sorted(delta.items()) if count}


def writes(requests: dict[str, int]) -> int:
    return sum(n for key, n in requests.items() if key.split()[0] in WRITE_METHODS)


def count(requests: dict[str, int], method: str, status: str | None = None) -> int:
    return sum(
        n
        for key, n in requests.items()
        if key.split()[0] == method and (status is None or key.split()[1] == status)
    )
