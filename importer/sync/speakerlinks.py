"""Linking sessions to their speakers, once the sessions exist.

A speakers column names people; Zuddl links them by the IDs of its own speakers, which only the
(undocumented) speakers list gives. So: names are resolved before planning (an unknown speaker
is a warning on its cell, never a reason to hold the row), and after the sessions are sent each
one gets the difference between the sheet's speakers and Zuddl's: at most one DELETE and one
POST per session that changed, none for one that did not.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from importer.check.drafts import Mapped, Problem, Severity
from importer.check.speakers import EventSpeaker, Roster, event_speakers
from importer.plan.build import Plan
from importer.plan.remote import RemoteSession
from importer.plan.status import Outcome, Status

if TYPE_CHECKING:  # only for annotations: reading cells never loads the HTTP client
    from importer.sync.client import ZuddlClient

NO_LIST = "Speakers not linked: the API has no speakers list."
_LINKED = (Status.CREATED, Status.UPDATED, Status.UNCHANGED)


@dataclass
class SpeakerLinks:
    """Each row's speakers as the event's speakers, in the sheet's order."""

    roster: Roster | None  # None: the event's speakers cannot be listed
    wanted: dict[int, tuple[EventSpeaker, ...]] = field(default_factory=dict)
    unknown: dict[str, list[int]] = field(default_factory=dict)  # name -> rows

    def notes(self) -> list[str]:
        if self.roster is None:
            return [NO_LIST] if self.wanted or self.unknown else []
        if not self.unknown:
            return []
        count = len(self.unknown)
        names = ", ".join(f'"{n}"' for n in list(self.unknown)[:20])
        more = f" and {count - 20} more" if count > 20 else ""
        return [
            f"{count} speaker{'s are' if count != 1 else ' is'} not in the event: add "
            f"{'them' if count != 1 else 'it'} in Zuddl, then run again ({names}{more})."
        ]


async def read_roster(client: ZuddlClient, event_id: str) -> Roster | None:
    items = await client.list_speakers(event_id)
    return None if items is None else Roster(event_speakers(items))


def resolve_speakers(
    mapped: Mapped, roster: Roster | None, unknown: Severity = "warning"
) -> tuple[Mapped, SpeakerLinks]:
    """The rows' speakers looked up; an unknown one is a warning on its cell (or, when asked
    with ``unknown_speakers = "error"``, an error that holds the row)."""
    links = SpeakerLinks(roster)
    problems: list[Problem] = []
    cols = mapped.columns
    for draft in mapped.drafts:
        if draft.speakers is None:  # no speakers column: Zuddl's are left alone
            continue
        if roster is None:
            if draft.speakers:
                links.wanted[draft.row] = ()
            continue
        found: list[EventSpeaker] = []
        for entry in draft.speakers:
            match = roster.find(entry)
            if match.speaker is not None:
                if match.speaker not in found:
                    found.append(match.speaker)
                continue
            links.unknown.setdefault(entry, []).append(draft.row)
            hint = f" {match.hint}" if match.hint else ""
            problems.append(
                Problem(
                    draft.row,
                    cols.header("speakers"),
                    entry,
                    f'"{entry}" is not a speaker of this event, so it is not linked.{hint} '
                    "Add the speaker in Zuddl, then run again.",
                    unknown,
                    cols.cell("speakers", draft.row),
                    "unknown_speaker",
                )
            )
        links.wanted[draft.row] = tuple(found)
    if problems:
        held = frozenset(p.row for p in problems if p.severity == "error" and p.row is not None)
        mapped = dataclasses.replace(
            mapped,
            drafts=tuple(d for d in mapped.drafts if d.row not in held),
            problems=mapped.problems + tuple(problems),
            invalid_rows=mapped.invalid_rows | held,
        )
        for row in held:
            links.wanted.pop(row, None)
    return mapped, links


@dataclass(frozen=True)
class SpeakerChange:
    row: int
    add: tuple[EventSpeaker, ...]  # posted in this order, speakerOrder from the sheet
    orders: tuple[int, ...]
    remove: tuple[str, ...]  # speaker IDs


