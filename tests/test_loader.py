from __future__ import annotations

import datetime as dt
import math
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xlwt  # type: ignore[import-untyped]

from importer.errors import ExitCode, InputFileError
from importer.read.loader import SourceRow, Table, _clean, column_letter, list_sheets, load_table
from tests.loader_fixtures import Formula, write_encrypted_workbook, write_raw_xlsx

ALLOWED_TYPES = (str, int, float, bool, dt.datetime, dt.date, dt.time, dt.timedelta, type(None))
SUPPORTED = ".xlsx, .xlsm, .xls, .ods, .csv, .tsv, .txt and schedule exports (.json)"
PYTHON_WORDS = ("None", "NaN", "NaT", "dtype", "Timestamp", "KeyError", "Traceback", "Error:")
RESAVE = 'save it again as "Excel Workbook (.xlsx)" or as CSV, then try again.'


def write_xlsx(
    path: Path, sheets: dict[str, dict[str, Any]], formats: dict[str, str] | None = None
) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.worksheets[0])
    for name, cells in sheets.items():
        sheet = book.create_sheet(name)
        for ref, value in cells.items():
            sheet[ref] = value
            if formats and ref in formats:
                sheet[ref].number_format = formats[ref]
    book.save(path)
    return path


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def error_of(path: Path, **kwargs: Any) -> str:
    with pytest.raises(InputFileError) as caught:
        load_table(path, **kwargs)
    assert caught.value.exit_code == ExitCode.USAGE
    message = caught.value.message
    assert "\n" not in message
    assert not [word for word in PYTHON_WORDS if word in message]
    return message


def values(table: Table) -> list[tuple[int, tuple[Any, ...]]]:
    return [(row.number, row.values) for row in table.rows]


def assert_plain_values(table: Table) -> None:
    for row in table.rows:
        assert isinstance(row, SourceRow)
        assert len(row.values) == len(table.headers)
        for value in row.values:
            assert type(value) in ALLOWED_TYPES, (row.number, value)
            assert not (isinstance(value, float) and math.isnan(value))
            assert not isinstance(value, pd.Timestamp)


# --- column letters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "letter"),
    [(0, "A"), (1, "B"), (25, "Z"), (26, "AA"), (27, "AB"), (701, "ZZ"), (702, "AAA")],
)
def test_column_letter(index: int, letter: str) -> None:
    assert column_letter(index) == letter


# --- Excel layout: row numbers, title rows, blank rows and columns -----------------------------


MESSY_LAYOUT = {
    "B2": "ACME Summit 2025 — Agenda",
    "B4": "Title",
    "C4": "  Start\n  time ",
    "E4": "Room",
    "B5": "Opening",
    "C5": dt.datetime(2025, 3, 1, 9, 0),
    "E5": "Hall A",
    "B8": "Closing",
    "C8": dt.datetime(2025, 3, 1, 17, 0),
    "D8": "stray note",
}


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_excel_row_numbers_survive_title_rows_blank_rows_and_blank_column_a(
    tmp_path: Path, engine: Any
) -> None:
    path = write_xlsx(tmp_path / "agenda.xlsx", {"Agenda": MESSY_LAYOUT})
    table = load_table(path, engine=engine)
    assert table.sheet == "Agenda"
    assert table.sheet_names == ("Agenda",)
    assert table.header_row == 4
    # Column A is empty everywhere and dropped; D has no name but holds a value.
    assert table.headers == ("Title", "Start time", "Column D", "Room")
    assert table.columns == ("B", "C", "D", "E")
    assert values(table) == [
        (5, ("Opening", dt.datetime(2025, 3, 1, 9, 0), None, "Hall A")),
        (8, ("Closing", dt.datetime(2025, 3, 1, 17, 0), "stray note", None)),
    ]
    assert table.notes == (
        'agenda.xlsx, sheet "Agenda": the column names were taken from row 4; the filled-in '
        "row 2 above it was not imported.",
        'agenda.xlsx, sheet "Agenda": 2 blank rows inside the table were skipped (rows 6 and 7).',
    )
    assert table.encoding is None and table.delimiter is None


