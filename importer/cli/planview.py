"""The printed plan, in the agenda's own terms: local times, room names, long texts cut.

A plan speaks Zuddl's language (UTC text, location IDs) because that is what is compared and
sent; staff check it against their agenda, so what is printed is turned back into theirs: times
in the event's zone, rooms by name (IDs only where the event's names were not read), texts cut
to one line unless ``--full`` asks for them whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from importer.plan.build import Plan
from importer.plan.reconcile import FIELD_NAMES, Change
from importer.settings.checks import check_timezone

CUT = 60  # characters of a text shown without --full
_TIME = "%a %d %b %H:%M"
_TEXT_FIELDS = frozenset({"title", "description"})


@dataclass(frozen=True)
class PlanView:
    timezone: str
    location_names: Mapping[str, str]  # location ID (lower case) -> name
    full: bool = False

    def plan_lines(self, plan: Plan) -> list[str]:
        """One line a create, a line a changed field of an update, in plan order; a session's
        speaker changes under it (or on a line of their own when nothing else changes)."""
        lines = [f"  Times in {self.timezone}."] if plan.steps else []
        for step in plan.steps:
            draft, ref = step.draft, step.draft.reference_id
            if step.action != "create":  # an update, field by field
                lines.append(f"  {step.action} row {draft.row} ({ref}):")
                lines.extend(f"      {self.change(c)}" for c in step.changes)
            else:
                where = self.span(draft.start, draft.end)
                if draft.location_id:
                    where += f", {self.room(draft.location_id)}"
                title = self.cut(draft.title)
                lines.append(f"  create row {draft.row} ({ref}): {title} ({where})")
            if draft.row in plan.speakers:
                lines.append(f"      speakers: {plan.speakers[draft.row].text()}")
        stepped = {step.draft.row for step in plan.steps}
        lines.extend(
            f"  speakers of row {row} ({plan.references.get(row, '')}): {change.text()}"
            for row, change in sorted(plan.speakers.items())
            if row not in stepped
        )
        return lines

    def change(self, change: Change) -> str:
        old, new = self.value(change.field, change.old), self.value(change.field, change.new)
        return f"{FIELD_NAMES.get(change.field, change.field)}: {old} → {new}"

    def value(self, field: str, value: object) -> str:
        if value is None or value == () or value == "":
            return "(empty)"
        if field in ("start", "end"):
            return self.when(value)
        if field == "location_id" and isinstance(value, str):
            return f'"{self.room(value)}"'
        if isinstance(value, tuple):
            return ", ".join(str(v) for v in value)
        if field in _TEXT_FIELDS or isinstance(value, str):
            return f'"{self.cut(str(value))}"'
        return str(value)

    def when(self, value: object) -> str:
        """A moment as the agenda shows it: "Wed 10 Jun 09:00" in the event's zone."""
        moment = value if isinstance(value, datetime) else _parse(value)
        if moment is None:
            return f'"{value}"'
        return moment.astimezone(check_timezone(self.timezone)).strftime(_TIME)

    def span(self, start: datetime, end: datetime) -> str:
        zone = check_timezone(self.timezone)
        first, last = start.astimezone(zone), end.astimezone(zone)
        if first.date() == last.date():
            return f"{first.strftime(_TIME)}–{last.strftime('%H:%M')}"
        return f"{first.strftime(_TIME)} – {last.strftime(_TIME)}"

    def room(self, location_id: str) -> str:
        return self.location_names.get(location_id.lower(), location_id)

    def cut(self, text: str) -> str:
        """Whole with --full (line breaks kept, indented under the line); else one line of
        at most CUT characters."""
        if self.full:
            return text.replace("\n", "\n        ")
        line = " ".join(text.split())
        return line if len(line) <= CUT else line[:CUT] + "…"


def _parse(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
