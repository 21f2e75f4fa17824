"""What the CLI prints around an import: plan, problems, progress bar, summary, created table.

Kept apart from cli.py so the click layer stays thin; tqdm is used here and never in the library.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Never

import click
from tqdm import tqdm

from importer.check.grouping import grouped
from importer.cli.planview import PlanView
from importer.cli.summary import summary_of_error, summary_of_report
from importer.errors import ExitCode, ImporterError, UsageError
from importer.plan.build import Plan
from importer.plan.status import Outcome, Status
from importer.read.download import AgendaSource
from importer.run import ImportReport, ImportRequest, run_import
from importer.settings.checks import check_timezone
from importer.settings.config import Secret, Settings
from importer.sync.notify import deliver

MAX_PROBLEMS_SHOWN = 20


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"


def show_plan(plan: Plan, dry_run: bool) -> None:
    creates, updates = plan.count("create"), plan.count("update")
    waves, writes = plan.wave_count, creates + updates
    verb = "would make" if dry_run else "makes"
    calls = plan.speaker_calls  # a session's speakers: a POST, a DELETE, or both
    linking = (
        f"{_count(calls, 'speaker call')} ({_count(len(plan.speakers), 'session')})"
        if calls
        else ""
    )
    if writes:
        waved = f"{_count(writes, 'write')} in {_count(waves, 'wave')} (parents first)"
        sends = f"this run {verb} {waved}" + (f" and {linking}" if linking else "")
    elif linking:
        sends = f"this run {verb} {linking}"
    else:
        sends = f"this run {'would send' if dry_run else 'sends'} nothing"
    click.echo(
        f"Plan: {creates} to create, {updates} to update, {len(plan.unchanged)} unchanged, "
        f"{len(plan.invalid_rows)} invalid; {sends}."
    )
    show_row_notes(plan)


def show_row_notes(plan: Plan, limit: int = 20) -> None:
    """What the plan decided beyond create/update: rows matched by title or slot, edits made in
    Zuddl that are kept, rows held by a conflict, sessions the sheet no longer has."""
    lines = [
        f"  row {row} ({plan.references.get(row, '')}): {note}"
        for row, note in sorted(plan.notes.items())
    ]
    lines += [
        f"  row {row}: {why}"
        for row, why in sorted(plan.skipped.items())
        if why.startswith("Not sent: changed both")
    ]
    for line in lines[:limit]:
        click.echo(line)
    if len(lines) > limit:
        click.echo(f"  ... and {len(lines) - limit} more (see the results sheet)")
    if plan.absent:
        removed = sum(1 for _, mine in plan.absent if mine)
        click.echo(
            f"In Zuddl, not in the sheet: {_count(len(plan.absent), 'session')}"
            + (
                f" ({removed} removed from the sheet since this sheet created them)"
                if removed
                else ""
            )
            + "; nothing is deleted (see the results sheet)."
        )


def show_changes(report: ImportReport, full: bool = False) -> None:
    """Creates and updates as the agenda reads (local times, room names); --full: texts whole."""
    view = PlanView(report.timezone, report.location_names, full)
    for line in view.plan_lines(report.plan):
        click.echo(line)


class JsonLines(logging.Formatter):
    """One JSON object a line: what a log collector reads. Never a header or a key."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "event": getattr(record, "event", record.getMessage()),
            "run": getattr(record, "run", None),
            **getattr(record, "data", {}),
        }
        return json.dumps(entry, ensure_ascii=False, default=str)


# Characters that would end or bend a line of a text log: a value from a sheet holding one
# could forge a line (a "summary ... exit_code=0" of its own). Written as escapes instead.
_LINE_BREAKERS = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")


def _one_line(value: object) -> str:
    return _LINE_BREAKERS.sub(lambda found: repr(found.group())[1:-1], str(value))


class TextLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = getattr(record, "data", {})
        details = " ".join(f"{k}={_one_line(v)}" for k, v in data.items())
        when = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%d %H:%M:%S")
        run = getattr(record, "run", "")
        return (
            f"{when} {record.levelname.lower()} run={run} {getattr(record, 'event', '')} {details}"
        )