def test_hand_built_sheet_whose_used_area_starts_at_c3_keeps_excel_numbers(tmp_path: Path) -> None:
    # The <dimension> says C3:D6, so a reader that skips the empty top-left area would be off.
    path = write_raw_xlsx(
        tmp_path / "raw.xlsx",
        {"Agenda": {"C3": "Title", "D3": "Room", "C4": "Keynote", "D4": "Hall", "D6": "Side room"}},
    )
    table = load_table(path)
    assert table.header_row == 3
    assert table.columns == ("C", "D")
    assert values(table) == [(4, ("Keynote", "Hall")), (6, (None, "Side room"))]


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_formula_cells_give_their_cached_values(tmp_path: Path, engine: Any) -> None:
    path = write_raw_xlsx(
        tmp_path / "formulas.xlsx",
        {
            "sessions": {
                "A1": "SessionId",
                "B1": "Name",
                "A2": 1001,
                "B2": "Registration",
                "A3": Formula("+A2+1", 1002),
                "B3": Formula('"Key"&"note"', "Keynote"),
                "A4": Formula("+A3+1", 1003.0),
                "B4": "Lunch",
            }
        },
    )
    table = load_table(path, engine=engine)
    assert values(table) == [
        (2, (1001, "Registration")),
        (3, (1002, "Keynote")),
        (4, (1003, "Lunch")),
    ]
    assert all(type(row.values[0]) is int for row in table.rows)


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_excel_cell_types(tmp_path: Path, engine: Any) -> None:
    cells = {
        "A1": "ID",
        "B1": "Date",
        "C1": "Start",
        "D1": "Serial date",
        "E1": "Number",
        "F1": "Notes",
        "G1": "Flag",
        "A2": "007",
        "B2": dt.datetime(2025, 3, 1, 9, 30),
        "C2": dt.time(9, 30),
        "D2": 45000,
        "E2": 1001.0,
        "F2": "   ",
        "G2": True,
        "A3": 42,
        "B3": dt.date(2025, 3, 2),
        "C3": dt.time(14, 5),
        "D3": 45001.5,
        "E3": 2.5,
        "F3": "N/A",
        "G3": "None",
    }
    formats = {"D2": "m/d/yyyy", "D3": "m/d/yyyy h:mm"}
    path = write_xlsx(tmp_path / "types.xlsx", {"Agenda": cells}, formats)
    table = load_table(path, engine=engine)
    assert_plain_values(table)
    assert values(table) == [
        (
            2,
            (
                "007",
                dt.datetime(2025, 3, 1, 9, 30),
                dt.time(9, 30),
                dt.datetime(2023, 3, 15),
                1001,
                None,
                True,
            ),
        ),
        (
            3,
            (
                42,
                dt.datetime(2025, 3, 2),
                dt.time(14, 5),
                dt.datetime(2023, 3, 16, 12, 0),
                2.5,
                "N/A",
                "None",
            ),
        ),
    ]
    assert type(table.rows[0].values[4]) is int
    assert type(table.rows[0].values[1]) is dt.datetime


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (float("nan"), None),
        (np.float64("nan"), None),
        (pd.NaT, None),
        (None, None),
        ("", None),
        (" \t\n", None),
        (" 007 ", " 007 "),
        (1001.0, 1001),
        (np.float64(2.5), 2.5),
        (np.int64(7), 7),
        (np.bool_(True), True),
        (pd.Timestamp("2025-03-01 09:30"), dt.datetime(2025, 3, 1, 9, 30)),
        (np.datetime64("2025-03-01T09:30"), dt.datetime(2025, 3, 1, 9, 30)),
        (np.datetime64("2025-03-01T09:30:00.000000000"), dt.datetime(2025, 3, 1, 9, 30)),
        (np.datetime64("NaT"), None),
        (np.timedelta64(90, "m"), dt.timedelta(minutes=90)),
        (pd.Timedelta(minutes=90), dt.timedelta(minutes=90)),
        (dt.time(9, 30), dt.time(9, 30)),
    ],
)
def test_pandas_and_numpy_values_never_leak(raw: object, clean: object) -> None:
    # pandas already hands most cells over as plain Python values; this pins the rest.
    result = _clean(raw)
    assert result == clean
    assert type(result) is type(clean)


def test_xlsm_is_read_like_xlsx(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "agenda.xlsm", {"Agenda": {"A1": "Title", "B1": "Room", "A2": "Talk"}}
    )
    assert values(load_table(path)) == [(2, ("Talk", None))]


