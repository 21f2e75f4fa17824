"""Agenda links: which addresses may be downloaded, and the download form of a sharing link.

Staff keep the agenda in Google Sheets or OneDrive/SharePoint and copy the link their browser
shows; that link opens an editor, not the file. The rules here turn it into the address that
answers with the file itself, and say what kind of file an answer is from its headers (never
from the link, which rarely ends in .xlsx). Nothing here touches the network.
"""

from __future__ import annotations

import base64
import ipaddress
import re
from email.message import Message
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from importer.errors import InputFileError, UsageError
from importer.read.filetype import EXPECTED

# A Google Sheets link: /spreadsheets/d/ID/edit#gid=N (also /view, /htmlview, ?usp=sharing).
_GOOGLE = re.compile(r"^/spreadsheets/d/(?P<id>[A-Za-z0-9_-]{10,})(?:/[^?#]*)?$")
# "Publish to the web": /spreadsheets/d/e/KEY/pubhtml (or /pub?output=...).
_GOOGLE_PUBLISHED = re.compile(r"^/spreadsheets/d/e/(?P<key>[A-Za-z0-9_-]{10,})/pub(?:html)?$")
# A OneDrive for work / SharePoint sharing link: /:x:/g/personal/... or /:x:/s/site/...
_SHARING = re.compile(r"^/:[a-z]:/")
_DOC_ASPX = re.compile(r"^(?P<site>.*)/_layouts/15/(?:Doc|WopiFrame)\.aspx$", re.IGNORECASE)

CONTENT_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.ms-excel.sheet.macroenabled.12": ".xlsm",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "text/csv": ".csv",
    "application/csv": ".csv",
    "text/comma-separated-values": ".csv",
    "text/tab-separated-values": ".tsv",
    "text/plain": ".txt",
}
# Answers that are certainly no agenda: refused from the headers, before the body is read.
REFUSED_TYPES = {
    "text/html": "a web page",
    "application/xhtml+xml": "a web page",
    "application/json": "JSON data",
    "application/pdf": "a PDF document",
    "application/xml": "an XML document",
    "text/xml": "an XML document",
}


def is_link(text: str) -> bool:
    """Whether an agenda given on the command line or in the config is a web address."""
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", text.strip()))


def shown_link(url: str) -> str:
    """A link as messages, logs and notifications show it: the host only.

    Sharing links are capabilities (whoever has one can read the sheet), so the rest of the
    address is never repeated anywhere.
    """
    return urlsplit(url).hostname or "the link"


def check_link(url: str) -> str:
    """HTTPS only; plain http only to this machine (tests, a local export)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            "The agenda link is not a web address. Give the https:// link of the sheet, "
            "or the path of a file."
        )
    if not safe_address(url.strip()):
        raise UsageError(
            f'Refusing to download the agenda over plain http from "{parts.hostname}": '
            "anyone on the way could read or change it. Use the https:// link "
            "(plain http is allowed only for this machine)."
        )
    return url.strip()


def safe_address(url: str) -> bool:
    """https://, or plain http to this machine only (a local test server, the sandbox)."""
    parts = urlsplit(url)
    if not parts.hostname:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and _loopback(parts.hostname))


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def download_form(url: str, sheet: str | None = None) -> str:
    """The address that answers with the file itself.

    A Google Sheets link to one tab (``#gid=N``, as the browser shows it) gives that tab as
    CSV, unless ``sheet`` names a tab: then, as without ``#gid``, the whole workbook as xlsx, so
    the sheet can be chosen by name. A OneDrive/SharePoint sharing link gets ``download=1``.
    Any other link is fetched as it is.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    fragment = dict(parse_qsl(parts.fragment, keep_blank_values=True))
    gid = fragment.get("gid") or query.get("gid")
    if (found := _GOOGLE_PUBLISHED.match(parts.path)) is not None:
        path = f"/spreadsheets/d/e/{found['key']}/pub"
        wanted = {"output": "csv", "gid": gid} if gid and sheet is None else {"output": "xlsx"}
        return urlunsplit((parts.scheme, parts.netloc, path, urlencode(wanted), ""))
    if (found := _GOOGLE.match(parts.path)) is not None:
        path = f"/spreadsheets/d/{found['id']}/export"
        wanted = {"format": "csv", "gid": gid} if gid and sheet is None else {"format": "xlsx"}
        return urlunsplit((parts.scheme, parts.netloc, path, urlencode(wanted), ""))
    if host in ("1drv.ms", "onedrive.live.com"):
        # OneDrive personal: the shares API takes any sharing link, encoded, and gives the file.
        token = base64.urlsafe_b64encode(url.encode()).decode().rstrip("=")
        return f"https://api.onedrive.com/v1.0/shares/u!{token}/root/content"
    if host.endswith(".sharepoint.com") or _SHARING.match(parts.path):
        if (found := _DOC_ASPX.match(parts.path)) is not None and "sourcedoc" in query:
            doc = query["sourcedoc"].strip("{}")
            path = f"{found['site']}/_layouts/15/download.aspx"
            return urlunsplit((parts.scheme, parts.netloc, path, urlencode({"UniqueId": doc}), ""))
        query["download"] = "1"
        return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def suffix_from_answer(url: str, content_type: str | None, disposition: str | None) -> str | None:
    """The file type an answer announces: the file name it gives, else its Content-Type.

    None when neither says (``application/octet-stream``): the bytes decide then. An answer
    that is certainly no spreadsheet (a sign-in page, JSON, a PDF) is refused here.
    """
    kind = (content_type or "").split(";")[0].strip().lower()
    name = filename_from(disposition)
    if name is not None and "." in name:
        suffix = "." + name.rsplit(".", 1)[1].lower()
        if suffix in EXPECTED:
            return suffix
    refused = REFUSED_TYPES.get(kind) or ("a picture" if kind.startswith("image/") else None)
    if refused is not None:
        raise InputFileError(
            f"The agenda link ({shown_link(url)}) answered with {refused} ({kind}), not a "
            "spreadsheet. If the sheet needs a sign-in, share it so that anyone with the link "
            "can view it, or give the job a header for it (agenda_headers); see the README."
        )
    return CONTENT_TYPES.get(kind)


def filename_from(disposition: str | None) -> str | None:
    """The file name of a Content-Disposition header (filename* in UTF-8 wins), base name only."""
    if not disposition:
        return None
    message = Message()
    message["content-disposition"] = disposition
    name = message.get_filename()
    if not name:
        return None
    return re.split(r"[\\/]", name)[-1].strip() or None
