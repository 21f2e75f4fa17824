"""The page's server without a browser: the command, its guards, uploads and the private folder."""

from __future__ import annotations

import html
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from importer.errors import ImporterError
from importer.sandbox import DEMO_EVENT_ID
from importer.settings.config import Secret
from importer.ui.security import SAFE_HEADERS
from importer.ui.server import RunningUi, run_ui
from importer.ui.workspace import safe_name
from tests.conftest import SandboxHandle
from tests.hostile_files import CORPUS, build
from tests.pipeline_helpers import by_reference, load_agenda_error, numbered_rows, write_csv

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def ui(sandbox: SandboxHandle) -> Iterator[RunningUi]:
    with run_ui(base_url=sandbox.base_url, event_id=sandbox.event_id) as running:
        yield running


def signed_in(ui: RunningUi) -> httpx.Client:
    client = httpx.Client(base_url=ui.base_url, timeout=30)
    first = client.get(ui.url)
    assert first.status_code == 303 and first.headers["location"] == "/"
    assert "HttpOnly" in first.headers["set-cookie"]
    assert "SameSite=Strict" in first.headers["set-cookie"]
    return client


def alert(page: str) -> str:
    found = re.search(r'role="alert"[^>]*>(.*?)</div>', page, re.S)
    assert found, page[:2000]
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()


def read_answer(raw: socket.socket) -> str:
    """One whole HTTP answer from a raw socket: headers, then as many bytes as they announce."""
    received = b""
    while b"\r\n\r\n" not in received:
        received += raw.recv(65536)
    head, body = received.split(b"\r\n\r\n", 1)
    length = re.search(rb"content-length: (\d+)", head.lower())
    while length and len(body) < int(length.group(1)):
        chunk = raw.recv(65536)
        if not chunk:
            break
        body += chunk
    return (head + b"\r\n\r\n" + body).decode("utf-8", "replace")


def connect(
    client: httpx.Client, ui: RunningUi, sandbox: SandboxHandle, key: str | None = None
) -> None:
    answer = client.post(
        "/connect",
        data={
            "csrf": ui.tokens.csrf,
            "event_id": sandbox.event_id,
            "api_key": sandbox.key if key is None else key,
            "base_url": sandbox.base_url,
        },
    )
    assert answer.status_code == 303, answer.text


