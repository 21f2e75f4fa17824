"""The sandbox's speakers (issue 17): a seeded list, paged like the others, attach/detach
refusing IDs the event does not have, and a profile where the list does not exist."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from importer.sandbox.people import DEMO_SPEAKERS, demo_speakers, read_speakers_file, speaker_id
from tests.conftest import SandboxHandle

UNKNOWN = "0f8fad5b-d9cb-469f-a165-70867728950e"


def _speakers_path(sandbox: SandboxHandle) -> str:
    return f"/v1/events/{sandbox.event_id}/speakers"


def test_speakers_are_listed_and_paged(sandbox: SandboxHandle) -> None:
    with sandbox.client() as c:
        first = c.get(_speakers_path(sandbox), params={"page": 1, "size": 3}).json()
        second = c.get(_speakers_path(sandbox), params={"page": 2, "size": 3}).json()
    path = _speakers_path(sandbox)
    assert first["pagination"] == {
        "next": f"{path}?page=2&size=3",
        "current": f"{path}?page=1&size=3",
        "previous": None,
    }
    assert second["pagination"]["next"] is None
    listed = first["data"] + second["data"]
    assert [(s["firstName"] + " " + s["lastName"], s["email"]) for s in listed] == list(
        DEMO_SPEAKERS
    )
    assert [s["speakerId"] for s in listed] == [s.id for s in demo_speakers(sandbox.event_id)]


def test_unknown_speaker_ids_are_refused_and_nothing_changes(sandbox: SandboxHandle) -> None:
    known = demo_speakers(sandbox.event_id)[1].id
    sessions = f"/v1/events/{sandbox.event_id}/sessions"
    body = {
        "title": "Talk",
        "startDateTime": "2026-03-01T10:00:00Z",
        "endDateTime": "2026-03-01T11:00:00Z",
    }
    with sandbox.client() as c:
        created = c.post(sessions, json=body).json()
        base = f"{sessions}/{created['id']}/speakers"
        refused = c.post(
            base,
            json=[
                {"speakerId": known, "speakerOrder": 1},
                {"speakerId": UNKNOWN, "speakerOrder": 2},
            ],
        )
    assert refused.status_code == 404
    assert refused.json()["errors"] == {"[1].speakerId": "no speaker with this ID in the event"}
    assert sandbox.sessions()[0]["speakers"] == []


def test_no_speakers_list_profile_answers_404(sandbox: SandboxHandle) -> None:
    sandbox.faults(profile="no-speakers-list")
    with sandbox.client() as c:
        answer = c.get(_speakers_path(sandbox))
    assert answer.status_code == 404


def test_speakers_file_seeds_the_event(tmp_path: Path) -> None:
    path = tmp_path / "speakers.json"
    path.write_text(
        json.dumps([{"name": "Marie Curie", "email": "marie@example.org"}, {"name": "Bo Li"}]),
        encoding="utf-8",
    )
    event = "5a2db0c5-de30-4e7e-8a1d-000000000001"
    seeded = read_speakers_file(path, event)
    assert [(s.name, s.email) for s in seeded] == [
        ("Marie Curie", "marie@example.org"),
        ("Bo Li", None),
    ]
    assert seeded[0].id == speaker_id(event, "marie@example.org")


def test_bad_speakers_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "speakers.json"
    path.write_text('[{"title": "x"}]', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "importer", "sandbox", "--speakers", str(path), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"Error: The speakers file {path} has an entry without a "
        f"\"name\" or \"email\": {{'title': 'x'}}"
    ]
