"""Speakers in an agenda: the names a cell holds, and which of the event's speakers they are.

Zuddl has no endpoint that creates a speaker, so a sheet can only link speakers the event
already has. Cells name them loosely ("Dr. Ada B. Lovelace", "ada@example.com", several per
cell); this module splits the cells and matches each entry by e-mail, then by a normalised
full name. Nothing here touches the network (``speakerlinks`` does).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# "A, B; C & D + E and F" and line breaks; " and " only as a word.
_SEPARATORS = re.compile(r"\s*(?:[;&+\n\r]|\band\b)\s*", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_BRACKETED_EMAIL = re.compile(r"<([^<>@\s]+@[^<>\s]+)>")
# Straight, typographic and modifier apostrophes, backtick, acute accent (which would
# decompose to a space below), fullwidth: one apostrophe however typed.
_APOSTROPHES = re.compile("['\u2019\u2018\u201b\u02bc\u02b9`\u00b4\uff07]")
# Hyphen-minus, hyphen, non-breaking hyphen, figure/en/em dash, minus, small and fullwidth
# hyphen-minus: one hyphen.
_HYPHENS = re.compile("[-\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d]")
_TITLES = frozenset({"dr", "prof", "professor", "mr", "mrs", "ms", "mx", "sir", "dame", "phd"})


def _pieces(text: str) -> list[str]:
    return [p.strip() for p in _SEPARATORS.split(text) if p and p.strip()]


def _surname_first(piece: str) -> bool:
    """ "Lovelace, Ada": one comma, one side a single word, neither side longer than two."""
    if piece.count(",") != 1:
        return False
    sides = [s.split() for s in piece.split(",")]
    return all(1 <= len(s) <= 2 for s in sides) and any(len(s) == 1 for s in sides)


def surname_first_column(cells: Iterable[str]) -> bool:
    """True when every entry of the column is written "Lastname, Firstname": then its commas
    do not separate speakers. One entry that is not disproves it."""
    pieces = [p for text in cells for p in _pieces(text)]
    return bool(pieces) and all(_surname_first(p) for p in pieces)


def split_cell(text: str, surname_first: bool = False) -> tuple[str, ...]:
    """The speakers a cell names, in the cell's order, each once."""
    found: dict[str, str] = {}
    for piece in _pieces(text):
        if surname_first:
            last, _, first = piece.partition(",")
            names = [f"{first.strip()} {last.strip()}"]
        else:
            names = [n.strip() for n in piece.split(",")]
        for name in names:
            if name:
                found.setdefault(name.casefold(), name)
    return tuple(found.values())


def name_key(name: str) -> str:
    """Case, accents, titles (Dr, Prof), middle initials and punctuation do not count.

    Apostrophes go before anything else, whichever one the keyboard or Word typed, so O'Connor,
    O’Connor and OConnor are one name and never Connor; every dash between letters is a hyphen.
    """
    text = _HYPHENS.sub("-", _APOSTROPHES.sub("", name))
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    spaced = re.sub(r"[^a-z0-9\s-]", " ", ascii_text)
    words = [w for w in (re.sub("-+", "-", w).strip("-") for w in spaced.split()) if w]
    kept = [w for w in words if w not in _TITLES]
    if len(kept) > 2:  # "Ada B Lovelace": initials between the first and last name go
        kept = [kept[0], *(w for w in kept[1:-1] if len(w) > 1), kept[-1]]
    return " ".join(kept)


@dataclass(frozen=True)
class EventSpeaker:
    id: str
    name: str
    email: str | None = None


def event_speakers(items: Sequence[Mapping[str, Any]]) -> tuple[EventSpeaker, ...]:
    """The list's items, whatever their shape says of the name (its shape is undocumented)."""
    result = []
    for item in items:
        ident = item.get("speakerId") or item.get("id")
        if not ident:
            continue
        name = item.get("name") or item.get("fullName")
        if not name:
            name = " ".join(str(item.get(k) or "").strip() for k in ("firstName", "lastName"))
        email = item.get("email") or item.get("emailId")
        result.append(
            EventSpeaker(str(ident).lower(), str(name).strip(), str(email) if email else None)
        )
    return tuple(result)


@dataclass(frozen=True)
class Match:
    speaker: EventSpeaker | None
    hint: str | None = None  # "Did you mean ...?" for a near miss


class Roster:
    """The event's speakers, looked up by e-mail and by name key."""

    def __init__(self, speakers: Sequence[EventSpeaker]) -> None:
        self.speakers = tuple(speakers)
        self._by_email = {s.email.lower(): s for s in speakers if s.email}
        self._by_name: dict[str, list[EventSpeaker]] = {}
        for s in speakers:
            self._by_name.setdefault(name_key(s.name), []).append(s)

    def find(self, entry: str) -> Match:
        bracketed = _BRACKETED_EMAIL.search(entry)
        email = bracketed.group(1) if bracketed else entry if _EMAIL.match(entry) else None
        if email and email.lower() in self._by_email:
            return Match(self._by_email[email.lower()])
        name = _BRACKETED_EMAIL.sub("", entry).strip()
        if not email or bracketed:
            same = self._by_name.get(name_key(name), [])
            if len(same) == 1:
                return Match(same[0])
            if len(same) > 1:
                return Match(None, "Several speakers of the event have this name: use an e-mail.")
        keys = list(self._by_name)
        close = difflib.get_close_matches(name_key(name), keys, n=1, cutoff=0.8)
        return Match(None, f'Did you mean "{self._by_name[close[0]][0].name}"?' if close else None)


def read_speaker_cells(
    rows: Iterable[tuple[int, Sequence[object]]], indices: Sequence[int], headers: Sequence[str]
) -> tuple[dict[int, tuple[str, ...]], list[str]]:
    """Every row's speakers from the speakers columns (sheet order, then cell order), and the
    notes to show: a column read as "Lastname, Firstname" is said, never silently assumed."""
    if not indices:
        return {}, []
    rows = [(n, tuple(vals) + (None,) * (max(indices) + 1 - len(vals))) for n, vals in rows]
    texts = {i: [v.strip() for _, vals in rows if isinstance(v := vals[i], str)] for i in indices}
    surname_first = {i for i in indices if surname_first_column(t for t in texts[i] if t)}
    notes = [
        f'Column "{headers[i]}" is read as "Lastname, Firstname": its commas do not separate '
        "speakers."
        for i in sorted(surname_first)
    ]
    result: dict[int, tuple[str, ...]] = {}
    for number, values in rows:
        found: dict[str, str] = {}
        for i in indices:
            value = values[i]
            if isinstance(value, str):
                for name in split_cell(value, i in surname_first):
                    found.setdefault(name.casefold(), name)
        result[number] = tuple(found.values())
    return result, notes
