"""sync/besides.py: the notes on what a run does besides the sessions' own fields, and the
speakers and links made once the sessions exist (against the sandbox app)."""

from __future__ import annotations

import asyncio

from importer.check.speakers import Roster
from importer.plan.build import build_plan
from importer.plan.status import Outcome, Status
from importer.sandbox import DEMO_EVENT_ID
from importer.sync.besides import attach, beside_sessions
from importer.sync.client import ZuddlClient
from importer.sync.event import EventState
from importer.sync.naming import Naming
from importer.sync.speakerlinks import read_roster, resolve_speakers
from tests.unit.sandbox_app import KEY, base_url, sandbox_app, stored, transport
from tests.unit.tables import mapped, session

HEADERS = ["Reference ID", "Title", "Date", "Start", "End", "Speakers", "Slides"]


def row(ref: str | None, speakers: str | None, slides: str | None) -> list[object]:
    return [ref, f"Talk {ref}", "2026-06-10", "9:00", "10:00", speakers, slides]


def state() -> EventState:
    return EventState("UTC", None, {}, (), Naming("auto"), False, frozenset(), ())


def test_derived_references_are_said_once_for_all_rows() -> None:
    two = mapped([session(None, "A"), session(None, "B")])
    notes: list[str] = []
    _, files = beside_sessions(build_plan(two), two, None, None, notes)
    assert files == {}
    assert notes == [
        "2 rows have no reference ID; IDs made from title and start are used (column Reference "
        "ID Used of the results). Copy them into the sheet so later runs still match these "
        "sessions when a title or time changes."
    ]
    one: list[str] = []
    beside_sessions(
        build_plan(mapped([session(None, "A")])), mapped([session(None, "A")]), None, None, one
    )
    assert one[0].startswith("1 row has no reference ID;")


def test_speakers_and_links_are_planned_then_made_on_the_sandbox() -> None:
    app = sandbox_app()
    sheet = mapped(
        [row("K1", "Ada Lovelace", "https://example.com/k1.pdf"), row("K2", None, None)], HEADERS
    )

    async def speakers() -> Roster | None:
        async with ZuddlClient(base_url(), KEY, rate_limit=0, transport=transport(app)) as client:
            return await read_roster(client, DEMO_EVENT_ID)

    roster = asyncio.run(speakers())
    checked, links = resolve_speakers(sheet, roster)
    notes: list[str] = []
    plan, files = beside_sessions(build_plan(checked), checked, links, state(), notes)
    assert notes == [
        "Speakers: 1 session to change (1 link to add, 0 to remove; 1 call).",
        "Links: 1 to add as session files.",
    ]
    assert list(files) == [2]

    async def go() -> frozenset[int]:
        async with ZuddlClient(base_url(), KEY, rate_limit=0, transport=transport(app)) as client:
            outcomes = {}
            for step in plan.steps:
                body = {
                    "title": step.draft.title,
                    "startDateTime": "2026-06-10T09:00:00Z",
                    "endDateTime": "2026-06-10T10:00:00Z",
                    "externalRefId": step.draft.reference_id,
                }
                made = await client.create_session(DEMO_EVENT_ID, body)
                outcomes[step.draft.row] = Outcome(step.draft.row, Status.CREATED, made.session_id)
            return await attach(client, DEMO_EVENT_ID, plan, links, files, outcomes, state())

    assert asyncio.run(go()) == frozenset()
    held = {s["referenceId"]: s for s in stored(app)}
    assert [f["fileUrl"] for f in held["K1"]["files"]] == ["https://example.com/k1.pdf"]
    assert len(held["K1"]["speakers"]) == 1
    assert (held["K2"]["files"], held["K2"]["speakers"]) == ([], [])
