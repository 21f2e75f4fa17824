"""The committed example agendas: up to date with their generator, and a sound agenda."""

from __future__ import annotations

import csv
import datetime
import importlib.util
import re
from itertools import combinations
from pathlib import Path
from types import ModuleType

import openpyxl
import pytest

from importer.check.columns import CANONICAL_HEADERS

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
HEADERS = list(CANONICAL_HEADERS)
LOCATIONS = {"Main Hall", "Room 101", "Room 102", "Workshop Room"}
Session = dict[str, str]


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_examples", EXAMPLES / "make_examples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def xlsx_cells(path: Path) -> dict[str, list[list[tuple[object, str, bool]]]]:
    book = openpyxl.load_workbook(path)
    return {
        sheet.title: [
            [(cell.value, cell.number_format, bool(cell.font.b)) for cell in row]
            for row in sheet.iter_rows()
        ]
        for sheet in book.worksheets
    }


def csv_sessions() -> list[Session]:
    with (EXAMPLES / "agenda.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def xlsx_sessions() -> list[Session]:
    sheet = openpyxl.load_workbook(EXAMPLES / "agenda.xlsx")["Agenda"]
    sessions = []
    for row in sheet.iter_rows(min_row=4, values_only=True):
        texts = []
        for value in row:
            if isinstance(value, datetime.datetime):
                texts.append(value.date().isoformat())
            elif isinstance(value, datetime.time):
                texts.append(value.strftime("%H:%M"))
            else:
                texts.append("" if value is None else str(value))
        sessions.append(dict(zip(HEADERS, texts, strict=True)))
    return sessions


def span(session: Session) -> tuple[str, str, str]:
    return session["Date"], session["Start Time"], session["End Time"]


def test_generator_reproduces_the_committed_files(tmp_path: Path) -> None:
    generator = load_generator()
    generator.main(tmp_path / "one")
    generator.main(tmp_path / "two")
    assert (tmp_path / "one" / "agenda.csv").read_bytes() == (EXAMPLES / "agenda.csv").read_bytes()
    # Deterministic to the byte, run after run...
    assert (tmp_path / "one" / "agenda.xlsx").read_bytes() == (
        tmp_path / "two" / "agenda.xlsx"
    ).read_bytes()
    # ...and the same workbook as the committed one (compared cell by cell, so that a newer
    # openpyxl writing slightly different XML does not count as a change of content).
    assert xlsx_cells(tmp_path / "one" / "agenda.xlsx") == xlsx_cells(EXAMPLES / "agenda.xlsx")
    book = openpyxl.load_workbook(EXAMPLES / "agenda.xlsx")
    assert book.properties.created == book.properties.modified == generator.FIXED_TIME


def test_csv_layout() -> None:
    raw = (EXAMPLES / "agenda.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8").splitlines()[0] == ",".join(HEADERS)
    for session in csv_sessions():
        assert re.fullmatch(r"2026-06-1[01]", session["Date"])
        assert re.fullmatch(r"\d\d:\d\d", session["Start Time"])
        assert re.fullmatch(r"\d\d:\d\d", session["End Time"])


def test_xlsx_layout() -> None:
    book = openpyxl.load_workbook(EXAMPLES / "agenda.xlsx")
    assert book.sheetnames == ["Agenda"]
    sheet = book["Agenda"]
    assert sheet["A1"].value == "Nordlicht Data Summit 2026 — Agenda"
    assert all(cell.value is None for cell in sheet[2])
    assert [cell.value for cell in sheet[3]] == HEADERS
    assert all(cell.font.b for cell in sheet[3])
    assert sheet.freeze_panes == "A4"
    assert all((sheet.column_dimensions[letter].width or 0) >= 10 for letter in "ABCDEFGHIJ")
    for row in sheet.iter_rows(min_row=4):
        date, start, end, capacity = row[4], row[5], row[6], row[8]
        assert isinstance(date.value, datetime.datetime) and date.number_format == "yyyy-mm-dd"
        assert isinstance(start.value, datetime.time) and start.number_format == "hh:mm"
        assert isinstance(end.value, datetime.time) and end.number_format == "hh:mm"
        assert capacity.value is None or type(capacity.value) is int


def test_both_files_hold_the_same_sessions() -> None:
    assert xlsx_sessions() == csv_sessions()


@pytest.fixture(params=["csv", "xlsx"])
def sessions(request: pytest.FixtureRequest) -> list[Session]:
    return csv_sessions() if request.param == "csv" else xlsx_sessions()


def test_a_sound_agenda(sessions: list[Session]) -> None:
    assert len(sessions) >= 40
    by_id = {session["Reference ID"]: session for session in sessions}
    assert len(by_id) == len(sessions), "reference IDs must be unique"
    position = {session["Reference ID"]: index for index, session in enumerate(sessions)}
    for session in sessions:
        assert session["Location"] in LOCATIONS
        assert session["Capacity"] == "" or session["Capacity"].isdigit()
        assert session["Start Time"] < session["End Time"]
        assert session["Date"] in {"2026-06-10", "2026-06-11"}
        if session["Parent"]:
            parent = by_id[session["Parent"]]
            assert not parent["Parent"], "one level of nesting only"
            day, start, end = span(session)
            assert (day, parent["Location"]) == (parent["Date"], session["Location"])
            assert parent["Start Time"] <= start and end <= parent["End Time"], session
    children = [session for session in sessions if session["Parent"]]
    assert any(position[child["Parent"]] > position[child["Reference ID"]] for child in children)
    assert any(session["Capacity"] == "" for session in sessions)
    assert any(", " in session["Tags"] for session in sessions)


def test_no_double_booked_rooms(sessions: list[Session]) -> None:
    for one, two in combinations(sessions, 2):
        if (one["Date"], one["Location"]) != (two["Date"], two["Location"]):
            continue
        overlap = one["Start Time"] < two["End Time"] and two["Start Time"] < one["End Time"]
        family = one["Parent"] == two["Reference ID"] or two["Parent"] == one["Reference ID"]
        assert not overlap or family, (one["Reference ID"], two["Reference ID"])


def test_tracks_workshops_keynotes_and_breaks(sessions: list[Session]) -> None:
    kids: dict[str, list[Session]] = {}
    for session in sessions:
        if session["Parent"]:
            kids.setdefault(session["Parent"], []).append(session)
    titles = {session["Reference ID"]: session["Title"] for session in sessions}
    tracks = [ref for ref in kids if titles[ref].startswith("Track: ")]
    assert len([ref for ref in tracks if len(kids[ref]) >= 3]) >= 3
    workshops = [ref for ref in kids if titles[ref].startswith("Workshop: ")]
    assert workshops
    for ref in workshops:
        parts = sorted(kid["Title"].split(":")[0] for kid in kids[ref])
        assert parts == ["Part 1", "Part 2", "Part 3"]
    standalone = [s["Title"] for s in sessions if not s["Parent"] and s["Reference ID"] not in kids]
    assert any("Keynote" in title for title in standalone)
    assert {"Lunch", "Coffee Break"} <= set(standalone)


def test_awkward_text_is_present(sessions: list[Session]) -> None:
    text = " ".join(session["Title"] + " " + session["Description"] for session in sessions)
    for needle in ("ü", "é", "ø", "ł", "—"):
        assert needle in text
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text), "Japanese"
    assert re.search(r"[\u0370-\u03ff]", text), "Greek"
    assert "<p>" in text and "<ul><li>" in text
