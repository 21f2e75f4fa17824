"""Real agenda files published by real conferences, imported with examples/real-agendas/*.toml.

The files live outside the repository (``../shared/real-agendas``, see SOURCES.md there) and are
never copied into it: every test is skipped when that folder is missing.
"""

from __future__ import annotations

import csv
import html
import json
import warnings
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from importer.errors import ExitCode, InputFileError
from importer.run import ImportReport, ImportRequest, run_import
from importer.settings.config import Secret, load_settings
from tests.conftest import SandboxHandle
from tests.pipeline_helpers import read_results

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "real-agendas"
CONFIGS = ROOT / "examples" / "real-agendas"


def agenda(name: str) -> Path:
    if not REAL.is_dir():
        pytest.skip(f"real agenda files not found in {REAL}")
    return REAL / name


def run(
    sandbox: SandboxHandle,
    file: Path,
    config: str,
    results: Path,
    *,
    dry_run: bool = False,
) -> ImportReport:
    settings = load_settings(CONFIGS / config).with_overrides(
        base_url=sandbox.base_url, event_id=sandbox.event_id, rate_limit=0, results=results
    )
    return run_import(ImportRequest(file, settings, Secret(sandbox.key), dry_run=dry_run))


def statuses(results: Path) -> Counter[str]:
    return Counter(str(row["Status"]) for row in read_results(results))


def by_title(sessions: list[dict[str, Any]], title: str) -> list[dict[str, Any]]:
    return [s for s in sessions if s["title"] == title]


def one(sessions: list[dict[str, Any]], title: str) -> dict[str, Any]:
    found = by_title(sessions, title)
    assert len(found) == 1, f"{len(found)} sessions titled {title!r}"
    return found[0]


def span(session: dict[str, Any]) -> tuple[str, str]:
    return session["startDateTime"], session["endDateTime"]


def test_purplecon_2019(sandbox: SandboxHandle, tmp_path: Path) -> None:
    """No date in the file (default date), lengths in minutes, one empty slot row."""
    out = tmp_path / "out.xlsx"
    report = run(sandbox, agenda("purplecon-2019_schedule.csv"), "purplecon-2019.toml", out)

    sessions = sandbox.sessions()
    assert len(sessions) == 21
    # 16 Oct 2019 is summer time in Wellington (UTC+13): 9:20 there is 20:20 UTC the day before.
    assert span(one(sessions, "opening ritual")) == ("2019-10-15T20:20:00Z", "2019-10-15T20:35:00Z")
    assert span(one(sessions, "freeedom")) == ("2019-10-16T04:45:00Z", "2019-10-16T05:45:00Z")
    one(sessions, "*banging fists on table* STATE MACHINES STATE MACHINES")
    one(sessions, "Security confessions of a small country")
    assert statuses(out) == {"created": 21, "invalid": 1}
    [blank] = [r for r in read_results(out) if r["Status"] == "invalid"]
    assert blank["Row"] == 19
    assert blank["Message"] == (
        'Row 19, column "talk_title": The title is empty. Every session needs a title.'
    )
    assert report.exit_code == ExitCode.ROWS_FAILED


