"""What a run does besides the sessions' own fields: the sessions' speakers and links.

Both are planned once the plan is known (speaker changes counted as calls, links not yet on
the sessions) and made once the sessions exist; the runner only calls these two.
"""

from __future__ import annotations

import dataclasses

from importer.check.drafts import Mapped
from importer.check.sessionfiles import File
from importer.plan.build import Plan
from importer.plan.status import Outcome
from importer.sync.client import ZuddlClient
from importer.sync.event import EventState
from importer.sync.filelinks import add_files, files_note
from importer.sync.speakerlinks import (
    SpeakerLinks,
    link_speakers,
    plan_note,
    planned_changes,
    sessions_of,
)


def beside_sessions(
    plan: Plan,
    mapped: Mapped,
    links: SpeakerLinks | None,
    state: EventState | None,
    notes: list[str],
) -> tuple[Plan, dict[int, tuple[File, ...]]]:
    """The plan with its speaker changes, each row's links, and the notes on both (and on
    derived reference IDs): what the run does besides the sessions' own fields."""
    if plan.derived:
        count = len(plan.derived)
        notes.append(
            f"{count} row{'s have' if count != 1 else ' has'} no reference ID; IDs made from "
            "title and start are used (column Reference ID Used of the results). Copy them into "
            "the sheet so later runs still match these sessions when a title or time changes."
        )
    if links is not None and state is not None:
        plan = dataclasses.replace(plan, speakers=planned_changes(links, plan, state.remote))
        notes.extend(plan_note(plan.speakers))
    files = {d.row: d.files for d in mapped.drafts if d.files}
    if files and state is not None:
        notes.extend(files_note(files, sessions_of(plan), state.remote))
    return plan, files


async def attach(
    client: ZuddlClient,
    event_id: str,
    plan: Plan,
    links: SpeakerLinks | None,
    files: dict[int, tuple[File, ...]],
    outcomes: dict[int, Outcome],
    state: EventState,
) -> frozenset[int]:
    """After sending: the sessions' speakers linked and links added; the rows whose speaker
    change was refused."""
    failed: frozenset[int] = frozenset()
    if links is not None:
        failed = await link_speakers(client, event_id, links, plan.speakers, outcomes)
    if files:
        await add_files(client, event_id, files, outcomes, state.remote)
    return failed