def setup_logging(settings: Settings) -> None:
    """--log-file / --log-format: JSON lines or text, appended; JSON without a file: stderr."""
    if settings.log_file is None and settings.log_format != "json":
        return
    handler: logging.Handler
    if settings.log_file is not None:
        try:
            handler = logging.FileHandler(settings.log_file, encoding="utf-8")
        except OSError as exc:
            raise UsageError(
                f'Cannot write the log file "{settings.log_file}": {exc.strerror}.'
            ) from exc
    else:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines() if settings.log_format == "json" else TextLines())
    logger = logging.getLogger("zuddl_import")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def plan_and_report(
    agenda: Path | str | None, settings: Settings, key: Secret | None, full: bool = False
) -> int:
    report = run_import(ImportRequest(agenda, settings, key, dry_run=True, write_results=False))
    show_plan(report.plan, dry_run=True)
    show_changes(report, full)
    show_problems(report)
    return int(report.exit_code)


def show_problems(report: ImportReport, rest: str | None = None) -> None:
    """The notes and the first problems; ``rest`` says where the others are to be read."""
    problems = report.plan.problems
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    for note in report.notes:
        click.echo(f"Note: {note}", err=True)
    if not problems:
        return
    click.echo(
        f"Problems in {report.where}: {len(errors)} error{'s' * (len(errors) != 1)}, "
        f"{len(warnings)} note{'s' * (len(warnings) != 1)}.",
        err=True,
    )
    lines = grouped(errors + warnings)  # one line for a message repeated on many rows
    for severity, text in lines[:MAX_PROBLEMS_SHOWN]:
        label = "error" if severity == "error" else "note"
        click.echo(f"  {label}: {text}", err=True)
    if len(lines) > MAX_PROBLEMS_SHOWN:
        click.echo(
            f"  ... and {len(lines) - MAX_PROBLEMS_SHOWN} more: "
            + (rest or f"every row's message is in the results sheet {report.results_path}."),
            err=True,
        )


def print_created(report: ImportReport) -> None:
    zone = check_timezone(report.timezone)
    drafts = {d.row: d for d in report.mapped.drafts}
    heading = f"Start ({report.timezone})"
    width = max(16, len(heading))
    lines = []
    for outcome in sorted(report.outcomes.values(), key=lambda o: o.row):
        draft = drafts.get(outcome.row)
        if outcome.status != Status.CREATED or draft is None:
            continue
        start = draft.start.astimezone(zone).strftime("%a %d %b %H:%M")
        title = (("  ↳ " if outcome.parent_session_id else "") + draft.title)[:48]
        lines.append(f"  {outcome.row:>4}  {start:<{width}}  {title:<48}  {outcome.session_id}")
    if lines:
        click.echo(f"  {'Row':>4}  {heading:<{width}}  {'Title':<48}  Zuddl ID")
        click.echo("\n".join(lines))


class _Watch:
    """The run's callbacks: what to say when the source is known, the plan and progress bar."""

    def __init__(self, *, dry_run: bool, use_bar: bool) -> None:
        self.dry_run, self.use_bar = dry_run, use_bar
        self.unchanged = False
        self.bar: tqdm[Never] | None = None

    def on_source(self, source: AgendaSource) -> None:
        self.unchanged = source.unchanged and not self.dry_run
        if source.link is not None:
            click.echo(f"Agenda downloaded from {source.link}: {source.path}")
        if self.unchanged:
            click.echo(
                "The sheet is unchanged since the last run: the event is only checked for "
                "edits made in Zuddl, and nothing is written."
            )

    def on_plan(self, plan: Plan) -> None:
        show_plan(plan, self.dry_run or self.unchanged)
        if self.use_bar and not self.dry_run and plan.steps:
            self.bar = tqdm(total=len(plan.steps), unit="session", file=sys.stderr, leave=False)

    def on_outcome(self, outcome: Outcome) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run_and_report(
    agenda: Path | str | None,
    settings: Settings,
    key: Secret | None,
    *,
    dry_run: bool,
    progress: bool,
    show_created: bool = False,
    write_back: bool = False,
    full: bool = False,
) -> int:
    watch = _Watch(dry_run=dry_run, use_bar=progress and sys.stderr.isatty())
    request = ImportRequest(
        agenda,
        settings,
        key,
        dry_run,
        watch.on_outcome,
        watch.on_plan,
        write_back=write_back,
        on_source=watch.on_source,
    )
    try:
        with notify_on_error(settings, agenda):
            report = run_import(request)
    finally:
        watch.close()
    unchanged = watch.unchanged
    _show_report(report, dry_run=dry_run, unchanged=unchanged, full=full, created=show_created)
    _warn(deliver(summary_of_report(report, settings, agenda, unchanged=unchanged), settings))
    return int(report.exit_code)


