"""One import per event of one API at a time, on the whole machine.

Zuddl has no upsert: two runs of one sheet into one event at once would both create every
session. So a run holds a lock named after the event and the API address in one spelling
(``api_address``: ``http://localhost:8765`` and ``HTTP://127.0.0.1:8765/`` are one API), kept
in one folder for the machine (``/tmp/zuddl-import-locks``, writable by all and sticky like
/tmp itself) whatever ``lock_dir`` says; ``lock_dir`` adds a second lock, for services whose
/tmp is private. On POSIX the file is opened read-only and ``flock``'d, so a lock file that
another user left behind (or made, mode 0644) can still be locked and never blocks a run; a
lock held by another user's process is reported as that user's, read from /proc/locks.
Elsewhere ``filelock`` does the locking.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import ipaddress
import os
import stat
import tempfile
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

from filelock import FileLock, Timeout

from importer.errors import ImporterError, LockedError

_DEFAULT_PORTS = {"http": 80, "https": 443}
_LOOPBACK = frozenset({"localhost", "localhost.", "127.0.0.1", "::1"})
# Another user's folder or file we cannot use: the next name is tried, the same for every
# run, so runs still meet on one file.
_TRIES = 8
MACHINE_FOLDER = "zuddl-import-locks"


def api_address(base_url: str) -> str:
    """The API address in one spelling: scheme and host lower-case, this machine as
    ``localhost`` (``127.0.0.1``, ``::1``), no default port, no trailing slash."""
    text = base_url.strip()
    parts = urlsplit(text if "://" in text else f"https://{text}")
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".").lower()
    with contextlib.suppress(ValueError):
        host = ipaddress.ip_address(host).compressed
    if host in _LOOPBACK:
        host = "localhost"
    elif ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:  # not a number: keep the spelling, the client will refuse it
        port = None
    shown_port = "" if port is None or port == _DEFAULT_PORTS.get(scheme) else f":{port}"
    path = parts.path.rstrip("/")
    return f"{scheme}://{host}{shown_port}{path}"


def lock_name(base_url: str, event_id: str) -> str:
    digest = hashlib.sha1(api_address(base_url).encode(), usedforsecurity=False).hexdigest()
    return f"zuddl-import-{event_id.strip().lower()}-{digest[:12]}.lock"


def machine_folder() -> Path:
    """The machine's lock folder, made like /tmp (mode 1777) when missing."""
    base = Path("/tmp") if os.name == "posix" and Path("/tmp").is_dir() else None
    base = base or Path(tempfile.gettempdir())
    for n in range(_TRIES):
        folder = base / (MACHINE_FOLDER + (f"-{n}" if n else ""))
        try:
            folder.mkdir(0o700)
            folder.chmod(0o1777)  # after mkdir: the umask would take the bits away
        except FileExistsError:
            pass
        except OSError as exc:
            raise ImporterError(
                f'Cannot create the lock folder "{folder}": {exc.strerror}.'
            ) from exc
        if _usable_folder(folder):
            return folder
    raise ImporterError(
        f'Cannot use the lock folder "{base / MACHINE_FOLDER}" nor the next {_TRIES - 1}: '
        "other users made them, not shared. Ask an administrator to delete them."
    )


def _usable_folder(folder: Path) -> bool:
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode):
        return False
    shared = info.st_mode & 0o1777 == 0o1777
    return os.name != "posix" or shared or info.st_uid == os.getuid()


class EventLock:
    """The locks of one run, already held; leaving the ``with`` block releases them."""

    def __init__(self) -> None:
        self._held: list[int | FileLock] = []

    def __enter__(self) -> EventLock:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()

    def release(self) -> None:
        while self._held:
            held = self._held.pop()
            if isinstance(held, FileLock):
                held.release()
            else:
                os.close(held)  # closing the file drops its flock

    def take(self, folder: Path, name: str, event_id: str) -> None:
        if os.name == "posix":
            self._held.append(_flock(folder, name, event_id))
        else:
            self._held.append(_filelock(folder / name, event_id))


