"""settings/configtables.py: [defaults], [columns] and [layout] of the config file."""

from __future__ import annotations

from datetime import date

import pytest

from importer.errors import UsageError
from importer.settings.configtables import columns_table, defaults_table, layout_table

NAME = "zuddl.toml"


def refused(work: object) -> str:
    with pytest.raises(UsageError) as caught:
        work()  # type: ignore[operator]
    return str(caught.value)


def test_defaults_become_mapping_options() -> None:
    raw = {
        "timezone": "Europe/Paris",
        "date_order": "dmy",
        "duration_minutes": 30,
        "date": "2026-06-10",
        "start_date": date(2026, 6, 8),
        "end": "next",
    }
    assert defaults_table(raw, NAME) == (
        {
            "timezone": "Europe/Paris",
            "date_order": "dmy",
            "default_duration_min": 30,
            "default_date": date(2026, 6, 10),
            "start_date": date(2026, 6, 8),
            "end_mode": "next",
        },
        None,
    )


def test_the_first_unknown_default_is_handed_back() -> None:
    assert defaults_table({"zone": "UTC", "duration": 3, "timezone": "UTC"}, NAME) == (
        {},
        "duration",
    )


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        (
            {"date": "10/06/2026"},
            'zuddl.toml [defaults]: date "10/06/2026" is not a date like 2026-06-10.',
        ),
        (
            {"end_date": "2026-02-30"},
            'zuddl.toml [defaults]: end_date "2026-02-30" is not a date like 2026-06-10.',
        ),
        (
            {"end": "last"},
            'zuddl.toml [defaults]: end = "last" is not understood. Write end = "next" (each '
            "session ends when the next one starts), or leave it out.",
        ),
        (
            {"date_order": "DMY"},
            'zuddl.toml [defaults]: date_order must be "mdy", "dmy" or "ymd", not "DMY".',
        ),
        (
            {"duration_minutes": "30"},
            'zuddl.toml [defaults]: "duration_minutes" must be a whole number, not the text "30".',
        ),
        ([1], "zuddl.toml: [defaults] must be a table."),
    ],
)
def test_wrong_defaults_are_said(raw: object, said: str) -> None:
    assert refused(lambda: defaults_table(raw, NAME)) == said


def test_columns_map_headers_to_fields_and_may_prefix() -> None:
    raw = {
        "Room": "location",
        "Format": {"field": "tags", "prefix": True},
        "Track": {"field": "tags"},
    }
    assert columns_table(raw, NAME) == (
        {"Room": "location", "Format": "tags", "Track": "tags"},
        frozenset({"Format"}),
    )


@pytest.mark.parametrize(
    "raw",
    [
        "Room",
        {"Room": 3},
        {"Format": {"field": "tags", "prefix": "yes"}},
        {"Format": {"field": "tags", "colour": "red"}},
        {"Format": {"prefix": True}},
    ],
)
def test_a_wrong_columns_entry_shows_the_two_forms(raw: object) -> None:
    assert refused(lambda: columns_table(raw, NAME)) == (
        'zuddl.toml: [columns] maps a header to a field, e.g. "Room" = "location", or '
        '"Format" = { field = "tags", prefix = true }.'
    )


def test_layout() -> None:
    assert layout_table({"headings": "parent", "header": False}, NAME) == (
        {"headings": "parent", "headerless": True},
        None,
    )
    assert layout_table({"header": True}, NAME) == ({"headerless": False}, None)
    assert layout_table({"heading": "tag"}, NAME) == ({}, "heading")


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        (
            {"headings": "Parent"},
            'zuddl.toml [layout]: headings must be "parent", "tag", "date" or "ignore", not the '
            'text "Parent".',
        ),
        (
            {"header": "no"},
            "zuddl.toml [layout]: header must be true or false (false: the sheet has no row of "
            'column names), not the text "no".',
        ),
        ("x", "zuddl.toml: [layout] must be a table."),
    ],
)
def test_wrong_layout_is_said(raw: object, said: str) -> None:
    assert refused(lambda: layout_table(raw, NAME)) == said
