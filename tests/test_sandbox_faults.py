"""Limits and injected faults of the sandbox, seen from a plain HTTP client."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest

from importer.sandbox import ConnectionDropped, Faults, SandboxSettings, create_app, run_sandbox
from tests.conftest import SandboxHandle

EVENT = "5a2db0c5-de30-4e7e-8a1d-000000000001"
SESSIONS = f"/v1/events/{EVENT}/sessions"


def body(ref: str = "R1", **extra: Any) -> dict[str, Any]:
    return {
        "title": f"Session {ref}",
        "startDateTime": "2026-03-14T09:00:00Z",
        "endDateTime": "2026-03-14T09:45:00Z",
        "externalRefId": ref,
        **extra,
    }


def test_commit_then_drop_commits_while_the_client_sees_a_connection_error(
    sandbox: SandboxHandle,
) -> None:
    sandbox.faults(drop_rate=1.0)
    with sandbox.client() as c, pytest.raises(httpx.RemoteProtocolError):
        c.post(SESSIONS, json=body("DROP-1"))
    assert [s["referenceId"] for s in sandbox.sessions()] == ["DROP-1"]
    stats = sandbox.stats()
    assert stats["creates_committed"] == 1
    assert stats["dropped"] == 1
    assert stats["requests"] == {"POST dropped": 1}


def test_injected_server_errors_commit_nothing(sandbox: SandboxHandle) -> None:
    sandbox.faults(error_rate=1.0)
    with sandbox.client() as c:
        statuses = {c.post(SESSIONS, json=body(f"E{n}")).status_code for n in range(30)}
    assert statuses == {500, 502, 503}
    assert sandbox.sessions() == []
    assert sandbox.stats()["injected_errors"] == 30


def test_throttled_requests_get_429_and_commit_nothing(sandbox: SandboxHandle) -> None:
    sandbox.faults(throttle_rate=1.0)
    with sandbox.client() as c:
        response = c.post(SESSIONS, json=body("T-1"))
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "1"
    assert response.json()["description"] == "Throttled."
    assert sandbox.sessions() == []
    assert sandbox.stats()["rate_limited"] == 1


def test_slow_answer_exceeds_client_timeout_but_the_work_is_done(sandbox: SandboxHandle) -> None:
    sandbox.faults(slow_rate=1.0, slow_ms=5000)
    with sandbox.client(timeout=0.3) as c, pytest.raises(httpx.ReadTimeout):
        c.post(SESSIONS, json=body("SLOW-1"))
    assert [s["referenceId"] for s in sandbox.sessions()] == ["SLOW-1"]
    assert sandbox.stats()["slow"] == 1


def test_latency_is_added_to_every_answer(sandbox: SandboxHandle) -> None:
    sandbox.faults(latency_ms=150, jitter_ms=50)
    with sandbox.client() as c:
        started = time.perf_counter()
        for _ in range(3):
            assert c.get(SESSIONS).status_code == 200
        elapsed = time.perf_counter() - started
    assert elapsed >= 0.45  # a lower bound only: the sandbox must not answer faster than told


def test_rate_limiter_answers_429_with_retry_after_under_a_burst(sandbox: SandboxHandle) -> None:
    sandbox.faults(rate_limit=2)
    with sandbox.client() as c:
        responses = [c.get(SESSIONS) for _ in range(12)]
    limited = [r for r in responses if r.status_code == 429]
    assert responses[0].status_code == 200
    # The bucket holds 2 and refills 2/s: even a burst slowed to 1.5 s by a busy machine
    # fits at most 5 of the 12.
    assert len(limited) >= 7
    for response in limited:
        assert int(response.headers["Retry-After"]) >= 1
        assert response.json()["description"] == "Rate limit exceeded."
    stats = sandbox.stats()
    assert stats["rate_limited"] == len(limited)
    assert stats["requests"]["GET 429"] == len(limited)


def test_rate_limit_refills_after_retry_after(sandbox: SandboxHandle) -> None:
    sandbox.faults(rate_limit=2)
    with sandbox.client() as c:
        statuses = [c.get(SESSIONS).status_code for _ in range(3)]
        assert statuses[-1] == 429
        time.sleep(1.0)
        assert c.get(SESSIONS).status_code == 200


def test_rate_limit_is_per_key(sandbox: SandboxHandle) -> None:
    sandbox.faults(rate_limit=1)
    with sandbox.client() as writer, sandbox.client(key="read-only-secret") as reader:
        assert writer.get(SESSIONS).status_code == 200
        assert writer.get(SESSIONS).status_code == 429
        assert reader.get(SESSIONS).status_code == 200


def test_daily_quota_answers_429(sandbox: SandboxHandle) -> None:
    sandbox.faults(daily_quota=3)
    with sandbox.client() as c:
        statuses = [c.get(SESSIONS).status_code for _ in range(4)]
        last = c.get(SESSIONS)
    assert statuses == [200, 200, 200, 429]
    assert last.json()["description"] == "The daily request quota is used up."
    assert 1 <= int(last.headers["Retry-After"]) <= 86_400


def test_concurrency_cap_answers_429_and_peak_is_tracked(sandbox: SandboxHandle) -> None:
    sandbox.faults(max_concurrent=2, latency_ms=1000)  # held long enough on a busy machine

    async def burst() -> list[int]:
        headers = {"Authorization": sandbox.key}
        async with httpx.AsyncClient(base_url=sandbox.base_url, headers=headers) as c:
            responses = await asyncio.gather(*(c.get(SESSIONS) for _ in range(6)))
        return [r.status_code for r in responses]

    statuses = asyncio.run(burst())
    assert statuses.count(200) == 2
    assert statuses.count(429) == 4
    assert sandbox.stats()["peak_concurrency"] == 2


def test_same_seed_same_faults(sandbox: SandboxHandle) -> None:
    def run() -> list[int]:
        sandbox.reset()
        sandbox.faults(error_rate=0.5, seed=1234)
        with sandbox.client() as c:
            return [c.get(SESSIONS).status_code for _ in range(40)]

    first, second = run(), run()
    assert first == second
    assert 5 < sum(s != 200 for s in first) < 35


def test_fault_settings_are_validated(sandbox: SandboxHandle) -> None:
    cases = {
        "nonsense": {"explode": 1},
        "rate above one": {"error_rate": 1.5},
        "negative": {"latency_ms": -1},
        "text": {"drop_rate": "high"},
    }
    for payload in cases.values():
        response = sandbox.admin.post("/_sandbox/faults", json=payload)
        assert response.status_code == 400, payload
    assert sandbox.admin.post("/_sandbox/faults", json={"explode": 1}).json()["errors"] == {
        "faults": "unknown setting 'explode'; known: daily_quota, drop_rate, error_rate, "
        "jitter_ms, latency_ms, max_concurrent, profile, rate_limit, seed, slow_ms, slow_rate, "
        "throttle_rate"
    }
    current = sandbox.admin.get("/_sandbox/faults").json()
    assert current["error_rate"] == 0 and current["rate_limit"] == 0


def test_reset_forgets_sessions_and_counters(sandbox: SandboxHandle) -> None:
    with sandbox.client() as c:
        c.post(SESSIONS, json=body())
    assert sandbox.stats()["creates_committed"] == 1
    sandbox.admin.post("/_sandbox/reset")
    assert sandbox.sessions() == []
    assert sandbox.stats()["requests"] == {}


# --- in process and on disk --------------------------------------------------------------------


def test_in_process_transport_serves_the_same_contract() -> None:
    app = create_app(SandboxSettings(faults=Faults(rate_limit=0)))

    async def scenario() -> tuple[int, int]:
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": "sandbox-secret"}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://sandbox", headers=headers
        ) as c:
            created = await c.post(SESSIONS, json=body())
            unauthorised = await c.get(SESSIONS, headers={"Authorization": "nope"})
        return created.status_code, unauthorised.status_code

    assert asyncio.run(scenario()) == (201, 401)
    assert len(app.state.store.all(EVENT)) == 1


def test_in_process_drop_raises_connection_dropped_after_commit() -> None:
    app = create_app(SandboxSettings(faults=Faults(rate_limit=0, drop_rate=1.0)))

    async def scenario() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as c:
            await c.post(SESSIONS, json=body(), headers={"Authorization": "sandbox-secret"})

    with pytest.raises(ConnectionDropped):
        asyncio.run(scenario())
    assert [r["referenceId"] for r in app.state.store.all(EVENT)] == ["R1"]


def test_inspection_is_refused_to_non_loopback_clients() -> None:
    app = create_app()

    async def scenario() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, client=("192.0.2.10", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as c:
            return await c.get("/_sandbox/stats")

    response = asyncio.run(scenario())
    assert response.status_code == 403
    assert response.json()["errors"] == {"client": "inspection is only served to loopback"}


def test_sqlite_db_keeps_sessions_across_restarts(tmp_path: Any) -> None:
    db = tmp_path / "sandbox.db"
    settings = SandboxSettings(db_path=db, faults=Faults(rate_limit=0))
    with (
        run_sandbox(settings) as first,
        httpx.Client(base_url=first.base_url, headers={"Authorization": "sandbox-secret"}) as c,
    ):
        parent = c.post(SESSIONS, json=body("P")).json()
        c.post(SESSIONS, json=body("C", parentSessionId=parent["id"]))
        c.put(f"{SESSIONS}/{parent['id']}", json=body("P", title="Renamed"))
    with (
        run_sandbox(settings) as second,
        httpx.Client(base_url=second.base_url, headers={"Authorization": "sandbox-secret"}) as c,
    ):
        listed = c.get(SESSIONS).json()["data"]
        third = c.post(SESSIONS, json=body("D")).json()
    assert [(s["externalRefId"], s["title"]) for s in listed] == [
        ("P", "Renamed"),
        ("C", "Session C"),
    ]
    assert listed[1]["parentSessionId"] == parent["id"]
    assert third["id"] not in {s["id"] for s in listed}
