"""sync/pacing.py on a fake clock: starts follow the schedule, never faster than the rate
allows, and a late wake-up is made up without a burst. Nothing sleeps on wall time."""

from __future__ import annotations

import asyncio
import itertools
from types import SimpleNamespace

import pytest

from importer.sandbox import limits
from importer.sync import pacing
from importer.sync.pacing import CATCH_UP_S, Pacer

RATE = 10.0


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.late = 0.0  # how long each sleep oversleeps: a busy event loop
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        self.slept.append(delay)
        self.now += delay + self.late


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(pacing, "time", fake)
    monkeypatch.setattr(pacing, "asyncio", SimpleNamespace(Lock=asyncio.Lock, sleep=fake.sleep))
    monkeypatch.setattr(limits, "time", fake)  # the sandbox's token bucket on the same clock
    return fake


def starts(clock: Clock, count: int, pause_after: int | None = None) -> tuple[list[float], int]:
    """When each of ``count`` requests starts, and how many a server's bucket refused."""
    pacer, bucket = Pacer(RATE), limits.TokenBucket(RATE)
    moments, refused = [], 0

    async def go() -> None:
        nonlocal refused
        for n in range(count):
            if n == pause_after:
                clock.now += 5.0
            await pacer.wait()
            moments.append(clock.now)
            refused += bucket.take() > 0

    asyncio.run(go())
    return moments, refused


def most_in_a_second(moments: list[float]) -> int:
    return max(sum(1 for m in moments if s <= m < s + 1.0 - 1e-9) for s in moments)


def test_on_time_starts_keep_the_rate_and_the_server_refuses_none(clock: Clock) -> None:
    moments, refused = starts(clock, 60)
    assert refused == 0
    # Never faster than the rate plus the quarter second of catch-up it allows.
    assert most_in_a_second(moments) <= RATE * (1 + CATCH_UP_S) + 1
    gaps = [b - a for a, b in itertools.pairwise(moments[3:])]
    assert min(gaps) == pytest.approx(1 / RATE)
    assert max(gaps) == pytest.approx(1 / RATE)


def test_late_wake_ups_are_made_up_so_the_average_is_the_rate(clock: Clock) -> None:
    clock.late = 0.03
    moments, refused = starts(clock, 100)
    assert refused == 0
    # A limiter that spaced from each wake-up would need 99 * 0.13 s; the schedule keeps 0.1.
    assert moments[-1] - moments[0] <= 99 / RATE
    assert most_in_a_second(moments) <= RATE * (1 + CATCH_UP_S) + 1


def test_no_burst_follows_a_pause(clock: Clock) -> None:
    moments, refused = starts(clock, 40, pause_after=20)
    assert refused == 0
    after = [m for m in moments if m >= moments[20]]
    # Idle time is not banked: at most the catch-up's worth start at once after the pause.
    assert sum(1 for m in after if m == moments[20]) <= int(RATE * CATCH_UP_S) + 1
    assert most_in_a_second(after) <= RATE * (1 + CATCH_UP_S) + 1


def test_a_punctual_pacer_sleeps_only_for_its_slot(clock: Clock) -> None:
    starts(clock, 10)
    assert all(0 < d <= 1 / RATE + 1e-9 for d in clock.slept)
