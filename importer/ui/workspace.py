"""What the page remembers between screens, and the library calls behind each screen.

One workspace per server: the page serves the one person holding the access token. Nothing
here knows about HTTP; the routes in app.py call these methods and render what they return.
Every file of a run lives in one private folder (mode 700) that is emptied after the run.
"""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from importer.check.columns import match_columns
from importer.errors import ImporterError, UsageError
from importer.fields import COLUMN_TARGETS
from importer.plan.build import Plan
from importer.plan.status import Outcome
from importer.read.agenda import read_agenda as load_agenda
from importer.read.filetype import TEXT_SUFFIXES
from importer.read.limits import DEFAULT_LIMITS
from importer.read.loader import list_sheets
from importer.read.table import Table
from importer.run import ImportReport, ImportRequest, run_import
from importer.settings.checks import check_event_id
from importer.settings.config import MappingOptions, Secret, Settings, default_results_path
from importer.settings.dateorder import DateOrder, as_date_order
from importer.sync.answers import check_base_url
from importer.sync.connect import event_info
from importer.ui.history import History
from importer.ui.memory import recall, remember
from importer.write.template import write_template
from importer.write.workbook import checked_path, write_checked

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".txt")
MAX_UPLOAD_BYTES = DEFAULT_LIMITS.max_file_bytes


@dataclass(frozen=True)
class Connection:
    base_url: str
    event_id: str
    key: Secret = field(repr=False)
    event_name: str
    timezone: str | None
    lock_dir: Path | None  # the embedded sandbox's lock is private to this server


@dataclass(frozen=True)
class Upload:
    folder: Path  # private to this upload; deleted after the run
    path: Path
    sheets: tuple[str, ...]
    sheet: str | None = None
    columns: tuple[tuple[str, str], ...] = ()  # header -> field, as chosen on the page
    timezone: str | None = None
    date_order: DateOrder | None = None  # None: from the sheet (a day over 12 decides)
    default_date: date | None = None  # for rows whose time has no date
    remembered: bool = False  # the columns were chosen as on the last upload of these headers
    # Fixes made on the check screen (importer.ui.resolve): values of the sheet replaced
    # (field, value, replacement, rows), cells corrected ("D14", text), rows to leave out.
    values: tuple[tuple[str, str, str, int], ...] = ()
    edits: tuple[tuple[str, str], ...] = ()
    skipped: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Download:
    name: str
    content: bytes


@dataclass
class Job:
    """An import running in a thread; the page polls it."""

    total: int | None = None
    counts: Counter[str] = field(default_factory=Counter)
    report: ImportReport | None = None
    error: str | None = None
    finished: bool = False
    downloads: dict[str, Download] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def on_plan(self, plan: Plan) -> None:
        with self.lock:
            self.total = len(plan.steps)

    def on_outcome(self, outcome: Outcome) -> None:
        with self.lock:
            self.counts[outcome.status.value] += 1

    def status(self) -> dict[str, object]:
        with self.lock:
            done = sum(self.counts.values())
            state = "failed" if self.error else "done" if self.finished else "running"
            return {"state": state, "done": done, "total": self.total, "counts": dict(self.counts)}


def safe_name(name: str) -> str:
    """The uploaded file's own name, reduced to what is safe in a path (it shows in messages)."""
    base = re.split(r"[\\/]", name)[-1]
    base = re.sub(r"[^\w.\- ()&+,]", "_", base).strip(" .") or "agenda"
    stem, dot, suffix = base.rpartition(".")
    if not dot or f".{suffix.lower()}" not in SUFFIXES:
        raise UsageError(
            f'"{base}" is not a spreadsheet this tool reads. Choose an .xlsx, .xls, .ods or '
            ".csv file."
        )
    return f"{stem[:100] or 'agenda'}.{suffix.lower()}"


