"""Each stage of a dry run beside its floor: the least the same work costs here.

``python -m tests.benchmarks.probe stages AGENDA.xlsx AGENDA.csv OUT_DIR`` runs, in one fresh
process and timed in CPU seconds: reading the sheet with python-calamine alone and with the
importer's loader; streaming the CSV with ``csv.reader`` and loading it; pydantic validating the
same rows and the mapper; an xlsxwriter ``constant_memory`` sheet of the same cells and the
results sheet. A stage far above its floor is where the time goes.
"""

from __future__ import annotations

import csv
import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, create_model
from python_calamine import CalamineWorkbook

# Imported before any timing starts, so no floor includes loading its library.
try:
    import xlsxwriter
except ImportError:  # a test extra: without it the results sheet has no floor to compare with
    xlsxwriter = None

Timing = dict[str, float | None]


def cpu(action: Callable[[], Any]) -> tuple[Any, float]:
    started = time.process_time()
    result = action()
    return result, time.process_time() - started


def calamine_alone(path: Path) -> int:
    book = CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_index(0).to_python()
    return len(rows)


def csv_alone(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle))


def pydantic_alone(headers: tuple[str, ...], rows: list[tuple[Any, ...]]) -> int:
    """The same cells through a pydantic model of as many typed fields: validation's floor."""
    value = str | int | float | dt.datetime | dt.date | dt.time | None
    fields: dict[str, Any] = {f"f{n}": (value, None) for n in range(len(headers))}
    model: type[BaseModel] = create_model("Row", **fields)
    names = list(fields)
    return len([model(**dict(zip(names, row, strict=True))) for row in rows])


def xlsxwriter_alone(out: Path, headers: tuple[str, ...], rows: list[tuple[Any, ...]]) -> bool:
    """The results' cells (seven columns of ours, then the sheet's) in constant memory."""
    if xlsxwriter is None:
        return False
    book = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    sheet = book.add_worksheet("Results")
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    ours = ("Row", "Status", "Message", "Zuddl Session ID", "Zuddl Parent ID", "Reference ID")
    sheet.write_row(0, 0, (*ours, "HTTP Status", *headers))
    for index, row in enumerate(rows, start=1):
        sheet.write_row(index, 0, (index + 1, "planned", "", "", "", "", ""))
        for column, cell in enumerate(row, start=7):
            if isinstance(cell, dt.datetime | dt.date | dt.time):
                sheet.write_datetime(index, column, cell, stamp)
            elif cell is not None:
                sheet.write(index, column, cell)
    book.close()
    return True


def stages(xlsx: Path, csv_path: Path, out: Path) -> dict[str, Any]:
    from importer.check.columns import is_known_header
    from importer.check.mapper import map_rows
    from importer.read.loader import load_table
    from importer.run import ImportRequest, run_import
    from importer.settings.config import MappingOptions, Settings
    from importer.write.results import write_results

    timing: Timing = {}
    _, timing["floor_calamine_s"] = cpu(lambda: calamine_alone(xlsx))
    table, timing["load_xlsx_s"] = cpu(lambda: load_table(xlsx, header_score=is_known_header))
    _, timing["floor_csv_s"] = cpu(lambda: csv_alone(csv_path))
    _, timing["load_csv_s"] = cpu(lambda: load_table(csv_path, header_score=is_known_header))
    rows = [row.values for row in table.rows]
    _, timing["floor_pydantic_s"] = cpu(lambda: pydantic_alone(table.headers, rows))
    options = MappingOptions(timezone="UTC")
    _, timing["map_s"] = cpu(lambda: map_rows(table, options, timezone="UTC"))
    written, floor = cpu(lambda: xlsxwriter_alone(out / "floor.xlsx", table.headers, rows))
    timing["floor_xlsxwriter_s"] = floor if written else None
    settings = Settings(mapping=options)
    request = ImportRequest(xlsx, settings, api_key=None, dry_run=True, write_results=False)
    report, timing["load_map_plan_s"] = cpu(lambda: run_import(request))
    results = out / "stages.results.xlsx"
    _, timing["results_s"] = cpu(lambda: write_results(results, report.table, report.outcomes))
    return {**timing, "rows": len(table.rows)}