def test_xls_with_blank_leading_rows_and_column(tmp_path: Path) -> None:
    book = xlwt.Workbook()
    sheet = book.add_sheet("Agenda")
    book.add_sheet("Speakers").write(0, 0, "Name")
    sheet.write(2, 1, "ID")
    sheet.write(2, 2, "Date")
    sheet.write(2, 3, "Start")
    sheet.write(3, 1, "007")
    sheet.write(3, 2, dt.datetime(2025, 3, 1), xlwt.easyxf(num_format_str="yyyy-mm-dd"))
    sheet.write(3, 3, dt.time(9, 30), xlwt.easyxf(num_format_str="h:mm"))
    sheet.write(5, 1, 1002)
    path = tmp_path / "agenda.xls"
    book.save(str(path))
    table = load_table(path)
    assert table.sheet_names == ("Agenda", "Speakers")
    assert table.header_row == 3
    assert table.columns == ("B", "C", "D")
    assert values(table) == [
        (4, ("007", dt.datetime(2025, 3, 1), dt.time(9, 30))),
        (6, (1002, None, None)),
    ]
    assert_plain_values(table)


def test_ods_with_blank_leading_rows_and_column(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        [
            ["ID", "Title", "Start"],
            ["007", "Keynote", dt.datetime(2025, 3, 1, 9, 30)],
            [None, None, None],
            [8, "Lunch", None],
        ]
    )
    path = tmp_path / "agenda.ods"
    with pd.ExcelWriter(path, engine="odf") as writer:
        frame.to_excel(
            writer, sheet_name="Agenda", startrow=2, startcol=1, header=False, index=False
        )
        frame.to_excel(writer, sheet_name="Copy", header=False, index=False)
    table = load_table(path)
    assert table.sheet_names == ("Agenda", "Copy")
    assert table.header_row == 3
    assert table.columns == ("B", "C", "D")
    assert values(table) == [
        (4, ("007", "Keynote", dt.datetime(2025, 3, 1, 9, 30))),
        (6, (8, "Lunch", None)),
    ]
    assert load_table(path, sheet="Copy").header_row == 1


# --- sheets ---------------------------------------------------------------------------------


def two_sheet_book(tmp_path: Path) -> Path:
    return write_xlsx(
        tmp_path / "agenda.xlsx",
        {
            "Agenda": {"A1": "Title", "B1": "Room", "A2": "Keynote"},
            "Speakers": {"A1": "Name", "B1": "Company", "A2": "Ada"},
        },
    )


def test_first_sheet_by_default_and_sheet_by_name(tmp_path: Path) -> None:
    path = two_sheet_book(tmp_path)
    assert load_table(path).sheet == "Agenda"
    table = load_table(path, sheet="Speakers")
    assert (table.sheet, table.headers, values(table)) == (
        "Speakers",
        ("Name", "Company"),
        [(2, ("Ada", None))],
    )
    assert list_sheets(path) == ("Agenda", "Speakers")


def test_sheet_name_matches_case_insensitively(tmp_path: Path) -> None:
    assert load_table(two_sheet_book(tmp_path), sheet="speakers").sheet == "Speakers"


def test_wrong_sheet_name_lists_the_sheets(tmp_path: Path) -> None:
    assert error_of(two_sheet_book(tmp_path), sheet="Agnda") == (
        'agenda.xlsx has no sheet named "Agnda". Its sheets are: "Agenda", "Speakers". '
        "Use --sheet with one of these names."
    )


def test_ambiguous_loose_sheet_name_is_refused(tmp_path: Path) -> None:
    # Excel forbids names differing only in case, but not in surrounding spaces.
    sheet = {"A1": "Title", "B1": "Room"}
    path = write_xlsx(tmp_path / "agenda.xlsx", {"agenda": sheet, "Agenda ": sheet})
    assert load_table(path, sheet="Agenda ").sheet == "Agenda "
    assert error_of(path, sheet="AGENDA") == (
        'agenda.xlsx has no sheet named "AGENDA". Its sheets are: "agenda", "Agenda ". '
        "Use --sheet with one of these names."
    )


def test_sheet_is_ignored_for_csv_with_a_note(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "agenda.csv", "Title,Room\nKeynote,Hall\n")
    table = load_table(path, sheet="Agenda")
    assert table.sheet is None and table.sheet_names == ()
    assert table.notes == (
        'agenda.csv: the sheet "Agenda" was ignored: text files have no sheets.',
    )
    assert list_sheets(path) == ()


def test_empty_sheet_of_a_workbook_with_several_sheets(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "agenda.xlsx", {"Notes": {}, "Agenda": {"A1": "Title", "B1": "Room"}}
    )
    assert error_of(path) == (
        'Sheet "Notes" of agenda.xlsx is empty: none of its cells are filled in. Its sheets are: '
        '"Notes", "Agenda". Use --sheet with the name of the sheet that holds the agenda.'
    )


