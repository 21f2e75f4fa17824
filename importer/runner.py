"""The whole import as one library call: load, reconcile, plan, send, write the results.

The CLI and any other front end call ``run_import``; nothing here prints.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import dataclasses
import logging
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from importer.client import RetryPolicy, ZuddlClient
from importer.columns import is_known_header, match_columns
from importer.config import Secret, Settings, check_timezone
from importer.dispatch import Dispatcher, Progress, Verification
from importer.errors import ExitCode, ImporterError, SafetyStop, UsageError
from importer.journal import Journal, event_lock, journal_path
from importer.loader import Table, load_table
from importer.mapper import UUID_RE, Mapped, map_rows
from importer.outcomes import before_sending, hold, row_warnings
from importer.plan import Plan, RemoteSession, build_plan
from importer.results import (
    Outcome,
    Status,
    check_results_path,
    default_results_path,
    write_results,
)

log = logging.getLogger("zuddl_import")
RUN_ID: contextvars.ContextVar[str] = contextvars.ContextVar("run_id", default="")


class _RunIdFilter(logging.Filter):
    """Stamps every log record of a run with its run ID, wherever it was logged from."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.run = RUN_ID.get()
        return True


log.addFilter(_RunIdFilter())
_DONE = (Status.CREATED, Status.UPDATED, Status.UNCHANGED, Status.PLANNED)


@dataclass(frozen=True)
class ImportRequest:
    agenda: Path | None
    settings: Settings
    api_key: Secret | None = None
    dry_run: bool = False
    progress: Progress | None = None
    on_plan: Callable[[Plan], None] | None = None  # called once the plan is known, before sending
    write_results: bool = True
    write_back: bool = False  # also save AGENDA.imported.xlsx: the user's workbook + IDs
    verification: Verification = field(default_factory=Verification)


@dataclass(frozen=True)
class ImportReport:
    # repr=False: a 50,000-row report printed by accident (a debugger, asyncio) costs seconds.
    table: Table = field(repr=False)
    mapped: Mapped = field(repr=False)
    plan: Plan = field(repr=False)
    outcomes: Mapping[int, Outcome] = field(repr=False)
    results_path: Path | None
    timezone: str
    run_id: str
    notes: tuple[str, ...] = ()
    stopped: ImporterError | None = None  # unreachable, refused, or a safety stop
    interrupted: bool = False
    api_calls: int = 0
    counts: Mapping[Status, int] = field(default_factory=dict)
    written_back: Path | None = None

    @property
    def where(self) -> str:
        """The file (and sheet) as messages name it: 'agenda.xlsx, sheet "Agenda"'."""
        table = self.table
        return f'{table.path.name}, sheet "{table.sheet}"' if table.sheet else table.path.name

    @property
    def summary(self) -> str:
        """The counts in words: "60 created, 2 invalid"."""
        parts = [f"{self.counts[s]} {s.value}" for s in Status if self.counts.get(s)]
        return ", ".join(parts) or "no rows"

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
    """Load, map, reconcile, plan, send (unless a dry run) and write the results sheet."""
    return asyncio.run(_run_import(request))


