"""The four scenarios, the targets and the table.

1. throughput: the importer (concurrency 16, no rate limit) against a naive one-at-a-time
   httpx loop, both into a sandbox answering after 80 ms;
2. rate_limited: the importer at its defaults against a sandbox allowing 10 requests/s;
3. rerun: scenario 1's import again, unchanged: list pages only, no writes;
4. dry_run: a large generated xlsx, loaded, mapped, planned and written back, in a fresh
   process (and the load step alone with either reader), for wall time and peak memory;
5. to 7.: each stage beside its floor, ``validate``, and the hostile corpus: see
   tests/benchmarks/inputs.py.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

from importer.run import ImportReport, ImportRequest, run_import
from importer.settings.config import MappingOptions, Secret, Settings
from tests.benchmarks import agenda, inputs
from tests.benchmarks.sandbox import SandboxProcess, count, requests_delta, writes

ROOT = Path(__file__).resolve().parents[2]
LATENCY_MS = 80.0
CONCURRENCY = 16
SANDBOX_RATE = 10.0
# The sandbox's own defaults, so a scenario starts from a known state whatever ran before.
QUIET = {
    "rate_limit": 0,
    "max_concurrent": 100,
    "daily_quota": 10_000_000,
    "latency_ms": LATENCY_MS,
    "jitter_ms": 0,
    "error_rate": 0,
    "drop_rate": 0,
    "slow_rate": 0,
    "seed": 0,
}


@dataclass(frozen=True)
class Size:
    name: str
    parents: int
    children: int
    xlsx_rows: int

    @property
    def sessions(self) -> int:
        return self.parents * (1 + self.children)


SIZES = {
    "full": Size("full", parents=200, children=9, xlsx_rows=50_000),
    "ci": Size("ci", parents=20, children=9, xlsx_rows=5_000),
}


def machine() -> dict[str, Any]:
    return {
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "hostname": socket.gethostname(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "httpx": httpx.__version__,
    }


def timed(action: Callable[[], Any]) -> tuple[Any, float]:
    t0 = time.perf_counter()
    result = action()
    return result, time.perf_counter() - t0


# --- scenario helpers ---------------------------------------------------------------------


def naive_baseline(sandbox: SandboxProcess, rows: list[agenda.AgendaRow]) -> dict[str, Any]:
    """One request at a time with httpx, parents then children: the "simple script"."""
    # TCP_NODELAY as the importer sets it: the ratio should measure concurrency, not Nagle.
    transport = httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
    path = f"/v1/events/{sandbox.event_id}"
    with httpx.Client(
        base_url=sandbox.base_url,
        headers={"Authorization": sandbox.key},
        timeout=30,
        transport=transport,
    ) as http:

        def run() -> int:
            calls = 1
            places = http.get(f"{path}/locations", params={"page": 1, "size": 50})
            places.raise_for_status()
            location_ids = {p["name"]: p["id"] for p in places.json()["data"]}
            created: dict[str, str] = {}
            ordered = [r for r in rows if r.parent is None] + [r for r in rows if r.parent]
            for row in ordered:
                parent = created[row.parent] if row.parent else None
                body = agenda.session_body(row, location_ids[row.location], parent)
                response = http.post(f"{path}/sessions", json=body)
                calls += 1
                if response.status_code != 201:
                    raise RuntimeError(f"baseline: {response.status_code} {response.text}")
                created[row.reference] = response.json()["id"]
            return calls

        calls, wall = timed(run)
    return {"wall_s": wall, "api_calls": calls, "sessions_per_s": len(rows) / wall}


def import_settings(sandbox: SandboxProcess, work: Path, name: str, **overrides: Any) -> Settings:
    return Settings(
        event_id=sandbox.event_id,
        base_url=sandbox.base_url,
        results=work / f"{name}.results.xlsx",
        lock_dir=work,
        mapping=MappingOptions(timezone="UTC"),
        **overrides,
    )


@dataclass
class Run:
    """One ``run_import`` call, timed by phase: until the plan is known (load, list pages, map,
    plan), while sending (plan to the last outcome), and after (results sheet, closing)."""

    report: ImportReport
    wall_s: float
    phases: dict[str, float | None]
    client_cpu_s: float
    sandbox_cpu_s: float | None


def run_importer(settings: Settings, path: Path, sandbox: SandboxProcess) -> Run:
    marks: dict[str, float] = {}
    outcomes: list[float] = []

    def planned(_: object) -> None:
        marks.setdefault("plan", time.perf_counter())

    request = ImportRequest(
        path,
        settings,
        Secret(sandbox.key),
        on_plan=planned,
        progress=lambda _: outcomes.append(time.perf_counter()),
    )
    cpu_before, server_before = time.thread_time(), sandbox.cpu_seconds()
    t0 = time.perf_counter()
    report = run_import(request)
    end = time.perf_counter()
    cpu, server_after = time.thread_time() - cpu_before, sandbox.cpu_seconds()
    if report.stopped is not None:
        raise RuntimeError(f"the import stopped: {report.stopped}")
    plan = marks.get("plan", t0)
    last = outcomes[-1] if outcomes else None
    phases = {
        "to_plan_s": plan - t0,
        "sending_s": last - plan if last is not None else None,
        "after_last_s": end - (last if last is not None else plan),
    }
    server = (
        server_after - server_before
        if server_after is not None and server_before is not None
        else None
    )
    return Run(report, end - t0, phases, cpu, server)


def run_figures(run: Run) -> dict[str, Any]:
    return {
        "wall_s": run.wall_s,
        "phases": run.phases,
        "client_cpu_s": run.client_cpu_s,
        "sandbox_cpu_s": run.sandbox_cpu_s,
        "api_calls": run.report.api_calls,
        "counts": counts(run.report),
    }


def counts(report: ImportReport) -> dict[str, int]:
    return {status.value: n for status, n in sorted(report.counts.items())}


def created_once(sandbox: SandboxProcess, expected: int) -> dict[str, Any]:
    """Every reference of the agenda exactly once in the sandbox."""
    sessions = sandbox.sessions()
    refs = [s["referenceId"] for s in sessions]
    return {
        "sessions_in_sandbox": len(sessions),
        "unique_references": len(set(refs)),
        "each_created_once": len(sessions) == expected == len(set(refs)),
    }


def sandbox_figures(stats: dict[str, Any]) -> dict[str, Any]:
    return {
        "requests": stats["requests"],
        "total_requests": stats["total_requests"],
        "rate_limited": stats["rate_limited"],
        "peak_concurrency": stats["peak_concurrency"],
        "creates_committed": stats["creates_committed"],
        "updates_committed": stats["updates_committed"],
    }


# --- scenarios ----------------------------------------------------------------------------


def throughput_and_rerun(
    sandbox: SandboxProcess, size: Size, csv_path: Path, rows: list[agenda.AgendaRow], work: Path
) -> tuple[dict[str, Any], dict[str, Any]]:
    n = size.sessions
    sandbox.reset(**QUIET)
    baseline = naive_baseline(sandbox, rows)
    baseline_stats = sandbox.stats()
    baseline |= {"sandbox": sandbox_figures(baseline_stats), **created_once(sandbox, n)}

    sandbox.reset(**QUIET)
    settings = import_settings(sandbox, work, "throughput", rate_limit=0, concurrency=CONCURRENCY)
    run = run_importer(settings, csv_path, sandbox)
    wall = run.wall_s
    after_first = sandbox.stats()
    ideal = n * LATENCY_MS / 1000 / CONCURRENCY
    importer = {
        **run_figures(run),
        "sessions_per_s": n / wall,
        "sandbox": sandbox_figures(after_first),
        **created_once(sandbox, n),
    }
    throughput = {
        "sessions": n,
        "parents": size.parents,
        "children_per_parent": size.children,
        "latency_ms": LATENCY_MS,
        "concurrency": CONCURRENCY,
        "baseline": baseline,
        "importer": importer,
        "ratio": importer["sessions_per_s"] / baseline["sessions_per_s"],
        "ideal_s": ideal,
        "over_ideal_pct": (wall / ideal - 1) * 100,
    }

    # Scenario 3, before any reset: the same import again, nothing changed.
    run = run_importer(settings, csv_path, sandbox)
    after_second = sandbox.stats()
    delta = requests_delta(after_first, after_second)
    rerun = {
        **run_figures(run),
        "api_calls_client": run.report.api_calls,
        "api_calls_sandbox": sum(delta.values()),
        "requests": delta,
        "get_requests": count(delta, "GET"),
        "writes": writes(delta),
        "creates_committed": after_second["creates_committed"] - after_first["creates_committed"],
        "updates_committed": after_second["updates_committed"] - after_first["updates_committed"],
        **created_once(sandbox, n),
    }
    return throughput, rerun


def rate_limited(sandbox: SandboxProcess, size: Size, csv_path: Path, work: Path) -> dict[str, Any]:
    n = size.sessions
    sandbox.reset(**(QUIET | {"rate_limit": SANDBOX_RATE}))
    settings = import_settings(sandbox, work, "rate_limited")  # the importer's defaults
    run = run_importer(settings, csv_path, sandbox)
    wall = run.wall_s
    stats = sandbox.stats()
    posts = stats["creates_committed"]
    return {
        **run_figures(run),
        "sessions": n,
        "sandbox_rate_limit": SANDBOX_RATE,
        "latency_ms": LATENCY_MS,
        "client_rate_limit": settings.rate_limit,
        "client_concurrency": settings.concurrency,
        "posts_committed": posts,
        "posts_per_s": posts / wall,
        "requests_per_s": stats["total_requests"] / wall,
        "rate_limited_429": stats["rate_limited"],
        "sandbox": sandbox_figures(stats),
        **created_once(sandbox, n),
    }


def probe(*args: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "tests.benchmarks.probe", *args]
    t0 = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"probe {args} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["subprocess_s"] = wall
    return result


def dry_run(size: Size, work: Path) -> dict[str, Any]:
    path, cached = agenda.cached_xlsx(size.xlsx_rows)
    result = probe("dry-run", str(path), str(work / "dry_run.results.xlsx"))
    loads = {engine: probe("load", str(path), engine) for engine in ("calamine", "openpyxl")}
    return {
        "agenda_path": path,
        "rows": size.xlsx_rows,
        "agenda": str(path),
        "agenda_bytes": path.stat().st_size,
        "agenda_was_cached": cached,
        "dry_run": result,
        "load": loads,
    }


# --- targets, table -----------------------------------------------------------------------

Row = tuple[str, str, str, str, str]  # scenario, figure, target, measured, verdict


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def _seconds(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f} s"


def _phases(phases: dict[str, float | None]) -> str:
    names = ("to_plan_s", "sending_s", "after_last_s")
    return " / ".join(_seconds(phases[name]) for name in names)


def table_rows(figures: dict[str, Any]) -> list[Row]:
    """Every figure of the table; those with a target carry its verdict."""
    s1, s2, s3, s4 = (figures[k] for k in ("throughput", "rate_limited", "rerun", "dry_run"))
    base, imp = s1["baseline"], s1["importer"]
    dry, loads = s4["dry_run"], s4["load"]
    name1 = f"1 throughput ({s1['sessions']} sessions, {s1['latency_ms']:.0f} ms)"
    name2 = f"2 rate limited (sandbox {s2['sandbox_rate_limit']:g}/s)"
    name3 = "3 re-run unchanged"
    name4 = f"4 dry run ({s4['rows']:,} rows xlsx)"
    rows: list[Row] = [
        (name1, "baseline, one at a time", "", f"{base['sessions_per_s']:.1f} sessions/s", ""),
        (name1, "baseline wall", "", f"{base['wall_s']:.2f} s", ""),
        (
            name1,
            f"importer, concurrency {s1['concurrency']}",
            "",
            f"{imp['sessions_per_s']:.1f} sessions/s",
            "",
        ),
        (name1, "importer / baseline", "≥ 12×", f"{s1['ratio']:.1f}×", _verdict(s1["ratio"] >= 12)),
        (
            name1,
            f"importer wall vs ideal {s1['ideal_s']:.2f} s",
            "≤ +20 %",
            f"{imp['wall_s']:.2f} s ({s1['over_ideal_pct']:+.1f} %)",
            _verdict(s1["over_ideal_pct"] <= 20),
        ),
        (
            name1,
            "importer API calls / peak in flight",
            "",
            f"{imp['api_calls']} / {imp['sandbox']['peak_concurrency']}",
            "",
        ),
        (
            name1,
            "importer: to plan / sending / after last",
            "",
            _phases(imp["phases"]),
            "",
        ),
        (
            name1,
            "CPU: importer / sandbox process",
            "",
            f"{imp['client_cpu_s']:.2f} s / {_seconds(imp['sandbox_cpu_s'])}",
            "",
        ),
        (
            name2,
            f"importer defaults (rate {s2['client_rate_limit']:g}/s, "
            f"concurrency {s2['client_concurrency']})",
            "",
            f"{s2['wall_s']:.2f} s wall",
            "",
        ),
        (
            name2,
            "all requests / wall",
            "≥ 9.9/s",
            f"{s2['requests_per_s']:.2f}/s ({s2['sandbox']['total_requests']} requests)",
            _verdict(s2["requests_per_s"] >= 9.9),
        ),
        (
            name2,
            "POSTs committed / wall",
            "",
            f"{s2['posts_per_s']:.2f}/s ({s2['posts_committed']} POSTs)",
            "",
        ),
        (
            name2,
            "429s received",
            "0",
            str(s2["rate_limited_429"]),
            _verdict(s2["rate_limited_429"] == 0),
        ),
        (
            name3,
            "API calls (sandbox delta / client count)",
            # The event (zone, format), the locations, 40 pages of 50 sessions.
            "≤ 42",
            f"{s3['api_calls_sandbox']} / {s3['api_calls_client']} ({s3['get_requests']} GETs)",
            _verdict(
                max(s3["api_calls_sandbox"], s3["api_calls_client"]) <= 42
                and s3["get_requests"] == s3["api_calls_sandbox"]
            ),
        ),
        (name3, "writes", "0", str(s3["writes"]), _verdict(s3["writes"] == 0)),
        (name3, "wall", "", f"{s3['wall_s']:.2f} s", ""),
        (
            name4,
            "load+map+plan+write results: wall",
            "≤ 15 s",
            f"{dry['wall_s']:.2f} s",
            _verdict(dry["wall_s"] <= 15),
        ),
        (
            name4,
            "… peak RSS",
            "≤ 800 MB",
            f"{dry['peak_rss_mb']:.0f} MB",
            _verdict(dry["peak_rss_mb"] <= 800),
        ),
    ]
    for engine, load in loads.items():
        rows.append(
            (
                name4,
                f"load_table alone, {engine}",
                "",
                f"{load['wall_s']:.2f} s, {load['peak_rss_mb']:.0f} MB peak",
                "",
            )
        )
    return rows + inputs.table_rows(figures)


def verdicts(figures: dict[str, Any]) -> dict[str, bool]:
    return {
        f"{scenario} | {figure}": verdict == "PASS"
        for scenario, figure, _, _, verdict in table_rows(figures)
        if verdict
    }


def render(figures: dict[str, Any]) -> str:
    info = figures["machine"]
    size = figures["size"]
    title = (
        f"zuddl-import benchmark, size {size['name']}: {info['cpu_count']} CPUs, "
        f"Python {info['python']}, {info['date']}"
    )
    if size["name"] != "full":
        title += " (targets are set for --size full)"
    if figures.get("overlapped"):
        title += "; scenario 2 overlapped the others"
    header: Row = ("scenario", "figure", "target", "measured", "verdict")
    rows = [header, *table_rows(figures)]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = [title]
    rule = "-+-".join("-" * w for w in widths)
    for index, row in enumerate(rows):
        shown = list(row)
        if index > 1 and row[0] == rows[index - 1][0]:
            shown[0] = ""
        elif index > 1:
            lines.append(rule)
        lines.append(" | ".join(c.ljust(w) for c, w in zip(shown, widths, strict=True)).rstrip())
        if index == 0:
            lines.append(rule)
    return "\n".join(lines)


def run_benchmark(size: Size, work: Path, *, overlap: bool = False) -> dict[str, Any]:
    """Every scenario at ``size``; ``work`` receives agendas, results sheets and journals.

    With ``overlap`` scenario 2 (rate-bound, nearly idle) runs on its own sandbox process
    beside the others, which saves its duration but lets the scenarios share the CPU: for the
    quick ci size, whose figures are only checked for shape, never for a full-size report.
    """
    rows = agenda.agenda_rows(size.parents, size.children)
    csv_path = agenda.write_csv(work / "agenda.csv", rows)
    figures: dict[str, Any] = {"machine": machine(), "size": asdict(size), "overlapped": overlap}
    started = time.perf_counter()
    flags = ["--rate-limit", "0", "--latency-ms", f"{LATENCY_MS:g}", "--daily-quota", "10000000"]

    def scenario_2() -> dict[str, Any]:
        with SandboxProcess(flags, cwd=ROOT) as own:
            return rate_limited(own, size, csv_path, work)

    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(scenario_2) if overlap else None
        with SandboxProcess(flags, cwd=ROOT) as sandbox:
            figures["throughput"], figures["rerun"] = throughput_and_rerun(
                sandbox, size, csv_path, rows, work
            )
            if pending is None:
                figures["rate_limited"] = rate_limited(sandbox, size, csv_path, work)
        figures["dry_run"] = dry_run(size, work)
        xlsx = figures["dry_run"].pop("agenda_path")
        figures["stages"] = inputs.stages(probe, size.xlsx_rows, xlsx, work)
        figures["validate"] = inputs.validate_and_missing(xlsx, work)
        figures["hostile"] = inputs.hostile(size.name)
        if pending is not None:
            figures["rate_limited"] = pending.result()
    figures["verdicts"] = verdicts(figures)
    figures["all_pass"] = all(figures["verdicts"].values())
    figures["benchmark_s"] = time.perf_counter() - started
    return figures


def main_run(out: Path, size_name: str, *, overlap: bool | None = None) -> dict[str, Any]:
    size = SIZES[size_name]
    with tempfile.TemporaryDirectory(prefix="zuddl-bench-") as temp:
        figures = run_benchmark(
            size, Path(temp), overlap=size.name == "ci" if overlap is None else overlap
        )
    figures["table"] = render(figures)
    out.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return figures
