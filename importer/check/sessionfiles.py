"""Per-session links (slides, streams, recordings) read from their cells, to become the session's
files in Zuddl (sent by importer.sync.filelinks).

Three agendas in ten carry them. Zuddl adds files with ``POST …/sessions/{id}/files`` and lists
them on the session; there is no call to remove one, so a re-run adds only the addresses the
session does not have yet and never takes any away.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from importer.check.drafts import Problem

_URL = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)
_MARKDOWN = re.compile(r"\[([^\]]+)\]\((https?://[^\s)]+)\)", re.IGNORECASE)
_LINES = re.compile(r"[\n;|]")
_GENERIC = {"link", "links", "url", "urls"}
# Words and signs that join links ("[A](…) and [B](…)", "A: … & B: …"): never a name, never
# a warning.
_JOINER = r"(?:and|or|&|\+|/)"
_LEADING_JOINER = re.compile(rf"^{_JOINER}(?:\s+|$)", re.IGNORECASE)
_TRAILING_JOINER = re.compile(rf"(?:^|\s+){_JOINER}$", re.IGNORECASE)
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]|\{\s*\}|<\s*>")
_PAIRS = {"(": ")", "[": "]", "{": "}", "<": ">"}
_EDGES = " \t:-\u2013\u2014,."  # "Deck: …", "Deck - …", "Deck – …", "…, Recording: …"

File = tuple[str, str]  # (fileName, fileUrl)


@dataclass(frozen=True)
class _Link:
    start: int
    end: int
    url: str
    name: str | None  # a markdown link's own text


def _links(line: str) -> list[_Link]:
    """The line's links in order: markdown ones with their text, and bare addresses without
    the sentence's punctuation after them ("Deck: https://….")."""
    found = [
        _Link(m.start(), m.end(), m.group(2), m.group(1).strip()) for m in _MARKDOWN.finditer(line)
    ]
    masked = _MARKDOWN.sub(lambda m: " " * len(m.group()), line)
    for m in _URL.finditer(masked):
        url = m.group().rstrip(".,:!?")
        found.append(_Link(m.start(), m.start() + len(url), url, None))
    return sorted(found, key=lambda link: link.start)


def _pieces(line: str) -> list[list[str | _Link]]:
    """The line cut into pieces, each text and links in order. A comma after a link ends its
    piece ("Deck: …, Recording: …"); one before any link is part of a name ("Slides, v2: …")."""
    pieces: list[list[str | _Link]] = [[]]
    at = 0
    for link in [*_links(line), None]:
        text = line[at : link.start if link else len(line)]
        if any(isinstance(t, _Link) for t in pieces[-1]) and "," in text:
            head, _, text = text.partition(",")
            pieces[-1].append(head)
            pieces.append([])
        pieces[-1].append(text)
        if link:
            pieces[-1].append(link)
            at = link.end
    return pieces


def _name(text: str) -> str:
    """What a link's surrounding text names it, without the signs that only frame it: "Deck (",
    ") and Recording (", "[Deck]", "Deck –" all name "Deck"; nothing but signs names nothing."""
    text = " ".join(_EMPTY_BRACKETS.sub(" ", text).split())
    before = None
    while before != text:
        before = text
        text = _TRAILING_JOINER.sub("", _LEADING_JOINER.sub("", text.strip(_EDGES)))
        if text[:1] in _PAIRS.values():  # what closes the link before: "…) Recording ("
            text = text[1:]
        if text[-1:] in _PAIRS:  # what opens this link: "Deck ("
            text = text[:-1]
        inner = text[1:-1]
        if text[:1] in _PAIRS and text[-1:] == _PAIRS[text[0]] and text[0] not in inner:
            text = inner  # "(Deck)" or "[Deck]"
    return text


def _piece_files(piece: list[str | _Link], header: str) -> tuple[list[File], list[str]]:
    texts = [t for t in piece if isinstance(t, str)]
    links = [t for t in piece if isinstance(t, _Link)]
    if not links:
        text = "".join(texts).strip()
        return [], [text] if _name(text) else []
    if len(links) == 1:  # all its text names it, before or after: "https://… (Slides)"
        return [(links[0].name or _name(" ".join(texts)) or header, links[0].url)], []
    # Several links: each is named by the text before it. One name before a run of bare links
    # ("Slides: https://… https://…") names none of them: which one it meant is a guess.
    names = [link.name or _name(str(piece[2 * i])) for i, link in enumerate(links)]
    for i in range(1, len(links)):
        if not names[i] and links[i].name is None and links[i - 1].name is None:
            names[i - 1] = ""
    rest = str(piece[-1]).strip()
    return [(n or header, link.url) for n, link in zip(names, links, strict=True)], (
        [rest] if _name(rest) else []
    )


def cell_files(text: str, header: str) -> tuple[list[File], list[str]]:
    """The links a cell holds, in its order, named by their text ("Slides: https://…",
    "[Slides](https://…)", "Slides (https://…)") or else by the column's header; and the pieces
    that are not links at all."""
    good: list[File] = []
    bad: list[str] = []
    for line in _LINES.split(text):
        for piece in _pieces(line):
            files, wrong = _piece_files(piece, header)
            good += files
            bad += wrong
    return good, bad


def read_file_cells(
    rows: Iterable[tuple[int, Sequence[object]]], indices: Sequence[int], headers: Sequence[str]
) -> tuple[dict[int, tuple[File, ...]], dict[int, list[tuple[int, str]]]]:
    """Each row's links (sheet order, each address once) and its cells that are not links."""
    files: dict[int, tuple[File, ...]] = {}
    bad: dict[int, list[tuple[int, str]]] = {}
    if not indices:
        return files, bad
    for number, values in rows:
        seen: dict[str, File] = {}
        for i in indices:
            value = values[i] if i < len(values) else None
            if not isinstance(value, str) or not value.strip():
                continue
            header = headers[i].strip()
            good, wrong = cell_files(value, "Link" if header.lower() in _GENERIC else header)
            for name, url in good:
                seen.setdefault(url, (name, url))
            if wrong:
                bad.setdefault(number, []).extend((i, w) for w in wrong)
        files[number] = tuple(seen.values())
    return files, bad


def file_problems(
    bad: dict[int, list[tuple[int, str]]], headers: Sequence[str], letters: Sequence[str]
) -> list[Problem]:
    """A piece of a links cell that is no http(s) address: said on its cell, not sent."""
    return [
        Problem(
            row,
            headers[i],
            text,
            f'"{text}" is not a link (http:// or https://), so it is not added to the session.',
            "warning",
            f"{letters[i]}{row}" if i < len(letters) else None,
        )
        for row, pieces in bad.items()
        for i, text in pieces
    ]
