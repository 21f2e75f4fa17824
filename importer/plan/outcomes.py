"""Every row's outcome before anything is sent: invalid, skipped, unchanged, planned.

The runner starts from these and replaces the rows it sends with what the dispatcher reports;
rows it holds back keep these, with the reason they were not sent.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from importer.plan.build import DERIVED_NOTE, Plan
from importer.plan.status import Outcome, Status
from importer.read.table import Table


def hold(
    outcomes: dict[int, Outcome], rows: Iterable[int], warnings: Mapping[int, str], why: str
) -> None:
    """Rows that were not sent: say why, keeping what they were warned about."""
    for row in rows:
        text = f"{why} {warnings.get(row, '')}".strip()
        outcomes[row] = dataclasses.replace(outcomes[row], http_status=None, message=text)


def row_warnings(plan: Plan) -> dict[int, str]:
    """Each row's warnings as one text, the derived reference ID note first."""
    found: dict[int, list[str]] = {}
    for problem in plan.problems:
        if problem.row is not None and problem.severity == "warning":
            found.setdefault(problem.row, []).append(problem.text())
    for row in plan.derived:
        if row not in plan.notes:  # a row matched to its session needs no advice to copy IDs
            found.setdefault(row, []).insert(0, DERIVED_NOTE.format(ref=plan.references[row]))
    for row, note in plan.notes.items():
        found.setdefault(row, []).insert(0, note)
    return {row: " ".join(texts) for row, texts in found.items()}


def before_sending(
    table: Table, plan: Plan, row_warnings: Mapping[int, str], *, dry_run: bool
) -> dict[int, Outcome]:
    """Every row's outcome before (or without) sending: invalid, skipped, unchanged, planned."""
    errors_by_row: dict[int, list[str]] = {}
    for problem in plan.problems:
        if problem.row is not None and problem.severity == "error":
            errors_by_row.setdefault(problem.row, []).append(problem.text())
    steps = {step.draft.row: step for step in plan.steps}
    outcomes = {}
    for row in table.rows:
        n, ref = row.number, plan.references.get(row.number)
        errors = errors_by_row.get(n, [])
        warnings = row_warnings.get(n, "")
        if n in plan.invalid_rows:
            outcomes[n] = Outcome(n, Status.INVALID, message=" ".join(errors) or warnings)
        elif n in plan.skipped:
            outcomes[n] = Outcome(n, Status.SKIPPED, message=plan.skipped[n], reference_id=ref)
        elif n in plan.unchanged:
            session_id, note = plan.unchanged[n]
            outcomes[n] = Outcome(
                n,
                Status.UNCHANGED,
                session_id,
                plan.parents.get(n),
                message=" ".join(t for t in (note, warnings) if t),
                reference_id=ref,
            )
        else:
            step = steps[n]
            if dry_run:
                what = (
                    "Would update " + "; ".join(c.text() for c in step.changes) + "."
                    if step.action == "update"
                    else "Would create."
                )
                outcomes[n] = Outcome(
                    n,
                    Status.PLANNED,
                    step.session_id,
                    step.parent_session_id,
                    message=f"{what} {warnings}".strip(),
                    reference_id=ref,
                )
            else:
                # A placeholder: the dispatcher's outcome or a reason (_hold) replaces it.
                outcomes[n] = Outcome(
                    n,
                    Status.SKIPPED,
                    step.session_id,
                    step.parent_session_id,
                    message=warnings,
                    reference_id=ref,
                )
    return outcomes
