"""The routes of the last two steps: the plan, then the import running and its downloads."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from importer.plan.status import Outcome, Status
from importer.run import ImportReport
from importer.ui.planview import plan_view
from importer.ui.screens import Screens, plain_page
from importer.ui.screens import attachment as _attachment

STALE_PLAN = (
    "Nothing was imported: the plan on that page is no longer the one checked last (the file "
    "was checked or changed again since, perhaps in another tab or window)."
)
FRESH_PLAN = " This is the current plan: review it, then import from here."


class PlanAndImport(Screens):
    # 4. Plan
    async def plan(self, request: Request) -> Response:
        form = await self.form(request)
        report = self.ws.report
        if report is None or self.running():
            return RedirectResponse(self.next_step(), status_code=303)
        # Skipping every row would import nothing: the page does not offer it, nor takes it.
        bad = {p.row for p in report.plan.errors if p.row is not None}
        some_good = len(bad) < len(report.table.rows)
        self.ws.skip_invalid = form.get("skip_invalid") == "yes" and some_good
        if report.plan.errors and not self.ws.skip_invalid:
            return RedirectResponse("/check", status_code=303)
        return RedirectResponse("/plan", status_code=303)

    async def plan_page(
        self, request: Request, error: str | None = None, status: int = 200
    ) -> Response:
        report = self.ws.report
        if self.ws.job is not None:  # Back after a run: its plan is spent, the run is shown
            return RedirectResponse("/import", status_code=303)
        if report is None or (report.plan.errors and not self.ws.skip_invalid):
            return RedirectResponse(self.next_step(), status_code=303)
        view = await run_in_threadpool(plan_view, report)
        return self.render(
            "plan.html",
            "plan",
            status=status,
            error=error,
            view=view,
            where=report.where,
            zone=report.timezone,
            plan_token=self.ws.plan_token,
        )

    # 5. Import
    async def start_import(self, request: Request) -> Response:
        form = await self.form(request)
        async with self.lock:  # one run at a time: a second click finds the first one's job
            if self.ws.job is not None:
                return RedirectResponse("/import", status_code=303)
            report, token = self.ws.report, self.ws.plan_token
            ready = report is not None and (not report.plan.errors or self.ws.skip_invalid)
            if ready and token is not None and form.get("plan") == token:
                self.ws.start_import()
                return RedirectResponse("/import", status_code=303)
        if not ready:
            return await self.upload_page(request, STALE_PLAN + " Upload the file again.", 409)
        return await self.plan_page(request, STALE_PLAN + FRESH_PLAN, 409)

    async def import_page(self, request: Request) -> Response:
        job = self.ws.job
        if job is None:
            return RedirectResponse(self.next_step(), status_code=303)
        report = job.report if job.finished else None
        return self.render(
            "import.html",
            "import",
            job=job,
            progress=job.status(),
            report=report,
            attention=_attention(report) if report else [],
            kept=self.ws.history is not None,
        )

    async def import_status(self, request: Request) -> Response:
        job = self.ws.job
        return JSONResponse(job.status() if job else {"state": "none"})

    async def download(self, request: Request) -> Response:
        job = self.ws.job
        found = job.downloads.get(request.path_params["name"]) if job else None
        if found is None:
            return plain_page("Not found", "Nothing to download here.", 404)
        return _attachment(found)


def _attention(report: ImportReport) -> list[Outcome]:
    """The rows a person should look at after the run, first 200 (the sheet has them all)."""
    wanted = (Status.FAILED, Status.INVALID, Status.SKIPPED)
    rows = sorted(report.outcomes.values(), key=lambda o: o.row)
    return [o for o in rows if o.status in wanted][:200]
