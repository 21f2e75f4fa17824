"""check/sessionfiles.py: the links a cell holds, named by their text or by the column."""

from __future__ import annotations

import pytest

from importer.check.sessionfiles import cell_files, file_problems, read_file_cells

PDF, VIDEO = "https://x.example/a.pdf", "https://v.example/v"


@pytest.mark.parametrize(
    ("text", "files"),
    [
        (PDF, [("Slides", PDF)]),
        (f"Deck: {PDF}.", [("Deck", PDF)]),  # the sentence's full stop is no part of it
        (f"[Deck]({PDF})", [("Deck", PDF)]),
        (f"Deck: {PDF}\nRecording - {VIDEO}", [("Deck", PDF), ("Recording", VIDEO)]),
        (f"Deck: {PDF}; Recording: {VIDEO}", [("Deck", PDF), ("Recording", VIDEO)]),
        (f"{PDF} {VIDEO}", [("Slides", PDF), ("Slides", VIDEO)]),  # one label, two links: none
        ("https://x.example/a?b=1,2", [("Slides", "https://x.example/a?b=1,2")]),
    ],
)
def test_links_and_their_names(text: str, files: list[tuple[str, str]]) -> None:
    assert cell_files(text, "Slides") == (files, [])


def test_what_is_no_http_link_is_handed_back() -> None:
    assert cell_files("see the drive; ftp://x.example/f", "Slides") == (
        [],
        ["see the drive", "ftp://x.example/f"],
    )


def test_a_comma_separates_labelled_links() -> None:
    assert cell_files(f"Deck: {PDF}, Recording: {VIDEO}", "Slides") == (
        [("Deck", PDF), ("Recording", VIDEO)],
        [],
    )


def test_a_link_in_brackets_after_its_label() -> None:
    assert cell_files(f"Deck ({PDF})", "Slides") == ([("Deck", PDF)], [])


@pytest.mark.parametrize(
    "text",
    [
        f"Deck ({PDF}) and Recording ({VIDEO})",
        f"[Deck]({PDF}) and [Recording]({VIDEO})",
        f"[Deck]({PDF}) & [Recording]({VIDEO})",
        f"[Deck]({PDF}), [Recording]({VIDEO})",
        f"Deck - {PDF} + Recording \u2013 {VIDEO}",
        f"(Deck) {PDF} | [Recording] {VIDEO}",
        f"Deck: <{PDF}> Recording: <{VIDEO}>",
    ],
)
def test_labels_however_framed_and_the_words_joining_links(text: str) -> None:
    assert cell_files(text, "Slides") == ([("Deck", PDF), ("Recording", VIDEO)], [])


def test_one_label_before_two_bare_links_names_neither() -> None:
    assert cell_files(f"Deck: {PDF} {VIDEO}", "Link") == ([("Link", PDF), ("Link", VIDEO)], [])
    assert cell_files(f"{PDF}, TBA", "Link") == ([("Link", PDF)], ["TBA"])


def test_rows_of_several_link_columns_each_address_once() -> None:
    rows = [
        (2, ("Talk", f"Deck: {PDF}", f"{PDF}\n{VIDEO}")),
        (3, ("Panel", "   ", None)),
        (4, ("Solo", "TBA")),
    ]
    files, bad = read_file_cells(rows, [1, 2], ["Title", "Slides", " URL "])
    assert files == {2: (("Deck", PDF), ("Link", VIDEO)), 3: (), 4: ()}
    assert bad == {4: [(1, "TBA")]}
    assert read_file_cells(rows, [], []) == ({}, {})


def test_a_piece_that_is_no_link_is_a_warning_on_its_cell() -> None:
    [problem] = file_problems({4: [(1, "TBA")]}, ["Title", "Slides"], ["A", "B"])
    assert (problem.row, problem.column, problem.value, problem.cell, problem.severity) == (
        4,
        "Slides",
        "TBA",
        "B4",
        "warning",
    )
    assert problem.message == (
        '"TBA" is not a link (http:// or https://), so it is not added to the session.'
    )
