"""Fuzzing the two places where untrusted input enters: the mapper and the text-file loader.

Whatever a cell holds, whatever a header says, whatever bytes a .csv contains, the outcome is a
result or an ``ImporterError`` (a message for the user and an exit code), never a traceback.
"""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from importer.check.columns import CANONICAL_HEADERS, is_known_header
from importer.check.drafts import Draft, Mapped
from importer.check.mapper import map_rows
from importer.errors import ImporterError
from importer.read.loader import load_table
from importer.read.table import CellValue, SourceRow, Table, column_letter
from importer.settings.config import MappingOptions

FUZZ = settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
LOCATIONS = {
    "Main Hall": "1e1c6d2f-0000-4000-8000-000000000001",
    "Room 101": "1e1c6d2f-0000-4000-8000-000000000002",
}

# Texts that reach the deeper parsers: times, dates, ranges, durations, numbers, near misses.
SHAPED_TEXT = st.sampled_from(
    [
        "09:30",
        "9:30 AM",
        "12:00 pm",
        "23:59:59.999",
        "24:00",
        "9:00 AM - 10:30 AM",
        "7:00 PM - 12:30 AM",
        "2026-06-10",
        "2026-06-10 09:30",
        "2026-06-10T09:30",
        "10/06/2026",
        "13/13/2026",
        "31/02/2026",
        "Wednesday, 10 June 2026",
        "2026-Jun-10",
        "9999-12-31 23:59",
        "0001-01-01 00:00",
        "46183.375",
        "0.5",
        ".75",
        "99999",
        "1e308",
        "-0",
        "nan",
        "inf",
        "1:30",
        "90 min",
        "1h30",
        "1.5 h",
        "99999999999999999999",
        "9" * 400,
        "1,200",
        "-5",
        "&#39;quoted&#39;",
        "&#99999999999;",
        "‚Äô mojibake",
        "<script>alert(1)</script>",
        "a\x00b",
        "\x01\x02\x1f",
        "   ",
        "\u200b",
        "e\u0301",
        "5a2db0c5-de30-4e7e-8a1d-000000000001",
        "Main Hall",
        "main  hall",
        "Room 10",
        "R-1",
        "R-2",
        "x" * 600,
    ]
)
CELL: st.SearchStrategy[CellValue] = st.one_of(
    st.none(),
    st.text(max_size=40),
    SHAPED_TEXT,
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31, 23, 59)),
    st.datetimes(timezones=st.timezones()),
    st.dates(),
    st.times(),
    st.timedeltas(),
)
HEADER = st.one_of(
    st.sampled_from(
        [*CANONICAL_HEADERS, "Start", "Duration", "Session Name", "Time", "", "Column F", "Row"]
    ),
    st.text(max_size=20),
)


# Mostly plausible values per field, so that many rows become drafts and reach the API checks.
PLAUSIBLE: dict[str, st.SearchStrategy[CellValue]] = {
    "Reference ID": st.sampled_from(["R-1", "R-2", "R-3", None]),
    "Parent": st.sampled_from([None, None, None, "R-1", "R-9"]),
    "Title": st.text(min_size=1, max_size=30).map(lambda t: "T " + t),
    "Description": st.sampled_from([None, "<p>Hi</p>", "<SCRIPT src=x>", "a\x00b"]),
    "Date": st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)),
    "Start Time": st.sampled_from(["09:30", dt.time(8, 0), "9:00 AM - 10:30 AM", 0.25]),
    "End Time": st.sampled_from([None, "10:30", dt.time(11, 0), "11:00 PM", 0.75]),
    "Location": st.sampled_from([None, None, "Main Hall", "room 101", "Nowhere"]),
    "Capacity": st.one_of(st.none(), st.integers(0, 10**6), st.just("1,200")),
    "Tags": st.sampled_from([None, "a, b; A|c", ";;"]),
}


def _pick(header: str, dice: int) -> st.SearchStrategy[CellValue]:
    return CELL if dice == 0 else PLAUSIBLE[header]


def _mostly_plausible(header: str) -> st.SearchStrategy[CellValue]:
    """One cell in twelve is anything at all; the rest make rows that can be sent."""
    return st.integers(0, 11).flatmap(functools.partial(_pick, header))


