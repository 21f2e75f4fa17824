"""The routes of the import history: a kept file to download, a run to delete (confirmed)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from importer.ui.history import PastRun
from importer.ui.screens import Screens, attachment, plain_page
from importer.ui.workspace import Download

GONE = "That import is no longer in the history (it was deleted, perhaps in another tab)."


class PastImports(Screens):
    def past_runs(self) -> tuple[PastRun, ...]:
        history = self.ws.history
        return history.runs() if history is not None else ()

    def _past(self, request: Request) -> PastRun | None:
        history = self.ws.history
        return history.get(request.path_params["run"]) if history is not None else None

    async def past_download(self, request: Request) -> Response:
        history, run = self.ws.history, request.path_params["run"]
        path = history.file(run, request.path_params["kind"]) if history is not None else None
        if path is None:
            return plain_page("Not found", GONE, 404)
        content = await run_in_threadpool(path.read_bytes)
        return attachment(Download(path.name, content))

    async def past_delete_page(self, request: Request) -> Response:
        past = self._past(request)
        if past is None:
            return await self.upload_page(request, GONE, 404)
        return self.render("forget.html", "upload", past=past)

    async def past_delete(self, request: Request) -> Response:
        await self.form(request)
        past, history = self._past(request), self.ws.history
        if past is None or history is None:
            return await self.upload_page(request, GONE, 404)
        async with self.lock:
            await run_in_threadpool(history.delete, past.id)
        return RedirectResponse("/upload?deleted=1", status_code=303)
