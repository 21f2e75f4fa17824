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

from importer.check.columns import match_columns
from importer.check.drafts import Mapped
from importer.check.mapper import map_rows
from importer.check.sessionfiles import File
from importer.check.speakers import EventSpeaker
from importer.errors import ExitCode, ImporterError, UsageError
from importer.plan.build import Plan, build_plan, held_fields
from importer.plan.outcomes import before_sending, row_warnings
from importer.plan.status import Outcome, Status
from importer.read.agenda import RESHAPED, read_agenda, reshaped
from importer.read.download import AgendaSource, fetch_agenda
from importer.read.edits import edit_cells
from importer.read.table import Table
from importer.settings.checks import check_event_id
from importer.settings.config import Secret, Settings
from importer.sync.besides import attach, beside_sessions
from importer.sync.client import ZuddlClient
from importer.sync.dispatch import Progress, Verification
from importer.sync.event import EventState, journal_notes, read_event, wait_for_killed_creates
from importer.sync.journal import (
    History,
    Journal,
    journal_path,
    read_history,
    read_journal,
)
from importer.sync.lock import event_lock
from importer.sync.sending import Sending, duplicates
from importer.sync.speakerlinks import (
    LINKED,
    SpeakerLinks,
    fill_speakers,
    read_roster,
    resolve_speakers,
)
from importer.sync.transport import RetryPolicy, Transport
from importer.write.results import Absent, check_results_path, write_results

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
    agenda: Path | str | None  # a str is a link (https://...): downloaded first
    settings: Settings
    api_key: Secret | None = None
    dry_run: bool = False
    progress: Progress | None = None
    on_plan: Callable[[Plan], None] | None = None  # called once the plan is known, before sending
    write_results: bool = True
    write_back: bool = False  # also save AGENDA.imported.xlsx: the user's workbook + IDs
    verification: Verification | None = None  # default: Verification(settings.lookup_grace_s)
    on_source: Callable[[AgendaSource], None] | None = None  # told where the agenda came from
    # Cells corrected without editing the file ("D14" -> text): checked, imported and written
    # into the workbooks the run writes back (importer.read.edits).
    edits: Mapping[str, str] = field(default_factory=dict)
    # The API client's transport; None: real HTTP. A test or an embedding app passes
    # httpx.ASGITransport(app=...) to run the whole import in-process.
    transport: Transport | None = field(default=None, repr=False)


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
    location_names: Mapping[str, str] = field(default_factory=dict)  # ID (lower) -> name
    speakers_checked: bool = False  # the sheet's speakers were looked up in the event
    # The event's speakers, when the sheet has a speakers column and the API lists them.
    speakers: tuple[EventSpeaker, ...] = ()

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
    agenda, online = _checked(request)
    # A link becomes a local copy next to the results; an unchanged sheet is only compared.
    source = await fetch_agenda(agenda, settings, dry_run=request.dry_run)
    if source.unchanged:
        request = dataclasses.replace(request, dry_run=True, write_results=False)
    if request.on_source is not None:
        request.on_source(source)
    agenda, results_path = source.path, source.results
    check_results_path(agenda, results_path)  # before anything is read, sent or written
    table = edit_cells(read_agenda(agenda, settings), request.edits)  # importer.read.agenda
    if request.write_back and reshaped(table):
        raise UsageError(RESHAPED.format(name=agenda.name, what="--write-back's status columns"))
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
                _client(settings, request.api_key, request.transport)
            )
        report = await _plan_and_send(request, table, client, results_path, run_id, stack)
        # Still under the event's lock: a second run cannot start before the files are out.
        report = _write_files(request, table, report, results_path)
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
    source.settle(report.exit_code)
    return report


def _checked(request: ImportRequest) -> tuple[Path | str, bool]:
    """The agenda to read and whether the run talks to Zuddl; a request that cannot run is
    refused before anything is read."""
    settings = request.settings
    agenda = request.agenda or settings.agenda
    if agenda is None:
        raise UsageError('Name the agenda file to import (or agenda = "..." in the config).')
    online = request.api_key is not None and settings.event_id is not None
    if not online and not request.dry_run:
        raise UsageError("An import needs --event (the Zuddl event ID) and an API key.")
    if settings.event_id is not None:
        check_event_id(settings.event_id)
    return agenda, online


def _client(settings: Settings, key: Secret, transport: Transport | None) -> ZuddlClient:
    return ZuddlClient(
        settings.base_url,
        key,
        auth_scheme=settings.auth_scheme,
        max_retry_after_s=settings.max_retry_after_s,
        timeout_s=settings.timeout_s,
        rate_limit=settings.rate_limit,
        concurrency=settings.concurrency,
        retry=RetryPolicy(settings.retry_attempts, settings.retry_deadline_s),
        transport=transport,
    )


