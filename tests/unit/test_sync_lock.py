"""sync/lock.py in one process: one run per event and API, in any spelling, released on exit."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from importer.errors import LockedError
from importer.sync.lock import api_address, event_lock, lock_name, machine_folder


def event() -> str:
    return str(uuid.uuid4())  # tests run side by side: each its own event


@pytest.mark.parametrize(
    ("spelling", "address"),
    [
        ("HTTP://127.0.0.1:8765/", "http://localhost:8765"),
        ("http://[::1]:8765", "http://localhost:8765"),
        ("https://API.zuddl.com:443/v1/", "https://api.zuddl.com/v1"),
        ("api.zuddl.com", "https://api.zuddl.com"),
        ("https://[2001:db8::0001]:8443", "https://[2001:db8::1]:8443"),
        ("http://host:port", "http://host"),
    ],
)
def test_one_spelling_per_address(spelling: str, address: str) -> None:
    assert api_address(spelling) == address


def test_the_name_holds_the_event_and_one_digest_per_address() -> None:
    name = lock_name("http://127.0.0.1:8765", " ABC ")
    assert name.startswith("zuddl-import-abc-") and name.endswith(".lock")
    assert name == lock_name("HTTP://localhost:8765/", "abc")
    assert name != lock_name("http://localhost:8766", "abc")


def test_a_second_run_into_the_event_is_refused_until_the_first_ends() -> None:
    event_id = event()
    with event_lock("http://127.0.0.1:9", event_id, None):
        with pytest.raises(LockedError) as caught:
            event_lock("HTTP://localhost:9/", event_id, None)
        path = machine_folder() / lock_name("http://localhost:9", event_id)
        assert str(caught.value) == (
            f"Another import into event {event_id} is running on this machine (lock file "
            f"{path}). Wait for it to finish, then try again."
        )
        event_lock("http://127.0.0.1:9", event(), None).release()  # another event: free
    event_lock("http://127.0.0.1:9", event_id, None).release()


def test_lock_dir_adds_a_second_lock_also_released(tmp_path: Path) -> None:
    event_id = event()
    with event_lock("https://api.zuddl.com", event_id, tmp_path):
        assert [p.name for p in tmp_path.iterdir()] == [
            lock_name("https://api.zuddl.com", event_id)
        ]
        with pytest.raises(LockedError):
            event_lock("https://api.zuddl.com", event_id, tmp_path)
    with event_lock("https://api.zuddl.com", event_id, tmp_path):
        pass
