"""How a written date like 10/06/2026 is read: the three orders, named once for every layer.

Imports nothing, so the cell parsers (check/), the settings and the page share one definition.
"""

from __future__ import annotations

from typing import Literal, get_args

DateOrder = Literal["mdy", "dmy", "ymd"]
DATE_ORDERS: tuple[DateOrder, ...] = get_args(DateOrder)


def as_date_order(text: str | None) -> DateOrder | None:
    """The order ``text`` names, or None (read from the sheet) for anything else."""
    for order in DATE_ORDERS:
        if text == order:
            return order
    return None
