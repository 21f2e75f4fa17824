"""sync/paging.py: a list read to its end, whatever the server does with its pages."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import pytest

from importer.errors import ApiError
from importer.sync.paging import PAGE_SIZE, read_all_pages, same_origin_path, unique_items

BASE = "https://api.example.com"


class Server:
    """Answers by path (or by page number for the first call); records every request."""

    def __init__(self, answers: Mapping[str, Any]) -> None:
        self.answers = answers
        self.calls: list[tuple[str, Mapping[str, Any] | None]] = []

    async def get(self, path: str, params: Mapping[str, Any] | None) -> Any:
        self.calls.append((path, params))
        key = f"{path}#{params['page']}" if params and "page" in params else path
        return self.answers[key]


def page(ids: list[str], next_: str | None = None) -> dict[str, Any]:
    return {"data": [{"id": i} for i in ids], "pagination": {"next": next_}}


def read(server: Server, **options: Any) -> list[str]:
    items = asyncio.run(read_all_pages(server.get, "/s", base_url=BASE, **options))
    return [i["id"] for i in items]


def test_next_links_are_followed_past_a_short_page_until_null() -> None:
    server = Server(
        {
            "/s#1": page(["a"], "/s?cursor=2"),
            "/s?cursor=2&size=1": page(["b"], f"{BASE}/s?cursor=3"),
            "/s?cursor=3&size=1": page(["c"]),
        }
    )
    assert read(server) == ["a", "b", "c"]
    assert server.calls[0] == ("/s", {"page": 1, "size": PAGE_SIZE})


def test_a_repeated_next_link_stops_the_reading() -> None:
    server = Server(
        {
            "/s#1": page(["a"], "/s?cursor=2"),
            "/s?cursor=2&size=1": page(["b"], "/s?cursor=2"),
        }
    )
    assert read(server) == ["a", "b"]
    assert len(server.calls) == 2


def test_an_empty_page_ends_the_list() -> None:
    server = Server({"/s#1": page(["a"], "/s?cursor=2"), "/s?cursor=2&size=1": page([], "/s?x=9")})
    assert read(server) == ["a"]
    assert len(server.calls) == 2


def test_a_link_to_a_foreign_host_is_not_followed() -> None:
    server = Server({"/s#1": page(["a"], "https://evil.example.net/s?page=2")})
    with pytest.raises(ApiError) as caught:
        read(server)
    assert str(caught.value) == (
        "Zuddl's list pointed to another address (https://evil.example.net); "
        "the API key is not sent there."
    )
    assert len(server.calls) == 1


@pytest.mark.parametrize("link", ["http://api.example.com/s", "https://api.example.com:8443/s"])
def test_another_scheme_or_port_is_another_host(link: str) -> None:
    with pytest.raises(ApiError):
        same_origin_path(BASE, link, 50)


def test_a_relative_link_keeps_its_query_and_gets_the_size() -> None:
    assert same_origin_path(BASE, "/s?page=2", 10) == "/s?page=2&size=10"
    assert same_origin_path(BASE, "/s?page=2&size=7", 10) == "/s?page=2&size=7"


def test_numbered_pages_are_fetched_at_once_when_the_count_is_known() -> None:
    server = Server(
        {
            "/s#1": page(["a", "b"], "/s?page=2&size=2"),
            "/s#2": page(["c", "d"], "/s?page=3&size=2"),
            "/s#3": page(["e"]),
        }
    )
    assert read(server, expected=5) == ["a", "b", "c", "d", "e"]
    assert sorted(p["page"] for _, p in server.calls if p) == [1, 2, 3]
    assert all(p is not None for _, p in server.calls)  # no link followed after the last page


def test_an_item_served_twice_is_counted_once_in_any_case() -> None:
    pages = [page(["A1", "b2"]), page(["a1", "c3"]), {"data": [{"title": "no id"}, "junk"]}]
    assert unique_items(pages) == [{"id": "A1"}, {"id": "b2"}, {"id": "c3"}, {"title": "no id"}]
