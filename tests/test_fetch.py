"""download_image against a real HTTP server on 127.0.0.1: only a real picture is had."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from site_builder.errors import ContentError
from site_builder.ingest import fetch
from site_builder.ingest.fetch import download_image, file_name
from tests.pictures import photo

JPEG = photo(1200, 800)
STREAM_LIMIT = 64 * 1024 * 1024  # what /stream.jpg would send if nobody stopped reading


class Handler(BaseHTTPRequestHandler):
    """The routes; the test server's state is on the server object."""

    def do_GET(self):
        path = self.path.split("?")[0]
        route = {
            "/photo.jpg": lambda: self.reply(JPEG, "image/jpeg"),
            "/png-named.jpg": lambda: self.reply(self.server.png, "image/png"),
            "/page.html": lambda: self.reply(b"<html><body>Hi</body></html>", "text/html"),
            "/fake.jpg": lambda: self.reply(b"GIF89a but not really", "image/jpeg"),
            "/huge.jpg": lambda: self.reply(JPEG, "image/jpeg", length=20 * 1024 * 1024),
            "/stream.jpg": self.stream,
            "/slow.jpg": self.slow,
            "/drip-headers.jpg": self.drip_headers,
            "/drip-body.jpg": self.drip_body,
            "/to-other": lambda: self.redirect(f"{self.server.other}/photo.jpg"),
            "/to-file": lambda: self.redirect("file:///etc/passwd"),
            "/to-ftp": lambda: self.redirect("ftp://127.0.0.1/photo.jpg"),
            "/to-photo": lambda: self.redirect("/photo.jpg"),
        }.get(path)
        if route is None and path.startswith("/Weird"):
            route = lambda: self.reply(JPEG, "image/jpeg")  # noqa: E731
        if route is None:
            self.send_error(404)
            return
        route()

    def reply(self, body: bytes, kind: str, length: int | None = None):
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(length or len(body)))
        self.end_headers()
        self.wfile.write(body[: length or len(body)])

    def redirect(self, to: str):
        self.send_response(302)
        self.send_header("Location", to)
        self.end_headers()

    def stream(self):
        """A picture with no Content-Length that never ends; counts what got out."""
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.end_headers()
        sent, block = 0, JPEG[:65536].ljust(65536, b"\0")
        try:
            while sent < STREAM_LIMIT:
                self.wfile.write(block)
                sent += len(block)
        except OSError:
            pass  # the client hung up: what the test wants
        finally:
            self.server.streamed = sent
            self.server.stream_done.set()

    def drip_headers(self):
        """A byte of the status line every 20 ms: each wait is short, the whole is endless."""
        for byte in b"HTTP/1.1 200 OK\r\nX-Padding: " + b"x" * 100_000:
            if self.server.release.wait(0.02):
                return
            try:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            except OSError:
                return  # the client hung up: what the test wants

    def drip_body(self):
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(JPEG)))
        self.end_headers()
        for byte in JPEG:
            if self.server.release.wait(0.02):
                return
            try:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            except OSError:
                return

    def slow(self):
        self.server.release.wait(30)  # until the test is over: the client must give up first

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.release, httpd.stream_done, httpd.streamed = threading.Event(), threading.Event(), 0
    httpd.png = photo(300, 200, fmt="PNG")
    httpd.other = f"http://127.0.0.2:{httpd.server_address[1]}"  # not listened on: refused first
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.release.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join(10)


def test_a_picture_is_downloaded_and_described(server):
    _, base = server
    picture = download_image(f"{base}/photo.jpg", allow_private=True)
    assert (picture.name, picture.data, picture.format, picture.width, picture.height) == (
        "photo.jpg",
        JPEG,
        "JPEG",
        1200,
        800,
    )


def test_the_name_comes_from_the_url_and_the_extension_from_the_bytes(server):
    _, base = server
    weird = f"{base}/Weird%20Name..%2F..%2F..%2FEvil%20Shot.JPEG?w=800&x=../../y"
    assert download_image(weird, allow_private=True).name == "evil-shot.jpg"
    assert download_image(f"{base}/png-named.jpg", allow_private=True).name == "png-named.png"
    assert download_image(f"{base}/to-photo", allow_private=True).name == "to-photo.jpg"


