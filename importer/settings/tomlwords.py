"""TOML values and parse errors in words a config file's author reads, never Python's repr."""

from __future__ import annotations

import ast
import re
import tomllib
from datetime import date, datetime, time
from typing import Any

KIND_WORDS: dict[Any, str] = {
    str: "text in quotes",
    int: "a whole number",
    bool: "true or false",
    (int, float): "a number",
    (str, int): 'a whole number (like 50) or a percentage in quotes (like "10%")',
    (str, date): "a date like 2026-06-10",
}


def shown(value: object) -> str:
    """A TOML value as the user wrote it, in words: never a Python repr."""
    if isinstance(value, str):
        return f'the text "{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, datetime):
        return f"the date and time {value.isoformat(sep=' ')}"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    if isinstance(value, time):
        return f"the time {value.isoformat()}"
    return str(value)


_CHARACTER_NAMES = {"\n": "a line break", "\r": "a carriage return", "\t": "a tab"}
# A character as Python's repr shows it: 'x', '\n' or "'".
_REPR = r"'(?:[^'\\]|\\.)*'|" + r'"(?:[^"\\]|\\.)*"'


def _character(char: str) -> str:
    if char in _CHARACTER_NAMES:
        return _CHARACTER_NAMES[char]
    if char.isprintable():
        return f'"{char}"'
    return f"an invisible control character (U+{ord(char):04X})"


def plain_toml_error(exc: tomllib.TOMLDecodeError) -> str:
    """tomllib's message with Python's 'x' quoting turned into words a user reads."""

    def bad_character(match: re.Match[str]) -> str:
        try:
            char = ast.literal_eval(match.group(1))
        except (ValueError, SyntaxError):
            return match.group(0)
        if not isinstance(char, str) or len(char) != 1:
            return match.group(0)
        return f"{_character(char)} is not allowed there"

    text = str(exc).replace("'\\'", '"\\"')  # Unescaped '\' in a string
    text = re.sub(rf"(?:Illegal|Found invalid) character ({_REPR})", bad_character, text)
    return re.sub(r"'((?:[^'\\]|\\.)*)'", r'"\1"', text)
