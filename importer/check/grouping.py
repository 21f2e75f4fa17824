"""The same problem on many rows, said once with the rows: "Rows 2 to 23 (22 rows), column …".

A sheet read with one wrong setting repeats one message on every row; a screen of identical
lines hides the one fix. Messages that do not quote their cell's value group well.
"""

from __future__ import annotations

from collections.abc import Sequence

from importer.check.drafts import Problem, Severity
from importer.check.phrases import rows_phrase as _rows_phrase


def grouped(problems: Sequence[Problem]) -> list[tuple[Severity, str]]:
    """(severity, text) per distinct message, in the order each first appears."""
    groups: dict[tuple[Severity, str | None, str], list[Problem]] = {}
    for problem in problems:
        groups.setdefault((problem.severity, problem.column, problem.message), []).append(problem)
    lines: list[tuple[Severity, str]] = []
    for (severity, column, message), members in groups.items():
        rows = sorted({p.row for p in members if p.row is not None})
        if any(p.row is None for p in members):
            lines.extend((severity, p.text()) for p in members)
            continue
        if len(rows) == 1:  # one row saying one thing twice says it once
            lines.append((severity, members[0].text()))
            continue
        phrase = _rows_phrase(rows)
        where = f"{phrase[0].upper()}{phrase[1:]} ({len(rows)} rows)"
        if column is not None:
            where += f', column "{column}"'
        lines.append((severity, f"{where}: {message}"))
    return lines
