"""Linking sessions to their speakers, once the sessions exist.

A speakers column names people; Zuddl links them by the IDs of its own speakers, which only the
(undocumented) speakers list gives. So: names are resolved before planning (an unknown speaker
is a warning on its cell, never a reason to hold the row), and after the sessions are sent each
one gets the difference between the sheet's speakers and Zuddl's: one call per session that
changed (two when links both go and come, or change places: see ``plan.speakerchanges``), none
for one that did not.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from importer.check.columns import ColumnMap
from importer.check.drafts import Mapped, Problem, Severity
from importer.check.speakers import EventSpeaker, Roster, event_speakers, name_key
from importer.plan.build import Plan
from importer.plan.remote import RemoteSession
from importer.plan.speakerchanges import SpeakerChange, speaker_change, speaker_name
from importer.plan.status import Outcome, Status

if TYPE_CHECKING:  # only for annotations: reading cells never loads the HTTP client
    from importer.sync.client import ZuddlClient

NO_LIST = "Speakers not linked: the API has no speakers list."
LINKED = (Status.CREATED, Status.UPDATED, Status.UNCHANGED)


@dataclass
class SpeakerLinks:
    """Each row's speakers as the event's speakers, in the sheet's order."""

    roster: Roster | None  # None: the event's speakers cannot be listed
    wanted: dict[int, tuple[EventSpeaker, ...]] = field(default_factory=dict)
    unknown: dict[str, list[int]] = field(default_factory=dict)  # name -> rows
    missing: dict[int, tuple[str, ...]] = field(default_factory=dict)  # row -> names not found

    def known(self) -> dict[str, EventSpeaker]:
        """The event's speakers by ID: a removed link is named, not shown as an ID."""
        return {s.id: s for s in self.roster.speakers} if self.roster is not None else {}

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
    mapped: Mapped,
    roster: Roster | None,
    unknown: Severity = "warning",
    cells: Mapping[int, Sequence[object]] | None = None,
) -> tuple[Mapped, SpeakerLinks]:
    """The rows' speakers looked up; an unknown one is a warning on its cell (or, when asked
    with ``unknown_speakers = "error"``, an error that holds the row). ``cells``: each row's
    values, to name the speakers column that holds the name when there are several."""
    links = SpeakerLinks(roster)
    problems: list[Problem] = []
    cols = mapped.columns
    for draft in mapped.drafts:
        if draft.speakers is None:  # no speakers column: Zuddl's are left alone
            continue
        if roster is None:
            if draft.speakers:
                links.wanted[draft.row] = ()
                links.missing[draft.row] = draft.speakers
            continue
        found: list[EventSpeaker] = []
        for entry in draft.speakers:
            match = roster.find(entry)
            if match.speaker is not None:
                if match.speaker not in found:
                    found.append(match.speaker)
                continue
            links.unknown.setdefault(entry, []).append(draft.row)
            links.missing[draft.row] = (*links.missing.get(draft.row, ()), entry)
            hint = f" {match.hint}" if match.hint else ""
            header, cell = _column_of(cols, (cells or {}).get(draft.row, ()), entry, draft.row)
            problems.append(
                Problem(
                    draft.row,
                    header,
                    entry,
                    f'"{entry}" is not a speaker of this event, so it is not linked.{hint} '
                    "Add the speaker in Zuddl, then run again.",
                    unknown,
                    cell,
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


def _column_of(
    cols: ColumnMap, values: Sequence[object], entry: str, row: int
) -> tuple[str, str | None]:
    """The speakers column (header, cell) whose cell names ``entry``; else the first one."""
    words = set(name_key(entry).split())
    for i in cols.all_of("speakers"):
        value = values[i] if i < len(values) else None
        if isinstance(value, str) and words <= set(name_key(value).split()):
            return cols.headers[i], f"{cols.letters[i]}{row}" if cols.letters else None
    return cols.header("speakers"), cols.cell("speakers", row)


def planned_changes(
    links: SpeakerLinks, plan: Plan, remote: Sequence[RemoteSession]
) -> dict[int, SpeakerChange]:
    """Before sending: the speaker changes each row will make (a session to create has no
    speakers yet; a row held back makes none)."""
    if links.roster is None:
        return {}
    current = {s.id.lower(): s.speakers for s in remote}
    session_of = sessions_of(plan)
    known = links.known()
    result = {}
    for row, wanted in links.wanted.items():
        if row in plan.invalid_rows or row in plan.skipped:
            continue
        sid = session_of.get(row)
        change = speaker_change(row, wanted, current.get(sid.lower(), ()) if sid else (), known)
        if change.calls:
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
    added = sum(len(c.new) for c in changes.values())
    removed = sum(len(c.dropped) for c in changes.values())
    moved = sum(1 for c in changes.values() if c.reordered)
    calls = sum(c.calls for c in changes.values())
    count = len(changes)
    order = f", {moved} in a new order" if moved else ""
    return [
        f"Speakers: {count} session{'s' if count != 1 else ''} to change ({added} "
        f"link{'s' if added != 1 else ''} to add, {removed} to remove{order}; "
        f"{calls} call{'s' if calls != 1 else ''})."
    ]


async def link_speakers(
    client: ZuddlClient,
    event_id: str,
    links: SpeakerLinks,
    changes: Mapping[int, SpeakerChange],
    outcomes: dict[int, Outcome],
) -> frozenset[int]:
    """After sending: the plan's speaker changes made on the sessions that were sent; each
    row's outcome says so. Returns the rows whose change was refused."""
    if links.roster is None:
        for row in links.wanted:
            _say(outcomes, row, NO_LIST)
        return frozenset()
    gate = asyncio.Semaphore(4)
    failures: set[int] = set()

    async def one(change: SpeakerChange) -> None:
        outcome = outcomes.get(change.row)
        if outcome is None or outcome.status not in LINKED or outcome.session_id is None:
            return
        async with gate:
            failed = await _send(client, event_id, outcome.session_id, change)
        if failed:
            failures.add(change.row)
            _say(outcomes, change.row, f"Speakers not linked: {failed}.")
        else:
            _say(outcomes, change.row, _changed_text(change))

    await asyncio.gather(*(one(change) for change in changes.values()))
    return frozenset(failures)


def fill_speakers(
    outcomes: dict[int, Outcome],
    links: SpeakerLinks,
    linked: Collection[Status],
    failed: Collection[int] = (),
) -> None:
    """The results' "Speakers linked" and "Speakers not found" of every row: linked only for
    rows whose session has (or, in a dry run, would have) the sheet's speakers."""
    for row, outcome in outcomes.items():
        wanted = links.wanted.get(row, ())
        shown = outcome.status in linked and row not in failed
        names = tuple(speaker_name(s) for s in wanted) if shown else ()
        missing = links.missing.get(row, ())
        if names or missing:
            outcomes[row] = dataclasses.replace(
                outcome, speakers_linked=names, speakers_not_found=missing
            )


async def _send(
    client: ZuddlClient, event_id: str, session_id: str, change: SpeakerChange
) -> str | None:
    """The links that go, then those that come: the contract has no call that does both."""
    if change.remove:
        items: list[dict[str, Any]] = [{"speakerId": s.id} for s in change.remove]
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
    if change.new:
        parts.append("Speakers linked: " + ", ".join(speaker_name(s) for s in change.new) + ".")
    if change.dropped:
        count = len(change.dropped)
        parts.append(f"{count} speaker link{'s' if count != 1 else ''} removed.")
    if change.reordered:
        parts.append("Speakers put in the sheet's order.")
    return " ".join(parts)


def _say(outcomes: dict[int, Outcome], row: int, text: str) -> None:
    outcome = outcomes.get(row)
    if outcome is not None:
        message = f"{outcome.message} {text}".strip()
        outcomes[row] = dataclasses.replace(outcome, message=message)
