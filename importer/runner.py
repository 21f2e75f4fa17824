"""Running a plan against the API, and the whole import as one library call (no CLI needed)."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from importer.client import ZuddlClient, session_body
from importer.columns import is_known_header
from importer.config import Secret, Settings
from importer.errors import ExitCode, ImporterError, UsageError
from importer.loader import Table, load_table
from importer.mapper import Mapped, Problem, map_rows
from importer.plan import Plan, Step, build_plan
from importer.results import Outcome, Status, default_results_path, write_results

Progress = Callable[[Outcome], None]
DRAIN_SECONDS = 15.0  # after Ctrl-C, how long requests already sent may take to answer
_DONE = (Status.CREATED, Status.UPDATED, Status.UNCHANGED, Status.PLANNED)


@dataclass(frozen=True)
class ImportRequest:
    agenda: Path
    settings: Settings
    api_key: Secret | None = None
    dry_run: bool = False
    progress: Progress | None = None
    on_plan: Callable[[Plan], None] | None = None  # called once the plan is known, before sending


@dataclass(frozen=True)
class ImportReport:
    table: Table
    mapped: Mapped
    plan: Plan
    outcomes: Mapping[int, Outcome]
    results_path: Path
    timezone: str
    notes: tuple[str, ...] = ()
    stopped: ImporterError | None = None  # the API became unreachable or refused us part way
    interrupted: bool = False
    counts: Mapping[Status, int] = field(default_factory=dict)

    @property
    def exit_code(self) -> ExitCode:
        if self.interrupted:
            return ExitCode.INTERRUPTED
        if self.stopped is not None:
            return self.stopped.exit_code
        if all(o.status in _DONE for o in self.outcomes.values()):
            return ExitCode.OK
        return ExitCode.ROWS_FAILED


def run_import(request: ImportRequest) -> ImportReport:
    """Load, map, plan, send (unless a dry run) and write the results sheet."""
    return asyncio.run(_run_import(request))


async def _run_import(request: ImportRequest) -> ImportReport:
    settings = request.settings
    table = load_table(request.agenda, sheet=settings.sheet, header_score=is_known_header)
    results_path = settings.results or default_results_path(request.agenda)
    notes = list(table.notes)
    online = request.api_key is not None and settings.event_id is not None
    if not online and not request.dry_run:
        raise UsageError("An import needs --event (the Zuddl event ID) and an API key.")
    client = None
    if online:
        assert request.api_key is not None
        client = ZuddlClient(
            settings.base_url,
            request.api_key,
            reference_field=settings.reference_field,
            timeout_s=settings.timeout_s,
            rate_limit=settings.rate_limit,
            concurrency=settings.concurrency,
        )
    async with contextlib.AsyncExitStack() as stack:
        locations = None
        timezone = settings.mapping.timezone
        if client is not None:
            await stack.enter_async_context(client)
            assert settings.event_id is not None
            event = await client.get_event(settings.event_id)
            timezone = timezone or event.timezone
            locations = await client.list_locations(settings.event_id)
        if timezone is None:
            timezone = "UTC"
            notes.append(
                "Times are read as UTC: give --timezone (e.g. Europe/Berlin) if they "
                "are local times of the event."
            )
        mapped = map_rows(table, settings.mapping, timezone=timezone, locations=locations)
        plan = build_plan(mapped, invalid_refs=_invalid_refs(table, mapped))
        if request.on_plan is not None:
            request.on_plan(plan)
        outcomes = _offline_outcomes(table, plan, sending=False)
        stopped, interrupted = None, False
        will_send = not request.dry_run and (not plan.errors or settings.skip_invalid)
        if will_send and client is not None and settings.event_id is not None:
            outcomes = _offline_outcomes(table, plan, sending=True)
            sent, stopped, interrupted = await _execute(
                plan, client, settings.event_id, settings.concurrency, request.progress
            )
            outcomes.update(sent)
        elif not request.dry_run:
            count = len(plan.invalid_rows)
            for row, outcome in outcomes.items():
                if outcome.status == Status.PLANNED:
                    outcomes[row] = Outcome(
                        row,
                        Status.SKIPPED,
                        message=(
                            f"Nothing was sent because {count} row{'s' if count != 1 else ''} "
                            "have problems. Fix them, or run with --skip-invalid."
                        ),
                    )
    write_results(results_path, table, outcomes)
    counts = Counter(o.status for o in outcomes.values())
    return ImportReport(
        table,
        mapped,
        plan,
        outcomes,
        results_path,
        timezone,
        tuple(notes),
        stopped,
        interrupted,
        dict(counts),
    )


def _invalid_refs(table: Table, mapped: Mapped) -> dict[str, int]:
    index = mapped.columns.fields.get("reference")
    if index is None:
        return {}
    refs: dict[str, int] = {}
    for row in table.rows:
        value = row.values[index]
        if row.number in mapped.invalid_rows and value is not None:
            refs.setdefault(str(value).strip(), row.number)
    return refs


def _offline_outcomes(table: Table, plan: Plan, *, sending: bool) -> dict[int, Outcome]:
    """Every row's outcome before (or without) sending: invalid, skipped or planned."""
    by_row: defaultdict[int, list[Problem]] = defaultdict(list)
    for problem in plan.problems:
        if problem.row is not None:
            by_row[problem.row].append(problem)
    planned = {step.draft.row: step for step in plan.steps}
    outcomes = {}
    for row in table.rows:
        n = row.number
        errors = [p.text() for p in by_row[n] if p.severity == "error"]
        warnings = [p.text() for p in by_row[n] if p.severity == "warning"]
        if n in plan.invalid_rows:
            outcomes[n] = Outcome(n, Status.INVALID, message=" ".join(errors or warnings))
        elif n in plan.skipped:
            outcomes[n] = Outcome(n, Status.SKIPPED, message=plan.skipped[n])
        else:
            step = planned[n]
            outcomes[n] = Outcome(
                n,
                Status.SKIPPED if sending else Status.PLANNED,
                parent_session_id=step.parent_session_id,
                message="Not sent: the run stopped first." if sending else " ".join(warnings),
                reference_id=step.draft.reference_id,
            )
    return outcomes


