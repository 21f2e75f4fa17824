"""examples/nightly: the sample config runs as shipped (pointed at the sandbox), and the cron
line and systemd units say what an operator expects them to say."""

from __future__ import annotations

import configparser
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from importer.read.links import download_form
from importer.run import ImportRequest, run_import
from importer.sandbox import DEMO_EVENT_ID
from importer.settings.config import Secret, load_settings
from tests.conftest import SandboxHandle
from tests.link_server import Answer, LinkServer
from tests.pipeline_helpers import by_reference, read_results, write_csv

NIGHTLY = Path(__file__).resolve().parent.parent / "examples" / "nightly"
CONFIG_TEXT = (NIGHTLY / "nightly.toml").read_text(encoding="utf-8")
ETC_CONFIG = "/etc/zuddl-import/nightly.toml"
ENV_FILE = "/etc/zuddl-import.env"
PROGRAM = "/opt/zuddl-import/.venv/bin/zuddl-import"
# The sheet as the agenda's owner keeps it: French headers mapped in [columns], day/month
# dates (date_order = "dmy"), times in Berlin (timezone), a column the import must ignore.
SHEET_ID = "1NightlySheetIdForTests_0123"
HEADERS = ["Reference ID", "Intitulé", "Date", "Start Time", "End Time", "Salle", "Speaker notes"]
ROOMS = ["Main Hall", "Room 101", "Room 102", "Workshop Room"]
ROWS = [
    [f"N{n:02d}", f"Talk {n}", "03/06/2026", f"{9 + n}:00", f"{9 + n}:45", ROOMS[n % 4], "x"]
    for n in range(10)
]


def set_line(text: str, key: str, value: str) -> str:
    """The sample's own line for key, with another value: the rest stays as shipped."""
    changed, count = re.subn(rf"(?m)^{key} = .*$", f"{key} = {value}", text)
    assert count == 1, f"nightly.toml has one {key} line"
    return changed


def operator_copy(folder: Path, sandbox: SandboxHandle, link: LinkServer) -> Path:
    """nightly.toml pointed at the sandbox and at a sheet served by the link server, with its
    writable files beside it."""
    text = set_line(CONFIG_TEXT, "base_url", f'"{sandbox.base_url}"')
    text = set_line(text, "event", f'"{sandbox.event_id}"')
    text = set_line(text, "agenda", f'"{link.base_url}/spreadsheets/d/{SHEET_ID}/edit#gid=0"')
    # /var/lib/zuddl-import and /var/log/zuddl-import, made by systemd on a server
    text = set_line(text, "results", '"state/agenda.results.xlsx"')
    text = set_line(text, "lock_dir", '"state"')
    text = set_line(text, "log_file", '"logs/nightly.log"')
    for sub in ("state", "logs"):
        (folder / sub).mkdir(parents=True)
    config = folder / "nightly.toml"
    config.write_text(text, encoding="utf-8")
    return config


def cron_job() -> list[str]:
    """The crontab's one job line, split into its 5 schedule fields, the user, the command."""
    lines = (NIGHTLY / "crontab").read_text(encoding="utf-8").splitlines()
    jobs = [
        line
        for line in lines
        if line.strip() and not line.lstrip().startswith("#") and not re.match(r"^[A-Z_]+=", line)
    ]
    assert len(jobs) == 1, jobs
    return jobs[0].split(None, 6)


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((NIGHTLY / name).read_text(encoding="utf-8"), source=name)
    return parser


# --- the config -------------------------------------------------------------------------------


def test_sample_config_has_all_a_scheduled_run_needs() -> None:
    settings = load_settings(NIGHTLY / "nightly.toml")
    assert settings.event_id == DEMO_EVENT_ID
    assert settings.base_url == "https://api.zuddl.com"
    assert settings.api_key_env == "ZUDDL_API_KEY"
    assert isinstance(settings.agenda, str)  # a link, downloaded by every run
    assert download_form(settings.agenda).startswith("https://docs.google.com/spreadsheets/d/")
    assert settings.results == Path("/var/lib/zuddl-import/agenda.results.xlsx")
    assert settings.log_file == Path("/var/log/zuddl-import/nightly.log")
    assert settings.log_format == "json"
    assert settings.lock_dir == Path("/var/lib/zuddl-import")  # not the service's private /tmp
    assert settings.mode == "sync"
    assert settings.max_changes == "20%"
    assert settings.change_limit(10) == 2
    assert settings.skip_invalid is False
    assert (settings.rate_limit, settings.concurrency) == (5, 4)
    assert settings.mapping.timezone == "Europe/Berlin"
    assert settings.mapping.date_order == "dmy"
    assert settings.mapping.columns["Salle"] == "location"
    assert settings.mapping.columns["Intitulé"] == "title"
    assert settings.notify is not None
    assert settings.notify.when == ("failure",)
    assert settings.notify.webhook_env == "ZUDDL_NOTIFY_WEBHOOK"  # a secret: not in the file


