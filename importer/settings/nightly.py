"""Settings of unattended runs: the headers of a private agenda link, and who hears of a run.

They live apart from config.py because they only matter to a scheduled import: ``[notify]``
says when and how a run's summary is sent, ``[agenda_headers]`` which environment variables
hold the request headers a private link needs (the values are secrets: never in the file).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from importer.errors import UsageError
from importer.read.links import safe_address
from importer.settings.tomlwords import shown

WHEN = ("failure", "safety_stop", "always")
_HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")  # RFC 9110 token
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class NotifySettings:
    """``[notify]``: a webhook (its URL, or the variable holding it) and/or a command."""

    when: tuple[str, ...] = ("failure",)
    webhook: str | None = None
    webhook_env: str | None = None
    command: tuple[str, ...] = ()
    timeout_s: float = 30.0

    def wanted(self, exit_code: int) -> bool:
        """failure: any exit code but 0 (safety stops too); safety_stop: exit 5 only."""
        return (
            "always" in self.when
            or ("failure" in self.when and exit_code != 0)
            or ("safety_stop" in self.when and exit_code == 5)
        )


def agenda_headers(raw: object, name: str) -> dict[str, str]:
    """``[agenda_headers]``: "Header-Name" = "ENVIRONMENT_VARIABLE"."""
    where = f"{name} [agenda_headers]"
    if not isinstance(raw, dict):
        raise UsageError(f'{where} must be a table: "Header-Name" = "VARIABLE".')
    for header, variable in raw.items():
        if not _HEADER_NAME.match(header):
            raise UsageError(f'{where}: "{header}" is not a header name.')
        if not isinstance(variable, str) or not _VARIABLE.match(variable):
            raise UsageError(
                f'{where}: "{header}" must name the environment variable holding its value '
                '(like "AGENDA_TOKEN"); the value itself never goes in the config file.'
            )
    return dict(raw)


def notify_settings(raw: object, name: str) -> NotifySettings:
    """``[notify]``, checked: at least one way to send, known moments, a usable command."""
    where = f"{name} [notify]"
    if not isinstance(raw, dict):
        raise UsageError(f"{where} must be a table.")
    known = {"when", "webhook", "webhook_env", "command", "timeout"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise UsageError(
            f'{where}: unknown setting "{unknown[0]}". Known settings there: '
            f"{', '.join(sorted(known))}."
        )
    when = _when(raw.get("when", "failure"), where)
    webhook, webhook_env = raw.get("webhook"), raw.get("webhook_env")
    if webhook is not None and (not isinstance(webhook, str) or not safe_address(webhook)):
        raise UsageError(
            f"{where}: webhook must be an https:// address in quotes (or use webhook_env to "
            "read it from the environment)."
        )
    if webhook_env is not None and (
        not isinstance(webhook_env, str) or not _VARIABLE.match(webhook_env)
    ):
        raise UsageError(
            f"{where}: webhook_env must name the environment variable holding the webhook "
            'address, like "ZUDDL_NOTIFY_WEBHOOK".'
        )
    command = _command(raw.get("command", []), where)
    timeout = raw.get("timeout", 30)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout <= 600:
        raise UsageError(f"{where}: timeout must be a number of seconds, more than 0, at most 600.")
    if webhook is None and webhook_env is None and not command:
        raise UsageError(
            f"{where}: say where the summary goes: webhook_env (or webhook) and/or command."
        )
    return NotifySettings(when, webhook, webhook_env, command, float(timeout))


def _when(value: Any, where: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(i in WHEN for i in items):
        raise UsageError(
            f'{where}: when must be "failure", "safety_stop" or "always" (or a list of them), '
            f"not {shown(value)}."
        )
    return tuple(items)


def _command(value: Any, where: str) -> tuple[str, ...]:
    # A list, run without a shell: nothing in the summary can ever be read as shell syntax.
    if isinstance(value, str) or not isinstance(value, list):
        raise UsageError(
            f"{where}: command must be a list: the program and its arguments, like "
            '["/usr/local/bin/page-ops", "--team", "events"].'
        )
    if not all(isinstance(part, str) and part for part in value):
        raise UsageError(f"{where}: every part of command must be text in quotes.")
    return tuple(value)


def parse_extras(raw: Mapping[str, Any], name: str) -> dict[str, Any]:
    """The Settings fields these tables give, for config.py to pass on."""
    extras: dict[str, Any] = {}
    if "agenda_headers" in raw:
        extras["agenda_headers"] = agenda_headers(raw["agenda_headers"], name)
    if "notify" in raw:
        extras["notify"] = notify_settings(raw["notify"], name)
    return extras
