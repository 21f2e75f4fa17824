"""Row numbers as words, for messages that name many rows at once."""

from __future__ import annotations

from collections.abc import Sequence

LISTED_RUNS = 10


def rows_phrase(numbers: Sequence[int]) -> str:
    """Excel row numbers as words: "row 5", "rows 5 and 6", "rows 1 to 3, 7 and 12 more"."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and runs[-1][1] == number - 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    parts: list[tuple[str, int]] = []
    for a, b in runs:
        parts += (
            [(f"{a} to {b}", b - a + 1)] if b > a + 1 else [(str(n), 1) for n in range(a, b + 1)]
        )
    shown = [text for text, _ in parts[:LISTED_RUNS]]
    if len(parts) > LISTED_RUNS:
        shown.append(f"{sum(count for _, count in parts[LISTED_RUNS:])} more")
    listed = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
    return ("row " if len(numbers) == 1 else "rows ") + listed
