"""check/speakers.py: a speakers cell split into names, and each name found among the
event's speakers by e-mail, then by a normalised name. (The name clashes with
tests/test_speakers.py, the end-to-end test.)"""

from __future__ import annotations

import pytest

from importer.check.speakers import (
    EventSpeaker,
    Roster,
    event_speakers,
    name_key,
    read_speaker_cells,
    split_cell,
    surname_first_column,
)

ADA = EventSpeaker("a", "Ada Lovelace", "ada@example.com")
GRACE = EventSpeaker("g", "Grace Hopper", "grace@example.com")
ROSTER = Roster([ADA, GRACE, EventSpeaker("j1", "Jo Smith"), EventSpeaker("j2", "Jo Smith")])


@pytest.mark.parametrize(
    ("cell", "names"),
    [
        ("Ada Lovelace, Grace Hopper", ("Ada Lovelace", "Grace Hopper")),
        ("Ada & Grace and Alan + Bob; Carl\nDan", ("Ada", "Grace", "Alan", "Bob", "Carl", "Dan")),
        ("Sandra Anderson", ("Sandra Anderson",)),  # "and" only as a word
        ("Ada Lovelace; ada  lovelace ;", ("Ada Lovelace", "ada  lovelace")),
        ("Ada Lovelace, ada lovelace", ("Ada Lovelace",)),
        (" ; , ", ()),
    ],
)
def test_a_cell_is_split_into_names_each_once(cell: str, names: tuple[str, ...]) -> None:
    assert split_cell(cell) == names


def test_a_column_of_surname_first_names_keeps_its_commas() -> None:
    cells = ["Lovelace, Ada", "Hopper, Grace; Turing, Alan Mathison"]
    assert surname_first_column(cells)
    assert split_cell(cells[1], surname_first=True) == ("Grace Hopper", "Alan Mathison Turing")
    assert not surname_first_column([*cells, "Ada Lovelace, Grace Hopper"])
    assert not surname_first_column(["Ada Lovelace, Grace Hopper"])  # two words on both sides
    assert not surname_first_column([])


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Dr. Ada B. Lovelace", "ada lovelace"),
        ("José Martínez", "jose martinez"),
        ("Prof Alan M. Turing PhD", "alan turing"),
        ("ADA  LOVELACE", "ada lovelace"),
        ("Mary-Jane Watson", "mary-jane watson"),
        ("Ada", "ada"),
    ],
)
def test_names_are_normalised(name: str, key: str) -> None:
    assert name_key(name) == key


def test_an_apostrophe_in_a_name_is_one_name_however_typed() -> None:
    assert name_key("Sinéad O’Connor") == name_key("Sinead O'Connor")
    assert name_key("Sinead Connor") != name_key("Sinead O'Connor")


@pytest.mark.parametrize(
    "typed", ["O'Connor", "O’Connor", "O‘Connor", "O\u02bcConnor", "O`Connor", "O\u00b4Connor"]
)
def test_every_apostrophe_is_the_same_apostrophe(typed: str) -> None:
    assert name_key(f"Sinead {typed}") == "sinead oconnor"


@pytest.mark.parametrize("dash", ["-", "\u2010", "\u2011", "\u2013", "\u2014", "\u2212"])
def test_every_dash_inside_a_name_is_a_hyphen(dash: str) -> None:
    assert name_key(f"Mary{dash}Jane Watson") == "mary-jane watson"
    assert name_key(f"Ada {dash} Lovelace") == "ada lovelace"  # a loose dash joins nothing


def test_a_speaker_is_found_by_email_first_then_by_name() -> None:
    assert ROSTER.find("ADA@example.com").speaker == ADA
    assert ROSTER.find("Dr. Grace Hopper <grace@example.com>").speaker == GRACE
    assert ROSTER.find("Someone <ada@example.com>").speaker == ADA
    assert ROSTER.find("grace m. hopper").speaker == GRACE


def test_near_misses_and_namesakes_are_not_guessed() -> None:
    assert ROSTER.find("Ada Lovelase").speaker is None
    assert ROSTER.find("Ada Lovelase").hint == 'Did you mean "Ada Lovelace"?'
    assert ROSTER.find("Jo Smith").speaker is None
    assert (
        ROSTER.find("Jo Smith").hint
        == "Several speakers of the event have this name: use an e-mail."
    )
    assert ROSTER.find("nobody@example.com").speaker is None  # an unknown e-mail is no name
    assert ROSTER.find("Zed Quux").hint is None


def test_the_speakers_list_is_read_whatever_its_shape() -> None:
    items = [
        {"speakerId": "A1", "name": " Ada Lovelace ", "email": "ada@example.com"},
        {"id": "G1", "firstName": "Grace", "lastName": "Hopper", "emailId": "grace@example.com"},
        {"id": "T1", "fullName": "Alan Turing"},
        {"name": "No ID"},
    ]
    assert event_speakers(items) == (
        EventSpeaker("a1", "Ada Lovelace", "ada@example.com"),
        EventSpeaker("g1", "Grace Hopper", "grace@example.com"),
        EventSpeaker("t1", "Alan Turing", None),
    )


def test_speaker_cells_of_several_columns_in_order_with_a_note() -> None:
    rows = [
        (2, ("Talk", "Lovelace, Ada", "Grace Hopper")),
        (3, ("Panel", "Hopper, Grace", None)),
        (4, ("x",)),
    ]
    found, notes = read_speaker_cells(rows, [1, 2], ["Title", "Host", "Guests"])
    assert found == {2: ("Ada Lovelace", "Grace Hopper"), 3: ("Grace Hopper",), 4: ()}
    assert notes == [
        'Column "Host" is read as "Lastname, Firstname": its commas do not separate speakers.'
    ]
    assert read_speaker_cells(rows, [], []) == ({}, [])
