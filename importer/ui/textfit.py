"""How wide a label is, guessed without a font: the timeline cuts its labels to fit their box."""

from __future__ import annotations

import unicodedata


def advance(char: str, size: float) -> float:
    """A generous guess at a glyph's width in a sans-serif font of this size: the label is
    cut to fit by this guess (and clipped to its box besides, so a wider font cannot spill)."""
    if unicodedata.east_asian_width(char) in "WF":
        return size * 1.05
    if char in "mwMW@%":
        return size * 0.95
    if char.isupper() or char.isdigit() or char in "#&?":
        return size * 0.72
    if char in "ijlI.,:;'|!() ":
        return size * 0.34
    return size * 0.58


def text_width(text: str, size: float = 11.0) -> float:
    return sum(advance(c, size) for c in text)


def fit(text: str, width: float, size: float = 11.0) -> str:
    """The text, or as much of it as fits followed by "…", or "" when too little would show."""
    if text_width(text, size) <= width:
        return text
    room, used = 0, text_width("…", size)
    for char in text:
        used += advance(char, size)
        if used > width:
            break
        room += 1
    return text[:room].rstrip() + "…" if room >= 2 else ""
