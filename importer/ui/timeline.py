"""The import plan of an agenda as inline SVG: one timeline per day, locations as lanes.

Staff check the plan before anything is sent, so the drawing shows what the spreadsheet says:
parent sessions as bands around their children, and two sessions booked into one room at once
outlined in red. Titles come from users' spreadsheets: every piece of text is escaped, and the
markup uses presentation attributes only because the page's CSP forbids inline styles.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from html import escape
from typing import Literal
from zoneinfo import ZoneInfo

from importer.settings.checks import check_timezone
from importer.ui.textfit import fit as _fit
from importer.ui.textfit import text_width

GUTTER = 140.0
WIDTH = 1000.0
AXIS_H = 30.0
LANE_H = 34.0
BAND_PAD = 2.0
ACTIONS = {"create": "#2563eb", "update": "#b45309", "unchanged": "#6b7280"}
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Characters XML 1.0 forbids: one in a spreadsheet cell would make the whole page's SVG invalid.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class Slot:
    row: int
    title: str
    start: datetime
    end: datetime
    lane: str
    parent_row: int | None
    action: str


@dataclass(frozen=True)
class Day:
    label: str
    svg: str
    overlaps: tuple[tuple[int, int], ...]


def _lane_key(lane: str) -> str:
    return lane.strip().casefold()


def _parent_rows(slots: Sequence[Slot]) -> set[int]:
    # A row naming itself as parent is a data error, not a container.
    return {s.parent_row for s in slots if s.parent_row is not None and s.parent_row != s.row}


def find_overlaps(slots: Sequence[Slot]) -> set[tuple[int, int]]:
    """Pairs of rows (smaller first) booked into the same location at the same time."""
    # Excluding every parent also excludes every ancestor: an ancestor is someone's parent.
    parents = _parent_rows(slots)
    by_lane: dict[str, list[Slot]] = defaultdict(list)
    for s in slots:
        if s.row not in parents and _lane_key(s.lane):
            by_lane[_lane_key(s.lane)].append(s)
    pairs: set[tuple[int, int]] = set()
    for group in by_lane.values():
        group.sort(key=lambda s: (s.start, s.row))
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if b.start >= a.end:
                    break
                if a.row != b.row:
                    pairs.add((min(a.row, b.row), max(a.row, b.row)))
    return pairs


def _ancestors(row: int, parent_of: dict[int, int | None]) -> list[int]:
    chain: list[int] = []
    up = parent_of.get(row)
    while up is not None and up not in chain:  # a cycle in user data must not hang the page
        chain.append(up)
        up = parent_of.get(up)
    return chain


def _clean(text: str) -> str:
    return " ".join(_NOT_XML.sub(" ", text).split())


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _hhmm(moment: datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _text(x: float, y: float, content: str, attrs: str) -> str:
    return f'<text x="{_n(x)}" y="{_n(y)}" {attrs}>{escape(content)}</text>'


def draw_timeline(
    slots: Sequence[Slot], zone: str, *, lanes: Literal["location", "track"] = "location"
) -> tuple[Day, ...]:
    """One Day per local calendar date on which sessions start, in date order.

    With ``lanes="track"`` the lanes are tracks, which run side by side by design: sessions
    sharing one are not clashes, so no overlaps are flagged."""
    tz = check_timezone(zone)
    for s in slots:
        if s.start.tzinfo is None or s.end.tzinfo is None:
            raise ValueError(f"row {s.row}: times must be timezone-aware")
        if s.action not in ACTIONS:
            raise ValueError(f"row {s.row}: unknown action {s.action!r}")
    parents = _parent_rows(slots)
    overlaps = find_overlaps(slots) if lanes == "location" else set()
    by_date: dict[date, list[Slot]] = defaultdict(list)
    for s in sorted(slots, key=lambda s: (s.start, s.row)):
        by_date[s.start.astimezone(tz).date()].append(s)
    hours = _day_hours(by_date, tz)
    return tuple(
        _draw_day(d, by_date[d], tz, parents, overlaps, lanes, hours) for d in sorted(by_date)
    )


def _day_hours(by_date: dict[date, list[Slot]], tz: ZoneInfo) -> tuple[int, int]:
    """The wall-clock hours every day's picture spans (first start to last end, over all
    days), so that one time is at one place on every day and days can be compared."""
    first, last = 24, 0
    for day, slots in by_date.items():
        midnight = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz)
        first = min(first, min(s.start.astimezone(tz).hour for s in slots))
        for s in slots:
            end = s.end.astimezone(tz)
            if end >= midnight:
                last = 24
            else:
                last = max(last, end.hour + (1 if (end.minute, end.second) != (0, 0) else 0))
    return first, max(last, first + 1)


def _sub_lanes(
    boxes: Sequence[Slot], end_of: Callable[[Slot], datetime]
) -> tuple[dict[int, int], dict[str, int]]:
    """Each box's sub-lane in its lane (the first one free at its start) and each lane's depth."""
    sub: dict[int, int] = {}
    ends: dict[str, list[datetime]] = defaultdict(list)  # lane -> each sub-lane's last end
    for s in sorted(boxes, key=lambda s: (s.start, s.row)):
        free = ends[_lane_key(s.lane)]
        index = next((i for i, end in enumerate(free) if end <= s.start), len(free))
        if index == len(free):
            free.append(end_of(s))
        else:
            free[index] = end_of(s)
        sub[s.row] = index
    return sub, defaultdict(lambda: 1, {k: max(len(v), 1) for k, v in ends.items()})


@dataclass(frozen=True)
class _Frame:
    """One day's picture: its time scale, its lanes (each as deep as its stacked sessions)."""

    day: date
    tz: ZoneInfo
    kind: str  # what a lane is: "location" or "track"
    t0: datetime  # UTC, the left edge
    hours: int
    scale: float  # px per second
    midnight: datetime  # UTC, the day's end: later ends are clipped there
    keys: tuple[str, ...]  # lanes, in order
    names: dict[str, str]  # lane key -> the name shown
    tops: tuple[float, ...]  # each lane's top, then the last one's bottom
    sub: dict[int, int]  # row -> its sub-lane
    height: float

    def x(self, moment: datetime) -> float:
        return GUTTER + (moment - self.t0).total_seconds() * self.scale

    def end(self, s: Slot) -> datetime:
        return min(s.end.astimezone(UTC), self.midnight)

    def lane(self, s: Slot) -> int:
        return self.keys.index(_lane_key(s.lane))

    def lane_name(self, s: Slot) -> str:
        return self.names.get(_lane_key(s.lane)) or f"No {self.kind}"

    def clip(self, row: int) -> str:
        return f"clip-{self.day.isoformat()}-{row}"


