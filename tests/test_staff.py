"""What event staff do, end to end, through the command line: template, fill, validate, import.

Every step is a subprocess (``python -m importer ...``) against the real test sandbox over HTTP,
and every message a person reads is compared to its exact text.
"""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl

from tests.conftest import SandboxHandle

D, T = datetime.date, datetime.time
RED, YELLOW = "00FFC7CE", "00FFEB9C"
ADDED = ["Status", "Zuddl Session ID", "Message"]
DAY_1, DAY_2 = D(2026, 6, 10), D(2026, 6, 11)
LOCATIONS = {
    "Main Hall": "bacb1ef6-12e9-576a-bc8c-5ef2841b7df9",
    "Room 101": "fbaea09c-8e6e-531c-974c-8c6f84050ac1",
    "Room 102": "26c9e4ba-f731-5e0c-a618-9df82c27ffcb",
    "Workshop Room": "d44efa7f-787a-5ffc-83a7-61e59ebc097d",
}
# Words that only a programmer would write: a message to event staff never holds one.
PYTHON_WORDS = re.compile(
    r"\bNone\b|\bnan\b|\bNaN\b|\bNaT\b|dtype|Timestamp|Traceback|KeyError|ValueError|TypeError"
    r"|datetime\.datetime|datetime\.date|datetime\.time|object at 0x"
)