def test_workbook_whose_only_sheet_is_empty_or_blank(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "agenda.xlsx", {"Agenda": {"C3": "   ", "D9": ""}})
    assert error_of(path) == (
        'agenda.xlsx is empty: its only sheet, "Agenda", has no filled-in cells. Check that you '
        "chose the right file and that it was saved after the agenda was added."
    )


# --- header detection -----------------------------------------------------------------------


def test_title_row_with_one_cell_and_numeric_rows_are_passed_over(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "agenda.csv",
        "ACME Summit 2025 — Agenda,,\n2025,03,01\nTitle,Start,Room\nKeynote,9:00,Hall\n",
    )
    table = load_table(path)
    assert table.header_row == 3
    assert table.headers == ("Title", "Start", "Room")
    assert values(table) == [(4, ("Keynote", "9:00", "Hall"))]
    assert table.notes == (
        "agenda.csv: the column names were taken from row 3; the filled-in rows 1 and 2 above it "
        "were not imported.",
    )


def test_header_score_picks_the_row_with_most_known_names(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "agenda.csv",
        "Event,Lyon,France\nDay one,Track A,Hall\nSession,Start,Room\nKeynote,9:00,Hall\n",
    )
    known = {"session", "start", "room", "track a", "hall"}
    seen: list[str] = []

    def score(text: str) -> bool:
        seen.append(text)
        return text.lower() in known

    table = load_table(path, header_score=score)
    assert table.header_row == 3  # row 2 scores two known names, row 3 scores three
    assert all(isinstance(text, str) for text in seen)
    # Without the scorer the first all-text row wins.
    assert load_table(path).header_row == 1


def test_header_score_ties_go_to_the_earliest_row_and_below_two_falls_back(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "agenda.csv", "x,Title,Room\nTitle,Room,y\nKeynote,Hall,z\n")
    known = {"title", "room"}
    assert load_table(path, header_score=lambda text: text.lower() in known).header_row == 1
    only_one = {"room"}
    table = load_table(path, header_score=lambda text: text.lower() in only_one)
    assert table.header_row == 1  # fallback: first row with two or more text cells


def test_no_header_row_found(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "numbers.xlsx",
        {
            "Data": {
                "B2": "Only a title",
                "B3": 1,
                "C3": 2,
                "B4": dt.datetime(2025, 1, 1),
                "C4": "x",
            }
        },
    )
    assert error_of(path) == (
        'Could not find the row with the column names in numbers.xlsx, sheet "Data": none of '
        'rows 2 to 4 has at least two filled-in cells that are all text (such as "Title" and '
        '"Start time"). Add one row with the column names, one per cell, directly above the '
        "sessions, then try again."
    )


def test_header_search_stops_after_30_filled_rows(tmp_path: Path) -> None:
    lines = ["1,2"] * 30 + ["Title,Room", "Keynote,Hall"]
    path = write_csv(tmp_path / "late.csv", "\n\n" + "\n".join(lines))
    assert error_of(path) == (
        "Could not find the row with the column names in late.csv: none of rows 3 to 32 has at "
        'least two filled-in cells that are all text (such as "Title" and "Start time"). Add one '
        "row with the column names, one per cell, directly above the sessions, then try again."
    )


def test_unnamed_columns_are_named_by_letter_and_empty_ones_dropped(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "agenda.csv", "Title,,Room,,\nKeynote,,Hall,,x\nLunch,,,,\n")
    table = load_table(path)
    assert table.headers == ("Title", "Room", "Column E")
    assert table.columns == ("A", "C", "E")
    assert values(table) == [(2, ("Keynote", "Hall", "x")), (3, ("Lunch", None, None))]


# --- CSV: encodings -------------------------------------------------------------------------


CSV_TEXT = "Title,Speaker\r\nCafé talk,Zoë\r\n"


@pytest.mark.parametrize(
    ("encoding", "prefix", "expected"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
        ("utf-16-le", b"\xff\xfe", "utf-16"),
        ("utf-16-be", b"\xfe\xff", "utf-16"),
    ],
)
def test_csv_unicode_encodings(tmp_path: Path, encoding: str, prefix: bytes, expected: str) -> None:
    path = tmp_path / "agenda.csv"
    path.write_bytes(prefix + CSV_TEXT.encode(encoding))
    table = load_table(path)
    assert table.encoding == expected
    assert table.headers == ("Title", "Speaker")
    assert values(table) == [(2, ("Café talk", "Zoë"))]
    assert table.notes == ()


