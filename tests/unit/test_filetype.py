"""read/filetype.py: what a file really is, from its first bytes, said before any reader runs."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from importer.errors import InputFileError
from importer.read.filetype import (
    OLE_MAGIC,
    check_file,
    check_present,
    damaged,
    is_strict_ooxml,
    sniff,
)

XLSX_PARTS = {"xl/workbook.xml": "<workbook/>", "[Content_Types].xml": "<Types/>"}


def zipped(path: Path, parts: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


def ole(path: Path, *streams: str) -> Path:
    path.write_bytes(
        OLE_MAGIC + b"\0" * 100 + b"".join(s.encode("utf-16-le") + b"\0\0" for s in streams)
    )
    return path


def refusal(path: Path) -> str:
    with pytest.raises(InputFileError) as caught:
        check_file(path)
    return str(caught.value)


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"%PDF-1.7 ...", "pdf"),
        (b"\x89PNG\r\n\x1a\n", "image"),
        (b"\xff\xd8\xff\xe0", "image"),
        (b"GIF89a", "image"),
        (b"\xef\xbb\xbfTitle,Start\n", "text"),
        (b"\xff\xfeT\0i\0", "text"),
        (b"  \r\n<!DOCTYPE html><p>", "html"),
        (b"<TABLE><tr>", "html"),
        (b'<?xml version="1.0"?><Workbook>', "xml"),
        (b"Title,Start\nKeynote,09:00\n", "text"),
        (b"Title\tStart\x00", "binary"),
        (bytes(range(1, 9)) * 10, "binary"),
    ],
)
def test_sniffed_by_the_first_bytes(tmp_path: Path, content: bytes, kind: str) -> None:
    path = tmp_path / "file.csv"
    path.write_bytes(content)
    assert sniff(path) == kind


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"\xef\xbb\xbf<html><table>", "html"),
        (b"\xef\xbb\xbf<?xml ?>", "xml"),
        (b"\xef\xbb\xbf \r\n<!DOCTYPE html>", "html"),
        ("\ufeff<html><table>".encode("utf-16-le"), "html"),
        ("\ufeff<?xml ?>".encode("utf-16-be"), "xml"),
        ("\ufeffTitle,Start\n".encode("utf-16-le"), "text"),
    ],
)
def test_a_byte_order_mark_does_not_hide_a_web_page(
    tmp_path: Path, content: bytes, kind: str
) -> None:
    path = tmp_path / "agenda.xls"
    path.write_bytes(content)
    assert sniff(path) == kind


def test_a_web_page_with_a_byte_order_mark_named_xls_is_not_called_a_csv(tmp_path: Path) -> None:
    path = tmp_path / "agenda.xls"
    path.write_bytes(b"\xef\xbb\xbf<html><table><tr><td>Title</td></tr></table></html>")
    assert refusal(path) == (
        "agenda.xls is not an Excel 97-2003 workbook (.xls): it is a web page (HTML). Open the "
        'agenda in the program it came from and save it again as "Excel Workbook (.xlsx)" or '
        "as CSV, then try again."
    )


@pytest.mark.parametrize(
    ("parts", "kind"),
    [
        (XLSX_PARTS, "xlsx"),
        ({"xl/workbook.bin": ""}, "xlsb"),
        ({"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}, "ods"),
        ({"mimetype": "application/vnd.oasis.opendocument.text"}, "zip"),
        ({"word/document.xml": ""}, "docx"),
        ({"ppt/presentation.xml": ""}, "pptx"),
        ({"notes.txt": "hi"}, "zip"),
    ],
)
def test_zips_by_what_they_hold(tmp_path: Path, parts: dict[str, str], kind: str) -> None:
    assert sniff(zipped(tmp_path / "file.xlsx", parts)) == kind


@pytest.mark.parametrize(
    ("streams", "kind"),
    [
        (("EncryptedPackage", "EncryptionInfo"), "encrypted"),
        (("Workbook",), "xls"),
        (("Book",), "xls"),
        (("WordDocument",), "ole"),
    ],
)
def test_old_office_files_by_their_streams(
    tmp_path: Path, streams: tuple[str, ...], kind: str
) -> None:
    assert sniff(ole(tmp_path / "file.xls", *streams)) == kind


def test_a_pdf_named_xlsx_says_what_it_is(tmp_path: Path) -> None:
    path = tmp_path / "agenda.xlsx"
    path.write_bytes(b"%PDF-1.4")
    assert refusal(path) == (
        "agenda.xlsx is not an Excel workbook (.xlsx): it is a PDF document. Open the agenda in "
        'the program it came from and save it again as "Excel Workbook (.xlsx)" or as CSV, then '
        "try again."
    )


def test_a_csv_named_xls_is_told_to_be_renamed(tmp_path: Path) -> None:
    path = tmp_path / "agenda.xls"
    path.write_text("Title,Start\n")
    assert refusal(path) == (
        "agenda.xls is not an Excel 97-2003 workbook (.xls): it is plain text, such as a CSV "
        "file. Rename it to agenda.csv and try again."
    )


def test_an_xlsx_named_csv_is_told_to_be_renamed(tmp_path: Path) -> None:
    path = zipped(tmp_path / "agenda.csv", XLSX_PARTS)
    assert refusal(path) == (
        "agenda.csv is not a CSV text file: it is an Excel workbook (.xlsx). Rename it to "
        "agenda.xlsx and try again."
    )


def test_an_ods_named_xlsx_is_told_to_be_renamed(tmp_path: Path) -> None:
    path = zipped(
        tmp_path / "agenda.xlsx", {"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}
    )
    assert refusal(path).endswith(
        "it is an OpenDocument spreadsheet (.ods). Rename it to agenda.ods and try again."
    )


def test_a_password_protected_workbook_is_said(tmp_path: Path) -> None:
    path = ole(tmp_path / "agenda.xlsx", "EncryptedPackage")
    assert refusal(path) == (
        "agenda.xlsx is protected with a password, so it cannot be read. Open it, save a copy "
        "without the password, and import that copy."
    )


def test_a_real_looking_xlsx_and_a_csv_pass(tmp_path: Path) -> None:
    assert check_file(zipped(tmp_path / "a.XLSX", XLSX_PARTS)) == ".xlsx"
    (tmp_path / "b.csv").write_text("Title\nKeynote\n")
    assert check_file(tmp_path / "b.csv") == ".csv"
    assert check_file(ole(tmp_path / "c.xls", "Workbook")) == ".xls"


@pytest.mark.parametrize(
    ("name", "said"),
    [
        (
            "missing.csv",
            "missing.csv was not found. Check the file name and the folder it is in, then try "
            "again.",
        ),
        (
            "agenda.pdf",
            "agenda.pdf cannot be imported: .pdf files are not supported. Supported file types are "
            ".xlsx, .xlsm, .xls, .ods, .csv, .tsv, .txt and schedule exports (.json). Save the "
            "agenda in one of these formats and try again.",
        ),
        ("README", "README cannot be imported: its name has no type ending. Supported"),
        (
            "~$agenda.xlsx",
            "~$agenda.xlsx is a temporary file that Excel creates while a workbook is open, not an "
            "agenda. Import agenda.xlsx instead.",
        ),
        (
            "empty.csv",
            "empty.csv is empty (0 bytes). Check that you chose the right file and that it was "
            "saved completely.",
        ),
        ("folder.xlsx", '"folder.xlsx" is a folder, not a file. Choose the agenda file itself.'),
    ],
)
def test_what_is_not_there_or_not_an_agenda_is_said_first(
    tmp_path: Path, name: str, said: str
) -> None:
    for existing in ("agenda.pdf", "README", "~$agenda.xlsx"):
        (tmp_path / existing).write_text("x")
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "folder.xlsx").mkdir()
    with pytest.raises(InputFileError) as caught:
        check_present(tmp_path / name)
    assert str(caught.value).startswith(said)


def test_strict_open_xml_is_recognised(tmp_path: Path) -> None:
    strict = zipped(tmp_path / "s.xlsx", {"xl/workbook.xml": '<workbook conformance="strict"/>'})
    assert is_strict_ooxml(strict)
    assert not is_strict_ooxml(zipped(tmp_path / "t.xlsx", XLSX_PARTS))
    assert not is_strict_ooxml(tmp_path / "none.xlsx")


def test_a_damaged_sheet_is_named() -> None:
    assert str(damaged(Path("/x/agenda.ods"), ".ods", "Day 1")) == (
        'Sheet "Day 1" of agenda.ods could not be read as an OpenDocument spreadsheet (.ods): '
        "the file may be damaged. Open it in the program it came from and save it again as "
        '"Excel Workbook (.xlsx)" or as CSV, then try again.'
    )
