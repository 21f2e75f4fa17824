"""Run the real command in a child process and measure it: exit code, output, wall time, peak RSS.

Used by the hostile-input tests (which check the behaviour) and by the benchmark (which reports
the time and memory); kept apart so neither imports the other.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024


@dataclass(frozen=True)
class Child:
    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss_mb: float


def run_cli(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 60
) -> Child:
    return run_child([sys.executable, "-m", "importer", *args], cwd, env, timeout)


# Runs the measured command and reports its exit code, wall time and peak RSS. A child's
# ru_maxrss counts the memory of the process it was forked from (Linux records the old
# address space's high-water mark at exec), so the command is started from this small,
# fresh interpreter, never straight from pytest, whose own size would be counted.
LAUNCHER = """
import os, sys, time
timeout, report, argv = float(sys.argv[1]), sys.argv[2], sys.argv[3:]
start = time.monotonic()
pid = os.posix_spawn(argv[0], argv, os.environ)
while True:  # poll, so a hung command is killed before it is reaped, never after
    done, status, usage = os.wait4(pid, os.WNOHANG)
    if done:
        break
    if time.monotonic() - start > timeout:
        os.kill(pid, 9)
        done, status, usage = os.wait4(pid, 0)
        break
    time.sleep(0.005)
seconds = time.monotonic() - start
scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
with open(report, "w") as handle:
    handle.write(f"{os.waitstatus_to_exitcode(status)} {seconds} {usage.ru_maxrss * scale}")
"""


def run_child(
    argv: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 60
) -> Child:
    """Run ``argv`` (argv[0] a path) and measure it: wall time and its own peak RSS."""
    out, err, report = cwd / ".child.out", cwd / ".child.err", cwd / ".child.report"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        subprocess.run(
            [sys.executable, "-c", LAUNCHER, str(timeout), str(report), *argv],
            stdout=stdout,
            stderr=stderr,
            stdin=subprocess.DEVNULL,
            cwd=cwd,
            env=env,
            timeout=timeout + 30,
            check=True,
        )
    code, seconds, rss = report.read_text(encoding="utf-8").split()
    child = Child(
        int(code),
        out.read_text(encoding="utf-8", errors="replace"),
        err.read_text(encoding="utf-8", errors="replace"),
        float(seconds),
        int(rss) / MB,
    )
    for path in (out, err, report):
        path.unlink()
    return child
