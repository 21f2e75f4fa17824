"""Hostile input and secrets.

* Every file of the hostile corpus (tests/hostile_files.py) is refused by the real command, in
  a child process, with one plain line on stderr (the exact line, for the newer entries), exit
  code 2 and nothing written: once as a check that sends nothing (``validate``, or ``run
  --dry-run`` where there is no ``validate`` command yet) and once as ``run --sandbox``. How
  fast and in how little memory is measured by the benchmark (``python -m tests.benchmarks``,
  its hostile-corpus figures), never asserted here.
* The limits themselves, at their edges, with small ``Limits`` (in process, quick).
* Text hygiene in the mapper: NUL characters, scripts in descriptions, NFC, control characters.
* The API key never appears in any file, output, log line or exception of a run that meets
  server errors, retries, refused rows, a wrong key and an unreachable API.
* Formula-looking titles come back as text in the results (xlsx and csv) of a real import.
"""

from __future__ import annotations

import csv
import functools
import io
import logging
import os
import socket
import subprocess
import sys
import tempfile
import traceback
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest

from importer.check.columns import is_known_header
from importer.check.mapper import map_rows
from importer.check.rowtext import NUL_MESSAGE, SCRIPT_WARNING
from importer.cli.console import JsonLines, TextLines
from importer.errors import ApiError, ImporterError, InputFileError
from importer.read.limits import CHUNK, MB, Limits
from importer.read.loader import load_table
from importer.read.table import SourceRow, Table
from importer.run import ImportRequest, run_import
from importer.sandbox import DEMO_EVENT_ID, Faults, SandboxSettings, run_sandbox
from importer.settings.config import MappingOptions, Secret, Settings
from tests.child import run_child, run_cli
from tests.conftest import SandboxHandle
from tests.hostile_files import CORPUS, Hostile, build
from tests.loader_fixtures import write_raw_xlsx
from tests.pipeline_helpers import import_into, read_results, write_csv

CANARY = "sk-LEAK-CANARY-1234"
WRONG_CANARY = "sk-LEAK-CANARY-WRONG-5678"
LEAK = "LEAK-CANARY"  # in both keys: one search finds either


@functools.cache
def has_validate() -> bool:
    """Until a ``validate`` command exists, ``run --dry-run`` is the check that sends nothing."""
    probe = subprocess.run(
        [sys.executable, "-m", "importer", "validate", "--help"],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


def check_args(path: Path) -> list[str]:
    if has_validate():
        return ["validate", str(path)]
    return ["run", str(path), "--dry-run", "--no-progress"]


@pytest.fixture(scope="module")
def corpus_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="hostile-") as folder:  # 100 MB: not kept
        yield Path(folder)


# The whole corpus through `validate` in the default run; through `run --sandbox` (the same
# refusal, a longer start: the embedded sandbox) in the slow run, which CI also runs.
@pytest.mark.parametrize("mode", ["check", pytest.param("sandbox", marks=pytest.mark.slow)])
@pytest.mark.parametrize("hostile", CORPUS, ids=[h.name for h in CORPUS])
def test_hostile_file_is_refused_with_one_line(
    corpus_dir: Path, tmp_path: Path, hostile: Hostile, mode: str
) -> None:
    path = build(corpus_dir, hostile)
    args = check_args(path) if mode == "check" else ["run", str(path), "--sandbox", "--no-progress"]
    child = run_cli(args, cwd=tmp_path)
    print(
        f"HOSTILE {hostile.name} {mode} exit={child.code} {child.seconds:.2f}s "
        f"{child.peak_rss_mb:.0f}MB"
    )
    lines = child.stderr.splitlines()
    assert child.code == 2, child
    assert len(lines) == 1, child.stderr
    assert lines[0].startswith("Error: "), child.stderr
    if hostile.exact:
        assert lines[0] == f"Error: {hostile.expect}"
    else:
        assert hostile.name in lines[0] and hostile.expect in lines[0], lines[0]
    assert "Traceback" not in child.stdout + child.stderr
    assert not list(corpus_dir.glob(f"{path.stem}.results*"))  # nothing written for a refusal
    assert not list(tmp_path.iterdir())


