"""sync/answers.py: page shapes, Retry-After and the address check, without HTTP."""

from __future__ import annotations

import time

import pytest

from importer.errors import UsageError
from importer.sync import answers
from importer.sync.answers import (
    EventInfo,
    check_base_url,
    next_link,
    page_items,
    quota_spent,
    retry_after,
)


@pytest.mark.parametrize(
    "url",
    ["https://api.zuddl.com/", "http://127.0.0.1:8000", "http://localhost:1", "http://[::1]:9"],
)
def test_https_and_this_machine_are_allowed(url: str) -> None:
    assert check_base_url(url) == url.rstrip("/")


def test_plain_http_elsewhere_is_refused() -> None:
    with pytest.raises(UsageError) as caught:
        check_base_url("http://api.zuddl.com")
    assert str(caught.value) == (
        'Refusing to send the API key over plain http to "api.zuddl.com". Use https:// '
        "(plain http is allowed only for this machine, e.g. the sandbox)."
    )


@pytest.mark.parametrize("url", ["api.zuddl.com", "ftp://api.zuddl.com", "https://"])
def test_what_is_not_a_web_address_is_said(url: str) -> None:
    with pytest.raises(UsageError) as caught:
        check_base_url(url)
    assert str(caught.value) == f'"{url}" is not a web address. Use one like https://api.zuddl.com.'


def test_a_look_alike_of_localhost_is_not_loopback() -> None:
    with pytest.raises(UsageError):
        check_base_url("http://localhost.evil.example")


@pytest.mark.parametrize(
    ("data", "items"),
    [
        ({"data": [{"id": 1}, "x", None, {"id": 2}]}, [{"id": 1}, {"id": 2}]),
        ({"data": None}, []),
        ({"data": {"id": 1}}, []),
        ([{"id": 1}], []),
        (None, []),
    ],
)
def test_page_items_keep_only_objects(data: object, items: list[object]) -> None:
    assert page_items(data) == items


@pytest.mark.parametrize(
    ("data", "link"),
    [
        ({"pagination": {"next": "/s?page=2"}}, "/s?page=2"),
        ({"pagination": {"next": "  "}}, None),
        ({"pagination": {"next": 2}}, None),
        ({"pagination": None}, None),
        ({}, None),
        ("text", None),
    ],
)
def test_next_link_is_a_non_blank_text_or_none(data: object, link: str | None) -> None:
    assert next_link(data) == link


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("3", 3.0), (" 2.5 ", 2.5), ("0", 0.1), ("-4", 0.1), (None, 1.0), ("soon", 1.0)],
)
def test_retry_after_in_seconds(header: str | None, seconds: float) -> None:
    assert retry_after(header) == seconds


def test_retry_after_as_an_http_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(answers.time, "time", lambda: 1_780_000_000.0)
    moment = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(1_780_000_090))
    assert retry_after(moment) == 90.0
    past = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(1_779_000_000))
    assert retry_after(past) == 0.1


def test_a_spent_quota_says_how_long_and_until_when(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(answers.time, "time", lambda: 1_780_000_000.0)  # 2026-05-28 20:26:40 UTC
    assert str(quota_spent(6 * 3600)) == (
        "Zuddl's request quota is used up: it asks to wait about 6 hours (until about 02:26 UTC)."
        " Nothing more was sent; run the import again after that."
    )
    assert "about 45 minutes" in str(quota_spent(2700))


@pytest.mark.parametrize(
    ("format_", "virtual"), [("virtual", True), ("HYBRID", False), (None, False)]
)
def test_an_event_is_virtual_by_its_format_in_any_case(format_: str | None, virtual: bool) -> None:
    assert EventInfo("e", "Event", "UTC", format=format_).virtual is virtual
