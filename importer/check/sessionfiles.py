"""Per-session links (slides, streams, recordings) read from their cells, to become the session's
files in Zuddl (sent by importer.sync.filelinks).

Three agendas in ten carry them. Zuddl adds files with ``POST …/sessions/{id}/files`` and lists
them on the session; there is no call to remove one, so a re-run adds only the addresses the
session does not have yet and never takes any away.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from importer.check.drafts import Problem

_URL = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)
_MARKDOWN = re.compile(r"\[([^\]]+)\]\((https?://[^\s)]+)\)", re.IGNORECASE)
_GENERIC = {"link", "links", "url", "urls"}

File = tuple[str, str]  # (fileName, fileUrl)


def cell_files(text: str, header: str) -> tuple[list[File], list[str]]:
    """The links a cell holds, named by their text ("Slides: https://…", "[Slides](https://…)")
    or else by the column's header; and the pieces that are not links at all."""
    found: list[File] = []
    rest = text
    for match in _MARKDOWN.finditer(text):
        found.append((match.group(1).strip(), match.group(2)))
    rest = _MARKDOWN.sub(" ", rest)
    for line in re.split(r"[\n;|]|,\s+(?=\S*https?://)", rest):
        urls = _URL.findall(line)
        label = _URL.sub("", line).strip(" :-–,\t")
        for url in urls:
            name = label if label and len(urls) == 1 else header
            found.append((name, url.rstrip(".,")))
        if not urls and line.strip():
            found.append(("", line.strip()))
    good = [(n or header, u) for n, u in found if _URL.fullmatch(u)]
    bad = [u for n, u in found if not _URL.fullmatch(u)]
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