def test_sample_config_explains_every_line() -> None:
    blocks = [b for b in re.split(r"\n\s*\n", CONFIG_TEXT) if b.strip()]
    for block in blocks:
        lines = [line for line in block.splitlines() if not line.startswith("[")]
        if lines and not all(line.startswith("#") for line in lines):
            assert lines[0].startswith("#"), f"no comment says what this is for:\n{block}"


def serve_sheet(link: LinkServer, agenda: Path, version: str) -> None:
    """The sheet as Google answers the download form of the link in the config."""
    path = f"/spreadsheets/d/{SHEET_ID}/export?format=csv&gid=0"
    headers = {"Content-Type": "text/csv", "Content-Disposition": 'attachment; filename="A.csv"'}
    link.serve(path, Answer(body=agenda.read_bytes(), headers=headers, etag=version))


def test_nightly_run_with_nothing_but_the_config(
    sandbox: SandboxHandle, link: LinkServer, tmp_path: Path
) -> None:
    conf, elsewhere = tmp_path / "etc", tmp_path / "elsewhere"
    elsewhere.mkdir()
    config = operator_copy(conf, sandbox, link)
    agenda = write_csv(tmp_path / "sheet.csv", ROWS, HEADERS)
    serve_sheet(link, agenda, '"v1"')
    settings = load_settings(config)
    env = {k: v for k, v in os.environ.items() if k != "ZUDDL_API_KEY"}

    # The very first night, through the crontab's own line: the key (and the webhook) come from
    # the env file (set -a exports them), and creating every row is more than 20% of the rows:
    # exit 5, and a word to the webhook.
    env_file = tmp_path / "zuddl-import.env"
    hook = f"{link.base_url}/services/T0/B0/nightly-hook-secret"
    env_file.write_text(
        f"{settings.api_key_env}={sandbox.key}\nZUDDL_NOTIFY_WEBHOOK={hook}\n", encoding="utf-8"
    )
    cron_log = tmp_path / "cron.log"
    command = cron_job()[6]
    for old, new in [
        (ENV_FILE, str(env_file)),
        ("runuser -u zuddl-import -- ", ""),
        (PROGRAM, f"{shlex.quote(sys.executable)} -m importer"),
        (ETC_CONFIG, str(config)),
        ("/var/log/zuddl-import/cron.log", str(cron_log)),
    ]:
        assert old in command
        command = command.replace(old, new)
    first = subprocess.run(
        ["/bin/sh", "-c", command], cwd=elsewhere, env=env, timeout=60, capture_output=True
    )
    log_text = cron_log.read_text(encoding="utf-8")
    assert first.returncode == 5, log_text
    assert (
        "Error: The plan makes 10 changes (10 creates, 0 updates), more than --max-changes 20% "
        "allows (2). Nothing was sent." in log_text
    )
    assert sandbox.sessions() == []
    assert [post["path"] for post in link.posts] == ["/services/T0/B0/nightly-hook-secret"]
    word = link.posts[0]["body"]["text"]
    assert word.startswith("zuddl-import: safety stop: nothing was sent (exit 5), event ")
    assert sandbox.key not in word and "nightly-hook-secret" not in word and SHEET_ID not in word

    # The first import, by hand with the limit lifted, as the README says.
    first_import = load_settings(config).with_overrides(max_changes="100%", rate_limit=0)
    seeded = run_import(ImportRequest(None, first_import, Secret(sandbox.key)))
    assert int(seeded.exit_code) == 0
    assert len(sandbox.sessions()) == 10

    # A day of edits: one title changed, one session added. The night's run: the config, no flag.
    rows = [list(row) for row in ROWS]
    rows[4][1] = "Talk 4 (new speaker)"
    rows.append(["N10", "Late addition", "04/06/2026", "14:00", "14:30", "Room 102", ""])
    write_csv(agenda, rows, HEADERS)
    serve_sheet(link, agenda, '"v2"')
    done = subprocess.run(
        [sys.executable, "-m", "importer", "run", "--config", str(config)],
        cwd=elsewhere,
        env={**env, settings.api_key_env: sandbox.key},
        timeout=60,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "Plan: 1 to create, 1 to update, 9 unchanged, 0 invalid" in done.stdout

    sessions = by_reference(sandbox)
    assert sorted(sessions) == [f"N{n:02d}" for n in range(11)]
    assert sessions["N04"]["title"] == "Talk 4 (new speaker)"
    # 3 June (dmy), 09:00 in Berlin (summer time) = 07:00 UTC
    assert sessions["N00"]["startDateTime"] == "2026-06-03T07:00:00Z"
    assert sessions["N10"]["startDateTime"] == "2026-06-04T12:00:00Z"
    assert sessions["N10"]["title"] == "Late addition"
    for n in range(10):  # "Salle" is the room
        assert sessions[f"N{n:02d}"]["location"][0]["locationName"] == ROOMS[n % 4]

    results = read_results(conf / "state" / "agenda.results.xlsx")
    assert len(results) == 11
    assert not list(elsewhere.iterdir()), "nothing is written where the run starts"

    log_file = conf / "logs" / "nightly.log"
    lines = [json.loads(line) for line in log_file.read_text(encoding="utf-8").splitlines()]
    nightly = [line for line in lines if line["run"] == lines[-1]["run"]]
    assert [line["event"] for line in nightly[:2]] == ["download", "run_start"]
    assert nightly[-1]["event"] == "summary"
    assert nightly[0]["link"] == "127.0.0.1"  # the host only: a sharing link is a capability
    assert nightly[1]["agenda"] == str(conf / "state" / "agenda.downloaded.csv")  # the copy
    assert (conf / "state" / "agenda.downloaded.csv").read_bytes() == agenda.read_bytes()
    assert len(link.posts) == 1  # a run that ends with exit 0 is no news
    assert sandbox.key not in log_file.read_text(encoding="utf-8")
    assert SHEET_ID not in log_file.read_text(encoding="utf-8")
    assert sandbox.key not in done.stdout + done.stderr + log_text


# --- cron -----------------------------------------------------------------------------------


def test_cron_line_runs_the_import_at_0230_every_night() -> None:
    minute, hour, day, month, weekday, user, command = cron_job()
    assert (minute, hour, day, month, weekday) == ("30", "2", "*", "*", "*")
    assert user == "root"  # /etc/cron.d format: only root reads the key file
    assert f"{PROGRAM} run --config {ETC_CONFIG}" in command
    assert "zuddl-import run --config" in command
    assert re.search(rf"set -a; \. {re.escape(ENV_FILE)}; set \+a;", command)
    assert "runuser -u zuddl-import --" in command
    assert re.search(r">> \S+\.log 2>&1$", command)
    assert "%" not in command  # cron would cut the line there
    check = subprocess.run(["/bin/sh", "-n", "-c", command], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


# --- systemd ----------------------------------------------------------------------------------


def test_service_unit() -> None:
    service = unit("zuddl-import.service")
    assert service.sections() == ["Unit", "Service"]  # started by the timer, never enabled
    run = service["Service"]
    assert run["Type"] == "oneshot"
    assert run["ExecStart"] == f"{PROGRAM} run --config {ETC_CONFIG} --no-progress"
    assert run["EnvironmentFile"] == ENV_FILE
    assert run["User"] == "zuddl-import" and run["Group"] == "zuddl-import"
    assert run["NoNewPrivileges"] == "yes"
    assert run["ProtectSystem"] == "strict"
    assert run["PrivateTmp"] == "yes"
    assert run["KillSignal"] == "SIGINT"  # stop = Ctrl-C: the results sheet is written
    writable = run["ReadWritePaths"].split()
    settings = load_settings(NIGHTLY / "nightly.toml")
    for path in (settings.results, settings.log_file, settings.lock_dir):
        assert path is not None
        assert any(path.is_relative_to(folder) for folder in writable), path
    assert "network-online.target" in service["Unit"]["After"]


def test_timer_unit() -> None:
    timer = unit("zuddl-import.timer")
    assert timer["Timer"]["OnCalendar"] == "*-*-* 02:30:00"
    assert timer["Timer"]["Persistent"] == "true"
    delay = re.fullmatch(r"(\d+)(s|min)", timer["Timer"]["RandomizedDelaySec"])
    assert delay, timer["Timer"]["RandomizedDelaySec"]
    assert int(delay.group(1)) * (60 if delay.group(2) == "min" else 1) <= 15 * 60
    assert timer["Timer"].get("Unit", "zuddl-import.service") == "zuddl-import.service"
    assert timer["Install"]["WantedBy"] == "timers.target"


def test_cron_and_systemd_run_the_same_command() -> None:
    exec_start = unit("zuddl-import.service")["Service"]["ExecStart"]
    assert f"runuser -u zuddl-import -- {exec_start} >>" in cron_job()[6]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_analyze_verify(tmp_path: Path) -> None:
    # verify wants ExecStart's program to exist: the copies point at one that does.
    program = Path(sys.executable).with_name("zuddl-import")
    if not program.exists():
        program = Path(shutil.which("true") or "/bin/true")
    for name in ("zuddl-import.service", "zuddl-import.timer"):
        text = (NIGHTLY / name).read_text(encoding="utf-8").replace(PROGRAM, str(program))
        (tmp_path / name).write_text(text, encoding="utf-8")
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", "zuddl-import.service", "zuddl-import.timer"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    ours = [line for line in (done.stdout + done.stderr).splitlines() if "zuddl-import" in line]
    assert done.returncode == 0 and not ours, done.stdout + done.stderr
    calendar = subprocess.run(
        ["systemd-analyze", "calendar", "*-*-* 02:30:00"], capture_output=True, text=True
    )
    assert calendar.returncode == 0
    assert "Normalized form: *-*-* 02:30:00" in calendar.stdout
    assert re.search(r"Next elapse: .* 02:30:00", calendar.stdout)
