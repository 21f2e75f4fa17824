"""One row against its session in Zuddl, field by field: what to change, what to keep.

Only the fields the sheet holds are compared; the others keep Zuddl's value (a PUT carries
the whole body, so it carries Zuddl's own value for them). Where the journal knows what this
tool last sent, a field that Zuddl changed since and the sheet did not is an edit made in
Zuddl: kept, and said. Changed on both sides is a conflict, settled by ``on_conflict``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from importer.fields import FIELDS, RECONCILED
from importer.plan.remote import RemoteSession

OnConflict = Literal["stop", "sheet", "zuddl"]
# The plan's name of each field compared here -> (its name, how: "id" in any case, "set" in
# any order, "value" as it is), from importer/fields.py.
_MARKED = {
    f.compared.key: (f.name, f.compared.how)
    for f in FIELDS
    if f.compared and f.compared.how in RECONCILED
}
# In the order a session's attributes are declared, so changes read title first, parent last.
COMPARED = tuple(a.name for a in dataclasses.fields(RemoteSession) if a.name in _MARKED)
# The plan's name -> the field's name, as the config file and the messages say it.
FIELD_NAMES = {key: _MARKED[key][0] for key in COMPARED}
_UNKNOWN = object()


@dataclass(frozen=True, slots=True)
class Change:
    field: str
    old: object
    new: object

    def text(self) -> str:
        name = FIELD_NAMES[self.field]
        if _comparable(self.field, self.new) in (None, frozenset()):
            return f"{name}: cleared (was {_show(self.old)})"
        return f"{name}: {_show(self.old)} → {_show(self.new)}"


@dataclass(frozen=True)
class Verdict:
    changes: tuple[Change, ...] = ()  # the sheet's values to send
    keep: Mapping[str, object] = field(default_factory=dict)  # field -> Zuddl's value, sent back
    kept_in_zuddl: tuple[Change, ...] = ()  # edits made in Zuddl, kept (old: what was sent)
    conflicts: tuple[Change, ...] = ()  # changed on both sides (old: Zuddl, new: the sheet)

    def note(self) -> str:
        if not self.kept_in_zuddl:
            return ""
        shown = "; ".join(f"{FIELD_NAMES[c.field]} {_show(c.new)}" for c in self.kept_in_zuddl)
        return f"Changed in Zuddl, kept: {shown}."

    def conflict_text(self) -> str:
        shown = "; ".join(
            f"{FIELD_NAMES[c.field]}: Zuddl {_show(c.old)}, sheet {_show(c.new)}"
            for c in self.conflicts
        )
        return (
            f"Not sent: changed both in Zuddl and in the sheet since the last import ({shown}). "
            "Make them agree, or choose with --on-conflict sheet or --on-conflict zuddl."
        )


def _comparable(name: str, value: object) -> object:
    """Spelling that does not change the session compares equal: IDs in any case, tags in
    any order, nothing and empty alike (times are UTC text of one precision on both sides)."""
    if value in ("", None):
        return None
    how = _MARKED[name][1] if name in _MARKED else "value"
    if how == "id" and isinstance(value, str):
        return value.lower()
    if how == "set" and isinstance(value, tuple | list):
        return frozenset(str(v) for v in value)
    return value


def same(name: str, a: object, b: object) -> bool:
    return _comparable(name, a) == _comparable(name, b)


def differences(
    remote: RemoteSession, target: Mapping[str, object], compared: Iterable[str] = COMPARED
) -> tuple[Change, ...]:
    return tuple(
        Change(f, getattr(remote, f), target[f])
        for f in compared
        if not same(f, getattr(remote, f), target[f])
    )


def reconcile(
    remote: RemoteSession,
    target: Mapping[str, object],
    held: Iterable[str],
    last_sent: Mapping[str, object] | None,
    on_conflict: OnConflict = "stop",
) -> Verdict:
    held = set(held)
    changes, kept, conflicts = [], [], []
    keep: dict[str, object] = {f: getattr(remote, f) for f in COMPARED if f not in held}
    for name in COMPARED:
        if name not in held:
            continue
        now, wanted = getattr(remote, name), target[name]
        if same(name, now, wanted):
            continue
        before = last_sent.get(name, _UNKNOWN) if last_sent is not None else _UNKNOWN
        zuddl_edited = before is not _UNKNOWN and not same(name, now, before)
        sheet_edited = before is _UNKNOWN or not same(name, wanted, before)
        if not zuddl_edited or (sheet_edited and on_conflict == "sheet"):
            changes.append(Change(name, now, wanted))
        elif not sheet_edited or on_conflict == "zuddl":
            keep[name] = now
            kept.append(Change(name, before, now))
        else:
            conflicts.append(Change(name, now, wanted))
    return Verdict(tuple(changes), keep, tuple(kept), tuple(conflicts))


def _show(value: object) -> str:
    if value is None or value == ():
        return "(empty)"
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    text = str(value)
    return f'"{text[:60]}…"' if len(text) > 60 else f'"{text}"' if isinstance(value, str) else text
