"""The calls of Zuddl's sessions API as the contract describes them, each answer turned into
a result or an ``ImporterError``.

Every httpx error is mapped at this boundary (here and in ``transport.py``, which carries the
requests); nothing above these two modules knows httpx exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

import httpx

from importer.errors import ApiError, UsageError
from importer.sync.answers import EventInfo, ProbeAnswer, WriteResult
from importer.sync.paging import read_all_pages
from importer.sync.transport import (
    Connection,
    ServerError,
    api_reason,
    error_fields,
    transport_reason,
)
from importer.sync.wire import Listing, listing


class ZuddlClient(Connection):
    """The API's calls, on one paced, retrying connection (see ``Connection``)."""

    async def __aenter__(self) -> Self:
        return self

    async def _get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        try:
            response = await self._idempotent("GET", path, params=params)
        except httpx.TransportError as exc:
            raise ApiError(
                f"Cannot reach the Zuddl API at {self.base_url}: "
                f"{transport_reason(exc)}. Check the address and your network."
            ) from exc
        except ServerError as exc:
            raise ApiError(
                f"Zuddl kept answering {exc.response.status_code} to GET {path}, "
                f"{self.retry.attempts} times. Try again later."
            ) from exc
        self._refused(response)
        if response.status_code == 404 and "/events/" in path:
            raise UsageError(
                f"Zuddl knows no event with this ID ({path.split('/')[3]}). "
                "Check --event: copy the ID from the event's settings in Zuddl."
            )
        if response.status_code >= 300:
            raise UsageError(f"Zuddl refused GET {path}: {api_reason(response)}.")
        return response.json()

    async def get_event(self, event_id: str) -> EventInfo:
        data = await self._get(f"/v1/events/{event_id}")
        if not isinstance(data, dict):
            raise ApiError(f"Zuddl answered GET /v1/events/{event_id} with no event details.")

        def text(key: str) -> str | None:
            value = data.get(key)
            return str(value) if value not in (None, "") else None

        return EventInfo(
            text("id") or event_id,
            text("name") or "",
            text("timezone"),
            text("eventFormat"),
            text("startDate"),
            text("endDate"),
        )

    async def _all_pages(self, path: str, expected: int = 0) -> list[dict[str, Any]]:
        return await read_all_pages(
            self._get, path, base_url=self.base_url, expected=expected, fan_out=self._concurrency
        )

    async def list_locations(self, event_id: str) -> dict[str, str]:
        """Location name, as the event spells it -> location ID."""
        items = await self._all_pages(f"/v1/events/{event_id}/locations")
        return {str(i["name"]): str(i["id"]) for i in items if i.get("name") and i.get("id")}

    async def list_sessions(self, event_id: str, expected: int = 0) -> Listing:
        return listing(await self._all_pages(f"/v1/events/{event_id}/sessions", expected))

    async def list_speakers(self, event_id: str) -> list[dict[str, Any]] | None:
        """The event's speakers, or None when the API has no such list (404: the endpoint is
        seen only in code by Zuddl staff; nothing depends on it)."""
        path = f"/v1/events/{event_id}/speakers"
        probe = await self._get_or_none(path)
        if probe is None:
            return None
        return await self._all_pages(path)

    async def _get_or_none(self, path: str) -> Any:
        try:
            response = await self._idempotent("GET", path, params={"page": 1, "size": 1})
        except (httpx.TransportError, ServerError):
            return await self._get(path)  # says why, in the words every GET uses
        self._refused(response)
        return None if response.status_code in (404, 405, 501) else True

    async def change_speakers(
        self, event_id: str, session_id: str, items: list[dict[str, Any]], *, add: bool
    ) -> str | None:
        """POST (add) or DELETE (remove) a session's speakers; None when done, else why not.
        Both are idempotent (the same IDs end up linked or not), so 5xx are retried."""
        path = f"/v1/events/{event_id}/sessions/{session_id}/speakers"
        try:
            response = await self._idempotent("POST" if add else "DELETE", path, json=items)
        except httpx.TransportError as exc:
            return f"no answer ({transport_reason(exc)})"
        except ServerError as exc:
            return f"Zuddl answered {exc.response.status_code}"
        self._refused(response)
        return None if response.status_code < 300 else api_reason(response)

    async def add_files(
        self, event_id: str, session_id: str, files: list[tuple[str, str]]
    ) -> str | None:
        """POST a session's new files; None when done, else why not. Not retried on 5xx: a
        second POST could add the files twice."""
        path = f"/v1/events/{event_id}/sessions/{session_id}/files"
        body = [{"fileName": name, "fileUrl": url} for name, url in files]
        try:
            response = await self._send("POST", path, json=body)
        except httpx.TransportError as exc:
            return f"no answer ({transport_reason(exc)})"
        self._refused(response)
        return None if response.status_code < 300 else api_reason(response)

    async def probe(self, path: str, *, scheme: str | None = None) -> ProbeAnswer:
        """One GET, no retry, for ``doctor``; unreachable is an ``ApiError``."""
        try:
            response = await self._http.get(
                path, headers={"Authorization": self._authorization(scheme)}
            )
        except httpx.TransportError as exc:
            raise ApiError(
                f"Cannot reach the Zuddl API at {self.base_url}: {transport_reason(exc)}. "
                "Check the address and your network."
            ) from exc
        self.calls += 1
        try:
            data = response.json()
        except ValueError:
            data = None
        return ProbeAnswer(response.status_code, data, dict(response.headers))

    async def create_session(self, event_id: str, body: Mapping[str, Any]) -> WriteResult:
        """Never retried blindly: an unanswered create may have happened (``outcome_unknown``)."""
        try:
            response = await self._send("POST", f"/v1/events/{event_id}/sessions", json=body)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise ApiError(
                f"Lost the connection to the Zuddl API at {self.base_url}: {transport_reason(exc)}."
            ) from exc
        except httpx.TransportError as exc:
            return WriteResult(
                None,
                None,
                f"No answer from Zuddl ({transport_reason(exc)}); "
                "the session may or may not have been created.",
                True,
            )
        return self._written(response, "created")

    async def update_session(
        self, event_id: str, session_id: str, body: Mapping[str, Any]
    ) -> WriteResult:
        path = f"/v1/events/{event_id}/sessions/{session_id}"
        try:
            response = await self._idempotent("PUT", path, json=body)
        except httpx.TransportError as exc:
            return WriteResult(None, None, f"Could not update: {transport_reason(exc)}.")
        except ServerError as exc:
            response = exc.response
            return WriteResult(
                response.status_code,
                None,
                f"Could not update: Zuddl answered {response.status_code}, "
                f"{self.retry.attempts} times.",
            )
        result = self._written(response, "updated")
        if result.outcome_unknown and 200 <= response.status_code < 300:
            # A PUT names its session: a 2xx without a session object still did the update.
            return WriteResult(response.status_code, session_id, "")
        return result

    def _written(self, response: httpx.Response, verb: str) -> WriteResult:
        self._refused(response)
        status = response.status_code
        if 200 <= status < 300:
            try:
                answer = response.json()
            except ValueError:
                answer = None
            if isinstance(answer, dict) and answer.get("id"):
                return WriteResult(status, str(answer["id"]), "", answer=answer)
            return WriteResult(
                status,
                None,
                f"Zuddl answered {status} without the session's ID; the session may or may "
                f"not have been {verb}.",
                True,
            )
        if status >= 500:
            return WriteResult(
                status,
                None,
                f"Zuddl answered {status}; the session may or may not have been {verb}.",
                True,
            )
        return WriteResult(
            status,
            None,
            f"Zuddl refused this session: {api_reason(response)}.",
            refused_fields=error_fields(response),
        )
