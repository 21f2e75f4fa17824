"""What the CLI prints around an import: plan, problems, progress bar, summary, created table.

Kept apart from cli.py so the click layer stays thin; tqdm is used here and never in the library.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Never
from zoneinfo import ZoneInfo

import click
from tqdm import tqdm

from importer.config import Secret, Settings
from importer.errors import UsageError
from importer.plan import Plan
from importer.results import Outcome, Status
from importer.runner import ImportReport, ImportRequest, run_import

MAX_PROBLEMS_SHOWN = 20


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"


def show_plan(plan: Plan, dry_run: bool) -> None:
    creates, updates = plan.count("create"), plan.count("update")
    waves, writes = plan.wave_count, creates + updates
    verb = "would make" if dry_run else "makes"
    sends = (
        f"this run {verb} {_count(writes, 'write')} in {_count(waves, 'wave')} (parents first)"
        if writes
        else f"this run {'would send' if dry_run else 'sends'} nothing"
    )
    click.echo(
        f"Plan: {creates} to create, {updates} to update, {len(plan.unchanged)} unchanged, "
        f"{len(plan.invalid_rows)} invalid; {sends}."
    )


def show_changes(plan: Plan) -> None:
    for step in plan.steps:
        ref = step.draft.reference_id
        if step.action == "update":
            click.echo(f"  update row {step.draft.row} ({ref}):")
            for change in step.changes:
                click.echo(f"      {change.text()}")
        else:
            click.echo(f"  create row {step.draft.row} ({ref}): {step.draft.title[:60]}")


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


def plan_and_report(agenda: Path | None, settings: Settings, key: Secret | None) -> int:
    report = run_import(ImportRequest(agenda, settings, key, dry_run=True, write_results=False))
    show_plan(report.plan, dry_run=True)
    show_changes(report.plan)
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
    for problem in (errors + warnings)[:MAX_PROBLEMS_SHOWN]:
        label = "error" if problem.severity == "error" else "note"
        click.echo(f"  {label}: {problem.text()}", err=True)
    if len(problems) > MAX_PROBLEMS_SHOWN:
        click.echo(
            f"  ... and {len(problems) - MAX_PROBLEMS_SHOWN} more: "
            + (rest or f"every row's message is in the results sheet {report.results_path}."),
            err=True,
        )


def print_created(report: ImportReport) -> None:
    zone = ZoneInfo(report.timezone)
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


def run_and_report(
    agenda: Path | None,
    settings: Settings,
    key: Secret | None,
    *,
    dry_run: bool,
    progress: bool,
    show_created: bool = False,
    write_back: bool = False,
) -> int:
    bar: tqdm[Never] | None = None
    use_bar = progress and sys.stderr.isatty()

    def on_plan(plan: Plan) -> None:
        nonlocal bar
        show_plan(plan, dry_run)
        if use_bar and not dry_run and plan.steps:
            bar = tqdm(total=len(plan.steps), unit="session", file=sys.stderr, leave=False)

    def on_outcome(outcome: Outcome) -> None:
        if bar is not None:
            bar.update(1)

    request = ImportRequest(
        agenda, settings, key, dry_run, on_outcome, on_plan, write_back=write_back
    )
    try:
        report = run_import(request)
    finally:
        if bar is not None:
            bar.close()
    show_problems(report)
    if report.stopped is not None and report.stopped.exit_code == 5:
        show_changes(report.plan)
    if show_created:
        print_created(report)
    if report.stopped is not None:
        click.echo(
            f"Error: {report.stopped.message} The run stopped; rows not sent are "
            "marked in the results sheet.",
            err=True,
        )
    if report.interrupted:
        click.echo("Interrupted: rows not sent are marked in the results sheet.", err=True)
    click.echo(f"{'Dry run' if dry_run else 'Done'}: {report.summary}.")
    click.echo(f"Results: {report.results_path}")
    if report.written_back is not None:
        click.echo(f"Your workbook with status and Zuddl IDs: {report.written_back}")
    return int(report.exit_code)


def validate_and_report(agenda: Path | None, settings: Settings, key: Secret | None) -> int:
    from importer.workbook import checked_path, write_checked

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
