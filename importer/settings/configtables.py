"""The config file's tables about a sheet: [defaults], [columns] entries and [layout].

Kept apart from config.py, which holds the run's settings; these say how a sheet is read: what
a row lacks takes (a date, a time zone, a duration), which column feeds which field (several
may feed tags, description or title, a header may prefix its values), what heading rows mean,
and whether there is a row of column names at all.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from importer.errors import UsageError
from importer.settings.tomlkeys import take
from importer.settings.tomlwords import shown

HEADING_MODES = ("parent", "tag", "date", "ignore")
REPLACEABLE = ("location", "parent", "speakers")
LAYOUT_KEYS = ("header", "headings")
# [defaults]: TOML key -> (MappingOptions attribute, kind).
MAPPING_KEYS = {
    "timezone": ("timezone", str),
    "date_order": ("date_order", str),
    "duration_minutes": ("default_duration_min", int),
    "date": ("default_date", (str, date)),
    "location": ("default_location", str),
    "start_date": ("start_date", (str, date)),
    "end_date": ("end_date", (str, date)),
    "end": ("end_mode", str),
}


def defaults_table(raw: object, name: str) -> tuple[dict[str, Any], str | None]:
    """[defaults]: what a row takes when the sheet does not say (MappingOptions' values).

    Returns the settings and the first key it does not know (the caller words that error).
    """
    if not isinstance(raw, dict):
        raise UsageError(f"{name}: [defaults] must be a table.")
    unknown = sorted(set(raw) - set(MAPPING_KEYS))
    if unknown:
        return {}, unknown[0]
    low = take(raw, MAPPING_KEYS, f"{name} [defaults]")
    for key, setting in (
        ("default_date", "date"),
        ("start_date", "start_date"),
        ("end_date", "end_date"),
    ):
        if key in low and isinstance(low[key], str):
            try:
                low[key] = date.fromisoformat(low[key])
            except ValueError as exc:
                raise UsageError(
                    f'{name} [defaults]: {setting} "{raw[setting]}" is not a date like 2026-06-10.'
                ) from exc
    if low.get("end_mode") not in (None, "next"):
        raise UsageError(
            f'{name} [defaults]: end = "{low["end_mode"]}" is not understood. Write end = "next" '
            "(each session ends when the next one starts), or leave it out."
        )
    if low.get("date_order") not in (None, "mdy", "dmy", "ymd"):
        raise UsageError(
            f'{name} [defaults]: date_order must be "mdy", "dmy" or "ymd", '
            f'not "{low["date_order"]}".'
        )
    return low, None


def columns_table(raw: object, name: str) -> tuple[dict[str, str], frozenset[str]]:
    """[columns]: "Room" = "location", or "Format" = { field = "tags", prefix = true }."""
    usage = UsageError(
        f'{name}: [columns] maps a header to a field, e.g. "Room" = "location", or '
        '"Format" = { field = "tags", prefix = true }.'
    )
    if not isinstance(raw, dict):
        raise usage
    columns: dict[str, str] = {}
    prefixed: set[str] = set()
    for header, target in raw.items():
        if isinstance(target, dict):
            if set(target) - {"field", "prefix"} or not isinstance(target.get("field"), str):
                raise usage
            if not isinstance(target.get("prefix", False), bool):
                raise usage
            if target.get("prefix"):
                prefixed.add(header)
            target = target["field"]
        if not isinstance(target, str):
            raise usage
        columns[header] = target
    return columns, frozenset(prefixed)


def layout_table(raw: object, name: str) -> tuple[dict[str, Any], str | None]:
    """[layout]: headings = "parent" | "tag" | "date" | "ignore"; header = false.

    Returns the settings and the first key it does not know (the caller words that error).
    """
    if not isinstance(raw, dict):
        raise UsageError(f"{name}: [layout] must be a table.")
    unknown = sorted(set(raw) - set(LAYOUT_KEYS))
    if unknown:
        return {}, unknown[0]
    result: dict[str, Any] = {}
    if "headings" in raw:
        if raw["headings"] not in HEADING_MODES:
            raise UsageError(
                f'{name} [layout]: headings must be "parent", "tag", "date" or "ignore", not '
                f"{shown(raw['headings'])}."
            )
        result["headings"] = raw["headings"]
    if "header" in raw:
        if not isinstance(raw["header"], bool):
            raise UsageError(
                f"{name} [layout]: header must be true or false (false: the sheet has no row of "
                f"column names), not {shown(raw['header'])}."
            )
        result["headerless"] = not raw["header"]
    return result, None


def values_table(raw: object, name: str) -> dict[str, dict[str, str]]:
    """[values.location] "Room 12" = "Main Hall": a value of the sheet and what is used instead
    ("" leaves it out); the same under [values.parent] and [values.speakers]."""
    usage = UsageError(
        f"{name}: [values] gives, per field ({', '.join(REPLACEABLE)}), a value of the sheet and "
        'what to use instead, e.g. [values.location] "Room 12" = "Main Hall" ("" for none).'
    )
    if not isinstance(raw, dict) or set(raw) - set(REPLACEABLE):
        raise usage
    result: dict[str, dict[str, str]] = {}
    for field, table in raw.items():
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            raise usage
        result[field] = {str(k): v.strip() for k, v in table.items()}
    return result
