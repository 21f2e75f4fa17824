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

GUTTER = 140.0
WIDTH = 1000.0
AXIS_H = 30.0
LANE_H = 34.0
BAND_PAD = 2.0
CHAR_W = 6.5  # average advance of an 11px sans-serif glyph
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


def _fit(text: str, width: float, char_w: float = CHAR_W) -> str:
    """The text, or as much of it as fits followed by "…", or "" when too little would show."""
    room = int(width / char_w)
    if len(text) <= room:
        return text
    return text[: room - 1].rstrip() + "…" if room >= 3 else ""


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
    tz = ZoneInfo(zone)
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
    midnight = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC)

    def clipped_end(s: Slot) -> datetime:
        return min(s.end.astimezone(UTC), midnight)

    # Floor in wall-clock time (zones with :30 offsets), then step in absolute time, so the
    # scale stays true on days when the clocks change.
    first = datetime.combine(day, time(hours_shown[0]), tzinfo=tz)
    t0 = first.astimezone(UTC)
    last = max(
        max(clipped_end(s) for s in slots),
        midnight
        if hours_shown[1] == 24
        else datetime.combine(day, time(hours_shown[1]), tzinfo=tz).astimezone(UTC),
    )
    hours = -(-(last - t0) // timedelta(hours=1))
    t1 = t0 + timedelta(hours=hours)
    scale = WIDTH / (t1 - t0).total_seconds()

    def x(moment: datetime) -> float:
        return GUTTER + (moment - t0).total_seconds() * scale

    boxes = [s for s in slots if s.row not in parents]
    names: dict[str, str] = {}
    for s in boxes:
        key = _lane_key(s.lane)
        names[key] = min(names.get(key, _clean(s.lane)), _clean(s.lane))
    keys = sorted(names, key=lambda k: (k == "", k))
    lane_of = {k: i for i, k in enumerate(keys)}
    # Sessions that overlap in one lane are stacked in sub-lanes, so none hides another.
    sub, depth = _sub_lanes(boxes, clipped_end)
    tops = [AXIS_H]
    for key in keys:
        tops.append(tops[-1] + depth[key] * LANE_H)
    height = (tops[-1] if keys else AXIS_H + LANE_H) + 6

    parts: list[str] = []
    step = 2 if hours > 12 else 1
    for h in range(0, hours + 1, step):
        moment = t0 + timedelta(hours=h)
        tx = x(moment)
        parts.append(
            f'<line class="grid" x1="{_n(tx)}" y1="{_n(AXIS_H - 6)}" x2="{_n(tx)}" '
            f'y2="{_n(height - 6)}" stroke="#e5e7eb" stroke-width="1"/>'
        )
        anchor = "end" if h == hours else "start" if h == 0 else "middle"
        attrs = f'class="tick" font-size="11" fill="#374151" text-anchor="{anchor}"'
        parts.append(_text(tx, AXIS_H - 12, _hhmm(moment.astimezone(tz)), attrs))
    for i, key in enumerate(keys):
        top, bottom = tops[i], tops[i + 1]
        parts.append(
            f'<line class="lane-rule" x1="0" y1="{_n(bottom)}" x2="{_n(GUTTER + WIDTH)}" '
            f'y2="{_n(bottom)}" stroke="#e5e7eb" stroke-width="1"/>'
        )
        name = _fit(names[key] or f"No {kind}", GUTTER - 12)
        attrs = 'class="lane-label" font-size="11" fill="#1f2937"'
        parts.append(_text(6, top + LANE_H / 2 + 4, name, attrs))

    parent_of = {s.row: s.parent_row for s in slots if s.parent_row != s.row}
    leaf_lanes: dict[int, set[int]] = defaultdict(set)
    for s in boxes:
        for up in _ancestors(s.row, parent_of):
            leaf_lanes[up].add(lane_of[_lane_key(s.lane)])

    # Outer bands first, so nested ones and their labels stay visible on top.
    bands = sorted(
        (s for s in slots if s.row in parents),
        key=lambda s: (len(_ancestors(s.row, parent_of)), s.start, s.row),
    )
    for s in bands:
        lanes = leaf_lanes.get(s.row) or set(range(len(keys)))
        top = (tops[min(lanes)] if lanes else AXIS_H) - BAND_PAD
        bottom = (tops[max(lanes) + 1] if lanes else AXIS_H + LANE_H) + BAND_PAD
        left, right = x(s.start), x(clipped_end(s))
        title = _clean(s.title)
        parts.append(
            f'<g class="band" data-row="{s.row}"><title>{escape(title)}</title>'
            f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(right - left)}" '
            f'height="{_n(bottom - top)}" rx="4" fill="#e0e7ff" fill-opacity="0.6" '
            f'stroke="#6366f1" stroke-width="1"/>'
        )
        attrs = 'class="band-label" font-size="10" font-weight="600" fill="#312e81"'
        text = _fit(title, right - left - 6, CHAR_W * 10 / 11)
        parts.append((_text(left + 3, top + 10, text, attrs) if text else "") + "</g>")

    for s in boxes:
        top = tops[lane_of[_lane_key(s.lane)]] + sub[s.row] * LANE_H + 12
        left = x(s.start)
        width = max(x(clipped_end(s)) - left, 2.0)
        title = _clean(s.title)
        local_start, local_end = s.start.astimezone(tz), s.end.astimezone(tz)
        span = f"{_hhmm(local_start)}–{_hhmm(local_end)}"
        if (days := (local_end.date() - local_start.date()).days) > 0:
            span += f" (+{_plural(days, 'day')})"
        tip = "\n".join((title, span, names[_lane_key(s.lane)] or f"No {kind}", f"row {s.row}"))
        hit = s.row in flagged
        stroke = 'stroke="#dc2626" stroke-width="3"' if hit else 'stroke="#ffffff" stroke-width="1"'
        parts.append(
            # Focusable and tappable: the page shows the details of the box chosen, not on hover.
            f'<g class="slot slot-{s.action}{" overlap" if hit else ""}" data-row="{s.row}" '
            f'tabindex="0" role="button" aria-label="{escape(", ".join(tip.splitlines()))}">'
            f"<title>{escape(tip)}</title>"
            f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(width)}" height="{_n(LANE_H - 15)}" '
            f'rx="4" fill="{ACTIONS[s.action]}" {stroke}/>'
        )
        text = _fit(title, width - 8)
        attrs = 'class="slot-label" font-size="11" fill="#ffffff"'
        parts.append((_text(left + 4, top + 13.5, text, attrs) if text else "") + "</g>")

    title_id = f"timeline-title-{day.isoformat()}"
    summary = (
        f"Agenda timeline for {label}: {_plural(len(slots), 'session')} in "
        f"{_plural(sum(1 for k in keys if k), kind)}, {_plural(len(overlaps), 'overlap')}"
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" '
        f'viewBox="0 0 {_n(GUTTER + WIDTH)} {_n(height)}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" role="img" aria-labelledby="{title_id}" '
        f'font-family="system-ui, sans-serif"><title id="{title_id}">{escape(summary)}</title>'
        + "".join(parts)
        + "</svg>"
    )
    return Day(label=label, svg=svg, overlaps=overlaps)
