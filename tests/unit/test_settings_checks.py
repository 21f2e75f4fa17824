"""settings/checks.py: the event ID and time zone checks every front end shares."""

from __future__ import annotations

import pytest

from importer.errors import UsageError
from importer.settings.checks import check_event_id, check_timezone, known_zone


def test_an_event_id_is_a_uuid_in_any_case() -> None:
    text = "5A2DB0C5-DE30-4E7E-8A1D-000000000001"
    assert check_event_id(text) == text
    with pytest.raises(UsageError) as caught:
        check_event_id("my-event")
    assert str(caught.value) == (
        '"my-event" is not an event ID. An event ID looks like '
        "5a2db0c5-de30-4e7e-8a1d-000000000001: copy it from Zuddl."
    )


@pytest.mark.parametrize(
    "name", ["Mars/Olympus", "../etc/passwd", "Europe/", "", "Europe", "x" * 300, "a\x00b"]
)
def test_what_is_no_zone_is_said(name: str) -> None:
    assert known_zone(name) is None
    with pytest.raises(UsageError) as caught:
        check_timezone(name)
    assert str(caught.value) == (
        f'"{name}" is not a time zone. Use a name like Europe/Berlin, America/New_York or UTC.'
    )


@pytest.mark.parametrize("name", ["Europe", "America"])
def test_a_region_is_no_zone(name: str) -> None:
    assert known_zone(name) is None
