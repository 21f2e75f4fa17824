"""The agenda a run imports, read from any of its shapes into one table.

A spreadsheet sheet (chosen by ``load_agenda``), a grid of rooms by time slots
(``grid``), one row per speaker (``speakerrows``), heading rows (``context``), several sheets at
once (``sheets``) or a conference tool's JSON schedule (``schedules``): each shape has its own
module, and this one puts them in order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from importer.check.columns import is_known_header, match_columns
from importer.errors import ImporterError, InputFileError
from importer.read import headerless
from importer.read.context import read_context
from importer.read.grid import as_grid
from importer.read.loader import list_sheets, load_table
from importer.read.schedules import load_schedule
from importer.read.sheets import read_sheets, wanted_sheets
from importer.read.speakerrows import merge_speaker_rows
from importer.read.table import Table
from importer.settings.config import Settings


def read_agenda(agenda: Path, settings: Settings) -> Table:
    if agenda.suffix.lower() == ".json":
        return load_schedule(agenda)

    def prepared(table: Table) -> Table:
        grid = as_grid(table, settings.mapping.default_duration_min)
        return read_context(merge_speaker_rows(grid), settings.mapping)

    wanted = settings.sheet or ""
    if wanted.strip().casefold() == "all" or "," in wanted:
        several = wanted_sheets(agenda.name, list_sheets(agenda), wanted)
        if several:
            return read_sheets(
                several,
                lambda name: prepared(load_table(agenda, sheet=name, header_score=is_known_header)),
                lambda table: has_agenda(table, settings),
            )
    table = prepared(_one_sheet(agenda, settings, load_agenda))
    if settings.sheet is None and 1 < len(table.sheet_names) <= MAX_SHEETS_LOOKED_AT:
        others = [
            name
            for name in table.sheet_names
            if name != table.sheet and _holds_agenda(agenda, name, settings, prepared)
        ]
        if others:
            listed = ", ".join(f'"{name}"' for name in others)
            note = (
                f'Only sheet "{table.sheet}" was read, but {listed} '
                f"{'looks' if len(others) == 1 else 'look'} like an agenda too: "
                "--sheet all imports every sheet in one run (one sheet per day, say)."
            )
            table = dataclasses.replace(table, notes=(*table.notes, note))
    return table


# Workbooks with more sheets are rarely one agenda per sheet; reading them all would be slow.
MAX_SHEETS_LOOKED_AT = 12


def _holds_agenda(
    agenda: Path, name: str, settings: Settings, prepared: Callable[[Table], Table]
) -> bool:

    try:
        table = prepared(load_table(agenda, sheet=name, header_score=is_known_header))
    except InputFileError:
        return False
    return bool(table.rows) and has_agenda(table, settings)


NO_HEADER = "Could not find the row with the column names"


def _one_sheet(agenda: Path, settings: Settings, load: Callable[[Path, Settings], Table]) -> Table:
    """The sheet as the runner picks it; read without a header row when it has none."""
    if settings.mapping.headerless:
        table = load_table(agenda, sheet=settings.sheet, headerless=True)
        return headerless.checked(table, settings.mapping)
    try:
        return load(agenda, settings)
    except InputFileError as exc:
        if not exc.message.startswith(NO_HEADER):
            raise
        table = load_table(agenda, sheet=settings.sheet, headerless=True)
        if headerless.looks_like_agenda(table, settings.mapping):
            return headerless.checked(table, settings.mapping)
        later = _later_sheet(agenda, settings, table) if settings.sheet is None else None
        if later is None:
            raise  # a sheet of notes, not sessions: the loader's own message says what to do
        return later


def _later_sheet(agenda: Path, settings: Settings, first: Table) -> Table | None:
    """A first sheet of notes (no header row at all): the first later sheet with an agenda."""

    for name in first.sheet_names[1:]:
        try:
            table = as_grid(load_table(agenda, sheet=name, header_score=is_known_header))
        except InputFileError:
            continue
        if table.rows and has_agenda(table, settings):
            note = (
                f'Sheet "{first.sheet}" has no agenda columns, so sheet "{name}" was read. '
                "Use --sheet to choose another, or --sheet all for every sheet."
            )
            return dataclasses.replace(table, notes=(note, *table.notes))
    return None


def reshaped(table: Table) -> bool:
    """Whether the rows are no longer the sheet's own (a grid, several sheets, a JSON schedule).

    Such tables have no cell letters: nothing can be marked or written back into the file.
    """
    return bool(table.columns) and not any(table.columns)


RESHAPED = (
    "{name} is not read row by row (a grid, several sheets or a JSON schedule), so {what} "
    "cannot be written into it; the results sheet has every session's status and Zuddl ID."
)


def load_agenda(agenda: Path, settings: Settings) -> Table:
    """The sheet to import: the one named, else the first that holds an agenda.

    A workbook that opens on an instructions page (like the template) still imports without
    --sheet; the note says which sheet was read.
    """
    table = load_table(agenda, sheet=settings.sheet, header_score=is_known_header)
    if settings.sheet is not None or len(table.sheet_names) < 2 or has_agenda(table, settings):
        return table
    for name in table.sheet_names[1:]:
        try:
            other = load_table(agenda, sheet=name, header_score=is_known_header)
        except ImporterError:
            continue
        if has_agenda(other, settings):
            if table.sheet == "Instructions":  # the template's own layout: nothing to say
                return other
            note = (
                f'Sheet "{table.sheet}" has no agenda columns, so sheet "{name}" was read. '
                "Use --sheet to choose another."
            )
            return dataclasses.replace(other, notes=(note, *other.notes))
    return table


def has_agenda(table: Table, settings: Settings) -> bool:
    try:
        match_columns(table, settings.mapping)
    except ImporterError:
        return False
    return True
