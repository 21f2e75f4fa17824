"""The API's JSON shapes, both ways: a draft as the body Zuddl expects, a listed session back.

No HTTP here (that is client.py): these are the contract's field names and formats only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from importer.check.drafts import Draft
from importer.fields import BY_NAME
from importer.plan.reconcile import FIELD_NAMES
from importer.plan.remote import RemoteSession, format_utc

#: The two names the reference has in Zuddl's material: the docs' examples, the spec card.
REFERENCE_NAMES = BY_NAME["reference"].json


@dataclass(frozen=True)
class Listing:
    """The sessions an event lists, and what their objects reveal about the reference name."""

    sessions: tuple[RemoteSession, ...]
    # Reference names present as keys (even null) / with a value, in any listed session.
    names_present: frozenset[str] = frozenset()
    names_valued: frozenset[str] = frozenset()

    def reference_name(self) -> str | None:
        """The name Zuddl keeps the reference under, when the listed objects tell."""
        for names in (self.names_valued, self.names_present):
            if len(names) == 1:
                return next(iter(names))
            if names:  # both: the server maps both to one field; the docs' name first
                return REFERENCE_NAMES[0]
        return None


def listing(items: Sequence[Mapping[str, Any]]) -> Listing:
    present: set[str] = set()
    valued: set[str] = set()
    for item in items:
        for name in REFERENCE_NAMES:
            if name in item:
                present.add(name)
                if item[name] not in (None, ""):
                    valued.add(name)
    # An item without an ID cannot be matched or updated: it is not a session we can use.
    sessions = tuple(remote_session(i) for i in items if i.get("id"))
    return Listing(sessions, frozenset(present), frozenset(valued))


def answered_reference(answer: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(name, value) of the reference in a session object: the first name with a value,
    else the first name present as a key; (None, None) when neither is there."""
    for name in REFERENCE_NAMES:
        if answer.get(name) not in (None, ""):
            return name, str(answer[name])
    for name in REFERENCE_NAMES:
        if name in answer:
            return name, None
    return None, None


def session_body(
    draft: Draft,
    parent_session_id: str | None,
    reference_field: str,
    *,
    send_capacity: bool = True,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": draft.title,
        "startDateTime": format_utc(draft.start),
        "endDateTime": format_utc(draft.end),
    }
    if draft.description is not None:
        body["description"] = draft.description
    if draft.location_id is not None:
        body["locationId"] = draft.location_id
    if draft.capacity is not None and send_capacity:
        body["totalCapacity"] = draft.capacity
    if draft.reference_id is not None:
        body[reference_field] = draft.reference_id
    if parent_session_id is not None:
        body["parentSessionId"] = parent_session_id
    if draft.tags:
        body["tags"] = list(draft.tags)
    return body


# The plan's field names -> the body's keys (capacity is sent only where the event has it).
_BODY_KEYS = {key: BY_NAME[name].json[0] for key, name in FIELD_NAMES.items()}


def with_kept(body: Mapping[str, Any], keep: Mapping[str, object]) -> dict[str, Any]:
    """An update's body with Zuddl's own values for the fields kept: a PUT replaces the whole
    session, so a field left out would be erased."""
    result = dict(body)
    for name, value in keep.items():
        key = _BODY_KEYS[name]
        if name == "capacity" and "totalCapacity" not in body and value is None:
            continue
        if value in (None, "", ()):
            result.pop(key, None)
        else:
            result[key] = list(value) if isinstance(value, tuple) else value
    return result


def _utc_text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return value
    # The contract's times are UTC; one written without an offset is read as UTC too.
    return format_utc(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def remote_session(item: Mapping[str, Any]) -> RemoteSession:
    """A session as the API returns it, in the plan's terms; both reference names accepted."""
    places = item.get("location") or []
    place = places[0].get("locationId") if places and isinstance(places[0], dict) else None
    place = place or item.get("locationId")
    capacity = item.get("totalCapacity")
    if capacity is None:
        capacity = item.get("availableSpots")
    parent = item.get("parentSessionId")
    reference = item.get("referenceId") or item.get("externalRefId")
    return RemoteSession(
        id=str(item["id"]),
        reference_id=str(reference) if reference not in (None, "") else None,
        title=item.get("title"),
        description=item.get("description") or None,
        start=_utc_text(item.get("startDateTime")),
        end=_utc_text(item.get("endDateTime")),
        location_id=str(place).lower() if place else None,
        capacity=capacity,
        tags=tuple(str(t) for t in item.get("tags") or ()),
        parent=str(parent).lower() if parent else None,
        speakers=tuple(
            str(s["speakerId"]).lower()
            for s in item.get("speakers") or ()
            if isinstance(s, dict) and s.get("speakerId")
        ),
        files=tuple(
            str(f["fileUrl"])
            for f in item.get("files") or ()
            if isinstance(f, dict) and f.get("fileUrl")
        ),
    )