def _show_report(
    report: ImportReport, *, dry_run: bool, unchanged: bool, full: bool, created: bool
) -> None:
    show_problems(report)
    if report.stopped is not None and report.stopped.exit_code == 5:
        show_changes(report, full)
    if created:
        print_created(report)
    if report.stopped is not None:
        click.echo(
            f"Error: {report.stopped.message} The run stopped; rows not sent are "
            "marked in the results sheet.",
            err=True,
        )
    if report.interrupted:
        click.echo("Interrupted: rows not sent are marked in the results sheet.", err=True)
    if unchanged:
        show_edits_in_zuddl(report.plan)
    click.echo(f"{'Dry run' if dry_run else 'Checked' if unchanged else 'Done'}: {report.summary}.")
    click.echo(f"Results{' (of the last run)' * unchanged}: {report.results_path}")
    if report.written_back is not None:
        click.echo(f"Your workbook with status and Zuddl IDs: {report.written_back}")


def show_edits_in_zuddl(plan: Plan) -> None:
    """An unchanged sheet whose sessions differ from the event: they were edited in Zuddl."""
    if not plan.steps:
        return
    rows = ", ".join(str(step.draft.row) for step in plan.steps[:20])
    count = len(plan.steps)
    click.echo(
        f"Note: {_count(count, 'session')} of the event differ{'s' * (count == 1)} from the "
        f"sheet (rows {rows}{', ...' * (count > 20)}): edited or deleted in Zuddl since the "
        "last run. Nothing was written; the next run after the sheet changes sets them back "
        "to the sheet, unless the sheet is edited to match.",
        err=True,
    )


@contextlib.contextmanager
def notify_on_error(settings: Settings, agenda: Path | str | None) -> Iterator[None]:
    """A run that ends in an error (no key, a bad file, an unreachable API, a bug) is news for
    [notify] too; the error then goes on to main(), which prints it and picks the exit code."""
    try:
        yield
    except (Exception, KeyboardInterrupt) as exc:
        if isinstance(exc, ImporterError):
            code, message = int(exc.exit_code), exc.message
        elif isinstance(exc, click.ClickException):
            code, message = int(ExitCode.USAGE), exc.format_message()
        elif isinstance(exc, KeyboardInterrupt | click.exceptions.Abort):
            code, message = int(ExitCode.INTERRUPTED), "Interrupted."
        else:
            code, message = int(ExitCode.INTERNAL), f"Internal error ({type(exc).__name__})."
        _warn(deliver(summary_of_error(code, message, settings, agenda), settings))
        raise


def _warn(failures: list[str]) -> None:
    for failure in failures:
        click.echo(f"Warning: the notification was not delivered: {failure}.", err=True)


def validate_and_report(agenda: Path | str | None, settings: Settings, key: Secret | None) -> int:
    from importer.read.agenda import RESHAPED, reshaped
    from importer.write.workbook import checked_path, write_checked

    report = run_import(ImportRequest(agenda, settings, key, dry_run=True, write_results=False))
    table, plan = report.table, report.plan
    errors = plan.errors
    bad_rows = {p.row for p in errors if p.row is not None}
    click.echo(
        f"Checked {report.where}: {_count(len(table.rows), 'row')}, "
        f"{len(table.rows) - len(bad_rows)} OK, {len(bad_rows)} with problems."
    )
    per_column = Counter(p.column or "(whole row)" for p in errors)
    if per_column:
        click.echo(
            "Problems per column: "
            + ", ".join(f"{column} {count}" for column, count in per_column.most_common())
            + "."
        )
    out_path = checked_path(table.path)
    show_problems(report, f"all are on the Problems sheet of {out_path}.")
    if reshaped(table):  # a grid, several sheets, JSON: no cells of the file to mark
        click.echo(RESHAPED.format(name=table.path.name, what="a checked copy"))
        return 1 if errors else 0
    if not plan.problems:
        # Nothing to mark: a copy of a clean workbook would only cost time (most of a
        # validation of a big file) and disk.
        click.echo("No checked copy written: there is nothing to mark.")
        return 0
    out = write_checked(table, plan.problems, out_path)
    click.echo(
        f"Checked copy: {out} (bad cells are red with a comment saying how to fix them; "
        "the Problems sheet lists them all)."
    )
    return 1 if errors else 0
