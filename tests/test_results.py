"""The results sheet: content, looks, formula injection and never half-written files."""

from __future__ import annotations

import csv
import datetime
import os
import stat
import zipfile
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest

from importer.errors import UsageError
from importer.plan.status import Outcome, Status
from importer.read.table import CellValue, SourceRow, Table
from importer.write import results
from importer.write.resultcells import STATUS_COLOURS
from importer.write.results import (
    RESULT_HEADERS,
    default_results_path,
    write_results,
)

HEADERS = ("Reference ID", "Title", "Date", "Start", "Starts at", "Length", "Capacity", "Online")
NOW = datetime.datetime(2026, 6, 1, 12, 30, tzinfo=datetime.UTC)
NASTY = (
    '=HYPERLINK("http://x","y")',
    "+1",
    "-2+3",
    "@SUM(A1)",
    "\tindented",
    "\rreturn",
    "=1",
    "#N/A",
)


def make_table(rows: Sequence[tuple[CellValue, ...]], *, path: str = "talks.xlsx") -> Table:
    return Table(
        path=Path(path),
        sheet="Agenda" if path.endswith(".xlsx") else None,
        sheet_names=("Agenda",),
        header_row=1,
        headers=HEADERS,
        columns=tuple("ABCDEFGH"),
        rows=tuple(SourceRow(number, values) for number, values in enumerate(rows, start=2)),
        notes=(),
    )


SAMPLE = make_table(
    [
        (
            "K-1",
            "Opening — Grüße",
            datetime.date(2026, 6, 10),
            datetime.time(9, 0),
            datetime.datetime(2026, 6, 10, 9, 0),
            datetime.timedelta(hours=1, minutes=30),
            120,
            True,
        ),
        ("T-1", "Talk", None, None, None, None, -5, False),
        ("T-2", "Panel", None, None, None, None, 2.5, None),
    ]
)
OUTCOMES = {
    2: Outcome(2, Status.CREATED, "s-1", None, 201, "Created.", "K-1"),
    3: Outcome(3, Status.FAILED, None, "s-1", 400, "Zuddl refused the title.", "T-1"),
    4: Outcome(4, Status.INVALID, message="End Time is before Start Time.", reference_id="T-2"),
}


def rows_of(sheet: object) -> list[tuple[object, ...]]:
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]  # type: ignore[attr-defined]


def test_default_results_path() -> None:
    assert default_results_path(Path("talks.xlsx")) == Path("talks.results.xlsx")
    assert default_results_path(Path("in/talks.csv")) == Path("in/talks.results.xlsx")
    assert default_results_path(Path("talks")) == Path("talks.results.xlsx")


