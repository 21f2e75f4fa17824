"""What the API's answers mean, without HTTP: the results the client hands up, page
shapes, Retry-After, and the checks and words that need no connection.

Kept apart from ``client.py`` (the only httpx user) so that the layers above read these types
without importing the transport.
"""

from __future__ import annotations

import email.utils
import ipaddress
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from importer.errors import ApiError, UsageError


@dataclass(frozen=True)
class EventInfo:
    id: str
    name: str
    timezone: str | None  # as Zuddl writes it: an IANA name, or text like "UTC/IST"
    format: str | None = None  # VIRTUAL, IN_PERSON, HYBRID
    start_date: str | None = None
    end_date: str | None = None

    @property
    def virtual(self) -> bool:
        return (self.format or "").upper() == "VIRTUAL"


@dataclass(frozen=True)
class WriteResult:
    """What one create or update came to. ``session_id`` is set when it succeeded."""

    status: int | None
    session_id: str | None
    message: str
    outcome_unknown: bool = False  # sent, but no answer: it may or may not have been done
    answer: Mapping[str, Any] | None = None  # the session object Zuddl answered with
    refused_fields: frozenset[str] = frozenset()  # the body fields a 400 named


@dataclass(frozen=True)
class ProbeAnswer:
    """One raw answer, for ``doctor``: what came back, without judging it."""

    status: int
    data: Any
    headers: Mapping[str, str]


class QuotaSpent(ApiError):
    """A 429 asking to wait longer than the run may: the daily quota is used up."""


def check_base_url(url: str) -> str:
    """Keys travel only over HTTPS, except to this machine (the sandbox)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f'"{url}" is not a web address. Use one like https://api.zuddl.com.')
    if parts.scheme == "http":
        host = parts.hostname
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            raise UsageError(
                f'Refusing to send the API key over plain http to "{host}". '
                "Use https:// (plain http is allowed only for this machine, e.g. the sandbox)."
            )
    return url.rstrip("/")


def page_items(data: Any) -> list[dict[str, Any]]:
    items = data.get("data") if isinstance(data, dict) else None
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def next_link(data: Any) -> str | None:
    paging = data.get("pagination") if isinstance(data, dict) else None
    link = paging.get("next") if isinstance(paging, dict) else None
    return link if isinstance(link, str) and link.strip() else None


def quota_spent(wait: float) -> QuotaSpent:
    hours = wait / 3600
    when = time.strftime("%H:%M UTC", time.gmtime(time.time() + wait))
    span = f"about {hours:.0f} hours" if hours >= 1.5 else f"about {wait / 60:.0f} minutes"
    return QuotaSpent(
        f"Zuddl's request quota is used up: it asks to wait {span} (until about {when}). "
        "Nothing more was sent; run the import again after that."
    )


def retry_after(header: str | None) -> float:
    """Seconds a Retry-After asks for: a number, or an HTTP date (RFC 9110 allows both)."""
    raw = (header or "1").strip()
    try:
        return max(0.1, float(raw))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return 1.0
    return max(0.1, moment.timestamp() - time.time())
