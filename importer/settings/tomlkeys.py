"""Reading one table of the config file: each value's kind checked, a stray key named.

Shared by config.py (the top level) and configtables.py ([defaults], [columns], [layout]), so
every table words a wrong value, an unknown key or a key below the wrong [table] line alike.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from importer.errors import UsageError
from importer.settings.tomlwords import KIND_WORDS, shown


def fits(value: object, kind: Any) -> bool:
    # TOML true/false are bools, which Python counts as ints: only a bool setting takes them.
    # A date and time is a date to Python, but never a date setting here.
    if isinstance(value, bool):
        return kind is bool
    if isinstance(value, datetime):
        return False
    return isinstance(value, kind)


def take(table: Mapping[str, Any], keys: dict[str, tuple[str, Any]], where: str) -> dict[str, Any]:
    """The settings ``keys`` names (TOML key -> (setting, kind)), each of its kind."""
    result = {}
    for key, value in table.items():
        if key not in keys:
            continue
        name, kind = keys[key]
        if not fits(value, kind):
            raise UsageError(f'{where}: "{key}" must be {KIND_WORDS[kind]}, not {shown(value)}.')
        result[name] = value
    return result


def unknown_key(key: str, known: set[str], where: str) -> UsageError:
    close = difflib.get_close_matches(key, sorted(known), n=1)
    hint = f' (did you mean "{close[0]}"?)' if close else ""
    return UsageError(
        f'{where}: unknown setting "{key}"{hint}. '
        f"Known settings{' there' if '[' in where else ''}: {', '.join(sorted(known))}."
    )


def misplaced(key: str, table: str, name: str) -> UsageError:
    # TOML reads every line after a [table] line as part of that table, top-level ones too.
    return UsageError(
        f'{name} [{table}]: "{key}" is a top-level setting, but it stands below the [{table}] '
        "line, so it counts as part of that table. Move it above the first [table] line."
    )