def test_csv_cp1252_fallback_adds_a_note(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "agenda.csv", "Title,Speaker\nCafé “talk”,Zoë\n", "cp1252")
    table = load_table(path)
    assert table.encoding == "cp1252"
    assert values(table) == [(2, ("Café “talk”", "Zoë"))]
    assert table.notes == (
        "agenda.csv is not saved as UTF-8, so it was read as Windows-1252 (Western European). "
        'If letters such as é or ü look wrong, save it from Excel as "CSV UTF-8 (Comma '
        'delimited)" and import it again.',
    )


def test_bom_never_reaches_the_first_header(tmp_path: Path) -> None:
    path = tmp_path / "agenda.csv"
    path.write_bytes(b"\xef\xbb\xbf\xef\xbb\xbfnotes,start\r\nx,9:00")
    assert load_table(path).headers == ("notes", "start")


def test_damaged_utf16_text(tmp_path: Path) -> None:
    path = tmp_path / "agenda.csv"
    path.write_bytes(b"\xff\xfe" + "Title,Room\n".encode("utf-16-le") + b"\x00\xd8")
    assert error_of(path) == (
        "agenda.csv could not be read: it is marked as Unicode text, but parts of it are damaged. "
        'Save it from Excel as "CSV UTF-8 (Comma delimited)" and try again.'
    )


# --- CSV: delimiters, quoting, ragged rows --------------------------------------------------


@pytest.mark.parametrize(
    ("name", "delimiter"),
    [
        ("a.csv", ","),
        ("a.csv", ";"),
        ("a.csv", "\t"),
        ("a.txt", "|"),
        ("a.tsv", "\t"),
        ("a.txt", ","),
    ],
)
def test_delimiter_is_sniffed_and_quotes_respected(
    tmp_path: Path, name: str, delimiter: str
) -> None:
    d = delimiter
    text = (
        f'Title{d}Room{d}Notes\n"Keynote, part 1"{d}Hall A{d}\n'
        f'Lunch{d}Foyer{d}"bring; snacks | tabs\tand, commas"\n'
    )
    table = load_table(write_csv(tmp_path / name, text))
    assert table.delimiter == delimiter
    assert table.headers == ("Title", "Room", "Notes")
    assert values(table) == [
        (2, ("Keynote, part 1", "Hall A", None)),
        (3, ("Lunch", "Foyer", "bring; snacks | tabs\tand, commas")),
    ]


def test_excel_sep_hint_line_sets_the_delimiter_and_is_not_a_row(tmp_path: Path) -> None:
    text = "sep=;\r\nTitle;Room,Level\r\nKeynote;Hall, 1\r\n"
    table = load_table(write_csv(tmp_path / "agenda.csv", text))
    assert (table.delimiter, table.header_row) == (";", 1)
    assert values(table) == [(2, ("Keynote", "Hall, 1"))]


def test_old_mac_line_endings(tmp_path: Path) -> None:
    table = load_table(write_csv(tmp_path / "agenda.csv", "Title,Room\rKeynote,Hall\rLunch,Foyer"))
    assert values(table) == [(2, ("Keynote", "Hall")), (3, ("Lunch", "Foyer"))]


def test_tsv_prefers_tab_when_commas_split_just_as_well(tmp_path: Path) -> None:
    text = "Title, part\tRoom, level\nKeynote, day 1\tHall, 2\n"
    assert load_table(write_csv(tmp_path / "a.tsv", text)).delimiter == "\t"
    assert load_table(write_csv(tmp_path / "a.csv", text)).delimiter == ","


def test_quoted_fields_with_newlines_and_commas_keep_excel_row_numbers(tmp_path: Path) -> None:
    text = (
        'Title,Description,Room\r\n"Keynote, day 1","Line one\r\nLine two, with comma",Hall\r\n'
        '"He said ""hi""",,Foyer\r\nLast,x,y'
    )
    table = load_table(write_csv(tmp_path / "agenda.csv", text))
    assert values(table) == [
        (2, ("Keynote, day 1", "Line one\nLine two, with comma", "Hall")),
        (3, ('He said "hi"', None, "Foyer")),
        (4, ("Last", "x", "y")),
    ]