async def _run_import(request: ImportRequest) -> ImportReport:
    settings, run_id = request.settings, uuid.uuid4().hex[:12]
    RUN_ID.set(run_id)
    agenda = request.agenda or settings.agenda
    if agenda is None:
        raise UsageError('Name the agenda file to import (or agenda = "..." in the config).')
    online = request.api_key is not None and settings.event_id is not None
    if not online and not request.dry_run:
        raise UsageError("An import needs --event (the Zuddl event ID) and an API key.")
    if settings.event_id is not None and not UUID_RE.match(settings.event_id):
        raise UsageError(
            f'"{settings.event_id}" is not an event ID. An event ID looks like '
            "5a2db0c5-de30-4e7e-8a1d-000000000001: copy it from Zuddl."
        )
    results_path = settings.results or default_results_path(agenda)
    check_results_path(agenda, results_path)  # before anything is read, sent or written
    table = load_agenda(agenda, settings)
    log.info(
        "run start",
        extra={
            "event": "run_start",
            "data": {
                "run": run_id,
                "agenda": str(agenda),
                "event_id": settings.event_id,
                "mode": settings.mode,
                "dry_run": request.dry_run,
                "rows": len(table.rows),
            },
        },
    )
    async with contextlib.AsyncExitStack() as stack:
        client = None
        if online:
            assert request.api_key is not None and settings.event_id is not None
            if not request.dry_run:
                stack.enter_context(
                    event_lock(settings.base_url, settings.event_id, settings.lock_dir)
                )
            client = await stack.enter_async_context(
                ZuddlClient(
                    settings.base_url,
                    request.api_key,
                    reference_field=settings.reference_field,
                    timeout_s=settings.timeout_s,
                    rate_limit=settings.rate_limit,
                    concurrency=settings.concurrency,
                    retry=RetryPolicy(settings.retry_attempts, settings.retry_deadline_s),
                )
            )
        report = await _plan_and_send(request, table, client, results_path, run_id, stack)
        # Still under the event's lock: a second run cannot start before the files are out.
        if request.write_results:
            write_results(results_path, table, report.outcomes)
        if request.write_back:
            from importer.workbook import imported_path, write_back

            back = write_back(table, report.outcomes, imported_path(table.path))
            report = dataclasses.replace(report, written_back=back)
    log.info(
        "summary",
        extra={
            "event": "summary",
            "data": {
                "run": run_id,
                "counts": {k.value: v for k, v in report.counts.items()},
                "exit_code": int(report.exit_code),
                "api_calls": report.api_calls,
            },
        },
    )
    return report


async def _plan_and_send(
    request: ImportRequest,
    table: Table,
    client: ZuddlClient | None,
    results_path: Path,
    run_id: str,
    stack: contextlib.AsyncExitStack,
) -> ImportReport:
    settings = request.settings
    notes = list(table.notes)
    locations: dict[str, str] | None = None
    existing: dict[str, RemoteSession] | None = None  # None: the event was not read
    timezone = settings.mapping.timezone
    if client is not None and settings.event_id is not None:
        event_id = settings.event_id

        async def event_zone() -> str | None:
            return (await client.get_event(event_id)).timezone

        async def places() -> dict[str, str] | None:
            return await client.list_locations(event_id) if wanted_places else None

        wanted_places = _names_locations(table, settings)
        # One round trip for all reads: the zone (unless given), locations, sessions.
        zone, locations, remote = await asyncio.gather(
            event_zone() if timezone is None else _none(),
            places(),
            client.list_sessions(event_id, expected=len(table.rows)),
        )
        if timezone is None and zone is not None:
            try:
                check_timezone(zone)
            except UsageError as exc:
                raise UsageError(
                    f'Zuddl gives the event\'s time zone as "{zone}", which is not a time zone '
                    "name this tool knows. Give one with --timezone, e.g. Europe/Berlin."
                ) from exc
        timezone = timezone or zone
        existing = _by_reference(remote, notes)
    if client is None and settings.event_id is not None:
        notes.append(
            f"{settings.api_key_env} is not set, so location names and parents were not "
            "checked against the event."
        )
    if timezone is None:
        timezone = "UTC"
        notes.append(
            "Times are read as UTC: give --timezone (e.g. Europe/Berlin) if they "
            "are local times of the event."
        )
    mapped = map_rows(table, settings.mapping, timezone=timezone, locations=locations)
    plan = build_plan(
        mapped, existing=existing, invalid_refs=_invalid_refs(table, mapped), mode=settings.mode
    )
    journal = None
    if client is not None and settings.event_id is not None and not request.dry_run:
        journal = stack.enter_context(
            Journal(journal_path(results_path), run_id, settings.event_id)
        )
        notes.extend(_journal_notes(journal.confirmed(), existing or {}, plan))
    if plan.derived:
        count = len(plan.derived)
        notes.append(
            f"{count} row{'s have' if count != 1 else ' has'} no reference ID; IDs made from "
            "title and start are used (column Reference ID Used of the results). Copy them into "
            "the sheet so later runs still match these sessions when a title or time changes."
        )
    if request.on_plan is not None:
        request.on_plan(plan)
    warnings = row_warnings(plan)
    outcomes = before_sending(table, plan, warnings, dry_run=request.dry_run)
    pending = [step.draft.row for step in plan.steps]
    stopped: ImporterError | None = None
    interrupted = False
    changes = len(plan.steps)
    limit = settings.change_limit(len(table.rows))
    if request.dry_run or client is None or settings.event_id is None:
        pass
    elif plan.errors and not settings.skip_invalid:
        count = len(plan.invalid_rows)
        hold(
            outcomes,
            pending,
            warnings,
            f"Nothing was sent because {count} row{'s' * (count != 1)} "
            f"{'have' if count != 1 else 'has'} problems. Fix them, or run with "
            "--skip-invalid.",
        )
    elif limit is not None and changes > limit:
        stopped = SafetyStop(
            f"The plan makes {changes} changes ({plan.count('create')} creates, "
            f"{plan.count('update')} updates), more than --max-changes "
            f"{settings.max_changes} allows ({limit}). Nothing was sent. Check "
            "the sheet, then raise the limit if the changes are intended."
        )
        hold(
            outcomes,
            pending,
            warnings,
            "Not sent: the safety limit (--max-changes) stopped the run.",
        )
    else:
        sent, stopped, interrupted = await Dispatcher(
            plan,
            client,
            settings.event_id,
            concurrency=settings.concurrency,
            journal=journal,
            progress=request.progress,
            verification=request.verification,
        ).run()
        for row, outcome in sent.items():
            # What the row was warned about still matters after it was sent.
            warning = warnings.get(row, "")
            if warning and warning not in outcome.message:
                outcome = dataclasses.replace(
                    outcome, message=f"{outcome.message} {warning}".strip()
                )
            outcomes[row] = outcome
        unsent = [row for row in pending if row not in sent]
        hold(outcomes, unsent, warnings, "Not sent: the run stopped first.")
    counts = Counter(o.status for o in outcomes.values())
    return ImportReport(
        table,
        mapped,
        plan,
        outcomes,
        results_path,
        timezone,
        run_id,
        tuple(notes),
        stopped,
        interrupted,
        client.calls if client is not None else 0,
        dict(counts),
    )


