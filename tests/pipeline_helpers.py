"""Helpers for pipeline tests: write agenda files, run an import into the test sandbox."""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl

from importer.check.columns import CANONICAL_HEADERS
from importer.run import ImportReport, ImportRequest, run_import
from importer.settings.config import MappingOptions, Secret, Settings
from tests.conftest import SandboxHandle

HEADERS = list(CANONICAL_HEADERS)


def numbered_rows(count: int) -> list[list[Any]]:
    """``count`` standalone sessions S000, S001, ... at the same slot."""
    return [
        [f"S{n:03d}", None, f"Talk {n}", None, "2026-06-10", "9:00", "10:00", None, None, None]
        for n in range(count)
    ]


def write_csv(path: Path, rows: list[list[Any]], headers: list[str] = HEADERS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def write_xlsx(
    path: Path, rows: list[list[Any]], headers: list[str] = HEADERS, title_rows: int = 0
) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Agenda"
    for n in range(title_rows):
        sheet.append(["Conference agenda" if n == 0 else None])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def settings_for(sandbox: SandboxHandle, **overrides: Any) -> Settings:
    mapping = MappingOptions(**overrides.pop("mapping", {}))
    # A lost create is looked up 2 s after it was sent (30 s by default): longer than the
    # late-commit profile's 1.5 s, short enough for a quick suite.
    base = Settings(
        event_id=sandbox.event_id,
        base_url=sandbox.base_url,
        rate_limit=0,
        mapping=mapping,
        lookup_grace_s=2.0,
    )
    return base.with_overrides(**overrides)


def import_into(
    sandbox: SandboxHandle, agenda: Path, *, dry_run: bool = False, **overrides: Any
) -> ImportReport:
    request = ImportRequest(
        agenda, settings_for(sandbox, **overrides), Secret(sandbox.key), dry_run=dry_run
    )
    return run_import(request)


def read_results(path: Path) -> list[dict[str, Any]]:
    book = openpyxl.load_workbook(path)
    sheet = book["Results"]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def by_reference(sandbox: SandboxHandle, event_id: str | None = None) -> dict[str, dict[str, Any]]:
    sessions = sandbox.sessions(event_id or sandbox.event_id)
    refs = [s["referenceId"] for s in sessions]
    assert len(refs) == len(set(refs)), f"duplicate sessions: {refs}"
    return {s["referenceId"]: s for s in sessions}


def one_session_per_row(
    sessions: list[dict[str, Any]], rows: list[list[Any]]
) -> dict[str, dict[str, Any]]:
    """Sessions as the sandbox holds them: exactly one per row (reference in column 0), each
    under the parent its row names (column 1). Returns them by reference."""
    refs = Counter(s["referenceId"] for s in sessions)
    assert [r for r, n in refs.items() if n > 1] == [], "duplicates"
    assert set(refs) == {row[0] for row in rows}, "missing or extra sessions"
    by_ref = {s["referenceId"]: s for s in sessions}
    for ref, parent, *_ in rows:
        expected = by_ref[parent]["id"] if parent else None
        assert by_ref[ref]["parentSessionId"] == expected, ref
    return by_ref


def load_agenda_error(path: Path, sheet: str | None = None) -> str:
    """The message the CLI gives for a file it cannot read as an agenda."""
    from importer.errors import ImporterError
    from importer.read.agenda import load_agenda

    try:
        load_agenda(path, Settings(sheet=sheet))
    except ImporterError as exc:
        return exc.message
    raise AssertionError(f"{path.name} was read as an agenda")


def run_command(agenda: Path, base_url: str, *flags: str) -> list[str]:
    """``zuddl-import run`` of ``agenda`` into the demo event of a sandbox, no client pacing."""
    from importer.sandbox import DEMO_EVENT_ID

    return [
        sys.executable,
        "-m",
        "importer",
        "run",
        str(agenda),
        "--event",
        DEMO_EVENT_ID,
        "--base-url",
        base_url,
        "--rate-limit",
        "0",
        "--lookup-grace",
        "2",
        *flags,
    ]
