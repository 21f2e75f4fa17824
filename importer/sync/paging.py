"""Reading a list to its end, whatever the server does with pages.

The page size and the ``next`` links are documented for locations only; a server may cap the
size silently, order items so that pages shift, serve a page twice, or loop. So: follow
``pagination.next`` until it is null or absent, never stop at a short page, stop at a link seen
before, and count items by ID. The HTTP call is passed in (``client.py`` owns httpx).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from importer.errors import ApiError
from importer.sync.answers import next_link, page_items

PAGE_SIZE = 50  # the contract's maximum
MAX_PAGES = 10_000  # a list that never ends is a broken server, not an event
Get = Callable[[str, Mapping[str, Any] | None], Awaitable[Any]]


def same_origin_path(base_url: str, link: str, size: int) -> str:
    """A ``next`` link as a path on the API's own host (it is sent the key), size kept."""
    base = urlsplit(base_url)
    target = urlsplit(urljoin(base_url + "/", link))
    if (target.scheme, target.netloc) != (base.scheme, base.netloc):
        raise ApiError(
            f"Zuddl's list pointed to another address ({target.scheme}://{target.netloc}); "
            "the API key is not sent there."
        )
    query = dict(parse_qsl(target.query))
    query.setdefault("size", str(size))
    return f"{target.path}?{urlencode(query)}"


async def read_all_pages(
    get: Get, path: str, *, base_url: str, expected: int = 0, fan_out: int = 8
) -> list[dict[str, Any]]:
    """Every item of the list at ``path``. Pages are numbered in the sandbox and, by the
    docs' example, in Zuddl: then the pages ``expected`` items need are fetched at once."""
    first = await get(path, {"page": 1, "size": PAGE_SIZE})
    pages, size = [first], len(page_items(first)) or PAGE_SIZE
    link = next_link(first)
    if link and "page=2" in link and expected > size:
        gate = asyncio.Semaphore(fan_out)

        async def page(number: int) -> Any:
            async with gate:
                return await get(path, {"page": number, "size": size})

        more = await asyncio.gather(*(page(n) for n in range(2, -(-expected // size) + 1)))
        pages += more
        link = None if any(not page_items(p) for p in more) else next_link(pages[-1])
    visited: set[str] = set()
    while link and link not in visited and len(pages) < MAX_PAGES:
        visited.add(link)
        data = await get(same_origin_path(base_url, link, size), None)
        if not page_items(data):
            break
        pages.append(data)
        link = next_link(data)
    return unique_items(pages)


def unique_items(pages: list[Any]) -> list[dict[str, Any]]:
    """Items in page order, each ID once (a page served twice, an item that moved pages)."""
    seen: set[str] = set()
    items = []
    for data in pages:
        for item in page_items(data):
            key = str(item.get("id", "")).lower()
            if key and key in seen:
                continue
            seen.add(key)
            items.append(item)
    return items
