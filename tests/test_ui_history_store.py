"""The history's folder on the disk: what is kept, what is refused, what is never read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from importer.ui import history as history_module
from importer.ui.history import History, default_history


def made(tmp_path: Path, name: str = "agenda") -> dict[str, Path]:
    results, workbook = tmp_path / f"{name}.results.xlsx", tmp_path / f"{name}.imported.xlsx"
    results.write_bytes(b"results")
    workbook.write_bytes(b"workbook")
    return {"results": results, "workbook": workbook}


def test_a_kept_run_is_listed_with_its_files(tmp_path: Path) -> None:
    history = History(tmp_path / "history")
    run = history.keep(file="agenda.xlsx", event="Summit", summary="3 created", made=made(tmp_path))
    (past,) = history.runs()
    assert (past.id, past.file, past.event, past.summary) == (
        run,
        "agenda.xlsx",
        "Summit",
        "3 created",
    )
    assert dict(past.files) == {
        "results": "agenda.results.xlsx",
        "workbook": "agenda.imported.xlsx",
    }
    path = history.file(run, "results")
    assert path is not None and path.read_bytes() == b"results"
    assert history.file(run, "journal") is None


@pytest.mark.parametrize(
    "name", ["..", "../history", "20261130-044100-000000-abcd/../..", "journals", "x" * 26]
)
def test_a_name_that_is_not_a_run_names_nothing(tmp_path: Path, name: str) -> None:
    history = History(tmp_path / "history")
    history.keep(file="a.csv", event="E", summary="1 created", made=made(tmp_path))
    assert history.get(name) is None
    assert history.file(name, "results") is None
    assert history.delete(name) is False
    assert tmp_path.exists() and len(history.runs()) == 1


def test_a_half_written_run_is_not_listed_and_the_oldest_go_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    history = History(tmp_path / "history")
    broken = tmp_path / "history" / "20200101-000000-000000-0000"
    broken.mkdir(parents=True)
    (broken / "run.json").write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(history_module, "MAX_KEPT", 2)
    runs = [
        history.keep(file=f"{n}.csv", event="E", summary="", made=made(tmp_path, str(n)))
        for n in range(3)
    ]
    kept = history.runs()
    assert [r.id for r in kept] == [runs[2], runs[1]]  # newest first; the first one is gone
    assert [r.file for r in kept] == ["2.csv", "1.csv"]
    assert not (tmp_path / "history" / runs[0]).exists()
    meta = json.loads((tmp_path / "history" / kept[0].id / "run.json").read_text())
    assert set(meta) == {"when", "file", "event", "summary", "files"}  # nothing else, no key


def test_the_journal_goes_back_beside_the_next_upload_of_the_same_file(tmp_path: Path) -> None:
    history = History(tmp_path / "history")
    first, second = tmp_path / "one" / "agenda.xlsx", tmp_path / "two" / "agenda.xlsx"
    for agenda in (first, second):
        agenda.parent.mkdir()
    (first.parent / "agenda.results.journal.jsonl").write_text('{"line": 1}\n', encoding="utf-8")
    history.keep_journal("EVENT-1", first)
    history.restore_journal("event-1", second)  # the event ID in any case
    assert (second.parent / "agenda.results.journal.jsonl").read_text() == '{"line": 1}\n'
    other = tmp_path / "three" / "agenda.xlsx"
    other.parent.mkdir()
    history.restore_journal("event-2", other)  # another event: nothing of the first's
    assert not (other.parent / "agenda.results.journal.jsonl").exists()


def test_the_default_folder_is_the_users_data_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", "/data/here")
    assert default_history() == Path("/data/here/zuddl-import/history")
