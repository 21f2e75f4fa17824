"""Each Parent cell resolved: a row of this sheet, or a session already in Zuddl.

A Parent that names nothing gets a "did you mean"; rows that are each other's parents are
refused before any wave is ordered. Kept apart from build.py, which orders what is resolved here.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping

from importer.check.drafts import Draft, Mapped, Problem
from importer.plan.remote import RemoteSession
from importer.settings.checks import UUID_RE


def resolve_parents(
    mapped: Mapped,
    drafts: list[Draft],
    existing: Mapping[str, RemoteSession],
    invalid_refs: Mapping[str, int],
    event_known: bool,
    problems: list[Problem],
    invalid: set[int],
) -> tuple[dict[int, int], dict[int, str]]:
    """Each Parent cell resolved: a row of this sheet, or a session already in Zuddl."""
    parent_header = mapped.columns.header("parent") if "parent" in mapped.columns.fields else None
    by_ref = {d.reference_id: d for d in drafts if d.reference_id}
    parent_of: dict[int, int] = {}
    outside: dict[int, str] = {}
    hints = _Hints([*by_ref, *existing])

    def fail(draft: Draft, message: str, kind: str | None = None) -> None:
        cell = mapped.columns.cell("parent", draft.row)
        problems.append(
            Problem(draft.row, parent_header, draft.parent_ref, message, cell=cell, kind=kind)
        )
        invalid.add(draft.row)

    for draft in drafts:
        ref = draft.parent_ref
        if ref is None:
            continue
        if ref == draft.reference_id:
            fail(
                draft,
                f'"{ref}" is this row\'s own reference ID: a session cannot be its own '
                "parent. Leave Parent empty or name another session.",
            )
        elif ref in by_ref:
            parent_of[draft.row] = by_ref[ref].row
        elif ref in invalid_refs:
            parent_of[draft.row] = invalid_refs[ref]
        elif ref in existing:
            outside[draft.row] = existing[ref].id
        elif UUID_RE.match(ref):
            outside[draft.row] = ref.lower()
        elif not event_known:  # a check without the API cannot say the parent is missing
            cell = mapped.columns.cell("parent", draft.row)
            message = (
                f'Parent "{ref}" is not a row of this sheet; it was not checked '
                "against the event (give --event and set ZUDDL_API_KEY to check it)."
            )
            problems.append(Problem(draft.row, parent_header, ref, message, "warning", cell))
        else:
            fail(
                draft,
                f'Parent "{ref}" is not the reference ID of any row in this sheet nor of '
                f"a session in the event.{hints.hint(ref)} Check the spelling, or leave "
                "Parent empty.",
                "unknown_parent",
            )
    _refuse_loops(drafts, parent_of, fail)
    return parent_of, outside


class _Hints:
    """ "Did you mean" for a misspelt parent, in time linear in the rows: candidates are
    bucketed by first letter and length, so each look-up compares with a few, not all."""

    def __init__(self, known: Iterable[str]) -> None:
        self.folded = {k.casefold(): k for k in known}
        self.buckets: dict[tuple[str, int], list[str]] = {}
        for key in self.folded:
            self.buckets.setdefault((key[:1], len(key)), []).append(key)

    def hint(self, ref: str) -> str:
        key = ref.casefold()
        pool = [
            k
            for size in range(len(key) - 2, len(key) + 3)
            for k in self.buckets.get((key[:1], size), ())[:50]
        ]
        close = difflib.get_close_matches(key, pool, n=1, cutoff=0.6)
        return f' Did you mean "{self.folded[close[0]]}"?' if close else ""


def _refuse_loops(
    drafts: list[Draft], parent_of: dict[int, int], fail: Callable[[Draft, str], None]
) -> None:
    rows = {d.row: d for d in drafts}
    for start in sorted(parent_of):
        chain, current = [start], parent_of.get(start)
        while current is not None and current not in chain and current in parent_of:
            chain.append(current)
            current = parent_of[current]
        if current == start:
            refs = " → ".join(f'"{rows[r].reference_id}"' for r in [*chain, start])
            numbers = " → ".join(str(r) for r in [*chain, start])
            fail(
                rows[start],
                f"Rows {numbers} are each other's parents in a loop ({refs}). "
                "A session cannot be inside its own child: fix one of these Parent cells.",
            )
