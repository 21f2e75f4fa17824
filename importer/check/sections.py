"""Section headings as parent sessions: each spans its rows, from the first start to the last end.

Used with ``[layout] headings = "parent"``: the heading row (kept in the table by
``importer.read.context``) becomes a session whose children are the rows below it. Its reference ID
is made from its title and start, like any derived one, so a re-run finds it again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime

Times = tuple[datetime, datetime]


def section_reference(title: str, start: datetime) -> str:
    key = f"{' '.join(title.casefold().split())}|{start.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"
    return "section-" + hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()[:10]


def section_spans(
    headings: Mapping[int, str], owner: Mapping[int, int], times: Mapping[int, Times]
) -> dict[int, tuple[Times, str]]:
    """Heading row -> (its span, its reference) for every heading with timed rows below it.

    ``owner`` maps each row to the heading row above it; ``times`` holds the rows' UTC times.
    """
    found: dict[int, list[Times]] = {}
    for row, heading in owner.items():
        if row in times and heading in headings:
            found.setdefault(heading, []).append(times[row])
    result = {}
    for heading, spans in found.items():
        start, end = min(s for s, _ in spans), max(e for _, e in spans)
        result[heading] = ((start, end), section_reference(headings[heading], start))
    return result
