"""A local HTTP server for output/: the base path, 404.html, no listings, live reload.

It serves only files inside the output folder (resolved per request, so an atomic swap of
the folder is picked up), never lists directories, and injects the live-reload script into
HTML responses only, never into the files on disk.
"""

from __future__ import annotations

import ipaddress
import logging
import mimetypes
import os
import posixpath
import re
import socket
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from site_builder.errors import SiteBuilderError
from site_builder.serve import livereload
from site_builder.weburl import split

log = logging.getLogger("site_builder")

TYPES = {
    ".xml": "application/xml",
    ".opml": "text/x-opml",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json",
    ".js": "text/javascript",
    ".css": "text/css",
}
KEEPALIVE_SECONDS = 15.0
POLL_SECONDS = 0.05  # how often serve_forever looks for shutdown(): how long stop() takes
# A client that sends nothing for this long is dropped: stalled connections each hold a thread.
IDLE_SECONDS = 30.0
CHUNK = 64 * 1024  # files are sent in pieces this big: memory stays flat whatever their size
# One range, "bytes=START-END", "bytes=START-" or "bytes=-LAST"; a list of ranges is
# answered with the whole file, as RFC 9110 allows.
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
LOCAL_NAMES = ("localhost", "localhost.")
# An HTML page past this size is sent as it is, streamed: no live-reload script.
MAX_INJECTED = 16 * 1024 * 1024


class SiteServer(ThreadingHTTPServer):
    """Serves `root` under `base_path`, with live reload fed by `broadcaster`."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        root: Path,
        base_path: str,
        broadcaster: livereload.Broadcaster,
        live_reload: bool = True,
    ):
        self.root = Path(root)
        self.base_path = base_path
        self.broadcaster = broadcaster
        self.live_reload = live_reload
        super().__init__(address, _Handler)
        self._names = self._host_names()

    def handle_error(self, request, client_address) -> None:
        """A browser that hangs up mid-response (a reload, a click) is no error worth a trace."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)

    def answers(self, host_header: str | None) -> bool:
        """Whether a request's Host names this server: an address it listens on, or this
        machine by name. Any other name is a page of someone else's domain resolving to us
        (DNS rebinding), which must not read a preview of drafts."""
        if host_header is None:  # HTTP/1.0: no name to judge, and no browser sends none
            return True
        try:
            name = split("//" + host_header).hostname or ""
        except SiteBuilderError:
            return False
        try:
            ip = ipaddress.ip_address(name)
        except ValueError:
            return name in self._names
        return ip.is_loopback or ip == self._listening or self._listening.is_unspecified

    def _host_names(self) -> frozenset[str]:
        """The names Host may give: localhost when listening on loopback, and this machine's
        own names too when listening on every address (0.0.0.0, ::)."""
        bound = self.server_address[0]
        self._listening = ipaddress.ip_address(
            bound if isinstance(bound, str) else bytes(bound).decode()
        )
        names: set[str] = set()
        if self._listening.is_loopback or self._listening.is_unspecified:
            names.update(LOCAL_NAMES)
        if self._listening.is_unspecified:
            names.update(n.lower() for n in (socket.gethostname(), socket.getfqdn()))
        return frozenset(names)

    @property
    def url(self) -> str:
        """The address to open in a browser."""
        host, port = self.server_address[:2]
        if isinstance(host, bytes):  # how the socket module types an AF_UNIX address
            host = host.decode()
        return f"http://{host}:{port}{self.base_path}"


