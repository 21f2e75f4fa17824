"""What the route groups in their own modules (running.py, pastruns.py) use of the page's app.

The routes of one step live in a class of their own, mixed into ``UiApp``; this base names,
for the type checker, the app's state and helpers they call (``UiApp`` defines them).
"""

from __future__ import annotations

import asyncio
from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from starlette.responses import HTMLResponse, Response

from importer.ui.workspace import Download, Workspace

if TYPE_CHECKING:
    from starlette.datastructures import FormData
    from starlette.requests import Request

    from importer.ui.security import Tokens


class Screens:
    ws: Workspace
    tokens: Tokens
    lock: asyncio.Lock

    if TYPE_CHECKING:

        def render(
            self, name: str, step: str, status: int = 200, **context: Any
        ) -> HTMLResponse: ...

        async def form(self, request: Request, **limits: int) -> FormData: ...

        def running(self) -> bool: ...

        def next_step(self) -> str: ...

        async def upload_page(
            self, request: Request, error: str | None = None, status: int = 200
        ) -> Response: ...


def plain_page(title: str, text: str, status: int) -> HTMLResponse:
    """A page of one sentence (refusals, nothing found), with what every page needs to be read
    by a screen reader: a language, a title, a main region and a heading."""
    return HTMLResponse(
        f"<!doctype html><html lang=en><meta charset=utf-8><title>{escape(title)} · Zuddl "
        f"session importer</title><main><h1>{escape(title)}</h1><p>{escape(text)}</p></main>"
        "</html>",
        status_code=status,
    )


def attachment(download: Download) -> Response:
    kind = (
        "text/csv"
        if download.name.endswith(".csv")
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    ascii_name = download.name.encode("ascii", "replace").decode().replace('"', "_")
    return Response(
        download.content,
        media_type=kind,
        headers={
            "content-disposition": f'attachment; filename="{ascii_name}"; '
            f"filename*=UTF-8''{quote(download.name)}"
        },
    )
