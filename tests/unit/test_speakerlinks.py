"""sync/speakerlinks.py against the sandbox app: names resolved to the event's speakers, then
each session linked with one call per change, none when nothing changed."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from importer.check.drafts import Mapped
from importer.check.speakers import Roster
from importer.plan.build import Plan, build_plan
from importer.plan.status import Outcome, Status
from importer.sandbox import DEMO_EVENT_ID, SandboxApp
from importer.sync.client import ZuddlClient
from importer.sync.speakerlinks import (
    NO_LIST,
    fill_speakers,
    link_speakers,
    plan_note,
    planned_changes,
    read_roster,
    resolve_speakers,
)
from tests.unit.sandbox_app import KEY, base_url, sandbox_app, stored, transport
from tests.unit.tables import mapped

T = TypeVar("T")
HEADERS = ["Reference ID", "Title", "Date", "Start", "End", "Speakers"]


def call(app: SandboxApp, work: Callable[[ZuddlClient], Awaitable[T]]) -> T:
    async def go() -> T:
        async with ZuddlClient(base_url(), KEY, rate_limit=0, transport=transport(app)) as client:
            return await work(client)

    return asyncio.run(go())


def sheet(*speakers: str | None) -> Mapped:
    return mapped(
        [[f"K{n}", f"Talk {n}", "2026-06-10", "9:00", "10:00", s] for n, s in enumerate(speakers)],
        HEADERS,
    )


def roster(app: SandboxApp) -> Roster:
    found = call(app, lambda c: read_roster(c, DEMO_EVENT_ID))
    assert found is not None
    return found


def send_all(app: SandboxApp, plan: Plan) -> dict[int, Outcome]:
    """Create every planned session in the sandbox; the rows' outcomes."""
    outcomes = {}
    for step in plan.steps:
        body = {
            "title": step.draft.title,
            "startDateTime": "2026-06-10T09:00:00Z",
            "endDateTime": "2026-06-10T10:00:00Z",
            "externalRefId": step.draft.reference_id,
        }
        result = call(app, lambda c, b=body: c.create_session(DEMO_EVENT_ID, b))  # type: ignore[misc]
        outcomes[step.draft.row] = Outcome(step.draft.row, Status.CREATED, result.session_id)
    return outcomes


def linked_names(app: SandboxApp) -> dict[str, list[str]]:
    names = {s.id: s.name for s in roster(app).speakers}
    return {
        s["referenceId"]: [
            names[p["speakerId"]] for p in sorted(s["speakers"], key=lambda p: p["speakerOrder"])
        ]
        for s in stored(app)
    }


def test_unknown_names_are_warnings_on_their_cell_with_a_hint() -> None:
    app = sandbox_app()
    checked, links = resolve_speakers(
        sheet("Ada Lovelace; Nobody Known", "Ada Lovelase"), roster(app)
    )
    assert checked.invalid_rows == frozenset()
    assert [(p.row, p.column, p.cell, p.severity, p.message) for p in checked.problems] == [
        (
            2,
            "Speakers",
            "F2",
            "warning",
            '"Nobody Known" is not a speaker of this event, so it is not linked. Add the '
            "speaker in Zuddl, then run again.",
        ),
        (
            3,
            "Speakers",
            "F3",
            "warning",
            '"Ada Lovelase" is not a speaker of this event, so it is not linked. Did you mean '
            '"Ada Lovelace"? Add the speaker in Zuddl, then run again.',
        ),
    ]
    assert [s.name for s in links.wanted[2]] == ["Ada Lovelace"]
    assert links.missing == {2: ("Nobody Known",), 3: ("Ada Lovelase",)}
    assert links.notes() == [
        '2 speakers are not in the event: add them in Zuddl, then run again ("Nobody Known", '
        '"Ada Lovelase").'
    ]


def test_unknown_speakers_as_errors_hold_their_row() -> None:
    app = sandbox_app()
    checked, links = resolve_speakers(sheet("Ada Lovelace", "Nobody"), roster(app), unknown="error")
    assert checked.invalid_rows == frozenset({3})
    assert [d.row for d in checked.drafts] == [2]
    assert 3 not in links.wanted


def test_speakers_are_linked_in_the_sheets_order_and_a_rerun_costs_nothing() -> None:
    app = sandbox_app()
    checked, links = resolve_speakers(
        sheet("Grace Hopper; ada@example.com", "jose martinez", None), roster(app)
    )
    plan = build_plan(checked)
    outcomes = send_all(app, plan)
    changes = planned_changes(links, plan, [])
    assert plan_note(changes) == [
        "Speakers: 2 sessions to change (3 links to add, 0 to remove; 2 calls)."
    ]

    failed = call(app, lambda c: link_speakers(c, DEMO_EVENT_ID, links, changes, outcomes))

    assert failed == frozenset()
    assert linked_names(app) == {
        "K0": ["Grace Hopper", "Ada Lovelace"],
        "K1": ["José Martínez"],
        "K2": [],
    }
    assert outcomes[2].message == "Speakers linked: Grace Hopper, Ada Lovelace."
    assert outcomes[4].message == ""
    fill_speakers(outcomes, links, (Status.CREATED,))
    assert outcomes[2].speakers_linked == ("Grace Hopper", "Ada Lovelace")

    listed = call(app, lambda c: c.list_sessions(DEMO_EVENT_ID))
    again = build_plan(checked, existing={s.reference_id or "": s for s in listed.sessions})
    assert planned_changes(links, again, listed.sessions) == {}


def test_a_speaker_dropped_from_the_sheet_is_unlinked() -> None:
    app = sandbox_app()
    first, links = resolve_speakers(sheet("Ada Lovelace; Alan Turing"), roster(app))
    plan = build_plan(first)
    outcomes = send_all(app, plan)
    call(
        app,
        lambda c: link_speakers(
            c, DEMO_EVENT_ID, links, planned_changes(links, plan, []), outcomes
        ),
    )

    second, links = resolve_speakers(sheet("Alan Turing"), roster(app))
    listed = call(app, lambda c: c.list_sessions(DEMO_EVENT_ID))
    plan = build_plan(second, existing={s.reference_id or "": s for s in listed.sessions})
    changes = planned_changes(links, plan, listed.sessions)
    outcomes = {2: Outcome(2, Status.UNCHANGED, listed.sessions[0].id)}
    call(app, lambda c: link_speakers(c, DEMO_EVENT_ID, links, changes, outcomes))

    assert linked_names(app) == {"K0": ["Alan Turing"]}
    assert outcomes[2].message == "1 speaker link removed."


def test_without_a_speakers_list_nothing_is_linked_and_it_is_said() -> None:
    checked, links = resolve_speakers(sheet("Ada Lovelace"), None)
    assert links.notes() == [NO_LIST]
    assert links.missing == {2: ("Ada Lovelace",)}
    outcomes: dict[int, Any] = {2: Outcome(2, Status.CREATED, "S-1", message="Created.")}
    failed = asyncio.run(link_speakers(None, DEMO_EVENT_ID, links, {}, outcomes))  # type: ignore[arg-type]
    assert failed == frozenset()
    assert outcomes[2].message == f"Created. {NO_LIST}"
    assert planned_changes(links, build_plan(checked), []) == {}
