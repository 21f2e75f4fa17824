"""A local emulator of Zuddl's sessions API, for tests, benchmarks and no-account demos.

It follows ``shared/zuddl-api.md`` with its own request schemas and never imports the
importer's models, so that a client bug cannot be mirrored by a server that agrees with it.
"""

from importer.sandbox.app import ConnectionDropped, SandboxApp, create_app
from importer.sandbox.server import RunningSandbox, run_sandbox, serve
from importer.sandbox.settings import (
    DEMO_API_KEY,
    DEMO_EVENT_ID,
    DEMO_LOCATIONS,
    Event,
    Faults,
    Location,
    SandboxSettings,
    demo_event,
)

__all__ = [
    "DEMO_API_KEY",
    "DEMO_EVENT_ID",
    "DEMO_LOCATIONS",
    "ConnectionDropped",
    "Event",
    "Faults",
    "Location",
    "RunningSandbox",
    "SandboxApp",
    "SandboxSettings",
    "create_app",
    "demo_event",
    "run_sandbox",
    "serve",
]
