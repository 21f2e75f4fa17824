"""One measurement in a fresh interpreter, so its peak memory is its own.

``python -m tests.benchmarks.probe dry-run AGENDA RESULTS``,
``python -m tests.benchmarks.probe load AGENDA calamine|openpyxl`` or
``python -m tests.benchmarks.probe stages AGENDA.xlsx AGENDA.csv OUT_DIR``; prints one JSON object.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

STARTED = time.perf_counter()


def peak_rss_mb() -> float:
    """The process's peak resident set: VmHWM, else ru_maxrss (KiB on Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def dry_run(agenda: Path, results: Path) -> dict[str, Any]:
    from importer.run import ImportRequest, run_import
    from importer.settings.config import MappingOptions, Settings

    imported = time.perf_counter()
    rss_before = current_rss_mb()
    settings = Settings(mapping=MappingOptions(timezone="UTC"), results=results)
    t0, cpu0 = time.perf_counter(), time.process_time()
    report = run_import(ImportRequest(agenda, settings, api_key=None, dry_run=True))
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "rows": len(report.table.rows),
        "counts": {status.value: n for status, n in report.counts.items()},
        "results_bytes": results.stat().st_size,
        "rss_before_mb": rss_before,
        "import_s": imported - STARTED,
    }


def load(agenda: Path, engine: str) -> dict[str, Any]:
    from importer.check.columns import is_known_header
    from importer.read.loader import load_table

    imported = time.perf_counter()
    rss_before = current_rss_mb()
    t0 = time.perf_counter()
    table = load_table(agenda, engine=engine, header_score=is_known_header)  # type: ignore[arg-type]
    wall = time.perf_counter() - t0
    return {
        "wall_s": wall,
        "rows": len(table.rows),
        "rss_before_mb": rss_before,
        "import_s": imported - STARTED,
    }


def main(argv: list[str]) -> None:
    what, agenda, extra = argv[0], Path(argv[1]), argv[2]
    if what == "stages":
        from tests.benchmarks.floors import stages

        result = stages(agenda, Path(extra), Path(argv[3]))
    elif what == "dry-run":
        result = dry_run(agenda, Path(extra))
    elif what == "load":
        result = load(agenda, extra)
    else:
        raise SystemExit(f"unknown probe {what!r}")
    result["peak_rss_mb"] = peak_rss_mb()
    result["ru_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["process_s"] = time.perf_counter() - STARTED
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
