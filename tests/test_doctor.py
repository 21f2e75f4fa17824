"""``zuddl-import doctor`` against every variant of the API the sandbox plays: each prints
the finding that variant calls for, and blocks (non-zero) only where an import cannot go on."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from importer.errors import ExitCode
from importer.sandbox.profiles import PROFILES
from importer.settings.config import Secret, Settings
from importer.sync.doctor import Diagnosis, diagnose, render
from tests.conftest import SandboxHandle

SESSIONS = "/v1/events/{event}/sessions"
EXTERNAL = "Sessions carry the reference ID as externalRefId."

# profile -> a finding line it must print (topic: text), the exit code.
EXPECTED = {
    "evidence": ("Reference ID: " + EXTERNAL, ExitCode.OK),
    "strict": ("Reference ID: " + EXTERNAL, ExitCode.OK),
    "late-commit": ("Reference ID: " + EXTERNAL, ExitCode.OK),
    "no-id": ("Reference ID: " + EXTERNAL, ExitCode.OK),
    "reference-id": ("Reference ID: Sessions carry the reference ID as referenceId.", ExitCode.OK),
    "lenient": (
        "Reference ID: Sessions carry the reference ID as externalRefId (both names are answered).",
        ExitCode.OK,
    ),
    "page-cap": (
        "Paging: The list caps the page size at 20: the importer follows pagination.next, so "
        "every session is still read.",
        ExitCode.OK,
    ),
    "sorted-list": (
        "Paging: Sessions are listed by start time, so pages shift while sessions are "
        "created; the importer looks up unanswered creates only after sending.",
        ExitCode.OK,
    ),
    "upper-ids": (
        "Sessions: IDs are spelt in upper case; the importer compares them in any case.",
        ExitCode.OK,
    ),
    "virtual-event": (
        "Event: The event is VIRTUAL: capacity is neither sent nor compared, and locations "
        "(in-person rooms) are not how its stages are set.",
        ExitCode.OK,
    ),
    "zone-text": (
        'Time zone: Zuddl gives the event\'s time zone as "UTC/IST": "IST" could be '
        "Asia/Kolkata (India), Asia/Jerusalem (Israel), Europe/Dublin (Ireland). Give the "
        "event's zone with --timezone (or timezone under [defaults] in the config), e.g. "
        "--timezone Asia/Kolkata.",
        ExitCode.USAGE,
    ),
    "quota-spent": (
        "Limits: Zuddl answered 429 (too many requests, Retry-After 21600 s): the request "
        "quota may be used up. Try again after that.",
        ExitCode.API_UNAVAILABLE,
    ),
    "no-speakers-list": (
        "Speakers: The speakers list answered 404: speakers would be reported as not linked.",
        ExitCode.OK,
    ),
    "bearer-auth": (
        'Authentication: The key is refused as sent but accepted as "Bearer <key>".',
        ExitCode.OK,
    ),
}


def seed(sandbox: SandboxHandle, count: int = 25) -> None:
    """Sessions created latest-first, so the order they were made in is not start order."""
    sandbox.faults(profile="lenient")
    with sandbox.client() as client:
        for n in range(count):
            body = {
                "title": f"Seed {n}",
                "startDateTime": f"2026-06-10T{20 - n % 12:02d}:{59 - n:02d}:00Z",
                "endDateTime": "2026-06-10T21:00:00Z",
                "externalRefId": f"SEED-{n}",
            }
            path = SESSIONS.format(event=sandbox.event_id)
            client.post(path, json=body).raise_for_status()


def run(sandbox: SandboxHandle, profile: str) -> Diagnosis:
    sandbox.faults(profile=profile)
    settings = Settings(event_id=sandbox.event_id, base_url=sandbox.base_url)
    return diagnose(settings, Secret(sandbox.key))


def lines(found: Diagnosis) -> list[str]:
    return [f"{f.topic}: {f.text}" for f in found.findings]


def test_every_profile_has_an_expected_finding() -> None:
    assert set(EXPECTED) == set(PROFILES)


@pytest.mark.parametrize("profile", sorted(EXPECTED))
def test_doctor_names_what_each_variant_does(sandbox: SandboxHandle, profile: str) -> None:
    seed(sandbox)
    before = sandbox.stats()["requests"]
    found = run(sandbox, profile)
    line, code = EXPECTED[profile]
    assert line in lines(found), render(found)
    assert found.exit_code == code
    after = sandbox.stats()["requests"]
    # Read-only: not one write.
    assert {k: v for k, v in after.items() if not k.startswith("GET")} == {
        k: v for k, v in before.items() if not k.startswith("GET")
    }


def test_doctor_prints_the_config_lines_that_follow(sandbox: SandboxHandle) -> None:
    seed(sandbox, 3)
    found = run(sandbox, "reference-id")
    assert found.config_lines == ('reference_field = "referenceId"',)
    assert render(found).endswith(
        'Config lines to use (in the --config file):\n  reference_field = "referenceId"\n'
        "Nothing blocks an import."
    )


def test_doctor_on_an_empty_event_says_the_first_create_will_tell(sandbox: SandboxHandle) -> None:
    found = run(sandbox, "evidence")
    assert (
        "Reference ID: The event has no sessions yet: the first import sends one create alone "
        "and reads the answer to learn which field keeps the reference ID." in lines(found)
    )
    assert found.exit_code == ExitCode.OK


def test_doctor_with_a_wrong_key_stops_with_exit_3(sandbox: SandboxHandle) -> None:
    env = {**os.environ, "ZUDDL_API_KEY": "not-the-key"}
    done = subprocess.run(
        [sys.executable, "-m", "importer", "doctor", "--event", sandbox.event_id,
         "--base-url", sandbox.base_url],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert done.returncode == ExitCode.API_UNAVAILABLE
    assert done.stdout.splitlines() == [
        f"Zuddl API at {sandbox.base_url}, event {sandbox.event_id}:",
        '  STOP Authentication: Zuddl refused the key both as sent and as "Bearer <key>" (401). '
        "Check that the key is right and was created for Backend usage.",
        "Fix the STOP lines first.",
    ]
    assert "not-the-key" not in done.stdout + done.stderr


def test_doctor_says_the_speakers_list_answers(sandbox: SandboxHandle) -> None:
    found = run(sandbox, "evidence")
    assert "Speakers: The speakers list answers: speakers can be linked by name." in lines(found)
