"""Request starts spaced evenly at a rate, on a schedule rather than after each wake-up.

A limiter that sleeps "one interval after the last start" loses whatever each late wake-up
costs (a busy event loop, a slow machine): at 10 requests/s it settles near 9.6. Slots here
follow the schedule, so a late start is made up by the next, and the average is the rate; a
slot is never banked while idle, so no burst follows a pause. Any catch-up stays within one
quarter of a second's worth of requests, which a server's token bucket of that rate absorbs.
"""

from __future__ import annotations

import asyncio
import time

CATCH_UP_S = 0.25  # lateness made up by starting sooner: 2.5 requests at 10/s, no more


class Pacer:
    def __init__(self, rate: float) -> None:
        self.interval = 1 / rate
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            now = time.monotonic()
            slot = max(self._next, now - CATCH_UP_S)
            self._next = slot + self.interval
        delay = slot - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
