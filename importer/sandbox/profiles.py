"""The variants of Zuddl's API that public evidence allows, each one a small frozen record.

The importer has never seen the real API: its docs leave the reference field's name, what
happens to unknown body fields, paging, ordering, ID spelling, gateway behaviour and the
event's time zone format open. Each profile plays one answer to those questions, so the
client can be shown to survive every one of them, not only the one it expects. The profile
is a fault setting: ``--profile NAME``, ``{"profile": NAME}`` on ``/_sandbox/faults``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

REFERENCE_NAMES = ("referenceId", "externalRefId")


@dataclass(frozen=True)
class Profile:
    name: str
    about: str
    keeps: tuple[str, ...] = ("externalRefId",)  # body names stored as the reference
    answers: tuple[str, ...] = ("externalRefId",)  # names the session object shows it under
    # The docs' examples show only availableSpots; the spec card adds the other two.
    capacity_keys: tuple[str, ...] = ("availableSpots",)
    unknown_fields: Literal["drop", "reject"] = "drop"
    page_cap: int | None = None  # a larger ``size`` is silently served as this
    order: Literal["created", "start"] = "created"
    upper_ids: bool = False
    late_commit_every: int = 0  # every Nth create: a gateway 504 at once, the commit later
    late_commit_s: float = 1.5
    no_id_every: int = 0  # every Nth create answered 201 without an id; the next one HTML
    event_format: str = "HYBRID"
    event_timezone: str | None = None  # the event's time zone as text, instead of its own
    quota_spent: bool = False  # every call: 429 with a Retry-After of hours
    bearer_only: bool = False  # the key must come as "Bearer <key>" (Zuddl's sample code)
    speakers_list: bool = True  # GET .../speakers answers (seen only in Zuddl staff's code)

    @property
    def virtual(self) -> bool:
        return self.event_format == "VIRTUAL"


EVIDENCE = Profile(
    "evidence",
    "what Zuddl's docs show: the reference only as externalRefId, unknown body fields "
    "silently dropped, answers shaped like the docs' examples",
)
QUOTA_RETRY_AFTER_S = 6 * 3600

PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        EVIDENCE,
        replace(
            EVIDENCE,
            name="reference-id",
            about="the spec card's names: the reference only as referenceId, totalCapacity",
            keeps=("referenceId",),
            answers=("referenceId",),
            capacity_keys=("totalCapacity", "availableSpots", "remainingCapacity"),
        ),
        replace(
            EVIDENCE,
            name="lenient",
            about="both reference names kept and shown (the sandbox's behaviour before profiles)",
            keeps=REFERENCE_NAMES,
            answers=REFERENCE_NAMES,
            capacity_keys=("totalCapacity", "availableSpots", "remainingCapacity"),
        ),
        replace(
            EVIDENCE,
            name="strict",
            about="unknown body fields answered 400",
            unknown_fields="reject",
        ),
        replace(
            EVIDENCE, name="page-cap", about="the page size silently capped at 20", page_cap=20
        ),
        replace(
            EVIDENCE,
            name="sorted-list",
            about="sessions listed by start time, not by creation",
            order="start",
        ),
        replace(EVIDENCE, name="upper-ids", about="IDs spelt in upper case", upper_ids=True),
        replace(
            EVIDENCE,
            name="late-commit",
            about="every 3rd create answered 504 by a gateway while the backend commits it "
            "1.5 s later",
            late_commit_every=3,
        ),
        replace(
            EVIDENCE,
            name="no-id",
            about="every 3rd create answered 201 without an id, the one after it with an "
            "HTML page (both committed)",
            no_id_every=3,
        ),
        replace(
            EVIDENCE,
            name="virtual-event",
            about="a VIRTUAL event: capacity ignored, locations are in-person only",
            event_format="VIRTUAL",
        ),
        replace(
            EVIDENCE,
            name="zone-text",
            about='the event\'s time zone as "UTC/IST"',
            event_timezone="UTC/IST",
        ),
        replace(
            EVIDENCE,
            name="bearer-auth",
            about='the key accepted only as "Bearer <key>", as in Zuddl\'s own sample code',
            bearer_only=True,
        ),
        replace(
            EVIDENCE,
            name="no-speakers-list",
            about="no GET /v1/events/{id}/speakers: the event's speakers cannot be listed",
            speakers_list=False,
        ),
        replace(
            EVIDENCE,
            name="quota-spent",
            about="the daily quota is spent: every call answered 429, Retry-After 6 hours",
            quota_spent=True,
        ),
    )
}
DEFAULT_PROFILE = EVIDENCE.name


def profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(
            f"unknown profile {name!r}; known: {', '.join(sorted(PROFILES))}"
        ) from None
