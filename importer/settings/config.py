"""Settings of an import: from a TOML file, then flags, then defaults. Secrets stay masked."""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any, Literal

from importer.errors import UsageError
from importer.fields import BY_NAME, COLUMN_TARGETS
from importer.read.links import is_link
from importer.settings.checks import check_timezone
from importer.settings.configtables import (
    LAYOUT_KEYS,
    MAPPING_KEYS,
    columns_table,
    defaults_table,
    layout_table,
    values_table,
)
from importer.settings.dateorder import DateOrder
from importer.settings.nightly import NotifySettings, parse_extras
from importer.settings.tomlkeys import misplaced, take, unknown_key
from importer.settings.tomlwords import plain_toml_error

HeadingMode = Literal["parent", "tag", "date", "ignore"]
DEFAULT_BASE_URL = "https://api.zuddl.com"
API_KEY_ENV = "ZUDDL_API_KEY"  # the variable that holds the key unless api_key_env names another
MAX_DURATION_MIN = 366 * 24 * 60
# The contract's two names of the reference field; one setting picks what is sent.
REFERENCE_FIELDS = ("auto", *BY_NAME["reference"].json)


class Secret:
    """An API key that never shows itself in output, logs, reprs or exceptions."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        check_key_characters(value)
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    def __str__(self) -> str:
        return "********"

    def __bool__(self) -> bool:
        return bool(self._value)


def check_key_characters(value: str) -> None:
    """Refuse a key no HTTP header can carry (a pasted line break, a typographic quote), at
    once, instead of an internal error or six retries; the message never shows the key."""
    for position, char in enumerate(value, start=1):
        if not "!" <= char <= "~":
            kind = {"\n": "a line break", "\r": "a line break", "\t": "a tab", " ": "a space"}
            what = kind.get(char, "a control character" if char < " " else "a non-ASCII character")
            raise UsageError(
                f"The API key contains {what} (character {position} of {len(value)}), which "
                "no Zuddl API key has. Copy the key again from Zuddl, exactly as shown, and try "
                "again."
            )


@dataclass(frozen=True)
class MappingOptions:
    """How spreadsheet cells become session fields."""

    columns: Mapping[str, str] = field(default_factory=dict)  # header -> field
    timezone: str | None = None
    date_order: DateOrder | None = None
    default_duration_min: int | None = None
    default_date: date | None = None
    default_location: str | None = None
    start_date: date | None = None  # the event's first day: for "Day 2" and weekday names
    end_date: date | None = None  # its last day (weekday names; warnings for days outside)
    end_mode: Literal["next"] | None = None  # "next": a row without end ends at the next start
    headings: HeadingMode | None = None  # [layout] headings: what section heading rows become
    headerless: bool = False  # [layout] header = false: no row of column names
    # Headers (or letters) whose name prefixes their values: "Format: Panel".
    prefixed: frozenset[str] = frozenset()
    # [values]: a value of the sheet -> what is used instead, per field ("location", "parent",
    # "speakers"); "" leaves it out. For rooms, parents or speakers named otherwise in the event.
    replace_values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Settings:
    event_id: str | None = None
    base_url: str = DEFAULT_BASE_URL
    api_key_env: str = API_KEY_ENV
    # "auto": learned from what the event lists, else from the answer to the first create.
    reference_field: str = "auto"
    auth_scheme: Literal["raw", "bearer"] = "raw"  # the docs show the raw key; Bearer exists
    sheet: str | None = None
    results: Path | None = None
    rate_limit: float = 10.0
    concurrency: int = 8
    timeout_s: float = 30.0
    skip_invalid: bool = False
    agenda: Path | str | None = None  # a str is a link (https://...), downloaded first
    mode: Literal["sync", "create-only"] = "sync"
    max_changes: str | None = None  # "50" or "10%": a safety rail for nightly runs
    log_file: Path | None = None
    log_format: Literal["text", "json"] = "text"
    retry_attempts: int = 6
    retry_deadline_s: float = 120.0
    lock_dir: Path | None = None
    # An unanswered create may still commit: look it up no sooner than this after sending.
    lookup_grace_s: float = 30.0
    # A 429 asking to wait longer than this (a spent daily quota) stops the run.
    max_retry_after_s: float = 300.0
    # A field changed both in Zuddl and in the sheet since the last import: which one wins.
    on_conflict: Literal["stop", "sheet", "zuddl"] = "stop"
    # A speaker the event does not have: a warning on the cell, or an error that holds the row.
    unknown_speakers: Literal["warning", "error"] = "warning"
    mapping: MappingOptions = MappingOptions()
    key_from_file: Secret | None = field(default=None, repr=False)  # api_key in a private file
    # A private agenda link's request headers: header name -> the variable holding its value.
    agenda_headers: Mapping[str, str] = field(default_factory=dict)
    notify: NotifySettings | None = None  # [notify]: who hears of a run, and when

    def with_overrides(self, **changes: Any) -> Settings:
        """Flags win over the config file; a flag left out (None) keeps the file's value."""
        mapping_names = {f.name for f in fields(MappingOptions)}
        top = {k: v for k, v in changes.items() if v is not None and k not in mapping_names}
        low = {k: v for k, v in changes.items() if v is not None and k in mapping_names}
        result = replace(self, **top)
        if low:
            result = replace(result, mapping=replace(result.mapping, **low))
        return result.checked()

    def checked(self) -> Settings:
        if self.mapping.timezone is not None:
            check_timezone(self.mapping.timezone)
        if self.mapping.date_order not in (None, "mdy", "dmy", "ymd"):
            raise UsageError(
                f'date_order must be "mdy", "dmy" or "ymd", not "{self.mapping.date_order}".'
            )
        if self.mapping.default_duration_min is not None and self.mapping.default_duration_min < 1:
            raise UsageError("duration_minutes must be at least 1.")
        # Past these no session can fall, and date arithmetic would overflow.
        if (self.mapping.default_duration_min or 0) > MAX_DURATION_MIN:
            raise UsageError("duration_minutes must be at most 527040 (366 days).")
        default_date = self.mapping.default_date
        if default_date is not None and not 1900 <= default_date.year <= 2999:
            raise UsageError(
                f"The default date {default_date.isoformat()} is not a date a session can have. "
                "Write it like 2026-06-10."
            )
        if self.reference_field not in REFERENCE_FIELDS:
            raise UsageError(
                f'reference_field must be "auto", "referenceId" or "externalRefId", '
                f'not "{self.reference_field}".'
            )
        if self.on_conflict not in ("stop", "sheet", "zuddl"):
            raise UsageError(
                f'on_conflict must be "stop", "sheet" or "zuddl", not "{self.on_conflict}".'
            )
        if self.unknown_speakers not in ("warning", "error"):
            raise UsageError(
                f'unknown_speakers must be "warning" or "error", not "{self.unknown_speakers}".'
            )
        if self.auth_scheme not in ("raw", "bearer"):
            raise UsageError(f'auth_scheme must be "raw" or "bearer", not "{self.auth_scheme}".')
        if not (0 <= self.lookup_grace_s < math.inf):
            raise UsageError("lookup_grace must be 0 or more seconds.")
        if not (0 < self.max_retry_after_s < math.inf):
            raise UsageError("max_retry_after must be more than 0 seconds.")
        if self.concurrency < 1:
            raise UsageError("concurrency must be at least 1.")
        if not (0 <= self.rate_limit < math.inf):
            raise UsageError("rate_limit must be 0 (no limit) or more requests per second.")
        if not (0 < self.timeout_s < math.inf):
            raise UsageError("timeout must be more than 0 seconds.")
        if not (0 < self.retry_deadline_s < math.inf):
            raise UsageError("retry_deadline must be more than 0 seconds.")
        if not self.api_key_env.strip() or "=" in self.api_key_env:
            raise UsageError(
                "api_key_env must be the name of an environment variable, like ZUDDL_API_KEY."
            )
        if self.mode not in ("sync", "create-only"):
            raise UsageError(f'mode must be "sync" or "create-only", not "{self.mode}".')
        if self.log_format not in ("text", "json"):
            raise UsageError(f'log_format must be "text" or "json", not "{self.log_format}".')
        if self.retry_attempts < 1:
            raise UsageError("retry_attempts must be at least 1.")
        if self.max_changes is not None:
            change_limit(self.max_changes, 1)
        return self

    def change_limit(self, rows: int) -> int | None:
        return None if self.max_changes is None else change_limit(self.max_changes, rows)

    def api_key(self) -> Secret:
        """From the environment variable; else from the (private) config file."""
        value = os.environ.get(self.api_key_env, "").strip()
        if not value and self.key_from_file:
            return self.key_from_file
        if not value:
            raise UsageError(
                f"No API key: set the environment variable {self.api_key_env} to your Zuddl "
                "API key (created for Backend usage, with WRITE scope)."
            )
        return Secret(value)


