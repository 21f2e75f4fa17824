"""A session's links sent as its files in Zuddl, after the sessions themselves are sent.

There is no call to remove a file, so a re-run adds only the addresses the session does not
have yet and never takes any away. The cells are read by importer.check.sessionfiles.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from importer.check.sessionfiles import File
from importer.plan.remote import RemoteSession
from importer.plan.status import Outcome, Status

if TYPE_CHECKING:  # only for annotations: the plan's notes never load the HTTP client
    from importer.sync.client import ZuddlClient

_LINKED = (Status.CREATED, Status.UPDATED, Status.UNCHANGED)


def new_files(wanted: Sequence[File], current: Iterable[str]) -> list[File]:
    have = set(current)
    return [(n, u) for n, u in wanted if u not in have]


async def add_files(
    client: ZuddlClient,
    event_id: str,
    wanted: dict[int, tuple[File, ...]],
    outcomes: dict[int, Outcome],
    remote: Sequence[RemoteSession],
) -> None:
    """After sending: each session gets the links it does not have yet, in one call."""
    current = {s.id.lower(): s.files for s in remote}
    gate = asyncio.Semaphore(4)

    async def one(row: int, files: tuple[File, ...]) -> None:
        outcome = outcomes.get(row)
        if outcome is None or outcome.status not in _LINKED or outcome.session_id is None:
            return
        have = (
            () if outcome.status == Status.CREATED else current.get(outcome.session_id.lower(), ())
        )
        missing = new_files(files, have)
        if not missing:
            return
        async with gate:
            failed = await client.add_files(event_id, outcome.session_id, missing)
        count = len(missing)
        text = (
            f"Links not added: {failed}."
            if failed
            else f"{count} link{'s' if count != 1 else ''} added as session files."
        )
        outcomes[row] = dataclasses.replace(outcome, message=f"{outcome.message} {text}".strip())

    await asyncio.gather(*(one(row, files) for row, files in wanted.items() if files))


def files_note(
    wanted: dict[int, tuple[File, ...]], sessions: dict[int, str], remote: Sequence[RemoteSession]
) -> list[str]:
    """Before sending: how many links will be added (rows without a session get all theirs)."""
    current = {s.id.lower(): s.files for s in remote}
    count = sum(
        len(new_files(files, current.get(sessions[row].lower(), ()) if row in sessions else ()))
        for row, files in wanted.items()
    )
    return [f"Links: {count} to add as session files."] if count else []
