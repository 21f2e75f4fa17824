"""The agenda timeline: days in the event's zone, lanes, parent bands, overlaps, safe markup."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from importer.ui.timeline import Day, Slot, draw_timeline, find_overlaps

NS = "{http://www.w3.org/2000/svg}"
BERLIN = ZoneInfo("Europe/Berlin")
HOSTILE = '<script>alert(1)</script> & "x"'


def at(hour: int, minute: int = 0, day: int = 10, tz: ZoneInfo = BERLIN) -> datetime:
    return datetime(2026, 6, day, hour, minute, tzinfo=tz)


def slot(
    row: int,
    start: datetime,
    end: datetime,
    lane: str = "Hall A",
    parent: int | None = None,
    title: str = "Talk",
    action: str = "create",
) -> Slot:
    return Slot(row, title, start, end, lane, parent, action)


def parse(day: Day) -> ET.Element:
    return ET.fromstring(day.svg)


def groups(root: ET.Element, cls: str) -> dict[int, ET.Element]:
    return {
        int(g.attrib["data-row"]): g
        for g in root.iter(f"{NS}g")
        if cls in g.attrib.get("class", "").split()
    }


def box(group: ET.Element) -> tuple[float, float, float, float]:
    """left, top, right, bottom of the group's rect."""
    rect = group.find(f"{NS}rect")
    assert rect is not None
    x, y = float(rect.attrib["x"]), float(rect.attrib["y"])
    return x, y, x + float(rect.attrib["width"]), y + float(rect.attrib["height"])


def texts(root: ET.Element, cls: str) -> list[ET.Element]:
    return [t for t in root.iter(f"{NS}text") if t.attrib.get("class") == cls]


def only_day(slots: list[Slot], zone: str = "Europe/Berlin") -> tuple[Day, ET.Element]:
    days = draw_timeline(slots, zone)
    assert len(days) == 1
    return days[0], parse(days[0])


def test_no_slots_no_days() -> None:
    assert draw_timeline([], "Europe/Berlin") == ()


def test_days_are_split_in_the_given_zone() -> None:
    late_utc = datetime(2026, 6, 9, 23, 30, tzinfo=UTC)  # 01:30 on the 10th in Berlin
    slots = [
        slot(3, at(9, day=11), at(10, day=11)),
        slot(2, late_utc, late_utc + timedelta(hours=1)),
    ]
    days = draw_timeline(slots, "Europe/Berlin")
    assert [d.label for d in days] == ["Wed 10 Jun 2026", "Thu 11 Jun 2026"]
    first = parse(days[0])
    assert set(groups(first, "slot")) == {2}
    assert first.attrib["aria-labelledby"] == "timeline-title-2026-06-10"
    title = first.find(f"{NS}title")
    assert title is not None and title.attrib["id"] == "timeline-title-2026-06-10"
    assert title.text == "Agenda timeline for Wed 10 Jun 2026: 1 session in 1 location, 0 overlaps"
    # One time scale on every day: from the first start (01:30) to the last end (10:00).
    assert [t.text for t in texts(first, "tick")] == [f"{h:02d}:00" for h in range(1, 11)]
    # The same slots in UTC stay on the 9th and the 11th.
    assert [d.label for d in draw_timeline(slots, "UTC")] == ["Tue 9 Jun 2026", "Thu 11 Jun 2026"]


def test_svg_element_is_accessible_and_scalable() -> None:
    _, root = only_day([slot(2, at(9), at(10))])
    assert root.tag == f"{NS}svg"
    assert root.attrib["width"] == "100%"
    # A group, not an image: an image's parts are hidden, and each session is a Tab stop.
    assert root.attrib["role"] == "group"
    assert root.attrib["preserveAspectRatio"] == "xMinYMin meet"
    assert root.attrib["viewBox"].split()[:3] == ["0", "0", "1140"]
    ids = [e.attrib["id"] for e in root.iter() if "id" in e.attrib]
    # The label's clip (unique on the page: the day and the row) is the only other ID.
    assert ids == ["timeline-title-2026-06-10", "clip-2026-06-10-2"]


def test_lanes_are_sorted_with_no_location_last() -> None:
    slots = [
        slot(2, at(9), at(10), lane=""),
        slot(3, at(9), at(10), lane="b Hall"),
        slot(4, at(9), at(10), lane="  A room "),
        slot(5, at(9), at(10), lane="c"),
        slot(6, at(11), at(12), lane="a ROOM"),
    ]
    day, root = only_day(slots)
    labels = sorted(texts(root, "lane-label"), key=lambda t: float(t.attrib["y"]))
    assert [t.text for t in labels] == ["A room", "b Hall", "c", "No location"]
    slots_by_row = groups(root, "slot")
    # "  A room " and "a ROOM" share one lane, below the axis and above "b Hall".
    assert box(slots_by_row[4])[1] == box(slots_by_row[6])[1] < box(slots_by_row[3])[1]
    assert box(slots_by_row[2])[1] == max(box(g)[1] for g in slots_by_row.values())
    assert "in 3 locations" in day.svg