def _header_row(raw: list[str]) -> list[str]:
    # As the loader hands them over: whitespace collapsed, unnamed columns named by letter.
    return [" ".join(h.split()) or f"Column {column_letter(i)}" for i, h in enumerate(raw)]


@st.composite
def tables(draw: st.DrawFn) -> Table:
    if draw(st.booleans()):
        headers = _header_row(draw(st.lists(HEADER, min_size=1, max_size=8)))
        cells = [CELL] * len(headers)
    else:
        headers = list(draw(st.permutations(list(CANONICAL_HEADERS))))
        cells = [_mostly_plausible(h) for h in headers]
    width = len(headers)
    values = draw(st.lists(st.tuples(*cells), max_size=6))
    rows = tuple(SourceRow(number, tuple(row)) for number, row in enumerate(values, start=2))
    return Table(
        path=Path("fuzz.xlsx"),
        sheet="Agenda",
        sheet_names=("Agenda",),
        header_row=1,
        headers=tuple(headers),
        columns=tuple(column_letter(index) for index in range(width)),
        rows=rows,
        notes=(),
    )


OPTIONS = st.builds(
    MappingOptions,
    columns=st.just({}),
    timezone=st.none(),
    date_order=st.sampled_from([None, "mdy", "dmy", "ymd"]),
    # What a config file can sensibly hold (config.py bounds neither; see the hostile notes).
    default_duration_min=st.one_of(st.none(), st.integers(min_value=1, max_value=100_000)),
    default_date=st.one_of(st.none(), st.dates(dt.date(1900, 1, 1), dt.date(2999, 12, 31))),
    default_location=st.one_of(st.none(), st.sampled_from(["Main Hall", "Nowhere"])),
)
ZONES = st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Pacific/Kiritimati"])


@FUZZ
@given(
    table=tables(),
    options=OPTIONS,
    zone=ZONES,
    locations=st.one_of(st.none(), st.just(LOCATIONS)),
)
def test_map_rows_gives_drafts_and_problems_or_an_importer_error(
    table: Table, options: MappingOptions, zone: str, locations: dict[str, str] | None
) -> None:
    try:
        mapped = map_rows(table, options, timezone=zone, locations=locations)
    except ImporterError as exc:
        assert exc.message and "\n" not in exc.message
        return
    assert isinstance(mapped, Mapped)
    numbers = {row.number for row in table.rows}
    assert {draft.row for draft in mapped.drafts} | mapped.invalid_rows == numbers
    assert not {draft.row for draft in mapped.drafts} & mapped.invalid_rows
    for draft in mapped.drafts:
        assert isinstance(draft, Draft)
        assert draft.end > draft.start
        assert "\x00" not in draft.title and "\x00" not in (draft.description or "")
    for problem in mapped.problems:
        assert problem.message and problem.severity in ("error", "warning")


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


# Bytes that steer the loader into its branches: BOMs, separators, quotes, line ends, controls.
CSV_BYTES = st.one_of(
    st.binary(max_size=600),
    st.lists(
        st.sampled_from(
            [
                b"Title",
                b"Start",
                b"Room",
                b",",
                b";",
                b"\t",
                b"|",
                b'"',
                b"\n",
                b"\r\n",
                b"\r",
                b"sep=;\n",
                b"\xef\xbb\xbf",
                b"\xff\xfe",
                b"\xfe\xff",
                b"\x00",
                b"\x1a",
                b"\xe9",
                b"9:30",
                b"2026-06-10",
                b"<html>",
                b"<?xml",
                b"PK\x03\x04",
                b"%PDF",
                b" ",
            ]
        ),
        max_size=60,
    ).map(b"".join),
)


@FUZZ
@given(data=CSV_BYTES, suffix=st.sampled_from([".csv", ".tsv", ".txt"]))
def test_text_files_load_or_raise_an_importer_error(
    scratch: Path, data: bytes, suffix: str
) -> None:
    path = scratch / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        table = load_table(path, header_score=is_known_header)
    except ImporterError as exc:
        assert exc.message and "\n" not in exc.message
        return
    assert isinstance(table, Table)
    for row in table.rows:
        assert len(row.values) == len(table.headers)