def test_xlsx_values_types_and_order(tmp_path: Path) -> None:
    path = write_results(tmp_path / "r.xlsx", SAMPLE, OUTCOMES, now=NOW)
    assert path == tmp_path / "r.xlsx"
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Results", "Summary"]
    sheet = book["Results"]
    got = rows_of(sheet)
    assert got[0] == (*RESULT_HEADERS, *HEADERS)
    assert got[1] == (
        *(2, "created", "Created.", "s-1", None, "K-1", 201),
        *("K-1", "Opening — Grüße", datetime.datetime(2026, 6, 10), datetime.time(9, 0)),
        *(datetime.datetime(2026, 6, 10, 9, 0), "1:30:00", 120, True),
    )
    assert got[2] == (
        *(3, "failed", "Zuddl refused the title.", None, "s-1", "T-1", 400),
        *("T-1", "Talk", None, None, None, None, -5, False),
    )
    assert got[3][:3] == (4, "invalid", "End Time is before Start Time.")
    assert got[3][7:] == ("T-2", "Panel", None, None, None, None, 2.5, None)
    assert len(got) == 4
    assert sheet["J2"].number_format == "yyyy-mm-dd"
    assert sheet["K2"].number_format == "hh:mm"
    assert sheet["L2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet["J2"].is_date and sheet["K2"].is_date and sheet["L2"].is_date
    assert sheet["M2"].data_type == "s"
    assert sheet["N3"].data_type == "n" and sheet["N3"].value == -5


def test_xlsx_looks(tmp_path: Path) -> None:
    sheet = openpyxl.load_workbook(write_results(tmp_path / "r.xlsx", SAMPLE, OUTCOMES))["Results"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:O4"
    assert all(cell.font.b for cell in sheet[1])
    assert not sheet["C2"].font.b
    for row, status in ((2, Status.CREATED), (3, Status.FAILED), (4, Status.INVALID)):
        cell = sheet[f"B{row}"]
        fill, text = STATUS_COLOURS[status]
        assert cell.fill.fill_type == "solid"
        assert cell.fill.fgColor.rgb == "00" + fill
        assert cell.font.color.rgb == "00" + text
    assert sheet["C2"].fill.fill_type is None
    widths = {letter: dim.width for letter, dim in sheet.column_dimensions.items()}
    assert widths["A"] == 8  # "Row" and small numbers: the minimum
    assert widths["C"] == len("End Time is before Start Time.") + 2
    assert widths["I"] == len("Opening — Grüße") + 2


def test_every_status_has_its_own_pleasant_colour() -> None:
    assert set(STATUS_COLOURS) == set(Status)
    assert len({fill for fill, _ in STATUS_COLOURS.values()}) == len(Status)
    for fill, text in STATUS_COLOURS.values():
        fill_light = sum(int(fill[i : i + 2], 16) for i in (0, 2, 4)) / 3
        text_light = sum(int(text[i : i + 2], 16) for i in (0, 2, 4)) / 3
        assert fill_light > 180 and text_light < 100


def test_widths_are_capped_and_sampled(tmp_path: Path) -> None:
    table = make_table([("R", "x" * 500, *[None] * 6)] + [("R", "y", *[None] * 6)] * 300)
    outcomes = {
        row.number: Outcome(row.number, Status.PLANNED, message="m" * 300) for row in table.rows
    }
    sheet = openpyxl.load_workbook(write_results(tmp_path / "r.xlsx", table, outcomes))["Results"]
    assert sheet.column_dimensions["C"].width == 80
    assert sheet.column_dimensions["I"].width == 50
    assert sheet.max_row == 302


def test_summary_sheet(tmp_path: Path) -> None:
    summary = openpyxl.load_workbook(write_results(tmp_path / "r.xlsx", SAMPLE, OUTCOMES, now=NOW))[
        "Summary"
    ]
    got = rows_of(summary)
    assert got[:4] == [
        ("Source file", "talks.xlsx"),
        ("Sheet", "Agenda"),
        ("Written", "2026-06-01 12:30:00+00:00"),
        ("Rows", 3),
    ]
    assert got[5] == ("Status", "Rows")
    counts = {status: count for status, count in got[6:]}
    assert counts == {status.value: 0 for status in Status} | {
        "created": 1,
        "failed": 1,
        "invalid": 1,
    }
    assert summary["A7"].fill.fgColor.rgb == "00" + STATUS_COLOURS[Status.CREATED][0]


def test_formula_injection_xlsx(tmp_path: Path) -> None:
    table = make_table([("R-1", text, *[None] * 5, -7) for text in NASTY])
    outcomes = {
        row.number: Outcome(row.number, Status.FAILED, message=NASTY[row.number - 2])
        for row in table.rows
    }
    path = write_results(tmp_path / "r.xlsx", table, outcomes)
    sheet = openpyxl.load_workbook(path)["Results"]
    for row, text in enumerate(NASTY, start=2):
        for column in ("C", "I"):
            cell = sheet[f"{column}{row}"]
            # Exactly the original text, stored as text; Excel shows it and never evaluates it.
            assert (cell.value, cell.data_type) == (text, "s"), (column, row)
            assert cell.quotePrefix is (text != "#N/A")
        assert (sheet[f"O{row}"].value, sheet[f"O{row}"].data_type) == (-7, "n")
    # No formula element anywhere in the sheet's XML.
    with zipfile.ZipFile(path) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_formula_injection_csv(tmp_path: Path) -> None:
    table = make_table([("R-1", text, *[None] * 5, -7) for text in NASTY], path="talks.csv")
    outcomes = {row.number: Outcome(row.number, Status.SKIPPED, message="-x") for row in table.rows}
    path = write_results(tmp_path / "r.csv", table, outcomes)
    with path.open(encoding="utf-8-sig", newline="") as file:
        got = list(csv.reader(file))
    for line, text in zip(got[1:], NASTY, strict=True):
        assert line[2] == "'-x"
        assert line[8] == (text if text == "#N/A" else "'" + text)
        assert line[14] == "-7"


def test_csv(tmp_path: Path) -> None:
    table = make_table(
        [
            (
                "K-1",
                'Say "hi", Zoë',
                datetime.date(2026, 6, 10),
                datetime.time(9, 5),
                datetime.datetime(2026, 6, 10, 9, 5),
                datetime.timedelta(hours=1, minutes=30),
                120,
                True,
            ),
            ("K-2", "two\nlines", None, datetime.time(9, 5, 30), None, None, 2.0, 2.5),
        ]
    )
    outcomes = {
        2: Outcome(2, Status.CREATED, "s-1", None, 201, "Created.", "K-1"),
        3: Outcome(3, Status.UNCHANGED, "s-2", message="Nothing to change."),
    }
    path = write_results(tmp_path / "r.CSV", table, outcomes)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfRow,Status,Message,")
    assert b'"Say ""hi"", Zo\xc3\xab"' in raw
    with path.open(encoding="utf-8-sig", newline="") as file:
        got = list(csv.reader(file))
    assert got == [
        [*RESULT_HEADERS, *HEADERS],
        [
            *("2", "created", "Created.", "s-1", "", "K-1", "201"),
            *("K-1", 'Say "hi", Zoë', "2026-06-10", "09:05", "2026-06-10 09:05", "1:30:00"),
            *("120", "TRUE"),
        ],
        [
            *("3", "unchanged", "Nothing to change.", "s-2", "", "", ""),
            *("K-2", "two\nlines", "", "09:05:30", "", "", "2", "2.5"),
        ],
    ]


def test_every_row_needs_an_outcome(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"no outcome for 1 row\(s\) of the table: 3"):
        write_results(tmp_path / "r.xlsx", SAMPLE, {2: OUTCOMES[2], 4: OUTCOMES[4]})
    assert list(tmp_path.iterdir()) == []


def test_awkward_values_still_make_a_valid_workbook(tmp_path: Path) -> None:
    table = make_table(
        [
            (
                "bell\x07",
                datetime.datetime(2026, 6, 10, 9, tzinfo=datetime.UTC),
                float("nan"),
                datetime.timedelta(days=1, hours=2),
                None,
                None,
                None,
                None,
            )
        ]
    )
    outcome = {2: Outcome(2, Status.INVALID, message="ctrl\x01char")}
    sheet = openpyxl.load_workbook(write_results(tmp_path / "r.xlsx", table, outcome))["Results"]
    assert [cell.value for cell in sheet[2]][:11] == [
        *(2, "invalid", "ctrlchar", None, None, None, None),
        *("bell", "2026-06-10T09:00:00+00:00", "nan", "1 day, 2:00:00"),
    ]


def test_no_rows(tmp_path: Path) -> None:
    path = write_results(tmp_path / "r.xlsx", make_table([]), {})
    sheet = openpyxl.load_workbook(path)["Results"]
    assert rows_of(sheet) == [(*RESULT_HEADERS, *HEADERS)]


def test_replaces_an_existing_file_with_normal_permissions(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"old")
    write_results(path, SAMPLE, OUTCOMES)
    assert openpyxl.load_workbook(path)["Results"].max_row == 4
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


@pytest.mark.parametrize("name", ["r.xlsx", "r.csv"])
def test_failed_write_leaves_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    path = tmp_path / name
    path.write_bytes(b"previous results")

    def full_disk(temp: Path, *args: object) -> None:
        temp.write_bytes(b"half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(results, "_write_csv" if name.endswith("csv") else "_write_xlsx", full_disk)
    with pytest.raises(UsageError) as caught:
        write_results(path, SAMPLE, OUTCOMES)
    assert caught.value.message == (
        f'Cannot write the results to "{path}": no space left on device. '
        "Choose another path with --results."
    )
    assert [p.name for p in tmp_path.iterdir()] == [name]
    assert path.read_bytes() == b"previous results"


def test_programming_error_mid_write_leaves_no_temp(tmp_path: Path) -> None:
    table = make_table([("R", object(), *[None] * 6)])  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        write_results(tmp_path / "r.xlsx", table, {2: Outcome(2, Status.PLANNED)})
    assert list(tmp_path.iterdir()) == []


def test_file_open_in_excel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # On Windows a workbook open in Excel cannot be replaced: the rename fails like this.
    path = tmp_path / "agenda.results.xlsx"
    path.write_bytes(b"open in Excel")

    def locked(self: Path, target: Path) -> Path:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "replace", locked)
    with pytest.raises(UsageError) as caught:
        write_results(path, SAMPLE, OUTCOMES)
    assert caught.value.message == (
        f'Cannot write the results to "{path}": permission denied. '
        "Close the file if it is open in Excel, or choose another path with --results."
    )
    assert caught.value.exit_code == 2
    assert [p.name for p in tmp_path.iterdir()] == ["agenda.results.xlsx"]
    assert path.read_bytes() == b"open in Excel"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write anywhere")
def test_read_only_folder(tmp_path: Path) -> None:
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(UsageError, match=r"permission denied\. Close the file"):
            write_results(tmp_path / "r.xlsx", SAMPLE, OUTCOMES)
    finally:
        tmp_path.chmod(0o755)


def test_missing_folder(tmp_path: Path) -> None:
    path = tmp_path / "nope" / "r.xlsx"
    with pytest.raises(UsageError) as caught:
        write_results(path, SAMPLE, OUTCOMES)
    assert caught.value.message == (
        f'Cannot write the results to "{path}": the folder "{path.parent}" does not exist. '
        "Create it, or choose another path with --results."
    )


def test_path_is_a_folder(tmp_path: Path) -> None:
    (tmp_path / "r.xlsx").mkdir()
    with pytest.raises(UsageError) as caught:
        write_results(tmp_path / "r.xlsx", SAMPLE, OUTCOMES)
    assert caught.value.message == (
        f'Cannot write the results to "{tmp_path / "r.xlsx"}": it is a folder. '
        "Choose a file name with --results."
    )
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]


def test_risky_headers_and_text_sources(tmp_path: Path) -> None:
    table = Table(
        path=Path("talks.csv"),
        sheet=None,
        sheet_names=(),
        header_row=1,
        headers=("=Title", "Notes"),
        columns=("A", "B"),
        rows=(SourceRow(2, ("Talk", "+49 30 1234")),),
        notes=(),
        encoding="utf-8",
        delimiter=",",
    )
    outcomes = {2: Outcome(2, Status.PLANNED)}
    book = openpyxl.load_workbook(write_results(tmp_path / "r.xlsx", table, outcomes))
    header = book["Results"]["H1"]
    assert (header.value, header.data_type, header.font.b, header.quotePrefix) == (
        "=Title",
        "s",
        True,
        True,
    )
    assert rows_of(book["Summary"])[:2] == [("Source file", "talks.csv"), ("Sheet", "(none)")]
    with write_results(tmp_path / "r.csv", table, outcomes).open(encoding="utf-8-sig") as file:
        assert list(csv.reader(file))[:2] == [
            [*RESULT_HEADERS, "'=Title", "Notes"],
            ["2", "planned", "", "", "", "", "", "Talk", "'+49 30 1234"],
        ]