def _write_files(
    request: ImportRequest, table: Table, report: ImportReport, results_path: Path
) -> ImportReport:
    """The results sheet (with the sessions not in the sheet) and the written-back workbook."""
    if request.write_results:
        absent = [
            Absent(r.id, r.title or "", r.start or "", r.reference_id, removed)
            for r, removed in report.plan.absent
        ]
        write_results(
            results_path, table, report.outcomes, absent=absent, speakers=report.speakers_checked
        )
    if request.write_back:
        from importer.write.workbook import imported_path, write_back

        back = write_back(table, report.outcomes, imported_path(table.path))
        report = dataclasses.replace(report, written_back=back)
    return report


async def _planned(
    settings: Settings,
    table: Table,
    client: ZuddlClient | None,
    results_path: Path,
    notes: list[str],
) -> tuple[EventState | None, str, Mapped, Plan, SpeakerLinks | None]:
    """Read the event (when online), map the rows in its time zone (their speakers looked up
    when the sheet has them), and plan against it."""
    state: EventState | None = None
    history = History(frozenset(), {})
    columns = match_columns(table, settings.mapping)  # once: the event's reads and the mapper
    timezone = settings.mapping.timezone
    if client is not None and settings.event_id is not None:
        journaled = read_journal(journal_path(results_path), settings.event_id, settings.base_url)
        history = read_history(journal_path(results_path), settings.event_id, settings.base_url)
        await wait_for_killed_creates(results_path, settings, notes)
        state = await read_event(client, settings, table, columns, journaled)
        timezone = state.timezone
        notes.extend(state.notes)
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
    locations = state.locations if state else None
    mapped = map_rows(
        table, settings.mapping, timezone=timezone, locations=locations, columns=columns
    )
    links = None  # speakers are linked only when the sheet has a speakers column
    if client is not None and settings.event_id and "speakers" in mapped.columns.fields:
        roster = await read_roster(client, settings.event_id)
        cells = {row.number: row.values for row in table.rows}
        mapped, links = resolve_speakers(mapped, roster, settings.unknown_speakers, cells)
        notes.extend(links.notes())
    plan = build_plan(
        mapped,
        existing=state.existing if state else None,
        invalid_refs=mapped.invalid_refs,
        mode=settings.mode,
        compared=held_fields(
            mapped.columns.fields, settings.mapping.default_location, bool(state and state.virtual)
        ),
        remote=state.remote if state else (),
        created_by_sheet=history.created if state else frozenset(),
        last_sent=history.last_sent if state else None,
        on_conflict=settings.on_conflict,
    )
    return state, timezone, mapped, plan, links


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
    state, timezone, mapped, plan, links = await _planned(
        settings, table, client, results_path, notes
    )
    journal = None
    if state is not None and settings.event_id is not None and not request.dry_run:
        journal = stack.enter_context(
            Journal(journal_path(results_path), run_id, settings.event_id, settings.base_url)
        )
        notes.extend(journal_notes(journal.confirmed(), state.existing, plan))
    plan, files = beside_sessions(plan, mapped, links, state, notes)
    if request.on_plan is not None:
        request.on_plan(plan)
    warnings = row_warnings(plan)
    outcomes = before_sending(table, plan, warnings, dry_run=request.dry_run)
    sending = Sending(
        settings,
        table,
        plan,
        warnings,
        outcomes,
        progress=request.progress,
        verification=request.verification,
    )
    if state is not None and client is not None and not request.dry_run:
        await sending.send(client, state, journal)
        notes.extend(await _after_sending(sending, client, state, links, files))
    elif links is not None:  # a dry run lists the speakers each session would have
        dry: tuple[Status, ...] = (*LINKED, Status.PLANNED) if request.dry_run else ()
        fill_speakers(outcomes, links, dry, frozenset())
    if client is not None:
        notes.extend(client.notes)
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
        sending.stopped,
        sending.interrupted,
        client.calls if client is not None else 0,
        dict(counts),
        location_names={i.lower(): n for n, i in (state.locations or {}).items()} if state else {},
        speakers_checked=links is not None,
        speakers=links.roster.speakers if links is not None and links.roster else (),
    )


async def _after_sending(
    sending: Sending,
    client: ZuddlClient,
    state: EventState,
    links: SpeakerLinks | None,
    files: dict[int, tuple[File, ...]],
) -> list[str]:
    """Speakers linked and links added once the sessions exist (unless the run stopped or held
    back for a row's problem), then what the answers taught: the reference name, and
    duplicates a create may have made."""
    settings, plan, outcomes = sending.settings, sending.plan, sending.outcomes
    linked: tuple[Status, ...] = ()
    failed: frozenset[int] = frozenset()
    held = bool(plan.errors) and not settings.skip_invalid  # then nothing at all is sent
    if sending.stopped is None and not held and settings.event_id:
        failed = await attach(client, settings.event_id, plan, links, files, outcomes, state)
        linked = LINKED
    if links is not None:
        fill_speakers(outcomes, links, linked, failed)
    notes = list(state.naming.notes)
    if sending.created_any:
        notes.extend(await duplicates(client, settings, plan, outcomes))
    return notes
