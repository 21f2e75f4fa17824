"""A sheet's cells straight from python-calamine, as the loader's plain Python values.

pandas' reader wraps the same calamine call in a DataFrame, converting every cell twice (to
pandas types, then back); for a 50,000-row sheet that cost more than calamine's own reading.
The values come out as pandas gave them: whole floats as ints, empty text as None, dates as
datetimes (a date cell at midnight).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, cast

from importer.read.table import CellValue


def read_rows(workbook: Any, sheet: str, most: int) -> list[list[CellValue]]:
    """At most ``most`` rows of ``sheet``, from Excel's row 1 (no leading rows skipped)."""
    rows = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False, nrows=most)
    # Text, most of a sheet, is judged in line; only the other cells pay for a call.
    return [
        [
            (value if value.strip() else None) if value.__class__ is str else _cell(value)
            for value in row
        ]
        for row in rows
    ]


def _cell(value: object) -> CellValue:
    kind = type(value)
    # Exact type tests first: the common cells pay for one comparison, not an isinstance chain.
    if kind is str:
        text = cast(str, value)
        return text if text.strip() else None
    if kind is float:
        number = cast(float, value)
        if math.isnan(number):
            return None
        return int(number) if number.is_integer() else number
    if kind is dt.date:
        day = cast(dt.date, value)
        return dt.datetime(day.year, day.month, day.day)
    if isinstance(value, int | dt.datetime | dt.time | dt.timedelta):
        return value
    return None if value is None else str(value)
