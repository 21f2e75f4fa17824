"""A plain-HTTP server on 127.0.0.1 that plays the sheet hosts and a webhook receiver.

It answers the download forms of Google Sheets and SharePoint links (the importer turns a
sharing link into one of those before asking), redirects, 304 Not Modified for a matching ETag,
endless answers (to prove a download is cut off), and records every request and every JSON
message posted to it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CHUNK = b"x" * 65536
CSV = "text/csv; charset=utf-8"


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None  # 304 when the request's If-None-Match matches
    last_modified: str | None = None  # 304 when If-Modified-Since is this (no ETag sent)
    endless: bool = False  # stream until the client hangs up
    needs: dict[str, str] = field(default_factory=dict)  # headers required, else 403
    then: Answer | None = None  # the answer to the next requests, after this one


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


class LinkServer:
    def __init__(self, server: ThreadingHTTPServer) -> None:
        self.server = server
        self.base_url = f"http://127.0.0.1:{server.server_address[1]}"
        self.routes: dict[str, Answer] = {}
        self.seen: list[Seen] = []
        self.posts: list[dict[str, Any]] = []
        self.sent_bytes = 0  # of the last endless answer, until the client hung up
        self.hung_up = threading.Event()

    def serve(self, path: str, answer: Answer) -> str:
        self.routes[path] = answer
        return self.base_url + path

    def paths(self) -> list[str]:
        return [s.path for s in self.seen]


def _handler(link: LinkServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # a body without a length runs until the connection closes

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            link.seen.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
            answer = link.routes.get(self.path)
            if answer is not None and answer.then is not None:
                link.routes[self.path] = answer.then
            if answer is None:
                self._reply(404, b"not here", {"Content-Type": "text/plain"})
            elif any(self.headers.get(k) != v for k, v in answer.needs.items()):
                self._reply(403, b"<html>sign in</html>", {"Content-Type": "text/html"})
            elif answer.etag is not None and self.headers.get("If-None-Match") == answer.etag:
                self._reply(304, b"", {"ETag": answer.etag})
            elif (
                answer.last_modified is not None
                and "If-None-Match" not in self.headers
                and self.headers.get("If-Modified-Since") == answer.last_modified
            ):
                self._reply(304, b"", {"Last-Modified": answer.last_modified})
            elif answer.endless:
                self._endless(answer)
            else:
                headers = dict(answer.headers)
                if answer.etag is not None:
                    headers["ETag"] = answer.etag
                if answer.last_modified is not None:
                    headers["Last-Modified"] = answer.last_modified
                self._reply(answer.status, answer.body, headers)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            link.seen.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
            answer = link.routes.get(self.path, Answer(status=200, body=b"ok"))
            link.posts.append({"path": self.path, "body": json.loads(body)})
            self._reply(answer.status, answer.body, {"Content-Type": "text/plain"})

        def _reply(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            if "Content-Length" not in headers and status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)

        def _endless(self, answer: Answer) -> None:
            self.send_response(200)
            for key, value in answer.headers.items():
                self.send_header(key, value)
            self.end_headers()
            link.sent_bytes = 0
            try:
                while link.sent_bytes < 2 * 1024**3:  # a safety stop for a broken client
                    self.wfile.write(CHUNK)
                    link.sent_bytes += len(CHUNK)
            except (BrokenPipeError, ConnectionResetError):
                pass
            link.hung_up.set()

    return Handler


@contextmanager
def link_server() -> Iterator[LinkServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    link = LinkServer(server)
    server.RequestHandlerClass = _handler(link)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield link
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
