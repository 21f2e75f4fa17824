"""Which body field Zuddl keeps the reference ID under: learned and verified, never assumed.

Zuddl's docs show ``externalRefId`` in every example; the spec card says ``referenceId``; an
unknown body field may be dropped without a word. A wrong guess would be silent and every
re-run would duplicate the agenda, so the name is read off the event's own sessions when it
lists any, else off the answer to the first create (sent alone), and every later answer is
checked: a reference that does not come back stops the run.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from importer.check.drafts import Draft
from importer.errors import ApiError
from importer.plan.remote import format_utc
from importer.sync.answers import WriteResult
from importer.sync.wire import REFERENCE_NAMES, Listing, answered_reference

Repair = Callable[[str], Awaitable[WriteResult]]


class ReferenceNotKept(ApiError):
    """A session was created, but Zuddl did not keep its reference ID."""

    def __init__(self, message: str, session_id: str) -> None:
        super().__init__(message)
        self.session_id = session_id


class Naming:
    """The reference field's name for this run, and whether Zuddl has shown that it keeps it."""

    def __init__(self, setting: str, listed: Listing | None = None) -> None:
        self.pinned = setting != "auto"
        revealed = listed.reference_name() if listed is not None else None
        self.name = setting if self.pinned else (revealed or REFERENCE_NAMES[0])
        self.confirmed = listed is not None and self.name in listed.names_valued
        self.tried: set[str] = {self.name}
        self.notes: list[str] = []

    def other(self) -> str:
        return next(n for n in REFERENCE_NAMES if n != self.name)

    def learn_from_listing(self, listed: Listing) -> None:
        if self.confirmed:
            return
        revealed = listed.reference_name()
        if revealed is not None and revealed in listed.names_valued:
            self.name, self.confirmed = revealed, True

    def refused(self, result: WriteResult) -> bool:
        """A 400 naming our reference field: switch to the other name (nothing was created)."""
        if self.pinned or self.name not in result.refused_fields or self.other() in self.tried:
            return False
        self.notes.append(
            f'Zuddl refused the field "{self.name}", so the reference ID is sent as '
            f'"{self.other()}".'
        )
        self.name = self.other()
        self.tried.add(self.name)
        return True

    def check_answer(self, draft: Draft, result: WriteResult) -> None:
        """Every create's answer must carry the reference back."""
        if result.answer is None or result.session_id is None:
            return
        _, value = answered_reference(result.answer)
        if value != draft.reference_id:
            raise self.not_kept(draft, result.session_id, value)

    async def learn(self, draft: Draft, result: WriteResult, repair: Repair) -> str:
        """Read the first create's answer; repair the session under the other name if the
        answer shows that name's key. Returns the session ID."""
        assert result.session_id is not None and result.answer is not None
        name, value = answered_reference(result.answer)
        if value == draft.reference_id and name is not None:
            self.name, self.confirmed = name, True
            return result.session_id
        if value is None and name is not None and name != self.name and not self.pinned:
            sent = self.name
            self.name = name
            fixed = await repair(result.session_id)
            if fixed.answer is not None and answered_reference(fixed.answer)[1] == (
                draft.reference_id
            ):
                self.confirmed = True
                self.notes.append(
                    f'Zuddl keeps the reference ID as "{name}", not "{sent}": the first '
                    f"session (row {draft.row}) was repaired and the rest sent that way."
                )
                return result.session_id
        raise self.not_kept(draft, result.session_id, value)

    def orphan(self, draft: Draft, listed: Listing, known: frozenset[str]) -> str | None:
        """A session that is new since the run began, with this row's title and start but no
        reference: the create happened and Zuddl dropped the reference."""
        start = format_utc(draft.start)
        for session in listed.sessions:
            if (
                session.reference_id is None
                and session.id.lower() not in known
                and session.title == draft.title
                and session.start == start
            ):
                return session.id
        return None

    def not_kept(self, draft: Draft, session_id: str, value: str | None) -> ReferenceNotKept:
        shown = f'came back as "{value}"' if value else "did not come back"
        if self.pinned:
            fix = (
                f'Set reference_field = "auto" in the config (it is "{self.name}"), or run '
                "zuddl-import doctor --event ID to see what Zuddl keeps."
            )
        else:
            fix = (
                "Zuddl kept it neither as externalRefId nor as referenceId: run zuddl-import "
                "doctor --event ID and ask Zuddl support which field keeps it."
            )
        return ReferenceNotKept(
            f"Zuddl created the session of row {draft.row} (ID {session_id}), but its "
            f'reference ID "{draft.reference_id}" (sent as {self.name}) {shown}. Without it '
            "the next run could not find the session and would create it again, so nothing "
            f"more was sent. {fix}",
            session_id,
        )
