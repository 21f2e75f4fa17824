"""[notify]: a run's summary reaches a local webhook receiver and a command, with the right
words and nothing secret (the API key, a private link's header, the webhook address, the link
itself, cell values); a notification that cannot be delivered never changes the exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from importer.errors import UsageError
from importer.settings.config import load_settings
from importer.settings.nightly import NotifySettings
from importer.sync.notify import RunSummary, deliver
from tests.conftest import SandboxHandle
from tests.link_server import CSV, Answer, LinkServer
from tests.pipeline_helpers import numbered_rows, read_results, write_csv

ENV = {k: v for k, v in os.environ.items() if k != "ZUDDL_API_KEY"}
LINK_TOKEN = "Bearer link-token-5678"
HOOK_PATH = "/services/T0001/B0002/hooksecret9abc"
PRIVATE_PATH = "/private/agenda-7f3k"
# A command that records what it was given: its stdin and its environment.
RECORDER = """
import json, os, sys
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump({"stdin": sys.stdin.read(), "env": dict(os.environ)}, out)
"""


def write_config(
    folder: Path,
    sandbox: SandboxHandle,
    link: LinkServer,
    program: list[str] | None = None,
    **extra: str,
) -> Path:
    recorder = folder / "recorder.py"
    recorder.write_text(RECORDER, encoding="utf-8")
    command = json.dumps(program or [sys.executable, str(recorder), str(folder / "received.json")])
    lines = [
        f'event = "{sandbox.event_id}"',
        f'base_url = "{sandbox.base_url}"',
        f'agenda = "{link.base_url}{PRIVATE_PATH}"',
        'results = "state/agenda.results.xlsx"',
        'log_file = "run.log"',
        'log_format = "json"',
        "rate_limit = 0",
        *(f"{key} = {value}" for key, value in extra.items()),
        "[agenda_headers]",
        '"Authorization" = "AGENDA_TOKEN"',
        "[notify]",
        'webhook_env = "HOOK_URL"',
        f"command = {command}",
    ]
    (folder / "state").mkdir()
    config = folder / "nightly.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def run_nightly(
    config: Path, sandbox: SandboxHandle, link: LinkServer, *, key: bool = True
) -> subprocess.CompletedProcess[str]:
    env = {
        **ENV,
        "ZUDDL_API_KEY": sandbox.key,
        "AGENDA_TOKEN": LINK_TOKEN,
        "HOOK_URL": link.base_url + HOOK_PATH,
    }
    if not key:
        del env["ZUDDL_API_KEY"]
    return subprocess.run(
        [sys.executable, "-m", "importer", "run", "--config", str(config), "--no-progress"],
        capture_output=True,
        text=True,
        cwd=config.parent,
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def run_id(log_file: Path) -> str:
    lines = [json.loads(line) for line in log_file.read_text(encoding="utf-8").splitlines()]
    return str(next(line["run"] for line in lines if line["event"] == "run_start"))


def assert_no_secret(texts: list[str], sandbox: SandboxHandle, *private: str) -> None:
    for secret in (sandbox.key, LINK_TOKEN, "link-token-5678", HOOK_PATH, PRIVATE_PATH, *private):
        for text in texts:
            assert secret not in text, f"{secret!r} leaked"


def test_a_safety_stop_reaches_the_webhook_and_the_command(
    sandbox: SandboxHandle, link: LinkServer, tmp_path: Path
) -> None:
    rows = numbered_rows(3)
    rows[0][3] = "Speaker fee: 4,000 EUR (confidential)"  # a description: sheet content
    body = write_csv(tmp_path / "sheet.csv", rows).read_bytes()
    link.serve(
        PRIVATE_PATH,
        Answer(body=body, headers={"Content-Type": CSV}, needs={"Authorization": LINK_TOKEN}),
    )
    config = write_config(tmp_path, sandbox, link, max_changes='"1"')

    done = run_nightly(config, sandbox, link)

    assert done.returncode == 5, done.stdout + done.stderr
    assert sandbox.sessions() == []
    results = tmp_path / "state" / "agenda.results.xlsx"
    expected = "\n".join(
        [
            f"zuddl-import: safety stop: nothing was sent (exit 5), event {sandbox.event_id}, "
            "agenda 127.0.0.1.",
            "The plan makes 3 changes (3 creates, 0 updates), more than --max-changes 1 allows "
            "(1). Nothing was sent. Check the sheet, then raise the limit if the changes are "
            "intended.",
            "Rows: 3 skipped.",
            f"Results: {results}",
            f"Run ID: {run_id(tmp_path / 'run.log')} (in the log file)",
        ]
    )
    assert [post["path"] for post in link.posts] == [HOOK_PATH]
    assert link.posts[0]["body"] == {"text": expected}

    received = json.loads((tmp_path / "received.json").read_text(encoding="utf-8"))
    summary = json.loads(received["stdin"])
    assert summary["exit_code"] == 5
    assert summary["outcome"] == "safety stop: nothing was sent"
    assert summary["counts"] == {"skipped": 3}
    assert summary["results"] == str(results)
    assert received["env"]["ZUDDL_IMPORT_EXIT_CODE"] == "5"
    assert received["env"]["ZUDDL_IMPORT_SUMMARY"] == expected
    for variable in ("ZUDDL_API_KEY", "AGENDA_TOKEN", "HOOK_URL"):
        assert variable not in received["env"]

    shown = [
        json.dumps([post["body"] for post in link.posts]),
        received["stdin"],
        json.dumps(received["env"]),
        done.stdout,
        done.stderr,
        (tmp_path / "run.log").read_text(encoding="utf-8"),
        json.dumps(read_results(results), default=str),
        (tmp_path / "state" / "agenda.results.download.json").read_text(encoding="utf-8")
        if (tmp_path / "state" / "agenda.results.download.json").exists()
        else "",
    ]
    assert_no_secret(shown, sandbox)
    assert_no_secret(shown[:3], sandbox, "Speaker fee", "Talk 0")  # no cell contents either


def test_problems_are_summed_up_without_cell_values(
    sandbox: SandboxHandle, link: LinkServer, tmp_path: Path
) -> None:
    rows = numbered_rows(3)
    rows[1][5] = "25:99 sharp"
    link.serve(
        PRIVATE_PATH,
        Answer(
            body=write_csv(tmp_path / "s.csv", rows).read_bytes(), headers={"Content-Type": CSV}
        ),
    )
    done = run_nightly(write_config(tmp_path, sandbox, link), sandbox, link)
    assert done.returncode == 1, done.stdout + done.stderr
    text = link.posts[0]["body"]["text"]
    assert text.splitlines()[:4] == [
        f"zuddl-import: some rows failed, were invalid or were not sent (exit 1), event "
        f"{sandbox.event_id}, agenda 127.0.0.1.",
        "Rows: 1 invalid, 2 skipped.",
        "Problems (1):",
        '- Row 3, column "Start Time": "…" is not a time. Write it like 09:30 or 9:30 AM.',
    ]
    assert "25:99" not in text
    assert "25:99" in done.stderr  # the person at the terminal still sees the cell


def test_an_undeliverable_notification_never_changes_the_exit_code(
    sandbox: SandboxHandle, link: LinkServer, tmp_path: Path
) -> None:
    link.serve(HOOK_PATH, Answer(status=500, body=b"down"))  # the agenda link itself: 404
    config = write_config(tmp_path, sandbox, link, ["/nonexistent/page-someone", "--now"])

    done = run_nightly(config, sandbox, link)

    assert done.returncode == 2
    assert done.stderr == (
        "Warning: the notification was not delivered: the webhook (127.0.0.1) answered 500 "
        "Internal Server Error.\n"
        "Warning: the notification was not delivered: the notification command page-someone "
        "was not found.\n"
        "Error: The agenda link (127.0.0.1) answered 404 Not Found: check the link (the sheet "
        "may have been moved or deleted).\n"
    )
    assert link.posts[0]["body"]["text"] == (
        "zuddl-import: bad usage, configuration or file (exit 2), event "
        f"{sandbox.event_id}, agenda 127.0.0.1.\n"
        "The agenda link (127.0.0.1) answered 404 Not Found: check the link (the sheet may "
        "have been moved or deleted)."
    )
    log = [json.loads(line) for line in (tmp_path / "run.log").read_text().splitlines()]
    assert [e["why"] for e in log if e["event"] == "notify_failed"] == [
        "the webhook (127.0.0.1) answered 500 Internal Server Error",
        "the notification command page-someone was not found",
    ]


def test_a_missing_key_at_night_is_news_too(
    sandbox: SandboxHandle, link: LinkServer, tmp_path: Path
) -> None:
    done = run_nightly(write_config(tmp_path, sandbox, link), sandbox, link, key=False)
    error = (
        "No API key: set the environment variable ZUDDL_API_KEY to your Zuddl API key (created "
        "for Backend usage, with WRITE scope)."
    )
    assert (done.returncode, done.stderr) == (2, f"Error: {error}\n")
    assert [post["body"]["text"] for post in link.posts] == [
        f"zuddl-import: bad usage, configuration or file (exit 2), event {sandbox.event_id}, "
        f"agenda 127.0.0.1.\n{error}"
    ]
    assert link.seen[0].path == HOOK_PATH  # nothing was downloaded


@pytest.mark.parametrize(
    ("when", "codes_sent"),
    [(("failure",), [1, 5]), (("safety_stop",), [5]), (("always",), [0, 1, 5])],
)
def test_when_a_word_is_sent(
    link: LinkServer, monkeypatch: pytest.MonkeyPatch, when: tuple[str, ...], codes_sent: list[int]
) -> None:
    from importer.settings.config import Settings

    monkeypatch.setenv("HOOK_URL", link.base_url + "/hook")
    settings = Settings(notify=NotifySettings(when=when, webhook_env="HOOK_URL"))
    for code in (0, 1, 5):
        assert deliver(RunSummary(code, "x", None, None), settings) == []
    assert [post["body"]["text"] for post in link.posts] == [
        f"zuddl-import: x (exit {code})." for code in codes_sent
    ]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            'when = "sometimes"\nwebhook_env = "HOOK"',
            'n.toml [notify]: when must be "failure", "safety_stop" or "always" (or a list of '
            'them), not the text "sometimes".',
        ),
        (
            'command = "notify-ops --all"',
            "n.toml [notify]: command must be a list: the program and its arguments, like "
            '["/usr/local/bin/page-ops", "--team", "events"].',
        ),
        (
            'webhook = "http://hooks.example.com/x"',
            "n.toml [notify]: webhook must be an https:// address in quotes (or use webhook_env "
            "to read it from the environment).",
        ),
        (
            'when = "always"',
            "n.toml [notify]: say where the summary goes: webhook_env (or webhook) and/or command.",
        ),
    ],
)
def test_notify_mistakes_are_explained(tmp_path: Path, table: str, message: str) -> None:
    config = tmp_path / "n.toml"
    config.write_text(f"[notify]\n{table}\n", encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        load_settings(config)
    assert caught.value.message == message


def test_a_link_in_the_config_stays_a_link(tmp_path: Path) -> None:
    config = tmp_path / "n.toml"
    url = "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjK/edit#gid=0"
    config.write_text(
        f'agenda = "{url}"\n[agenda_headers]\n"Authorization" = "AGENDA_TOKEN"\n', encoding="utf-8"
    )
    settings = load_settings(config)
    assert settings.agenda == url
    assert settings.agenda_headers == {"Authorization": "AGENDA_TOKEN"}


def test_header_values_never_go_in_the_config(tmp_path: Path) -> None:
    config = tmp_path / "n.toml"
    config.write_text('[agenda_headers]\n"Authorization" = "Bearer abc123"\n', encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        load_settings(config)
    assert caught.value.message == (
        'n.toml [agenda_headers]: "Authorization" must name the environment variable holding '
        'its value (like "AGENDA_TOKEN"); the value itself never goes in the config file.'
    )
    assert "abc123" not in caught.value.message
