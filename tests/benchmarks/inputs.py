"""Scenarios 5 to 7: the stages of a dry run beside their floors, a clean ``validate`` and a
missing file, and the hostile corpus (tests/hostile_files.py) refused in bounded time and memory.

5. stages: one fresh process times each stage in CPU seconds next to the least the same work
   costs here (tests/benchmarks/floors.py); the whole dry run (scenario 4, its own process) must
   stay within DRY_RUN_FLOOR_RATIO times python-calamine's reading of the same file.
6. validate: of the clean generated agenda, which must write no checked copy; and of a missing
   file, which must be answered faster than ``import pandas`` takes.
7. hostile: every file of the corpus through ``validate`` in a child process: the worst wall
   time and peak RSS (at most HOSTILE_SECONDS and HOSTILE_MB each), each refused with exit 2.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.benchmarks import agenda
from tests.child import run_child, run_cli
from tests.hostile_files import CORPUS, build

DRY_RUN_FLOOR_RATIO = 8.0
HOSTILE_SECONDS, HOSTILE_MB = 5.0, 300.0
# The quick size runs the entries added for the reader's grid and values, not the 100 MB ones.
CI_CORPUS = ("far_cell.xlsx", "wide_stray.xlsx", "repeated_cells.ods", "empty_rows.xlsx")
CI_CORPUS += ("impossible_date.xlsx", "wide.csv", "zip_bomb.xlsx", "truncated.xlsx")

Row = tuple[str, str, str, str, str]


def stages(
    probe: Callable[..., dict[str, Any]], rows: int, xlsx: Path, work: Path
) -> dict[str, Any]:
    csv_path = agenda.write_csv(work / "stages.csv", agenda.agenda_rows(-(-rows // 10))[:rows])
    out = work / "stages"
    out.mkdir(exist_ok=True)
    return probe("stages", str(xlsx), str(csv_path), str(out))


def validate_and_missing(xlsx: Path, work: Path) -> dict[str, Any]:
    folder = work / "validate"
    folder.mkdir(exist_ok=True)
    copy = Path(shutil.copy(xlsx, folder / "clean.xlsx"))
    clean = run_cli(["validate", copy.name, "--timezone", "UTC"], cwd=folder, timeout=300)
    missing = [run_cli(["validate", "missing.csv"], cwd=folder) for _ in range(3)]
    pandas = [run_child([sys.executable, "-c", "import pandas"], cwd=folder) for _ in range(3)]
    return {
        "clean": {
            "exit_code": clean.code,
            "wall_s": clean.seconds,
            "peak_rss_mb": clean.peak_rss_mb,
            "checked_copy_written": (folder / "clean.checked.xlsx").exists(),
        },
        "missing_s": min(child.seconds for child in missing),
        "missing_exit_code": missing[0].code,
        "missing_message": missing[0].stderr.strip(),
        "import_pandas_s": min(child.seconds for child in pandas),
    }


def hostile(size_name: str) -> dict[str, Any]:
    chosen = [h for h in CORPUS if size_name == "full" or h.name in CI_CORPUS]
    files: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="zuddl-bench-hostile-") as temp:
        folder = Path(temp)
        run_dir = folder / "run"
        run_dir.mkdir()
        for entry in chosen:
            path = build(folder, entry)
            child = run_cli(["validate", str(path)], cwd=run_dir)
            lines = child.stderr.splitlines()
            files[entry.name] = {
                "exit_code": child.code,
                "one_line": len(lines) == 1 and lines[0].startswith("Error: "),
                "wall_s": child.seconds,
                "peak_rss_mb": child.peak_rss_mb,
            }
    slowest = max(files, key=lambda name: files[name]["wall_s"])
    biggest = max(files, key=lambda name: files[name]["peak_rss_mb"])
    return {
        "files": files,
        "count": len(files),
        "worst_s": files[slowest]["wall_s"],
        "worst_s_file": slowest,
        "worst_mb": files[biggest]["peak_rss_mb"],
        "worst_mb_file": biggest,
        "all_refused": all(f["exit_code"] == 2 and f["one_line"] for f in files.values()),
    }


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def _against(stage: float, floor: float | None) -> str:
    if floor is None:
        return f"{stage:.2f} s (floor not measured)"
    return f"{stage:.2f} s vs {floor:.2f} s ({stage / floor:.1f}×)"


def table_rows(figures: dict[str, Any]) -> list[Row]:
    s4, s5, s6, s7 = (figures[k] for k in ("dry_run", "stages", "validate", "hostile"))
    name5 = f"5 stages vs floors ({s5['rows']:,} rows, CPU)"
    name6 = "6 validate"
    name7 = f"7 hostile corpus ({s7['count']} files, validate)"
    floor = s5["floor_calamine_s"]
    ratio = s4["dry_run"]["cpu_s"] / floor
    clean = s6["clean"]
    rows: list[Row] = [
        (
            name5,
            "whole dry run (scenario 4) vs python-calamine alone",
            f"≤ {DRY_RUN_FLOOR_RATIO:g}×",
            f"{s4['dry_run']['cpu_s']:.2f} s vs {floor:.2f} s ({ratio:.1f}×)",
            _verdict(ratio <= DRY_RUN_FLOOR_RATIO),
        ),
        (name5, "load xlsx vs python-calamine alone", "", _against(s5["load_xlsx_s"], floor), ""),
        (name5, "load csv vs csv.reader", "", _against(s5["load_csv_s"], s5["floor_csv_s"]), ""),
        (name5, "map vs pydantic", "", _against(s5["map_s"], s5["floor_pydantic_s"]), ""),
        (
            name5,
            "results sheet vs xlsxwriter constant_memory",
            "",
            _against(s5["results_s"], s5["floor_xlsxwriter_s"]),
            "",
        ),
        (
            name6,
            "clean agenda: exit code, checked copy",
            "0, none",
            f"{clean['exit_code']}, {'written' if clean['checked_copy_written'] else 'none'} "
            f"({clean['wall_s']:.2f} s, {clean['peak_rss_mb']:.0f} MB)",
            _verdict(clean["exit_code"] == 0 and not clean["checked_copy_written"]),
        ),
        (
            name6,
            "missing file vs `import pandas`",
            "faster",
            f"{s6['missing_s']:.2f} s vs {s6['import_pandas_s']:.2f} s",
            _verdict(s6["missing_exit_code"] == 2 and s6["missing_s"] < s6["import_pandas_s"]),
        ),
        (
            name7,
            "every file: exit 2, one line",
            "all",
            "all" if s7["all_refused"] else "not all",
            _verdict(s7["all_refused"]),
        ),
        (
            name7,
            "worst wall time",
            f"≤ {HOSTILE_SECONDS:g} s",
            f"{s7['worst_s']:.2f} s ({s7['worst_s_file']})",
            _verdict(s7["worst_s"] <= HOSTILE_SECONDS),
        ),
        (
            name7,
            "worst peak RSS",
            f"≤ {HOSTILE_MB:g} MB",
            f"{s7['worst_mb']:.0f} MB ({s7['worst_mb_file']})",
            _verdict(s7["worst_mb"] <= HOSTILE_MB),
        ),
    ]
    return rows