def cli(
    tmp_path: Path, *args: str, key: str | None = None, check: int | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m importer ARGS`` in ``tmp_path``, as staff would type it."""
    env = {k: v for k, v in os.environ.items() if k != "ZUDDL_API_KEY"}
    if key is not None:
        env["ZUDDL_API_KEY"] = key
    done = subprocess.run(
        [sys.executable, "-m", "importer", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if check is not None:
        assert done.returncode == check, done.stdout + done.stderr
    return done


def online(sandbox: SandboxHandle) -> list[str]:
    return ["--event", sandbox.event_id, "--base-url", sandbox.base_url]


def fill(cell: Any) -> str:
    return str(cell.fill.fgColor.rgb) if cell.fill.fill_type == "solid" else ""


def writes(sandbox: SandboxHandle) -> int:
    requests = sandbox.stats()["requests"]
    return sum(n for name, n in requests.items() if name.split()[0] in ("POST", "PUT", "PATCH"))


def assert_plain(text: str) -> None:
    found = PYTHON_WORDS.findall(text)
    assert not found, f"{found} in: {text}"


# --- 1. the round trip ----------------------------------------------------------------------

# (Reference ID, Parent, Title, Description, Date, Start, End, Location, Capacity, Tags)
# A child (row 2) above its parent (row 4); a workshop with parts; keynotes; two days.
# fmt: off
SESSIONS: list[tuple[Any, ...]] = [
    ("TRK-1-01", "TRK-1", "Incremental Models Without Tears", "Six hours to six minutes.",
     DAY_1, T(10, 0), T(10, 45), "Room 101", 120, "Data Engineering, Beginner"),
    ("KEY-1", None, "Opening Keynote", "Welcome from the organisers.",
     DAY_1, T(9, 0), T(9, 45), "Main Hall", 600, "Keynote"),
    ("TRK-1", None, "Track: Data Engineering", "Two talks on data pipelines.",
     DAY_1, T(10, 0), T(11, 30), "Room 101", 120, "Data Engineering"),
    ("TRK-1-02", "TRK-1", "Changing Tables Without Downtime", None,
     DAY_1, T(10, 45), T(11, 30), "Room 101", 120, "Data Engineering, Advanced"),
    ("WS-1", None, "Workshop: Build a Dashboard", "Bring a laptop.",
     DAY_1, T(13, 0), T(16, 0), "Workshop Room", 30, "Workshop"),
    ("WS-1-P1", "WS-1", "Part 1: Getting the Data", None,
     DAY_1, T(13, 0), T(14, 30), "Workshop Room", 30, "Workshop"),
    ("WS-1-P2", "WS-1", "Part 2: Drawing the Charts", None,
     DAY_1, T(14, 30), T(16, 0), "Workshop Room", 30, "Workshop"),
    ("TALK-1", None, "Search That Finds Things", "Ranking for small shops.",
     DAY_1, T(16, 30), T(17, 15), "Room 102", 80, "Search"),
    ("TALK-2", None, "Keeping Pagers Quiet", None,
     DAY_2, T(9, 30), T(10, 15), "Room 102", None, None),
    ("KEY-2", None, "Closing Keynote", "What we learnt.",
     DAY_2, T(16, 0), T(17, 0), "Main Hall", 600, "Keynote"),
]
# fmt: on
BERLIN_SUMMER = datetime.timedelta(hours=2)  # CEST: UTC+2 in June


def utc(day: datetime.date, time: datetime.time) -> str:
    moment = datetime.datetime.combine(day, time) - BERLIN_SUMMER
    return f"{moment:%Y-%m-%dT%H:%M:%SZ}"


def fill_template(path: Path) -> None:
    """Type the ten sessions into the template's Agenda sheet, over its example rows."""
    book = openpyxl.load_workbook(path)
    sheet = book["Agenda"]
    formats = {5: "yyyy-mm-dd", 6: "hh:mm", 7: "hh:mm"}
    for number in range(2, sheet.max_row + 1):
        for column in range(1, sheet.max_column + 1):
            sheet.cell(number, column).value = None
    for number, session in enumerate(SESSIONS, start=2):
        for column, value in enumerate(session, start=1):
            cell = sheet.cell(number, column, value)
            if column in formats:
                cell.number_format = formats[column]
    book.save(path)


def test_template_fill_validate_import_and_import_again(
    tmp_path: Path, sandbox: SandboxHandle
) -> None:
    zone = ["--timezone", "Europe/Berlin"]
    done = cli(tmp_path, "template", "t.xlsx", check=0)
    assert done.stdout == "Template written: t.xlsx\n"
    fill_template(tmp_path / "t.xlsx")

    done = cli(tmp_path, "validate", "t.xlsx", *zone, check=0)
    assert 'Checked t.xlsx, sheet "Agenda": 10 rows, 10 OK, 0 with problems.' in done.stdout
    # A clean file gets no checked copy: there is nothing to mark.
    assert done.stdout.endswith("No checked copy written: there is nothing to mark.\n")
    assert not (tmp_path / "t.checked.xlsx").exists()
    assert_plain(done.stdout + done.stderr)
    # Only notes (such as which sheet was read): no problem at all.
    assert all(line.startswith("Note: ") for line in done.stderr.splitlines()), done.stderr

    before = writes(sandbox)
    done = cli(
        tmp_path,
        "run",
        "t.xlsx",
        *online(sandbox),
        *zone,
        "--write-back",
        "--no-progress",
        key=sandbox.key,
        check=0,
    )
    assert "Done: 10 created." in done.stdout
    assert "Your workbook with status and Zuddl IDs: " in done.stdout
    assert_plain(done.stdout + done.stderr)
    assert writes(sandbox) - before == 10
    held = {s["referenceId"]: s for s in sandbox.sessions()}
    assert sorted(held) == sorted(s[0] for s in SESSIONS)
    for ref, parent, title, description, day, start, end, place, capacity, tags in SESSIONS:
        session = held[ref]
        assert session["title"] == title
        assert session["description"] == description
        assert session["startDateTime"] == utc(day, start)
        assert session["endDateTime"] == utc(day, end)
        want_parent = held[parent]["id"] if parent else None
        assert session["parentSessionId"] == want_parent, ref
        assert [p["locationId"] for p in session["location"]] == [LOCATIONS[place]]
        assert session["totalCapacity"] == capacity
        assert session["tags"] == ([t.strip() for t in tags.split(",")] if tags else [])

    back = openpyxl.load_workbook(tmp_path / "t.imported.xlsx")
    assert back.sheetnames[:2] == ["Instructions", "Agenda"]
    original = openpyxl.load_workbook(tmp_path / "t.xlsx")
    for row in original["Instructions"].iter_rows():
        for cell in row:
            assert back["Instructions"][cell.coordinate].value == cell.value
    agenda = back["Agenda"]
    # Columns A-K are the template's (K: Speakers); the written-back ones follow.
    assert [agenda.cell(1, c).value for c in range(12, 15)] == ADDED
    assert agenda["L1"].font.b and fill(agenda["L1"]) == fill(agenda["A1"])
    assert agenda.freeze_panes == "A2"
    assert agenda["E2"].number_format == "yyyy-mm-dd"
    assert agenda["F2"].number_format == "hh:mm" and agenda["G2"].number_format == "hh:mm"
    assert agenda["E2"].value == datetime.datetime(2026, 6, 10)
    assert agenda["F2"].value == T(10, 0)
    assert agenda["A1"].comment is not None  # the template's column help is kept
    assert len(agenda.data_validations.dataValidation) == 7
    for number, session in enumerate(SESSIONS, start=2):
        status, session_id, message = (agenda.cell(number, c).value for c in range(12, 15))
        assert (status, message) == ("created", None), number
        assert session_id == held[session[0]]["id"]

    before = writes(sandbox)
    done = cli(
        tmp_path,
        "run",
        "t.imported.xlsx",
        *online(sandbox),
        *zone,
        "--write-back",
        "--no-progress",
        key=sandbox.key,
        check=0,
    )
    assert writes(sandbox) == before
    assert "Plan: 0 to create, 0 to update, 10 unchanged, 0 invalid;" in done.stdout
    assert "Done: 10 unchanged." in done.stdout
    assert all(line.startswith("Note: ") for line in done.stderr.splitlines()), done.stderr
    results = _results(tmp_path / "t.imported.results.xlsx")
    assert [r["Status"] for r in results] == ["unchanged"] * 10
    assert len(sandbox.sessions()) == 10
    # Importing the written-back copy updates that same file: staff keep one working file.
    again = openpyxl.load_workbook(tmp_path / "t.imported.xlsx")["Agenda"]
    assert [again.cell(1, c).value for c in range(12, 15)] == ADDED
    assert again.cell(1, 15).value is None  # found again, not added twice
    for number, session in enumerate(SESSIONS, start=2):
        assert again.cell(number, 12).value == "unchanged"
        assert again.cell(number, 13).value == held[session[0]]["id"]


# --- helpers for hand-made agendas ------------------------------------------------------------

# "Catering": a column that is no session field (its cells say who hosts), to be noted.
BIG_HEADERS = [
    "Reference ID",
    "Parent",
    "Title",
    "Description",
    "Date",
    "Start Time",
    "End Time",
    "Duration",
    "Location",
    "Capacity",
    "Tags",
    "Catering",
]
FIELD_OF = {
    "Reference ID": "ref",
    "Parent": "parent",
    "Title": "title",
    "Description": "description",
    "Date": "date",
    "Start Time": "start",
    "End Time": "end",
    "Duration": "duration",
    "Location": "location",
    "Capacity": "capacity",
    "Tags": "tags",
    "Catering": "speaker",
}


def session_row(ref: str, **cells: Any) -> list[Any]:
    """A good session (2026-06-10 09:00-10:00, Main Hall, 50 seats) with ``cells`` changed."""
    good: dict[str, Any] = {
        "ref": ref,
        "parent": None,
        "title": f"Talk {ref}",
        "description": None,
        "date": DAY_1,
        "start": T(9, 0),
        "end": T(10, 0),
        "duration": None,
        "location": "Main Hall",
        "capacity": 50,
        "tags": None,
        "speaker": "Ada Lovelace",
    }
    assert set(cells) <= set(good), cells
    good.update(cells)
    return [good[FIELD_OF[header]] for header in BIG_HEADERS]


def write_agenda(path: Path, rows: list[list[Any]], headers: list[str] = BIG_HEADERS) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Agenda"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, datetime.time):
                cell.number_format = "hh:mm"
            elif isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
    book.save(path)
    return path


def problems_sheet(path: Path) -> list[tuple[Any, ...]]:
    rows = list(openpyxl.load_workbook(path)["Problems"].iter_rows(values_only=True))
    assert rows[0] == ("Row", "Column", "Value", "Problem", "Severity")
    return rows[1:]


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(("  error: ", "  note: "))]


