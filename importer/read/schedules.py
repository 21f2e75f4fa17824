"""Schedules exported by conference tools (JSON), read as an agenda table.

pretalx and frab publish ``schedule.json`` (``schedule.conference.days[].rooms{}``); pretalx
dumps of submissions nest them as ``schedule[date][minute][room]`` with their ``slots``, breaks
in ``extra``; Sessionize's "All data" JSON lists ``sessions`` with ``rooms``, ``speakers`` and
``categories``. Each becomes a ``Table`` with the usual headers, so everything downstream (the
checks, the plan, the results sheet) is the same as for a spreadsheet. Speakers' names are kept
in a ``Speakers`` column, which links them to the event's speakers (``speakerlinks``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from importer.errors import InputFileError
from importer.read.limits import DEFAULT_LIMITS, Limits, too_many_rows
from importer.read.table import CellValue, SourceRow, Table

HEADERS = (
    "Reference ID",
    "Title",
    "Description",
    "Start",
    "End",
    "Duration",
    "Location",
    "Tags",
    "Speakers",
)
Record = dict[str, CellValue]


def load_schedule(path: Path, limits: Limits = DEFAULT_LIMITS) -> Table:
    data = _read_json(path, limits)
    notes: list[str] = []
    if isinstance(data, dict) and isinstance(data.get("schedule"), dict):
        inner = data["schedule"]
        if isinstance(inner.get("conference"), dict):
            records = list(_frab(inner["conference"]))
        else:
            records = _pretalx_dump(data, notes, path.name)
    elif isinstance(data, dict) and isinstance(data.get("sessions"), list):
        records = list(_sessionize(data))
    else:
        raise InputFileError(
            f"{path.name} is JSON but not a schedule this tool reads: it reads pretalx and frab "
            'schedule.json (with "schedule"), pretalx schedule dumps and Sessionize\'s "All data" '
            'JSON (with "sessions"). Export the schedule in one of these, or as a spreadsheet.'
        )
    if len(records) > limits.max_rows:
        raise too_many_rows(path.name, limits)
    return Table(
        path=path,
        sheet=None,
        sheet_names=(),
        header_row=0,
        headers=HEADERS,
        columns=("",) * len(HEADERS),  # no cells of a spreadsheet: nothing to mark or write back
        rows=tuple(
            SourceRow(n, tuple(record.get(h) for h in HEADERS))
            for n, record in enumerate(records, start=1)
        ),
        notes=tuple(notes),
    )


def _read_json(path: Path, limits: Limits) -> Any:
    try:
        if path.stat().st_size > limits.max_file_bytes:
            raise InputFileError(
                f"{path.name} is larger than {limits.max_file_bytes // (1024 * 1024)} MB, the "
                "largest schedule this tool reads."
            )
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise InputFileError(
            f"{path.name} was not found. Check the file name and the folder it is in, then try "
            "again."
        ) from exc
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{path.name} is not UTF-8 text, so it is no JSON schedule.") from exc
    except json.JSONDecodeError as exc:
        raise InputFileError(
            f"{path.name} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}. "
            "Export the schedule again."
        ) from exc
    except OSError as exc:
        raise InputFileError(f"{path.name} cannot be read: {exc.strerror}.") from exc


def _text(value: Any) -> str | None:
    """A plain or multilingual ({"en": ..., "fr": ...}) text; languages joined with " / "."""
    if isinstance(value, dict):
        parts = [str(v).strip() for v in value.values() if isinstance(v, str) and v.strip()]
        unique = list(dict.fromkeys(parts))
        return " / ".join(unique) or None
    if isinstance(value, str):
        return value.strip() or None
    return None


def _joined(values: list[str | None]) -> str | None:
    kept = [v for v in values if v]
    return ", ".join(dict.fromkeys(kept)) or None


def _frab(conference: Mapping[str, Any]) -> Iterator[Record]:
    for day in conference.get("days") or []:
        for room, events in (day.get("rooms") or {}).items():
            for event in events or []:
                persons = event.get("persons") or []
                yield {
                    "Reference ID": str(event.get("guid") or event.get("id") or "") or None,
                    "Title": _text(event.get("title")),
                    "Description": _text(event.get("abstract")) or _text(event.get("description")),
                    "Start": event.get("date"),
                    "Duration": event.get("duration"),
                    "Location": _text(event.get("room")) or room,
                    "Tags": _joined([_text(event.get("track")), _text(event.get("type"))]),
                    "Speakers": _joined(
                        [_text(p.get("public_name")) or _text(p.get("name")) for p in persons]
                    ),
                }


def _submission(sub: Mapping[str, Any], slot: Mapping[str, Any], ref: str) -> Record:
    kind = sub.get("submission_type") or {}
    return {
        "Reference ID": ref,
        "Title": _text(sub.get("title")),
        "Description": _text(sub.get("description")),
        "Start": slot.get("start"),
        "End": slot.get("end"),
        "Location": _text((slot.get("room") or {}).get("name")),
        "Tags": _text(((kind.get("name") or {}).get("en")) or kind.get("name")),
        "Speakers": _joined([_text(p.get("name")) for p in sub.get("speakers") or []]),
    }


def _pretalx_dump(data: Mapping[str, Any], notes: list[str], name: str) -> list[Record]:
    """schedule[date][minute][room] and sprints: one session per (submission, slot)."""
    seen: dict[str, Mapping[str, Any]] = {}
    for part in ("schedule", "sprints"):
        for slots in (data.get(part) or {}).values():
            for rooms in slots.values():
                for sub in rooms.values():
                    if isinstance(sub, dict) and sub.get("code"):
                        seen.setdefault(str(sub["code"]), sub)
    records: list[Record] = []
    for code, sub in seen.items():
        slots = sorted(sub.get("slots") or [], key=lambda s: str(s.get("start")))
        for index, slot in enumerate(slots, start=1):
            ref = code if len(slots) == 1 else f"{code}-{index}"
            records.append(_submission(sub, slot, ref))
    breaks = list(_breaks(data.get("extra") or {}, records))
    if breaks:
        notes.append(
            f"{name}: {len(breaks)} breaks have a start only; each ends when the next session "
            "of its day starts."
        )
    return sorted(records + breaks, key=lambda r: (str(r["Start"]), str(r.get("Location") or "")))


def _breaks(extra: Mapping[str, Any], records: list[Record]) -> Iterator[Record]:
    starts = sorted(datetime.fromisoformat(str(r["Start"])) for r in records if r["Start"])
    for day, slots in extra.items():
        for minute, item in slots.items():
            same_day = [s for s in starts if s.date().isoformat() == day]
            if not same_day or not str(minute).isdigit():
                continue
            zone = same_day[0].tzinfo  # the day's own offset, as its sessions give it
            begin = datetime.fromisoformat(day).replace(tzinfo=zone) + timedelta(
                minutes=int(minute)
            )
            end = next((s for s in same_day if s > begin), None)
            yield {
                "Reference ID": str(item.get("id") or f"break-{day}-{minute}"),
                "Title": _text(item.get("title")),
                "Start": begin.isoformat(),
                "End": end.isoformat() if end else None,
                "Tags": "Break",
            }


def _sessionize(data: Mapping[str, Any]) -> Iterator[Record]:
    rooms = {r.get("id"): _text(r.get("name")) for r in data.get("rooms") or []}
    people = {
        p.get("id"): _text(p.get("fullName"))
        or _joined([_text(p.get("firstName")), _text(p.get("lastName"))])
        for p in data.get("speakers") or []
    }
    items = {
        item.get("id"): _text(item.get("name"))
        for category in data.get("categories") or []
        for item in category.get("items") or []
    }
    for session in data.get("sessions") or []:
        if not session.get("startsAt"):
            continue  # not scheduled: no session to make yet
        tags = [items.get(i) for i in session.get("categoryItems") or []]
        if session.get("isServiceSession"):
            tags.insert(0, "Service")
        yield {
            "Reference ID": str(session.get("id")),
            "Title": _text(session.get("title")),
            "Description": _text(session.get("description")),
            "Start": session.get("startsAt"),
            "End": session.get("endsAt"),
            "Location": rooms.get(session.get("roomId")),
            "Tags": _joined(tags),
            "Speakers": ", ".join(
                name for s in session.get("speakers") or [] if (name := people.get(s))
            )
            or None,
        }
