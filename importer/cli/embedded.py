"""``--sandbox`` of ``run``, ``plan`` and ``validate``: a local Zuddl in this process.

The same embedded emulator for the three commands, so what ``plan --sandbox`` shows is what
``run --sandbox`` does. Kept out of cli.py, which only parses flags.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

import click

from importer.sandbox import DEMO_API_KEY, DEMO_EVENT_ID, SandboxSettings, demo_event, run_sandbox
from importer.sandbox.settings import Faults
from importer.settings.config import Secret, Settings


@contextlib.contextmanager
def embedded_sandbox(settings: Settings, doing: str) -> Iterator[tuple[Settings, Secret]]:
    """--sandbox: a local emulator of Zuddl in this process, with its demo event."""
    event_id = settings.event_id or DEMO_EVENT_ID
    served = SandboxSettings(
        events=(demo_event(event_id, settings.mapping.timezone or "UTC"),),
        faults=Faults(rate_limit=settings.rate_limit),
    )
    # The embedded sandbox is this process's own: its lock need not be seen by others.
    with run_sandbox(served) as running, tempfile.TemporaryDirectory() as private:
        click.echo(
            f"Sandbox: {doing} a local emulator of Zuddl at {running.base_url} (event {event_id})."
        )
        local = settings.with_overrides(
            base_url=running.base_url, event_id=event_id, lock_dir=Path(private)
        )
        yield local, Secret(DEMO_API_KEY)
