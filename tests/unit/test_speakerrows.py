"""read/speakerrows.py: an export with one row per speaker becomes one row per session."""

from __future__ import annotations

from typing import Any

from importer.read.speakerrows import merge_speaker_rows
from tests.unit.tables import table

HEADERS = ["Session Id", "Title", "FirstName", "LastName"]


def test_rows_of_one_session_become_one_with_its_speakers() -> None:
    rows: list[list[Any]] = [
        [101, "Keynote", "Ada", "Lovelace"],
        [102, "Panel", "Grace", "Hopper"],
        [101, "Keynote", "Alan", "Turing"],
        [102, "Panel", "Grace", "Hopper"],  # listed twice: named once
        [103, "Solo", None, None],
    ]
    merged = merge_speaker_rows(table(rows, HEADERS))
    assert merged.headers == (*HEADERS, "Speakers")
    assert merged.columns == ("A", "B", "C", "D", "E")
    assert [(r.number, r.values[1], r.values[-1]) for r in merged.rows] == [
        (2, "Keynote", "Ada Lovelace, Alan Turing"),
        (3, "Panel", "Grace Hopper"),
        (6, "Solo", None),
    ]
    assert merged.notes[-1] == (
        'agenda.xlsx, sheet "Agenda": rows 4 and 5 repeat a Session Id of a row above, with '
        "another speaker: one session is made per Session Id, its speakers listed in a Speakers "
        "column."
    )


def test_a_full_name_column_is_preferred() -> None:
    rows: list[list[Any]] = [[1, "Talk", "Dr. A. Lovelace", "x"], [1, "Talk", "G. Hopper", "y"]]
    merged = merge_speaker_rows(table(rows, ["Session ID", "Title", "Speaker", "Last Name"]))
    assert merged.rows[0].values[-1] == "Dr. A. Lovelace, G. Hopper"
    assert merged.notes[-1].startswith('agenda.xlsx, sheet "Agenda": row 3 repeats a Session Id')


def test_rows_without_a_session_id_are_never_merged() -> None:
    rows: list[list[Any]] = [[None, "A", "Ada", "L"], [None, "B", "Alan", "T"]]
    assert merge_speaker_rows(table(rows, HEADERS)).rows == table(rows, HEADERS).rows


def test_a_sheet_without_repeats_or_speaker_columns_is_left_as_it_is() -> None:
    once = table([[1, "A", "Ada", "L"], [2, "B", "Alan", "T"]], HEADERS)
    assert merge_speaker_rows(once) is once
    plain = table([[1, "A"], [1, "B"]], ["Session Id", "Title"])
    assert merge_speaker_rows(plain) is plain
