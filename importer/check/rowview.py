"""One sheet row seen through the column map: its cells by field, and the problems found in it.

Shared by the mapper (text fields), rowtimes (the row's times) and sequence (what the rows of a
day settle together), so that each reports problems the same way, on the right cell.
"""

from __future__ import annotations

from collections.abc import Sequence

from importer.check.cells import show
from importer.check.columns import ColumnMap
from importer.check.drafts import Problem, Severity
from importer.read.excelerrors import ExcelError
from importer.read.table import CellValue, RowContext


class RowView:
    """Collects one row's values and problems; keeps map_rows readable."""

    def __init__(
        self,
        number: int,
        values: tuple[CellValue, ...],
        cols: ColumnMap,
        letters: Sequence[str],
        context: RowContext | None = None,
    ) -> None:
        self.number, self.values, self.cols, self.letters = number, values, cols, letters
        self.context = context or RowContext()  # what heading rows above say about this row
        self.problems: list[Problem] = []
        self.title_from_unnamed: str | None = None  # letter of a headerless column giving the title

    def unknown(self, field: str) -> bool:
        """Whether the field's cell shows an Excel error (which _map_row reports, once)."""
        index = self.cols.fields.get(field)
        return index is not None and isinstance(self.values[index], ExcelError)

    def raw(self, field: str) -> CellValue:
        index = self.cols.fields.get(field)
        # "#REF!" is what Excel shows, not the cell's value: to the checks the cell is empty.
        return None if index is None or self.unknown(field) else self.values[index]

    def fail(
        self, field: str, message: str, severity: Severity = "error", kind: str | None = None
    ) -> None:
        if self.unknown(field):
            return  # the cell has its message already; another would only be about "empty"
        index = self.cols.fields.get(field)
        value = self.raw(field)
        self.problems.append(
            Problem(
                self.number,
                self.cols.headers[index] if index is not None else None,
                show(value) if value is not None else None,
                message,
                severity,
                f"{self.letters[index]}{self.number}" if index is not None else None,
                kind,
            )
        )

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)
