"""What the route groups in their own modules (running.py, pastruns.py) use of the page's app.

The routes of one step live in a class of their own, mixed into ``UiApp``; this base names,
for the type checker, the app's state and helpers they call (``UiApp`` defines them).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from starlette.responses import Response

from importer.ui.workspace import Download, Workspace

if TYPE_CHECKING:
    from starlette.datastructures import FormData
    from starlette.requests import Request
    from starlette.responses import HTMLResponse

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