def speaker_change(
    row: int, wanted: Sequence[EventSpeaker], current: Sequence[str]
) -> SpeakerChange:
    """What turns Zuddl's speakers (``current``) into the sheet's, in the sheet's order."""
    ids = [s.id for s in wanted]
    remove = tuple(c for c in current if c not in ids)
    kept = [c for c in current if c in ids]
    start = len(kept) if kept == ids[: len(kept)] else 0  # out of order: all posted again
    return SpeakerChange(row, tuple(wanted[start:]), tuple(range(start + 1, len(ids) + 1)), remove)


def planned_changes(
    links: SpeakerLinks, plan: Plan, remote: Sequence[RemoteSession]
) -> dict[int, SpeakerChange]:
    """Before sending: the speaker changes each row will make (a created session has none)."""
    current = {s.id.lower(): s.speakers for s in remote}
    session_of = sessions_of(plan)
    result = {}
    for row, wanted in links.wanted.items():
        sid = session_of.get(row)
        change = speaker_change(row, wanted, current.get(sid.lower(), ()) if sid else ())
        if change.add or change.remove:
            result[row] = change
    return result


def sessions_of(plan: Plan) -> dict[int, str]:
    """Row -> the session it matched in Zuddl (rows to create have none yet)."""
    found = {n: sid for n, (sid, _) in plan.unchanged.items()}
    found.update({s.draft.row: s.session_id for s in plan.steps if s.session_id})
    return found


def plan_note(changes: Mapping[int, SpeakerChange]) -> list[str]:
    if not changes:
        return []
    added = sum(len(c.add) for c in changes.values())
    removed = sum(len(c.remove) for c in changes.values())
    count = len(changes)
    return [
        f"Speakers: {count} session{'s' if count != 1 else ''} to change ({added} "
        f"link{'s' if added != 1 else ''} to add, {removed} to remove)."
    ]


async def link_speakers(
    client: ZuddlClient,
    event_id: str,
    links: SpeakerLinks,
    outcomes: dict[int, Outcome],
    remote: Sequence[RemoteSession],
) -> None:
    """After sending: each session's speakers made the sheet's; each row's outcome says so."""
    if links.roster is None:
        for row in links.wanted:
            _say(outcomes, row, NO_LIST)
        return
    current = {s.id.lower(): s.speakers for s in remote}
    gate = asyncio.Semaphore(4)

    async def one(row: int, wanted: tuple[EventSpeaker, ...]) -> None:
        outcome = outcomes.get(row)
        if outcome is None or outcome.status not in _LINKED or outcome.session_id is None:
            return
        sid = outcome.session_id.lower()
        change = speaker_change(
            row, wanted, () if outcome.status == Status.CREATED else current.get(sid, ())
        )
        async with gate:
            failed = await _send(client, event_id, outcome.session_id, change)
        if failed:
            _say(outcomes, row, f"Speakers not linked: {failed}.")
        elif change.add or change.remove:
            _say(outcomes, row, _changed_text(change))

    await asyncio.gather(*(one(row, wanted) for row, wanted in links.wanted.items()))


async def _send(
    client: ZuddlClient, event_id: str, session_id: str, change: SpeakerChange
) -> str | None:
    if change.remove:
        items: list[dict[str, Any]] = [{"speakerId": i} for i in change.remove]
        failed = await client.change_speakers(event_id, session_id, items, add=False)
        if failed:
            return failed
    if change.add:
        items = [
            {"speakerId": s.id, "speakerOrder": order}
            for s, order in zip(change.add, change.orders, strict=True)
        ]
        return await client.change_speakers(event_id, session_id, items, add=True)
    return None


def _changed_text(change: SpeakerChange) -> str:
    parts = []
    if change.add:
        parts.append(
            "Speakers linked: " + ", ".join(s.name or s.email or s.id for s in change.add) + "."
        )
    if change.remove:
        parts.append(
            f"{len(change.remove)} speaker link{'s' if len(change.remove) != 1 else ''} removed."
        )
    return " ".join(parts)


def _say(outcomes: dict[int, Outcome], row: int, text: str) -> None:
    outcome = outcomes.get(row)
    if outcome is not None:
        message = f"{outcome.message} {text}".strip()
        outcomes[row] = dataclasses.replace(outcome, message=message)