class Workspace:
    def __init__(
        self,
        *,
        base_url: str,
        event_id: str,
        key: Secret | None,
        sandbox: bool,
        memory: Path | None = None,
        history: History | None = None,
    ):
        self.root = Path(tempfile.mkdtemp(prefix="zuddl-ui-"))  # mode 700: this user only
        self.defaults = {"base_url": base_url, "event_id": event_id}
        self.given_key = key  # from the environment or the embedded sandbox; never shown
        self.sandbox = sandbox
        self.memory = memory  # where column choices are remembered; None: nowhere
        self.history = history  # where each run's files are kept; None: nowhere
        self.connection: Connection | None = None
        self.upload: Upload | None = None
        self.report: ImportReport | None = None  # the check: a dry run against the event
        self.skip_invalid = False
        # Names the plan the last check made: an Import button carries it, so a button shown
        # for another check (an old page, another tab) can never import this one.
        self.plan_token: str | None = None
        self.job: Job | None = None
        self._uploads = 0
        self._table: Table | None = None  # the chosen sheet, read once for the screens

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    # 1. Connect
    def connect(self, base_url: str, event_id: str, typed_key: str) -> Connection:
        key = Secret(typed_key.strip()) if typed_key.strip() else self.given_key
        if not key:
            raise UsageError("Enter the API key (created in Zuddl for Backend usage).")
        event_id = check_event_id(event_id.strip())
        url = check_base_url(base_url.strip())
        event = event_info(url, event_id, key)
        lock_dir = self.root / "locks" if self.sandbox else None
        self.connection = Connection(url, event_id, key, event.name, event.timezone, lock_dir)
        return self.connection

    # 2. Upload and columns
    def receive(self, filename: str, content: bytes) -> Upload:
        name = safe_name(filename)
        self.discard_upload()
        self._uploads += 1
        folder = self.root / f"upload-{self._uploads}"
        folder.mkdir(mode=0o700)
        path = folder / name
        path.write_bytes(content)
        try:
            sheets = () if path.suffix in TEXT_SUFFIXES else list_sheets(path)
            zone = self.connection.timezone if self.connection else None
            upload = Upload(folder, path, sheets, timezone=zone)
            table = self._first_readable(upload)
        except ImporterError:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        self.upload, self._table = replace(upload, sheet=table.sheet), table
        self._recall(table)
        return self.upload

    def _recall(self, table: Table) -> None:
        """The columns as chosen on the last upload of the same headers, if any were."""
        assert self.upload is not None
        found = recall(self.memory, table.headers) if self.memory else {}
        if not found:
            return
        upload = replace(self.upload, columns=tuple(found.items()), remembered=True)
        try:
            self.settings(upload)
        except ImporterError:
            return  # choices that no longer fit: the columns are detected afresh
        self.upload = upload

    def remember_columns(self, table: Table) -> None:
        """Keep this upload's column choices for the next file with the same headers."""
        if self.memory is not None and self.upload is not None and self.upload.columns:
            remember(self.memory, table.headers, dict(self.upload.columns))

    def _first_readable(self, upload: Upload) -> Table:
        """The sheet the command line would read; else, on the page, the first one that reads
        at all, so the person can pick the right sheet and columns by hand."""
        try:
            return load_agenda(upload.path, self.settings(upload))
        except ImporterError:
            for name in upload.sheets:
                try:
                    return load_agenda(upload.path, self.settings(replace(upload, sheet=name)))
                except ImporterError:
                    continue
            raise

    def discard_upload(self) -> None:
        if self.upload is not None:
            shutil.rmtree(self.upload.folder, ignore_errors=True)
        self.upload, self.report, self.job, self.skip_invalid = None, None, None, False
        self.plan_token = None
        self._table = None

    def table(self) -> Table:
        assert self.upload is not None
        if self._table is None or self._table.sheet != self.upload.sheet:
            self._table = load_agenda(self.upload.path, self.settings(self.upload))
        return self._table

    def detected(self, table: Table) -> tuple[dict[int, str], str | None]:
        """Each column's field as matched now (index -> field), and why matching failed."""
        assert self.upload is not None
        mapping = self.settings(self.upload).mapping
        # What can be matched is filled in even when a needed column is still missing.
        found = match_columns(table, mapping, required=())
        picked = {index: name for name, index in found.fields.items()}
        try:
            match_columns(table, mapping)
        except ImporterError as exc:
            return picked, exc.message
        return picked, None

    def choose(self, sheet: str | None, columns: dict[str, str], timezone: str) -> None:
        assert self.upload is not None
        for name in columns.values():
            if name not in COLUMN_TARGETS:
                raise UsageError(f'"{name}" is not a session field.')
        sheet = sheet if sheet in self.upload.sheets else self.upload.sheet
        changed_sheet = sheet != self.upload.sheet
        upload = replace(
            self.upload,
            sheet=sheet,
            # Another sheet has other headers: start again from what is detected there.
            columns=() if changed_sheet else tuple(columns.items()),
            edits=() if changed_sheet else self.upload.edits,  # cells of the other sheet
            remembered=False if changed_sheet or columns else self.upload.remembered,
            timezone=timezone.strip() or None,
        )
        settings = self.settings(upload)  # a wrong time zone is refused here, before any work
        if changed_sheet:  # a sheet that cannot be read is not taken
            self._table = load_agenda(upload.path, settings)
        self.upload, self.report, self.plan_token = upload, None, None

    # 3. Check (a dry run against the event: the same call that plans)
    def recheck(self, date_order: str, default_date: str, timezone: str) -> ImportReport:
        """The check again, with how the sheet's dates and times are read as chosen."""
        assert self.upload is not None
        upload = replace(
            self.upload,
            date_order=as_date_order(date_order),  # anything else: from the sheet
            default_date=form_date(default_date),
            timezone=timezone.strip() or None,
        )
        self.settings(upload)  # a wrong time zone is refused here, before any work
        self.upload, self.report, self.plan_token = upload, None, None
        return self.check()

    def check(self) -> ImportReport:
        assert self.upload is not None and self.connection is not None
        request = ImportRequest(
            self.upload.path,
            self.settings(self.upload),
            self.connection.key,
            dry_run=True,
            write_results=False,
            edits=dict(self.upload.edits),
        )
        self.report, self.plan_token = None, None
        if self.history is not None:  # what the page sent last time: edits made in Zuddl since
            self.history.restore_journal(self.connection.event_id, self.upload.path)
        self.report = run_import(request)
        self.plan_token = secrets.token_urlsafe(16)
        return self.report

    def checked_workbook(self) -> Download:
        assert self.report is not None
        report = self.report
        return _taken(
            write_checked(report.table, report.plan.problems, checked_path(report.table.path))
        )

    def template(self) -> Download:
        out = self.root / "agenda-template.xlsx"
        write_template(out)
        return _taken(out)

    # 5. Import
    def start_import(self) -> Job:
        assert self.upload is not None and self.connection is not None
        upload, key, connection = self.upload, self.connection.key, self.connection
        job = Job()
        settings = replace(self.settings(upload), skip_invalid=self.skip_invalid)
        request = ImportRequest(
            upload.path,
            settings,
            key,
            progress=job.on_outcome,
            on_plan=job.on_plan,
            write_back=True,  # the user's own workbook with status and IDs: the next upload
            edits=dict(upload.edits),
        )

        def work() -> None:
            try:
                report = run_import(request)
                job.report = report
                made = {"results": report.results_path, "workbook": report.written_back}
                if self.history is not None:
                    self.history.keep(
                        file=upload.path.name,
                        event=connection.event_name or connection.event_id,
                        summary=report.summary,
                        made={k: v for k, v in made.items() if v is not None},
                    )
                for name, path in made.items():
                    if path is not None and path.exists():
                        job.downloads[name] = _taken(path)
            except ImporterError as exc:
                job.error = exc.message
            except Exception as exc:  # a bug: one line for the page, never a traceback
                job.error = (
                    f"Internal error ({type(exc).__name__}): this is a bug in zuddl-import, "
                    "not a problem with your file. Please report it."
                )
            finally:
                if self.history is not None:
                    self.history.keep_journal(connection.event_id, upload.path)
                # The sheet and everything made from it leave the disk once the run is over.
                shutil.rmtree(upload.folder, ignore_errors=True)
                with job.lock:
                    job.finished = True

        self.job = job
        threading.Thread(target=work, name="zuddl-ui-import", daemon=True).start()
        return job

    def settings(self, upload: Upload) -> Settings:
        connection = self.connection
        base = Settings(
            event_id=connection.event_id if connection else None,
            base_url=connection.base_url if connection else self.defaults["base_url"],
            sheet=upload.sheet,
            results=default_results_path(upload.path),
            lock_dir=connection.lock_dir if connection else None,
            mapping=MappingOptions(
                columns=dict(upload.columns), replace_values=replacements(upload.values)
            ),
        )
        return base.with_overrides(
            timezone=upload.timezone,
            date_order=upload.date_order,
            default_date=upload.default_date,
        )


def replacements(values: Sequence[tuple[str, str, str, int]]) -> dict[str, dict[str, str]]:
    """The values chosen on the page, as the library's [values] tables."""
    result: dict[str, dict[str, str]] = {}
    for name, value, replacement, _ in values:
        result.setdefault(name, {})[value] = replacement
    return result


def form_date(text: str) -> date | None:
    """The date typed (the date field sends 2026-06-10), or None when it is left empty."""
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f'"{text.strip()}" is not a date. Write it like 2026-06-10.') from None


def _taken(path: Path) -> Download:
    """A file made for the person to download, moved from the disk into memory."""
    try:
        return Download(path.name, path.read_bytes())
    finally:
        path.unlink(missing_ok=True)
