"""The whole import as one library call: load, reconcile, plan, send, write the results.

The CLI and any other front end call ``run_import``; nothing here prints.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import dataclasses
import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from importer.client import RetryPolicy, ZuddlClient
from importer.columns import is_known_header, match_columns
from importer.config import Secret, Settings
from importer.dispatch import Dispatcher, Progress, Verification
from importer.download import AgendaSource, fetch_agenda
from importer.errors import ApiError, ExitCode, ImporterError, SafetyStop, UsageError
from importer.journal import (
    Journal,
    event_lock,
    journal_path,
    last_unconfirmed_send,
    read_journal,
)
from importer.loader import Table, load_table
from importer.mapper import UUID_RE, Mapped, map_rows
from importer.naming import Naming
from importer.outcomes import before_sending, hold, row_warnings
from importer.plan import COMPARED, Plan, RemoteSession, build_plan
from importer.results import Outcome, Status, write_results
from importer.wire import Listing
from importer.zones import event_zone

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
    # A link becomes a local copy next to the results; an unchanged sheet is only compared.
    source = await fetch_agenda(agenda, settings, dry_run=request.dry_run)
    if source.unchanged:
        request = dataclasses.replace(request, dry_run=True, write_results=False)
    if request.on_source is not None:
        request.on_source(source)
    agenda, results_path = source.path, source.results
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
                    auth_scheme=settings.auth_scheme,
                    max_retry_after_s=settings.max_retry_after_s,
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
    source.settle(report.exit_code)
    return report


@dataclass(frozen=True)
class EventState:
    """What the event holds and how Zuddl describes it, read once before planning."""

    timezone: str | None
    locations: dict[str, str] | None
    existing: dict[str, RemoteSession]
    naming: Naming
    virtual: bool
    known_ids: frozenset[str]
    notes: tuple[str, ...]


async def _read_event(
    client: ZuddlClient, settings: Settings, table: Table, journaled: Mapping[str, str]
) -> EventState:
    """One round trip for all reads: the event (zone, format), locations, sessions."""
    assert settings.event_id is not None
    event_id = settings.event_id

    async def places() -> dict[str, str] | None:
        return await client.list_locations(event_id) if _names_locations(table, settings) else None

    info, locations, listed = await asyncio.gather(
        client.get_event(event_id),
        places(),
        client.list_sessions(event_id, expected=len(table.rows)),
    )
    notes: list[str] = []
    timezone = settings.mapping.timezone
    if timezone is None and info.timezone is not None:
        zone = event_zone(info.timezone)
        timezone = zone.name
        notes.extend([zone.note] if zone.note else [])
    naming = Naming(settings.reference_field, listed)
    _check_pinned_name(settings.reference_field, listed)
    existing = _by_reference(listed.sessions, journaled, notes)
    if info.virtual:
        notes.extend(_virtual_notes(table, settings))
    return EventState(
        timezone,
        locations,
        existing,
        naming,
        info.virtual,
        frozenset(s.id.lower() for s in listed.sessions),
        tuple(notes),
    )


async def _wait_for_killed_creates(
    results_path: Path, settings: Settings, notes: list[str]
) -> None:
    """A run killed while creates were in flight: they may still commit, so the event is
    listed only once the grace period since the last of them has passed."""
    assert settings.event_id is not None
    sent = last_unconfirmed_send(journal_path(results_path), settings.event_id)
    wait = 0.0 if sent is None else sent + settings.lookup_grace_s - time.time()
    if wait > 0:
        notes.append(
            f"An earlier run stopped while creates were unanswered; waited {wait:.0f} s for "
            "them to arrive in Zuddl before reading the event."
        )
        await asyncio.sleep(wait)


def _check_pinned_name(setting: str, listed: Listing) -> None:
    """A pinned name that the event's own sessions contradict would duplicate everything."""
    shown = listed.names_valued
    if setting != "auto" and shown and setting not in shown:
        raise ApiError(
            f'reference_field is "{setting}", but the sessions of this event carry their '
            f"reference IDs as {' and '.join(sorted(shown))}. Nothing was sent. Set "
            'reference_field = "auto" (or that name) in the config.'
        )


