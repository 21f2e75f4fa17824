"""check/grouping.py and check/phrases.py: one message said once with its rows."""

from __future__ import annotations

import pytest

from importer.check.drafts import Problem
from importer.check.grouping import grouped
from importer.check.phrases import rows_phrase


@pytest.mark.parametrize(
    ("rows", "words"),
    [
        ([5], "row 5"),
        ([5, 6], "rows 5 and 6"),
        ([5, 6, 7], "rows 5 to 7"),
        ([2, 3, 4, 9, 11], "rows 2 to 4, 9 and 11"),
        (list(range(2, 40, 2)), "rows 2, 4, 6, 8, 10, 12, 14, 16, 18, 20 and 9 more"),
        (
            [1, 2, 3, *range(10, 50, 2)],
            "rows 1 to 3, 10, 12, 14, 16, 18, 20, 22, 24, 26 and 11 more",
        ),
    ],
)
def test_rows_as_words(rows: list[int], words: str) -> None:
    assert rows_phrase(rows) == words


def test_one_message_on_many_rows_is_said_once_in_first_order() -> None:
    problems = [
        Problem(2, "Start", None, "The time is missing. Fill it in."),
        Problem(9, "Title", None, "The title is missing."),
        Problem(3, "Start", None, "The time is missing. Fill it in."),
        Problem(4, "Start", None, "The time is missing. Fill it in."),
    ]
    assert grouped(problems) == [
        ("error", 'Rows 2 to 4 (3 rows), column "Start": The time is missing. Fill it in.'),
        ("error", 'Row 9, column "Title": The title is missing.'),
    ]


def test_severity_and_column_keep_groups_apart() -> None:
    problems = [
        Problem(2, "Start", None, "Odd."),
        Problem(3, "Start", None, "Odd.", severity="warning"),
        Problem(4, "End", None, "Odd."),
        Problem(5, "Start", None, "Odd."),
    ]
    assert grouped(problems) == [
        ("error", 'Rows 2 and 5 (2 rows), column "Start": Odd.'),
        ("warning", 'Row 3, column "Start": Odd.'),
        ("error", 'Row 4, column "End": Odd.'),
    ]


def test_a_group_without_a_column_names_rows_only() -> None:
    problems = [Problem(7, None, None, "Hidden row."), Problem(8, None, None, "Hidden row.")]
    assert grouped(problems) == [("error", "Rows 7 and 8 (2 rows): Hidden row.")]


def test_messages_without_a_row_are_kept_one_by_one() -> None:
    problems = [Problem(None, None, None, "No header."), Problem(None, None, None, "No header.")]
    assert grouped(problems) == [("error", "No header."), ("error", "No header.")]


def test_one_row_with_one_message_twice_is_not_counted_as_two_rows() -> None:
    problems = [Problem(3, "Tags", None, "Too long."), Problem(3, "Tags", None, "Too long.")]
    assert grouped(problems) == [("error", 'Row 3, column "Tags": Too long.')]