# Quotes a program puts around a value ('abc'), not an apostrophe inside a word (row's).
REPR_QUOTES = re.compile(r"(?<![A-Za-z])'[^'\n]+'(?![A-Za-z])")


def assert_no_python(*texts: object) -> None:
    for text in texts:
        if not isinstance(text, str):
            continue
        assert_plain(text)
        assert not REPR_QUOTES.search(text), text
        assert not re.search(r"\bTrue\b|\bFalse\b", text), text


# --- 2. validate against the event -------------------------------------------------------------


def test_validate_checks_location_names_and_parents_against_the_event(
    tmp_path: Path, sandbox: SandboxHandle
) -> None:
    rows = [
        session_row("A-1", location="Main Hal"),
        session_row("A-2", location="Atrium"),
        session_row("A-3", parent="TRK-9", location="room 101"),
        session_row("A-4", parent="A-1", location="  main   HALL "),
    ]
    write_agenda(tmp_path / "a.xlsx", rows)
    near = '"Main Hal" is not a location of this event. Did you mean "Main Hall"?'
    far = (
        '"Atrium" is not a location of this event. The event\'s locations are: "Main Hall", '
        '"Room 101", "Room 102", "Workshop Room".'
    )
    nothing = (
        'Parent "TRK-9" is not the reference ID of any row in this sheet nor of a session in '
        "the event. Check the spelling, or leave Parent empty."
    )
    speaker = 'Column "Catering" is not a session field and is not imported.'

    done = cli(tmp_path, "validate", "a.xlsx", *online(sandbox), key=sandbox.key, check=1)
    assert done.stdout.splitlines()[:2] == [
        'Checked a.xlsx, sheet "Agenda": 4 rows, 1 OK, 3 with problems.',
        "Problems per column: Location 2, Parent 1.",
    ]
    assert error_lines(done.stderr) == [
        f'  error: Row 2, column "Location": {near}',
        f'  error: Row 3, column "Location": {far}',
        f'  error: Row 4, column "Parent": {nothing}',
        f"  note: {speaker}",
    ]
    assert problems_sheet(tmp_path / "a.checked.xlsx") == [
        (None, None, None, speaker, "warning"),
        (2, "Location", "Main Hal", near, "error"),
        (3, "Location", "Atrium", far, "error"),
        (4, "Parent", "TRK-9", nothing, "error"),
    ]
    assert_no_python(done.stdout, done.stderr)

    # Without the key nothing is asked of Zuddl: neither location names nor parents can be
    # refused, and the run says what was left unchecked.
    done = cli(tmp_path, "validate", "a.xlsx", *online(sandbox), check=0)
    assert done.stdout.splitlines()[:1] == [
        'Checked a.xlsx, sheet "Agenda": 4 rows, 4 OK, 0 with problems.',
    ]
    unchecked = (
        'Parent "TRK-9" is not a row of this sheet; it was not checked against the event '
        "(give --event and set ZUDDL_API_KEY to check it)."
    )
    assert error_lines(done.stderr) == [
        f"  note: {speaker}",
        f'  note: Row 4, column "Parent": {unchecked}',
    ]
    assert (
        "Note: ZUDDL_API_KEY is not set, so location names and parents were not checked "
        "against the event."
    ) in done.stderr
    assert "Location" not in done.stderr
    assert [p[1] for p in problems_sheet(tmp_path / "a.checked.xlsx")] == [None, "Parent"]
    assert_no_python(done.stdout, done.stderr)


