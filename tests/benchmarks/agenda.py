"""Generated agendas: parents with nine children each, as CSV, as xlsx, and as API bodies."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from importer.check.columns import CANONICAL_HEADERS

LOCATIONS = ("Main Hall", "Room 101", "Room 102", "Workshop Room")
HEADERS = CANONICAL_HEADERS
FIRST_DAY = dt.date(2026, 1, 5)
DAYS = 350  # the sandbox's demo event runs through 2026
SLOTS = 10  # parent slots a day and room: 08:00, 09:00, ... 17:00
TAGS = ("AI", "Cloud", "Security", "Data", "Mobile", "Web")
# Bump when the generated content changes, so a cached workbook is not reused.
XLSX_VERSION = 2
# Descriptions of real length: the real agendas' abstracts run to about 390 characters.
ABSTRACT = (
    "<p>{speaker} walks through how the team moved {topic} workloads from a single region to "
    "three, what broke on the way and what they would do differently. Expect concrete "
    "numbers on latency, cost and on-call load, the runbooks that came out of two outages, "
    "and a short demo of the tooling that now checks every change before it ships. Questions "
    "are welcome throughout; slides are shared after the talk.</p>"
)


@dataclass(frozen=True, slots=True)
class AgendaRow:
    reference: str
    parent: str | None
    title: str
    description: str
    day: dt.date
    start: dt.time
    end: dt.time
    location: str
    capacity: int
    tags: str

    def utc(self, moment: dt.time) -> str:
        return dt.datetime.combine(self.day, moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def agenda_rows(parents: int, children: int = 9) -> list[AgendaRow]:
    """``parents`` tracks, each followed by its ``children`` talks (the sheet's own order)."""
    rows: list[AgendaRow] = []
    for p in range(parents):
        day = FIRST_DAY + dt.timedelta(days=p % DAYS)
        hour = 8 + (p // DAYS) % SLOTS
        location = LOCATIONS[(p // (DAYS * SLOTS)) % len(LOCATIONS)]
        ref = f"TRK-{p + 1:05d}"
        rows.append(
            AgendaRow(
                ref,
                None,
                f"Track {p + 1}: {TAGS[p % len(TAGS)]} in practice",
                ABSTRACT.format(speaker=f"Track {p + 1}", topic=TAGS[p % len(TAGS)]),
                day,
                dt.time(hour, 0),
                dt.time(hour, 5 * children + 5) if 5 * children + 5 < 60 else dt.time(hour, 59),
                location,
                200 + p % 300,
                f"{TAGS[p % len(TAGS)]}; Track",
            )
        )
        for c in range(children):
            start = min(5 * c, 54)
            rows.append(
                AgendaRow(
                    f"{ref}-{c + 1}",
                    ref,
                    f"Talk {c + 1} of track {p + 1}",
                    ABSTRACT.format(
                        speaker=f"Speaker {c + 1} of track {p + 1}",
                        topic=TAGS[(p + c) % len(TAGS)].lower(),
                    ),
                    day,
                    dt.time(hour, start),
                    dt.time(hour, start + 5),
                    location,
                    50 + c,
                    TAGS[(p + c) % len(TAGS)],
                )
            )
    return rows


def write_csv(path: Path, rows: list[AgendaRow]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for r in rows:
            writer.writerow(
                [
                    r.reference,
                    r.parent or "",
                    r.title,
                    r.description,
                    r.day.isoformat(),
                    r.start.strftime("%H:%M"),
                    r.end.strftime("%H:%M"),
                    r.location,
                    r.capacity,
                    r.tags,
                ]
            )
    return path


def write_xlsx(path: Path, rows: list[AgendaRow]) -> Path:
    """openpyxl write-only: real dates and times, as a spreadsheet program would save them."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Agenda")

    def cell(value: dt.date | dt.time, number_format: str) -> Cell:
        made: Cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]
        made.number_format = number_format
        return made

    sheet.append(list(HEADERS))
    for r in rows:
        sheet.append(
            [
                r.reference,
                r.parent,
                r.title,
                r.description,
                cell(r.day, "yyyy-mm-dd"),
                cell(r.start, "hh:mm"),
                cell(r.end, "hh:mm"),
                r.location,
                r.capacity,
                r.tags,
            ]
        )
    book.save(path)
    return path


def cached_xlsx(count: int, cache_dir: Path | None = None) -> tuple[Path, bool]:
    """A ``count``-row agenda workbook, generated once and kept in a temp dir between runs.

    Returns the path and whether it was already cached.
    """
    folder = cache_dir or Path(tempfile.gettempdir()) / "zuddl-import-bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"agenda-{count}-v{XLSX_VERSION}.xlsx"
    if path.exists():
        return path, True
    parents = -(-count // 10)
    rows = agenda_rows(parents)[:count]
    # Written beside its final name and renamed: an interrupted run never leaves a torso.
    handle, temp_name = tempfile.mkstemp(suffix=".xlsx", dir=folder)
    os.close(handle)
    temp = Path(temp_name)
    try:
        write_xlsx(temp, rows)
        temp.replace(path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    return path, False


def session_body(row: AgendaRow, location_id: str, parent_id: str | None) -> dict[str, Any]:
    """What the importer sends for ``row`` (times are UTC: the benchmark's time zone is UTC)."""
    body: dict[str, Any] = {
        "title": row.title,
        "startDateTime": row.utc(row.start),
        "endDateTime": row.utc(row.end),
        "description": row.description,
        "locationId": location_id,
        "totalCapacity": row.capacity,
        "externalRefId": row.reference,
        "tags": [t.strip() for t in row.tags.split(";") if t.strip()],
    }
    if parent_id is not None:
        body["parentSessionId"] = parent_id
    return body
