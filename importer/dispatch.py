"""Sending a plan: a child goes as soon as its own parent exists; unanswered creates are
looked up, never blindly repeated."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from importer.client import ZuddlClient
from importer.errors import ImporterError
from importer.journal import Journal
from importer.plan import Plan, Step
from importer.results import Outcome, Status
from importer.wire import session_body

log = logging.getLogger("zuddl_import")
Progress = Callable[[Outcome], None]


@dataclass(frozen=True)
class Verification:
    """When to look up creates whose answer was lost (all of them in one listing)."""

    min_age_s: float = 1.0  # give a slow server time to finish what it was doing
    batch: int = 50  # or as soon as this many are waiting
    max_wait_s: float = 5.0  # or when the oldest has waited this long
    tries: int = 8  # sends of one create, at most


class Dispatcher:
    def __init__(
        self,
        plan: Plan,
        client: ZuddlClient,
        event_id: str,
        *,
        concurrency: int,
        journal: Journal | None = None,
        progress: Progress | None = None,
        verification: Verification = Verification(),
    ) -> None:
        self.plan, self.client, self.event_id = plan, client, event_id
        self.concurrency, self.journal, self.progress = concurrency, journal, progress
        self.verification = verification
        self.queue: asyncio.Queue[Step] = asyncio.Queue()
        self.children: defaultdict[int, list[Step]] = defaultdict(list)
        self.outcomes: dict[int, Outcome] = {}
        self.created: dict[int, str] = {}
        self.unknown: list[tuple[Step, float]] = []
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

    async def done(
        self, step: Step, session_id: str, status: int | None, message: str = ""
    ) -> None:
        draft = step.draft
        if self.journal is not None:  # fsync off the event loop: it blocks for a while
            await asyncio.to_thread(
                self.journal.record, draft.row, draft.reference_id, step.action, session_id
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

    async def send(self, step: Step) -> None:
        body = session_body(step.draft, self.parent_id(step), self.client.reference_field)
        if step.action == "update":
            assert step.session_id is not None
            result = await self.client.update_session(self.event_id, step.session_id, body)
        else:
            self.sends[step.draft.row] += 1
            result = await self.client.create_session(self.event_id, body)
            if result.outcome_unknown:
                self.unknown.append((step, time.monotonic()))
                return
        if result.session_id is not None:
            await self.done(step, result.session_id, result.status)
        else:
            self.fail(step, result.status, result.message)

    async def worker(self) -> None:
        while not self.finished.is_set():
            step = await self.queue.get()
            self.busy += 1
            try:
                await self.send(step)
            except ImporterError as exc:  # unreachable or refused: stop the whole run
                self.stopped = self.stopped or exc
                self.finished.set()
            finally:
                self.busy -= 1

    async def verifier(self) -> None:
        rule = self.verification
        while not self.finished.is_set():
            await asyncio.sleep(0.05)
            if not self.unknown:
                continue
            oldest = time.monotonic() - self.unknown[0][1]
            idle = self.queue.empty() and self.busy == 0
            if not (idle or len(self.unknown) >= rule.batch or oldest >= rule.max_wait_s):
                continue
            youngest = time.monotonic() - self.unknown[-1][1]
            if youngest < rule.min_age_s:
                await asyncio.sleep(rule.min_age_s - youngest)
            batch, self.unknown = self.unknown, []
            try:
                remote = {
                    s.reference_id: s.id
                    for s in await self.client.list_sessions(
                        self.event_id, expected=len(self.plan.references)
                    )
                }
            except ImporterError as exc:
                self.stopped = self.stopped or exc
                self.finished.set()
                return
            for step, _ in batch:
                found = remote.get(step.draft.reference_id)
                if found is not None:
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
                        f"Zuddl did not answer this create "
                        f"{rule.tries} times and the session is not there. Run the "
                        "import again later.",
                    )

    async def run(self) -> tuple[dict[int, Outcome], ImporterError | None, bool]:
        for step in self.plan.steps:
            if step.parent_row is None:
                self.queue.put_nowait(step)
            else:
                self.children[step.parent_row].append(step)
        if not self.plan.steps:
            self.finished.set()
        tasks = [asyncio.create_task(self.worker()) for _ in range(self.concurrency)]
        tasks.append(asyncio.create_task(self.verifier()))
        interrupted = False
        try:
            await self.finished.wait()
        except asyncio.CancelledError:  # Ctrl-C: stop dispatching, let requests in flight end
            interrupted = True
            self.finished.set()
            deadline = time.monotonic() + 15
            while self.busy and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        for step, _ in self.unknown:  # stopped before they could be looked up
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