# --- 3. one workbook, one mistake a row --------------------------------------------------------

LONG_TITLE = "Keynote " + "x" * 493
BAD_PLACE = "6f1c2a7e-0000-4000-8000-000000000001"
TIME_HINT = "Write it like 09:30 or 9:30 AM."
DATE_HINT = "Write it like 2026-06-10."
# (reference, cells changed from a good row, column, value shown, message, severity);
# row numbers are the position in this list + 2. column None: the row has no problem.
# fmt: off
MISTAKES: list[tuple[str, dict[str, Any], str | None, str | None, str, str]] = [
    # 2: empty title
    ("E-02", {"title": None}, "Title", None,
     "The title is empty. Every session needs a title.", "error"),
    # 3: a title over 500 characters
    ("E-03", {"title": LONG_TITLE}, "Title", LONG_TITLE,
     "The title is 501 characters long; Zuddl allows at most 500. Shorten it.", "error"),
    # 4: a date nobody can read
    ("E-04", {"date": "next Tuesday"}, "Date", "next Tuesday",
     f'"next Tuesday" is not a date. {DATE_HINT}', "error"),
    # 5: a date that does not exist
    ("E-05", {"date": "2026-02-30"}, "Date", "2026-02-30",
     f'"2026-02-30" is not a real date. {DATE_HINT}', "error"),
    # 6: day/month or month/day? (no --date-order, and no other date settles it)
    ("E-06", {"date": "03/04/2026"}, "Date", "03/04/2026",
     '"03/04/2026" could be day 3 of month 4 or month 3, day 4. Write it like 2026-06-10, '
     "or set the date order with --date-order dmy or mdy.", "error"),
    # 7: a year no session has
    ("E-07", {"date": "1850-06-10"}, "Date", "1850-06-10",
     f'"1850-06-10" is not a date a session can have. {DATE_HINT}', "error"),
    # 8: a bare number in the date column
    ("E-08", {"date": 12}, "Date", "12", f'"12" is not a date. {DATE_HINT}', "error"),
    # 9: hour 25
    ("E-09", {"start": "25:00"}, "Start Time", "25:00",
     f'"25:00" is not a time. {TIME_HINT}', "error"),
    # 10: minute 75
    ("E-10", {"start": "9:75"}, "Start Time", "9:75",
     f'"9:75" is not a time. {TIME_HINT}', "error"),
    # 11: a 24-hour time with PM
    ("E-11", {"start": "13:00 PM"}, "Start Time", "13:00 PM",
     f'"13:00 PM" is not a time: with AM/PM the hour is 1 to 12. {TIME_HINT}', "error"),
    # 12: the hour as a number
    ("E-12", {"start": 9}, "Start Time", "9", f'"9" is not a time. {TIME_HINT}', "error"),
    # 13: a word for a time
    ("E-13", {"start": "Morning"}, "Start Time", "Morning",
     f'"Morning" is not a time. {TIME_HINT}', "error"),
    # 14: no start
    ("E-14", {"start": None}, "Start Time", None,
     "The start time is empty. Write it like 09:30 (with a Date column) or 2026-06-10 09:30.",
     "error"),
    # 15: a time without any date
    ("E-15", {"date": None}, "Start Time", "09:00",
     "The time has no date. Give it with --date 2026-06-10, add a Date column, write it in "
     'this cell (2026-06-10 09:30), or set date = "2026-06-10" under [defaults] in the config.',
     "error"),
    # 16: a range in one cell that is not a time range
    ("E-16", {"start": "9:00 - lunch", "end": None}, "Start Time", "9:00 - lunch",
     f'"9:00 - lunch" is not a time. {TIME_HINT}', "error"),
    # 17: a range in one cell whose end is no time
    ("E-17", {"start": "9:00 - 25:00", "end": None}, "Start Time", "9:00 - 25:00",
     f'"9:00 - 25:00" is not a time. {TIME_HINT}', "error"),
    # 18: ends before it starts
    ("E-18", {"start": T(10, 0), "end": T(9, 0)}, "End Time", "09:00",
     "The session ends (2026-06-10 09:00) before or when it starts (2026-06-10 10:00). "
     "Check the end time.", "error"),
    # 19: ends when it starts
    ("E-19", {"end": T(9, 0)}, "End Time", "09:00",
     "The session ends (2026-06-10 09:00) before or when it starts (2026-06-10 09:00). "
     "Check the end time.", "error"),
    # 20: an end time nobody can read
    ("E-20", {"end": "later"}, "End Time", "later",
     '"later" is not a date and time. Write it like 2026-06-10 09:30, or put the date in a '
     "Date column and the time here.", "error"),
    # 21: no end and no duration
    ("E-21", {"end": None}, "End Time", None,
     "The end time is missing. Write an end time, a duration, or set a default duration in "
     "the config file.", "error"),
    # 22: a duration in words
    ("E-22", {"end": None, "duration": "an hour"}, "Duration", "an hour",
     '"an hour" is not a duration. Write the minutes, like 45, or 1:30.', "error"),
    # 23: a duration of nothing
    ("E-23", {"end": None, "duration": 0}, "Duration", "0",
     '"0" is not a duration: it must be more than 0 minutes.', "error"),
    # 24: a duration of over a year
    ("E-24", {"end": None, "duration": 600000}, "Duration", "600000",
     '"600000" is not a duration a session can have: it is longer than 366 days. Write the '
     "minutes, like 45, or 1:30.", "error"),
    # 25: capacity below 0
    ("E-25", {"capacity": -5}, "Capacity", "-5",
     '"-5" is below 0. Write 0 or more, or leave it empty.', "error"),
    # 26: half a seat
    ("E-26", {"capacity": 12.5}, "Capacity", "12.5",
     '"12.5" is not a whole number. Write a number like 120.', "error"),
    # 27: capacity in words
    ("E-27", {"capacity": "lots"}, "Capacity", "lots",
     '"lots" is not a whole number. Write a number like 120.', "error"),
    # 28: a location name with a typo
    ("E-28", {"location": "Main Hal"}, "Location", "Main Hal",
     '"Main Hal" is not a location of this event. Did you mean "Main Hall"?', "error"),
    # 29: a location the event does not have
    ("E-29", {"location": "Rooftop Terrace"}, "Location", "Rooftop Terrace",
     '"Rooftop Terrace" is not a location of this event. The event\'s locations are: '
     '"Main Hall", "Room 101", "Room 102", "Workshop Room".', "error"),
    # 30: a location ID of another event
    ("E-30", {"location": BAD_PLACE}, "Location", BAD_PLACE,
     f'"{BAD_PLACE}" is not the ID of a location of this event. Use a location name or ID '
     "from the event.", "error"),
    # 31: HTML entities in a title: no mistake, they are unescaped
    ("OK-31", {"title": "Q&amp;A with the &quot;Data&quot; team &#8211; live"}, None, None,
     "", ""),
    # 32: a reference ID used twice (with row 42): both rows are errors
    ("DUP-1", {}, "Reference ID", "DUP-1",
     'Reference ID "DUP-1" is also used on row 42. Give each session its own reference ID; '
     "none of these rows is sent until then.", "error"),
    # 33: a parent that names nothing
    ("E-33", {"parent": "TRK-404"}, "Parent", "TRK-404",
     'Parent "TRK-404" is not the reference ID of any row in this sheet nor of a session in '
     "the event. Check the spelling, or leave Parent empty.", "error"),
    # 34: its own parent
    ("E-34", {"parent": "E-34"}, "Parent", "E-34",
     '"E-34" is this row\'s own reference ID: a session cannot be its own parent. Leave Parent '
     "empty or name another session.", "error"),
    # 35, 36: each other's parents
    ("LOOP-A", {"parent": "LOOP-B"}, "Parent", "LOOP-B",
     'Rows 35 → 36 → 35 are each other\'s parents in a loop ("LOOP-A" → "LOOP-B" → "LOOP-A"). '
     "A session cannot be inside its own child: fix one of these Parent cells.", "error"),
    ("LOOP-B", {"parent": "LOOP-A"}, "Parent", "LOOP-A",
     'Rows 36 → 35 → 36 are each other\'s parents in a loop ("LOOP-B" → "LOOP-A" → "LOOP-B"). '
     "A session cannot be inside its own child: fix one of these Parent cells.", "error"),
    # 37: a child of an invalid row (25): fine itself, held back by a run
    ("E-37", {"parent": "E-25"}, None, None, "", ""),
    # 38: a time the clocks jump over
    ("E-38", {"date": D(2026, 3, 29), "start": T(2, 30), "end": T(3, 30)}, "Start Time", "02:30",
     "2026-03-29 02:30 does not exist in Europe/Berlin: the clocks jump forward that night. "
     "Choose a time outside the jump.", "error"),
    # 39: a time that happens twice
    ("E-39", {"date": D(2026, 10, 25), "start": T(2, 30), "end": T(3, 30)}, "Start Time",
     "02:30",
     "2026-10-25 02:30 happens twice in Europe/Berlin: the clocks go back that night. Choose "
     "another time, or give times in UTC with --timezone UTC.", "error"),
    # 40: garbled text (a warning: the row is still valid)
    ("E-40", {"title": "Donâ€™t Panic"}, "Title", "Donâ€™t Panic",
     "The title looks garbled (such as ‚Äô or â€™ where ’ was meant): the file was saved with "
     "the wrong text encoding. Save it again as CSV UTF-8, or fix the characters.", "warning"),
    # 41: a script in the description (a warning)
    ("E-41", {"description": "<p>Hi</p><script>alert(1)</script>"}, "Description",
     "<p>Hi</p><script>alert(1)</script>",
     "The description contains a script (<script>). Zuddl does not show scripts in session "
     "descriptions, so remove it from the cell.", "warning"),
    # 42: the other row of 32's reference ID
    ("DUP-1", {}, "Reference ID", "DUP-1",
     'Reference ID "DUP-1" is also used on row 32. Give each session its own reference ID; '
     "none of these rows is sent until then.", "error"),
]
# fmt: on
SPEAKER_NOTE = 'Column "Catering" is not a session field and is not imported.'


