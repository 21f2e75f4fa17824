"""Drafts -> an ordered plan: every parent before its children, problems named by row."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass

from importer.mapper import UUID_RE, Draft, Mapped, Problem


@dataclass(frozen=True, slots=True)
class Step:
    draft: Draft
    wave: int
    parent_row: int | None  # a row of this sheet that must be created first
    parent_session_id: str | None  # a parent that already exists in Zuddl


@dataclass(frozen=True)
class Plan:
    steps: tuple[Step, ...]  # in wave order, then row order
    problems: tuple[Problem, ...]
    invalid_rows: frozenset[int]
    skipped: Mapping[int, str]  # row -> why it is not sent although it is valid

    @property
    def wave_count(self) -> int:
        return max((s.wave for s in self.steps), default=-1) + 1

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")


def build_plan(
    mapped: Mapped,
    *,
    existing: Mapping[str, str] | None = None,
    invalid_refs: Mapping[str, int] | None = None,
) -> Plan:
    """Order ``mapped.drafts`` into waves.

    ``existing`` maps reference IDs of sessions already in the event to their Zuddl IDs.
    ``invalid_refs`` maps reference IDs of invalid rows to their row, so their children
    can say why they are held back.
    """
    existing = existing or {}
    invalid_refs = invalid_refs or {}
    parent_header = mapped.columns.header("parent") if "parent" in mapped.columns.fields else None
    by_ref = {d.reference_id: d for d in mapped.drafts if d.reference_id}
    problems = list(mapped.problems)
    invalid = set(mapped.invalid_rows)
    skipped: dict[int, str] = {}
    parent_of: dict[int, int] = {}
    external: dict[int, str] = {}

    def fail(draft: Draft, message: str) -> None:
        problems.append(Problem(draft.row, parent_header, draft.parent_ref, message))
        invalid.add(draft.row)

    for draft in mapped.drafts:
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
            external[draft.row] = existing[ref]
        elif UUID_RE.match(ref):
            external[draft.row] = ref.lower()
        else:
            folded = {known.casefold(): known for known in [*by_ref, *existing]}
            close = difflib.get_close_matches(ref.casefold(), list(folded), n=1, cutoff=0.6)
            hint = f' Did you mean "{folded[close[0]]}"?' if close else ""
            fail(
                draft,
                f'Parent "{ref}" is not the reference ID of any row in this sheet nor of '
                f"a session in the event.{hint} Check the spelling, or leave Parent empty.",
            )

    rows = {d.row: d for d in mapped.drafts}
    for start in sorted(parent_of):
        chain, current = [start], parent_of.get(start)
        while current is not None and current not in chain and current in parent_of:
            chain.append(current)
            current = parent_of[current]
        if current is not None and current in chain and current == start:
            refs = " → ".join(f'"{rows[r].reference_id}"' for r in [*chain, start])
            numbers = " → ".join(str(r) for r in [*chain, start])
            fail(
                rows[start],
                f"Rows {numbers} are each other's parents in a loop ({refs}). "
                "A session cannot be inside its own child: fix one of these Parent cells.",
            )

    depth: dict[int, int] = {}

    def wave_of(row: int) -> int | None:
        """None when the row cannot be sent because an ancestor is invalid."""
        if row in depth:
            return depth[row]
        parent = parent_of.get(row)
        if parent is None:
            depth[row] = 0
            return 0
        if parent in invalid or parent in skipped:
            skipped[row] = f"Not sent: its parent (row {parent}) has a problem. Fix that row first."
            return None
        above = wave_of(parent)
        if above is None:
            skipped[row] = f"Not sent: its parent (row {parent}) is not sent either."
            return None
        depth[row] = above + 1
        return depth[row]

    steps = []
    for draft in sorted(mapped.drafts, key=lambda d: d.row):
        if draft.row in invalid:
            continue
        wave = wave_of(draft.row)
        if wave is not None:
            steps.append(Step(draft, wave, parent_of.get(draft.row), external.get(draft.row)))
    steps.sort(key=lambda s: (s.wave, s.draft.row))
    return Plan(tuple(steps), tuple(problems), frozenset(invalid), skipped)