class _Handler(BaseHTTPRequestHandler):
    server: SiteServer
    server_version = "site-builder"
    protocol_version = "HTTP/1.1"
    timeout = IDLE_SECONDS

    def log_message(self, format: str, *args) -> None:
        log.debug("serve: " + format, *args)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def do_GET(self) -> None:
        self._respond(head=False)

    def _respond(self, head: bool) -> None:
        if not self.server.answers(self.headers.get("Host")):
            return self._plain(HTTPStatus.MISDIRECTED_REQUEST, b"unknown host\n", head)
        path = urlsplit(self.path).path
        base = self.server.base_path
        if path == base + livereload.ENDPOINT:
            return self._plain(HTTPStatus.OK, b"", head) if head else self._event_stream()
        if path + "/" == base or (path == "/" and base != "/"):
            return self._redirect(base)
        if path == "/favicon.ico" and base != "/":  # browsers ask the host root for it
            path = base + "favicon.ico"
        if not path.startswith(base):
            return self._not_found(head)
        file = self._resolve(path[len(base) :])
        if file is None:
            return self._not_found(head)
        if file.is_dir():
            if not path.endswith("/"):
                return self._redirect(path + "/")
            file = file / "index.html"
            if not file.is_file():
                return self._not_found(head)
        self._send_file(file, HTTPStatus.OK, head)

    def _resolve(self, relative: str) -> Path | None:
        """The file a URL path names inside the output folder, or None; never outside it."""
        parts = unquote(relative).split("/")
        if any(p in ("..", ".") or "\\" in p or "\0" in p for p in parts):
            return None
        root = self.server.root.resolve()
        try:
            candidate = (root / posixpath.join(*[p for p in parts if p] or ["."])).resolve()
            if not candidate.is_relative_to(root) or not candidate.exists():
                return None
        except (UnicodeEncodeError, ValueError):  # a name the file system's encoding lacks
            return None
        return candidate

    def _send_file(self, file: Path, status: HTTPStatus, head: bool) -> None:
        ctype = (
            TYPES.get(file.suffix)
            or mimetypes.guess_type(file.name)[0]
            or "application/octet-stream"
        )
        if ctype == "text/html" and self.server.live_reload and _small(file):
            return self._send_page(file, status, head)
        if ctype.startswith("text/") or ctype in ("application/xml", "application/json"):
            ctype += "; charset=utf-8"
        try:
            stream = file.open("rb")
        except OSError:  # deleted between the check and the read, e.g. by a rebuild
            return self._plain(HTTPStatus.NOT_FOUND, b"not found\n", head)
        with stream:
            size = os.fstat(stream.fileno()).st_size
            start, end = 0, size
            wanted = self.headers.get("Range") if status == HTTPStatus.OK else None
            if wanted is not None:
                span = _span(wanted, size)
                if span is None:
                    self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                    self.send_header("Content-Range", f"bytes */{size}")
                    self.send_header("Content-Length", "0")
                    return self.end_headers()
                if span != (0, size):
                    start, end = span
                    status = HTTPStatus.PARTIAL_CONTENT
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(end - start))
            self.send_header("Accept-Ranges", "bytes")
            if status == HTTPStatus.PARTIAL_CONTENT:
                self.send_header("Content-Range", f"bytes {start}-{end - 1}/{size}")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            if not head:
                self._copy(stream, start, end)

    def _copy(self, stream, start: int, end: int) -> None:
        stream.seek(start)
        left = end - start
        while left > 0:
            piece = stream.read(min(CHUNK, left))
            if not piece:  # the file shrank under us: the client sees a short body
                self.close_connection = True
                return
            self.wfile.write(piece)
            left -= len(piece)

    def _send_page(self, file: Path, status: HTTPStatus, head: bool) -> None:
        """An HTML page whole, with the live-reload script (pages are small; no ranges)."""
        try:
            body = file.read_bytes()
        except OSError:
            return self._plain(HTTPStatus.NOT_FOUND, b"not found\n", head)
        body = livereload.inject(body, self.server.base_path, self.server.broadcaster.version)
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _not_found(self, head: bool) -> None:
        page = self.server.root / "404.html"
        if page.is_file():
            return self._send_file(page, HTTPStatus.NOT_FOUND, head)
        self._plain(HTTPStatus.NOT_FOUND, b"not found\n", head)

    def _plain(self, status: HTTPStatus, body: bytes, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _event_stream(self) -> None:
        """Server-Sent Events: the current state at once, then every change, until shutdown."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        broadcaster = self.server.broadcaster
        seen, error, closed = broadcaster.wait(-1, timeout=0)
        try:
            self._write(
                b"retry: 1000\n"
                + (
                    livereload.sse_event("build-error", error)
                    if error
                    else livereload.sse_event("build-ok", str(seen))
                )
            )
            while not closed:
                version, error, closed = broadcaster.wait(seen, timeout=KEEPALIVE_SECONDS)
                if closed:
                    break
                if version == seen:
                    self._write(b": keep-alive\n\n")
                    continue
                seen = version
                self._write(
                    livereload.sse_event("build-error", error)
                    if error
                    else livereload.sse_event("reload")
                )
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass  # the page was closed or reloaded

    def _write(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()


def _small(file: Path) -> bool:
    try:
        return file.stat().st_size <= MAX_INJECTED
    except OSError:
        return True  # gone: _send_page says 404


def _span(header: str, size: int) -> tuple[int, int] | None:
    """(start, end) of the bytes a Range header asks for; (0, size) for the whole file when
    the header is one this server does not serve in part; None if no byte of it exists."""
    match = _RANGE.fullmatch(header.strip())
    if match is None or match.group(1) == match.group(2) == "":
        return 0, size
    first, last = match.groups()
    if first == "":  # the last N bytes
        start, end = max(size - int(last), 0), size
    elif last and int(last) < int(first):  # not a range at all: the whole file
        return 0, size
    else:
        start, end = int(first), min(int(last) + 1, size) if last else size
    return (start, end) if start < end else None


def start(
    root: Path, base_path: str, host: str, port: int, broadcaster: livereload.Broadcaster
) -> tuple[SiteServer, threading.Thread]:
    """Start serving in a background thread; return the server and its thread."""
    server = SiteServer((host, port), root, base_path, broadcaster)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": POLL_SECONDS},
        name="site-builder-http",
        daemon=True,
    )
    thread.start()
    return server, thread


def stop(server: SiteServer, thread: threading.Thread) -> None:
    """End every event stream, stop accepting, and wait for the server thread."""
    server.broadcaster.close()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
