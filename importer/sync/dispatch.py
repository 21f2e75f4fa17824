"""Sending a plan: a child goes as soon as its own parent exists; unanswered creates are
parked and looked up once they can no longer commit, never blindly repeated.

The reference field's name is verified here too: until the event's own sessions have shown
it, the first create is sent alone and its answer read (``naming.py``), and every later
create's answer must carry the reference back, or the run stops before it duplicates.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from importer.errors import ImporterError
from importer.plan.build import Plan, Step, wanted
from importer.plan.status import Outcome, Status
from importer.sync.answers import WriteResult
from importer.sync.client import ZuddlClient
from importer.sync.journal import Journal
from importer.sync.naming import Naming, ReferenceNotKept
from importer.sync.wire import session_body, with_kept

log = logging.getLogger("zuddl_import")
Progress = Callable[[Outcome], None]


@dataclass(frozen=True)
class Verification:
    """When creates whose answer was lost are looked up (all of them in one listing)."""

    # A gateway may answer 504 while the backend still commits: a look-up sooner than this
    # could miss a session that is about to exist, and the create would be sent twice.
    grace_s: float = 30.0
    tries: int = 8  # sends of one create, at most


class Dispatcher:
    def __init__(
        self,
        plan: Plan,
        client: ZuddlClient,
        event_id: str,
        *,
        concurrency: int,
        naming: Naming,
        journal: Journal | None = None,
        progress: Progress | None = None,
        verification: Verification = Verification(),
        send_capacity: bool = True,
        known_ids: frozenset[str] = frozenset(),  # sessions listed before the run, lower case
    ) -> None:
        self.known_ids = known_ids
        self.plan, self.client, self.event_id = plan, client, event_id
        self.concurrency, self.journal, self.progress = concurrency, journal, progress
        self.naming, self.verification, self.send_capacity = naming, verification, send_capacity
        self.queue: asyncio.Queue[Step] = asyncio.Queue()
        self.children: defaultdict[int, list[Step]] = defaultdict(list)
        self.outcomes: dict[int, Outcome] = {}
        self.created: dict[int, str] = {}
        self.parked: list[tuple[Step, float]] = []
        self.sends: Counter[int] = Counter()
        self.busy = 0
        self.finished = asyncio.Event()
        self.stopped: ImporterError | None = None

    def record(self, outcome: Outcome) -> None:
        self.outcomes[outcome.row] = outcome
        if outcome.status == Status.FAILED:
            log.warning(
                "row failed",
                extra={
                    "event": "row_failed",
                    "data": {
                        "row": outcome.row,
                        "reference": outcome.reference_id,
                        "http_status": outcome.http_status,
                        "message": outcome.message,
                    },
                },
            )
        if self.progress is not None:
            self.progress(outcome)
        if len(self.outcomes) == len(self.plan.steps):
            self.finished.set()

    def stop(self, error: ImporterError) -> None:
        self.stopped = self.stopped or error
        self.finished.set()

    async def done(
        self, step: Step, session_id: str, status: int | None, message: str = ""
    ) -> None:
        draft = step.draft
        if self.journal is not None:  # fsync off the event loop: it blocks for a while
            written = {**wanted(draft, self.parent_id(step)), **step.keep}
            await asyncio.to_thread(
                self.journal.record, draft.row, draft.reference_id, step.action, session_id, written
            )
        self.created[draft.row] = session_id
        kind = Status.CREATED if step.action == "create" else Status.UPDATED
        self.record(
            Outcome(
                draft.row,
                kind,
                session_id,
                self.parent_id(step),
                status,
                message,
                draft.reference_id,
            )
        )
        for child in self.children.pop(draft.row, []):
            self.queue.put_nowait(child)

    def fail(self, step: Step, status: int | None, message: str) -> None:
        draft = step.draft
        self.record(
            Outcome(
                draft.row,
                Status.FAILED,
                step.session_id,
                self.parent_id(step),
                status,
                message,
                draft.reference_id,
            )
        )
        self.skip_below(draft.row)

    def skip_below(self, row: int) -> None:
        for child in self.children.pop(row, []):
            self.record(
                Outcome(
                    child.draft.row,
                    Status.SKIPPED,
                    reference_id=child.draft.reference_id,
                    message=f"Not sent: its parent (row {row}) was not created.",
                )
            )
            self.skip_below(child.draft.row)

    def parent_id(self, step: Step) -> str | None:
        if step.parent_row is not None:
            return self.created.get(step.parent_row)
        return step.parent_session_id

    def body(self, step: Step, name: str) -> dict[str, object]:
        body = session_body(
            step.draft, self.parent_id(step), name, send_capacity=self.send_capacity
        )
        return with_kept(body, step.keep) if step.keep else body

    async def create(self, step: Step) -> WriteResult:
        self.sends[step.draft.row] += 1
        if self.journal is not None:
            self.journal.intend(step.draft.row, step.draft.reference_id)
        return await self.client.create_session(self.event_id, self.body(step, self.naming.name))

    async def send(self, step: Step) -> None:
        if step.action == "update":
            assert step.session_id is not None
            body = self.body(step, self.naming.name)
            result = await self.client.update_session(self.event_id, step.session_id, body)
        else:
            result = await self.create(step)
            if result.outcome_unknown:
                self.parked.append((step, time.monotonic()))
                return
            if result.session_id is not None:
                self.naming.check_answer(step.draft, result)
        if result.session_id is not None:
            await self.done(step, result.session_id, result.status)
            return
        if step.action == "create" and self.journal is not None:
            self.journal.refused(step.draft.row, step.draft.reference_id)
        self.fail(step, result.status, result.message)

    async def probe(self, step: Step) -> None:
        """The first create, alone, while the reference field's name is still a guess."""
        result = await self.create(step)
        # A 400 naming our field (never an unanswered create) created nothing: the other name.
        if result.session_id is None and self.naming.refused(result):
            result = await self.create(step)
        if result.outcome_unknown:
            self.parked.append((step, time.monotonic()))
            await self.look_up(wait=True)
            return
        if result.session_id is None:
            if self.journal is not None:
                self.journal.refused(step.draft.row, step.draft.reference_id)
            self.fail(step, result.status, result.message)
            return

        async def repair(session_id: str) -> WriteResult:
            # The reference again, under the name the answer revealed (a PUT: idempotent).
            body = self.body(step, self.naming.name)
            return await self.client.update_session(self.event_id, session_id, body)

        session_id = await self.naming.learn(step.draft, result, repair)
        await self.done(step, session_id, result.status)

    async def worker(self) -> None:
        while not self.finished.is_set():
            step = await self.queue.get()
            self.busy += 1
            try:
                await self.send(step)
            except ReferenceNotKept as exc:
                await self.done(step, exc.session_id, None, exc.message)
                self.stop(exc)
            except ImporterError as exc:  # unreachable, refused or quota: stop the whole run
                self.stop(exc)
            except Exception as exc:
                log.exception("unexpected error", extra={"event": "row_error", "data": {}})
                self.fail(step, None, _unexpected(exc))
            finally:
                self.busy -= 1

    async def look_up(self, *, wait: bool = False) -> None:
        """List the event once for every parked create: found ones are done, the others are
        sent again (a bounded number of times). Only once each is ``grace_s`` old."""
        rule = self.verification
        youngest = time.monotonic() - self.parked[-1][1]
        if youngest < rule.grace_s:
            if not wait:
                return
            await asyncio.sleep(rule.grace_s - youngest)
        batch, self.parked = self.parked, []
        listed = await self.client.list_sessions(self.event_id, expected=len(self.plan.steps))
        self.naming.learn_from_listing(listed)
        remote: dict[str | None, str] = {
            s.reference_id: s.id for s in listed.sessions if s.reference_id
        }
        for step, _ in batch:
            found = remote.get(step.draft.reference_id)
            orphan = None if found else self.naming.orphan(step.draft, listed, self.known_ids)
            if orphan is not None:
                error = self.naming.not_kept(step.draft, orphan, None)
                await self.done(step, orphan, None, error.message)
                self.stop(error)
            elif found is not None:
                await self.done(
                    step,
                    found,
                    None,
                    "Created; confirmed by looking it up after the answer was lost.",
                )
            elif self.sends[step.draft.row] < rule.tries:
                log.warning(
                    "create not found, sending again",
                    extra={
                        "event": "create_retry",
                        "data": {"row": step.draft.row, "reference": step.draft.reference_id},
                    },
                )
                self.queue.put_nowait(step)
            else:
                self.fail(
                    step,
                    None,
                    f"Zuddl did not answer this create {rule.tries} times and the session is "
                    "not there. Run the import again later.",
                )

    async def verifier(self) -> None:
        while not self.finished.is_set():
            await asyncio.sleep(0.05)
            idle = self.queue.empty() and self.busy == 0
            if not (self.parked and idle):
                continue
            try:
                await self.look_up()
            except ImporterError as exc:
                self.stop(exc)
            except Exception as exc:
                log.exception("unexpected error", extra={"event": "lookup_error", "data": {}})
                self.stop(ImporterError(_unexpected(exc)))

    async def run(self) -> tuple[dict[int, Outcome], ImporterError | None, bool]:
        roots = []
        for step in self.plan.steps:
            wait = step.parent_row if step.parent_row is not None else step.after_row
            if wait is None:
                roots.append(step)
            else:
                self.children[wait].append(step)
        if not self.plan.steps:
            self.finished.set()
        interrupted = False
        try:
            roots = await self.settle_name(roots)
            for step in roots:
                self.queue.put_nowait(step)
            interrupted = await self.drain()
        except asyncio.CancelledError:
            interrupted = True
        for step, _ in self.parked:  # stopped before they could be looked up
            self.record(
                Outcome(
                    step.draft.row,
                    Status.FAILED,
                    reference_id=step.draft.reference_id,
                    message="No answer from Zuddl before the run stopped; the next "
                    "run finds out whether it was created.",
                )
            )
        return self.outcomes, self.stopped, interrupted

    async def settle_name(self, roots: list[Step]) -> list[Step]:
        """Probe with first creates, one at a time, until the name is known or none is left."""
        remaining = list(roots)
        while not self.naming.confirmed and not self.finished.is_set():
            first = next((s for s in remaining if s.action == "create"), None)
            if first is None:
                break
            remaining.remove(first)
            try:
                await self.probe(first)
            except ReferenceNotKept as exc:
                await self.done(first, exc.session_id, None, exc.message)
                self.stop(exc)
            except ImporterError as exc:
                self.stop(exc)
            # A probe's children were queued by done(): they go with the rest.
            while not self.queue.empty():
                remaining.append(self.queue.get_nowait())
        return remaining

    async def drain(self) -> bool:
        """Run the workers until every step has an outcome or the run stops. Requests in
        flight when it stops (an error, Ctrl-C) are let finish, so what they did is recorded."""
        if len(self.outcomes) == len(self.plan.steps):
            self.finished.set()
        tasks = [asyncio.create_task(self.worker()) for _ in range(self.concurrency)]
        tasks.append(asyncio.create_task(self.verifier()))
        interrupted = False
        try:
            await self.finished.wait()
        except asyncio.CancelledError:  # Ctrl-C: stop dispatching
            interrupted = True
            self.finished.set()
        try:
            deadline = time.monotonic() + 15
            while self.busy and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
        except asyncio.CancelledError:  # a second Ctrl-C: stop waiting
            interrupted = True
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        return interrupted


def _unexpected(exc: Exception) -> str:
    return (
        f"Unexpected error while sending this row ({type(exc).__name__}); it is not known "
        "whether Zuddl has it. Run the import again: the next run finds out."
    )
