"""``zuddl-import doctor``: a read-only first contact with a real API and key.

The project has never seen Zuddl's real API (see ``shared/zuddl-api.md``). Before the first
import, this asks the questions the docs leave open, with GETs only, and says what it found
and which config lines follow from it. Nothing here writes to Zuddl.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from importer.check.zones import event_zone
from importer.errors import ExitCode, ImporterError
from importer.settings.config import Secret, Settings
from importer.sync.answers import ProbeAnswer
from importer.sync.client import ZuddlClient
from importer.sync.wire import listing

_RATE_HEADERS = ("ratelimit", "rate-limit", "retry-after", "quota")


@dataclass(frozen=True)
class Finding:
    topic: str
    text: str
    blocks: ExitCode | None = None  # set when an import cannot go on as things are


@dataclass(frozen=True)
class Diagnosis:
    base_url: str
    event_id: str
    findings: tuple[Finding, ...]
    config_lines: tuple[str, ...]

    @property
    def exit_code(self) -> ExitCode:
        return next((f.blocks for f in self.findings if f.blocks is not None), ExitCode.OK)


def diagnose(settings: Settings, key: Secret, transport: Any = None) -> Diagnosis:
    """Every check, in order; stops early only where nothing further can be asked."""
    assert settings.event_id is not None
    return asyncio.run(_diagnose(settings, key, transport))


class _Doctor:
    def __init__(self, client: ZuddlClient, event_id: str) -> None:
        self.client, self.event_id = client, event_id
        self.findings: list[Finding] = []
        self.config: list[str] = []
        self.rate_headers: dict[str, str] = {}

    def say(self, topic: str, text: str, blocks: ExitCode | None = None) -> None:
        self.findings.append(Finding(topic, text, blocks))

    async def get(self, path: str, scheme: str | None = None) -> ProbeAnswer:
        answer = await self.client.probe(path, scheme=scheme)
        for name, value in answer.headers.items():
            if any(part in name.lower() for part in _RATE_HEADERS):
                self.rate_headers[name] = value
        if answer.status == 429:
            wait = answer.headers.get("retry-after", "?")
            self.say(
                "Limits",
                f"Zuddl answered 429 (too many requests, Retry-After {wait} s): the request "
                "quota may be used up. Try again after that.",
                ExitCode.API_UNAVAILABLE,
            )
        return answer

    async def authenticate(self) -> ProbeAnswer | None:
        path = f"/v1/events/{self.event_id}"
        raw = await self.get(path, "raw")
        if raw.status == 429:
            return None
        if raw.status != 401:
            self.say("Authentication", 'The key is accepted as sent (no "Bearer" needed).')
            return raw
        bearer = await self.get(path, "bearer")
        if bearer.status != 401:
            self.say("Authentication", 'The key is refused as sent but accepted as "Bearer <key>".')
            self.config.append('auth_scheme = "bearer"')
            self.client.auth_scheme = "bearer"  # for the questions that follow
            return bearer
        self.say(
            "Authentication",
            'Zuddl refused the key both as sent and as "Bearer <key>" (401). Check that the '
            "key is right and was created for Backend usage.",
            ExitCode.API_UNAVAILABLE,
        )
        return None

    def event(self, answer: ProbeAnswer, timezone: str | None) -> None:
        if answer.status == 404:
            self.say(
                "Event",
                f"Zuddl knows no event with ID {self.event_id}: copy the ID from the event's "
                "settings in Zuddl.",
                ExitCode.USAGE,
            )
            return
        data = answer.data if isinstance(answer.data, dict) else {}
        if answer.status != 200 or not data:
            self.say("Event", f"GET of the event answered {answer.status}.", ExitCode.USAGE)
            return
        name, zone, kind = data.get("name"), data.get("timezone"), data.get("eventFormat")
        self.say("Event", f'"{name}", from {data.get("startDate")} to {data.get("endDate")}.')
        self.zone(zone, timezone)
        if str(kind).upper() == "VIRTUAL":
            self.say(
                "Event",
                "The event is VIRTUAL: capacity is neither sent nor compared, and locations "
                "(in-person rooms) are not how its stages are set.",
            )
        elif kind:
            self.say("Event", f"Format: {kind}.")

    def zone(self, zone: Any, timezone: str | None) -> None:
        if not zone:
            self.say("Time zone", "The event gives no time zone: give one with --timezone.")
            self.config.append('[defaults]\ntimezone = "Area/City"')
            return
        try:
            read = event_zone(str(zone))
        except ImporterError as exc:
            blocks = None if timezone else ExitCode.USAGE
            self.say("Time zone", exc.message, blocks)
            if not timezone:
                self.config.append('[defaults]\ntimezone = "Area/City"   # the event\'s zone')
            return
        shown = f'"{zone}"' + (f", read as {read.name}" if read.name != zone else "")
        self.say("Time zone", f"The event's time zone is {shown}.")

    async def sessions(self) -> None:
        path = f"/v1/events/{self.event_id}/sessions"
        full = await self.get(f"{path}?page=1&size=50")
        if full.status != 200 or not isinstance(full.data, dict):
            self.say(
                "Sessions", f"Listing sessions answered {full.status}.", ExitCode.API_UNAVAILABLE
            )
            return
        items = _items(full.data)
        link = (full.data.get("pagination") or {}).get("next")
        self.say("Sessions", f"{len(items)} on the first page of 50, next page: {link or 'none'}.")
        if 0 < len(items) < 50 and link:
            self.say(
                "Paging",
                f"The list caps the page size at {len(items)}: the importer follows "
                "pagination.next, so every session is still read.",
            )
        if len(items) >= 3:
            small = await self.get(f"{path}?page=1&size=2")
            if isinstance(small.data, dict) and len(_items(small.data)) > 2:
                self.say("Paging", "The list ignores size: the importer follows pagination.next.")
            self.order(items)
        else:
            self.say(
                "Paging",
                "Too few sessions to see how the list pages (the importer follows "
                "pagination.next to the end whatever the page size).",
            )
        self.reference(items)
        if any(any(c.isupper() for c in str(i.get("id", ""))) for i in items):
            self.say(
                "Sessions", "IDs are spelt in upper case; the importer compares them in any case."
            )

    def order(self, items: list[dict[str, Any]]) -> None:
        starts = [str(i.get("startDateTime") or "") for i in items]
        if starts == sorted(starts) and len(set(starts)) > 1:
            self.say(
                "Paging",
                "Sessions are listed by start time, so pages shift while sessions are created; "
                "the importer looks up unanswered creates only after sending.",
            )

    def reference(self, items: list[dict[str, Any]]) -> None:
        listed = listing(items)
        name = listed.reference_name()
        if not items:
            self.say(
                "Reference ID",
                "The event has no sessions yet: the first import sends one create alone and "
                "reads the answer to learn which field keeps the reference ID.",
            )
        elif name is None:
            self.say(
                "Reference ID",
                "The sessions show neither externalRefId nor referenceId: Zuddl may not keep "
                "reference IDs. The first import stops after one create if the answer does not "
                "carry it back.",
            )
        else:
            both = " (both names are answered)" if len(listed.names_present) > 1 else ""
            self.say("Reference ID", f"Sessions carry the reference ID as {name}{both}.")
            self.config.append(f'reference_field = "{name}"')
        self.say(
            "Reference ID",
            "Whether Zuddl refuses or silently drops unknown body fields cannot be seen "
            "without writing: the importer checks the answer to every create.",
        )

    async def optional(self) -> None:
        base = f"/v1/events/{self.event_id}"
        places = await self.get(f"{base}/locations?page=1&size=50")
        names = [str(i.get("name")) for i in _items(places.data)]
        if places.status == 200:
            shown = ", ".join(names[:10]) + (", …" if len(names) > 10 else "")
            self.say("Locations", f"{len(names)} on the first page: {shown or 'none'}.")
        else:
            self.say("Locations", f"Listing locations answered {places.status}.")
        speakers = await self.get(f"{base}/speakers")
        if speakers.status == 200:
            self.say("Speakers", "The speakers list answers: speakers can be linked by name.")
        else:
            self.say(
                "Speakers",
                f"The speakers list answered {speakers.status}: speakers would be reported "
                "as not linked.",
            )
        if self.rate_headers:
            shown = ", ".join(f"{k}: {v}" for k, v in sorted(self.rate_headers.items()))
            self.say("Limits", f"Rate-limit headers seen: {shown}.")
        else:
            self.say(
                "Limits",
                "No rate-limit headers seen; the importer paces itself at rate_limit "
                "(10 requests/s by default).",
            )


def _items(data: Any) -> list[dict[str, Any]]:
    items = data.get("data") if isinstance(data, Mapping) else None
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


async def _diagnose(settings: Settings, key: Secret, transport: Any) -> Diagnosis:
    assert settings.event_id is not None
    async with ZuddlClient(
        settings.base_url, key, rate_limit=0, timeout_s=settings.timeout_s, transport=transport
    ) as client:
        doctor = _Doctor(client, settings.event_id)
        answer = await doctor.authenticate()
        blocked = any(f.blocks for f in doctor.findings)
        if answer is not None and not blocked:
            doctor.event(answer, settings.mapping.timezone)
            if not any(f.blocks == ExitCode.API_UNAVAILABLE for f in doctor.findings):
                await doctor.sessions()
                await doctor.optional()
        return Diagnosis(
            client.base_url, settings.event_id, tuple(doctor.findings), tuple(doctor.config)
        )


def render(diagnosis: Diagnosis) -> str:
    """The text the command prints."""
    lines = [f"Zuddl API at {diagnosis.base_url}, event {diagnosis.event_id}:"]
    for finding in diagnosis.findings:
        mark = "STOP" if finding.blocks is not None else "ok  "
        lines.append(f"  {mark} {finding.topic}: {finding.text}")
    if diagnosis.config_lines:
        lines.append("Config lines to use (in the --config file):")
        lines.extend(f"  {line}" for row in diagnosis.config_lines for line in row.splitlines())
    code = diagnosis.exit_code
    lines.append(
        "Nothing blocks an import." if code == ExitCode.OK else "Fix the STOP lines first."
    )
    return "\n".join(lines)