def test_a_100_mb_line_is_refused_by_the_line_limit_not_the_size_limit(
    corpus_dir: Path, tmp_path: Path
) -> None:
    """Even with the file-size limit raised out of the way, the line is never held whole."""
    path = build(corpus_dir, next(h for h in CORPUS if h.name == "huge_line.csv"))
    script = (
        "import sys; from pathlib import Path\n"
        "from importer.errors import InputFileError\n"
        "from importer.read.limits import Limits\n"
        "from importer.read.loader import load_table\n"
        "try:\n"
        f"    load_table(Path({str(path)!r}), limits=Limits(max_file_bytes=1 << 30))\n"
        "except InputFileError as exc:\n"
        "    print(exc.message, file=sys.stderr); sys.exit(2)\n"
    )
    child = run_child([sys.executable, "-c", script], cwd=tmp_path)
    print(f"HOSTILE huge_line.csv line-limit {child.seconds:.2f}s {child.peak_rss_mb:.0f}MB")
    assert child.code == 2, child
    assert child.stderr.startswith("huge_line.csv: line 2 is longer than 1 MB"), child


# --- the limits at their edges ---------------------------------------------------------------


def _csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _error(path: Path, limits: Limits) -> str:
    with pytest.raises(InputFileError) as caught:
        load_table(path, header_score=is_known_header, limits=limits)
    assert "\n" not in caught.value.message
    return caught.value.message


def test_row_limit_counts_sessions_not_title_header_or_blank_rows(tmp_path: Path) -> None:
    limits = Limits(max_rows=5)
    lines = ["ACME agenda", "", "Title,Start", *[f"S{n},09:00" for n in range(5)], "", ""]
    table = load_table(
        _csv(tmp_path / "five.csv", lines), header_score=is_known_header, limits=limits
    )
    assert len(table.rows) == 5
    path = _csv(tmp_path / "six.csv", [*lines, "S6,09:00"])
    assert _error(path, limits) == (
        "six.csv has more than 5 rows of sessions, the most one import takes. Split it into "
        "files of at most 5 rows and import them one after the other."
    )


def test_row_limit_in_a_workbook(tmp_path: Path) -> None:
    limits = Limits(max_rows=3)
    cells: dict[str, Any] = {"A1": "Title", "B1": "Start"}
    for n in range(2, 5):
        cells |= {f"A{n}": f"S{n}", f"B{n}": "09:00"}
    path = write_raw_xlsx(tmp_path / "three.xlsx", {"Agenda": cells})
    assert len(load_table(path, limits=limits).rows) == 3
    cells |= {"A5": "S5", "B5": "09:00"}
    path = write_raw_xlsx(tmp_path / "four.xlsx", {"Agenda": cells})
    assert _error(path, limits) == (
        'four.xlsx, sheet "Agenda" has more than 3 rows of sessions, the most one import takes. '
        "Split it into files of at most 3 rows and import them one after the other."
    )


def test_cell_length_limit(tmp_path: Path) -> None:
    limits = Limits(max_cell_chars=10)
    ok = _csv(tmp_path / "ok.csv", ["Title,Start", "abcdefghij,09:00"])
    assert load_table(ok, limits=limits).rows[0].values[0] == "abcdefghij"
    long = _csv(tmp_path / "long.csv", ["Title,Start", "Keynote,09:00", "Lunch,abcdefghijk"])
    assert _error(long, limits) == (
        "long.csv: the cell in row 3, column B holds 11 characters, more than the 10 a cell "
        "may hold (Excel's own limit). Shorten it, then try again."
    )
    sheet: dict[str, Any] = {"A1": "Title", "B1": "Start", "A2": "x" * 11, "B2": "09:00"}
    path = write_raw_xlsx(tmp_path / "long.xlsx", {"Agenda": sheet})
    assert _error(path, limits).startswith(
        'long.xlsx, sheet "Agenda": the cell in row 2, column A holds 11 characters'
    )