def _virtual_notes(table: Table, settings: Settings) -> list[str]:
    fields = match_columns(table, settings.mapping).fields
    notes = []
    if "capacity" in fields:
        notes.append(
            "This event is virtual: Zuddl ignores capacity for virtual sessions, so the "
            "capacity column is neither sent nor compared."
        )
    if "location" in fields or settings.mapping.default_location:
        notes.append(
            "This event is virtual: Zuddl's locations are in-person rooms; virtual stages "
            "are set in Zuddl's dashboard, not by this import."
        )
    return notes


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
    state: EventState | None = None
    timezone = settings.mapping.timezone
    if client is not None and settings.event_id is not None:
        journaled = read_journal(journal_path(results_path), settings.event_id)
        await _wait_for_killed_creates(results_path, settings, notes)
        state = await _read_event(client, settings, table, journaled)
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
    mapped = map_rows(
        table, settings.mapping, timezone=timezone, locations=state.locations if state else None
    )
    compared = tuple(f for f in COMPARED if not (state and state.virtual and f == "capacity"))
    plan = build_plan(
        mapped,
        existing=state.existing if state else None,
        invalid_refs=_invalid_refs(table, mapped),
        mode=settings.mode,
        compared=compared,
    )
    journal = None
    if state is not None and settings.event_id is not None and not request.dry_run:
        journal = stack.enter_context(
            Journal(journal_path(results_path), run_id, settings.event_id)
        )
        notes.extend(_journal_notes(journal.confirmed(), state.existing, plan))
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
    sending = _Sending(request, table, plan, warnings, outcomes)
    if state is not None and client is not None and not request.dry_run:
        await sending.send(client, state, journal)
        notes.extend(state.naming.notes)
        if sending.created_any:
            notes.extend(await _duplicates(client, settings, plan, outcomes))
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
    )


class _Sending:
    """The send step: held back (problems, safety limit) or dispatched; fills ``outcomes``."""

    def __init__(
        self,
        request: ImportRequest,
        table: Table,
        plan: Plan,
        warnings: Mapping[int, str],
        outcomes: dict[int, Outcome],
    ) -> None:
        self.request, self.table, self.plan = request, table, plan
        self.warnings, self.outcomes = warnings, outcomes
        self.stopped: ImporterError | None = None
        self.interrupted = False
        self.created_any = False

    async def send(self, client: ZuddlClient, state: EventState, journal: Journal | None) -> None:
        settings, plan, outcomes = self.request.settings, self.plan, self.outcomes
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
        verification = self.request.verification or Verification(grace_s=settings.lookup_grace_s)
        sent, self.stopped, self.interrupted = await Dispatcher(
            plan,
            client,
            settings.event_id,
            concurrency=settings.concurrency,
            naming=state.naming,
            journal=journal,
            progress=self.request.progress,
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


async def _duplicates(
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


def _by_reference(
    remote: Sequence[RemoteSession], journaled: Mapping[str, str], notes: list[str]
) -> dict[str, RemoteSession]:
    """Reference -> session. A session this sheet's journal says it created is that row's
    session whatever its reference reads now; one that lost its reference stops the run."""
    found: dict[str, RemoteSession] = {}
    by_id = {s.id.lower(): s for s in remote}
    for ref, session_id in journaled.items():
        session = by_id.get(session_id.lower())
        if session is None:
            continue
        if session.reference_id is None:
            raise ApiError(
                f'Session {session.id}, created by an earlier run for reference ID "{ref}", is '
                "listed by Zuddl without a reference ID. Nothing was sent: a new create would "
                "duplicate it. Run zuddl-import doctor --event ID to see what Zuddl keeps."
            )
        found[ref] = session
    claimed = {s.id for s in found.values()}
    for session in remote:
        if session.reference_id is None or session.id in claimed:
            continue
        ref = session.reference_id
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
