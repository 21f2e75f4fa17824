"""The send step of a run: held back (problems, the safety limit) or dispatched, then the
run's own check for duplicates. Fills the outcomes the runner started from."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from importer.errors import ImporterError, SafetyStop
from importer.plan.build import Plan
from importer.plan.outcomes import hold
from importer.plan.status import Outcome, Status
from importer.read.table import Table
from importer.settings.config import Settings
from importer.sync.client import ZuddlClient
from importer.sync.dispatch import Dispatcher, Progress, Verification
from importer.sync.event import EventState
from importer.sync.journal import Journal


class Sending:
    """The send step: held back (problems, safety limit) or dispatched; fills ``outcomes``."""

    def __init__(
        self,
        settings: Settings,
        table: Table,
        plan: Plan,
        warnings: Mapping[int, str],
        outcomes: dict[int, Outcome],
        *,
        progress: Progress | None = None,
        verification: Verification | None = None,
    ) -> None:
        self.settings, self.table, self.plan = settings, table, plan
        self.progress, self.verification = progress, verification
        self.warnings, self.outcomes = warnings, outcomes
        self.stopped: ImporterError | None = None
        self.interrupted = False
        self.created_any = False

    async def send(self, client: ZuddlClient, state: EventState, journal: Journal | None) -> None:
        settings, plan, outcomes = self.settings, self.plan, self.outcomes
        assert settings.event_id is not None
        pending = [step.draft.row for step in plan.steps]
        changes = len(plan.steps)
        limit = settings.change_limit(len(self.table.rows))
        if plan.errors and not settings.skip_invalid:
            count = len(plan.invalid_rows)
            hold(
                outcomes,
                pending,
                self.warnings,
                f"Nothing was sent because {count} row{'s' * (count != 1)} "
                f"{'have' if count != 1 else 'has'} problems. Fix them, or run with "
                "--skip-invalid.",
            )
            return
        if limit is not None and changes > limit:
            self.stopped = SafetyStop(
                f"The plan makes {changes} changes ({plan.count('create')} creates, "
                f"{plan.count('update')} updates), more than --max-changes "
                f"{settings.max_changes} allows ({limit}). Nothing was sent. Check "
                "the sheet, then raise the limit if the changes are intended."
            )
            hold(
                outcomes,
                pending,
                self.warnings,
                "Not sent: the safety limit (--max-changes) stopped the run.",
            )
            return
        verification = self.verification or Verification(grace_s=settings.lookup_grace_s)
        sent, self.stopped, self.interrupted = await Dispatcher(
            plan,
            client,
            settings.event_id,
            concurrency=settings.concurrency,
            naming=state.naming,
            journal=journal,
            progress=self.progress,
            verification=verification,
            send_capacity=not state.virtual,
            known_ids=state.known_ids,
        ).run()
        self.created_any = any(s.action == "create" for s in plan.steps if s.draft.row in sent)
        for row, outcome in sent.items():
            # What the row was warned about still matters after it was sent.
            warning = self.warnings.get(row, "")
            if warning and warning not in outcome.message:
                outcome = dataclasses.replace(
                    outcome, message=f"{outcome.message} {warning}".strip()
                )
            outcomes[row] = outcome
        unsent = [row for row in pending if row not in sent]
        hold(outcomes, unsent, self.warnings, "Not sent: the run stopped first.")


async def duplicates(
    client: ZuddlClient, settings: Settings, plan: Plan, outcomes: dict[int, Outcome]
) -> list[str]:
    """The run checks its own work: one more listing, and every reference of this sheet
    that Zuddl now holds more than once is reported on its row (exit 1)."""
    assert settings.event_id is not None
    try:
        listed = await client.list_sessions(settings.event_id, expected=len(plan.references))
    except ImporterError as exc:
        return [f"The final check of the event could not be made: {exc.message}"]
    held: dict[str, list[str]] = {}
    for session in listed.sessions:
        if session.reference_id:
            held.setdefault(session.reference_id, []).append(session.id)
    notes = []
    for row, ref in sorted(plan.references.items()):
        ids = held.get(ref, [])
        if len(ids) < 2:
            continue
        message = (
            f'Zuddl now holds {len(ids)} sessions with reference ID "{ref}" '
            f"({', '.join(ids)}): keep one and delete the others in Zuddl."
        )
        if row in outcomes:
            old = outcomes[row]
            outcomes[row] = dataclasses.replace(
                old, status=Status.FAILED, message=f"{old.message} {message}".strip()
            )
        notes.append(f"Row {row}: {message}")
    return notes