def event_lock(base_url: str, event_id: str, lock_dir: Path | None) -> EventLock:
    """Take the machine's lock of this event and API, then ``lock_dir``'s when it is set."""
    name, lock = lock_name(base_url, event_id), EventLock()
    folders = [machine_folder()]
    if lock_dir is not None and lock_dir.resolve() != folders[0].resolve():
        folders.append(lock_dir)
    try:
        for folder in folders:
            lock.take(folder, name, event_id)
    except BaseException:
        lock.release()
        raise
    return lock


def _busy(event_id: str, path: Path) -> LockedError:
    return LockedError(
        f"Another import into event {event_id} is running on this machine (lock file "
        f"{path}). Wait for it to finish, then try again."
    )


def _flock(folder: Path, name: str, event_id: str) -> int:
    import fcntl

    fd, path = _open_lock_file(folder, name)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        holder = _holder(fd)
        os.close(fd)
        if holder is not None and holder[0] != os.getuid():
            raise _other_user(event_id, path, holder) from exc
        raise _busy(event_id, path) from exc
    except OSError as exc:
        os.close(fd)
        raise ImporterError(f'Cannot lock the file "{path}": {exc.strerror}.') from exc
    return fd


def _other_user(event_id: str, path: Path, holder: tuple[int, int]) -> LockedError:
    uid, pid = holder
    try:
        import pwd

        who = f"user {pwd.getpwuid(uid).pw_name}"
    except (ImportError, KeyError):
        who = f"user ID {uid}"
    return LockedError(
        f"Event {event_id} is locked by another user of this machine: {who} (process {pid}) "
        f"holds the lock file {path}. Their import into this event must end first: ask "
        "them, then try again."
    )


def _open_lock_file(folder: Path, name: str) -> tuple[int, Path]:
    """A read-only descriptor of the lock file: opened if it is there (whoever made it),
    created (mode 0666) if not. A name another user made unreadable, or made anything but a
    plain file, is passed over for the next one."""
    stem = name.removesuffix(".lock")
    for n in range(_TRIES):
        path = folder / (name if n == 0 else f"{stem}.{n}.lock")
        try:
            fd = _open_or_create(path)
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EPERM, errno.ELOOP, errno.ENXIO):
                raise ImporterError(
                    f'Cannot create the lock file "{path}": {exc.strerror}.'
                ) from exc
            continue
        if stat.S_ISREG(os.fstat(fd).st_mode):
            return fd, path
        os.close(fd)
    raise ImporterError(
        f'Cannot use the lock files "{folder / name}" and the next {_TRIES - 1}: other users '
        "made them unreadable. Ask them (or an administrator) to delete them."
    )


def _open_or_create(path: Path) -> int:
    # O_NONBLOCK: a FIFO planted under the lock's name must not hang the open.
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    while True:
        try:
            return os.open(path, flags)
        except FileNotFoundError:
            pass
        try:
            fd = os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:  # another run made it meanwhile: open that one
            continue
        os.fchmod(fd, 0o666)  # every user's runs must be able to open it after us
        return fd


def _holder(fd: int) -> tuple[int, int] | None:
    """(user ID, process ID) of the process holding the flock on ``fd``'s file, from Linux's
    /proc/locks; None where that cannot be told."""
    info = os.fstat(fd)
    where = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    try:
        lines = Path("/proc/locks").read_text(encoding="ascii").splitlines()
    except OSError:
        return None
    for line in lines:
        fields = line.split()
        if len(fields) > 5 and fields[1] == "FLOCK" and fields[5] == where:
            with contextlib.suppress(OSError, ValueError):
                pid = int(fields[4])
                return Path(f"/proc/{pid}").stat().st_uid, pid
    return None


def _filelock(path: Path, event_id: str) -> FileLock:
    lock = FileLock(path, timeout=0)
    try:
        lock.acquire()
    except Timeout as exc:
        raise _busy(event_id, path) from exc
    except OSError as exc:
        raise ImporterError(f'Cannot create the lock file "{path}": {exc.strerror}.') from exc
    return lock