async def _none() -> None:
    return None


def load_agenda(agenda: Path, settings: Settings) -> Table:
    """The sheet to import: the one named, else the first that holds an agenda.

    A workbook that opens on an instructions page (like the template) still imports without
    --sheet; the note says which sheet was read.
    """
    table = load_table(agenda, sheet=settings.sheet, header_score=is_known_header)
    if settings.sheet is not None or len(table.sheet_names) < 2 or _has_agenda(table, settings):
        return table
    for name in table.sheet_names[1:]:
        try:
            other = load_table(agenda, sheet=name, header_score=is_known_header)
        except ImporterError:
            continue
        if _has_agenda(other, settings):
            if table.sheet == "Instructions":  # the template's own layout: nothing to say
                return other
            note = (
                f'Sheet "{table.sheet}" has no agenda columns, so sheet "{name}" was read. '
                "Use --sheet to choose another."
            )
            return dataclasses.replace(other, notes=(note, *other.notes))
    return table


def _has_agenda(table: Table, settings: Settings) -> bool:
    try:
        match_columns(table, settings.mapping)
    except ImporterError:
        return False
    return True


def _names_locations(table: Table, settings: Settings) -> bool:
    """Whether location names must be looked up (IDs and empty cells need no call)."""
    if settings.mapping.default_location and not UUID_RE.match(settings.mapping.default_location):
        return True
    index = match_columns(table, settings.mapping).fields.get("location")
    if index is None:
        return False
    return any(
        isinstance(v := r.values[index], str) and v.strip() and not UUID_RE.match(v.strip())
        for r in table.rows
    )


def _by_reference(remote: list[RemoteSession], notes: list[str]) -> dict[str, RemoteSession]:
    found: dict[str, RemoteSession] = {}
    for session in remote:
        ref = session.reference_id
        if ref is None:
            continue
        if ref in found:
            notes.append(
                f'Zuddl holds more than one session with reference ID "{ref}" '
                f"({found[ref].id}, {session.id}); the first is kept up to date."
            )
            continue
        found[ref] = session
    return found


def _journal_notes(
    confirmed: Mapping[str, str], existing: Mapping[str, RemoteSession], plan: Plan
) -> list[str]:
    gone = [ref for ref in confirmed if ref not in existing and ref in plan.references.values()]
    return [
        f'"{ref}" was created by an earlier run (session {confirmed[ref]}) but is not in '
        "Zuddl any more; it is created again."
        for ref in gone[:20]
    ]


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
