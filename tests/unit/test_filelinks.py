"""sync/filelinks.py against the sandbox app: a session gets only the links it lacks."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from importer.plan.remote import RemoteSession
from importer.plan.status import Outcome, Status
from importer.sandbox import DEMO_EVENT_ID, SandboxApp
from importer.sync.client import ZuddlClient
from importer.sync.filelinks import add_files, files_note, new_files
from tests.unit.sandbox_app import KEY, base_url, sandbox_app, stored, transport

T = TypeVar("T")
BODY = {
    "title": "Keynote",
    "startDateTime": "2026-06-10T07:30:00Z",
    "endDateTime": "2026-06-10T08:15:00Z",
}
SLIDES = ("Slides", "https://example.com/slides.pdf")
VIDEO = ("Video", "https://example.com/video")


def call(app: SandboxApp, work: Callable[[ZuddlClient], Awaitable[T]]) -> T:
    async def go() -> T:
        async with ZuddlClient(base_url(), KEY, rate_limit=0, transport=transport(app)) as client:
            return await work(client)

    return asyncio.run(go())


def created(app: SandboxApp, ref: str) -> str:
    result = call(app, lambda c: c.create_session(DEMO_EVENT_ID, {**BODY, "externalRefId": ref}))
    assert result.session_id is not None
    return result.session_id


def files_in_sandbox(app: SandboxApp) -> dict[str, list[str]]:
    return {s["referenceId"]: [f["fileUrl"] for f in s["files"]] for s in stored(app)}


def test_new_files_are_those_whose_address_is_not_there() -> None:
    assert new_files([SLIDES, VIDEO, ("Slides again", SLIDES[1])], [SLIDES[1]]) == [VIDEO]


def test_sessions_get_the_links_they_lack_and_the_outcome_says_so() -> None:
    app = sandbox_app()
    new_id, old_id, failed_id = created(app, "NEW"), created(app, "OLD"), created(app, "FAIL")
    call(app, lambda c: c.add_files(DEMO_EVENT_ID, old_id, [SLIDES]))
    outcomes = {
        2: Outcome(2, Status.CREATED, new_id, message="Created."),
        3: Outcome(3, Status.UNCHANGED, old_id.upper()),
        4: Outcome(4, Status.FAILED, failed_id, message="Zuddl refused."),
    }
    remote = [RemoteSession(old_id, "OLD", files=(SLIDES[1],))]
    wanted = {2: (SLIDES, VIDEO), 3: (SLIDES, VIDEO), 4: (SLIDES,)}

    call(app, lambda c: add_files(c, DEMO_EVENT_ID, wanted, outcomes, remote))

    assert files_in_sandbox(app) == {
        "NEW": [SLIDES[1], VIDEO[1]],
        "OLD": [SLIDES[1], VIDEO[1]],
        "FAIL": [],
    }
    assert outcomes[2].message == "Created. 2 links added as session files."
    assert outcomes[3].message == "1 link added as session files."
    assert outcomes[4].message == "Zuddl refused."


def test_a_session_that_has_every_link_costs_no_call() -> None:
    app = sandbox_app()
    session_id = created(app, "OLD")
    call(app, lambda c: c.add_files(DEMO_EVENT_ID, session_id, [SLIDES]))
    posts = app.state.stats.requests.copy()
    outcomes = {2: Outcome(2, Status.UPDATED, session_id, message="Updated.")}
    remote = [RemoteSession(session_id, "OLD", files=(SLIDES[1],))]

    call(app, lambda c: add_files(c, DEMO_EVENT_ID, {2: (SLIDES,)}, outcomes, remote))

    assert app.state.stats.requests == posts
    assert outcomes[2].message == "Updated."
    assert files_in_sandbox(app) == {"OLD": [SLIDES[1]]}


def test_a_refused_post_is_said_on_the_row() -> None:
    app = sandbox_app()
    missing = "5a2db0c5-de30-4e7e-8a1d-00000000abcd"
    outcomes = {2: Outcome(2, Status.UPDATED, missing)}
    call(app, lambda c: add_files(c, DEMO_EVENT_ID, {2: (SLIDES,)}, outcomes, []))
    assert outcomes[2].message == (
        "Links not added: sessionId no session with this ID in the event."
    )
    assert stored(app) == []


def test_the_note_before_sending_counts_only_new_links() -> None:
    remote = [RemoteSession("S-1", "OLD", files=(SLIDES[1],))]
    wanted = {2: (SLIDES, VIDEO), 3: (SLIDES,)}
    assert files_note(wanted, {2: "s-1"}, remote) == ["Links: 2 to add as session files."]
    assert files_note({2: (SLIDES,)}, {2: "S-1"}, remote) == []
