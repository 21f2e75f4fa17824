"""One lock per event, whatever the API address's spelling, the lock_dir or the user."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import importer
from importer.errors import LockedError
from importer.sandbox import Faults, SandboxSettings
from importer.sync.lock import api_address, event_lock, lock_name, machine_folder
from tests.conftest import SandboxHandle
from tests.gated_sandbox import GUARD_S, gated_sandbox
from tests.pipeline_helpers import numbered_rows, run_command, write_csv

EVENT = "5a2db0c5-de30-4e7e-8a1d-000000000001"
ENV = {
    **{k: v for k, v in os.environ.items() if k != "ZUDDL_API_KEY"},
    "ZUDDL_API_KEY": "sandbox-secret",
}
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
SETPRIV = shutil.which("setpriv")


def _others_may_enter(path: Path) -> bool:
    """Another user can reach the checkout only if every folder above it lets others in (a
    clone under ``mktemp -d``, mode 700, does not: the other user's Python finds no importer)."""
    return all(folder.stat().st_mode & stat.S_IXOTH for folder in path.resolve().parents)


# Only the test whose other user runs the importer itself needs to read the checkout.
PLAYS_USERS = IS_ROOT and SETPRIV is not None and _others_may_enter(Path(importer.__file__))
PLAYS_USERS_WHY = "needs root, setpriv and a checkout other users can enter to play users"


@pytest.mark.parametrize(
    ("spelling", "address"),
    [
        ("http://127.0.0.1:8765", "http://localhost:8765"),
        ("HTTP://LocalHost:8765/", "http://localhost:8765"),
        ("http://[::1]:8765", "http://localhost:8765"),
        ("http://[0:0:0:0:0:0:0:1]:8765//", "http://localhost:8765"),
        ("http://localhost.:8765", "http://localhost:8765"),
        ("https://API.Zuddl.com:443/", "https://api.zuddl.com"),
        ("https://api.zuddl.com", "https://api.zuddl.com"),
        ("http://api.zuddl.com:80", "http://api.zuddl.com"),
        ("https://api.eu.zuddl.com:8443/v2/", "https://api.eu.zuddl.com:8443/v2"),
        ("https://[2001:DB8::0001]:443", "https://[2001:db8::1]"),
    ],
)
def test_one_spelling_of_the_api_address(spelling: str, address: str) -> None:
    assert api_address(spelling) == address


def test_the_lock_file_is_named_after_the_event_and_the_address() -> None:
    digest = hashlib.sha1(b"http://localhost:8765").hexdigest()[:12]
    name = f"zuddl-import-{EVENT}-{digest}.lock"
    assert lock_name("http://127.0.0.1:8765/", EVENT.upper()) == name
    assert lock_name("http://localhost:8765", EVENT) == name


def machine_lock(port: int) -> Path:
    """Where the lock of the demo event on a sandbox on this port must be, spelled out."""
    digest = hashlib.sha1(f"http://localhost:{port}".encode()).hexdigest()[:12]
    return Path("/tmp/zuddl-import-locks") / f"zuddl-import-{EVENT}-{digest}.lock"


def config(path: Path, lock_dir: Path | None) -> Path:
    # A long timeout: the first run's requests wait at the gate while the second one runs.
    text = "timeout = 600\n" + (f'lock_dir = "{lock_dir}"\n' if lock_dir else "")
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("first_url", "second_url", "lock_dirs"),
    [
        ("http://127.0.0.1:{port}", "http://localhost:{port}", (None, None)),
        ("http://127.0.0.1:{port}", "HTTP://LOCALHOST:{port}/", ("one", "two")),
        ("http://localhost:{port}/", "http://[::1]:{port}", ("one", None)),
    ],
)
def test_two_runs_at_once_with_two_spellings_one_exits_4(
    tmp_path: Path, first_url: str, second_url: str, lock_dirs: tuple[str | None, str | None]
) -> None:
    agenda = write_csv(tmp_path / "a.csv", numbered_rows(20))
    dirs = [tmp_path / d if d else None for d in lock_dirs]
    for folder in dirs:
        if folder is not None:
            folder.mkdir(exist_ok=True)
    with gated_sandbox(SandboxSettings(faults=Faults(rate_limit=0))) as sandbox:
        port = sandbox.port
        first = subprocess.Popen(
            [
                *run_command(agenda, first_url.format(port=port)),
                "--config",
                str(config(tmp_path / "first.toml", dirs[0])),
                "--no-progress",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=ENV,
            cwd=tmp_path,
        )
        try:
            # The first run holds its lock: its first request waits at the gate.
            assert sandbox.gate.reached.wait(GUARD_S)
            second = subprocess.run(
                [
                    *run_command(agenda, second_url.format(port=port)),
                    "--config",
                    str(config(tmp_path / "second.toml", dirs[1])),
                    "--results",
                    str(tmp_path / "second.xlsx"),
                    "--no-progress",
                ],
                capture_output=True,
                text=True,
                env=ENV,
                cwd=tmp_path,
                timeout=GUARD_S,
            )
        finally:
            sandbox.gate.opened.set()
            _out, err = first.communicate(timeout=GUARD_S)
        sessions = sandbox.app.state.store.all(EVENT)
    assert (second.returncode, second.stdout) == (4, "")
    assert second.stderr.splitlines() == [
        f"Error: Another import into event {EVENT} is running on this machine (lock file "
        f"{machine_lock(port)}). Wait for it to finish, then try again."
    ]
    assert first.returncode == 0, err
    refs = sorted(s["referenceId"] for s in sessions)
    assert refs == [f"S{n:03d}" for n in range(20)]  # each once: nothing duplicated
    assert not (tmp_path / "second.xlsx").exists()


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A working folder that user "daemon" owns (pytest's tmp_path is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="zuddl-lock-test-", dir="/tmp"))
    os.chown(folder, 1, 1)
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


def plant(path: Path) -> None:
    """A lock file as another user leaves it: owned by nobody, mode 0644, nobody holding it."""
    path.unlink(missing_ok=True)
    path.write_bytes(b"")
    os.chown(path, 65534, 65534)
    path.chmod(0o644)


@pytest.mark.skipif(not PLAYS_USERS, reason=PLAYS_USERS_WHY)
def test_a_lock_file_left_by_another_user_does_not_block(
    sandbox: SandboxHandle, shared_folder: Path
) -> None:
    agenda = write_csv(shared_folder / "a.csv", numbered_rows(3))
    lock_dir = shared_folder / "locks"
    lock_dir.mkdir()
    name = lock_name(sandbox.base_url, EVENT)
    plant(machine_folder() / name)
    plant(lock_dir / name)
    os.chown(agenda, 1, 1)
    cfg = shared_folder / "run.toml"
    cfg.write_text(f'lock_dir = "{lock_dir}"\n', encoding="utf-8")
    done = subprocess.run(
        [
            str(SETPRIV),
            "--reuid=daemon",
            "--regid=daemon",
            "--clear-groups",
            *run_command(agenda, sandbox.base_url, "--config", str(cfg), "--no-progress"),
        ],
        capture_output=True,
        text=True,
        env={**ENV, "HOME": str(shared_folder)},
        cwd=shared_folder,
        timeout=GUARD_S,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-2] == "Done: 3 created."
    assert sorted(s["referenceId"] for s in sandbox.sessions()) == ["S000", "S001", "S002"]
    # Still the files nobody made: opened read-only, never replaced.
    for path in (machine_folder() / name, lock_dir / name):
        assert (path.stat().st_uid, path.stat().st_mode & 0o777) == (65534, 0o644)


HOLD = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_CREAT, 0o666)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.read()
"""


@pytest.mark.skipif(not IS_ROOT or SETPRIV is None, reason="needs root and setpriv to play users")
def test_a_lock_held_by_another_user_is_reported_as_theirs(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    agenda = write_csv(tmp_path / "a.csv", numbered_rows(3))
    path = machine_folder() / lock_name(sandbox.base_url, EVENT)
    holder = subprocess.Popen(
        [
            str(SETPRIV),
            "--reuid=nobody",
            "--regid=nogroup",
            "--clear-groups",
            sys.executable,
            "-c",
            HOLD,
            str(path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd="/",
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        done = subprocess.run(
            [*run_command(agenda, sandbox.base_url), "--no-progress"],
            capture_output=True,
            text=True,
            env=ENV,
            cwd=tmp_path,
            timeout=GUARD_S,
        )
    finally:
        holder.communicate(input="", timeout=GUARD_S)
    assert done.returncode == 4
    assert done.stderr.splitlines() == [
        f"Error: Event {EVENT} is locked by another user of this machine: user nobody "
        f"(process {holder.pid}) holds the lock file {path}. Their import into this event "
        "must end first: ask them, then try again."
    ]
    assert sandbox.sessions() == []


def test_a_fifo_under_the_lock_name_is_passed_over_not_waited_on(tmp_path: Path) -> None:
    url = "https://fifo.example.test"
    name = lock_name(url, EVENT)
    os.mkfifo(tmp_path / name)
    with event_lock(url, EVENT, tmp_path):
        assert (tmp_path / name.replace(".lock", ".1.lock")).is_file()
        with pytest.raises(LockedError) as caught:
            event_lock("HTTPS://Fifo.Example.Test:443/", EVENT.upper(), None)
    assert caught.value.message == (
        f"Another import into event {EVENT.upper()} is running on this machine (lock file "
        f"{machine_folder() / name}). Wait for it to finish, then try again."
    )
    event_lock(url, EVENT, tmp_path).release()  # released with the block: free again