def test_an_overlong_cell_spanning_lines_is_blamed_on_its_quote_mark(tmp_path: Path) -> None:
    path = _csv(tmp_path / "q.csv", ["Title,Start", '"Lunch,09:00', *["x" * 8] * 5])
    assert _error(path, Limits(max_cell_chars=30)) == (
        'q.csv: row 2 could not be read. It probably has a quote mark (") that opens a cell but '
        "never closes it, which makes the rest of the file look like one huge cell. Check the "
        "quote marks in that row, save the file and try again."
    )


@pytest.mark.parametrize("first", [1, CHUNK - 10, CHUNK - 1, CHUNK, CHUNK + 1])
def test_line_limit_across_chunk_boundaries(tmp_path: Path, first: int) -> None:
    """A line split over two reads is measured whole; the limit itself is allowed."""
    limit = 3 * CHUNK // 2
    # Line 3 starts at byte ``first`` (line 2 is short cells, like line 3).
    head = b"Title,Start\n" + (b"a," * first)[: max(first - 13, 0)] + b"\n"
    line = b"c," * (limit // 2)  # many short cells: one long cell would hit the cell limit
    # ... so many that the column and cell limits are raised out of the way.
    limits = Limits(max_line_bytes=limit, max_columns=limit, max_sheet_cells=2 * limit)
    ok = tmp_path / "ok.csv"
    ok.write_bytes(head + line + b"\nx,y\n")
    assert load_table(ok, limits=limits).delimiter == ","
    bad = tmp_path / "bad.csv"
    bad.write_bytes(head + line + b"c\nx,y\n")
    assert _error(bad, limits) == (
        "bad.csv: line 3 is longer than 1.5 MB, so this is not an agenda saved as text (each "
        "line holds one row of sessions). Check that you chose the right file, or save the "
        'agenda from Excel as "CSV UTF-8 (Comma delimited)" and try again.'
    )


def test_file_size_limit(tmp_path: Path) -> None:
    path = _csv(tmp_path / "big.csv", ["Title,Start", "x" * 3000 + ",09:00"])
    assert load_table(path, limits=Limits(max_file_bytes=path.stat().st_size)).rows
    assert _error(path, Limits(max_file_bytes=2048)) == (
        "big.csv is 3 KB, more than the 2 KB this importer reads. Split the agenda into "
        "smaller files (or save it as CSV, without pictures and other sheets) and import them "
        "one after the other."
    )
    sparse = tmp_path / "big.xlsx"
    with sparse.open("wb") as handle:
        handle.truncate(50 * MB + 1)
    assert _error(sparse, Limits()).startswith("big.xlsx is 50.1 MB, more than the 50 MB")


def test_zip_limits_on_a_normal_workbook(tmp_path: Path) -> None:
    cells: dict[str, Any] = {"A1": "Title", "B1": "Start"}
    cells |= {f"A{n}": "The same talk again" for n in range(2, 3000)}
    path = write_raw_xlsx(tmp_path / "w.xlsx", {"Agenda": cells})
    assert len(load_table(path).rows) == 2998  # the defaults let a normal workbook through
    assert _error(path, Limits(max_zip_entries=3)) == (
        "w.xlsx holds more than 3 parts (files packed inside it), where a spreadsheet has a "
        "few dozen: it is not a normal spreadsheet (it may be damaged, or built to make programs "
        "run out of memory). Open it in Excel and save the agenda sheet alone as a new workbook "
        "or as CSV, then import that file."
    )
    assert _error(path, Limits(max_unzipped_bytes=1000)).startswith(
        "w.xlsx would unpack to 313 KB, more than the 1 KB this importer allows: it is not a "
    )
    ratio = Limits(max_zip_ratio=5, zip_ratio_from_bytes=1000)
    assert "times its packed size (a spreadsheet stays under 5)" in _error(path, ratio)


# --- text hygiene in the mapper ----------------------------------------------------------------


def _table(headers: tuple[str, ...], *rows: tuple[Any, ...]) -> Table:
    return Table(
        path=Path("agenda.xlsx"),
        sheet="Agenda",
        sheet_names=("Agenda",),
        header_row=1,
        headers=headers,
        columns=tuple("ABCDEFGH"[: len(headers)]),
        rows=tuple(SourceRow(n, row) for n, row in enumerate(rows, start=2)),
        notes=(),
    )


def test_a_nul_character_in_any_cell_is_a_row_error() -> None:
    headers = ("Title", "Start", "Description", "Notes")
    table = _table(
        headers,
        ("Key\x00note", "2026-06-10 09:00", None, None),
        ("Lunch", "2026-06-10 12:00", "Soup\x00", None),
        ("Talk", "2026-06-10 13:00", None, "ignored column \x00"),
        ("Fine", "2026-06-10 14:00", "<p>ok</p>", "fine"),
    )
    mapped = map_rows(table, MappingOptions(default_duration_min=30), timezone="UTC")
    nul = [p for p in mapped.problems if p.message == NUL_MESSAGE]
    assert [(p.row, p.column, p.value, p.cell, p.severity) for p in nul] == [
        (2, "Title", "Keynote", "A2", "error"),
        (3, "Description", "Soup", "C3", "error"),
        (4, "Notes", "ignored column ", "D4", "error"),
    ]
    assert mapped.invalid_rows == {2, 3, 4}
    assert [d.title for d in mapped.drafts] == ["Fine"]
    assert nul[0].text() == (
        'Row 2, column "Title": This cell contains a NUL character (an invisible zero byte), '
        "which a damaged file or a faulty export leaves behind. Delete it, or re-save the file "
        "from the program it came from, then try again."
    )


def test_a_nul_character_saved_in_a_workbook_reaches_the_mapper(tmp_path: Path) -> None:
    # Excel writes an invisible zero byte as _x0000_; the reader turns it back into NUL.
    cells: dict[str, Any] = {"A1": "Title", "B1": "Start", "A2": "Key_x0000_note"}
    cells["B2"] = "2026-06-10 09:00"
    table = load_table(write_raw_xlsx(tmp_path / "nul.xlsx", {"Agenda": cells}))
    mapped = map_rows(table, MappingOptions(default_duration_min=30), timezone="UTC")
    assert mapped.invalid_rows == {2}
    assert [p.message for p in mapped.errors] == [NUL_MESSAGE]


def test_html_descriptions_pass_unchanged_but_a_script_gets_a_warning() -> None:
    html = '<p>Welcome <b>all</b> &amp; <a href="https://x.example">more</a></p>'
    scripted = '<p>Hi</p>< SCRIPT type="text/javascript">alert(1)</script>'
    table = _table(
        ("Title", "Start", "Description"),
        ("A", "2026-06-10 09:00", html),
        ("B", "2026-06-10 10:00", scripted),
    )
    mapped = map_rows(table, MappingOptions(default_duration_min=30), timezone="UTC")
    assert [d.description for d in mapped.drafts] == [html, scripted]
    assert [(p.row, p.column, p.severity, p.message) for p in mapped.problems] == [
        (3, "Description", "warning", SCRIPT_WARNING)
    ]
    assert SCRIPT_WARNING == (
        "The description contains a script (<script>). Zuddl does not show scripts in session "
        "descriptions, so remove it from the cell."
    )


def test_titles_are_nfc_trimmed_and_free_of_control_characters() -> None:
    table = _table(("Title", "Start"), ("  Cafe\u0301\x07 talk\x1b  ", "2026-06-10 09:00"))
    mapped = map_rows(table, MappingOptions(default_duration_min=30), timezone="UTC")
    assert [d.title for d in mapped.drafts] == ["Caf\u00e9 talk"]


# --- secrets ----------------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _leaks_in_file(path: Path) -> list[str]:
    """Where the canary is in ``path``: its bytes, or (for zip files) any member's bytes."""
    needles = (LEAK.encode(), LEAK.encode("utf-16-le"))
    data = path.read_bytes()
    found = [str(path)] if any(n in data for n in needles) else []
    if data.startswith(b"PK"):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if any(n in archive.read(name) for n in needles):
                    found.append(f"{path}!{name}")
    return found


def _exceptions(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        stack += [current.__cause__, current.__context__]


def _agenda_with_a_refused_row(path: Path) -> Path:
    unknown_place = "0d2f9c1e-5b7a-4c3d-9e8f-123456789abc"  # a UUID no event has: a 400
    rows = [
        [
            f"K-{n}",
            None,
            f"Talk {n}",
            "<p>x</p>",
            "2026-06-10",
            f"{9 + n % 8}:00",
            f"{9 + n % 8}:30",
            None,
            50,
            "a",
        ]
        for n in range(1, 25)
    ]
    rows.append(
        ["K-BAD", None, "Refused", None, "2026-06-10", "09:00", "09:30", unknown_place, None, None]
    )
    return write_csv(path, rows)


def test_the_api_key_never_leaks_into_files_output_logs_or_exceptions(tmp_path: Path) -> None:
    agenda = _agenda_with_a_refused_row(tmp_path / "agenda.csv")
    log_file = tmp_path / "run.log.jsonl"
    (tmp_path / "tmp").mkdir()
    env = {**os.environ, "ZUDDL_API_KEY": CANARY, "TMPDIR": str(tmp_path / "tmp")}
    faults = Faults(rate_limit=0, error_rate=0.3, seed=11)
    settings = SandboxSettings(api_keys=(CANARY,), faults=faults)
    outputs: list[str] = []
    with run_sandbox(settings) as running:
        # A 5xx to a create may still commit: it is looked up 2 s later (30 s by default).
        common = ["--event", DEMO_EVENT_ID, "--timezone", "UTC", "--no-progress"]
        common += ["--lookup-grace", "2"]
        logging_flags = ["--log-format", "json", "--log-file", str(log_file)]
        # A whole import through 5xx answers (GETs retried, creates looked up) and a refused row.
        full = run_cli(
            ["run", str(agenda), *common, "--base-url", running.base_url, *logging_flags],
            cwd=tmp_path,
            env=env,
            timeout=120,
        )
        stats = httpx.get(f"{running.base_url}/_sandbox/stats").json()
        # The same key, refused: the wrong key for this API.
        wrong = run_cli(
            ["run", str(agenda), *common, "--base-url", running.base_url, *logging_flags],
            cwd=tmp_path,
            env={**env, "ZUDDL_API_KEY": WRONG_CANARY},
        )
        # An API that is not there at all (two tries, not six: the test need not wait long).
        quick = tmp_path / "quick.toml"
        quick.write_text("retry_attempts = 2\nretry_deadline = 2\n", encoding="utf-8")
        gone = run_cli(
            [
                "run",
                str(agenda),
                *common,
                "--base-url",
                f"http://127.0.0.1:{_closed_port()}",
                "--config",
                str(quick),
                *logging_flags,
            ],
            cwd=tmp_path,
            env=env,
        )
        print(
            "SECRETS",
            [(c.code, round(c.seconds, 2), round(c.peak_rss_mb)) for c in (full, wrong, gone)],
        )
        outputs += [c.stdout + c.stderr for c in (full, wrong, gone)]
        assert full.code == 1, full  # the refused row failed; the others were created
        assert stats["injected_errors"] > 0 and stats["requests"].get("POST 400"), stats
        assert wrong.code == 3 and "refused the API key (401)" in wrong.stderr, wrong
        assert gone.code == 3 and "Cannot reach the Zuddl API" in gone.stderr, gone
        log_text = log_file.read_text(encoding="utf-8")
        # Retried: a GET answered 5xx, or a create whose 5xx left its outcome unknown.
        assert '"event": "request_retry"' in log_text or '"event": "create_retry"' in log_text
        assert '"event": "row_failed"' in log_text, log_text
        results = read_results(tmp_path / "agenda.results.xlsx")
        assert {r["Status"] for r in results} >= {"created", "failed"}

        # In process: every exception of a refused key and of an unreachable API, with its
        # causes and its formatted traceback; and every log record of those runs.
        records = io.StringIO()
        handlers = []
        for formatter in (JsonLines(), TextLines()):
            handler = logging.StreamHandler(records)
            handler.setFormatter(formatter)
            handlers.append(handler)
            logging.getLogger("zuddl_import").addHandler(handler)
        logging.getLogger("zuddl_import").setLevel(logging.INFO)
        try:
            for base_url, key in (
                (running.base_url, WRONG_CANARY),
                (f"http://127.0.0.1:{_closed_port()}", CANARY),
            ):
                config = Settings(
                    event_id=DEMO_EVENT_ID,
                    base_url=base_url,
                    rate_limit=0,
                    retry_attempts=2,
                    retry_deadline_s=2,
                    timeout_s=2,
                    lock_dir=tmp_path / "tmp",
                    results=tmp_path / "inprocess.results.xlsx",
                    mapping=MappingOptions(timezone="UTC"),
                )
                request = ImportRequest(agenda, config, Secret(key))
                assert LEAK not in repr(request) and LEAK not in str(request)
                with pytest.raises(ImporterError) as caught:
                    run_import(request)
                assert isinstance(caught.value, ApiError)
                for exc in _exceptions(caught.value):
                    assert LEAK not in str(exc), type(exc)
                    assert LEAK not in repr(exc), type(exc)
                    assert LEAK not in repr(exc.args), type(exc)
                formatted = "".join(traceback.format_exception(caught.value))
                assert LEAK not in formatted
        finally:
            for handler in handlers:
                logging.getLogger("zuddl_import").removeHandler(handler)
        outputs.append(records.getvalue())
    assert records.getvalue()  # the runs did log
    for text in outputs:
        assert LEAK not in text
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {
        "agenda.results.xlsx",
        "agenda.results.journal.jsonl",
        "run.log.jsonl",
    }
    assert [leak for path in files for leak in _leaks_in_file(path)] == []


# --- formula injection -------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "=cmd|' /C calc'!A0"]


def test_formula_titles_come_back_as_text_in_xlsx_and_csv_results(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    rows = [
        [f"F-{n}", None, title, title, "2026-06-10", "09:00", "10:00", None, None, title]
        for n, title in enumerate(FORMULAS)
    ]
    agenda = write_csv(tmp_path / "agenda.csv", rows)
    report = import_into(sandbox, agenda, results=tmp_path / "out.xlsx")
    assert report.exit_code == 0, report.outcomes
    sent = {s["referenceId"]: s["title"] for s in sandbox.sessions()}
    assert sent == {f"F-{n}": title for n, title in enumerate(FORMULAS)}

    book = openpyxl.load_workbook(tmp_path / "out.xlsx")
    sheet = book["Results"]
    header = [c.value for c in sheet[1]]
    for column in ("Title", "Description", "Tags"):
        index = header.index(column) + 1
        cells = [sheet.cell(row=r, column=index) for r in range(2, 2 + len(FORMULAS))]
        assert [(c.value, c.data_type) for c in cells] == [(t, "s") for t in FORMULAS]
    with zipfile.ZipFile(tmp_path / "out.xlsx") as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    # Read back by the importer itself: the same text, never a computed value.
    again = load_table(tmp_path / "out.xlsx", header_score=is_known_header)
    title = again.headers.index("Title")
    assert [row.values[title] for row in again.rows] == FORMULAS

    report = import_into(sandbox, agenda, results=tmp_path / "out.csv")
    assert report.exit_code == 0
    with (tmp_path / "out.csv").open(encoding="utf-8-sig", newline="") as handle:
        records = list(csv.DictReader(handle))
    # CSV has no cell types: a leading apostrophe keeps Excel from reading a formula.
    assert [r["Title"] for r in records] == ["'" + t for t in FORMULAS]
    assert [r["Tags"] for r in records] == ["'" + t for t in FORMULAS]
    assert all(r["Status"] == "unchanged" for r in records)
