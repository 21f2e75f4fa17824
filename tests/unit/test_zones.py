"""check/zones.py: Zuddl's time zone text as an IANA name, only where it allows one reading."""

from __future__ import annotations

import pytest

from importer.check.zones import EventZone, event_zone
from importer.errors import UsageError


@pytest.mark.parametrize("name", ["Europe/Berlin", "UTC", "America/Argentina/Buenos_Aires"])
def test_an_iana_name_is_taken_as_it_is(name: str) -> None:
    assert event_zone(f" {name} ") == EventZone(name)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("CET", "Europe/Paris"),
        ("est", "America/New_York"),
        ("UTC/CET", "Europe/Paris"),  # UTC is the format, the abbreviation the zone
        ("UTC+5:30", "Asia/Kolkata"),
        ("+05:45", "Asia/Kathmandu"),
        ("GMT-3", "Etc/GMT+3"),  # Etc/GMT names count the other way
        ("UTC+2", "Etc/GMT-2"),
        ("UTC+0", "UTC"),
    ],
)
def test_one_reading_is_taken_and_said(text: str, name: str) -> None:
    assert event_zone(text) == EventZone(
        name, f'Zuddl gives the event\'s time zone as "{text}"; read as {name}.'
    )


def test_an_abbreviation_of_several_places_asks_for_the_zone() -> None:
    with pytest.raises(UsageError) as caught:
        event_zone("UTC/IST")
    assert str(caught.value) == (
        'Zuddl gives the event\'s time zone as "UTC/IST": "IST" could be Asia/Kolkata (India), '
        "Asia/Jerusalem (Israel), Europe/Dublin (Ireland). Give the event's zone with "
        "--timezone (or timezone under [defaults] in the config), e.g. --timezone Asia/Kolkata."
    )


@pytest.mark.parametrize("text", ["Foo", "UTC/EST/PST", "UTC+15", "UTC+5:20", ""])
def test_no_single_reading_is_refused(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        event_zone(text)
    assert str(caught.value) == (
        f'Zuddl gives the event\'s time zone as "{text}", which is not a time zone name this '
        "tool knows. Give one with --timezone, e.g. Europe/Berlin."
    )


def test_an_iana_name_with_its_abbreviation_is_read() -> None:
    # Split at "/" and "(", the text gives the token "America": a folder in tzdata.
    assert event_zone("America/New_York (EST)").name == "America/New_York"
