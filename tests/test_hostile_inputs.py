"""Hostile input that is not a broken file: values, flags, keys and text meant to mislead.

* A control character before "=" never makes a live formula: not in the results sheet, the CSV
  results, the checked copy or the written-back workbook (the character is dropped on writing,
  so the judgement is made on the text as written).
* ``--results`` naming the agenda itself is refused before anything is read or written.
* An API key no HTTP header can carry is refused at once, without showing it.
* A value holding a line break cannot forge a line of a text log.
* Capacities past any room, years of one or three digits and minutes past 59 are row errors.

The files the loader refuses (far cells, repeated cells, impossible dates, too many columns)
are in the corpus of test_hostile.py.
"""

from __future__ import annotations

import csv
import logging
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from importer.check.columns import is_known_header
from importer.check.mapper import map_rows
from importer.cli.console import TextLines
from importer.plan.status import Outcome, Status
from importer.read.loader import load_table
from importer.run import ImportRequest, run_import
from importer.settings.config import MappingOptions, Secret
from importer.write.workbook import write_back, write_checked
from tests.conftest import SandboxHandle
from tests.loader_fixtures import write_raw_xlsx
from tests.pipeline_helpers import HEADERS, settings_for, write_csv

FORMULA = '=HYPERLINK("http://x.example","click")'
HIDDEN = "\x01" + FORMULA


