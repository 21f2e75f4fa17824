"""settings/tomlkeys.py and tomlwords.py: a config value of the wrong kind, a stray key, a
key below the wrong [table], said in the words of the file's author."""

from __future__ import annotations

import tomllib
from datetime import date, datetime

import pytest

from importer.errors import UsageError
from importer.settings.tomlkeys import fits, misplaced, take, unknown_key
from importer.settings.tomlwords import plain_toml_error, shown

KEYS = {
    "rate-limit": ("rate_limit", (int, float)),
    "dry-run": ("dry_run", bool),
    "day": ("day", (str, date)),
}


@pytest.mark.parametrize(
    ("value", "kind", "ok"),
    [
        (True, int, False),
        (True, (int, float), False),
        (True, bool, True),
        (3, (int, float), True),
        (datetime(2026, 6, 10, 9), (str, date), False),
        (date(2026, 6, 10), (str, date), True),
        ("3", int, False),
    ],
)
def test_fits_keeps_bools_and_datetimes_in_their_place(
    value: object, kind: object, ok: bool
) -> None:
    assert fits(value, kind) is ok


def test_take_renames_known_keys_and_skips_others() -> None:
    table = {"rate-limit": 2.5, "dry-run": False, "other": "x"}
    assert take(table, KEYS, "zuddl.toml") == {"rate_limit": 2.5, "dry_run": False}


@pytest.mark.parametrize(
    ("key", "value", "said"),
    [
        ("rate-limit", True, '"rate-limit" must be a number, not true'),
        ("dry-run", "yes", '"dry-run" must be true or false, not the text "yes"'),
        (
            "day",
            datetime(2026, 6, 10, 9, 30),
            '"day" must be a date like 2026-06-10, not the date and time 2026-06-10 09:30:00',
        ),
        ("rate-limit", [1], '"rate-limit" must be a number, not a list'),
        ("rate-limit", {"a": 1}, '"rate-limit" must be a number, not a table'),
    ],
)
def test_a_value_of_the_wrong_kind_is_said_in_words(key: str, value: object, said: str) -> None:
    with pytest.raises(UsageError) as caught:
        take({key: value}, KEYS, "zuddl.toml [defaults]")
    assert str(caught.value) == f"zuddl.toml [defaults]: {said}."


def test_an_unknown_key_suggests_the_closest() -> None:
    error = unknown_key("rate-limt", {"rate-limit", "dry-run"}, "zuddl.toml")
    assert str(error) == (
        'zuddl.toml: unknown setting "rate-limt" (did you mean "rate-limit"?). '
        "Known settings: dry-run, rate-limit."
    )


def test_an_unknown_key_in_a_table_says_there_and_guesses_nothing_far() -> None:
    error = unknown_key("colour", {"title", "start"}, "zuddl.toml [columns]")
    assert str(error) == (
        'zuddl.toml [columns]: unknown setting "colour". Known settings there: start, title.'
    )


def test_a_top_level_key_below_a_table_line_is_explained() -> None:
    assert str(misplaced("timezone", "columns", "zuddl.toml")) == (
        'zuddl.toml [columns]: "timezone" is a top-level setting, but it stands below the '
        "[columns] line, so it counts as part of that table. Move it above the first [table] line."
    )


def test_toml_errors_name_characters_in_words() -> None:
    with pytest.raises(tomllib.TOMLDecodeError) as caught:
        tomllib.loads('title = "a\tb"\nx = "c\x01"')
    text = plain_toml_error(caught.value)
    assert "an invisible control character (U+0001) is not allowed there" in text
    assert "'" not in text


def test_shown_never_uses_a_python_repr() -> None:
    assert [shown(v) for v in ("x", False, 2.5, date(2026, 1, 2))] == [
        'the text "x"',
        "false",
        "2.5",
        "the date 2026-01-02",
    ]