def test_blank_lines_in_csv_count_as_rows(tmp_path: Path) -> None:
    text = "Title,Room\n\nKeynote,Hall\n,\n   ,  \nLunch,Foyer\n\n\n"
    table = load_table(write_csv(tmp_path / "agenda.csv", text))
    assert values(table) == [(3, ("Keynote", "Hall")), (6, ("Lunch", "Foyer"))]
    assert table.notes == (
        "agenda.csv: 3 blank rows inside the table were skipped (rows 2, 4 and 5).",
    )


def test_ragged_rows_are_padded_truncated_and_reported(tmp_path: Path) -> None:
    text = "Title,Room,Notes\nA,Hall\nB,Hall,x,,\nC,Hall,y,extra,more\nD\nE,Foyer,z,,,,again\n"
    table = load_table(write_csv(tmp_path / "agenda.csv", text))
    assert values(table) == [
        (2, ("A", "Hall", None)),
        (3, ("B", "Hall", "x")),
        (4, ("C", "Hall", "y")),
        (5, ("D", None, None)),
        (6, ("E", "Foyer", "z")),
    ]
    assert table.notes == (
        "agenda.csv: rows 2 and 5 have fewer cells than the header row; the missing cells at the "
        "end were left empty.",
        "agenda.csv: rows 4 and 6 have 5 or 7 cells and the header 3: a comma inside text that "
        "is not quoted? The cells past column C were ignored, so check rows 4 and 6: put text "
        "holding a comma in quotes, or name the extra columns in the header row (row 1).",
    )


def test_long_lists_of_rows_are_shortened(tmp_path: Path) -> None:
    lines = ["Title,Room"] + [f"T{n}" if n % 2 else f"T{n},R" for n in range(2, 40)]
    table = load_table(write_csv(tmp_path / "agenda.csv", "\n".join(lines)))
    assert table.notes == (
        "agenda.csv: rows 3, 5, 7, 9, 11, 13, 15, 17, 19, 21 and 9 more have fewer cells than "
        "the header row; the missing cells at the end were left empty.",
    )


def test_runs_of_blank_rows_are_written_as_ranges(tmp_path: Path) -> None:
    text = "Title,Room\nA,B\n\n\n\n\nC,D\n\nE,F\n"
    table = load_table(write_csv(tmp_path / "agenda.csv", text))
    assert table.notes == (
        "agenda.csv: 5 blank rows inside the table were skipped (rows 3 to 6 and 8).",
    )


def test_unclosed_quote_that_swallows_the_file(tmp_path: Path) -> None:
    text = 'Title,Room\nKeynote,Hall\n"Lunch,Foyer\n' + "x" * 140_000 + "\n"
    assert error_of(write_csv(tmp_path / "agenda.csv", text)) == (
        'agenda.csv: row 3 could not be read. It probably has a quote mark (") that opens a cell '
        "but never closes it, which makes the rest of the file look like one huge cell. Check the "
        "quote marks in that row, save the file and try again."
    )


def test_single_column_text_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "titles.txt", "Keynote\nLunch\nClosing\n")
    assert error_of(path) == (
        "titles.txt has only one column: no line has cells separated by commas, semicolons, tabs "
        'or "|". Save the agenda from Excel as "CSV UTF-8 (Comma delimited)" and try again.'
    )


def test_csv_with_only_blank_cells(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "agenda.csv", ",,\n  ,\n\n")
    assert error_of(path) == (
        "agenda.csv is empty: none of its cells are filled in. Check that you chose the right "
        "file and that it was saved after the agenda was added."
    )


# --- errors about the file itself -----------------------------------------------------------


