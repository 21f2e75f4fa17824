"""A word when it matters: a run's summary to a webhook and/or a command, as [notify] says.

A nightly import that fails at 02:30 is otherwise only seen by whoever reads the journal. The
summary carries what someone needs to act (the exit code and what it means, the counts, the
first problems, where the results are) and nothing that must stay private: no key, no header
or webhook value, no link beyond its host, no cell values (problems are shown with their row
and column, and quoted cell text left out). Sending can fail (a webhook down, a command
missing): that is logged and printed, and never changes the run's exit code. The summary is
made from the report by importer.cli.summary.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from importer.read.links import safe_address, shown_link
from importer.settings.config import Settings
from importer.settings.nightly import NotifySettings

log = logging.getLogger("zuddl_import")
MEANING = {
    0: "every row done",
    1: "some rows failed, were invalid or were not sent",
    2: "bad usage, configuration or file",
    3: "the API or the agenda link could not be reached, or refused the key",
    4: "another import into the event is running",
    5: "safety stop: nothing was sent",
    70: "internal error (a bug in zuddl-import)",
    130: "interrupted",
}


@dataclass(frozen=True)
class RunSummary:
    """What a notification says; also sent, as JSON, to a notification command."""

    exit_code: int
    outcome: str  # the exit code in words
    event: str | None
    agenda: str | None  # the file name, or the host of the link
    run: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0
    error: str | None = None  # what stopped the run
    results: str | None = None
    sheet_unchanged: bool = False

    def text(self) -> str:
        lines = [
            f"zuddl-import: {self.outcome} (exit {self.exit_code})"
            + (f", event {self.event}" if self.event else "")
            + (f", agenda {self.agenda}" if self.agenda else "")
            + "."
        ]
        if self.sheet_unchanged:
            lines.append("The sheet is unchanged since the last run: nothing was written.")
        if self.error:
            lines.append(self.error)
        if self.counts:
            lines.append("Rows: " + ", ".join(f"{n} {s}" for s, n in self.counts.items()) + ".")
        if self.problems:
            more = self.problem_count - len(self.problems)
            lines.append(f"Problems ({self.problem_count}):")
            lines.extend(f"- {p}" for p in self.problems)
            if more > 0:
                lines.append(f"- ... and {more} more in the results sheet.")
        if self.results:
            lines.append(f"Results: {self.results}")
        if self.run:
            lines.append(f"Run ID: {self.run} (in the log file)")
        return "\n".join(lines)


def deliver(summary: RunSummary, settings: Settings) -> list[str]:
    """Send the summary if [notify] wants it for this exit code; the failures, in words."""
    notify = settings.notify
    if notify is None or not notify.wanted(summary.exit_code):
        return []
    secrets = _secrets(settings, notify)
    text = _masked(summary.text(), secrets)
    payload = _masked(json.dumps(asdict(summary), ensure_ascii=False), secrets)
    failures = []
    if notify.webhook or notify.webhook_env:
        failures += _post(notify, text)
    if notify.command:
        failures += _run_command(notify, settings, payload, text, summary)
    for failure in failures:  # the run's ID too: the run itself has ended by now
        data = {"run": summary.run, "why": failure}
        log.warning("notification failed", extra={"event": "notify_failed", "data": data})
    if not failures:
        done = {"run": summary.run, "exit_code": summary.exit_code}
        log.info("notified", extra={"event": "notified", "data": done})
    return failures


def _secrets(settings: Settings, notify: NotifySettings) -> list[str]:
    """Values that must never leave in a notification, whatever a message happens to hold."""
    names = [settings.api_key_env, *settings.agenda_headers.values()]
    if notify.webhook_env:
        names.append(notify.webhook_env)
    values = [os.environ.get(name, "").strip() for name in names]
    if settings.key_from_file:
        values.append(settings.key_from_file.reveal())
    if isinstance(settings.agenda, str):
        values.append(settings.agenda)
    return [v for v in values if len(v) >= 4]


def _masked(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "********")
    return text


def _post(notify: NotifySettings, text: str) -> list[str]:
    url = notify.webhook or os.environ.get(notify.webhook_env or "", "").strip()
    if not url:
        return [f"the webhook variable {notify.webhook_env} is not set"]
    host = shown_link(url)
    if not safe_address(url):
        return [f"the webhook address ({host}) is not https://, so nothing was sent to it"]
    try:
        # A Slack- or Teams-style incoming webhook: a JSON message with its text.
        answer = httpx.post(url, json={"text": text}, timeout=notify.timeout_s)
    except httpx.HTTPError as exc:
        return [f"the webhook ({host}) could not be reached ({type(exc).__name__})"]
    if not answer.is_success:
        return [f"the webhook ({host}) answered {answer.status_code} {answer.reason_phrase}"]
    return []


def _run_command(
    notify: NotifySettings, settings: Settings, payload: str, text: str, summary: RunSummary
) -> list[str]:
    """The command gets the summary as JSON on stdin, and in words in its environment; the
    variables holding secrets are taken out of the environment it inherits."""
    hidden = {settings.api_key_env, *settings.agenda_headers.values(), notify.webhook_env}
    env = {k: v for k, v in os.environ.items() if k not in hidden}
    env.update(
        ZUDDL_IMPORT_EXIT_CODE=str(summary.exit_code),
        ZUDDL_IMPORT_SUMMARY=text,
        ZUDDL_IMPORT_RESULTS=summary.results or "",
    )
    program = Path(notify.command[0]).name
    try:
        done = subprocess.run(
            notify.command,
            input=payload,
            env=env,
            capture_output=True,
            text=True,
            timeout=notify.timeout_s,
            check=False,
        )
    except FileNotFoundError:
        return [f"the notification command {program} was not found"]
    except PermissionError:
        return [f"the notification command {program} may not be run (permission denied)"]
    except subprocess.TimeoutExpired:
        return [f"the notification command {program} did not finish in {notify.timeout_s:g} s"]
    except OSError as exc:
        return [f"the notification command {program} could not be started ({exc.strerror})"]
    if done.returncode != 0:
        return [f"the notification command {program} exited {done.returncode}"]
    return []