def test_parent_is_a_band_behind_its_childrens_lanes() -> None:
    slots = [
        slot(2, at(10), at(12), lane="", title="Morning track"),
        slot(3, at(10), at(11), lane="A", parent=2),
        slot(4, at(11), at(12), lane="C", parent=2),
        slot(5, at(9), at(10), lane="B"),
        slot(6, at(9), at(10), lane="D"),
    ]
    day, root = only_day(slots)
    boxes = groups(root, "slot")
    bands = groups(root, "band")
    assert 2 not in boxes and set(bands) == {2}
    left, top, right, bottom = box(bands[2])
    assert left == pytest.approx(box(boxes[3])[0])  # both start at the parent's start
    assert right == pytest.approx(box(boxes[4])[2])  # both end at the parent's end
    assert top < box(boxes[3])[1] and bottom > box(boxes[4])[3]
    assert bottom < box(boxes[6])[1]  # lane D holds no child: the band stops above it
    label = texts(bands[2], "band-label")
    assert [t.text for t in label] == ["Morning track"]
    order = list(root.iter(f"{NS}g"))
    assert order.index(bands[2]) < min(order.index(g) for g in boxes.values())
    assert "No location" not in day.svg  # the parent has no lane of its own


def test_nested_parents_are_bands_outer_first() -> None:
    slots = [
        slot(4, at(10), at(11), lane="A", parent=3),
        slot(3, at(10), at(11), lane="", parent=2, title="Inner"),
        slot(2, at(9), at(12), lane="", title="Outer"),
        slot(5, at(11), at(12), lane="B", parent=2),
    ]
    _, root = only_day(slots)
    assert list(groups(root, "band")) == [2, 3]
    assert list(groups(root, "slot")) == [4, 5]


def test_find_overlaps_rules() -> None:
    assert find_overlaps([slot(7, at(9), at(10)), slot(2, at(9, 30), at(11))]) == {(2, 7)}
    assert find_overlaps([slot(2, at(9), at(10)), slot(3, at(10), at(11))]) == set()
    assert find_overlaps([slot(2, at(9), at(11), "A"), slot(3, at(9), at(11), "B")]) == set()
    assert find_overlaps([slot(2, at(9), at(11), ""), slot(3, at(9), at(11), " ")]) == set()
    assert find_overlaps([slot(2, at(9), at(11), " Hall a"), slot(3, at(10), at(12))]) == {(2, 3)}
    # A parent in the same room as its children, and its grandchildren, is their container.
    family = [
        slot(2, at(9), at(12)),
        slot(3, at(9), at(11), parent=2),
        slot(4, at(10), at(11), parent=3),
    ]
    assert find_overlaps(family) == set()
    # One slot inside another, and three at once.
    assert find_overlaps([slot(2, at(9), at(12)), slot(3, at(10), at(10, 15))]) == {(2, 3)}
    three = [slot(2, at(9), at(12)), slot(3, at(10), at(11)), slot(4, at(10, 30), at(13))]
    assert find_overlaps(three) == {(2, 3), (2, 4), (3, 4)}


def test_overlaps_are_marked_in_the_drawing() -> None:
    slots = [
        slot(2, at(9), at(10)),
        slot(3, at(9, 30), at(10, 30), lane="hall A"),
        slot(4, at(10, 30), at(11)),
        slot(5, at(9), at(10), lane="B"),
    ]
    day, root = only_day(slots)
    assert day.overlaps == ((2, 3),)
    flagged = {row for row, g in groups(root, "slot").items() if "overlap" in g.attrib["class"]}
    assert flagged == {2, 3}
    rect = groups(root, "slot")[2].find(f"{NS}rect")
    assert rect is not None
    assert (rect.attrib["stroke"], rect.attrib["stroke-width"]) == ("#dc2626", "3")
    assert groups(root, "slot")[4].attrib["class"] == "slot slot-create"
    assert day.svg.count("1 overlap<") == 1


def test_action_classes() -> None:
    slots = [
        slot(2, at(9), at(10), action="create"),
        slot(3, at(10), at(11), action="update"),
        slot(4, at(11), at(12), action="unchanged"),
    ]
    _, root = only_day(slots)
    classes = {row: g.attrib["class"] for row, g in groups(root, "slot").items()}
    assert classes == {2: "slot slot-create", 3: "slot slot-update", 4: "slot slot-unchanged"}


