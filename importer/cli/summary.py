"""A run told in a few lines for its notification: the exit code in words, the counts, the
first problems without the cell text they quote (a webhook is no place for the sheet's data).

Kept in the command line, the one caller, so the sender (importer.sync.notify) never needs
the run's report type.
"""

from __future__ import annotations

import re
from pathlib import Path

from importer.check.drafts import Problem
from importer.plan.status import Status
from importer.read.links import is_link, shown_link
from importer.run import ImportReport
from importer.settings.config import Settings
from importer.sync.notify import MEANING, RunSummary

PROBLEMS_SHOWN = 5
_QUOTED = re.compile(r'"[^"]*"')


def agenda_label(agenda: Path | str | None) -> str | None:
    if agenda is None:
        return None
    return shown_link(agenda) if isinstance(agenda, str) and is_link(agenda) else Path(agenda).name


def summary_of_report(
    report: ImportReport, settings: Settings, agenda: Path | str | None, *, unchanged: bool
) -> RunSummary:
    code = int(report.exit_code)
    problems = [p for p in report.plan.problems if p.severity == "error"]
    error = report.stopped.message if report.stopped is not None else None
    if report.interrupted:
        error = "The run was interrupted; rows not sent are marked in the results sheet."
    return RunSummary(
        code,
        MEANING.get(code, "failed"),
        settings.event_id,
        agenda_label(agenda if agenda is not None else settings.agenda),
        report.run_id,
        {s.value: report.counts[s] for s in Status if report.counts.get(s)},
        [problem_line(p) for p in problems[:PROBLEMS_SHOWN]],
        len(problems),
        error,
        str(report.results_path) if report.results_path else None,
        unchanged,
    )


def summary_of_error(
    code: int, message: str, settings: Settings, agenda: Path | str | None
) -> RunSummary:
    """A run that stopped before it had a report: a bad file, an unreachable API, a bug."""
    return RunSummary(
        code,
        MEANING.get(code, "failed"),
        settings.event_id,
        agenda_label(agenda if agenda is not None else settings.agenda),
        error=message,
    )


def problem_line(problem: Problem) -> str:
    """A problem without the cell text it quotes: the row and column say where to look."""
    where = [f"Row {problem.row}"] if problem.row is not None else []
    if problem.column is not None:
        where.append(f'column "{problem.column}"')
    message = _QUOTED.sub('"…"', problem.message)
    return f"{', '.join(where)}: {message}" if where else message
