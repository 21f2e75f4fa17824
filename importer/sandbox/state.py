"""What one sandbox holds at run time (sessions, limits, counters, keys), and the contract's
error body: shared by the gate (app.py) and the endpoints (endpoints.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from starlette.responses import JSONResponse

from importer.sandbox.limits import SandboxLimits, Stats
from importer.sandbox.profiles import Profile, profile
from importer.sandbox.settings import SandboxSettings
from importer.sandbox.store import Store


class SandboxState:
    def __init__(self, settings: SandboxSettings) -> None:
        self.settings = settings
        self.store = Store(settings.events, settings.db_path)
        self.limits = SandboxLimits(settings.faults)
        self.stats = Stats()
        self.keys = {key: True for key in settings.api_keys}
        self.keys.update({key: False for key in settings.read_only_keys})
        self.creates_received = 0  # the profiles' "every Nth create" count
        self.late: set[asyncio.TimerHandle] = set()  # commits still to come (late-commit)

    @property
    def profile(self) -> Profile:
        return profile(self.limits.faults.profile)

    def reset(self) -> None:
        for handle in self.late:
            handle.cancel()
        self.late.clear()
        self.creates_received = 0
        self.store.reset()
        self.stats.reset()
        self.limits.reset()


def problem(
    status: int,
    message: str,
    description: str,
    errors: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = {
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "message": message,
        "description": description,
        "errors": errors or {},
    }
    return JSONResponse(body, status_code=status, headers=headers)
