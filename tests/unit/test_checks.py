"""settings/checks.py: the one event-ID check and the one time-zone check, as every front end
shows them (library, page, command line)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from importer.cli.main import cli
from importer.errors import UsageError
from importer.settings.checks import check_event_id, check_timezone, is_event_id, known_zone
from importer.settings.config import API_KEY_ENV, Settings
from importer.ui.workspace import Workspace

NOT_AN_ID = (
    '"5a2db0c5" is not an event ID. An event ID looks like '
    "5a2db0c5-de30-4e7e-8a1d-000000000001: copy it from Zuddl."
)
NOT_A_ZONE = (
    '"Mars/Olympus" is not a time zone. Use a name like Europe/Berlin, America/New_York or UTC.'
)


def test_event_ids_are_uuids_in_either_case() -> None:
    assert is_event_id("5a2db0c5-de30-4e7e-8a1d-000000000001")
    assert is_event_id("5A2DB0C5-DE30-4E7E-8A1D-000000000001")
    assert not is_event_id("5a2db0c5")
    assert not is_event_id(" 5a2db0c5-de30-4e7e-8a1d-000000000001")
    with pytest.raises(UsageError) as caught:
        check_event_id("5a2db0c5")
    assert caught.value.message == NOT_AN_ID


def test_the_page_refuses_a_wrong_event_id_in_the_same_words(tmp_path: Path) -> None:
    workspace = Workspace(base_url="http://127.0.0.1:9", event_id="", key=None, sandbox=False)
    try:
        with pytest.raises(UsageError) as caught:
            workspace.connect("http://127.0.0.1:9", " 5a2db0c5 ", "some-key")
    finally:
        workspace.close()
    assert caught.value.message == NOT_AN_ID


def test_time_zones_by_iana_name() -> None:
    assert str(check_timezone("Europe/Berlin")) == "Europe/Berlin"
    assert known_zone("Europe/Berln") is None
    assert known_zone("../etc/passwd") is None  # malformed: no zone, no error
    with pytest.raises(UsageError) as caught:
        check_timezone("Mars/Olympus")
    assert caught.value.message == NOT_A_ZONE
    with pytest.raises(UsageError) as caught:
        Settings().with_overrides(timezone="Mars/Olympus")
    assert caught.value.message == NOT_A_ZONE


def test_the_sandbox_command_refuses_a_wrong_zone_in_the_same_words() -> None:
    done = CliRunner().invoke(cli, ["sandbox", "--timezone", "Mars/Olympus"])
    assert done.exit_code == 2
    assert f"Invalid value for --timezone: {NOT_A_ZONE}" in " ".join(done.output.split())


def test_the_key_variable_is_named_once() -> None:
    assert API_KEY_ENV == "ZUDDL_API_KEY"
    assert Settings().api_key_env == API_KEY_ENV


def test_the_page_loads_nothing_of_the_sandbox() -> None:
    code = (
        "import sys, importer.ui.server, importer.ui.workspace; "
        "print(sorted(m for m in sys.modules if m.startswith('importer.sandbox')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
