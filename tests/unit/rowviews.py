"""Rows seen through a column map, without a file or the mapper: for the time unit tests."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from importer.check.columns import ColumnMap
from importer.check.rowtimes import Span, TimeContext, read_times
from importer.check.rowview import RowView
from importer.read.table import column_letter
from importer.settings.config import MappingOptions


def context(zone: str = "UTC", **options: Any) -> TimeContext:
    return TimeContext(MappingOptions(**options), ZoneInfo(zone), zone, None)


def views(fields: list[str], rows: list[list[Any]], first: int = 2) -> list[RowView]:
    """One RowView per row; ``fields`` name the columns (the header is the field's name)."""
    letters = tuple(column_letter(i) for i in range(len(fields)))
    cols = ColumnMap({f: i for i, f in enumerate(fields)}, tuple(fields), (), letters)
    return [RowView(first + n, tuple(r), cols, letters) for n, r in enumerate(rows)]


def spans(rows: list[RowView], ctx: TimeContext) -> list[Span]:
    read = [read_times(r, ctx) for r in rows]
    return [s for s in read if s is not None]


def messages(rows: list[RowView]) -> list[tuple[int, str | None, str, str]]:
    return [(p.row or 0, p.column, p.severity, p.message) for r in rows for p in r.problems]
