"""The sandbox against the API contract, with a plain HTTP client (never the importer's)."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from importer.sandbox.people import demo_speakers
from tests.conftest import OTHER_EVENT_ID, READ_ONLY_KEY, SandboxHandle

EVENT = "5a2db0c5-de30-4e7e-8a1d-000000000001"
SESSIONS = f"/v1/events/{EVENT}/sessions"
NOT_UTC = "must be an ISO-8601 date-time in UTC ending in Z, e.g. 2025-03-14T05:55:00Z"
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def body(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "title": "Opening keynote",
        "startDateTime": "2026-03-14T09:00:00Z",
        "endDateTime": "2026-03-14T09:45:00Z",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not ...}


def error_of(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    data: dict[str, Any] = response.json()
    assert set(data) == {"timestamp", "message", "description", "errors"}
    assert TIMESTAMP.match(data["timestamp"])
    return data


def location_ids(sandbox: SandboxHandle) -> dict[str, str]:
    with sandbox.client() as c:
        data = c.get(f"/v1/events/{EVENT}/locations", params={"size": 50}).json()["data"]
    return {item["name"]: item["id"] for item in data}


# --- auth -----------------------------------------------------------------------------------


def test_missing_key_is_401(sandbox: SandboxHandle) -> None:
    with sandbox.client(key=None) as c:
        data = error_of(c.get(SESSIONS), 401)
    assert data["message"] == "Unauthorized"
    assert data["description"] == "Send the API key in the Authorization header."
    assert data["errors"] == {}


def test_unknown_key_is_401(sandbox: SandboxHandle) -> None:
    with sandbox.client(key="not-a-key") as c:
        data = error_of(c.post(SESSIONS, json=body()), 401)
    assert data["description"] == "The API key is not valid."
    assert sandbox.sessions() == []


@pytest.mark.parametrize(
    "header", ["sandbox-secret", "Bearer sandbox-secret", "bearer sandbox-secret"]
)
def test_raw_and_bearer_keys_are_accepted(sandbox: SandboxHandle, header: str) -> None:
    with sandbox.client(key=header) as c:
        assert c.post(SESSIONS, json=body()).status_code == 201


def test_read_only_key_reads_but_cannot_write(sandbox: SandboxHandle) -> None:
    with sandbox.client(key=READ_ONLY_KEY) as c:
        assert c.get(SESSIONS).status_code == 200
        data = error_of(c.post(SESSIONS, json=body()), 403)
    assert data["message"] == "Forbidden"
    assert data["description"] == "The API key does not have the WRITE scope."
    assert sandbox.sessions() == []


# --- events and locations -------------------------------------------------------------------


@pytest.mark.parametrize(
    "event_id",
    [
        "not-a-uuid",
        EVENT.upper(),
        "5a2db0c5-de30-6e7e-8a1d-000000000001",
        "5a2db0c5de304e7e8a1d000000000001",
    ],
)
def test_malformed_event_id_is_400(sandbox: SandboxHandle, event_id: str) -> None:
    with sandbox.client() as c:
        data = error_of(c.get(f"/v1/events/{event_id}/sessions"), 400)
    assert data["errors"] == {"eventId": "must be a UUID"}


def test_unknown_event_is_404(sandbox: SandboxHandle) -> None:
    with sandbox.client() as c:
        data = error_of(
            c.post("/v1/events/11111111-2222-4333-8444-555555555555/sessions", json=body()), 404
        )
    assert data["message"] == "Event not found"
    assert data["errors"] == {"eventId": "no event with this ID"}


def test_event_details_carry_time_zone(sandbox: SandboxHandle) -> None:
    with sandbox.client() as c:
        demo = c.get(f"/v1/events/{EVENT}").json()
        other = c.get(f"/v1/events/{OTHER_EVENT_ID}").json()
    assert demo == {
        "id": EVENT,
        "name": "Sandbox Demo Event",
        "timezone": "UTC",
        "startDate": "2026-01-01",
        "endDate": "2026-12-31",
        "eventFormat": "HYBRID",
    }
    assert other["timezone"] == "Europe/Paris"


def test_locations_are_listed_paged_and_filtered(sandbox: SandboxHandle) -> None:
    with sandbox.client() as c:
        everything = c.get(f"/v1/events/{EVENT}/locations").json()
        first = c.get(f"/v1/events/{EVENT}/locations", params={"size": 3}).json()
        second = c.get(f"/v1/events/{EVENT}/locations", params={"size": 3, "page": 2}).json()
        rooms = c.get(f"/v1/events/{EVENT}/locations", params={"filter": "room 10"}).json()
        too_big = c.get(f"/v1/events/{EVENT}/locations", params={"size": 51})
    names = [item["name"] for item in everything["data"]]
    assert names == ["Main Hall", "Room 101", "Room 102", "Workshop Room"]
    assert [i["name"] for i in first["data"] + second["data"]] == names
    assert first["pagination"]["next"] == f"/v1/events/{EVENT}/locations?page=2&size=3"
    assert second["pagination"]["next"] is None
    assert [i["name"] for i in rooms["data"]] == ["Room 101", "Room 102"]
    assert error_of(too_big, 400)["errors"] == {"size": "must be between 1 and 50"}
    assert all(set(item) == {"id", "name", "mapLink"} for item in everything["data"])


# --- create: validation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"title": ...}, {"title": "is required"}),
        ({"title": ""}, {"title": "must not be blank"}),
        ({"title": "   "}, {"title": "must not be blank"}),
        ({"title": "x" * 501}, {"title": "must be at most 500 characters"}),
        ({"title": 42}, {"title": "must be a string"}),
        ({"startDateTime": ...}, {"startDateTime": "is required"}),
        ({"endDateTime": None}, {"endDateTime": "is required"}),
        (
            {"startDateTime": "2026-03-14T09:00:00+01:00"},
            {"startDateTime": NOT_UTC},
        ),
        (
            {"startDateTime": "2026-03-14 09:00"},
            {"startDateTime": NOT_UTC},
        ),
        (
            {"endDateTime": "tomorrow"},
            {"endDateTime": NOT_UTC},
        ),
        (
            {"startDateTime": "2026-02-30T09:00:00Z"},
            {"startDateTime": "is not a real date and time"},
        ),
        (
            {"startDateTime": 1700000000},
            {"startDateTime": "must be a string in ISO-8601 UTC, e.g. 2025-03-14T05:55:00Z"},
        ),
        (
            {"endDateTime": "2026-03-14T08:59:59Z"},
            {"endDateTime": "must not be before startDateTime"},
        ),
        ({"totalCapacity": -1}, {"totalCapacity": "must be greater than or equal to 0"}),
        ({"totalCapacity": 1.5}, {"totalCapacity": "must be a whole number"}),
        ({"totalCapacity": "10"}, {"totalCapacity": "must be a whole number"}),
        ({"availableSpots": True}, {"availableSpots": "must be a whole number"}),
        ({"locationId": "Main Hall"}, {"locationId": "must be a UUID"}),
        (
            {"locationId": "11111111-2222-4333-8444-555555555555"},
            {"locationId": "no location with this ID in the event"},
        ),
        ({"tags": "a,b"}, {"tags": "must be an array of strings"}),
        ({"tags": ["a", 1]}, {"tags": "must be an array of strings"}),
        ({"description": ["x"]}, {"description": "must be a string"}),
        ({"referenceId": 7}, {"referenceId": "must be a string"}),
        (
            {"referenceId": "A", "externalRefId": "B"},
            {"referenceId": "differs from externalRefId; send one of them"},
        ),
    ],
)
def test_invalid_bodies_are_400_with_field_errors(
    sandbox: SandboxHandle, overrides: dict[str, Any], errors: dict[str, str]
) -> None:
    sandbox.faults(profile="lenient")  # both reference names are checked
    with sandbox.client() as c:
        data = error_of(c.post(SESSIONS, json=body(**overrides)), 400)
    assert data["message"] == "Validation failed"
    assert data["errors"] == errors
    assert data["description"] == "; ".join(f"{k} {v}" for k, v in errors.items())
    assert sandbox.sessions() == []
    assert sandbox.stats()["creates_committed"] == 0


def test_every_bad_field_is_reported_at_once(sandbox: SandboxHandle) -> None:
    with sandbox.client() as c:
        data = error_of(c.post(SESSIONS, json={"totalCapacity": -3, "tags": 5}), 400)
    assert data["errors"] == {
        "title": "is required",
        "startDateTime": "is required",
        "endDateTime": "is required",
        "totalCapacity": "must be greater than or equal to 0",
        "tags": "must be an array of strings",
    }


@pytest.mark.parametrize(
    ("content", "errors"),
    [(b"{not json", {"body": "is not valid JSON"}), (b"[1, 2]", {"body": "must be a JSON object"})],
)
def test_non_object_bodies_are_400(
    sandbox: SandboxHandle, content: bytes, errors: dict[str, str]
) -> None:
    with sandbox.client() as c:
        response = c.post(SESSIONS, content=content, headers={"Content-Type": "application/json"})
    assert error_of(response, 400)["errors"] == errors


def test_boundaries_that_are_valid(sandbox: SandboxHandle) -> None:
    with sandbox.client() as c:
        long_title = c.post(SESSIONS, json=body(title="é" * 500))
        zero_length = c.post(SESSIONS, json=body(endDateTime="2026-03-14T09:00:00Z"))
        fraction = c.post(SESSIONS, json=body(startDateTime="2026-03-14T09:00:00.250Z"))
        no_seconds = c.post(SESSIONS, json=body(startDateTime="2026-03-14T08:30Z"))
    assert [r.status_code for r in (long_title, zero_length, fraction, no_seconds)] == [201] * 4
    assert fraction.json()["startDateTime"] == "2026-03-14T09:00:00.250Z"
    assert no_seconds.json()["startDateTime"] == "2026-03-14T08:30:00Z"


def test_created_session_has_the_contract_shape(sandbox: SandboxHandle) -> None:
    sandbox.faults(profile="reference-id")  # the spec card's names
    hall = location_ids(sandbox)["Main Hall"]
    sent = body(
        description="<p>Welcome</p>",
        locationId=hall.upper(),
        totalCapacity=120,
        availableSpots=5,
        referenceId="d812a64f8865428990249a120792c3d8",
        tags=["keynote", "day 1"],
    )
    with sandbox.client() as c:
        response = c.post(SESSIONS, json=sent)
    assert response.status_code == 201
    created = response.json()
    assert re.match(r"^[0-9a-f-]{36}$", created["id"])
    assert created == {
        "id": created["id"],
        "title": "Opening keynote",
        "description": "<p>Welcome</p>",
        "startDateTime": "2026-03-14T09:00:00Z",
        "endDateTime": "2026-03-14T09:45:00Z",
        "location": [
            {"locationId": hall, "locationName": "Main Hall", "type": "STAGE", "link": None}
        ],
        "speakers": [],
        "sponsors": [],
        "files": [],
        "tags": ["keynote", "day 1"],
        "availableSpots": 120,
        "totalCapacity": 120,
        "remainingCapacity": 120,
        "referenceId": "d812a64f8865428990249a120792c3d8",
        "parentSessionId": None,
    }
    # The sandbox's own view shows the stored reference under both names.
    assert sandbox.sessions() == [{**created, "externalRefId": created["referenceId"]}]
    assert sandbox.stats()["creates_committed"] == 1


def test_available_spots_alone_sets_capacity_and_legacy_reference_name_works(
    sandbox: SandboxHandle,
) -> None:
    sandbox.faults(profile="lenient")
    with sandbox.client() as c:
        created = c.post(SESSIONS, json=body(availableSpots=40, externalRefId="LEG-1")).json()
        bare = c.post(SESSIONS, json=body()).json()
    assert (created["totalCapacity"], created["availableSpots"], created["remainingCapacity"]) == (
        40,
        40,
        40,
    )
    assert (created["referenceId"], created["externalRefId"]) == ("LEG-1", "LEG-1")
    assert (bare["totalCapacity"], bare["remainingCapacity"], bare["referenceId"]) == (
        None,
        None,
        None,
    )


def test_parent_must_exist_in_the_same_event(sandbox: SandboxHandle) -> None:
    with sandbox.client() as c:
        parent = c.post(SESSIONS, json=body(title="Track A")).json()
        child = c.post(SESSIONS, json=body(title="Talk", parentSessionId=parent["id"]))
        unknown = c.post(
            SESSIONS, json=body(parentSessionId="11111111-2222-4333-8444-555555555555")
        )
        elsewhere = c.post(
            f"/v1/events/{OTHER_EVENT_ID}/sessions", json=body(parentSessionId=parent["id"])
        )
    assert child.status_code == 201
    assert child.json()["parentSessionId"] == parent["id"]
    for response in (unknown, elsewhere):
        data = error_of(response, 404)
        assert data["message"] == "Parent session not found"
        assert data["errors"] == {"parentSessionId": "no session with this ID in the event"}
    assert [s["title"] for s in sandbox.sessions()] == ["Track A", "Talk"]
    assert sandbox.sessions(OTHER_EVENT_ID) == []


# --- get, update, list ------------------------------------------------------------------------


def test_get_and_full_replace_update(sandbox: SandboxHandle) -> None:
    sandbox.faults(profile="reference-id")
    with sandbox.client() as c:
        created = c.post(SESSIONS, json=body(totalCapacity=10, tags=["a"], referenceId="R1")).json()
        url = f"{SESSIONS}/{created['id']}"
        assert c.get(url).json() == created
        updated = c.put(url, json=body(title="Renamed", referenceId="R1"))
        missing = c.get(f"{SESSIONS}/11111111-2222-4333-8444-555555555555")
        put_missing = c.put(f"{SESSIONS}/11111111-2222-4333-8444-555555555555", json=body())
    assert updated.status_code == 200
    # PUT replaces the whole body: what was not sent is gone.
    assert updated.json() == {
        **created,
        "title": "Renamed",
        "totalCapacity": None,
        "availableSpots": None,
        "remainingCapacity": None,
        "tags": [],
    }
    assert sandbox.sessions() == [{**updated.json(), "externalRefId": "R1"}]
    assert sandbox.stats()["updates_committed"] == 1
    for response in (missing, put_missing):
        assert error_of(response, 404)["errors"] == {
            "sessionId": "no session with this ID in the event"
        }


def test_update_refuses_self_parent_and_cycles(sandbox: SandboxHandle) -> None:
    with sandbox.client() as c:
        a = c.post(SESSIONS, json=body(title="A")).json()
        b = c.post(SESSIONS, json=body(title="B", parentSessionId=a["id"])).json()
        selfish = c.put(f"{SESSIONS}/{a['id']}", json=body(title="A", parentSessionId=a["id"]))
        cycle = c.put(f"{SESSIONS}/{a['id']}", json=body(title="A", parentSessionId=b["id"]))
        invalid = c.put(f"{SESSIONS}/{a['id']}", json=body(title=""))
    assert error_of(selfish, 400)["errors"] == {
        "parentSessionId": "a session cannot be its own parent"
    }
    assert error_of(cycle, 400)["errors"] == {
        "parentSessionId": "would make a cycle of parent sessions"
    }
    assert error_of(invalid, 400)["errors"] == {"title": "must not be blank"}
    assert [s["parentSessionId"] for s in sandbox.sessions()] == [None, a["id"]]


def test_list_pages_in_creation_order_with_links(sandbox: SandboxHandle) -> None:
    with sandbox.client() as c:
        for n in range(23):
            assert c.post(SESSIONS, json=body(title=f"S{n:02d}")).status_code == 201
        default = c.get(SESSIONS).json()
        pages = [c.get(SESSIONS, params={"page": p, "size": 10}).json() for p in (1, 2, 3, 4)]
        biggest = c.get(SESSIONS, params={"size": 50}).json()
    assert len(default["data"]) == 10
    assert [s["title"] for p in pages for s in p["data"]] == [f"S{n:02d}" for n in range(23)]
    assert pages[0]["pagination"] == {
        "next": f"{SESSIONS}?page=2&size=10",
        "current": f"{SESSIONS}?page=1&size=10",
        "previous": None,
    }
    assert pages[1]["pagination"]["previous"] == f"{SESSIONS}?page=1&size=10"
    assert pages[2]["pagination"]["next"] is None
    assert pages[3]["data"] == []
    assert len(biggest["data"]) == 23
    assert biggest["pagination"]["next"] is None


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"size": 51}, {"size": "must be between 1 and 50"}),
        ({"size": 0}, {"size": "must be between 1 and 50"}),
        ({"page": 0}, {"page": "must be at least 1"}),
        ({"page": "two"}, {"page": "must be a whole number"}),
        (
            {"page": "x", "size": "y"},
            {"page": "must be a whole number", "size": "must be a whole number"},
        ),
    ],
)
def test_bad_paging_is_400(
    sandbox: SandboxHandle, params: dict[str, Any], errors: dict[str, str]
) -> None:
    with sandbox.client() as c:
        assert error_of(c.get(SESSIONS, params=params), 400)["errors"] == errors


def test_unknown_paths_and_methods_answer_in_the_error_shape(sandbox: SandboxHandle) -> None:
    with sandbox.client() as c:
        assert error_of(c.get("/v1/nothing"), 404)["message"] == "Not found"
        assert error_of(c.delete(SESSIONS), 405)["message"] == "Method not allowed"


# --- speakers and files -----------------------------------------------------------------------


def test_speakers_and_files_validate_and_attach(sandbox: SandboxHandle) -> None:
    speaker = demo_speakers(sandbox.event_id)[0].id
    with sandbox.client() as c:
        created = c.post(SESSIONS, json=body()).json()
        base = f"{SESSIONS}/{created['id']}"
        added = c.post(f"{base}/speakers", json=[{"speakerId": speaker, "speakerOrder": 1}])
        bad_speaker = c.post(f"{base}/speakers", json=[{"speakerOrder": "first"}])
        removed = c.request("DELETE", f"{base}/speakers", json=[{"speakerId": speaker}])
        files = c.post(
            f"{base}/files", json=[{"fileName": "slides.pdf", "fileUrl": "https://x.test/s.pdf"}]
        )
        bad_files = c.post(f"{base}/files", json=[{"fileName": "", "fileUrl": "ftp://x"}])
        not_list = c.post(f"{base}/files", json={"fileName": "a"})
    assert added.status_code == 200
    assert added.json()["speakers"] == [{"speakerId": speaker, "url": None}]
    assert error_of(bad_speaker, 400)["errors"] == {
        "[0].speakerId": "is required and must be a UUID",
        "[0].speakerOrder": "must be a whole number",
    }
    assert removed.json()["speakers"] == []
    assert files.json()["files"] == [{"fileName": "slides.pdf", "fileUrl": "https://x.test/s.pdf"}]
    assert error_of(bad_files, 400)["errors"] == {
        "[0].fileName": "is required and must not be empty",
        "[0].fileUrl": "must be an http or https URL",
    }
    assert error_of(not_list, 400)["errors"] == {"body": "must be a JSON array of files"}
    assert sandbox.sessions()[0]["files"] == files.json()["files"]