def change_limit(text: str, rows: int) -> int:
    """``--max-changes``: a count, or a percentage of the sheet's rows."""
    value = text.strip()
    try:
        if value.endswith("%"):
            percent = float(value[:-1])
            if not 0 <= percent <= 100:
                raise ValueError(value)
            return int(rows * percent / 100)
        count = int(value)
        if count < 0:
            raise ValueError(value)
        return count
    except ValueError as exc:
        raise UsageError(
            f'max_changes "{text}" is not a number of changes (like 50) or a percentage of '
            "the rows (like 10%)."
        ) from exc


_TOP_KEYS = {
    "event": ("event_id", str),
    "base_url": ("base_url", str),
    "api_key_env": ("api_key_env", str),
    "reference_field": ("reference_field", str),
    "sheet": ("sheet", str),
    "results": ("results", str),
    "rate_limit": ("rate_limit", (int, float)),
    "concurrency": ("concurrency", int),
    "timeout": ("timeout_s", (int, float)),
    "skip_invalid": ("skip_invalid", bool),
    "agenda": ("agenda", str),
    "mode": ("mode", str),
    "max_changes": ("max_changes", (str, int)),
    "log_file": ("log_file", str),
    "log_format": ("log_format", str),
    "retry_attempts": ("retry_attempts", int),
    "retry_deadline": ("retry_deadline_s", (int, float)),
    "lock_dir": ("lock_dir", str),
    "auth_scheme": ("auth_scheme", str),
    "lookup_grace": ("lookup_grace_s", (int, float)),
    "max_retry_after": ("max_retry_after_s", (int, float)),
    "on_conflict": ("on_conflict", str),
    "unknown_speakers": ("unknown_speakers", str),
}