def test_purplecon_2019_dry_run(sandbox: SandboxHandle, tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    report = run(
        sandbox, agenda("purplecon-2019_schedule.csv"), "purplecon-2019.toml", out, dry_run=True
    )
    assert sandbox.sessions() == []
    assert statuses(out) == {"planned": 21, "invalid": 1}
    assert [p.text() for p in report.plan.errors] == [
        'Row 19, column "talk_title": The title is empty. Every session needs a title.'
    ]


def test_ieeevr_2024_sessions(sandbox: SandboxHandle, tmp_path: Path) -> None:
    """Dates written out ("Monday, 18 March 2024"), times without a leading zero."""
    out = tmp_path / "out.xlsx"
    report = run(sandbox, agenda("ieeevr-2024_sessions.csv"), "ieeevr-2024-sessions.toml", out)

    sessions = {s["referenceId"]: s for s in sandbox.sessions()}
    assert len(sessions) == 39
    # 18 March 2024 is summer time in New York (UTC-4).
    assert sessions["MO1G"]["title"] == "Tracking and Motion Capture"
    assert span(sessions["MO1G"]) == ("2024-03-18T18:00:00Z", "2024-03-18T19:00:00Z")
    assert span(sessions["TU1G"]) == ("2024-03-19T12:30:00Z", "2024-03-19T13:45:00Z")
    assert sessions["WE3J"]["parentSessionId"] is None
    assert statuses(out) == {"created": 39}
    assert report.exit_code == ExitCode.OK


def test_ieeevr_2024_papers_alone_cannot_be_imported(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    """Papers have no times of their own; every Zuddl session needs a start and an end."""
    with pytest.raises(InputFileError) as caught:
        run(
            sandbox,
            agenda("ieeevr-2024_papers.csv"),
            "ieeevr-2024-papers.toml",
            tmp_path / "o.xlsx",
        )
    assert caught.value.message == (
        "ieeevr-2024_papers.csv has no column for the session start time. Name a column "
        '"Start" (or "Date" and "Start Time"), or map one in the config file under [columns].'
    )
    assert caught.value.exit_code == ExitCode.USAGE
    assert sandbox.sessions() == []
    assert not (tmp_path / "o.xlsx").exists()


def _papers_with_times(path: Path, *, with_sessions: bool) -> Path:
    """What a user has to make: every paper carries its session's day and times."""
    with agenda("ieeevr-2024_sessions.csv").open(encoding="utf-8", newline="") as handle:
        parents = {row["id"]: row for row in csv.DictReader(handle)}
    with agenda("ieeevr-2024_papers.csv").open(encoding="utf-8", newline="") as handle:
        papers = list(csv.DictReader(handle))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "session", "type", "title", "day", "starttime", "endtime"])
        if with_sessions:
            for p in parents.values():
                writer.writerow(
                    [p["id"], "", "", p["name"], p["day"], p["starttime"], p["endtime"]]
                )
        for paper in papers:
            p = parents[paper["session"]]
            writer.writerow(
                [
                    paper["id"],
                    paper["session"],
                    paper["type"],
                    paper["title"],
                    p["day"],
                    p["starttime"],
                    p["endtime"],
                ]
            )
    return path