@pytest.mark.parametrize(
    "url, fmt, name",
    [
        ("https://x.org/a/b/Photo%20One.JPG", "JPEG", "photo-one.jpg"),
        ("https://x.org/", "PNG", "image.png"),
        ("https://x.org/..", "WEBP", "image.webp"),
        ("https://x.org/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", "GIF", "passwd.gif"),
        ("https://x.org/index.md", "JPEG", "index.jpg"),
        ("https://x.org/.hidden", "JPEG", "hidden.jpg"),
    ],
)
def test_file_names_stay_in_the_folder(url, fmt, name):
    assert file_name(url, fmt) == name


@pytest.mark.parametrize(
    "path, message",
    [
        ("/missing.jpg", "HTTP 404 Not Found"),
        ("/page.html", "not a picture: the server sent text/html"),
        ("/fake.jpg", "not a picture (JPEG, PNG, WebP or GIF)"),
        ("/huge.jpg", "larger than 10 MB"),
        ("/to-file", "HTTP 302 "),
        ("/to-ftp", "HTTP 302 redirect to ftp://127.0.0.1/photo.jpg refused"),
    ],
)
def test_what_is_not_a_picture_is_refused_in_one_line_naming_the_url(server, path, message):
    _, base = server
    with pytest.raises(ContentError) as caught:
        download_image(base + path, allow_private=True)
    assert str(caught.value).startswith(f"{base}{path}: {message}")
    assert "\n" not in str(caught.value)


def test_an_endless_body_is_cut_off_at_the_limit(server):
    httpd, base = server
    with pytest.raises(ContentError, match=r"stream\.jpg: larger than 100,000 bytes$"):
        download_image(f"{base}/stream.jpg", max_bytes=100_000, allow_private=True)
    assert httpd.stream_done.wait(10)
    assert httpd.streamed < STREAM_LIMIT  # the client stopped reading and hung up


def test_a_dripping_body_is_cut_off_at_the_deadline(server):
    _, base = server
    with pytest.raises(ContentError, match=r"photo\.jpg: download too slow$"):
        download_image(f"{base}/photo.jpg", max_seconds=0, allow_private=True)


def test_a_server_that_does_not_answer_times_out(server):
    _, base = server
    with pytest.raises(ContentError) as caught:
        download_image(f"{base}/slow.jpg", timeout=0.2, allow_private=True)
    assert str(caught.value) == f"{base}/slow.jpg: cannot download: no answer within 0.2 s"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://x.org/a.jpg", "http://", "a.jpg"])
def test_only_http_urls_are_fetched(url):
    with pytest.raises(ContentError, match=r": not an http\(s\) URL$"):
        download_image(url, allow_private=True)


def test_a_refused_port_is_one_line():
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ContentError, match=rf"^http://127.0.0.1:{port}/a.jpg: cannot download: "):
        download_image(f"http://127.0.0.1:{port}/a.jpg", allow_private=True)


@pytest.mark.parametrize("path", ["/drip-headers.jpg", "/drip-body.jpg"])
def test_one_deadline_for_the_whole_download_headers_included(server, path):
    """A byte every 20 ms never trips the 10 s wait, but the download is cut at its limit."""
    _, base = server
    started = time.monotonic()
    with pytest.raises(ContentError, match=r"drip-\w+\.jpg: download too slow$"):
        download_image(base + path, max_seconds=0.5, allow_private=True)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "localhost", "[::1]", "[::ffff:127.0.0.1]", "169.254.169.254", "10.0.0.1"]
)
def test_loopback_private_and_link_local_addresses_are_refused(server, host):
    _, base = server
    port = base.rsplit(":", 1)[1]
    url = f"http://{host}:{port}/photo.jpg"
    with pytest.raises(ContentError) as caught:
        download_image(url, timeout=0.5)
    assert str(caught.value).startswith(f"{url}: refused: ")
    assert "loopback, private or link-local address" in str(caught.value)
    assert "--allow-private-addresses" in str(caught.value)


def test_every_redirect_is_checked(server, monkeypatch):
    """Here 127.0.0.1 stands for a public server and 127.0.0.2 for a private one."""
    _, base = server
    monkeypatch.setattr(fetch, "_private", lambda ip: str(ip) == "127.0.0.2")
    assert download_image(f"{base}/photo.jpg").data == JPEG
    with pytest.raises(ContentError, match=r"to-other: refused: 127\.0\.0\.2 is a loopback"):
        download_image(f"{base}/to-other")


@pytest.mark.parametrize("url", ["http://[::1/x.jpg", "https://[::1"])
def test_a_malformed_url_is_one_line(url):
    with pytest.raises(ContentError, match=r"not a URL: Invalid IPv6 URL$"):
        download_image(url)