def test_every_answer_carries_the_safety_headers(ui: RunningUi) -> None:
    client = signed_in(ui)
    for path in ("/connect", "/static/app.css", "/static/app.js", "/import/status"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        for name, value in SAFE_HEADERS.items():
            assert answer.headers[name] == value, (path, name)
    refused = httpx.get(ui.base_url + "/connect")
    assert refused.status_code == 403
    assert refused.headers["content-security-policy"] == SAFE_HEADERS["content-security-policy"]


def test_another_host_name_is_refused_even_with_the_token(ui: RunningUi) -> None:
    """A web site whose name is re-pointed at 127.0.0.1 (DNS rebinding) reaches nothing."""
    client = signed_in(ui)
    port = ui.base_url.rsplit(":", 1)[1]
    answer = client.get("/connect", headers={"host": f"attacker.example:{port}"})
    assert answer.status_code == 403
    assert "answers only at the address zuddl-import ui printed" in answer.text
    assert client.get("/connect", headers={"host": f"localhost:{port}"}).status_code == 200


def test_key_from_the_environment_is_used_and_never_shown(sandbox: SandboxHandle) -> None:
    with run_ui(base_url=sandbox.base_url, key=Secret(sandbox.key)) as running:
        client = signed_in(running)
        page = client.get("/connect").text
        assert "Leave empty to use the key from the environment (ZUDDL_API_KEY)." in page
        assert sandbox.key not in page
        connect(client, running, sandbox, key="")
        assert running.workspace.connection is not None
        assert sandbox.key not in client.get("/upload").text
        assert sandbox.key not in repr(running.workspace.connection)


def test_upload_over_the_size_limit_is_refused_before_it_is_read(
    ui: RunningUi, sandbox: SandboxHandle
) -> None:
    client = signed_in(ui)
    connect(client, ui, sandbox)
    host, port = ui.base_url.removeprefix("http://").split(":")
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        raw.sendall(
            (
                f"POST /upload HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookie}\r\n"
                "Content-Type: multipart/form-data; boundary=x\r\n"
                f"Content-Length: {60 * 1024 * 1024}\r\n\r\n"
            ).encode()
        )
        answer = read_answer(raw)
    assert answer.startswith("HTTP/1.1 413")
    assert "The file is too big: the limit is 50 MB." in html.unescape(answer)
    assert list(ui.workspace.root.glob("upload-*")) == []


@pytest.mark.parametrize(
    "hostile",
    [
        h
        for h in CORPUS
        if h.name in {"zip_bomb.xlsx", "picture.xlsx", "text.ods", "nul.csv"}
        # Each of these took the whole page down (the reader aborting or panicking in-process).
        or h.name in {"far_cell.xlsx", "repeated_cells.ods", "impossible_date.xlsx"}
    ],
    ids=lambda h: h.name,
)
def test_hostile_upload_gets_the_clis_message_and_leaves_nothing(
    ui: RunningUi, sandbox: SandboxHandle, tmp_path: Path, hostile: object
) -> None:
    path = build(tmp_path, hostile)  # type: ignore[arg-type]
    expected = load_agenda_error(path)
    client = signed_in(ui)
    connect(client, ui, sandbox)
    with path.open("rb") as handle:
        answer = client.post(
            "/upload", data={"csrf": ui.tokens.csrf}, files={"agenda": (path.name, handle)}
        )
    assert answer.status_code == 400
    assert alert(answer.text) == f"Problem: {expected}"
    assert "Traceback" not in answer.text
    assert list(ui.workspace.root.glob("upload-*")) == []


def test_uploaded_names_cannot_leave_the_private_folder() -> None:
    assert safe_name("../../etc/agenda.csv") == "agenda.csv"
    assert safe_name("C:\\Users\\me\\Agenda 2026.XLSX") == "Agenda 2026.xlsx"
    assert safe_name('plan<1>:"x".csv') == "plan_1___x_.csv"
    with pytest.raises(ImporterError) as refused:
        safe_name("notes.docx")
    assert refused.value.message == (
        '"notes.docx" is not a spreadsheet this tool reads. Choose an .xlsx, .xls, .ods or '
        ".csv file."
    )


def test_private_folder_is_this_users_only_and_goes_with_the_server(
    sandbox: SandboxHandle,
) -> None:
    with run_ui(base_url=sandbox.base_url) as running:
        root = running.workspace.root
        assert root.stat().st_mode & 0o777 == 0o700
    assert not root.exists()


def test_ui_command_with_sandbox_prints_a_token_address_and_stops_cleanly(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "TMPDIR": str(tmp_path)}
    env.pop("ZUDDL_API_KEY", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "importer", "ui", "--sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
        assert lines[0] == "Zuddl session importer page. Open this address in your browser:\n"
        url = lines[1].strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?token=[\w-]{32}", url)
        assert lines[2].startswith("Only this address (with its token) opens the page.")
        assert lines[3].startswith("Sandbox: imports go to a local emulator of Zuddl at ")
        base = url.split("/?")[0]
        assert httpx.get(base + "/").status_code == 403
        with httpx.Client(follow_redirects=True, timeout=10) as client:
            page = client.get(url)
        assert page.status_code == 200 and str(page.url) == base + "/connect"
        assert "sandbox: nothing reaches Zuddl" in page.text
        assert f'value="{DEMO_EVENT_ID}"' in page.text
        assert "sandbox-secret" not in page.text
        assert len(list(tmp_path.glob("zuddl-ui-*"))) == 1  # its private folder, while it runs
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=20)
    assert "Traceback" not in err
    assert list(tmp_path.glob("zuddl-ui-*")) == []


def test_progress_is_reported_while_the_import_runs(
    ui: RunningUi, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    agenda = write_csv(tmp_path / "twenty.csv", numbered_rows(20))
    client = signed_in(ui)
    connect(client, ui, sandbox)
    with agenda.open("rb") as handle:
        client.post("/upload", data={"csrf": ui.tokens.csrf}, files={"agenda": ("t.csv", handle)})
    checked = client.post("/columns", data={"csrf": ui.tokens.csrf, "timezone": "UTC"})
    assert checked.headers["location"] == "/check"
    started = client.post("/import", data={"csrf": ui.tokens.csrf, "plan": ui.workspace.plan_token})
    assert started.headers["location"] == "/import"
    # While it runs, another upload or a second start cannot pull the sheet from under it.
    with agenda.open("rb") as handle:
        again = client.post(
            "/upload", data={"csrf": ui.tokens.csrf}, files={"agenda": ("u.csv", handle)}
        )
    assert again.status_code == 303 and again.headers["location"] == "/import"
    assert client.post("/import", data={"csrf": ui.tokens.csrf}).status_code == 303
    seen = []
    for _ in range(400):  # the client paces itself to 10 requests/s: about 2 s in all
        status = client.get("/import/status").json()
        seen.append((status["done"], status["total"]))
        if status["state"] != "running":
            break
        time.sleep(0.02)
    assert status == {"state": "done", "done": 20, "total": 20, "counts": {"created": 20}}
    assert any(0 < done < 20 for done, _ in seen), seen  # it moved while it ran
    assert len(by_reference(sandbox)) == 20
    assert "Done: 20 created." in client.get("/import").text


def test_an_upload_never_touches_the_shared_temp_folder(
    ui: RunningUi, sandbox: SandboxHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the page's private folder holds the sheet: no spooled copy in /tmp on the way."""

    def no_spill(self: object) -> None:
        raise AssertionError("an upload was spooled to the shared temp folder")

    monkeypatch.setattr(tempfile.SpooledTemporaryFile, "rollover", no_spill)
    rows = numbered_rows(2_000)
    for row in rows:
        row[3] = "A long abstract. " * 60  # about 1 KB a row: a 2 MB file
    agenda = write_csv(tmp_path / "big.csv", rows)
    assert agenda.stat().st_size > 2 * 1024 * 1024
    client = signed_in(ui)
    connect(client, ui, sandbox)
    with agenda.open("rb") as handle:
        answer = client.post(
            "/upload", data={"csrf": ui.tokens.csrf}, files={"agenda": ("big.csv", handle)}
        )
    assert answer.status_code == 303 and answer.headers["location"] == "/columns"
    (stored,) = ui.workspace.root.glob("upload-*/big.csv")
    assert stored.read_bytes() == agenda.read_bytes()
    assert stored.parent.parent.stat().st_mode & 0o777 == 0o700


def test_a_wide_sheet_passes_the_columns_step(
    ui: RunningUi, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    """A sheet of 300 columns (one select each on the page) is checked like any other."""
    extra = [f"Note {n}" for n in range(297)]
    agenda = write_csv(
        tmp_path / "wide.csv",
        [["W1", "2026-06-10 09:00", "2026-06-10 10:00", *["x"] * 297]],
        ["Title", "Start", "End", *extra],
    )
    client = signed_in(ui)
    connect(client, ui, sandbox)
    with agenda.open("rb") as handle:
        client.post("/upload", data={"csrf": ui.tokens.csrf}, files={"agenda": ("w.csv", handle)})
    form = {"csrf": ui.tokens.csrf, "timezone": "UTC", "action": "check"}
    form.update({f"column-{i}": "ignore" for i in range(3, 300)})
    form.update({"column-0": "title", "column-1": "start", "column-2": "end"})
    checked = client.post("/columns", data=form)
    assert checked.status_code == 303 and checked.headers["location"] == "/check"
    assert "1 row:" in client.get("/check").text
    assert ui.workspace.report is not None and len(ui.workspace.report.table.headers) == 300


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_killed_or_hung_up_page_leaves_no_upload_behind(tmp_path: Path, sig: int) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "TMPDIR": str(tmp_path)}
    env.pop("ZUDDL_API_KEY", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "importer", "ui", "--sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        url = [process.stdout.readline() for _ in range(2)][1].strip()
        with httpx.Client(follow_redirects=True, timeout=20) as client:
            page = client.get(url)
            csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
            assert csrf, page.text[:500]
            base = url.split("/?")[0]
            api = re.search(r'id="base_url" name="base_url" value="([^"]+)"', page.text)
            assert api, page.text[:500]
            # The sandbox's key is the page's own: none is typed.
            form = {"csrf": csrf.group(1), "event_id": DEMO_EVENT_ID, "base_url": api.group(1)}
            client.post(base + "/connect", data={**form, "api_key": ""})
            agenda = write_csv(tmp_path / "agenda.csv", numbered_rows(3))
            with agenda.open("rb") as handle:
                answer = client.post(
                    base + "/upload",
                    data={"csrf": csrf.group(1)},
                    files={"agenda": ("secret-agenda.csv", handle)},
                )
        assert answer.status_code == 200 and "Sheet and columns" in answer.text
        assert len(list(tmp_path.glob("zuddl-ui-*/upload-*/secret-agenda.csv"))) == 1
    finally:
        process.send_signal(sig)
        _, err = process.communicate(timeout=20)
    assert "Traceback" not in err
    assert process.returncode == 128 + sig
    assert list(tmp_path.glob("zuddl-ui-*")) == []


def test_skipping_every_row_is_neither_offered_nor_taken(
    ui: RunningUi, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    rows = numbered_rows(3)
    for row in rows:
        row[4] = "2026-13-45"  # every row's date is wrong
    agenda = write_csv(tmp_path / "all-bad.csv", rows)
    client = signed_in(ui)
    connect(client, ui, sandbox)
    with agenda.open("rb") as handle:
        client.post("/upload", data={"csrf": ui.tokens.csrf}, files={"agenda": ("a.csv", handle)})
    assert client.post("/columns", data={"csrf": ui.tokens.csrf}).headers["location"] == "/check"
    page = html.unescape(client.get("/check").text)
    assert 'id="skip_invalid"' not in page
    assert (
        "Every row has a problem, so there is nothing to import yet. Often one column is the "
        'cause: look at the problems list, choose "Don\'t import the column" there, or fix that '
        "column in your file and check again."
    ) in page
    refused = client.post("/plan", data={"csrf": ui.tokens.csrf, "skip_invalid": "yes"})
    assert refused.headers["location"] == "/check" and not ui.workspace.skip_invalid
    assert client.get("/plan").headers["location"] == "/check"
    assert by_reference(sandbox) == {}
