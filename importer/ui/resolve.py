"""Fixes made on the check screen, each followed by the check again: no download, Excel and
upload for a room named otherwise, a column not worth importing, a date, or one bad cell.

- ``/resolve/values``: each distinct unknown room, parent or speaker mapped to one the event
  has, or to none (``MappingOptions.replace_values``, as the config file's [values] tables);
- ``/resolve/column``: a column no longer imported;
- ``/resolve/date``: one date for all rows (the default date; a broken date column is dropped);
- ``/resolve/skip``: rows left out of the import (never all of them);
- ``/check/cell``: a cell corrected in place (``ImportRequest.edits``): the check, the import
  and the workbooks the page offers all have the correction.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from importer.check.replacements import value_key
from importer.errors import ImporterError, UsageError
from importer.read.edits import cell_index
from importer.ui.groups import UNKNOWN
from importer.ui.workspace import Upload, Workspace, form_date

if TYPE_CHECKING:
    from importer.ui.app import UiApp

MAX_EDITS = 2_000  # cells corrected on the page; past that, the file is the place
MAX_VALUES = 2_000
Change = Callable[[Workspace, FormData], Upload]


def resolve_routes(ui: UiApp) -> list[Route]:
    def route(path: str, change: Change, recheck: bool = True) -> Route:
        async def endpoint(request: Request) -> Response:
            return await _apply(ui, request, change, recheck)

        return Route(path, endpoint, methods=["POST"])

    return [
        route("/resolve/values", _values),
        route("/resolve/column", _drop_column),
        route("/resolve/date", _one_date),
        route("/resolve/skip", _skip, recheck=False),  # leaving rows out changes no check
        route("/check/cell", _edit_cell),
    ]


async def _apply(ui: UiApp, request: Request, change: Change, recheck: bool) -> Response:
    """The change asked for, then the check again; a refused change leaves all as it was."""
    form = await ui.form(request)
    ws = ui.ws
    if ui.running() or ws.upload is None or ws.connection is None or ws.report is None:
        return RedirectResponse(ui.next_step(), status_code=303)
    async with ui.lock:
        before = ws.upload
        try:
            ws.upload = change(ws, form)
            if recheck:
                await run_in_threadpool(ws.check)
        except ImporterError as exc:
            ws.upload = before
            await _check_again(ws)
            return await ui.check_page(request, exc.message)
    return RedirectResponse("/check", status_code=303)


async def _check_again(ws: Workspace) -> None:
    if ws.report is None:
        # A check that fails again: the check screen then shows the columns step and its reason.
        with contextlib.suppress(ImporterError):
            await run_in_threadpool(ws.check)


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _values(ws: Workspace, form: FormData) -> Upload:
    """Each value's choice: "use:<name>" the event's one, "none" none, "" not decided yet."""
    assert ws.upload is not None
    kept = {(f, value_key(v)): (f, v, r, n) for f, v, r, n in ws.upload.values}
    for index in range(MAX_VALUES):
        field = _text(form, f"field-{index}")
        if not field:
            break
        if field not in UNKNOWN.values():
            raise UsageError(f'"{field}" is not a field whose values can be chosen.')
        value, choice = _text(form, f"key-{index}"), _text(form, f"value-{index}")
        count = _text(form, f"rows-{index}")
        rows = int(count) if count.isdigit() and len(count) < 10 else 0
        key = (field, value_key(value))
        if not choice:
            kept.pop(key, None)
        elif choice == "none":
            kept[key] = (field, value, "", rows)
        elif choice.startswith("use:") and choice[4:].strip():
            kept[key] = (field, value, choice[4:].strip(), rows)
        else:
            raise UsageError(f'"{choice}" is not one of the choices for "{value}".')
    return replace(ws.upload, values=tuple(kept.values()))


def _drop_column(ws: Workspace, form: FormData) -> Upload:
    assert ws.upload is not None
    return _without(ws, ws.upload, _text(form, "column"))


def _without(ws: Workspace, upload: Upload, header: str) -> Upload:
    assert ws.report is not None
    if header not in ws.report.table.headers:
        raise UsageError(f'"{header}" is not a column of this sheet.')
    columns = dict(upload.columns)
    columns[header] = "ignore"
    return replace(upload, columns=tuple(columns.items()), remembered=False)


def _one_date(ws: Workspace, form: FormData) -> Upload:
    assert ws.upload is not None
    day = form_date(_text(form, "date"))
    if day is None:
        raise UsageError("Choose the date the rows are on first.")
    upload = replace(ws.upload, default_date=day)
    header = _text(form, "column")  # a date column that cannot be read: the date replaces it
    return _without(ws, upload, header) if header else upload


def _skip(ws: Workspace, form: FormData) -> Upload:
    assert ws.upload is not None and ws.report is not None
    try:
        rows = {int(n) for n in _text(form, "rows").split(",") if n.strip()}
    except ValueError:
        raise UsageError("The rows to skip are row numbers, like 3,4,9.") from None
    numbers = {row.number for row in ws.report.table.rows}
    wanted = ws.upload.skipped | (rows & numbers)
    if len(wanted) >= len(numbers):
        raise UsageError(
            "Skipping these rows would leave nothing to import. Fix the column instead: choose "
            '"Don\'t import this column", or correct the cells.'
        )
    return replace(ws.upload, skipped=frozenset(wanted))


def _edit_cell(ws: Workspace, form: FormData) -> Upload:
    assert ws.upload is not None and ws.report is not None
    address = _text(form, "cell").strip().upper()
    cell_index(ws.report.table, address)  # a cell of a session row, or refused here
    edits = dict(ws.upload.edits)
    edits[address] = _text(form, "value")
    if len(edits) > MAX_EDITS:
        raise UsageError(
            f"{MAX_EDITS} cells are corrected on this page already: correct the others in the "
            "file and upload it again."
        )
    return replace(ws.upload, edits=tuple(edits.items()))
