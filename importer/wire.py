"""The API's JSON shapes, both ways: a draft as the body Zuddl expects, a listed session back.

No HTTP here (that is client.py): these are the contract's field names and formats only.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from importer.drafts import Draft
from importer.plan import RemoteSession, format_utc


def session_body(
    draft: Draft, parent_session_id: str | None, reference_field: str
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
    if draft.capacity is not None:
        body["totalCapacity"] = draft.capacity
    if draft.reference_id is not None:
        body[reference_field] = draft.reference_id
    if parent_session_id is not None:
        body["parentSessionId"] = parent_session_id
    if draft.tags:
        body["tags"] = list(draft.tags)
    return body


def _utc_text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return format_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return value


def remote_session(item: Mapping[str, Any]) -> RemoteSession:
    """A session as the API returns it, in the plan's terms; both reference names accepted."""
    places = item.get("location") or []
    place = places[0].get("locationId") if places and isinstance(places[0], dict) else None
    capacity = item.get("totalCapacity")
    if capacity is None:
        capacity = item.get("availableSpots")
    parent = item.get("parentSessionId")
    return RemoteSession(
        id=str(item["id"]),
        reference_id=item.get("referenceId") or item.get("externalRefId"),
        title=item.get("title"),
        description=item.get("description") or None,
        start=_utc_text(item.get("startDateTime")),
        end=_utc_text(item.get("endDateTime")),
        location_id=str(place).lower() if place else None,
        capacity=capacity,
        tags=tuple(item.get("tags") or ()),
        parent=str(parent).lower() if parent else None,
    )
