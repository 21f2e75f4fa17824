"""sync/journal.py: what a run confirmed, read back by the next run, whatever a kill left."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from importer.errors import ImporterError
from importer.sync.journal import (
    Journal,
    journal_path,
    last_unconfirmed_send,
    read_history,
    read_journal,
)

EVENT = "5a2db0c5-de30-4e7e-8a1d-000000000001"
OTHER = "0b7e0a52-91c4-4d3e-9f6b-2a4c1d8e7f30"
API = "http://127.0.0.1:8765"


def test_the_journal_sits_next_to_the_results() -> None:
    assert journal_path(Path("/x/agenda.results.xlsx")) == Path("/x/agenda.results.journal.jsonl")


def test_confirmed_writes_are_read_back_by_reference(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    with Journal(path, "run1", EVENT, API) as journal:
        journal.record(2, "K1", "create", "S-1", {"title": "Keynote"})
        journal.record(3, "K2", "create", "S-2")
        journal.record(2, "K1", "update", "S-1", {"title": "Keynote 2"})
        assert journal.confirmed() == {"K1": "S-1", "K2": "S-2"}
    assert read_journal(path, EVENT, API) == {"K1": "S-1", "K2": "S-2"}
    history = read_history(path, EVENT, API)
    assert history.created == {"s-1", "s-2"}
    assert history.last_sent == {"s-1": {"title": "Keynote 2"}}


def test_a_torn_last_line_loses_only_itself(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    with Journal(path, "run1", EVENT, API) as journal:
        journal.record(2, "K1", "create", "S-1")
    whole = json.dumps({"event": EVENT, "api": API, "reference": "K2", "session": "S-2"})
    with path.open("a", encoding="utf-8") as handle:
        handle.write(whole[: len(whole) // 2])  # a kill in the middle of a write
    assert read_journal(path, EVENT, API) == {"K1": "S-1"}
    # The next run appends after the torn line: its own lines still read.
    with Journal(path, "run2", EVENT, API) as journal:
        journal.record(3, "K3", "create", "S-3")
    assert read_journal(path, EVENT, API) == {"K1": "S-1", "K3": "S-3"}


def test_lines_of_another_event_or_api_do_not_speak_for_this_one(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    with Journal(path, "run1", OTHER, API) as journal:
        journal.record(2, "K1", "create", "S-OTHER")
    with Journal(path, "run2", EVENT, "http://127.0.0.1:9999") as journal:
        journal.record(2, "K1", "create", "S-ELSEWHERE")
    assert read_journal(path, EVENT, API) == {}
    assert read_journal(path, EVENT) == {"K1": "S-ELSEWHERE"}  # no API given: any


def test_an_unanswered_create_is_remembered_until_a_later_line_settles_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "j.jsonl"
    assert last_unconfirmed_send(path, EVENT, API) is None  # no journal yet
    with Journal(path, "run1", EVENT, API) as journal:
        journal.intend(2, "K1")
        journal.intend(3, "K2")
        journal.record(2, "K1", "create", "S-1")
    sent = last_unconfirmed_send(path, EVENT, API)
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert sent == next(e["at"] for e in lines if e.get("reference") == "K2")
    with Journal(path, "run2", EVENT, API) as journal:
        journal.refused(3, "K2")
    assert last_unconfirmed_send(path, EVENT, API) is None


def test_a_journal_that_cannot_be_written_names_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "missing-folder" / "j.jsonl"
    with pytest.raises(ImporterError) as caught, Journal(path, "run1", EVENT, API):
        pass
    assert caught.value.message == (
        f'Cannot write the journal "{path}": No such file or directory. Choose a results '
        "path in a folder you can write to (--results)."
    )