def _frame(
    day: date, slots: list[Slot], tz: ZoneInfo, boxes: list[Slot], kind: str, shown: tuple[int, int]
) -> _Frame:
    midnight = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC)
    # Floor in wall-clock time (zones with :30 offsets), then step in absolute time, so the
    # scale stays true on days when the clocks change.
    t0 = datetime.combine(day, time(shown[0]), tzinfo=tz).astimezone(UTC)
    last_wanted = midnight if shown[1] == 24 else datetime.combine(day, time(shown[1]), tzinfo=tz)
    last = max(max(min(s.end.astimezone(UTC), midnight) for s in slots), last_wanted)
    hours = -(-(last - t0) // timedelta(hours=1))
    scale = WIDTH / (timedelta(hours=hours)).total_seconds()
    names: dict[str, str] = {}
    for s in boxes:
        key = _lane_key(s.lane)
        names[key] = min(names.get(key, _clean(s.lane)), _clean(s.lane))
    keys = tuple(sorted(names, key=lambda k: (k == "", k)))
    # Sessions that overlap in one lane are stacked in sub-lanes, so none hides another.
    sub, depth = _sub_lanes(boxes, lambda s: min(s.end.astimezone(UTC), midnight))
    tops = [AXIS_H]
    for key in keys:
        tops.append(tops[-1] + depth[key] * LANE_H)
    height = (tops[-1] if keys else AXIS_H + LANE_H) + 6
    return _Frame(day, tz, kind, t0, hours, scale, midnight, keys, names, tuple(tops), sub, height)


def _axis(f: _Frame) -> list[str]:
    parts: list[str] = []
    step = 2 if f.hours > 12 else 1
    for h in range(0, f.hours + 1, step):
        moment = f.t0 + timedelta(hours=h)
        tx = f.x(moment)
        parts.append(
            f'<line class="grid" x1="{_n(tx)}" y1="{_n(AXIS_H - 6)}" x2="{_n(tx)}" '
            f'y2="{_n(f.height - 6)}" stroke="#e5e7eb" stroke-width="1"/>'
        )
        anchor = "end" if h == f.hours else "start" if h == 0 else "middle"
        attrs = f'class="tick" font-size="11" fill="#374151" text-anchor="{anchor}"'
        parts.append(_text(tx, AXIS_H - 12, _hhmm(moment.astimezone(f.tz)), attrs))
    return parts


def _lanes(f: _Frame) -> list[str]:
    parts: list[str] = []
    for i, key in enumerate(f.keys):
        top, bottom = f.tops[i], f.tops[i + 1]
        parts.append(
            f'<line class="lane-rule" x1="0" y1="{_n(bottom)}" x2="{_n(GUTTER + WIDTH)}" '
            f'y2="{_n(bottom)}" stroke="#e5e7eb" stroke-width="1"/>'
        )
        name = _fit(f.names[key] or f"No {f.kind}", GUTTER - 12)
        attrs = 'class="lane-label" font-size="11" fill="#1f2937"'
        parts.append(_text(6, top + LANE_H / 2 + 4, name, attrs))
    return parts


def _span(s: Slot, tz: ZoneInfo) -> str:
    local_start, local_end = s.start.astimezone(tz), s.end.astimezone(tz)
    span = f"{_hhmm(local_start)}–{_hhmm(local_end)}"
    if (days := (local_end.date() - local_start.date()).days) > 0:
        span += f" (+{_plural(days, 'day')})"
    return span


def _focusable(cls: str, s: Slot, tip: str) -> str:
    """A session's group: a Tab stop and a tap target whose details the page shows beside it."""
    label = escape(", ".join(tip.splitlines()))
    return (
        f'<g class="{cls}" data-row="{s.row}" tabindex="0" role="button" aria-label="{label}">'
        f"<title>{escape(tip)}</title>"
    )


def _label(
    f: _Frame, row: int, box: tuple[float, float, float, float], text: str, attrs: str
) -> str:
    """A label inside its box, clipped to it: it never spills over a neighbour's."""
    left, top, width, height = box
    clip = f.clip(row)
    return (
        f'<clipPath id="{clip}"><rect x="{_n(left)}" y="{_n(top)}" width="{_n(width)}" '
        f'height="{_n(height)}"/></clipPath>'
        + _text(left + 4, top + height / 2 + 4, text, f'{attrs} clip-path="url(#{clip})"')
    )


def _bands(f: _Frame, slots: list[Slot], boxes: list[Slot], parents: set[int]) -> list[str]:
    parent_of = {s.row: s.parent_row for s in slots if s.parent_row != s.row}
    leaf_lanes: dict[int, set[int]] = defaultdict(set)
    for s in boxes:
        for up in _ancestors(s.row, parent_of):
            leaf_lanes[up].add(f.lane(s))
    # Outer bands first, so nested ones and their labels stay visible on top.
    bands = sorted(
        (s for s in slots if s.row in parents),
        key=lambda s: (len(_ancestors(s.row, parent_of)), s.start, s.row),
    )
    taken: list[tuple[float, float, float]] = []  # labels drawn: (left, right, top)
    parts: list[str] = []
    for s in bands:
        lanes = leaf_lanes.get(s.row) or set(range(len(f.keys)))
        top = (f.tops[min(lanes)] if lanes else AXIS_H) - BAND_PAD
        bottom = (f.tops[max(lanes) + 1] if lanes else AXIS_H + LANE_H) + BAND_PAD
        left, right = f.x(s.start), f.x(f.end(s))
        title = _clean(s.title)
        tip = "\n".join((title, _span(s, f.tz), "parent session", f"row {s.row}"))
        parts.append(
            _focusable("band", s, tip)
            + f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(right - left)}" '
            f'height="{_n(bottom - top)}" rx="4" fill="#e0e7ff" fill-opacity="0.6" '
            f'stroke="#6366f1" stroke-width="1"/>'
        )
        text = _fit(title, right - left - 8, 10)
        end = left + 4 + text_width(text, 10)
        # A nested band's label at the same height as its parent's is left out, not overprinted.
        if any(a < end and left < b and t == top for a, b, t in taken):
            text = ""
        attrs = 'class="band-label" font-size="10" font-weight="600" fill="#312e81"'
        if text:
            taken.append((left, end, top))
            parts.append(_label(f, s.row, (left, top, right - left, 13), text, attrs))
        parts.append("</g>")
    return parts


