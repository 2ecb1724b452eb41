"""The local HTTP server: base path, no escape from output/, 404 page, live reload over SSE."""

from __future__ import annotations

import http.client
import socket
import threading
import time
import tracemalloc

import pytest

from site_builder.serve import livereload, server


@pytest.fixture
def site(tmp_path):
    """A small built-looking output folder, with a secret file next to it."""
    out = tmp_path / "output"
    (out / "middle-east").mkdir(parents=True)
    (out / "index.html").write_text(
        "<!doctype html><html><body><h1>Home</h1></body></html>", encoding="utf-8"
    )
    (out / "middle-east" / "index.html").write_text(
        "<html><body>Region</body></html>", encoding="utf-8"
    )
    (out / "404.html").write_text("<html><body>Not here</body></html>", encoding="utf-8")
    (out / "feed.xml").write_text("<rss version='2.0'></rss>", encoding="utf-8")
    (out / "empty").mkdir()
    (tmp_path / "secret.txt").write_text("do not serve", encoding="utf-8")
    return out


@pytest.fixture
def serve(site):
    """Start a real server on a free loopback port under /news/; yield (server, broadcaster)."""
    broadcaster = livereload.Broadcaster()
    srv, thread = server.start(site, "/news/", "127.0.0.1", 0, broadcaster)
    yield srv, broadcaster
    server.stop(srv, thread)
    assert not thread.is_alive()


def get(srv, path, method="GET"):
    conn = http.client.HTTPConnection(*srv.server_address[:2], timeout=5)
    conn.request(method, path)
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, dict(resp.getheaders()), body