def test_titles_are_escaped() -> None:
    slots = [
        slot(2, at(9), at(12), lane=HOSTILE, title=HOSTILE),
        slot(3, at(10), at(11), lane=HOSTILE, parent=4, title=HOSTILE),
        slot(4, at(10), at(11), title=HOSTILE + " parent"),
    ]
    day, root = only_day(slots)
    assert "<script" not in day.svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;" in day.svg
    assert not [e for e in root.iter() if "script" in e.tag.lower()]
    tip = groups(root, "slot")[2].find(f"{NS}title")
    assert tip is not None and tip.text is not None
    assert tip.text.split("\n") == [HOSTILE, "09:00–12:00", HOSTILE, "row 2"]


def test_control_characters_do_not_break_the_xml() -> None:
    _, root = only_day([slot(2, at(9), at(12), title="Line\x0bbreak\x00 and\ttab")])
    tip = groups(root, "slot")[2].find(f"{NS}title")
    assert tip is not None and tip.text is not None
    assert tip.text.startswith("Line break and tab\n")


def test_no_inline_styles() -> None:
    slots = [
        slot(2, at(9), at(12), lane="", title='style="color:red"'),
        slot(3, at(9), at(10), parent=2, title='<b style="x">'),
        slot(4, at(9, 30), at(10)),
    ]
    _, root = only_day(slots)
    assert all("style" not in e.attrib for e in root.iter())
    assert not [e for e in root.iter() if e.tag.endswith("style")]


def test_tick_labels_every_hour() -> None:
    _, root = only_day([slot(2, at(9, 15), at(11, 45))])
    assert [t.text for t in texts(root, "tick")] == ["09:00", "10:00", "11:00", "12:00"]
    xs = [float(t.attrib["x"]) for t in texts(root, "tick")]
    assert xs[0] == pytest.approx(140) and xs[-1] == pytest.approx(1140)
    grid = [
        float(line.attrib["x1"]) for line in root.iter(f"{NS}line") if line.get("class") == "grid"
    ]
    assert grid == pytest.approx(xs)


def test_tick_labels_every_two_hours_over_twelve_hours() -> None:
    _, root = only_day([slot(2, at(6), at(7)), slot(3, at(19, 10), at(19, 50), lane="B")])
    labels = [t.text for t in texts(root, "tick")]
    assert labels == ["06:00", "08:00", "10:00", "12:00", "14:00", "16:00", "18:00", "20:00"]


def test_ticks_follow_the_clock_change() -> None:
    # Berlin skips 02:00-03:00 on 29 March 2026: 01:00 to 04:00 is two real hours.
    start = datetime(2026, 3, 29, 1, tzinfo=BERLIN)
    _, root = only_day([slot(2, start, start.astimezone(UTC) + timedelta(hours=2))])
    assert [t.text for t in texts(root, "tick")] == ["01:00", "03:00", "04:00"]


def test_session_past_midnight_is_clipped_to_its_first_day() -> None:
    slots = [slot(2, at(22), at(2, day=11)), slot(3, at(21), at(21, 30), lane="B")]
    day, root = only_day(slots)
    assert day.label == "Wed 10 Jun 2026"
    assert [t.text for t in texts(root, "tick")] == ["21:00", "22:00", "23:00", "00:00"]
    left, _, right, _ = box(groups(root, "slot")[2])
    assert right == pytest.approx(1140)
    assert left == pytest.approx(140 + 1000 / 3, abs=0.01)
    tip = groups(root, "slot")[2].find(f"{NS}title")
    assert tip is not None and tip.text is not None
    assert tip.text.split("\n")[1] == "22:00–02:00 (+1 day)"


def test_parent_band_past_midnight_is_clipped() -> None:
    slots = [
        slot(2, at(23), at(3, day=11), lane="", title="Night"),
        slot(3, at(23), at(23, 30), parent=2),
    ]
    _, root = only_day(slots)
    assert box(groups(root, "band")[2])[2] == pytest.approx(1140)


def test_long_titles_are_truncated_and_tiny_boxes_unlabelled() -> None:
    long_title = "A very long workshop title that cannot possibly fit in one hour"
    slots = [
        slot(2, at(9), at(10), title=long_title),
        slot(3, at(10), at(10, 1), title="Short break"),
        slot(4, at(10, 1), at(19), title="Fits"),
    ]
    _, root = only_day(slots)
    boxes = groups(root, "slot")
    [label] = texts(boxes[2], "slot-label")
    assert label.text is not None and label.text.endswith("…")
    assert 3 < len(label.text) < len(long_title)
    assert long_title.startswith(label.text[:-1])
    assert texts(boxes[3], "slot-label") == []
    assert [t.text for t in texts(boxes[4], "slot-label")] == ["Fits"]