def test_every_kind_of_mistake_gets_its_own_exact_message(
    tmp_path: Path, sandbox: SandboxHandle
) -> None:
    rows = [session_row(ref, **cells) for ref, cells, *_ in MISTAKES]
    write_agenda(tmp_path / "AGENDA.xlsx", rows)
    expected = [
        (number, column, value, message, severity)
        for number, (_, _, column, value, message, severity) in enumerate(MISTAKES, start=2)
        if column is not None
    ]
    errors = {row for row, *_, severity in expected if severity == "error"}
    assert len({message for *_, message, _ in expected}) >= 35  # distinct mistakes
    zone = ["--timezone", "Europe/Berlin"]

    done = cli(tmp_path, "validate", "AGENDA.xlsx", *online(sandbox), *zone, key=sandbox.key)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.splitlines()[:2] == [
        f'Checked AGENDA.xlsx, sheet "Agenda": {len(MISTAKES)} rows, '
        f"{len(MISTAKES) - len(errors)} OK, {len(errors)} with problems.",
        "Problems per column: Start Time 11, Date 5, End Time 4, Parent 4, Duration 3, "
        "Capacity 3, Location 3, Title 2, Reference ID 2.",
    ]

    # The Problems sheet: every mistake, word for word (whole-sheet notes first).
    found = problems_sheet(tmp_path / "AGENDA.checked.xlsx")
    # Every good row is 09:00-10:00 in Main Hall: those that are sent clash, and are told so.
    clashes = [p for p in found if "overlaps row" in str(p[3])]
    assert clashes and {(p[1], p[2], p[4]) for p in clashes} == {
        ("Location", "Main Hall", "warning")
    }
    found = [p for p in found if p not in clashes]
    assert found[0] == (None, None, None, SPEAKER_NOTE, "warning")
    assert sorted(found[1:], key=lambda p: p[0]) == expected

    # What is printed: the first 20 problems, errors first, each as "Row N, column C: ...".
    printed = error_lines(done.stderr)
    assert len(printed) == 20
    shown = [
        f'  {"error" if severity == "error" else "note"}: Row {row}, column "{column}": {text}'
        for row, column, _, text, severity in expected
    ]
    for line in printed:
        assert line in shown, line
    assert printed[0] == f"  error: {_first(expected)}"

    # The checked copy: each bad cell red (warnings yellow), its comment the message.
    book = openpyxl.load_workbook(tmp_path / "AGENDA.checked.xlsx")
    sheet = book["Agenda"]
    where = BIG_HEADERS.index("Location") + 1
    marked = {sheet.cell(int(str(row)), where).coordinate for row, *_ in clashes}
    for row, column, _, message, severity in expected:
        if column == "Parent":  # not marked yet: test_parent_problems_are_marked_on_their_cell
            continue
        cell = sheet.cell(row, BIG_HEADERS.index(str(column)) + 1)
        marked.add(cell.coordinate)
        assert fill(cell) == (RED if severity == "error" else YELLOW), cell.coordinate
        assert cell.comment is not None and cell.comment.text == message, cell.coordinate
    comments = []
    for cells in sheet.iter_rows():
        for cell in cells:
            if cell.coordinate not in marked and cell.column_letter != "B":
                assert fill(cell) not in (RED, YELLOW), cell.coordinate
                assert cell.comment is None, cell.coordinate
            elif cell.comment is not None:
                comments.append(cell.comment.text)

    # Nothing a person reads holds a word of Python.
    problem_texts = [value for row in found for value in row]
    assert_no_python(done.stdout, done.stderr, *problem_texts, *comments)

    # Sent with --skip-invalid: the valid rows go, the child of an invalid row is held back,
    # and the title with HTML entities arrives as plain text.
    done = cli(
        tmp_path,
        "run",
        "AGENDA.xlsx",
        *online(sandbox),
        *zone,
        "--skip-invalid",
        "--no-progress",
        key=sandbox.key,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert len(errors) == 37
    assert "Done: 3 created, 37 invalid, 1 skipped." in done.stdout
    assert_no_python(done.stdout, done.stderr)
    held = {s["referenceId"]: s for s in sandbox.sessions()}
    assert sorted(held) == ["E-40", "E-41", "OK-31"]
    assert held["OK-31"]["title"] == 'Q&A with the "Data" team – live'
    results = {r["Row"]: r for r in _results(tmp_path / "AGENDA.results.xlsx")}
    assert (results[37]["Status"], results[37]["Message"]) == (
        "skipped",
        "Not sent: its parent (row 25) has a problem. Fix that row first.",
    )
    for row, column, _, message, severity in expected:
        if severity == "error":
            assert results[row]["Status"] == "invalid"
            assert results[row]["Message"] == f'Row {row}, column "{column}": {message}'
    for result in results.values():
        assert_no_python(result["Message"])


def _first(expected: list[tuple[Any, ...]]) -> str:
    row, column, _, message, _ = expected[0]
    return f'Row {row}, column "{column}": {message}'


def _results(path: Path) -> list[dict[str, Any]]:
    """The results sheet's rows; a header that comes twice gives its first column."""
    rows = list(openpyxl.load_workbook(path)["Results"].iter_rows(values_only=True))
    return [dict(reversed(list(zip(rows[0], row, strict=True)))) for row in rows[1:]]


# --- found while writing the above: each fails today, and says what is wrong ------------------


def test_parent_problems_are_marked_on_their_cell(tmp_path: Path, sandbox: SandboxHandle) -> None:
    write_agenda(tmp_path / "p.xlsx", [session_row("A-1", parent="TRK-404")])
    cli(tmp_path, "validate", "p.xlsx", *online(sandbox), key=sandbox.key, check=1)
    book = openpyxl.load_workbook(tmp_path / "p.checked.xlsx")
    cell = book["Agenda"]["B2"]
    assert fill(cell) == RED
    assert cell.comment is not None and cell.comment.text.startswith('Parent "TRK-404" is not')
    assert book["Problems"]["A3"].hyperlink is not None


def test_validate_without_key_does_not_refuse_a_parent_already_in_the_event(
    tmp_path: Path, sandbox: SandboxHandle
) -> None:
    with sandbox.client() as client:
        client.post(
            f"/v1/events/{sandbox.event_id}/sessions",
            json={
                "title": "Track: Data",
                "startDateTime": "2026-06-10T07:00:00Z",
                "endDateTime": "2026-06-10T10:00:00Z",
                "externalRefId": "TRK-1",
            },
        ).raise_for_status()
    write_agenda(tmp_path / "p.xlsx", [session_row("A-1", parent="TRK-1")])
    cli(tmp_path, "validate", "p.xlsx", *online(sandbox), key=sandbox.key, check=0)
    done = cli(tmp_path, "validate", "p.xlsx", *online(sandbox))
    assert done.returncode == 0, done.stderr
    assert "error:" not in done.stderr


def test_validate_names_a_file_that_holds_all_problems(tmp_path: Path) -> None:
    rows = [session_row(f"E-{n}", start=f"25:{n:02d}") for n in range(25)]  # 25 messages
    write_agenda(tmp_path / "many.xlsx", rows)
    done = cli(tmp_path, "validate", "many.xlsx", check=1)
    more = [line for line in done.stderr.splitlines() if line.startswith("  ... and 6 more")]
    assert len(more) == 1, done.stderr
    named = re.findall(r"[\w./-]+\.xlsx", more[0])
    assert named and all((tmp_path / name).exists() for name in named), more[0]


def test_an_end_time_in_the_clock_jump_is_marked_on_the_end_cell(tmp_path: Path) -> None:
    row = session_row("E-1", date=D(2026, 3, 29), start=T(1, 30), end=T(2, 30))
    write_agenda(tmp_path / "dst.xlsx", [row])
    cli(tmp_path, "validate", "dst.xlsx", "--timezone", "Europe/Berlin", check=1)
    assert problems_sheet(tmp_path / "dst.checked.xlsx")[1] == (
        2,
        "End Time",
        "02:30",
        "2026-03-29 02:30 does not exist in Europe/Berlin: the clocks jump forward that night. "
        "Choose a time outside the jump.",
        "error",
    )


def test_a_true_false_cell_is_shown_as_excel_shows_it(tmp_path: Path) -> None:
    write_agenda(tmp_path / "b.xlsx", [session_row("E-1", capacity=True)])
    done = cli(tmp_path, "validate", "b.xlsx", check=1)
    message = '"TRUE" is not a whole number. Write a number like 120.'
    assert problems_sheet(tmp_path / "b.checked.xlsx")[1] == (
        2,
        "Capacity",
        "TRUE",
        message,
        "error",
    )
    assert_no_python(done.stderr)


def test_a_title_of_only_escaped_spaces_is_empty(tmp_path: Path) -> None:
    write_agenda(tmp_path / "s.xlsx", [session_row("E-1", title="&nbsp;&#32;")])
    cli(tmp_path, "validate", "s.xlsx", check=1)
    assert problems_sheet(tmp_path / "s.checked.xlsx")[1][2:] == (
        "&nbsp;&#32;",
        "The title is empty. Every session needs a title.",
        "error",
    )


def test_a_warning_stays_in_the_results_of_a_row_that_was_created(
    tmp_path: Path, sandbox: SandboxHandle
) -> None:
    write_agenda(tmp_path / "w.xlsx", [session_row("E-1", title="Donâ€™t Panic")])
    cli(
        tmp_path,
        "run",
        "w.xlsx",
        *online(sandbox),
        "--write-back",
        "--no-progress",
        key=sandbox.key,
        check=0,
    )
    (result,) = _results(tmp_path / "w.results.xlsx")
    assert result["Status"] == "created"
    assert "The title looks garbled" in str(result["Message"])
    back = openpyxl.load_workbook(tmp_path / "w.imported.xlsx")["Agenda"]
    assert "The title looks garbled" in str(back.cell(2, len(BIG_HEADERS) + 3).value)


def test_the_results_of_a_written_back_file_name_each_column_once(tmp_path: Path) -> None:
    headers = [*BIG_HEADERS, *ADDED]
    row = [*session_row("E-1"), "created", "7fbdc077-df0a-4d3a-8580-c1fd621917c0", None]
    write_agenda(tmp_path / "t.imported.xlsx", [row], headers)
    cli(tmp_path, "run", "t.imported.xlsx", "--dry-run", "--no-progress", check=0)
    book = openpyxl.load_workbook(tmp_path / "t.imported.results.xlsx")
    header = [cell.value for cell in book["Results"][1]]
    assert len(header) == len(set(header)), header
