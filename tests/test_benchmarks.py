"""The benchmark at ci size: every scenario and figure is there, with sane types, and the
imports it measures were correct (each session created once, no writes on a re-run).

No timing is asserted: this machine's speed is not the importer's correctness.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from numbers import Real
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("bench") / "bench.json"
    done = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks", str(out), "--size", "ci"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    # What was printed is the table the JSON holds.
    assert result["table"] in done.stdout
    return result


def finite(value: Any) -> float:
    assert isinstance(value, Real) and not isinstance(value, bool), value
    assert math.isfinite(value), value
    return float(value)


def number(value: Any) -> float:
    """A measured quantity: a finite number above zero."""
    assert finite(value) > 0, value
    return float(value)


def whole(value: Any) -> int:
    assert isinstance(value, int) and not isinstance(value, bool), value
    assert value >= 0, value
    return value


def created_once(part: dict[str, Any], sessions: int) -> None:
    assert part["each_created_once"] is True
    assert part["sessions_in_sandbox"] == part["unique_references"] == sessions


def timed_run(part: dict[str, Any], *, sent: bool) -> None:
    """The figures every timed ``run_import`` carries: wall, phases, CPU."""
    number(part["wall_s"])
    number(part["client_cpu_s"])
    assert part["sandbox_cpu_s"] is None or finite(part["sandbox_cpu_s"]) >= 0
    phases = part["phases"]
    assert set(phases) == {"to_plan_s", "sending_s", "after_last_s"}
    number(phases["to_plan_s"])
    number(phases["after_last_s"])
    if sent:
        number(phases["sending_s"])
    else:
        assert phases["sending_s"] is None
    assert sum(v for v in phases.values() if v is not None) == pytest.approx(part["wall_s"])


pytestmark = pytest.mark.slow


def test_machine_and_size(figures: dict[str, Any]) -> None:
    info = figures["machine"]
    assert whole(info["cpu_count"]) >= 1
    assert info["python"].startswith(f"{sys.version_info.major}.{sys.version_info.minor}")
    assert isinstance(info["date"], str) and info["date"][:2] == "20"
    size = figures["size"]
    assert size == {"name": "ci", "parents": 20, "children": 9, "xlsx_rows": 5000}
    number(figures["benchmark_s"])
    assert isinstance(figures["all_pass"], bool)
    assert figures["verdicts"] and all(isinstance(v, bool) for v in figures["verdicts"].values())
    headings = ("1 throughput", "2 rate limited", "3 re-run", "4 dry run", "5 stages")
    for heading in (*headings, "6 validate", "7 hostile corpus"):
        assert heading in figures["table"]


def test_throughput(figures: dict[str, Any]) -> None:
    s1 = figures["throughput"]
    n = s1["sessions"]
    assert n == 200 and s1["concurrency"] == 16 and s1["latency_ms"] == 80
    for side in ("baseline", "importer"):
        part = s1[side]
        number(part["wall_s"])
        number(part["sessions_per_s"])
        assert whole(part["api_calls"]) >= n
        created_once(part, n)
        stats = part["sandbox"]
        assert stats["creates_committed"] == stats["requests"]["POST 201"] == n
        assert stats["updates_committed"] == stats["rate_limited"] == 0
    assert s1["baseline"]["sandbox"]["peak_concurrency"] == 1
    assert 1 < s1["importer"]["sandbox"]["peak_concurrency"] <= 16
    assert s1["importer"]["counts"] == {"created": n}
    timed_run(s1["importer"], sent=True)
    number(s1["ratio"])
    assert s1["ideal_s"] == pytest.approx(n * 0.080 / 16)
    finite(s1["over_ideal_pct"])


def test_rate_limited(figures: dict[str, Any]) -> None:
    s2 = figures["rate_limited"]
    n = s2["sessions"]
    assert s2["sandbox_rate_limit"] == 10 and s2["client_rate_limit"] == 10
    whole(s2["client_concurrency"])
    timed_run(s2, sent=True)
    number(s2["requests_per_s"])
    number(s2["posts_per_s"])
    whole(s2["rate_limited_429"])
    assert s2["posts_committed"] == s2["sandbox"]["creates_committed"] == n
    assert s2["counts"] == {"created": n}
    created_once(s2, n)


def test_rerun_makes_no_writes(figures: dict[str, Any]) -> None:
    s3 = figures["rerun"]
    n = figures["throughput"]["sessions"]
    assert s3["writes"] == s3["creates_committed"] == s3["updates_committed"] == 0
    assert set(s3["requests"]) <= {"GET 200"}
    assert whole(s3["api_calls_sandbox"]) == s3["get_requests"] == sum(s3["requests"].values())
    assert whole(s3["api_calls_client"]) >= s3["api_calls_sandbox"] > 0
    assert s3["counts"] == {"unchanged": n}
    timed_run(s3, sent=False)
    created_once(s3, n)


def test_dry_run(figures: dict[str, Any]) -> None:
    s4 = figures["dry_run"]
    rows = s4["rows"]
    assert rows == 5000
    whole(s4["agenda_bytes"])
    assert isinstance(s4["agenda_was_cached"], bool)
    dry = s4["dry_run"]
    assert dry["rows"] == rows and dry["counts"] == {"planned": rows}
    for key in ("wall_s", "peak_rss_mb", "ru_maxrss_mb", "process_s", "subprocess_s"):
        number(dry[key])
    whole(dry["results_bytes"])
    assert set(s4["load"]) == {"calamine", "openpyxl"}
    for load in s4["load"].values():
        assert load["rows"] == rows
        for key in ("wall_s", "peak_rss_mb", "subprocess_s"):
            number(load[key])


def test_stages_beside_their_floors(figures: dict[str, Any]) -> None:
    s5 = figures["stages"]
    assert s5["rows"] == 5000
    for key in ("load_xlsx_s", "load_csv_s", "map_s", "load_map_plan_s", "results_s"):
        number(s5[key])
    for key in ("floor_calamine_s", "floor_csv_s", "floor_pydantic_s", "floor_xlsxwriter_s"):
        number(s5[key])  # xlsxwriter is a test extra: its floor is measured here too
    number(figures["dry_run"]["dry_run"]["cpu_s"])


def test_validate_of_a_clean_file_writes_no_copy_and_a_missing_one_is_quick(
    figures: dict[str, Any],
) -> None:
    s6 = figures["validate"]
    assert s6["clean"]["exit_code"] == 0
    assert s6["clean"]["checked_copy_written"] is False
    assert s6["missing_exit_code"] == 2
    assert s6["missing_message"] == (
        "Error: missing.csv was not found. Check the file name and the folder it is in, then "
        "try again."
    )
    number(s6["missing_s"])
    number(s6["import_pandas_s"])


def test_hostile_corpus_figures(figures: dict[str, Any]) -> None:
    s7 = figures["hostile"]
    assert s7["count"] == len(s7["files"]) == 8
    assert s7["all_refused"] is True
    for entry in s7["files"].values():
        assert entry["exit_code"] == 2 and entry["one_line"] is True
        number(entry["wall_s"])
        number(entry["peak_rss_mb"])
    assert s7["worst_s"] == max(f["wall_s"] for f in s7["files"].values())
    assert s7["worst_mb"] == max(f["peak_rss_mb"] for f in s7["files"].values())
