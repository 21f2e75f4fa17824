"""sync/sending.py against the sandbox app: held back or dispatched, then the duplicate check."""

from __future__ import annotations

import asyncio
from typing import Any

from importer.check.columns import ColumnMap
from importer.errors import SafetyStop
from importer.plan.build import Plan, build_plan
from importer.plan.outcomes import before_sending, row_warnings
from importer.plan.status import Outcome, Status
from importer.sandbox import DEMO_EVENT_ID, SandboxApp
from importer.settings.config import Settings
from importer.sync.client import ZuddlClient
from importer.sync.dispatch import Verification
from importer.sync.event import read_event
from importer.sync.sending import Sending, duplicates
from tests.unit.sandbox_app import KEY, base_url, sandbox_app, stored, transport
from tests.unit.tables import mapped, session, table

GOOD = [session("K1", "Keynote"), session("K2", "Talk", "10:00", "11:00")]
BAD = [*GOOD, session("K3", None)]  # row 4: no title


def send(
    app: SandboxApp, rows: list[list[Any]], **settings: Any
) -> tuple[Sending, dict[int, Outcome], Plan]:
    config = Settings(event_id=DEMO_EVENT_ID, **settings)
    sheet, m = table(rows), mapped(rows)
    plan = build_plan(m, invalid_refs=m.invalid_refs)
    warnings = row_warnings(plan)
    outcomes = before_sending(sheet, plan, warnings, dry_run=False)
    sending = Sending(config, sheet, plan, warnings, outcomes, verification=Verification(grace_s=0))

    async def go() -> None:
        async with ZuddlClient(base_url(), KEY, rate_limit=0, transport=transport(app)) as client:
            columns = ColumnMap(m.columns.fields, m.columns.headers, ())
            state = await read_event(client, config, sheet, columns, {})
            await sending.send(client, state, None)

    asyncio.run(go())
    return sending, outcomes, plan


def test_a_sheet_with_problems_sends_nothing() -> None:
    app = sandbox_app()
    sending, outcomes, _ = send(app, BAD)
    assert stored(app) == []
    assert sending.stopped is None and not sending.created_any
    assert [o.status for o in outcomes.values()] == [Status.SKIPPED, Status.SKIPPED, Status.INVALID]
    assert outcomes[2].message == (
        "Nothing was sent because 1 row has problems. Fix them, or run with --skip-invalid."
    )


def test_skip_invalid_sends_the_valid_rows() -> None:
    app = sandbox_app()
    sending, outcomes, _ = send(app, BAD, skip_invalid=True)
    assert sorted(s["referenceId"] for s in stored(app)) == ["K1", "K2"]
    assert sending.created_any
    assert [o.status for o in outcomes.values()] == [Status.CREATED, Status.CREATED, Status.INVALID]
    assert {o.session_id for o in outcomes.values() if o.session_id} == {
        s["id"] for s in stored(app)
    }


def test_the_safety_limit_stops_before_anything_is_sent() -> None:
    app = sandbox_app()
    sending, outcomes, _ = send(app, GOOD, max_changes="1")
    assert stored(app) == []
    assert isinstance(sending.stopped, SafetyStop)
    assert sending.stopped.message == (
        "The plan makes 2 changes (2 creates, 0 updates), more than --max-changes 1 allows (1). "
        "Nothing was sent. Check the sheet, then raise the limit if the changes are intended."
    )
    assert {o.message for o in outcomes.values()} == {
        "Not sent: the safety limit (--max-changes) stopped the run."
    }


def test_a_percentage_limit_counts_the_sheets_rows() -> None:
    app = sandbox_app()
    sending, _, _ = send(app, GOOD, max_changes="100%")
    assert sending.stopped is None
    assert len(stored(app)) == 2


def test_a_rows_warning_stays_on_it_after_sending() -> None:
    app = sandbox_app()
    _, outcomes, plan = send(app, [session(None, "No reference")])
    assert outcomes[2].status is Status.CREATED
    assert outcomes[2].message.endswith(row_warnings(plan)[2])
    assert stored(app)[0]["referenceId"] == plan.references[2]


def test_a_reference_zuddl_holds_twice_is_failed_on_its_row() -> None:
    app = sandbox_app()
    _, outcomes, plan = send(app, GOOD)
    config = Settings(event_id=DEMO_EVENT_ID)

    async def twice_then_check() -> list[str]:
        async with ZuddlClient(base_url(), KEY, rate_limit=0, transport=transport(app)) as client:
            body = {
                "title": "Keynote",
                "startDateTime": "2026-06-10T09:00:00Z",
                "endDateTime": "2026-06-10T10:00:00Z",
                "externalRefId": "K1",
            }
            await client.create_session(DEMO_EVENT_ID, body)
            return await duplicates(client, config, plan, outcomes)

    notes = asyncio.run(twice_then_check())
    ids = [s["id"] for s in stored(app) if s["referenceId"] == "K1"]
    text = (
        f'Zuddl now holds 2 sessions with reference ID "K1" ({", ".join(ids)}): keep one and '
        "delete the others in Zuddl."
    )
    assert notes == [f"Row 2: {text}"]
    assert outcomes[2].status is Status.FAILED
    assert outcomes[2].message.endswith(text)
    assert outcomes[3].status is Status.CREATED
