"""What the mapper hands on: a session draft per valid row, and a problem per bad cell.

The types live apart from the mapping rules so that the plan, the results and the page can use
them without the rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from importer.check.columns import ColumnMap
from importer.fields import MAX_TITLE
from importer.settings.checks import UUID_RE

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    row: int | None
    column: str | None  # header text as the user typed it
    value: str | None  # the cell as the user sees it
    message: str  # what is wrong and how to fix it
    severity: Severity = "error"
    cell: str | None = None  # "D14", for the checked workbook
    # What kind of problem, for a front end that offers its own fix: "unknown_location",
    # "unknown_parent", "unknown_speaker" (a value the event does not have), "no_date" (a time
    # without a date), "bad_date" (a date cell not read), or None.
    kind: str | None = None

    def text(self) -> str:
        where = [f"Row {self.row}"] if self.row is not None else []
        if self.column is not None:
            where.append(f'column "{self.column}"')
        return f"{', '.join(where)}: {self.message}" if where else self.message


class Draft(BaseModel):
    """One row as a session the API will accept; the model re-checks the API's own rules."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    row: int
    reference_id: str | None = Field(default=None, min_length=1)
    zuddl_id: str | None = Field(default=None, pattern=UUID_RE.pattern)  # the strongest key
    parent_ref: str | None = Field(default=None, min_length=1)
    title: str = Field(min_length=1, max_length=MAX_TITLE)
    description: str | None = None
    start: AwareDatetime
    end: AwareDatetime
    location_id: str | None = Field(default=None, pattern=UUID_RE.pattern)
    capacity: int | None = Field(default=None, ge=0)
    tags: tuple[str, ...] = ()
    # The speakers the row names, in order (names or e-mails); None: the sheet has no column.
    speakers: tuple[str, ...] | None = None
    files: tuple[tuple[str, str], ...] = ()  # (fileName, fileUrl): links to add as files


@dataclass(frozen=True)
class Mapped:
    drafts: tuple[Draft, ...]
    problems: tuple[Problem, ...]
    invalid_rows: frozenset[int]
    columns: ColumnMap
    # Each row's Reference ID cell as the mapper reads it (row number -> text): the plan needs
    # the references of invalid rows too, so their children can name the row that holds them.
    row_refs: Mapping[int, str] = field(default_factory=dict)

    @property
    def invalid_refs(self) -> dict[str, int]:
        """Reference ID -> the first invalid row that carries it."""
        refs: dict[str, int] = {}
        for row in sorted(self.invalid_rows):
            if (ref := self.row_refs.get(row)) is not None:
                refs.setdefault(ref, row)
        return refs

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")