def test_long_lane_names_are_truncated() -> None:
    _, root = only_day([slot(2, at(9), at(10), lane="Grand Ballroom East Wing, Level 3")])
    [label] = texts(root, "lane-label")
    assert label.text is not None and label.text.endswith("…") and len(label.text) < 30


def test_output_is_deterministic_and_order_independent() -> None:
    slots = [
        slot(row, at(8 + row % 9, 15 * (row % 4)), at(9 + row % 9), lane=f"Room {row % 3}")
        for row in range(2, 30)
    ]
    first = draw_timeline(slots, "Europe/Berlin")
    assert draw_timeline(slots, "Europe/Berlin") == first
    shuffled = list(slots)
    random.Random(7).shuffle(shuffled)
    assert draw_timeline(shuffled, "Europe/Berlin") == first


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="row 2"):
        draw_timeline([slot(2, datetime(2026, 6, 10, 9), datetime(2026, 6, 10, 10))], "UTC")


def test_parent_cycles_and_self_parents_still_draw() -> None:
    slots = [
        slot(2, at(9), at(10), lane="", parent=3, title="Loop A"),
        slot(3, at(9), at(11), lane="", parent=2, title="Loop B"),
        slot(4, at(10), at(11), parent=4, title="Own parent"),
    ]
    day, root = only_day(slots)
    assert set(groups(root, "band")) == {2, 3}
    assert set(groups(root, "slot")) == {4}
    assert day.overlaps == ()


def test_overlapping_sessions_are_stacked_in_sub_lanes_and_none_is_hidden() -> None:
    """One room: A 9-11 and B 10-12 overlap (two sub-lanes); C 11-12 takes A's place again."""
    _, root = only_day(
        [
            slot(2, at(9), at(11), title="A"),
            slot(3, at(10), at(12), title="B"),
            slot(4, at(11), at(12), title="C"),
            slot(5, at(9), at(10), lane="Hall B", title="D"),
        ]
    )
    boxes = {row: box(g) for row, g in groups(root, "slot").items()}
    assert boxes[2][1] == boxes[4][1] < boxes[3][1] < boxes[5][1]  # A, C above B; Hall B below
    for one, other in [(a, b) for a in boxes for b in boxes if a < b]:
        left, top, right, bottom = boxes[one]
        left2, top2, right2, bottom2 = boxes[other]
        assert right <= left2 or right2 <= left or bottom <= top2 or bottom2 <= top, (one, other)
    # Hall A is two sub-lanes deep: its rule sits two lane heights below the axis.
    rules = sorted(
        float(r.attrib["y1"])
        for r in root.iter(f"{NS}line")
        if r.attrib.get("class") == "lane-rule"
    )
    assert rules == [30 + 2 * 34, 30 + 3 * 34]
    assert float(root.attrib["viewBox"].split()[3]) == 30 + 3 * 34 + 6


def test_every_day_has_one_time_scale() -> None:
    """09:00 is at one place on every day, however early or late that day starts and ends."""
    days = draw_timeline(
        [
            slot(2, at(9, day=10), at(10, day=10), title="Early day"),
            slot(3, at(8, day=11), at(9, day=11)),
            slot(4, at(9, day=11), at(18, 30, day=11), title="Long day"),
        ],
        "Europe/Berlin",
    )
    first, second = (parse(d) for d in days)
    assert box(groups(first, "slot")[2])[0] == box(groups(second, "slot")[4])[0]
    ticks = [f"{h:02d}:00" for h in range(8, 20)]
    assert [t.text for t in texts(first, "tick")] == ticks
    assert [t.text for t in texts(second, "tick")] == ticks


def test_nested_band_labels_never_overprint_and_every_band_is_a_tab_stop() -> None:
    slots = [
        slot(2, at(9), at(12), lane="", title="Outer programme"),
        slot(3, at(9), at(11), lane="", parent=2, title="Inner track"),  # label would collide
        slot(4, at(11), at(12), lane="", parent=2, title="Late track"),  # clear of the outer's
        slot(5, at(9), at(10), lane="A", parent=3),
        slot(6, at(11), at(12), lane="A", parent=4),
    ]
    _, root = only_day(slots)
    bands = groups(root, "band")
    assert [t.text for t in texts(bands[2], "band-label")] == ["Outer programme"]
    assert texts(bands[3], "band-label") == []
    assert [t.text for t in texts(bands[4], "band-label")] == ["Late track"]
    for group in (*bands.values(), *groups(root, "slot").values()):
        assert group.attrib["tabindex"] == "0" and group.attrib["role"] == "button"
    assert bands[3].attrib["aria-label"] == "Inner track, 09:00–11:00, parent session, row 3"
    # Each label is clipped to its own box, named by its day and row.
    label = texts(bands[4], "band-label")[0]
    assert label.attrib["clip-path"] == "url(#clip-2026-06-10-4)"