def load_settings(path: Path | None) -> Settings:
    """Settings from a TOML file (see the README), or the defaults without one."""
    if path is None:
        return Settings()
    try:
        # utf-8-sig: a byte-order mark (Windows editors) is not part of the settings.
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise UsageError(f'The config file "{path}" does not exist.') from exc
    except IsADirectoryError as exc:
        raise UsageError(
            f'The config file "{path}" is a folder. Name the .toml file itself.'
        ) from exc
    except OSError as exc:
        reason = exc.strerror or "the system refused"
        raise UsageError(f'Cannot read the config file "{path}": {reason}.') from exc
    except UnicodeDecodeError as exc:
        raise UsageError(
            f'The config file "{path}" is not UTF-8 text. Save it as UTF-8 and try again.'
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(
            f'The config file "{path.name}" is not valid TOML: {plain_toml_error(exc)}.'
        ) from exc
    key = raw.pop("api_key", None)
    settings = _settings_from(raw, path.name, path.parent)
    if key is None:
        return settings
    if not isinstance(key, str) or not key.strip():
        raise UsageError(f'{path.name}: "api_key" must be the key in quotes.')
    mode = path.stat().st_mode
    if mode & 0o077:
        # Others on the machine could read the key: refuse rather than use a leaked secret.
        raise UsageError(
            f'The config file "{path}" holds an API key but other users can read it. Make it '
            f'private with "chmod 600 {path}", or move the key into the environment variable '
            f"{settings.api_key_env}."
        )
    return replace(settings, key_from_file=Secret(key.strip()))


def _settings_from(raw: dict[str, Any], name: str, base: Path) -> Settings:
    known = set(_TOP_KEYS) | {
        "columns",
        "defaults",
        "api_key",
        "agenda_headers",
        "notify",
        "layout",
        "values",
    }
    unknown = sorted(set(raw) - known)
    if unknown:
        if unknown[0] in MAPPING_KEYS:
            raise UsageError(
                f'{name}: "{unknown[0]}" belongs under [defaults]. Move the line below a '
                "[defaults] line."
            )
        raise unknown_key(unknown[0], known, name)
    top = _top_settings(raw, name, base)
    low, stray = defaults_table(raw.get("defaults", {}), name)
    if stray is not None:
        raise _stray(stray, "defaults", MAPPING_KEYS, name)
    columns, prefixed = _columns(raw.get("columns", {}), name)
    layout, stray = layout_table(raw.get("layout", {}), name)
    if stray is not None:
        raise _stray(stray, "layout", LAYOUT_KEYS, name)
    values = values_table(raw.get("values", {}), name)
    mapping = MappingOptions(
        columns=columns, prefixed=prefixed, replace_values=values, **low, **layout
    )
    return Settings(mapping=mapping, **top, **parse_extras(raw, name)).checked()


def _top_settings(raw: dict[str, Any], name: str, base: Path) -> dict[str, Any]:
    top = take(raw, _TOP_KEYS, name)
    # Paths in the file are relative to the file, so a scheduled run works from any folder.
    for key in ("results", "agenda", "log_file", "lock_dir"):
        if key in top and not (key == "agenda" and is_link(top[key])):
            top[key] = base / Path(top[key]).expanduser()
    if "max_changes" in top:
        top["max_changes"] = str(top["max_changes"])
    return top


def _columns(raw: object, name: str) -> tuple[dict[str, str], frozenset[str]]:
    columns, prefixed = columns_table(raw, name)
    for header, target in columns.items():
        if target not in COLUMN_TARGETS:
            if header in _TOP_KEYS:
                raise misplaced(header, "columns", name)
            raise UsageError(
                f'{name} [columns]: "{header}" = "{target}" names no field. '
                f"Fields are: {', '.join(COLUMN_TARGETS)}."
            )
    return columns, prefixed


def _stray(key: str, table: str, known: Iterable[str], name: str) -> UsageError:
    # TOML puts every line after a [table] line in that table, top-level settings included.
    if key in _TOP_KEYS:
        return misplaced(key, table, name)
    return unknown_key(key, set(known), f"{name} [{table}]")


def default_results_path(agenda: Path) -> Path:
    """Where the results sheet goes unless --results says: beside the agenda."""
    return agenda.with_name(f"{agenda.stem}.results.xlsx")
