"""Rows of a loaded table -> validated session drafts, with a message for every problem."""

from __future__ import annotations

import difflib
import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from importer.check.cells import CellError, infer_date_order, parse_whole_number
from importer.check.columns import ColumnMap, match_columns
from importer.check.drafts import Draft, Mapped, Problem
from importer.check.eventdays import counts_days, first_day_number
from importer.check.phrases import rows_phrase
from importer.check.replacements import replace_cells, replace_speakers
from importer.check.rowtext import (
    cell_checks,
    clean_text,
    description_text,
    read_tags,
    read_title,
    section_tag,
)
from importer.check.rowtimes import Span, TimeContext, finish, read_times
from importer.check.rowview import RowView
from importer.check.sanity import sanity_warnings
from importer.check.sections import Times, section_spans
from importer.check.sequence import settle
from importer.check.sessionfiles import file_problems, read_file_cells
from importer.check.speakers import read_speaker_cells
from importer.read.context import check_stated_zone
from importer.read.excelerrors import ExcelError
from importer.read.table import Table
from importer.settings.checks import UUID_RE, check_timezone
from importer.settings.config import MappingOptions


def location_key(name: str) -> str:
    return " ".join(name.casefold().split())


def map_rows(
    table: Table,
    options: MappingOptions,
    *,
    timezone: str,
    locations: Mapping[str, str] | None = None,
    columns: ColumnMap | None = None,
) -> Mapped:
    """Every row of ``table`` as a ``Draft`` or as problems.

    ``locations`` maps the event's location names, as the event spells them, to their IDs;
    ``columns`` are the table's columns when the caller has matched them already.
    """
    with _collector_paused():
        return _map_rows(table, options, timezone=timezone, locations=locations, columns=columns)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Rows are read whole before their days settle, so 50,000 rows keep about a million objects
    alive at once; the cycle collector would scan them over and over (it more than doubled the
    mapping time). Nothing made here forms reference cycles, so it rests until the end."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _map_rows(
    table: Table,
    options: MappingOptions,
    *,
    timezone: str,
    locations: Mapping[str, str] | None = None,
    columns: ColumnMap | None = None,
) -> Mapped:
    cols = columns or match_columns(table, options)
    table = replace_cells(table, cols, options.replace_values)  # rooms named otherwise, ...
    check_stated_zone(table, options, timezone)
    zone = check_timezone(timezone)
    ctx = _time_context(table, cols, options, zone, timezone)
    known_ids = set(locations.values()) if locations is not None else set()
    places = (
        {location_key(name): (place_id, name) for name, place_id in locations.items()}
        if locations is not None
        else None
    )
    problems: list[Problem] = [Problem(None, None, None, n, "warning") for n in cols.notes]
    ref_rows = _reference_rows(table, cols)
    people, notes = read_speaker_cells(
        ((r.number, r.values) for r in table.rows), cols.all_of("speakers"), cols.headers
    )
    problems.extend(Problem(None, None, None, n, "warning") for n in notes)
    if options.replace_values.get("speakers"):
        people = replace_speakers(people, options.replace_values["speakers"])
    links, not_links = read_file_cells(
        ((r.number, r.values) for r in table.rows), cols.all_of("links"), cols.headers
    )
    problems.extend(file_problems(not_links, cols.headers, table.columns))
    pending: list[_Pending] = []
    for source in table.rows:
        context = table.context.get(source.number)
        row = RowView(source.number, source.values, cols, table.columns, context)
        if context is not None and context.heading:  # a section kept as a parent session
            pending.append(_Pending(row, _heading_fields(row), None))
            continue
        pending.append(_read_row(row, options, ctx, places, known_ids, ref_rows))
        if "speakers" in cols.fields:  # without the column, Zuddl's speakers are left alone
            pending[-1].fields["speakers"] = people[source.number]
        if links.get(source.number):
            pending[-1].fields["files"] = links[source.number]
    problems.extend(settle([p.span for p in pending if p.span is not None], ctx))
    problems.extend(_unnamed_note([p.row for p in pending if p.row.title_from_unnamed]))
    times = {p.row.number: t for p in pending if p.span and (t := finish(p.span, ctx))}
    sections = _sections(table, pending, times)
    made = [(item.row, _draft(item, times, sections, table)) for item in pending]
    drafts = [(row, draft) for row, draft in made if draft is not None]
    sanity_warnings(drafts, zone, options.start_date, options.end_date)
    for row, _ in made:
        problems.extend(row.problems)
    invalid = {row.number for row, draft in made if draft is None}
    row_refs = {row: ref for ref, rows in ref_rows.items() for row in rows}
    return Mapped(tuple(d for _, d in drafts), tuple(problems), frozenset(invalid), cols, row_refs)


def _time_context(
    table: Table, cols: ColumnMap, options: MappingOptions, zone: ZoneInfo, timezone: str
) -> TimeContext:
    """How this sheet writes its times: the date order, and whether days are counted (Day 1)."""
    order = options.date_order
    if order is None:
        texts = [
            v
            for f in ("date", "start", "end")
            if f in cols.fields
            for r in table.rows
            if isinstance(v := r.values[cols.fields[f]], str)
        ]
        order = infer_date_order(texts)
    date_index = cols.fields.get("date")
    day_cells = [r.values[date_index] for r in table.rows] if date_index is not None else []
    relative = counts_days(day_cells)
    base = first_day_number(day_cells) if relative else 1
    return TimeContext(options, zone, timezone, order, base, relative)


@dataclass
class _Pending:
    """A row read, waiting for its day to settle its times."""

    row: RowView
    fields: dict[str, Any]
    span: Span | None


