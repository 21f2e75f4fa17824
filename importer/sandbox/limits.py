"""Rate limit, quota, concurrency cap, seeded faults and counters of the sandbox."""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from importer.sandbox.settings import Faults


class TokenBucket:
    """``rate`` tokens a second, bursts up to one second's worth (at least one request)."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.capacity = max(1.0, rate)
        self.tokens = self.capacity
        self.updated = time.monotonic()

    def take(self) -> float:
        """0 when a token was taken, else the seconds until one is due."""
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


def retry_after_seconds(wait: float) -> int:
    # Retry-After carries whole seconds; rounding down would invite an immediate second 429.
    return max(1, math.ceil(wait))


@dataclass(frozen=True)
class Verdict:
    """What the seeded dice said for one request."""

    error_status: int | None
    throttle: bool
    drop: bool
    slow: bool
    latency_s: float


class SandboxLimits:
    """Per-key rate limit and daily quota, and the seeded dice of injected faults."""

    def __init__(self, faults: Faults) -> None:
        self.faults = faults
        self._rng = random.Random(faults.seed)
        self._buckets: dict[str, TokenBucket] = {}
        self._quota: Counter[tuple[str, str]] = Counter()

    def configure(self, faults: Faults) -> None:
        reseed = faults.seed != self.faults.seed
        if faults.rate_limit != self.faults.rate_limit:
            self._buckets.clear()
        self.faults = faults
        if reseed:
            self._rng = random.Random(faults.seed)

    def reset(self) -> None:
        self._buckets.clear()
        self._quota.clear()
        self._rng = random.Random(self.faults.seed)

    def quota_wait(self, key: str) -> int | None:
        """None when the key may make another call today, else seconds to UTC midnight."""
        now = datetime.now(UTC)
        day = now.date().isoformat()
        if self._quota[(key, day)] >= self.faults.daily_quota:
            midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC)
            return retry_after_seconds((midnight - now).total_seconds())
        self._quota[(key, day)] += 1
        return None

    def rate_wait(self, key: str) -> float:
        if self.faults.rate_limit <= 0:
            return 0.0
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = TokenBucket(self.faults.rate_limit)
        return bucket.take()

    def roll(self) -> Verdict:
        # Always draw the same count of numbers so one request's dice never shift the next's.
        f, rng = self.faults, self._rng
        u_error, u_kind, u_drop, u_slow, u_jitter, u_throttle = (rng.random() for _ in range(6))
        status = (500, 502, 503)[int(u_kind * 3)] if u_error < f.error_rate else None
        return Verdict(
            error_status=status,
            throttle=status is None and u_throttle < f.throttle_rate,
            drop=status is None and u_drop < f.drop_rate,
            slow=status is None and u_slow < f.slow_rate,
            latency_s=(f.latency_ms + u_jitter * f.jitter_ms) / 1000,
        )


class Stats:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.requests: Counter[str] = Counter()
        self.rate_limited = 0
        self.in_flight = 0
        self.peak_concurrency = 0
        self.creates_committed = 0
        self.updates_committed = 0
        self.injected_errors = 0
        self.dropped = 0
        self.slow = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "requests": dict(self.requests),
            "total_requests": sum(self.requests.values()),
            "rate_limited": self.rate_limited,
            "in_flight": self.in_flight,
            "peak_concurrency": self.peak_concurrency,
            "creates_committed": self.creates_committed,
            "updates_committed": self.updates_committed,
            "injected_errors": self.injected_errors,
            "dropped": self.dropped,
            "slow": self.slow,
        }
