"""Import a fixture of tests/fixtures/layouts into the sandbox; read back what it holds."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

from importer.run import ImportReport, ImportRequest, run_import
from importer.settings.config import Secret, Settings, load_settings
from tests.conftest import SandboxHandle

LAYOUTS = Path(__file__).resolve().parent / "fixtures" / "layouts"


def run_layout(
    sandbox: SandboxHandle,
    tmp_path: Path,
    name: str,
    config: str | None = None,
    **overrides: Any,
) -> ImportReport:
    """The fixture copied to tmp_path (results land beside it), imported with its config."""
    agenda = tmp_path / name
    shutil.copy(LAYOUTS / name, agenda)
    settings = load_settings(LAYOUTS / config) if config else Settings()
    mapping = overrides.pop("mapping", {})
    settings = replace(settings, mapping=replace(settings.mapping, **mapping))
    settings = settings.with_overrides(
        base_url=sandbox.base_url,
        event_id=sandbox.event_id,
        rate_limit=0,
        results=tmp_path / "out.xlsx",
        **overrides,
    )
    return run_import(ImportRequest(agenda, settings, Secret(sandbox.key)))


def spans(sandbox: SandboxHandle) -> dict[str, tuple[str, str]]:
    """Title -> (start, end) in UTC, as the sandbox holds them; titles must be unique."""
    sessions = sandbox.sessions()
    result = {s["title"]: (s["startDateTime"], s["endDateTime"]) for s in sessions}
    assert len(result) == len(sessions), "two sessions share a title"
    return result


def warnings_of(report: ImportReport) -> list[str]:
    return [p.text() for p in report.mapped.problems if p.severity == "warning"]
