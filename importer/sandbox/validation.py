"""The sandbox's own request schemas, written from the API contract alone.

Never import the importer's models here: a server that shares the client's code would agree
with the client's bugs instead of catching them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from importer.sandbox.profiles import EVIDENCE, REFERENCE_NAMES, Profile

EVENT_ID_RE = re.compile(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
)
_UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
# UTC only: the contract says times carry no zone of their own, so an offset is an error.
_UTC_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?Z$")
_URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)

_BODY_FIELDS = frozenset(
    {
        "title",
        "startDateTime",
        "endDateTime",
        "description",
        "locationId",
        "totalCapacity",
        "availableSpots",
        "parentSessionId",
        "tags",
    }
)
MAX_TITLE = 500
MAX_PAGE_SIZE = 50
DEFAULT_PAGE_SIZE = 10


class Invalid(Exception):
    """A 400 (or another status) with the per-field ``errors`` map of the contract."""

    def __init__(self, errors: dict[str, str], status: int = 400, message: str = "") -> None:
        super().__init__(message or "Validation failed")
        self.errors = errors
        self.status = status
        self.message = message or "Validation failed"


@dataclass(frozen=True)
class SessionBody:
    title: str
    start: datetime
    end: datetime
    description: str | None
    location_id: str | None
    capacity: int | None
    reference_id: str | None
    parent_session_id: str | None
    tags: tuple[str, ...]


def parse_utc(value: Any) -> datetime | str:
    """The parsed time, or the reason it is not one."""
    if not isinstance(value, str):
        return "must be a string in ISO-8601 UTC, e.g. 2025-03-14T05:55:00Z"
    match = _UTC_RE.match(value)
    if not match:
        return "must be an ISO-8601 date-time in UTC ending in Z, e.g. 2025-03-14T05:55:00Z"
    year, month, day, hour, minute, second, fraction = match.groups()
    try:
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second or 0),
            int((fraction or "0")[:6].ljust(6, "0")),
            tzinfo=UTC,
        )
    except ValueError:
        return "is not a real date and time"


def format_utc(value: datetime) -> str:
    if value.microsecond:
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _optional_int(body: dict[str, Any], name: str, errors: dict[str, str]) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        errors[name] = "must be a whole number"
        return None
    if value < 0:
        errors[name] = "must be greater than or equal to 0"
        return None
    return value


def _optional_str(body: dict[str, Any], name: str, errors: dict[str, str]) -> str | None:
    value = body.get(name)
    if value is None or isinstance(value, str):
        return value
    errors[name] = "must be a string"
    return None


def validate_session(body: Any, profile: Profile = EVIDENCE) -> SessionBody:
    """Check a create/update body; raise ``Invalid`` with every bad field at once.

    A reference name the profile does not keep is an unknown field: dropped without a word,
    or refused, as the profile says (the real API's choice is undocumented).
    """
    if not isinstance(body, dict):
        raise Invalid({"body": "must be a JSON object"})
    errors: dict[str, str] = {}
    if profile.unknown_fields == "reject":
        for name in body:
            if name not in _BODY_FIELDS and name not in profile.keeps:
                errors[str(name)] = "is not a known field"

    title = _title(body, errors)
    times = _times(body, errors)
    description = _optional_str(body, "description", errors)
    location = _optional_str(body, "locationId", errors)
    if location is not None and not _UUID_RE.match(location):
        errors["locationId"] = "must be a UUID"
    total = _optional_int(body, "totalCapacity", errors)
    spots = _optional_int(body, "availableSpots", errors)

    kept = [_optional_str(body, name, errors) for name in REFERENCE_NAMES if name in profile.keeps]
    sent = [value for value in kept if value is not None]
    if len(set(sent)) > 1:
        errors["referenceId"] = "differs from externalRefId; send one of them"
    parent = _optional_str(body, "parentSessionId", errors)
    tags = _tags(body, errors)

    if errors:
        raise Invalid(errors)
    assert title is not None
    return SessionBody(
        title=title,
        start=times["startDateTime"],
        end=times["endDateTime"],
        description=description,
        location_id=location.lower() if location else None,
        # The contract: totalCapacity takes precedence over the deprecated availableSpots.
        capacity=total if total is not None else spots,
        reference_id=sent[0] if sent else None,
        parent_session_id=parent,
        tags=tags,
    )


def _title(body: dict[str, Any], errors: dict[str, str]) -> str | None:
    title = body.get("title")
    if title is None:
        errors["title"] = "is required"
    elif not isinstance(title, str):
        errors["title"] = "must be a string"
    elif not title.strip():
        errors["title"] = "must not be blank"
    elif len(title) > MAX_TITLE:
        errors["title"] = f"must be at most {MAX_TITLE} characters"
    else:
        return title
    return None


def _times(body: dict[str, Any], errors: dict[str, str]) -> dict[str, datetime]:
    times: dict[str, datetime] = {}
    for name in ("startDateTime", "endDateTime"):
        if body.get(name) is None:
            errors[name] = "is required"
            continue
        parsed = parse_utc(body[name])
        if isinstance(parsed, str):
            errors[name] = parsed
        else:
            times[name] = parsed
    if len(times) == 2 and times["endDateTime"] < times["startDateTime"]:
        errors["endDateTime"] = "must not be before startDateTime"
    return times


def _tags(body: dict[str, Any], errors: dict[str, str]) -> tuple[str, ...]:
    tags_raw = body.get("tags")
    if tags_raw is None:
        return ()
    if not isinstance(tags_raw, list) or not all(isinstance(t, str) for t in tags_raw):
        errors["tags"] = "must be an array of strings"
        return ()
    return tuple(tags_raw)


def validate_speakers(body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, list):
        raise Invalid({"body": "must be a JSON array of speakers"})
    errors: dict[str, str] = {}
    result = []
    for index, item in enumerate(body):
        if not isinstance(item, dict):
            errors[f"[{index}]"] = "must be an object"
            continue
        speaker = item.get("speakerId")
        if not isinstance(speaker, str) or not _UUID_RE.match(speaker):
            errors[f"[{index}].speakerId"] = "is required and must be a UUID"
        order = item.get("speakerOrder")
        if order is not None and (isinstance(order, bool) or not isinstance(order, int)):
            errors[f"[{index}].speakerOrder"] = "must be a whole number"
        result.append({"speakerId": speaker, "speakerOrder": order})
    if errors:
        raise Invalid(errors)
    return result


def validate_files(body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, list):
        raise Invalid({"body": "must be a JSON array of files"})
    errors: dict[str, str] = {}
    result = []
    for index, item in enumerate(body):
        if not isinstance(item, dict):
            errors[f"[{index}]"] = "must be an object"
            continue
        name, url = item.get("fileName"), item.get("fileUrl")
        if not isinstance(name, str) or not name:
            errors[f"[{index}].fileName"] = "is required and must not be empty"
        if not isinstance(url, str) or not _URL_RE.match(url):
            errors[f"[{index}].fileUrl"] = "must be an http or https URL"
        result.append({"fileName": name, "fileUrl": url})
    if errors:
        raise Invalid(errors)
    return result


def parse_paging(query: dict[str, str]) -> tuple[int, int]:
    errors: dict[str, str] = {}
    values = {"page": 1, "size": DEFAULT_PAGE_SIZE}
    for name in values:
        raw = query.get(name)
        if raw is None:
            continue
        try:
            values[name] = int(raw)
        except ValueError:
            errors[name] = "must be a whole number"
    if "page" not in errors and values["page"] < 1:
        errors["page"] = "must be at least 1"
    if "size" not in errors and not 1 <= values["size"] <= MAX_PAGE_SIZE:
        errors["size"] = f"must be between 1 and {MAX_PAGE_SIZE}"
    if errors:
        raise Invalid(errors)
    return values["page"], values["size"]
