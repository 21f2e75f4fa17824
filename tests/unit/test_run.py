"""run_import as a library call, the whole import in-process through the transport seam."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from importer.errors import UsageError
from importer.plan.status import Status
from importer.run import ImportRequest, run_import
from importer.sandbox import DEMO_EVENT_ID, SandboxApp
from importer.settings.config import Settings
from tests.pipeline_helpers import write_csv
from tests.unit.sandbox_app import KEY, base_url, sandbox_app, stored, transport

ROWS = [
    ["DAY1", None, "Day one", None, "2026-06-10", "9:00", "17:00", None, None, None],
    ["K1", "DAY1", "Keynote", "Opening", "2026-06-10", "9:30", "10:15", None, None, None],
]


def _request(app: SandboxApp, agenda: Path, **changes: Any) -> ImportRequest:
    settings = Settings(event_id=DEMO_EVENT_ID, base_url=base_url(), rate_limit=0)
    settings = settings.with_overrides(timezone="Europe/Berlin")
    return ImportRequest(agenda, settings, KEY, transport=transport(app), **changes)


def test_run_import_through_an_asgi_transport_creates_the_sessions_in_the_sandbox(
    tmp_path: Path,
) -> None:
    app = sandbox_app()
    agenda = write_csv(tmp_path / "agenda.csv", ROWS)

    report = run_import(_request(app, agenda))

    assert report.counts == {Status.CREATED: 2}
    held = {s["referenceId"]: s for s in stored(app)}
    assert set(held) == {"DAY1", "K1"}
    assert held["K1"]["parentSessionId"] == held["DAY1"]["id"].lower()
    assert held["K1"]["startDateTime"] == "2026-06-10T07:30:00Z"  # 9:30 in Berlin, in UTC
    assert held["K1"]["description"] == "Opening"
    assert (tmp_path / "agenda.results.xlsx").exists()


def test_a_second_run_through_the_transport_sends_no_duplicate(tmp_path: Path) -> None:
    app = sandbox_app()
    agenda = write_csv(tmp_path / "agenda.csv", ROWS)
    run_import(_request(app, agenda))

    again = run_import(_request(app, agenda))

    assert again.counts == {Status.UNCHANGED: 2}
    assert len(stored(app)) == 2


def test_a_dry_run_through_the_transport_reads_the_event_and_writes_nothing(
    tmp_path: Path,
) -> None:
    app = sandbox_app()
    agenda = write_csv(tmp_path / "agenda.csv", ROWS)

    report = run_import(_request(app, agenda, dry_run=True, write_results=False))

    assert report.counts == {Status.PLANNED: 2}
    assert report.api_calls > 0  # the event was read through the transport
    assert stored(app) == []


def test_a_wrong_event_id_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    settings = Settings(event_id="not-an-id", base_url=base_url())
    request = ImportRequest(
        tmp_path / "missing.csv",
        settings,
        KEY,
        transport=httpx.MockTransport(lambda _: pytest.fail("no request may go out")),
    )

    with pytest.raises(UsageError) as caught:
        run_import(request)

    assert caught.value.message == (
        '"not-an-id" is not an event ID. An event ID looks like '
        "5a2db0c5-de30-4e7e-8a1d-000000000001: copy it from Zuddl."
    )


def test_the_child_of_an_invalid_row_names_that_row_whatever_unicode_form_its_reference_has(
    tmp_path: Path,
) -> None:
    # The parent's reference in decomposed form (as macOS may save it): the run must read it
    # with the mapper's cleaning rules, or the child would look for a parent that is missing.
    ref = "Cafe\u0301"
    rows = [
        [ref, None, "Day one", None, "2026-06-10", "9:00", "never", None, None, None],
        ["K1", ref, "Keynote", None, "2026-06-10", "9:30", "10:15", None, None, None],
    ]
    app = sandbox_app()
    agenda = write_csv(tmp_path / "agenda.csv", rows)

    report = run_import(_request(app, agenda, dry_run=True, write_results=False))

    assert report.plan.skipped == {
        3: "Not sent: its parent (row 2) has a problem. Fix that row first."
    }
    assert report.plan.invalid_rows == {2}
    assert stored(app) == []
