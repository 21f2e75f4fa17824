"""The library's messages in the page's own words: no command-line flags, no config-file tables.

The library phrases each fix for the command line ("set the date order with --date-order dmy
or mdy"); the page has its own controls for most of them, so each such phrase is replaced by
the control's name on the page. A phrase not listed here is shown as the library wrote it.
"""

from __future__ import annotations

import re

# (pattern, replacement): the page's names are those of its controls (check screen, columns).
_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (
            r"set the date order with --date-order dmy or mdy",
            'choose the date order above ("Date order")',
        ),
        (
            r"Give it with --date 2026-06-10, add a Date column, write it in this cell "
            r"\(2026-06-10 09:30\), or set date = \"2026-06-10\" under \[defaults\] in the config",
            'Give a date for all rows above ("Date of rows without one"), add a Date column, '
            "or write it in this cell (2026-06-10 09:30)",
        ),
        (
            r"Give the event's first day in the config file: start_date = \"2026-06-10\" "
            r"under \[defaults\] \(or the date with --date\)",
            'Write the year in the cell, or give a date for all rows above ("Date of rows '
            'without one")',
        ),
        (r", or map one in the config file under \[columns\]", ", or choose it in the list below"),
        (
            r", or map them in the config file under \[columns\]",
            ", or choose them in the list below",
        ),
        (r"Check --event: copy", "Check the event ID: copy"),
        (
            r"Give the time zone they are in with --timezone(?: \(for [^)]*\))?, or "
            r"timezone = \"Area/City\" under \[defaults\]",
            'Choose the time zone they are in ("Time zone")',
        ),
        (r"Use --sheet with the name of the sheet", "Choose the sheet"),
        (r"Use --sheet with one of these names", "Choose one of these sheets"),
        (r"Use --sheet to choose another, or --sheet all for every sheet", "Choose another sheet"),
        (r"choose with --on-conflict sheet or --on-conflict zuddl", "edit one of them"),
    )
)
# A flag of the command line the list above does not know is still never shown as a flag. Only
# the command's own flags, outside quotes: a value quoted from the sheet ("--draft") is kept.
_FLAGS = [
    "base-url",
    "concurrency",
    "config",
    "date",
    "date-order",
    "dry-run",
    "event",
    "full",
    "max-changes",
    "mode",
    "on-conflict",
    "rate-limit",
    "results",
    "sheet",
    "skip-invalid",
    "timezone",
    "write-back",
]
_ANY_FLAG = re.compile(r'(?<![\w"-])--(' + "|".join(sorted(_FLAGS, key=len, reverse=True)) + r")\b")


_QUOTED = re.compile(r'("[^"]*")')


def page_words(message: str) -> str:
    """The message as the page shows it."""
    for pattern, replacement in _PHRASES:
        message = pattern.sub(replacement, message)
    # Quoted parts are values from the sheet or the event: they are left as they are.
    parts = _QUOTED.split(message)
    for i in range(0, len(parts), 2):
        parts[i] = _ANY_FLAG.sub(_setting, parts[i])
    return "".join(parts)


def _setting(match: re.Match[str]) -> str:
    return f'the "{match.group(1).replace("-", " ")}" setting'
