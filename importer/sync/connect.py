"""First contact for a front end that connects before it imports (the page): the event's
name and zone, read with a short retry so a wrong address or key is said quickly."""

from __future__ import annotations

import asyncio

from importer.settings.config import Secret
from importer.sync.answers import EventInfo
from importer.sync.client import RetryPolicy, Transport, ZuddlClient


def event_info(
    base_url: str, event_id: str, key: Secret, *, transport: Transport | None = None
) -> EventInfo:
    """GET the event once (retried twice, 15 s at most); an ``ImporterError`` says why not."""

    async def read() -> EventInfo:
        retry = RetryPolicy(2, 15.0)
        async with ZuddlClient(
            base_url, key, timeout_s=10.0, retry=retry, transport=transport
        ) as client:
            return await client.get_event(event_id)

    return asyncio.run(read())