@pytest.mark.parametrize("name", ["agenda.csv", "agenda.xlsx"])
def test_zero_byte_file(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_bytes(b"")
    assert error_of(tmp_path / name) == (
        f"{name} is empty (0 bytes). Check that you chose the right file and that it was saved "
        "completely."
    )


def test_missing_file(tmp_path: Path) -> None:
    assert error_of(tmp_path / "agenda.xlsx") == (
        "agenda.xlsx was not found. Check the file name and the folder it is in, then try again."
    )
    with pytest.raises(InputFileError):
        list_sheets(tmp_path / "agenda.xlsx")


def test_folder_instead_of_file(tmp_path: Path) -> None:
    (tmp_path / "agenda").mkdir()
    assert error_of(tmp_path / "agenda") == (
        '"agenda" is a folder, not a file. Choose the agenda file itself.'
    )


def test_unsupported_extension_and_no_extension(tmp_path: Path) -> None:
    (tmp_path / "agenda.pdf").write_bytes(b"%PDF-1.7")
    assert error_of(tmp_path / "agenda.pdf") == (
        f"agenda.pdf cannot be imported: .pdf files are not supported. Supported file types are "
        f"{SUPPORTED}. Save the agenda in one of these formats and try again."
    )
    (tmp_path / "agenda").write_bytes(b"a,b\n")
    assert error_of(tmp_path / "agenda") == (
        f"agenda cannot be imported: its name has no type ending. Supported file types are "
        f"{SUPPORTED}. Save the agenda in one of these formats and try again."
    )


def test_excel_lock_file(tmp_path: Path) -> None:
    (tmp_path / "~$agenda.xlsx").write_bytes(b"\x0bJane Doe    " + b"\x00" * 150)
    assert error_of(tmp_path / "~$agenda.xlsx") == (
        "~$agenda.xlsx is a temporary file that Excel creates while a workbook is open, not an "
        "agenda. Import agenda.xlsx instead."
    )


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256))
OPEN_ORIGINAL = "Open the agenda in the program it came from and " + RESAVE


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "agenda.xlsx",
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj",
            f"agenda.xlsx is not an Excel workbook (.xlsx): it is a PDF document. {OPEN_ORIGINAL}",
        ),
        (
            "agenda.csv",
            PNG,
            "agenda.csv is not a CSV text file: it is a picture, not a spreadsheet. "
            + OPEN_ORIGINAL,
        ),
        (
            "agenda.xlsx",
            bytes(range(256)) * 4,
            "agenda.xlsx is not an Excel workbook (.xlsx): it is binary data, not text and not a "
            f"spreadsheet. {OPEN_ORIGINAL}",
        ),
        (
            "agenda.ods",
            b"Title,Room\nKeynote,Hall\n",
            "agenda.ods is not an OpenDocument spreadsheet (.ods): it is plain text, such as a "
            "CSV file. Rename it to agenda.csv and try again.",
        ),
        (
            "agenda.csv",
            b"Title,Room\nKeynote,Hall\x00\x01\x02\n",
            "agenda.csv is not a CSV text file: it is binary data, not text and not a "
            f"spreadsheet. {OPEN_ORIGINAL}",
        ),
        (
            "agenda.xls",
            b"<html><body><table><tr><td>Title</td></tr></table></body></html>",
            "agenda.xls is not an Excel 97-2003 workbook (.xls): it is a web page (HTML). "
            f"{OPEN_ORIGINAL}",
        ),
    ],
)
def test_file_that_is_not_what_its_name_says(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    (tmp_path / name).write_bytes(content)
    assert error_of(tmp_path / name) == message


def test_csv_with_nul_bytes_late_in_the_file_is_binary(tmp_path: Path) -> None:
    path = tmp_path / "agenda.csv"
    path.write_bytes(b"Title,Room\n" + b"Keynote,Hall\n" * 400 + b"\x00\x00")
    assert error_of(path) == (
        f"agenda.csv is not a CSV text file: it is binary data, not text and not a spreadsheet. "
        f"{OPEN_ORIGINAL}"
    )


def test_spreadsheet_with_the_wrong_ending_is_told_to_rename(tmp_path: Path) -> None:
    real = write_xlsx(tmp_path / "real.xlsx", {"Agenda": {"A1": "Title", "B1": "Room"}})
    for name in ("agenda.csv", "agenda.xls", "agenda.ods"):
        (tmp_path / name).write_bytes(real.read_bytes())
    assert error_of(tmp_path / "agenda.csv") == (
        "agenda.csv is not a CSV text file: it is an Excel workbook (.xlsx). Rename it to "
        "agenda.xlsx and try again."
    )
    assert error_of(tmp_path / "agenda.xls") == (
        "agenda.xls is not an Excel 97-2003 workbook (.xls): it is an Excel workbook (.xlsx). "
        "Rename it to agenda.xlsx and try again."
    )
    assert error_of(tmp_path / "agenda.ods") == (
        "agenda.ods is not an OpenDocument spreadsheet (.ods): it is an Excel workbook (.xlsx). "
        "Rename it to agenda.xlsx and try again."
    )


def test_old_xls_renamed_to_xlsx(tmp_path: Path) -> None:
    book = xlwt.Workbook()
    book.add_sheet("Agenda").write(0, 0, "Title")
    book.save(str(tmp_path / "agenda.xlsx"))
    assert error_of(tmp_path / "agenda.xlsx") == (
        "agenda.xlsx is not an Excel workbook (.xlsx): it is an Excel 97-2003 workbook (.xls). "
        "Rename it to agenda.xls and try again."
    )


def test_word_document_renamed_to_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "agenda.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert error_of(path) == (
        f"agenda.xlsx is not an Excel workbook (.xlsx): it is a Word document. {OPEN_ORIGINAL}"
    )