def test_ieeevr_2024_sessions_and_papers_in_one_sheet(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    """What works today: sessions and timed papers in one sheet; parents are created first."""
    combined = _papers_with_times(tmp_path / "ieeevr-2024_combined.csv", with_sessions=True)
    out = tmp_path / "out.xlsx"
    report = run(sandbox, combined, "ieeevr-2024-papers.toml", out)

    sessions = {s["referenceId"]: s for s in sandbox.sessions()}
    assert len(sessions) == 39 + 195
    paper = sessions["P1485"]
    # Mojibake in the source (UTF-8 read as Mac Roman) is passed on as it is.
    assert paper["title"] == (
        "\u201aÄúMay I Speak?\u201aÄù: Multi-modal Attention Guidance in Social VR Group "
        "Conversations"
    )
    assert paper["parentSessionId"] == sessions["TH1H"]["id"]
    assert paper["tags"] == ["Journal"]
    assert span(paper) == span(sessions["TH1H"])
    assert not [s for s in sessions.values() if s["parentSessionId"] == sessions["WE3J"]["id"]]
    assert sum(1 for s in sessions.values() if s["parentSessionId"] is None) == 39
    assert statuses(out) == {"created": 234}
    assert report.plan.wave_count == 2


def test_ieeevr_2024_papers_after_sessions(sandbox: SandboxHandle, tmp_path: Path) -> None:
    """Sessions first, then the papers (given their session's times) naming them as parents.

    The parent references must resolve against the sessions already in the event.
    """
    run(
        sandbox,
        agenda("ieeevr-2024_sessions.csv"),
        "ieeevr-2024-sessions.toml",
        tmp_path / "s.xlsx",
    )
    timed = _papers_with_times(tmp_path / "papers.csv", with_sessions=False)
    out = tmp_path / "out.xlsx"
    report = run(sandbox, timed, "ieeevr-2024-papers.toml", out, dry_run=True)
    assert [p.text() for p in report.plan.errors][:1] == []
    assert statuses(out) == {"planned": 195}

    run(sandbox, timed, "ieeevr-2024-papers.toml", out)
    sessions = {s["referenceId"]: s for s in sandbox.sessions()}
    assert len(sessions) == 39 + 195
    assert sessions["P1096"]["parentSessionId"] == sessions["TU2H"]["id"]
    assert span(sessions["P1096"]) == ("2024-03-19T17:30:00Z", "2024-03-19T19:00:00Z")
    assert statuses(out) == {"created": 195}


def test_dlf_forum_2020(sandbox: SandboxHandle, tmp_path: Path) -> None:
    """BOM, CRLF, "2020-Nov-09 10:00" date-times, a duplicate title, curly quotes."""
    out = tmp_path / "out.xlsx"
    report = run(sandbox, agenda("dlf-forum-2020_sessions.csv"), "dlf-forum-2020.toml", out)

    sessions = sandbox.sessions()
    assert len(sessions) == 45
    # 9 November 2020 is winter time in New York (UTC-5).
    opening = one(sessions, "Learn@DLF Tutorials 1")
    assert span(opening) == ("2020-11-09T15:00:00Z", "2020-11-09T16:00:00Z")
    assert opening["description"].startswith("Representatives from the IMLS-funded")
    gis = one(
        sessions,
        "Panel: Where It\u2019s At: Using GIS Tools for Engagement and Outreach at an HBCU Library",
    )
    assert span(gis) == ("2020-11-09T22:00:00Z", "2020-11-09T22:45:00Z")
    assert len(by_title(sessions, "Get Active with the NDSA Brunch")) == 2
    assert statuses(out) == {"created": 45}
    assert not report.mapped.errors


def test_aws_reinvent_2024_agenda_at_a_glance(sandbox: SandboxHandle, tmp_path: Path) -> None:
    """Start and end in one cell with AM/PM; four ranges end past midnight; a ragged last row."""
    out = tmp_path / "out.xlsx"
    report = run(
        sandbox,
        agenda("aws-reinvent-2024_agenda-at-a-glance.csv"),
        "aws-reinvent-2024-agenda.toml",
        out,
    )

    sessions = sandbox.sessions()
    assert len(sessions) == 86
    # Las Vegas in December: UTC-8. "07:30 PM - 12:00 AM" ends at midnight, the next day.
    replay = sorted(span(s) for s in by_title(sessions, "re:Play"))
    assert replay == [
        ("2024-12-05T03:30:00Z", "2024-12-05T08:00:00Z"),
        ("2024-12-06T03:30:00Z", "2024-12-06T08:00:00Z"),
    ]
    shuttles = one(sessions, "re:Play shuttles")
    assert span(shuttles) == ("2024-12-05T03:00:00Z", "2024-12-05T08:30:00Z")
    last = one(sessions, "PeerTalk lounge")  # the ragged row without a Notes cell
    assert span(last) == ("2024-12-06T17:00:00Z", "2024-12-06T20:00:00Z")
    assert statuses(out) == {"created": 86}
    assert any("row 87 has fewer cells than the header row" in n for n in report.notes)


def test_aws_reinvent_2024_sessions_strict_ooxml(sandbox: SandboxHandle, tmp_path: Path) -> None:
    """Strict Open XML, ISO-typed date/time cells with float noise, 9 rows of "N/A"."""
    out = tmp_path / "out.xlsx"
    report = run(
        sandbox,
        agenda("aws-reinvent-2024_sessions_strict-ooxml.xlsx"),
        "aws-reinvent-2024-sessions.toml",
        out,
    )

    sessions = sandbox.sessions()
    assert len(sessions) == 345
    # 14:29:59.9999999 in the file is 14:30 (PST, UTC-8).
    built = one(
        sessions, "Rapidly build a generative AI\u201a\xc4\xecbased full-stack application on AWS"
    )
    assert span(built) == ("2024-12-02T22:30:00Z", "2024-12-02T23:30:00Z")
    assert built["tags"] == ["Builders' session"]
    keynote = one(sessions, "CEO Keynote with Matt Garman")
    assert span(keynote) == ("2024-12-03T16:00:00Z", "2024-12-03T18:30:00Z")
    assert keynote["tags"] == ["Keynote"]

    rows = read_results(out)
    assert Counter(r["Status"] for r in rows) == {"created": 345, "invalid": 9}
    invalid = [r for r in rows if r["Status"] == "invalid"]
    assert [r["Row"] for r in invalid] == list(range(347, 356))
    assert {r["Message"] for r in invalid} == {
        f'Row {n}, column "date": "N/A" is not a date. Write it like 2026-06-10. '
        f'Row {n}, column "startTime": "N/A" is not a time. Write it like 09:30 or 9:30 AM.'
        for n in range(347, 356)
    }
    assert report.exit_code == ExitCode.ROWS_FAILED


def test_aws_reinvent_2024_sessions_without_skip_invalid_sends_nothing(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    out = tmp_path / "out.xlsx"
    settings = load_settings(CONFIGS / "aws-reinvent-2024-sessions.toml").with_overrides(
        base_url=sandbox.base_url, event_id=sandbox.event_id, rate_limit=0, results=out
    )
    settings = replace(settings, skip_invalid=False)
    file = agenda("aws-reinvent-2024_sessions_strict-ooxml.xlsx")
    run_import(ImportRequest(file, settings, Secret(sandbox.key)))

    assert sandbox.sessions() == []
    rows = read_results(out)
    assert Counter(r["Status"] for r in rows) == {"skipped": 345, "invalid": 9}
    held = "Nothing was sent because 9 rows have problems. Fix them, or run with --skip-invalid."
    # Each row's own notes (here: the derived reference ID) follow the reason it was held.
    assert {r["Message"][: len(held)] for r in rows if r["Status"] == "skipped"} == {held}


def test_couchbase_connect_2014(sandbox: SandboxHandle, tmp_path: Path) -> None:
    """Excel dates and time-only cells; SessionId is a formula (its saved values are read)."""
    out = tmp_path / "out.xlsx"
    report = run(
        sandbox, agenda("couchbase-connect-2014_agenda.xlsx"), "couchbase-connect-2014.toml", out
    )

    sessions = {s["referenceId"]: s for s in sandbox.sessions()}
    assert len(sessions) == 65
    assert set(sessions) == {str(n) for n in range(1001, 1066)}
    deep = sessions["1012"]
    assert deep["title"] == "Deep Dive: What\u2019s New in Couchbase Server 3.0"
    # 6 October 2014 is summer time in San Francisco (UTC-7).
    assert span(deep) == ("2014-10-06T22:20:00Z", "2014-10-06T23:05:00Z")
    assert deep["tags"] == ["Architecture"]
    assert sessions["1001"]["title"] == "Registration"
    assert sessions["1001"]["tags"] == []
    assert statuses(out) == {"created": 65}
    assert report.table.sheet == "sessions"


def test_pyconfr_2025_pretalx_schedule(sandbox: SandboxHandle, tmp_path: Path) -> None:
    """A pretalx dump: 75 talks, 9 two-day sprints, 5 breaks with a start only."""
    file = agenda("pyconfr-2025_pretalx-schedule.json")
    out = tmp_path / "out.xlsx"
    report = run(sandbox, file, "pyconfr-2025.toml", out)

    sessions = {s["referenceId"]: s for s in sandbox.sessions()}
    assert len(sessions) == 75 + 18 + 5
    # Every slot of the file, as the sandbox holds it: exact to the second, in UTC.
    data = json.loads(file.read_text(encoding="utf-8"))
    expected: dict[str, tuple[str, str]] = {}
    for part in ("schedule", "sprints"):
        for slots in data[part].values():
            for rooms in slots.values():
                for sub in rooms.values():
                    ordered = sorted(sub["slots"], key=lambda s: s["start"])
                    for n, slot in enumerate(ordered, start=1):
                        ref = sub["code"] if len(ordered) == 1 else f"{sub['code']}-{n}"
                        expected[ref] = (utc(slot["start"]), utc(slot["end"]))
    assert len(expected) == 93
    assert {ref: span(sessions[ref]) for ref in expected} == expected
    welcome = sessions["38LRHE"]
    assert welcome["title"] == "Accueil\u202f/ Welcome"  # a French narrow space, kept
    assert welcome["tags"] == ["Short plenary"]
    assert welcome["description"].startswith("Session d'ouverture de PyConFR 2025.")
    # Lunch on Saturday: 12:30 (minute 750) until the next talk, 13:30 Paris time.
    assert sessions["saturday-lunch"]["title"] == "Lunch / Déjeuner"
    assert span(sessions["saturday-lunch"]) == ("2025-11-01T11:30:00Z", "2025-11-01T12:30:00Z")
    assert statuses(out) == {"created": 98}
    assert report.exit_code == ExitCode.OK


def utc(text: str) -> str:
    return datetime.fromisoformat(text).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- every session exact: the expected spans computed from each file on its own ------------


def _utc(local: datetime, zone: str) -> str:
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _csv(name: str) -> list[dict[str, str]]:
    with agenda(name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _held(sandbox: SandboxHandle) -> list[tuple[str, str, str]]:
    return sorted((s["title"], s["startDateTime"], s["endDateTime"]) for s in sandbox.sessions())


def test_purplecon_2019_every_session_exact(sandbox: SandboxHandle, tmp_path: Path) -> None:
    run(sandbox, agenda("purplecon-2019_schedule.csv"), "purplecon-2019.toml", tmp_path / "o.xlsx")
    expected = []
    for row in _csv("purplecon-2019_schedule.csv"):
        if not row["talk_title"].strip():
            continue  # the empty 16:40 slot: invalid, not sent
        begin = datetime.combine(date(2019, 10, 16), time.fromisoformat(row["time"].zfill(5)))
        end = begin + timedelta(minutes=int(row["Length"]))
        title = html.unescape(row["talk_title"]).strip()
        expected.append((title, _utc(begin, "Pacific/Auckland"), _utc(end, "Pacific/Auckland")))
    assert _held(sandbox) == sorted(expected)


def test_ieeevr_2024_sessions_every_session_exact(sandbox: SandboxHandle, tmp_path: Path) -> None:
    file = agenda("ieeevr-2024_sessions.csv")
    run(sandbox, file, "ieeevr-2024-sessions.toml", tmp_path / "o.xlsx")
    expected = []
    for row in _csv("ieeevr-2024_sessions.csv"):
        day = datetime.strptime(row["day"], "%A, %d %B %Y").date()
        begin = datetime.combine(day, time.fromisoformat(row["starttime"].zfill(5)))
        end = datetime.combine(day, time.fromisoformat(row["endtime"].zfill(5)))
        zone = "America/New_York"
        expected.append((html.unescape(row["name"]), _utc(begin, zone), _utc(end, zone)))
    assert _held(sandbox) == sorted(expected)


def test_dlf_forum_2020_every_session_exact(sandbox: SandboxHandle, tmp_path: Path) -> None:
    run(sandbox, agenda("dlf-forum-2020_sessions.csv"), "dlf-forum-2020.toml", tmp_path / "o.xlsx")
    zone = "America/New_York"
    expected = [
        (
            row["Title"].strip(),
            _utc(datetime.strptime(row["start"], "%Y-%b-%d %H:%M"), zone),
            _utc(datetime.strptime(row["finish"], "%Y-%b-%d %H:%M"), zone),
        )
        for row in _csv("dlf-forum-2020_sessions.csv")
    ]
    assert _held(sandbox) == sorted(expected)


def test_aws_reinvent_2024_agenda_every_session_exact(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    file = agenda("aws-reinvent-2024_agenda-at-a-glance.csv")
    run(sandbox, file, "aws-reinvent-2024-agenda.toml", tmp_path / "o.xlsx")
    zone, expected = "America/Los_Angeles", []
    for row in _csv("aws-reinvent-2024_agenda-at-a-glance.csv"):
        day = date.fromisoformat(row["Date"])
        first, last = (
            datetime.strptime(t.strip(), "%I:%M %p").time() for t in row["Time"].split(" - ")
        )
        begin, end = datetime.combine(day, first), datetime.combine(day, last)
        if end <= begin:
            end += timedelta(days=1)  # "07:00 PM - 12:30 AM" ends the next day
        expected.append((row["Event"].strip(), _utc(begin, zone), _utc(end, zone)))
    assert _held(sandbox) == sorted(expected)


def test_couchbase_connect_2014_every_session_exact(sandbox: SandboxHandle, tmp_path: Path) -> None:
    file = agenda("couchbase-connect-2014_agenda.xlsx")
    run(sandbox, file, "couchbase-connect-2014.toml", tmp_path / "o.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl: "Unknown extension is not supported"
        book = openpyxl.load_workbook(file, data_only=True, read_only=True)
        rows = list(book["sessions"].iter_rows(min_row=2, max_col=5, values_only=True))
        book.close()
    zone = "America/Los_Angeles"
    expected = {
        str(ref): (
            _utc(datetime.combine(day.date(), start), zone),
            _utc(datetime.combine(day.date(), end), zone),
        )
        for ref, day, start, end, _ in rows
        if ref is not None
    }
    held = {s["referenceId"]: span(s) for s in sandbox.sessions()}
    assert len(expected) == 65
    assert held == expected