def test_serves_pages_under_the_base_path_with_live_reload_injected(serve, site):
    srv, _ = serve
    status, headers, body = get(srv, "/news/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b"<h1>Home</h1>" in body and b"EventSource" in body
    assert body.index(b"EventSource") < body.index(b"</body>")
    assert b"EventSource" not in (site / "index.html").read_bytes()  # never on disk
    status, headers, body = get(srv, "/news/feed.xml")
    assert status == 200 and b"EventSource" not in body
    assert headers["Content-Type"].startswith("application/xml")


def test_redirects_to_the_trailing_slash(serve):
    srv, _ = serve
    for path, target in (
        ("/news", "/news/"),
        ("/news/middle-east", "/news/middle-east/"),
        ("/", "/news/"),
    ):
        status, headers, _ = get(srv, path)
        assert (status, headers["Location"]) == (301, target), path
        status, _, body = get(srv, target)
        assert status == 200 and b"<body>" in body, target  # where it sends is a page


@pytest.mark.parametrize(
    "path",
    [
        "/news/../secret.txt",
        "/news/%2e%2e/secret.txt",
        "/news/%2E%2E%2Fsecret.txt",
        "/news/..%2fsecret.txt",
        "/news/middle-east/../../secret.txt",
        "/news/%252e%252e/secret.txt",
        "/news/..\\secret.txt",
        "/news/%00",
        "/secret.txt",
        "/news//etc/passwd",
    ],
)
def test_never_serves_outside_the_output_folder(serve, path):
    srv, _ = serve
    status, headers, body = get(srv, path)
    assert status in (301, 400, 404)
    if status == 301:  # only ever to a folder of the site, and that leaks nothing either
        assert headers["Location"].startswith("/news/"), headers["Location"]
        status, _, body = get(srv, headers["Location"])
        assert status in (200, 404)
    assert b"do not serve" not in body and b"root:" not in body


def test_missing_pages_get_404_html_and_folders_are_never_listed(serve):
    srv, _ = serve
    status, _, body = get(srv, "/news/no/such/page/")
    assert status == 404 and b"Not here" in body
    status, _, body = get(srv, "/news/empty/")
    assert status == 404 and b"Not here" in body


def test_head_has_no_body(serve):
    srv, _ = serve
    status, headers, body = get(srv, "/news/", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0


def test_survives_malformed_requests(serve):
    srv, _ = serve
    for garbage in (
        b"\x00\x01\x02\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n",
        b"BREW /pot HTTP/1.1\r\n\r\n",
    ):
        with socket.create_connection(srv.server_address[:2], timeout=5) as sock:
            sock.sendall(garbage)
            try:
                sock.recv(1024)
            except (ConnectionResetError, TimeoutError):
                pass
    assert get(srv, "/news/")[0] == 200


def read_events(resp, count, timeout=5.0):
    """Read `count` named SSE events from a streaming response."""
    events, name, deadline = [], None, time.monotonic() + timeout
    while len(events) < count and time.monotonic() < deadline:
        line = resp.fp.readline().decode().rstrip("\n")
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: ") and name:
            events.append((name, line[6:]))
            name = None
    return events


def test_event_stream_announces_reloads_and_errors(serve):
    srv, broadcaster = serve
    conn = http.client.HTTPConnection(*srv.server_address[:2], timeout=5)
    conn.request("GET", "/news/" + livereload.ENDPOINT)
    resp = conn.getresponse()
    assert resp.status == 200 and resp.getheader("Content-Type") == "text/event-stream"
    assert read_events(resp, 1) == [("build-ok", "0")]
    broadcaster.publish_error("content/a.md:3: front matter is not valid YAML")
    assert read_events(resp, 1) == [
        ("build-error", "content/a.md:3: front matter is not valid YAML")
    ]
    broadcaster.publish_ok()
    assert read_events(resp, 1)[0][0] == "reload"
    conn.close()


def test_stop_ends_open_event_streams(site):
    broadcaster = livereload.Broadcaster()
    before = set(threading.enumerate())
    srv, thread = server.start(site, "/", "127.0.0.1", 0, broadcaster)
    conn = http.client.HTTPConnection(*srv.server_address[:2], timeout=5)
    conn.request("GET", "/" + livereload.ENDPOINT)
    resp = conn.getresponse()
    read_events(resp, 1)
    streams = [t for t in threading.enumerate() if t is not thread and t not in before]
    assert streams  # the thread that serves the open stream
    server.stop(srv, thread)
    assert resp.fp.read().strip() == b""  # returns: the server closed the stream
    for stream in streams:
        stream.join(timeout=5)
        assert not stream.is_alive()
    conn.close()


def test_inject_without_body_tag_appends():
    assert livereload.inject(b"<p>x", "/", 3).startswith(b"<p>x<script>")


def test_favicon_at_the_host_root_comes_from_the_site(serve, site):
    (site / "favicon.ico").write_bytes(b"\x00\x00\x01\x00icon")
    srv, _ = serve
    status, _, body = get(srv, "/favicon.ico")
    assert status == 200 and body.startswith(b"\x00\x00\x01\x00")


def test_head_on_the_event_stream_does_not_open_a_stream(serve):
    srv, _ = serve
    status, _, body = get(srv, "/news/" + livereload.ENDPOINT, method="HEAD")
    assert status == 200 and body == b""


def test_a_client_hanging_up_mid_response_leaves_no_traceback(serve, site, capfd):
    (site / "big.html").write_bytes(b"<html><body>" + b"x" * 5_000_000 + b"</body></html>")
    srv, _ = serve
    before = set(threading.enumerate())
    for _ in range(5):
        with socket.create_connection(srv.server_address[:2], timeout=5) as sock:
            sock.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
            sock.sendall(b"GET /news/big.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            sock.recv(100)
    for handler in set(threading.enumerate()) - before:  # each ends once its write fails
        handler.join(timeout=10)
        assert not handler.is_alive()
    assert "Traceback" not in capfd.readouterr().err
    assert get(srv, "/news/")[0] == 200


def request(srv, path, headers):
    conn = http.client.HTTPConnection(*srv.server_address[:2], timeout=5)
    conn.putrequest("GET", path, skip_host="Host" in headers)
    for name, value in headers.items():
        conn.putheader(name, value)
    conn.endheaders()
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, dict(resp.getheaders()), body


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("evil.example", 421),  # a rebinding domain that resolves to 127.0.0.1
        ("evil.example:{port}", 421),
        ("127.0.0.1.nip.io", 421),
        ("[::1", 421),
        ("127.0.0.1:{port}", 200),
        ("localhost:{port}", 200),
        ("LOCALHOST", 200),
    ],
)
def test_answers_only_host_names_of_its_own_address(serve, host, status):
    srv, _ = serve
    header = host.format(port=srv.server_address[1])
    assert request(srv, "/news/", {"Host": header})[0] == status
    assert request(srv, "/news/feed.xml", {"Host": header})[0] == status


def test_range_requests_get_the_bytes_asked_for(serve, site):
    (site / "data.bin").write_bytes(bytes(range(100)))
    srv, _ = serve
    for asked, status, body, content_range in [
        ("bytes=2-5", 206, bytes(range(2, 6)), "bytes 2-5/100"),
        ("bytes=-3", 206, bytes(range(97, 100)), "bytes 97-99/100"),
        ("bytes=95-", 206, bytes(range(95, 100)), "bytes 95-99/100"),
        ("bytes=90-500", 206, bytes(range(90, 100)), "bytes 90-99/100"),
        ("bytes=1-2,4-5", 200, bytes(range(100)), None),  # several: the whole file
        ("bytes=5-2", 200, bytes(range(100)), None),
    ]:
        got = request(srv, "/news/data.bin", {"Range": asked})
        assert (got[0], got[2], got[1].get("Content-Range")) == (status, body, content_range)
    got = request(srv, "/news/data.bin", {"Range": "bytes=100-"})
    assert (got[0], got[1]["Content-Range"]) == (416, "bytes */100")


def test_a_huge_file_is_streamed_in_bounded_memory(serve, site):
    """Three requests for a 1 GB file (sparse: no disk used) hold a few chunks, not 3 GB."""
    with (site / "huge.bin").open("wb") as f:
        f.truncate(1 << 30)
    srv, _ = serve
    tracemalloc.start()
    try:
        for asked in ("bytes=0-", "bytes=-1048576", "bytes=536870912-537919487"):
            conn = http.client.HTTPConnection(*srv.server_address[:2], timeout=30)
            conn.request("GET", "/news/huge.bin", headers={"Range": asked})
            resp = conn.getresponse()
            while resp.read(1 << 20):
                pass
            conn.close()
            assert resp.status in (200, 206)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 32 << 20, f"{peak / 1e6:.0f} MB"


def test_a_page_too_big_for_the_reload_script_is_streamed_as_it_is(serve, site):
    page = b"<html><body>" + b"x" * (server.MAX_INJECTED + 1) + b"</body></html>"
    (site / "huge.html").write_bytes(page)
    srv, _ = serve
    tracemalloc.start()
    try:
        conn = http.client.HTTPConnection(*srv.server_address[:2], timeout=30)
        conn.request("GET", "/news/huge.html")
        resp = conn.getresponse()
        size = 0
        while piece := resp.read(1 << 20):
            size += len(piece)
        conn.close()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert resp.status == 200 and size == len(page)  # no script added
    assert resp.getheader("Content-Type") == "text/html; charset=utf-8"
    assert peak < 8 << 20, f"{peak / 1e6:.0f} MB"
