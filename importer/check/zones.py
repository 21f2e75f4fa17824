"""The event's time zone as Zuddl writes it, turned into an IANA name, or a clear refusal.

The docs' only example is ``"UTC/IST"``: the field may hold an abbreviation or an offset, not
an IANA name. A mapping is made only where the text allows one reading; everything else asks
for ``--timezone``, because a wrong zone moves every session by hours without a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from importer.errors import UsageError
from importer.settings.checks import known_zone

# Abbreviations that name one zone only. Each maps to a zone that uses it all year, or a
# zone whose daylight-saving pair it belongs to (the date decides which one applies).
_ONE_ZONE = {
    "UTC": "UTC",
    "GMT": "UTC",
    "Z": "UTC",
    "CET": "Europe/Paris",
    "CEST": "Europe/Paris",
    "EET": "Europe/Athens",
    "EEST": "Europe/Athens",
    "WET": "Europe/Lisbon",
    "WEST": "Europe/Lisbon",
    "EST": "America/New_York",
    "EDT": "America/New_York",
    "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles",
    "AKST": "America/Anchorage",
    "AKDT": "America/Anchorage",
    "HST": "Pacific/Honolulu",
    "JST": "Asia/Tokyo",
    "KST": "Asia/Seoul",
    "SGT": "Asia/Singapore",
    "HKT": "Asia/Hong_Kong",
    "NZST": "Pacific/Auckland",
    "NZDT": "Pacific/Auckland",
    "AEDT": "Australia/Sydney",
    "ACDT": "Australia/Adelaide",
    "AWST": "Australia/Perth",
    "WIB": "Asia/Jakarta",
    "PKT": "Asia/Karachi",
    "NPT": "Asia/Kathmandu",
}
# Abbreviations that several places use: named so the message can list them.
_SEVERAL = {
    "IST": ("Asia/Kolkata (India)", "Asia/Jerusalem (Israel)", "Europe/Dublin (Ireland)"),
    "CST": ("America/Chicago (US Central)", "Asia/Shanghai (China)", "America/Havana (Cuba)"),
    "BST": ("Europe/London (British Summer Time)", "Asia/Dhaka (Bangladesh)"),
    "MST": ("America/Denver (US Mountain)", "America/Phoenix (Arizona, no summer time)"),
    "AST": ("America/Halifax (Atlantic)", "Asia/Riyadh (Arabia)"),
    "AEST": ("Australia/Sydney (summer time)", "Australia/Brisbane (no summer time)"),
}
# Offsets that are not whole hours: the zones that keep them all year.
_ODD_OFFSETS = {
    (5, 30): "Asia/Kolkata",
    (5, 45): "Asia/Kathmandu",
    (6, 30): "Asia/Yangon",
    (4, 30): "Asia/Kabul",
    (3, 30): "Asia/Tehran",
    (9, 30): "Australia/Darwin",
    (-9, -30): "Pacific/Marquesas",
}
_OFFSET = re.compile(r"^(?:UTC|GMT)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)


@dataclass(frozen=True)
class EventZone:
    name: str  # an IANA name
    note: str | None = None  # said when the name is not what Zuddl wrote


def event_zone(text: str) -> EventZone:
    """An IANA name for Zuddl's time zone text, or a ``UsageError`` that names --timezone."""
    raw = text.strip()
    if _is_iana(raw):
        return EventZone(raw)
    tokens = [t for t in re.split(r"[/,()|]|\s+", raw) if t] if not _OFFSET.match(raw) else [raw]
    readings = {r for t in tokens if (r := _reading(t)) is not None}
    if len(readings) > 1 and "UTC" in readings:
        readings.discard("UTC")  # "UTC/IST": UTC is the format, the abbreviation the zone
    several = [t.upper() for t in tokens if t.upper() in _SEVERAL]
    if several:
        options = ", ".join(_SEVERAL[several[0]])
        raise UsageError(
            f'Zuddl gives the event\'s time zone as "{raw}": "{several[0]}" could be '
            f"{options}. Give the event's zone with --timezone (or timezone under "
            "[defaults] in the config), e.g. --timezone Asia/Kolkata."
        )
    if len(readings) == 1:
        name = readings.pop()
        return EventZone(name, f'Zuddl gives the event\'s time zone as "{raw}"; read as {name}.')
    raise UsageError(
        f'Zuddl gives the event\'s time zone as "{raw}", which is not a time zone name this '
        "tool knows. Give one with --timezone, e.g. Europe/Berlin."
    )


def _is_iana(name: str) -> bool:
    if not name or name.upper() in _SEVERAL or name.upper() in _ONE_ZONE.keys() - {"UTC"}:
        return False  # legacy names like EST or CET exist in tzdata but mean other things
    return known_zone(name) is not None


def _reading(token: str) -> str | None:
    upper = token.upper()
    if upper in _ONE_ZONE:
        return _ONE_ZONE[upper]
    match = _OFFSET.match(token)
    if match:
        sign = -1 if match.group(1) == "-" else 1
        hours, minutes = int(match.group(2)), int(match.group(3) or 0)
        if minutes == 0 and hours <= 14:
            # Etc/GMT names count the other way: UTC+5 is Etc/GMT-5.
            return "UTC" if hours == 0 else f"Etc/GMT{'-' if sign > 0 else '+'}{hours}"
        return _ODD_OFFSETS.get((sign * hours, sign * minutes))
    return token if _is_iana(token) else None