def test_damaged_xlsx(tmp_path: Path) -> None:
    real = write_xlsx(tmp_path / "real.xlsx", {"Agenda": {"A1": "Title", "B1": "Room"}})
    path = tmp_path / "agenda.xlsx"
    path.write_bytes(real.read_bytes()[:600])
    expected = (
        "agenda.xlsx could not be read as an Excel workbook (.xlsx): the file may be damaged. "
        "Open it in the program it came from and " + RESAVE
    )
    assert error_of(path) == expected
    assert error_of(path, engine="openpyxl") == expected
    with pytest.raises(InputFileError) as caught:
        list_sheets(path)
    assert caught.value.message == expected
    assert caught.value.__cause__ is not None


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "agenda.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert error_of(path) == (
        "agenda.xlsx could not be read as an Excel workbook (.xlsx): the file may be damaged. "
        "Open it in the program it came from and " + RESAVE
    )


PASSWORD = (
    "agenda.xlsx is protected with a password, so it cannot be read. Open it, save a copy "
    "without the password, and import that copy."
)


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_password_protected_xlsx(tmp_path: Path, engine: Any) -> None:
    path = write_encrypted_workbook(tmp_path / "agenda.xlsx")
    assert error_of(path, engine=engine) == PASSWORD
    with pytest.raises(InputFileError, match="password"):
        list_sheets(path)


def strict_book(tmp_path: Path) -> Path:
    return write_raw_xlsx(
        tmp_path / "strict.xlsx",
        {"Sessions": {"A1": "Title", "B1": "Room", "A2": "Keynote", "B2": "Hall"}},
        strict=True,
    )


def test_strict_open_xml_reads_with_calamine(tmp_path: Path) -> None:
    table = load_table(strict_book(tmp_path))
    assert (table.sheet, table.headers, values(table)) == (
        "Sessions",
        ("Title", "Room"),
        [(2, ("Keynote", "Hall"))],
    )


def test_strict_open_xml_with_openpyxl_is_explained(tmp_path: Path) -> None:
    assert error_of(strict_book(tmp_path), engine="openpyxl") == (
        'strict.xlsx is saved as "Strict Open XML Spreadsheet", which this reader cannot open. '
        'In Excel, use File > Save As and choose "Excel Workbook (.xlsx)" or CSV, then import the '
        "new file."
    )


def test_openpyxl_engine_refuses_xls_and_ods(tmp_path: Path) -> None:
    book = xlwt.Workbook()
    book.add_sheet("Agenda").write(0, 0, "Title")
    book.save(str(tmp_path / "agenda.xls"))
    assert error_of(tmp_path / "agenda.xls", engine="openpyxl") == (
        "agenda.xls is an Excel 97-2003 workbook (.xls), which the openpyxl reader cannot open "
        "(it reads only .xlsx and .xlsm files). Use the default reader instead."
    )
    with pd.ExcelWriter(tmp_path / "agenda.ods", engine="odf") as writer:
        pd.DataFrame([["Title", "Room"]]).to_excel(writer, header=False, index=False)
    assert error_of(tmp_path / "agenda.ods", engine="openpyxl") == (
        "agenda.ods is an OpenDocument spreadsheet (.ods), which the openpyxl reader cannot open "
        "(it reads only .xlsx and .xlsm files). Use the default reader instead."
    )


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_csv(tmp_path / "agenda.csv", "Title,Room\n")

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    assert error_of(path) == (
        "agenda.csv could not be opened (permission denied). Check that you are allowed to read "
        "it and that no other program is locking it, then try again."
    )


def test_messages_never_use_python_words(tmp_path: Path) -> None:
    # Every error above is compared exactly; this guards the notes of a busy file as well.
    text = "\ufeffTitle,Room\nA\n\nB,C,D\n"
    table = load_table(write_csv(tmp_path / "agenda.csv", text, "utf-8"))
    for note in table.notes:
        assert not [word for word in PYTHON_WORDS if word in note]