async def _execute(
    plan: Plan, client: ZuddlClient, event_id: str, concurrency: int, progress: Progress | None
) -> tuple[dict[int, Outcome], ImporterError | None, bool]:
    """Send every step; a child goes as soon as its own parent exists, not a whole wave later."""
    children: defaultdict[int, list[Step]] = defaultdict(list)
    queue: asyncio.Queue[Step] = asyncio.Queue()
    for step in plan.steps:
        if step.parent_row is None:
            queue.put_nowait(step)
        else:
            children[step.parent_row].append(step)
    outcomes: dict[int, Outcome] = {}
    created: dict[int, str] = {}
    finished = asyncio.Event()
    stopped: list[ImporterError] = []
    if not plan.steps:
        finished.set()

    def record(outcome: Outcome) -> None:
        outcomes[outcome.row] = outcome
        if progress is not None:
            progress(outcome)
        if len(outcomes) == len(plan.steps):
            finished.set()

    def skip_below(row: int) -> None:
        for child in children.pop(row, []):
            record(
                Outcome(
                    child.draft.row,
                    Status.SKIPPED,
                    reference_id=child.draft.reference_id,
                    message=f"Not sent: its parent (row {row}) was not created.",
                )
            )
            skip_below(child.draft.row)

    async def send(step: Step) -> None:
        draft = step.draft
        parent_id = step.parent_session_id or (
            created.get(step.parent_row) if step.parent_row is not None else None
        )
        body = session_body(draft, parent_id, client.reference_field)
        result = await client.create_session(event_id, body)
        if result.session_id is not None:
            created[draft.row] = result.session_id
            record(
                Outcome(
                    draft.row,
                    Status.CREATED,
                    result.session_id,
                    parent_id,
                    result.status,
                    "",
                    draft.reference_id,
                )
            )
            for child in children.pop(draft.row, []):
                queue.put_nowait(child)
        else:
            record(
                Outcome(
                    draft.row,
                    Status.FAILED,
                    None,
                    parent_id,
                    result.status,
                    result.message,
                    draft.reference_id,
                )
            )
            skip_below(draft.row)

    busy: set[asyncio.Task[None]] = set()

    async def worker() -> None:
        me = asyncio.current_task()
        assert me is not None
        while not finished.is_set():
            step = await queue.get()
            busy.add(me)
            try:
                await send(step)
            except ImporterError as exc:  # unreachable or refused: stop the whole run
                stopped.append(exc)
                finished.set()
            finally:
                busy.discard(me)

    workers = [asyncio.create_task(worker()) for _ in range(concurrency)]
    interrupted = False
    try:
        await finished.wait()
    except asyncio.CancelledError:  # Ctrl-C: stop dispatching, let requests in flight answer
        interrupted = True
        finished.set()
        if busy:
            await asyncio.wait(set(busy), timeout=DRAIN_SECONDS)
    finally:
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    return outcomes, (stopped[0] if stopped else None), interrupted
