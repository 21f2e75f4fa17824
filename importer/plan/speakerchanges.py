"""What a session's speaker links need to become the sheet's, and how many calls that costs.

Zuddl's contract has two calls for a session's speakers: ``POST …/speakers`` attaches the
speakers in its body (each with its ``speakerOrder``) and ``DELETE …/speakers`` detaches them.
No call replaces the list or moves a speaker, and what a POST of a speaker already attached
does is not documented, so nothing here relies on it. Hence:

- only speakers added after the ones kept: one POST;
- only speakers dropped: one DELETE (the others keep their relative order);
- both, or an order that changed: one DELETE (the dropped ones and those out of place), then
  one POST (the new ones and those out of place, at their places): two calls.

The session's list gives its speakers in order without their ``speakerOrder`` numbers, so the
ones kept at the head are taken to hold the first places.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from importer.check.speakers import EventSpeaker

MINUS = "\u2212"  # the minus sign, not a hyphen: a link that goes


@dataclass(frozen=True)
class SpeakerChange:
    row: int
    wanted: tuple[EventSpeaker, ...]  # the sheet's speakers, in its order
    add: tuple[EventSpeaker, ...]  # posted in this order, speakerOrder from the sheet
    orders: tuple[int, ...]
    remove: tuple[EventSpeaker, ...]  # detached first (an unknown ID has no name)
    current: tuple[str, ...] = ()  # the speaker IDs linked before, in the session's order

    @property
    def calls(self) -> int:
        """Requests this change makes: a DELETE when any link goes, a POST when any comes."""
        return bool(self.add) + bool(self.remove)

    @property
    def new(self) -> tuple[EventSpeaker, ...]:
        return tuple(s for s in self.add if s.id not in self.current)

    @property
    def dropped(self) -> tuple[EventSpeaker, ...]:
        wanted = {s.id for s in self.wanted}
        return tuple(s for s in self.remove if s.id not in wanted)

    @property
    def reordered(self) -> bool:
        return any(s.id in self.current for s in self.add)

    def text(self) -> str:
        """ "+ Ada Lovelace, - Bob Smith; order: Grace Hopper, Ada Lovelace" (with a minus
        sign; the order only when speakers who stay change places)."""
        parts = [f"+ {speaker_name(s)}" for s in self.new]
        parts += [f"{MINUS} {speaker_name(s)}" for s in self.dropped]
        text = ", ".join(parts)
        if self.reordered:
            order = "order: " + ", ".join(speaker_name(s) for s in self.wanted)
            text = f"{text}; {order}" if text else order
        return text


def speaker_name(speaker: EventSpeaker) -> str:
    return speaker.name or speaker.email or speaker.id


def speaker_change(
    row: int,
    wanted: Sequence[EventSpeaker],
    current: Sequence[str],
    known: Mapping[str, EventSpeaker] | None = None,
) -> SpeakerChange:
    """What turns Zuddl's speakers (``current``, IDs in the session's order) into the sheet's.

    The speakers both hold, at the head of both lists in the same order, stay; every other
    link Zuddl has is detached, and every other speaker of the sheet attached at its place.
    """
    ids = [s.id for s in wanted]
    kept = [c for c in current if c in ids]
    head = 0
    while head < len(kept) and kept[head] == ids[head]:
        head += 1
    stays = set(ids[:head])
    named = known or {}
    remove = tuple(named.get(c, EventSpeaker(c, "")) for c in current if c not in stays)
    return SpeakerChange(
        row,
        tuple(wanted),
        tuple(wanted[head:]),
        tuple(range(head + 1, len(ids) + 1)),
        remove,
        tuple(current),
    )


def speaker_calls(changes: Mapping[int, SpeakerChange]) -> int:
    return sum(c.calls for c in changes.values())
