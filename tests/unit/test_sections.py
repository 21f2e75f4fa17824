"""check/sections.py: a heading row as a parent session spanning the rows below it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from importer.check.sections import section_reference, section_spans


def at(hour: int) -> datetime:
    return datetime(2026, 6, 10, hour, tzinfo=UTC)


def test_a_heading_spans_its_rows_from_first_start_to_last_end() -> None:
    headings = {2: "Morning track", 6: "Afternoon"}
    owner = {3: 2, 4: 2, 5: 2, 7: 6}
    times = {3: (at(10), at(11)), 4: (at(9), at(10)), 5: (at(11), at(13)), 7: (at(14), at(15))}
    spans = section_spans(headings, owner, times)
    assert spans == {
        2: ((at(9), at(13)), section_reference("Morning track", at(9))),
        6: ((at(14), at(15)), section_reference("Afternoon", at(14))),
    }


def test_a_heading_without_timed_rows_is_no_session() -> None:
    assert section_spans({2: "Empty", 4: "Other"}, {3: 2, 5: 9}, {5: (at(9), at(10))}) == {}


def test_the_reference_is_stable_across_spelling_and_zone() -> None:
    same_moment = at(9).astimezone(timezone(timedelta(hours=2)))
    reference = section_reference("Morning  Track", at(9))
    assert reference == section_reference(" morning track ", same_moment)
    assert reference.startswith("section-") and len(reference) == len("section-") + 10
    assert reference != section_reference("Morning track", at(10))
    assert reference != section_reference("Evening track", at(9))
