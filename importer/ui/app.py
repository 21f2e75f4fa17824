"""The page's routes: one screen per step, each a thin call into the workspace.

Connect -> Upload (sheet, columns) -> Check -> Plan -> Import. Library calls block (they run
their own event loop), so they run in worker threads; one lock keeps two clicks from racing.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartParser
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from importer.errors import ImporterError
from importer.read.limits import DEFAULT_LIMITS, MB
from importer.ui.groups import resolution
from importer.ui.missing import missing_help
from importer.ui.pastruns import PastImports
from importer.ui.resolve import resolve_routes
from importer.ui.running import PlanAndImport
from importer.ui.screens import attachment as _attachment
from importer.ui.screens import plain_page
from importer.ui.security import CSRF_FIELD, CSRF_HEADER, Guard, Tokens
from importer.ui.views import (
    DATE_ORDERS,
    FIELD_CHOICES,
    check_view,
    samples,
    zone_choices,
)
from importer.ui.words import page_words
from importer.ui.workspace import MAX_UPLOAD_BYTES, Workspace

HERE = Path(__file__).parent
STEPS = (
    ("connect", "Connect"),
    ("upload", "Upload"),
    ("check", "Check"),
    ("plan", "Plan"),
    ("import", "Import"),
)
FORM_FIELDS = 64  # the fields of a form besides one a column: token, sheet, options
FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the small fields beside the file

# An upload stays in memory (at most the 50 MB limit) until it is written to the page's private
# folder: Starlette would otherwise spool anything over 1 MB into the shared temp folder first.
MultiPartParser.spool_max_size = MAX_UPLOAD_BYTES + FORM_OVERHEAD

_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
_templates.globals["missing_help"] = missing_help  # the columns step: what a sheet lacks


class CsrfRefused(Exception):
    pass


class UiApp(PlanAndImport, PastImports):
    def __init__(self, workspace: Workspace, tokens: Tokens, hosts: frozenset[str]) -> None:
        self.ws, self.tokens = workspace, tokens
        self.lock = asyncio.Lock()
        routes = [
            Route("/", self.home),
            Route("/connect", self.connect_page),
            Route("/connect", self.connect, methods=["POST"]),
            Route("/upload", self.upload_page),
            Route("/upload", self.upload, methods=["POST"]),
            Route("/columns", self.columns, methods=["POST"]),
            Route("/columns", self.columns_page),
            Route("/check", self.check_page),
            Route("/check", self.recheck, methods=["POST"]),
            Route("/check/workbook", self.checked_download),
            Route("/plan", self.plan, methods=["POST"]),
            Route("/plan", self.plan_page),
            Route("/import", self.start_import, methods=["POST"]),
            Route("/import", self.import_page),
            Route("/import/status", self.import_status),
            Route("/download/{name}", self.download),
            Route("/template", self.template),
            Route("/restart", self.restart, methods=["POST"]),
            *resolve_routes(self),  # the check screen's fixes (importer.ui.resolve)
            Route("/history/{run}/delete", self.past_delete_page),
            Route("/history/{run}/delete", self.past_delete, methods=["POST"]),
            Route("/history/{run}/{kind}", self.past_download),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ]
        self.app = Starlette(
            routes=routes,
            middleware=[Middleware(Guard, tokens=tokens, hosts=hosts)],
            exception_handlers={CsrfRefused: self.csrf_refused},
        )

    def render(self, name: str, step: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("error", None)
        if context["error"]:  # the library's fix, in the page's words (no flags)
            context["error"] = page_words(context["error"])
        html = _templates.get_template(name).render(
            steps=STEPS,
            step=step,
            csrf=self.tokens.csrf,
            sandbox=self.ws.sandbox,
            connection=self.ws.connection,
            links=self.back_links(),
            **context,
        )
        return HTMLResponse(html, status_code=status)

    async def form(self, request: Request, **limits: int) -> FormData:
        """The POSTed form, refused unless it carries this page's CSRF token."""
        # A field for each column of the sheet on the columns step: as many as a sheet can have.
        fields = DEFAULT_LIMITS.max_columns + FORM_FIELDS
        form = await request.form(max_files=limits.get("max_files", 0), max_fields=fields)
        token = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
        if not isinstance(token, str) or not self.tokens.csrf_ok(token):
            await form.close()  # a refused upload's spooled copy goes at once
            raise CsrfRefused
        return form

    async def csrf_refused(self, request: Request, exc: Exception) -> Response:
        return plain_page(
            "Refused",
            "This form was not sent from this page (its security token is missing or wrong). "
            "Go back, reload the page and try again.",
            403,
        )

    def back_links(self) -> dict[str, str]:
        """Earlier steps one can go back to (none while a run is going)."""
        ws = self.ws
        if self.running():
            return {}
        links = {"connect": "/connect"}
        if ws.connection is not None:
            # After a run the sheet is gone from the disk: a new one is uploaded.
            links["upload"] = "/columns" if ws.upload and ws.job is None else "/upload"
        if ws.report is not None and ws.job is None:
            links["check"] = "/check"
        return links

    def running(self) -> bool:
        return self.ws.job is not None and not self.ws.job.finished

    def next_step(self) -> str:
        ws = self.ws
        if ws.job is not None:
            return "/import"
        if ws.connection is None:
            return "/connect"
        if ws.upload is None:
            return "/upload"
        return "/check"

    async def home(self, request: Request) -> Response:
        return RedirectResponse(self.next_step(), status_code=303)

    # 1. Connect
    async def connect_page(
        self, request: Request, error: str | None = None, typed: dict[str, str] | None = None
    ) -> Response:
        shown = dict(self.ws.defaults)
        if self.ws.connection is not None:
            shown = {"base_url": self.ws.connection.base_url}
            shown["event_id"] = self.ws.connection.event_id
        shown.update(typed or {})  # what was typed stays, except the key
        return self.render(
            "connect.html",
            "connect",
            status=400 if error else 200,
            error=error,
            base_url=shown["base_url"],
            event_id=shown["event_id"],
            key_given=self.ws.given_key is not None,
        )

    async def connect(self, request: Request) -> Response:
        form = await self.form(request)
        if self.running():
            return RedirectResponse("/import", status_code=303)
        typed = {name: str(form.get(name, "")) for name in ("base_url", "event_id")}
        async with self.lock:
            try:
                await run_in_threadpool(
                    self.ws.connect,
                    typed["base_url"],
                    typed["event_id"],
                    str(form.get("api_key", "")),
                )
            except ImporterError as exc:
                return await self.connect_page(request, exc.message, typed)
        return RedirectResponse("/upload", status_code=303)

    # 2. Upload, then the sheet and the columns
    async def upload_page(
        self, request: Request, error: str | None = None, status: int = 200
    ) -> Response:
        if self.ws.connection is None:
            return RedirectResponse("/connect", status_code=303)
        return self.render(
            "upload.html",
            "upload",
            status=status,
            error=error,
            limit_mb=MAX_UPLOAD_BYTES // MB,
            upload=self.ws.upload,
            past=self.past_runs(),
            deleted=request.query_params.get("deleted") == "1",
        )

    async def upload(self, request: Request) -> Response:
        size = request.headers.get("content-length")
        if size is None or not size.isdigit() or int(size) > MAX_UPLOAD_BYTES + FORM_OVERHEAD:
            await request.close()
            return await self.upload_page(
                request,
                f"The file is too big: the limit is {MAX_UPLOAD_BYTES // MB} MB. An agenda "
                "is far smaller; check that you chose the right file.",
                status=413,
            )
        form = await self.form(request, max_files=1)
        if self.running():  # the run reads the current upload: it is not replaced under it
            return RedirectResponse("/import", status_code=303)
        if self.ws.connection is None:
            return RedirectResponse("/connect", status_code=303)
        chosen = form.get("agenda")
        if not isinstance(chosen, UploadFile) or not chosen.filename:
            return await self.upload_page(request, "Choose a spreadsheet file first.", 400)
        content = await chosen.read(MAX_UPLOAD_BYTES + 1)
        await form.close()
        async with self.lock:
            try:
                await run_in_threadpool(self.ws.receive, chosen.filename, content)
            except ImporterError as exc:
                return await self.upload_page(request, exc.message, 400)
        return RedirectResponse("/columns", status_code=303)

    async def columns_page(
        self, request: Request, error: str | None = None, status: int = 200
    ) -> Response:
        ws = self.ws
        if ws.upload is None or ws.connection is None or ws.job is not None:
            return RedirectResponse(self.next_step(), status_code=303)
        try:
            table = await run_in_threadpool(ws.table)
        except ImporterError as exc:
            ws.discard_upload()
            return await self.upload_page(request, exc.message, 400)
        detected, problem = ws.detected(table)
        return self.render(
            "columns.html",
            "upload",
            status=status if not error else 400,
            error=error or problem,
            upload=ws.upload,
            table=table,
            detected=detected,
            choices=FIELD_CHOICES,
            samples=samples,
            zones=self.zones(),
        )

    async def columns(self, request: Request) -> Response:
        form = await self.form(request)
        ws = self.ws
        if self.running():
            return RedirectResponse("/import", status_code=303)
        if ws.upload is None or ws.connection is None:
            return RedirectResponse(self.next_step(), status_code=303)
        async with self.lock:
            try:
                table = await run_in_threadpool(ws.table)
                # A column the form does not mention keeps what was detected for it.
                chosen = {
                    header: str(form[f"column-{i}"])
                    for i, header in enumerate(table.headers)
                    if f"column-{i}" in form
                }
                sheet = form.get("sheet")
                ws.choose(
                    sheet if isinstance(sheet, str) else None,
                    chosen,
                    str(form.get("timezone", "")),
                )
                if form.get("action") == "sheet":
                    return RedirectResponse("/columns", status_code=303)
                await run_in_threadpool(ws.check)
                await run_in_threadpool(ws.remember_columns, table)
            except ImporterError as exc:
                return await self.columns_page(request, exc.message)
        return RedirectResponse("/check", status_code=303)

    def zones(self) -> list[str]:
        """The time zones to choose from: the chosen one, then the event's, first."""
        event = self.ws.connection.timezone if self.ws.connection else None
        return zone_choices(self.ws.upload.timezone if self.ws.upload else None, event)

    # 3. Check
    async def check_page(self, request: Request, error: str | None = None) -> Response:
        report, upload = self.ws.report, self.ws.upload
        if report is None or upload is None or self.ws.job is not None:
            if upload is not None and self.ws.connection is not None and self.ws.job is None:
                return await self.columns_page(request, error)
            return RedirectResponse(self.next_step(), status_code=303)
        return self.render(
            "check.html",
            "check",
            status=400 if error else 200,
            error=error,
            view=check_view(report),
            resolve=resolution(report, upload.values, upload.skipped),
            upload=upload,
            orders=DATE_ORDERS,
            zones=self.zones(),
        )

    async def recheck(self, request: Request) -> Response:
        """The check again, with the date order, default date and time zone chosen."""
        form = await self.form(request)
        if self.running() or self.ws.upload is None or self.ws.connection is None:
            return RedirectResponse(self.next_step(), status_code=303)
        async with self.lock:
            try:
                await run_in_threadpool(
                    self.ws.recheck,
                    str(form.get("date_order", "")),
                    str(form.get("default_date", "")),
                    str(form.get("timezone", "")),
                )
            except ImporterError as exc:
                return await self.check_page(request, exc.message)
        return RedirectResponse("/check", status_code=303)

    async def checked_download(self, request: Request) -> Response:
        if self.ws.report is None:
            return RedirectResponse(self.next_step(), status_code=303)
        download = await run_in_threadpool(self.ws.checked_workbook)
        return _attachment(download)

    async def template(self, request: Request) -> Response:
        """The agenda template, for staff who start from nothing (as ``zuddl-import template``)."""
        download = await run_in_threadpool(self.ws.template)
        return _attachment(download)

    async def restart(self, request: Request) -> Response:
        await self.form(request)
        async with self.lock:
            if self.ws.job is None or self.ws.job.finished:
                self.ws.discard_upload()
        return RedirectResponse(self.next_step(), status_code=303)
