"""sync/dispatch.py: a plan sent through the API client to the sandbox app, in-process."""

from __future__ import annotations

import asyncio
from typing import Any

from importer.plan.build import Plan, build_plan
from importer.plan.status import Outcome, Status
from importer.sandbox import DEMO_EVENT_ID, SandboxApp
from importer.sync.client import ZuddlClient
from importer.sync.dispatch import Dispatcher, Verification
from importer.sync.naming import Naming
from tests.unit.sandbox_app import KEY, base_url, sandbox_app, stored, transport
from tests.unit.tables import mapped, session

UNKNOWN_ROOM = "7f9d2c1e-5b3a-4e8f-9a6d-1c2b3a4d5e6f"


def send(
    app: SandboxApp, plan: Plan, **options: Any
) -> tuple[dict[int, Outcome], Any, list[Outcome], Naming]:
    seen: list[Outcome] = []

    async def go() -> tuple[dict[int, Outcome], Any, Naming]:
        async with ZuddlClient(base_url(), KEY, rate_limit=0, transport=transport(app)) as client:
            naming = Naming("auto", await client.list_sessions(DEMO_EVENT_ID))
            dispatcher = Dispatcher(
                plan, client, DEMO_EVENT_ID, concurrency=4, naming=naming,
                progress=seen.append, **options,
            )  # fmt: skip
            outcomes, stopped, interrupted = await dispatcher.run()
            assert not interrupted
            return outcomes, stopped, naming

    outcomes, stopped, naming = asyncio.run(go())
    return outcomes, stopped, seen, naming


def test_children_are_created_under_the_session_their_parent_became() -> None:
    app = sandbox_app()
    rows = [
        session("T1", "Talk", parent="TRACK"),
        session("TRACK", "Track A", "9:00", "12:00", parent="DAY"),
        session("DAY", "Day one", "9:00", "17:00"),
    ]
    plan = build_plan(mapped(rows))

    outcomes, stopped, seen, naming = send(app, plan)

    assert stopped is None
    assert {o.row: o.status for o in outcomes.values()} == {
        2: Status.CREATED, 3: Status.CREATED, 4: Status.CREATED
    }  # fmt: skip
    held = {s["referenceId"]: s for s in stored(app)}
    assert held["DAY"]["parentSessionId"] is None
    assert held["TRACK"]["parentSessionId"] == held["DAY"]["id"].lower()
    assert held["T1"]["parentSessionId"] == held["TRACK"]["id"].lower()
    assert [o.row for o in seen] == [4, 3, 2]  # each after its parent, each told once
    assert outcomes[2].session_id == held["T1"]["id"]
    assert naming.confirmed  # the first create's answer showed the reference kept


def test_a_refused_parent_holds_back_its_children_and_nothing_of_them_is_sent() -> None:
    app = sandbox_app()
    parent = session("DAY", "Day one", "9:00", "17:00")
    parent[6] = UNKNOWN_ROOM
    rows = [parent, session("K1", "Keynote", parent="DAY"), session("S1", "Solo", "11:00", "12:00")]
    plan = build_plan(mapped(rows))

    outcomes, stopped, _, _ = send(app, plan)

    assert stopped is None
    assert outcomes[2].status == Status.FAILED
    assert outcomes[2].message == (
        "Zuddl refused this session: locationId no location with this ID in the event."
    )
    assert outcomes[2].http_status == 400
    assert outcomes[3].status == Status.SKIPPED
    assert outcomes[3].message == "Not sent: its parent (row 2) was not created."
    assert outcomes[4].status == Status.CREATED
    assert [s["referenceId"] for s in stored(app)] == ["S1"]


def test_a_create_answered_without_its_id_is_looked_up_not_sent_twice() -> None:
    app = sandbox_app(profile="no-id")  # every 3rd create: 201 without an id, committed
    rows = [session(f"R{n}", f"Talk {n}", f"{9 + n}:00", f"{9 + n}:30") for n in range(4)]
    plan = build_plan(mapped(rows))

    outcomes, stopped, _, _ = send(app, plan, verification=Verification(grace_s=0.0))

    assert stopped is None
    assert {o.status for o in outcomes.values()} == {Status.CREATED}
    looked_up = [o for o in outcomes.values() if "looking it up" in o.message]
    assert [o.message for o in looked_up] == [
        "Created; confirmed by looking it up after the answer was lost."
    ] * len(looked_up)
    assert looked_up  # the profile did lose an answer
    held = stored(app)
    assert sorted(s["referenceId"] for s in held) == ["R0", "R1", "R2", "R3"]  # no duplicate
    for outcome in looked_up:
        assert outcome.session_id in {s["id"] for s in held}


def test_an_empty_plan_finishes_at_once() -> None:
    app = sandbox_app()
    outcomes, stopped, seen, _ = send(app, build_plan(mapped([])))
    assert (outcomes, stopped, seen, stored(app)) == ({}, None, [], [])
