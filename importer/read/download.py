"""An agenda given as a link: downloaded, kept beside the results, and skipped when unchanged.

A nightly import keeps an event in step with a sheet that lives in Google Sheets or SharePoint,
not on the server. Here the link becomes a local file before anything else happens, so the
loader applies its usual checks and messages to it; the size limit is applied while the answer
streams in (a giant answer is cut off, never read to the end). The copy stays next to the
results sheet for the record, and a small state file next to the journal remembers the version
(ETag, Last-Modified, content hash) of the last sheet a run fully imported: an unchanged sheet
is then only compared with the event, nothing is written.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from importer import __version__
from importer.errors import ApiError, InputFileError, UsageError
from importer.read.filetype import KIND_WORDS, RENAME_TO
from importer.read.filetype import sniff as sniff_kind
from importer.read.limits import DEFAULT_LIMITS, Limits, megabytes
from importer.read.links import check_link, download_form, shown_link, suffix_from_answer
from importer.settings.config import Settings, default_results_path

log = logging.getLogger("zuddl_import")
MAX_REDIRECTS = 10
RETRY_WAITS = (2.0, 10.0)  # seconds before the second and the third try
CHUNK = 64 * 1024


@dataclass(frozen=True)
class SheetVersion:
    """What identifies the sheet a run imported; kept in RESULTS.download.json."""

    link: str  # SHA-256 of the link: the link itself is a capability, never stored
    settings: str  # SHA-256 of the settings that shape the plan (event, columns, defaults...)
    sha256: str  # of the downloaded bytes
    copy: str  # file name of the kept copy, beside the results
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class AgendaSource:
    """Where the agenda to load is, where the results go, and whether the sheet changed."""

    path: Path
    results: Path
    link: str | None = None  # the host of a link, as messages show it
    unchanged: bool = False  # the same sheet as the last fully imported one
    state_path: Path | None = None
    version: SheetVersion | None = None

    def settle(self, exit_code: int) -> None:
        """Remember the sheet's version once a run with it brought the event in step.

        Only a run that ended with every row done (exit 0) counts: after a failure, a safety
        stop or a dry run, the next run must import the sheet again, not skip it.
        """
        if self.version is None or self.state_path is None or exit_code != 0:
            return
        save_version(self.state_path, self.version)


def state_path(results: Path) -> Path:
    """RESULTS.download.json, next to RESULTS.journal.jsonl."""
    return results.with_name(results.stem + ".download.json")


def copy_path(results: Path, suffix: str) -> Path:
    """agenda.results.xlsx -> agenda.downloaded.xlsx (the suffix is the answer's file type)."""
    base = results.stem.removesuffix(".results") or "agenda"
    return results.with_name(f"{base}.downloaded{suffix}")


async def fetch_agenda(
    agenda: Path | str, settings: Settings, *, dry_run: bool, limits: Limits = DEFAULT_LIMITS
) -> AgendaSource:
    """A file is used as it is; a link is downloaded next to the results first.

    Dry runs (validate, plan, --dry-run) always download the sheet and never touch the state,
    so checking by hand never makes the next nightly run skip a sheet.
    """
    if isinstance(agenda, Path):
        return AgendaSource(agenda, settings.results or default_results_path(agenda))
    url = check_link(agenda)
    results = settings.results or Path.cwd() / "agenda.results.xlsx"
    state = state_path(results)
    link_hash = hashlib.sha256(url.encode()).hexdigest()
    settings_hash = _settings_fingerprint(settings)
    last = None if dry_run else load_version(state, link_hash, settings_hash)
    answer = await _download(
        download_form(url, settings.sheet),
        _private_headers(settings),
        last,
        results,
        settings.timeout_s,
        limits,
    )
    if answer is None:  # 304 Not Modified: the kept copy is the sheet
        assert last is not None
        source = AgendaSource(results.with_name(last.copy), results, shown_link(url), True, state)
    else:
        copy, digest, etag, modified = answer
        version = SheetVersion(link_hash, settings_hash, digest, copy.name, etag, modified)
        unchanged = last is not None and last.sha256 == digest
        if unchanged:  # the same bytes under new validators: remember those
            save_version(state, version)
        keep = None if dry_run or unchanged else version
        source = AgendaSource(copy, results, shown_link(url), unchanged, state, keep)
    log.info(
        "agenda downloaded",
        extra={
            "event": "download",
            "data": {"link": source.link, "copy": str(source.path), "unchanged": source.unchanged},
        },
    )
    return source


def _settings_fingerprint(settings: Settings) -> str:
    """What decides the plan besides the sheet: a change here means importing again."""
    shaping = [
        __version__,
        settings.event_id,
        settings.base_url,
        settings.reference_field,
        settings.sheet,
        settings.mode,
        settings.skip_invalid,
        repr(settings.mapping),
    ]
    return hashlib.sha256(json.dumps(shaping, default=str).encode()).hexdigest()


def _private_headers(settings: Settings) -> dict[str, str]:
    """Headers for a private link, each from the environment variable the config names."""
    headers = {}
    for header, variable in settings.agenda_headers.items():
        value = os.environ.get(variable, "").strip()
        if not value:
            raise UsageError(
                f'The agenda link needs the header "{header}" from the environment variable '
                f"{variable}, which is not set."
            )
        headers[header] = value
    return headers


def load_version(path: Path, link: str, settings: str) -> SheetVersion | None:
    """The last fully imported version, if it is of this link and settings and its copy is
    still there, unaltered; else None (the sheet is downloaded and imported in full)."""
    try:
        version = SheetVersion(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    if version.link != link or version.settings != settings or "/" in version.copy:
        return None
    try:
        kept = path.with_name(version.copy).read_bytes()
    except OSError:
        return None
    return version if hashlib.sha256(kept).hexdigest() == version.sha256 else None


def save_version(path: Path, version: SheetVersion) -> None:
    """Written whole or not at all (a temporary file renamed over the old one)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".download-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(asdict(version), out, indent=1)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


Answer = tuple[Path, str, str | None, str | None]  # copy, sha256, ETag, Last-Modified


async def _download(
    url: str,
    headers: dict[str, str],
    last: SheetVersion | None,
    results: Path,
    timeout_s: float,
    limits: Limits,
) -> Answer | None:
    """The download, tried again after a lost connection, a timeout, a 429 or a 5xx: a sheet
    host's bad second at 02:30 should not cost the night's import."""
    for wait in (*RETRY_WAITS, None):
        try:
            return await _get(url, headers, last, results, timeout_s, limits)
        except ApiError as exc:
            if wait is None:
                raise
            data = {"link": shown_link(url), "why": exc.message, "wait_s": wait}
            log.warning("download retried", extra={"event": "download_retry", "data": data})
            await asyncio.sleep(wait)
    raise AssertionError("unreachable")  # the last try returns or raises


async def _get(
    url: str,
    headers: dict[str, str],
    last: SheetVersion | None,
    results: Path,
    timeout_s: float,
    limits: Limits,
) -> Answer | None:
    """GET with redirects followed by hand: each hop must be HTTPS (or loopback), and the
    private headers are not sent on to another host. None for 304 Not Modified."""
    conditional = {}
    if last is not None and last.etag:
        conditional["If-None-Match"] = last.etag
    if last is not None and last.last_modified:
        conditional["If-Modified-Since"] = last.last_modified
    host = urlsplit(url).hostname
    timeout = httpx.Timeout(timeout_s, connect=min(timeout_s, 10.0))
    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            same_host = urlsplit(url).hostname == host
            sent = {**conditional, **(headers if same_host else {})}
            try:
                response = await client.send(
                    client.build_request("GET", url, headers=sent), stream=True
                )
                try:
                    if response.is_redirect and "location" in response.headers:
                        url = _next_hop(url, response.headers["location"])
                        continue
                    if response.status_code == 304 and last is not None:
                        return None
                    _check_status(url, response)
                    return await _receive(url, response, results, limits)
                finally:
                    await response.aclose()
            except httpx.TimeoutException as exc:
                raise ApiError(
                    f"The agenda link ({shown_link(url)}) gave no answer within {timeout_s:g} "
                    "seconds. Check the network, then try again."
                ) from exc
            except httpx.TransportError as exc:
                raise ApiError(
                    f"The agenda link ({shown_link(url)}) could not be reached (the connection "
                    "failed). Check the network and the link, then try again."
                ) from exc
    raise InputFileError(
        f"The agenda link ({shown_link(url)}) redirected more than {MAX_REDIRECTS} times; "
        "it does not lead to a file."
    )


def _next_hop(url: str, location: str) -> str:
    target = urljoin(url, location)
    try:
        return check_link(target)
    except UsageError as exc:
        raise InputFileError(
            f"The agenda link ({shown_link(url)}) redirected to plain http at "
            f'"{shown_link(target)}", so the download was stopped: anyone on the way could '
            "read or change the sheet. Use a link that stays on https://."
        ) from exc


def _check_status(url: str, response: httpx.Response) -> None:
    code = response.status_code
    if code == 200:
        return
    answered = f"The agenda link ({shown_link(url)}) answered {code} {response.reason_phrase}"
    if code in (401, 403):
        raise InputFileError(
            f"{answered}: the job may not read the sheet. Share it so that anyone with the "
            "link can view it, or give the job a header for it (agenda_headers); see the README."
        )
    if code in (404, 410):
        raise InputFileError(
            f"{answered}: check the link (the sheet may have been moved or deleted)."
        )
    if code == 429 or code >= 500:
        raise ApiError(f"{answered}. Try again later.")
    raise InputFileError(f"{answered}, not the file.")


async def _receive(url: str, response: httpx.Response, results: Path, limits: Limits) -> Answer:
    """Stream the body to a temporary file beside the results, then rename it into place."""
    headers = response.headers
    suffix = suffix_from_answer(
        url, headers.get("content-type"), headers.get("content-disposition")
    )
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_file_bytes:
        raise _too_large(url, limits)
    try:
        handle, name = tempfile.mkstemp(dir=results.parent, prefix=".agenda-", suffix=".part")
    except OSError as exc:
        raise UsageError(
            f'Cannot save the downloaded agenda in "{results.parent}": {exc.strerror}. Choose '
            "a results path in a folder you can write to (--results)."
        ) from exc
    part = Path(name)
    try:
        digest, size = hashlib.sha256(), 0
        with os.fdopen(handle, "wb") as out:
            async for chunk in response.aiter_bytes(CHUNK):
                size += len(chunk)
                if size > limits.max_file_bytes:
                    raise _too_large(url, limits)  # cut off: the rest is never read
                digest.update(chunk)
                out.write(chunk)
        suffix = suffix or _suffix_from_bytes(url, part, limits)
        copy = copy_path(results, suffix)
        part.replace(copy)
    except BaseException:
        with contextlib.suppress(OSError):
            part.unlink()
        raise
    return copy, digest.hexdigest(), headers.get("etag"), headers.get("last-modified")


def _suffix_from_bytes(url: str, part: Path, limits: Limits) -> str:
    """Neither the file name nor the Content-Type said: what the bytes are decides."""
    kind = sniff_kind(part, limits)
    if kind == "encrypted":  # the loader's own message says what to do with it
        return ".xlsx"
    if kind in RENAME_TO:
        return RENAME_TO[kind]
    raise InputFileError(
        f"The agenda link ({shown_link(url)}) answered with {KIND_WORDS.get(kind, kind)}, "
        "not a spreadsheet. Check that the link leads to the agenda file itself."
    )


def _too_large(url: str, limits: Limits) -> InputFileError:
    size = megabytes(limits.max_file_bytes)
    return InputFileError(
        f"The agenda at the link ({shown_link(url)}) is more than the {size} this importer "
        "reads, so the download was stopped. Split the agenda into smaller files (or save it "
        "as CSV, without pictures and other sheets) and import them one after the other."
    )
