"""read/textfile.py: a text agenda's encoding, separator and quoting, read within limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from importer.errors import InputFileError
from importer.read.limits import DEFAULT_LIMITS, Limits
from importer.read.table import CellValue
from importer.read.textfile import read_text


def read(
    tmp_path: Path, data: bytes, suffix: str = ".csv", limits: Limits = DEFAULT_LIMITS
) -> tuple[list[list[CellValue]], str, str, list[str]]:
    path = tmp_path / f"agenda{suffix}"
    path.write_bytes(data)
    return read_text(path, suffix, limits)


def refused(
    tmp_path: Path, data: bytes, suffix: str = ".csv", limits: Limits = DEFAULT_LIMITS
) -> str:
    with pytest.raises(InputFileError) as caught:
        read(tmp_path, data, suffix, limits)
    return str(caught.value)


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("Title,Start\nA,9:00\n", ","),
        ("Title;Start;End\nA, the first;9:00;10:00\nB;9:00;10:00\n", ";"),
        ("Title|Start\nA|9:00\n", "|"),
        ("Title\tStart\nA, B\t9:00\n", "\t"),
    ],
)
def test_the_separator_that_splits_most_consistently_wins(
    tmp_path: Path, text: str, delimiter: str
) -> None:
    grid, encoding, found, notes = read(tmp_path, text.encode())
    assert (found, encoding, notes) == (delimiter, "utf-8", [])
    assert grid[0][0] == "Title"


def test_a_tsv_prefers_tabs(tmp_path: Path) -> None:
    _, _, delimiter, _ = read(tmp_path, b"Title\tStart,End\nA\t9:00,10:00\n", ".tsv")
    assert delimiter == "\t"


def test_an_excel_sep_line_is_obeyed_and_dropped(tmp_path: Path) -> None:
    grid, _, delimiter, _ = read(tmp_path, b"sep=|\r\nTitle|Start\r\nA, B|9:00\r\n")
    assert delimiter == "|"
    assert grid == [["Title", "Start"], ["A, B", "9:00"]]


def test_empty_cells_are_none_and_quoted_line_breaks_stay(tmp_path: Path) -> None:
    grid, _, _, _ = read(tmp_path, b'Title,Notes,End\n"Two\nlines",  ,\n')
    assert grid == [["Title", "Notes", "End"], ["Two\nlines", None, None]]


def test_a_bom_gives_the_encoding(tmp_path: Path) -> None:
    grid, encoding, _, notes = read(tmp_path, "\ufeffTitle,Ort\nCafé,Zürich\n".encode("utf-8-sig"))
    assert (encoding, notes) == ("utf-8-sig", [])
    assert grid[1] == ["Café", "Zürich"]
    grid, encoding, _, _ = read(tmp_path, "Title,Ort\nCafé,Zürich\n".encode("utf-16"))
    assert (encoding, grid[1]) == ("utf-16", ["Café", "Zürich"])


def test_windows_1252_is_read_with_a_note(tmp_path: Path) -> None:
    grid, encoding, _, notes = read(tmp_path, "Title,Room\nCafé,Zürich\n".encode("cp1252"))
    assert encoding == "cp1252"
    assert grid[1] == ["Café", "Zürich"]
    assert notes == [
        "agenda.csv is not saved as UTF-8, so it was read as Windows-1252 (Western European). If "
        'letters such as é or ü look wrong, save it from Excel as "CSV UTF-8 (Comma delimited)" '
        "and import it again."
    ]


def test_a_damaged_unicode_file_is_refused(tmp_path: Path) -> None:
    assert refused(tmp_path, b"\xef\xbb\xbfTitle,Room\n\xff\xfe\xfd,x\n") == (
        "agenda.csv could not be read: it is marked as Unicode text, but parts of it are damaged. "
        'Save it from Excel as "CSV UTF-8 (Comma delimited)" and try again.'
    )


def test_one_column_is_no_agenda(tmp_path: Path) -> None:
    assert refused(tmp_path, b"Title\nKeynote\nLunch\n") == (
        "agenda.csv has only one column: no line has cells separated by commas, semicolons, tabs "
        'or "|". Save the agenda from Excel as "CSV UTF-8 (Comma delimited)" and try again.'
    )


def test_an_unclosed_quote_names_its_row(tmp_path: Path) -> None:
    limits = Limits(max_cell_chars=50)
    data = b'Title,Start\nA,9:00\n"B,9:00\n' + b"C,9:00\n" * 20
    assert refused(tmp_path, data, limits=limits) == (
        'agenda.csv: row 3 could not be read. It probably has a quote mark (") that opens a cell '
        "but never closes it, which makes the rest of the file look like one huge cell. Check the "
        "quote marks in that row, save the file and try again."
    )


def test_nul_bytes_mean_binary(tmp_path: Path) -> None:
    assert refused(tmp_path, b"Title,Start\nA\0,9:00\n").startswith(
        "agenda.csv is not a CSV text file: it is binary data"
    )


def test_limits_stop_the_reading_early(tmp_path: Path) -> None:
    many_rows = b"Title,Start\n" + b"A,9:00\n" * 40
    assert refused(tmp_path, many_rows, limits=Limits(max_rows=5)) == (
        "agenda.csv has more than 5 rows of sessions, the most one import takes. Split it into "
        "files of at most 5 rows and import them one after the other."
    )
    wide = b",".join([b"x"] * 30) + b"\n"
    assert refused(tmp_path, wide, limits=Limits(max_columns=20)).startswith(
        "agenda.csv: row 1 has 30 columns, more than the 20 a spreadsheet can hold"
    )
    assert refused(tmp_path, b"a,b\n" * 30, limits=Limits(max_sheet_cells=20)) == (
        "agenda.csv: by row 11 its rows hold more than 20 cells in all, the most this importer "
        "reads. Delete the empty columns to the right of the agenda (or split it into smaller "
        "files), then try again."
    )
