"""What an agenda file really is, before any reader opens it.

A file's first bytes decide: a PDF or a picture renamed .xlsx, a password-protected workbook,
a Strict Open XML file, a zip that is no spreadsheet. Each gets a message that says what the
file is and what to do, instead of a reader's exception.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from importer.errors import InputFileError
from importer.read.limits import (
    DEFAULT_LIMITS,
    Limits,
    check_file_size,
    check_zip_contents,
    check_zip_directory,
)

EXPECTED = {
    ".xlsx": "an Excel workbook (.xlsx)",
    ".xlsm": "a macro-enabled Excel workbook (.xlsm)",
    ".xls": "an Excel 97-2003 workbook (.xls)",
    ".ods": "an OpenDocument spreadsheet (.ods)",
    ".csv": "a CSV text file",
    ".tsv": "a tab-separated text file",
    ".txt": "a text file",
    ".json": "a conference schedule export (.json)",
}
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
# What a file's bytes may turn out to be. "zip" and "ole" are unrecognised containers: the
# spreadsheet reader gets to try them and fails with the "may be damaged" message if it cannot.
ACCEPTED = {".xlsx": "xlsx zip", ".xlsm": "xlsx zip", ".ods": "ods zip", ".xls": "xls ole"}
ZIP_SUFFIXES = (".xlsx", ".xlsm", ".ods")
RENAME_TO = {"xlsx": ".xlsx", "ods": ".ods", "xls": ".xls", "text": ".csv"}
KIND_WORDS = {
    "text": "plain text, such as a CSV file",
    "xlsb": "an Excel binary workbook (.xlsb), which cannot be imported",
    "docx": "a Word document",
    "pptx": "a PowerPoint presentation",
    "doc": "an old-style Word or PowerPoint file",
    "pdf": "a PDF document",
    "image": "a picture, not a spreadsheet",
    "html": "a web page (HTML)",
    "xml": 'an XML file (such as "XML Spreadsheet 2003")',
    "binary": "binary data, not text and not a spreadsheet",
    "zip": "a zip archive, not a text file or a spreadsheet this importer knows",
    "ole": "an old-style Office file, but not an Excel 97-2003 workbook",
}
MAGIC = ((b"%PDF", "pdf"), (b"\x89PNG", "image"), (b"\xff\xd8\xff", "image"), (b"GIF8", "image"))
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
BOMS = {b"\xef\xbb\xbf": "utf-8-sig", b"\xff\xfe": "utf-16", b"\xfe\xff": "utf-16"}
SAVE_AGAIN = 'save it again as "Excel Workbook (.xlsx)" or as CSV, then try again.'


def check_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> str:
    size = check_present(path)
    suffix = path.suffix.lower()
    check_file_size(path, size, limits)
    kind = sniff(path, limits)
    if kind == "encrypted":
        raise password_protected(path)
    if kind not in ACCEPTED.get(suffix, "text").split():
        raise not_what_it_says(path, suffix, kind)
    if suffix in ZIP_SUFFIXES:
        try:
            check_zip_contents(path, limits, lambda: damaged(path, suffix))
        except OSError as exc:
            raise cannot_open(path, exc) from exc
    return suffix


def check_present(path: Path) -> int:
    """The file's size, once it is known to be there, of a supported type and not empty.

    Cheap on purpose (no reader, no heavy import): the command line calls it first, so a
    mistyped name is answered before pandas has even loaded.
    """
    name, suffix = path.name, path.suffix.lower()
    try:
        if path.is_dir():
            raise InputFileError(
                f'"{name}" is a folder, not a file. Choose the agenda file itself.'
            )
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise InputFileError(
            f"{name} was not found. Check the file name and the folder it is in, then try again."
        ) from exc
    except OSError as exc:
        raise cannot_open(path, exc) from exc
    if suffix not in EXPECTED:
        what = f"{suffix} files are not supported" if suffix else "its name has no type ending"
        raise InputFileError(
            f"{name} cannot be imported: {what}. Supported file types are .xlsx, .xlsm, .xls, "
            ".ods, .csv, .tsv, .txt and schedule exports (.json). Save the agenda in one of these "
            "formats and try again."
        )
    if name.startswith("~$"):
        raise InputFileError(
            f"{name} is a temporary file that Excel creates while a workbook is open, not an "
            f"agenda. Import {name[2:]} instead."
        )
    if size == 0:
        raise InputFileError(
            f"{name} is empty (0 bytes). Check that you chose the right file and that it was "
            "saved completely."
        )
    return size


def not_what_it_says(path: Path, suffix: str, kind: str) -> InputFileError:
    words = KIND_WORDS.get(kind) or EXPECTED[RENAME_TO[kind]]
    if kind in RENAME_TO:
        fix = f"Rename it to {path.stem}{RENAME_TO[kind]} and try again."
    else:
        fix = "Open the agenda in the program it came from and " + SAVE_AGAIN
    return InputFileError(f"{path.name} is not {EXPECTED[suffix]}: it is {words}. {fix}")


def sniff(path: Path, limits: Limits = DEFAULT_LIMITS) -> str:
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
            if head.startswith(OLE_MAGIC):
                # OLE2 directory entries hold stream names in UTF-16; an encrypted .xlsx is an
                # OLE2 file whose payload stream is called "EncryptedPackage".
                data = head + handle.read()
                names = [n.encode("utf-16-le") for n in ("EncryptedPackage", "Workbook", "Book")]
                if names[0] in data:
                    return "encrypted"
                return "xls" if names[1] in data or names[2] + b"\0" in data else "ole"
    except OSError as exc:
        raise cannot_open(path, exc) from exc
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind
    if head.startswith(b"PK"):
        try:
            # Python's zip reader loads the whole directory: refuse a giant one first.
            readable = check_zip_directory(path, limits)
        except OSError as exc:
            raise cannot_open(path, exc) from exc
        return _zip_kind(path) if readable else "zip"
    for bom, encoding in BOMS.items():
        if head.startswith(bom):
            # A byte-order mark says text, but a web page or an XML file saved as .xls may
            # carry one too (UTF-16 ones are all NUL bytes in between): read past it first.
            return _markup(head.decode(encoding, "replace")) or "text"
    # Latin-1 maps every byte to a character, so the start reads the same in any encoding.
    markup = _markup(head.decode("latin-1"))
    if markup:
        return markup
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    return "binary" if b"\0" in head or controls > len(head) // 50 else "text"


def _markup(text: str) -> str | None:
    """Whether the text starts as a web page ("html") or an XML file ("xml"); else None."""
    start = text.lstrip("\ufeff \t\r\n").lower()
    if start.startswith(("<!doctype html", "<html", "<table")):
        return "html"
    if start.startswith("<?xml"):
        return "xml"
    return None


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = b""
            if "mimetype" in names:
                with archive.open("mimetype") as stream:
                    mimetype = stream.read(100)  # a few bytes; never a zip bomb's gigabytes
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError, NotImplementedError):
        return "zip"
    for member, kind in (("xl/workbook.xml", "xlsx"), ("xl/workbook.bin", "xlsb")):
        if member in names:
            return kind
    if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
        return "ods"
    for member, kind in (("word/document.xml", "docx"), ("ppt/presentation.xml", "pptx")):
        if member in names:
            return kind
    return "zip"


def cannot_open(path: Path, exc: OSError) -> InputFileError:
    reason = "permission denied" if isinstance(exc, PermissionError) else exc.strerror or "error"
    return InputFileError(
        f"{path.name} could not be opened ({reason.lower()}). Check that you are allowed to "
        "read it and that no other program is locking it, then try again."
    )


def password_protected(path: Path) -> InputFileError:
    return InputFileError(
        f"{path.name} is protected with a password, so it cannot be read. Open it, save a copy "
        "without the password, and import that copy."
    )


def zip_member_contains(path: Path, member: str, needles: tuple[bytes, ...]) -> bool:
    try:
        with zipfile.ZipFile(path) as archive, archive.open(member) as handle:
            head = handle.read(8192)
    except (zipfile.BadZipFile, OSError, KeyError):
        return False
    return any(needle in head for needle in needles)


def is_strict_ooxml(path: Path) -> bool:
    needles = (b'conformance="strict"', b"purl.oclc.org/ooxml")
    return zip_member_contains(path, "xl/workbook.xml", needles)


def strict_error(path: Path) -> InputFileError:
    return InputFileError(
        f'{path.name} is saved as "Strict Open XML Spreadsheet", which this reader cannot open. '
        'In Excel, use File > Save As and choose "Excel Workbook (.xlsx)" or CSV, then import '
        "the new file."
    )


def damaged(path: Path, suffix: str, sheet: str | None = None) -> InputFileError:
    where = f'Sheet "{sheet}" of {path.name}' if sheet else path.name
    return InputFileError(
        f"{where} could not be read as {EXPECTED[suffix]}: the file may be damaged. "
        "Open it in the program it came from and " + SAVE_AGAIN
    )
