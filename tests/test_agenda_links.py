"""An agenda from a link: served by a plain-HTTP test server on 127.0.0.1 (the sheet hosts'
download forms, redirects, refusals), imported into the real sandbox, checked there."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
from pathlib import Path

import openpyxl
import pytest

from importer.errors import ApiError, ExitCode, ImporterError, InputFileError, UsageError
from importer.read.download import fetch_agenda
from importer.read.limits import Limits
from importer.read.links import download_form, suffix_from_answer
from importer.settings.config import Settings
from tests.conftest import SandboxHandle
from tests.link_server import CSV, Answer, LinkServer
from tests.pipeline_helpers import (
    HEADERS,
    by_reference,
    import_into,
    numbered_rows,
    read_results,
    run_command,
    write_csv,
)

ENV = {k: v for k, v in os.environ.items() if k != "ZUDDL_API_KEY"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_ID = "1AbCdEfGhIjKlMnOpQrStUvWxYz"


def csv_bytes(tmp_path: Path, rows: int = 3) -> bytes:
    return write_csv(tmp_path / "made.csv", numbered_rows(rows)).read_bytes()


def xlsx_bytes(rows: int = 3) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Agenda"
    sheet.append(HEADERS)
    for row in numbered_rows(rows):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run_cli(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args),
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def fetch(url: str, results: Path, **settings: object) -> object:
    chosen = Settings(results=results, **settings)  # type: ignore[arg-type]
    return asyncio.run(fetch_agenda(url, chosen, dry_run=False, limits=Limits(max_file_bytes=MB)))


MB = 1024 * 1024


# --- the download form of a sharing link --------------------------------------------------------


@pytest.mark.parametrize(
    ("link", "sheet", "download"),
    [
        (
            f"https://docs.google.com/spreadsheets/d/{SHEET_ID}/edit#gid=1234",
            None,
            f"https://docs.google.com/spreadsheets/d/{SHEET_ID}/export?format=csv&gid=1234",
        ),
        (
            f"https://docs.google.com/spreadsheets/d/{SHEET_ID}/edit?usp=sharing",
            None,
            f"https://docs.google.com/spreadsheets/d/{SHEET_ID}/export?format=xlsx",
        ),
        (  # a sheet named in the config: the whole workbook, so the sheet is chosen by name
            f"https://docs.google.com/spreadsheets/d/{SHEET_ID}/edit#gid=1234",
            "Agenda",
            f"https://docs.google.com/spreadsheets/d/{SHEET_ID}/export?format=xlsx",
        ),
        (
            "https://docs.google.com/spreadsheets/d/e/2PACX-1vQabcdefghijkl/pubhtml?gid=5",
            None,
            "https://docs.google.com/spreadsheets/d/e/2PACX-1vQabcdefghijkl/pub?output=csv&gid=5",
        ),
        (
            "https://contoso-my.sharepoint.com/:x:/g/personal/jane_contoso_com/EaBc1?e=Xy12",
            None,
            "https://contoso-my.sharepoint.com/:x:/g/personal/jane_contoso_com/EaBc1"
            "?e=Xy12&download=1",
        ),
        (
            "https://contoso.sharepoint.com/sites/events/_layouts/15/Doc.aspx"
            "?sourcedoc={1f2e3d4c-0000-4000-8000-123456789abc}&file=agenda.xlsx&action=default",
            None,
            "https://contoso.sharepoint.com/sites/events/_layouts/15/download.aspx"
            "?UniqueId=1f2e3d4c-0000-4000-8000-123456789abc",
        ),
        (
            "https://1drv.ms/x/s!AkLmNoPq",
            None,
            "https://api.onedrive.com/v1.0/shares/u!aHR0cHM6Ly8xZHJ2Lm1zL3gvcyFBa0xtTm9QcQ"
            "/root/content",
        ),
        (  # any other link is fetched as it is (without the fragment, which is never sent)
            "https://intranet.example.org/files/agenda?v=3#top",
            None,
            "https://intranet.example.org/files/agenda?v=3",
        ),
    ],
)
def test_sharing_links_become_download_links(link: str, sheet: str | None, download: str) -> None:
    assert download_form(link, sheet) == download


@pytest.mark.parametrize(
    ("content_type", "disposition", "suffix"),
    [
        (XLSX, None, ".xlsx"),  # the link ends in .csv: the answer decides, not the link
        ("text/csv", 'attachment; filename="Agenda.xlsx"', ".xlsx"),  # the file name wins
        ("application/octet-stream", None, None),  # neither says: the bytes will decide
        ("application/vnd.oasis.opendocument.spreadsheet", None, ".ods"),
        ("text/tab-separated-values", "inline", ".tsv"),
    ],
)
def test_the_file_type_comes_from_the_answer(
    content_type: str, disposition: str | None, suffix: str | None
) -> None:
    assert suffix_from_answer("https://x.example/agenda.csv", content_type, disposition) == suffix


# --- imports from a link ----------------------------------------------------------------------


def test_google_sheets_link_imports_the_tab_it_points_at(
    sandbox: SandboxHandle, link: LinkServer, tmp_path: Path
) -> None:
    body = csv_bytes(tmp_path)
    link.serve(
        f"/spreadsheets/d/{SHEET_ID}/export?format=csv&gid=7",
        Answer(
            body=body,
            headers={
                "Content-Type": CSV,
                "Content-Disposition": 'attachment; filename="Agenda - Day 1.csv"',
            },
        ),
    )
    work = tmp_path / "work"
    work.mkdir()
    url = f"{link.base_url}/spreadsheets/d/{SHEET_ID}/edit#gid=7"
    done = run_cli(
        *run_command(url, sandbox.base_url), cwd=work, env={**ENV, "ZUDDL_API_KEY": sandbox.key}
    )  # type: ignore[arg-type]

    assert done.returncode == 0, done.stdout + done.stderr
    assert link.paths() == [f"/spreadsheets/d/{SHEET_ID}/export?format=csv&gid=7"]
    copy = work / "agenda.downloaded.csv"
    assert f"Agenda downloaded from 127.0.0.1: {copy}\n" in done.stdout
    assert "Done: 3 created." in done.stdout
    assert f"Results: {work / 'agenda.results.xlsx'}" in done.stdout
    assert copy.read_bytes() == body  # the record of what was imported
    assert sorted(by_reference(sandbox)) == ["S000", "S001", "S002"]
    assert [r["Status"] for r in read_results(work / "agenda.results.xlsx")] == ["created"] * 3
    assert sorted(p.name for p in work.iterdir()) == [
        "agenda.downloaded.csv",
        "agenda.results.download.json",
        "agenda.results.journal.jsonl",
        "agenda.results.xlsx",
    ]


def test_sharepoint_link_file_type_comes_from_the_answer(
    sandbox: SandboxHandle, link: LinkServer, tmp_path: Path
) -> None:
    # No content type worth the name: the file name in Content-Disposition says it is a workbook
    link.serve(
        "/:x:/g/personal/jane_contoso_com/EaBc1?e=Xy12&download=1",
        Answer(
            body=xlsx_bytes(),
            headers={
                "Content-Type": "application/octet-stream",
                "Content-Disposition": "attachment; filename*=UTF-8''Agenda%202026.xlsx",
            },
        ),
    )
    url = f"{link.base_url}/:x:/g/personal/jane_contoso_com/EaBc1?e=Xy12"
    report = import_into(sandbox, url, results=tmp_path / "nightly.results.xlsx")  # type: ignore[arg-type]
    assert int(report.exit_code) == 0
    assert report.table.path == tmp_path / "nightly.downloaded.xlsx"
    assert report.table.sheet == "Agenda"
    assert sorted(by_reference(sandbox)) == ["S000", "S001", "S002"]


def test_an_answer_without_type_is_judged_by_its_bytes(link: LinkServer, tmp_path: Path) -> None:
    link.serve(
        "/export", Answer(body=xlsx_bytes(), headers={"Content-Type": "application/octet-stream"})
    )
    source = fetch(f"{link.base_url}/export", tmp_path / "a.results.xlsx")
    assert source.path == tmp_path / "a.downloaded.xlsx"  # type: ignore[attr-defined]


def test_redirects_are_followed_and_private_headers_stay_with_the_host(
    sandbox: SandboxHandle, link: LinkServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENDA_TOKEN", "Bearer link-secret-1234")
    port = link.base_url.rsplit(":", 1)[1]
    link.serve("/share/agenda", Answer(status=302, headers={"Location": "/hop"}))
    # the same server under another name: another host, so the token is not sent there
    link.serve("/hop", Answer(status=307, headers={"Location": f"http://localhost:{port}/file"}))
    link.serve("/file", Answer(body=csv_bytes(tmp_path), headers={"Content-Type": CSV}))
    report = import_into(
        sandbox,
        f"{link.base_url}/share/agenda",  # type: ignore[arg-type]
        results=tmp_path / "agenda.results.xlsx",
        agenda_headers={"Authorization": "AGENDA_TOKEN"},
    )
    assert int(report.exit_code) == 0
    assert link.paths() == ["/share/agenda", "/hop", "/file"]
    tokens = [seen.headers.get("authorization") for seen in link.seen]
    assert tokens == ["Bearer link-secret-1234", "Bearer link-secret-1234", None]
    assert len(by_reference(sandbox)) == 3


def test_a_redirect_to_plain_http_elsewhere_is_refused(link: LinkServer, tmp_path: Path) -> None:
    link.serve("/agenda", Answer(status=301, headers={"Location": "http://example.com/agenda.csv"}))
    with pytest.raises(InputFileError) as caught:
        fetch(f"{link.base_url}/agenda", tmp_path / "agenda.results.xlsx")
    assert caught.value.message == (
        'The agenda link (127.0.0.1) redirected to plain http at "example.com", so the download '
        "was stopped: anyone on the way could read or change the sheet. Use a link that stays "
        "on https://."
    )
    assert link.paths() == ["/agenda"]
    assert list(tmp_path.iterdir()) == []


def test_plain_http_links_are_refused_except_to_this_machine(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        fetch("http://sheets.example.com/agenda.csv", tmp_path / "agenda.results.xlsx")
    assert caught.value.message == (
        'Refusing to download the agenda over plain http from "sheets.example.com": anyone on '
        "the way could read or change it. Use the https:// link (plain http is allowed only "
        "for this machine)."
    )


def test_private_link_without_its_header_variable(link: LinkServer, tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        fetch(
            f"{link.base_url}/agenda",
            tmp_path / "agenda.results.xlsx",
            agenda_headers={"Authorization": "NO_SUCH_VARIABLE_19"},
        )
    assert caught.value.message == (
        'The agenda link needs the header "Authorization" from the environment variable '
        "NO_SUCH_VARIABLE_19, which is not set."
    )
    assert link.seen == []


# --- refusals ---------------------------------------------------------------------------------


def test_a_too_large_answer_is_cut_off(link: LinkServer, tmp_path: Path) -> None:
    link.hung_up.clear()
    link.serve("/huge.csv", Answer(endless=True, headers={"Content-Type": CSV}))
    with pytest.raises(InputFileError) as caught:
        fetch(f"{link.base_url}/huge.csv", tmp_path / "agenda.results.xlsx")
    assert caught.value.message == (
        "The agenda at the link (127.0.0.1) is more than the 1 MB this importer reads, so the "
        "download was stopped. Split the agenda into smaller files (or save it as CSV, without "
        "pictures and other sheets) and import them one after the other."
    )
    assert link.hung_up.wait(30), "the server is still sending: the download was not cut off"
    assert link.sent_bytes < 16 * MB  # the limit and socket buffers; the answer goes on to 2 GB
    assert list(tmp_path.iterdir()) == []  # no copy, no partial file


def test_a_too_large_declared_length_is_refused_before_reading(
    sandbox: SandboxHandle, link: LinkServer, tmp_path: Path
) -> None:
    link.hung_up.clear()
    length = str(60 * MB)
    link.serve(
        "/big.csv", Answer(endless=True, headers={"Content-Type": CSV, "Content-Length": length})
    )
    with pytest.raises(InputFileError) as caught:
        import_into(sandbox, f"{link.base_url}/big.csv", results=tmp_path / "agenda.results.xlsx")  # type: ignore[arg-type]
    assert caught.value.message.startswith(
        "The agenda at the link (127.0.0.1) is more than the 50 MB this importer reads, so the "
        "download was stopped."
    )
    assert link.hung_up.wait(30)
    assert link.sent_bytes < 50 * MB
    assert list(tmp_path.iterdir()) == []
    assert sandbox.sessions() == []


def test_a_sign_in_page_is_refused_from_its_content_type(
    sandbox: SandboxHandle, link: LinkServer, tmp_path: Path
) -> None:
    link.serve(
        f"/spreadsheets/d/{SHEET_ID}/export?format=xlsx",
        Answer(
            body=b"<!doctype html><title>Sign in</title>",
            headers={"Content-Type": "text/html; charset=utf-8"},
        ),
    )
    work = tmp_path / "work"
    work.mkdir()
    url = f"{link.base_url}/spreadsheets/d/{SHEET_ID}/edit"
    done = run_cli(
        *run_command(url, sandbox.base_url), cwd=work, env={**ENV, "ZUDDL_API_KEY": sandbox.key}
    )  # type: ignore[arg-type]
    assert done.returncode == ExitCode.USAGE
    assert done.stderr == (
        "Error: The agenda link (127.0.0.1) answered with a web page (text/html), not a "
        "spreadsheet. If the sheet needs a sign-in, share it so that anyone with the link can "
        "view it, or give the job a header for it (agenda_headers); see the README.\n"
    )
    assert list(work.iterdir()) == []
    assert sandbox.sessions() == []


@pytest.mark.parametrize(
    ("status", "error", "message"),
    [
        (
            403,
            InputFileError,
            "The agenda link (127.0.0.1) answered 403 Forbidden: the job may not read the "
            "sheet. Share it so that anyone with the link can view it, or give the job a header "
            "for it (agenda_headers); see the README.",
        ),
        (
            404,
            InputFileError,
            "The agenda link (127.0.0.1) answered 404 Not Found: check the link (the sheet may "
            "have been moved or deleted).",
        ),
        (
            503,
            ApiError,
            "The agenda link (127.0.0.1) answered 503 Service Unavailable. Try again later.",
        ),
    ],
)
def test_refusals_by_the_host(
    link: LinkServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    status: int,
    error: type[ImporterError],
    message: str,
) -> None:
    monkeypatch.setattr("importer.read.download.RETRY_WAITS", (0.0, 0.0))
    link.serve("/agenda", Answer(status=status, body=b"no", headers={"Content-Type": "text/plain"}))
    with pytest.raises(error) as caught:
        fetch(f"{link.base_url}/agenda", tmp_path / "agenda.results.xlsx")
    assert caught.value.message == message
    assert len(link.seen) == (3 if status == 503 else 1)  # a host's bad moment is tried again
    assert list(tmp_path.iterdir()) == []


def test_a_bad_moment_of_the_host_is_tried_again(
    link: LinkServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("importer.read.download.RETRY_WAITS", (0.0, 0.0))
    good = Answer(body=csv_bytes(tmp_path), headers={"Content-Type": CSV})
    link.serve("/agenda", Answer(status=502, body=b"gateway", then=good))
    source = fetch(f"{link.base_url}/agenda", tmp_path / "agenda.results.xlsx")
    assert source.path.read_bytes() == good.body  # type: ignore[attr-defined]
    assert link.paths() == ["/agenda", "/agenda"]


def test_the_file_checks_apply_to_a_download(link: LinkServer, tmp_path: Path) -> None:
    # Announced as a workbook, but a PDF: the loader's own check and message.
    link.serve("/agenda", Answer(body=b"%PDF-1.7 not a sheet", headers={"Content-Type": XLSX}))
    from importer.run import ImportRequest, run_import

    settings = Settings(results=tmp_path / "agenda.results.xlsx")
    with pytest.raises(InputFileError) as caught:
        run_import(ImportRequest(f"{link.base_url}/agenda", settings, dry_run=True))
    assert caught.value.message == (
        "agenda.downloaded.xlsx is not an Excel workbook (.xlsx): it is a PDF document. Open "
        'the agenda in the program it came from and save it again as "Excel Workbook (.xlsx)" '
        "or as CSV, then try again."
    )