def _cli(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "importer", *args],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _no_formulas(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                data = archive.read(name)
                assert b"<f>" not in data and b"<f " not in data, (path, name)


def _cells_holding(path: Path, text: str) -> list[tuple[str, str]]:
    """(sheet, data type) of every cell whose value is ``text``."""
    book = openpyxl.load_workbook(path)
    return [
        (sheet.title, cell.data_type)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value == text
    ]


def test_a_control_character_before_a_formula_never_makes_it_live(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    # Excel saves a control character as _x0001_; the reader turns it back into \x01.
    cells = {f"{letter}1": header for letter, header in zip("ABCDEFG", HEADERS, strict=False)}
    cells |= {"A2": "F-1", "C2": "_x0001_" + FORMULA, "D2": "_x0001_" + FORMULA}
    cells |= {"E2": "2026-06-10", "F2": "09:00", "G2": "10:00"}
    agenda = write_raw_xlsx(tmp_path / "agenda.xlsx", {"Agenda": cells})
    table = load_table(agenda, header_score=is_known_header)
    assert table.rows[0].values[2] == HIDDEN

    results = tmp_path / "out.xlsx"
    settings = settings_for(sandbox, results=results)
    report = run_import(ImportRequest(agenda, settings, Secret(sandbox.key), write_back=True))
    assert report.exit_code == 0, report.outcomes
    assert [s["title"] for s in sandbox.sessions()] == [FORMULA]  # sent as the text it is
    assert report.written_back is not None
    # A CSV agenda's checked copy is built afresh, every cell written by the importer.
    text_agenda = write_csv(
        tmp_path / "agenda.csv",
        [["F-1", None, HIDDEN, HIDDEN, "2026-06-10", "09:00", "10:00", None, None, None]],
    )
    text_table = load_table(text_agenda, header_score=is_known_header)
    mapped = map_rows(text_table, MappingOptions(), timezone="UTC")
    checked = write_checked(text_table, mapped.problems, tmp_path / "c.xlsx")
    for path in (results, report.written_back, checked):
        _no_formulas(path)
        held = _cells_holding(path, FORMULA)
        assert all(kind == "s" for _, kind in held), (path, held)
        # The written-back workbook keeps the user's own cell as it was: a text cell.
        assert held or path == report.written_back, path

    csv_results = tmp_path / "out.csv"
    report = run_import(
        ImportRequest(text_agenda, settings_for(sandbox, results=csv_results), Secret(sandbox.key))
    )
    assert report.exit_code == 0, report.outcomes
    with csv_results.open(encoding="utf-8-sig", newline="") as handle:
        records = list(csv.DictReader(handle))
    # CSV has no cell types: a leading apostrophe keeps Excel from reading a formula.
    assert [(r["Title"], r["Description"]) for r in records] == [("'" + HIDDEN, "'" + HIDDEN)]


def test_results_naming_the_agenda_are_refused_and_the_agenda_kept(tmp_path: Path) -> None:
    agenda = write_csv(tmp_path / "agenda.csv", [["A-1", None, "Talk", None, "2026-06-10"]])
    before = agenda.read_bytes()
    for results in ("agenda.csv", str(agenda), "./sub/../agenda.csv"):
        (tmp_path / "sub").mkdir(exist_ok=True)
        done = _cli(["run", "agenda.csv", "--dry-run", "--results", results], cwd=tmp_path)
        assert (done.returncode, done.stdout) == (2, ""), done
        assert done.stderr == (
            "Error: --results names the agenda itself (agenda.csv): writing the results would "
            "replace it. Choose another file, such as agenda.results.xlsx, or leave --results "
            "out.\n"
        )
    assert agenda.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["agenda.csv", "sub"]


def test_an_api_key_no_header_can_carry_is_refused_without_showing_it(tmp_path: Path) -> None:
    agenda = write_csv(tmp_path / "agenda.csv", [["A-1", None, "Talk", None, "2026-06-10"]])
    event = ["--event", "5a2db0c5-de30-4e7e-8a1d-000000000001", "--base-url", "http://127.0.0.1:9"]
    cases = {
        "sk-SECRET\nabc": "a line break (character 10 of 13)",
        "sk-SECRÉT": "a non-ASCII character (character 8 of 9)",
        "sk-SEC RET": "a space (character 7 of 10)",
        "sk-\x07SECRET": "a control character (character 4 of 10)",
    }
    for key, what in cases.items():
        done = _cli(["run", str(agenda), *event], cwd=tmp_path, ZUDDL_API_KEY=key)
        assert (done.returncode, done.stdout) == (2, ""), done
        assert done.stderr == (
            f"Error: The API key contains {what}, which no Zuddl API key has. Copy the key "
            "again from Zuddl, exactly as shown, and try again.\n"
        )
        assert "SECRET" not in done.stderr and "SECRÉT" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["agenda.csv"]


def test_a_value_with_a_line_break_cannot_forge_a_log_line(tmp_path: Path) -> None:
    forged = "x\n2026-01-01 00:00:00 info run=abc summary exit_code=0"
    record = logging.LogRecord("zuddl_import", logging.INFO, __file__, 1, "row", None, None)
    record.event = "row_failed"
    record.data = {"message": forged, "title": "a\rb\u2028c"}
    line = TextLines().format(record)
    assert "\n" not in line and "\r" not in line and "\u2028" not in line
    assert line.endswith(
        "row_failed message=x\\n2026-01-01 00:00:00 info run=abc summary exit_code=0 "
        "title=a\\rb\\u2028c"
    )
    # End to end: an agenda whose name holds a line break, logged at the start of the run.
    agenda = write_csv(tmp_path / "a\nsummary exit_code=0.csv", [["A-1", None, "T", None, "x"]])
    log = tmp_path / "run.log"
    done = _cli(["run", agenda.name, "--dry-run", "--log-file", str(log)], cwd=tmp_path)
    assert done.returncode == 1, done  # the row has a bad start: invalid, not sent
    lines = log.read_text(encoding="utf-8").splitlines()
    assert [line.split()[3] for line in lines] == ["run=" + lines[0].split()[3][4:]] * 2
    assert [line.split()[4] for line in lines] == ["run_start", "summary"]
    assert "agenda=a\\nsummary exit_code=0.csv event_id=None" in lines[0]


def test_numbers_dates_and_durations_past_reason_are_row_errors(tmp_path: Path) -> None:
    rows = [
        ["C-1", None, "Huge", None, "2026-06-10", "09:00", "10:00", None, "1e308", None],
        ["C-2", None, "Long", None, "2026-06-10", "09:00", "10:00", None, "9" * 23, None],
        ["C-3", None, "Fine", None, "2026-06-10", "09:00", "10:00", None, "1,200", None],
        ["D-1", None, "Year", None, "1/1/1", "09:00", "10:00", None, None, None],
    ]
    agenda = write_csv(tmp_path / "agenda.csv", rows)
    headers = [*HEADERS[:6], "Duration", *HEADERS[7:]]
    write_csv(
        tmp_path / "minutes.csv", [["M-1", None, "T", None, "2026-06-10", "9:00", "1:99"]], headers
    )
    problems = []
    for path in (agenda, tmp_path / "minutes.csv"):
        table = load_table(path, header_score=is_known_header)
        mapped = map_rows(table, MappingOptions(), timezone="UTC")
        problems += [p.text() for p in mapped.errors]
        if path == agenda:
            assert [(d.reference_id, d.capacity) for d in mapped.drafts] == [("C-3", 1200)]
    assert problems == [
        'Row 2, column "Capacity": "1e308" is more than 1,000,000, the most this importer '
        "sends. Check the number (a capacity is a count of seats).",
        'Row 3, column "Capacity": "99999999999999999999999" is more than 1,000,000, the most '
        "this importer sends. Check the number (a capacity is a count of seats).",
        'Row 5, column "Date": "1/1/1" has a year of 1 digit. Write it like 2026-06-10.',
        'Row 2, column "Duration": "1:99" is not a duration. Write the minutes, like 45, or 1:30.',
    ]


def test_a_far_cell_under_the_limit_never_fills_in_the_used_range_of_the_copies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # openpyxl's iter_rows creates every cell of the used range: with one cell in column ALL
    # (1,000) of a 2,000-row sheet that was 2 million cells, 10 s and 750 MB for the copy.
    cells: dict[str, object] = {"A1": "Title", "B1": "Start", "ALL300": "far"}
    cells |= {f"A{n}": f"Talk {n}" for n in range(2, 300)}
    cells |= {f"B{n}": "2026-06-10 09:00" if n % 2 else "soon" for n in range(2, 300)}
    agenda = write_raw_xlsx(tmp_path / "far.xlsx", {"Agenda": cells})  # type: ignore[dict-item]
    table = load_table(agenda, header_score=is_known_header)
    mapped = map_rows(table, MappingOptions(), timezone="UTC")
    assert mapped.errors  # the "soon" rows: the checked copy has something to mark
    outcomes = {
        row.number: Outcome(row.number, Status.PLANNED, message="Would create.")
        for row in table.rows
    }
    made: list[tuple[int, int]] = []
    real_cell = Worksheet.cell

    def counted(self: Worksheet, row: int, column: int, value: object = None) -> object:
        made.append((row, column))
        return real_cell(self, row, column, value)  # type: ignore[arg-type]

    monkeypatch.setattr(Worksheet, "cell", counted)
    write_checked(table, mapped.problems, tmp_path / "far.checked.xlsx")
    write_back(table, outcomes, tmp_path / "far.imported.xlsx")
    # The cells it reads and writes (a few per row, and the header row across its 1,000
    # columns), never the 300,000 of the used range.
    assert 0 < len(made) < 20 * len(table.rows), len(made)
