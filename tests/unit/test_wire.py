"""sync/wire.py: a draft as the body Zuddl expects, a listed session back in the plan's terms."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from importer.check.drafts import Draft
from importer.plan.remote import RemoteSession
from importer.sync.wire import answered_reference, listing, remote_session, session_body, with_kept

BERLIN_SUMMER = timezone(timedelta(hours=2))
ROOM = "7f9d2c1e-5b3a-4e8f-9a6d-1c2b3a4d5e6f"
PARENT = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"


def draft(**fields: Any) -> Draft:
    base: dict[str, Any] = {
        "row": 2,
        "title": "Keynote",
        "start": datetime(2026, 6, 10, 9, 30, tzinfo=BERLIN_SUMMER),
        "end": datetime(2026, 6, 10, 10, 15, tzinfo=BERLIN_SUMMER),
    }
    return Draft(**{**base, **fields})


def test_a_bare_draft_sends_title_and_utc_times_only() -> None:
    assert session_body(draft(), None, "referenceId") == {
        "title": "Keynote",
        "startDateTime": "2026-06-10T07:30:00Z",
        "endDateTime": "2026-06-10T08:15:00Z",
    }


def test_every_field_under_the_contracts_key() -> None:
    full = draft(
        description="Opening",
        location_id=ROOM,
        capacity=120,
        reference_id="K1",
        tags=("main", "live"),
    )
    assert session_body(full, PARENT, "externalRefId") == {
        "title": "Keynote",
        "startDateTime": "2026-06-10T07:30:00Z",
        "endDateTime": "2026-06-10T08:15:00Z",
        "description": "Opening",
        "locationId": ROOM,
        "totalCapacity": 120,
        "externalRefId": "K1",
        "parentSessionId": PARENT,
        "tags": ["main", "live"],
    }


def test_capacity_is_left_out_where_the_event_has_none() -> None:
    body = session_body(draft(capacity=120), None, "referenceId", send_capacity=False)
    assert "totalCapacity" not in body


def test_an_update_carries_zuddls_own_values_for_the_fields_the_sheet_lacks() -> None:
    body = session_body(draft(), None, "referenceId")
    kept = with_kept(body, {"location_id": ROOM, "tags": ("kept",), "description": None})
    assert kept == {**body, "locationId": ROOM, "tags": ["kept"]}
    # A kept empty value removes the key: the PUT then leaves the field empty, as Zuddl had it.
    cleared = with_kept({**body, "description": "x"}, {"description": ""})
    assert "description" not in cleared
    # No capacity sent and none kept: the key stays away.
    assert "totalCapacity" not in with_kept(body, {"capacity": None})


def test_a_listed_session_in_the_plans_terms() -> None:
    item = {
        "id": "AB12",
        "title": "Keynote",
        "description": "",
        "startDateTime": "2026-06-10T09:30:00+02:00",
        "endDateTime": "2026-06-10T08:15:00",  # no offset: read as UTC
        "location": [{"locationId": ROOM.upper()}],
        "availableSpots": 80,
        "externalRefId": "K1",
        "parentSessionId": PARENT.upper(),
        "tags": ["main"],
        "speakers": [{"speakerId": "SP1"}, {"name": "no id"}],
        "files": [{"fileUrl": "https://x.test/a.pdf"}, {"fileName": "no url"}],
    }
    assert remote_session(item) == RemoteSession(
        id="AB12",
        reference_id="K1",
        title="Keynote",
        description=None,
        start="2026-06-10T07:30:00Z",
        end="2026-06-10T08:15:00Z",
        location_id=ROOM,
        capacity=80,
        tags=("main",),
        parent=PARENT,
        speakers=("sp1",),
        files=("https://x.test/a.pdf",),
    )


def test_a_listing_tells_which_name_the_reference_has() -> None:
    both = listing([{"id": "1", "referenceId": "A", "externalRefId": None}, {"title": "no id"}])
    assert [s.id for s in both.sessions] == ["1"]  # a session without an ID is no use
    assert both.names_present == {"referenceId", "externalRefId"}
    assert both.names_valued == {"referenceId"}
    assert both.reference_name() == "referenceId"
    assert listing([{"id": "1", "externalRefId": None}]).reference_name() == "externalRefId"
    assert listing([{"id": "1"}]).reference_name() is None
    # Both with values: the server maps both names to one field; the docs' name is used.
    valued = listing([{"id": "1", "referenceId": "A", "externalRefId": "A"}])
    assert valued.reference_name() == "externalRefId"


def test_the_reference_in_an_answer() -> None:
    assert answered_reference({"referenceId": "K1"}) == ("referenceId", "K1")
    assert answered_reference({"externalRefId": "", "referenceId": None}) == (
        "externalRefId",
        None,
    )
    assert answered_reference({"title": "x"}) == (None, None)