def _boxes(f: _Frame, boxes: list[Slot], flagged: set[int]) -> list[str]:
    parts: list[str] = []
    for s in boxes:
        top = f.tops[f.lane(s)] + f.sub[s.row] * LANE_H + 12
        left = f.x(s.start)
        width = max(f.x(f.end(s)) - left, 2.0)
        title = _clean(s.title)
        tip = "\n".join((title, _span(s, f.tz), f.lane_name(s), f"row {s.row}"))
        hit = s.row in flagged
        stroke = 'stroke="#dc2626" stroke-width="3"' if hit else 'stroke="#ffffff" stroke-width="1"'
        parts.append(
            _focusable(f"slot slot-{s.action}{' overlap' if hit else ''}", s, tip)
            + f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(width)}" '
            f'height="{_n(LANE_H - 15)}" rx="4" fill="{ACTIONS[s.action]}" {stroke}/>'
        )
        text = _fit(title, width - 8)
        attrs = 'class="slot-label" font-size="11" fill="#ffffff"'
        if text:
            parts.append(_label(f, s.row, (left, top, width, LANE_H - 15), text, attrs))
        parts.append("</g>")
    return parts


def _draw_day(
    day: date,
    slots: list[Slot],
    tz: ZoneInfo,
    parents: set[int],
    all_overlaps: set[tuple[int, int]],
    kind: str,
    hours_shown: tuple[int, int],
) -> Day:
    label = f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"
    rows = {s.row for s in slots}
    # A pair split across midnight is listed on both days, so neither day hides it.
    overlaps = tuple(sorted(p for p in all_overlaps if p[0] in rows or p[1] in rows))
    flagged = {r for p in overlaps for r in p}
    boxes = [s for s in slots if s.row not in parents]
    f = _frame(day, slots, tz, boxes, kind, hours_shown)
    parts = _axis(f) + _lanes(f) + _bands(f, slots, boxes, parents) + _boxes(f, boxes, flagged)
    title_id = f"timeline-title-{day.isoformat()}"
    summary = (
        f"Agenda timeline for {label}: {_plural(len(slots), 'session')} in "
        f"{_plural(sum(1 for k in f.keys if k), kind)}, {_plural(len(overlaps), 'overlap')}"
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" '
        f'viewBox="0 0 {_n(GUTTER + WIDTH)} {_n(f.height)}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" role="group" aria-labelledby="{title_id}" '
        f'font-family="system-ui, sans-serif"><title id="{title_id}">{escape(summary)}</title>'
        + "".join(parts)
        + "</svg>"
    )
    return Day(label=label, svg=svg, overlaps=overlaps)