def _unnamed_note(rows: list[RowView]) -> list[Problem]:
    if not rows:
        return []
    phrase = rows_phrase([r.number for r in rows])
    letters = ", ".join(sorted({str(r.title_from_unnamed) for r in rows}))
    verb = "has" if len(rows) == 1 else "have"
    text = (
        f"{phrase[0].upper()}{phrase[1:]} {verb} no title but text in a column without a header "
        f"({letters}): that text is the title (breaks are often written so)."
    )
    return [Problem(None, None, None, text, "warning")]


def _heading_fields(row: RowView) -> dict[str, Any]:
    fields = dict.fromkeys(("reference_id", "parent_ref", "description", "location_id"))
    return {**fields, "row": row.number, "title": row.context.section, "capacity": None, "tags": ()}


def _reference_rows(table: Table, cols: ColumnMap) -> dict[str, list[int]]:
    """Reference ID -> the rows that carry it, to catch one pasted onto a second row."""
    index = cols.fields.get("reference")
    rows: dict[str, list[int]] = {}
    if index is None:
        return rows
    for source in table.rows:
        value = source.values[index] if index < len(source.values) else None
        text = clean_text(value) if not isinstance(value, ExcelError) else None
        if text is not None:
            rows.setdefault(text, []).append(source.number)
    return rows


def _and(numbers: list[int]) -> str:
    shown = [str(n) for n in numbers]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def _read_row(
    row: RowView,
    options: MappingOptions,
    ctx: TimeContext,
    places: Mapping[str, tuple[str, str]] | None,
    known_ids: set[str],
    ref_rows: Mapping[str, list[int]],
) -> _Pending:
    cell_checks(row)
    title = read_title(row)
    reference = clean_text(row.raw("reference"))
    if reference is not None and len(ref_rows.get(reference, ())) > 1:
        # Every row that carries it: which one is the session's is a guess this tool won't make.
        others = [n for n in ref_rows[reference] if n != row.number]
        row.fail(
            "reference",
            f'Reference ID "{reference}" is also used on row{"s" * (len(others) > 1)} '
            f"{_and(others)}. Give each session its own reference ID; none of these rows is "
            "sent until then.",
        )
    zuddl_id = clean_text(row.raw("zuddl_id"))
    if zuddl_id is not None and not UUID_RE.match(zuddl_id):
        row.fail(
            "zuddl_id",
            f'"{zuddl_id}" is not a Zuddl session ID (they look like '
            "d5e31ba5-2d1e-4918-bb60-dd1514b4b397). Clear the cell, or copy the ID from the "
            "results sheet.",
        )
        zuddl_id = None
    span = read_times(row, ctx)
    location_id = None
    place = clean_text(row.raw("location")) or options.default_location
    if place is not None:
        location_id = _location(row, place, places, known_ids)
    capacity = None
    if row.raw("capacity") is not None and clean_text(row.raw("capacity")) is not None:
        try:
            capacity = parse_whole_number(row.raw("capacity"))
        except CellError as exc:
            row.fail("capacity", str(exc))
    description = description_text(row)
    fields = {
        "row": row.number,
        "reference_id": reference,
        "zuddl_id": zuddl_id.lower() if zuddl_id else None,
        "parent_ref": clean_text(row.raw("parent")),
        "title": title,
        "description": description,
        "location_id": location_id,
        "capacity": capacity,
        "tags": read_tags(row) + section_tag(row, options),
    }
    return _Pending(row, fields, span)


def _sections(
    table: Table, pending: list[_Pending], times: Mapping[int, Times]
) -> dict[int, tuple[Times, str]]:
    headings = {n: c.section or "" for n, c in table.context.items() if c.heading}
    if not headings:
        return {}
    owner = {
        n: c.section_row
        for n, c in table.context.items()
        if not c.heading and c.section_row is not None
    }
    return section_spans(headings, owner, times)


def _draft(
    item: _Pending,
    times: Mapping[int, Times],
    sections: Mapping[int, tuple[Times, str]],
    table: Table,
) -> Draft | None:
    row, fields = item.row, dict(item.fields)
    context = table.context.get(row.number)
    span = times.get(row.number)
    if context is not None and context.heading:
        if row.number not in sections:
            row.fail(
                "title",
                "This section heading has no session with a time below it, so it has no start "
                "and end. Remove it, or give the rows below it their times.",
            )
            return None
        span, fields["reference_id"] = sections[row.number]
    elif context is not None and not fields["parent_ref"]:
        owner = sections.get(context.section_row) if context.section_row is not None else None
        fields["parent_ref"] = owner[1] if owner else None
    if not row.ok or fields["title"] is None or span is None:
        return None
    try:
        return Draft(**fields, start=span[0], end=span[1])
    except ValidationError as exc:  # a rule the checks above missed: still a row error
        row.fail("title", f"This row breaks a rule of Zuddl's API: {exc.errors()[0]['msg']}.")
        return None


def _location(
    row: RowView, place: str, places: Mapping[str, tuple[str, str]] | None, ids: set[str]
) -> str | None:
    if UUID_RE.match(place):
        if places is not None and place.lower() not in ids:
            row.fail(
                "location",
                f'"{place}" is not the ID of a location of this event. '
                "Use a location name or ID from the event.",
            )
        return place.lower()
    if places is None:
        return None  # checked once the event's locations are known
    key = location_key(place)
    if key in places:
        return places[key][0]
    names = sorted(name for _, name in places.values())
    close = difflib.get_close_matches(key, list(places), n=3, cutoff=0.75)
    if close:
        hint = " Did you mean " + " or ".join(f'"{places[c][1]}"' for c in close) + "?"
    else:
        hint = " The event's locations are: " + ", ".join(f'"{n}"' for n in names[:10]) + "."
    row.fail(
        "location", f'"{place}" is not a location of this event.{hint}', kind="unknown_location"
    )
    return None
