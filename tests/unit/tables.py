"""Tables made in memory, mapped as a run maps them: for the plan and sending unit tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from importer.check.mapper import Mapped, map_rows
from importer.read.table import SourceRow, Table, column_letter
from importer.settings.config import MappingOptions

HEADERS = ["Reference ID", "Parent", "Title", "Date", "Start", "End", "Location"]


def table(rows: list[list[Any]], headers: list[str] = HEADERS) -> Table:
    """The header on row 1, ``rows`` from row 2, as a sheet named Agenda."""
    return Table(
        path=Path("agenda.xlsx"),
        sheet="Agenda",
        sheet_names=("Agenda",),
        header_row=1,
        headers=tuple(headers),
        columns=tuple(column_letter(i) for i in range(len(headers))),
        rows=tuple(SourceRow(n + 2, tuple(r)) for n, r in enumerate(rows)),
        notes=(),
    )


def mapped(rows: list[list[Any]], headers: list[str] = HEADERS, **options: Any) -> Mapped:
    return map_rows(table(rows, headers), MappingOptions(**options), timezone="UTC")


def session(
    ref: str, title: str, start: str = "9:00", end: str = "10:00", parent: str = ""
) -> list[Any]:
    """One row of HEADERS on 10 June 2026."""
    return [ref, parent or None, title, "2026-06-10", start, end, None]
