"""What the columns step says when a column every session needs is not there.

The library's message names the missing fields and a header that may hold each; on the page a
person also needs to know what to do when no column can: a list of papers without times cannot
become Zuddl sessions until the sheet has them, and saying so plainly beats a dead end.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from importer.check.columns import looks_like
from importer.read.table import Table

NEEDED = ("title", "start")
LABELS = {"title": "Title", "start": "Start time"}
_ADD = {
    "title": (
        "No column holds the sessions' names. Add a Title column to the sheet with each "
        "session's name, then upload the file again."
    ),
    "start": (
        "No column holds times (like 09:30, or 2026-06-10 09:30). Every session in Zuddl has a "
        "start and an end, so the sheet needs them: add a Start column and an End column (or a "
        "Duration in minutes), fill them in for each row, and upload the file again. Rows that "
        "belong to a session (papers, talks of a track) need times of their own too: copy their "
        "session's times, or the times of each talk, into them."
    ),
}


@dataclass(frozen=True)
class Missing:
    field: str
    label: str
    candidates: tuple[str, ...]  # headers whose values look like the field
    add: str  # what to add to the sheet when no column will do


def missing_help(table: Table, detected: Mapping[int, str]) -> tuple[Missing, ...]:
    """For each needed field no column is chosen for: the columns that could hold it."""
    chosen = set(detected.values())
    result = []
    for field in NEEDED:
        if field in chosen:
            continue
        candidates = tuple(
            header
            for index, header in enumerate(table.headers)
            if index not in detected and _holds(table, index, field)
        )
        result.append(Missing(field, LABELS[field], candidates[:5], _ADD[field]))
    return tuple(result)


def _holds(table: Table, index: int, field: str) -> bool:
    values = [r.values[index] for r in table.rows[:50] if r.values[index] is not None]
    return bool(values) and sum(looks_like(field, v) for v in values) * 2 >= len(values)
