"""The local server against hostile clients: traversal in every encoding, links out of
output/, no listings, garbage and stalled requests; and it binds to loopback by default.
"""

from __future__ import annotations

import http.client
import inspect
import os
import socket
import subprocess
import sys
import time

import pytest

from site_builder.cli import build_parser
from site_builder.serve import devloop, livereload, server

SECRET = b"do not serve this"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """An output folder with pages, an empty folder and links out; secrets beside it."""
    tmp_path = tmp_path_factory.mktemp("served")
    out = tmp_path / "output"
    (out / "gulf" / "empty").mkdir(parents=True)
    (out / "index.html").write_text("<html><body>Home</body></html>", encoding="utf-8")
    (out / "gulf" / "index.html").write_text("<html><body>Gulf</body></html>", encoding="utf-8")
    (out / "404.html").write_text("<html><body>Not here</body></html>", encoding="utf-8")
    (tmp_path / "secret.txt").write_bytes(SECRET)
    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "index.html").write_bytes(SECRET)
    (tmp_path / "private" / "key.txt").write_bytes(SECRET)
    (out / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (out / "leak-folder").symlink_to(tmp_path / "private", target_is_directory=True)
    (out / "gulf" / "up").symlink_to(tmp_path, target_is_directory=True)
    return out


@pytest.fixture(scope="module", params=["/", "/news/"])
def serve(request, site):
    broadcaster = livereload.Broadcaster()
    srv, thread = server.start(site, request.param, "127.0.0.1", 0, broadcaster)
    yield srv, request.param
    server.stop(srv, thread)


def raw(srv, data: bytes, timeout: float = 3.0) -> bytes:
    """Send raw bytes, return whatever comes back before the server closes or goes quiet."""
    with socket.create_connection(srv.server_address[:2], timeout=timeout) as sock:
        sock.sendall(data)
        try:
            sock.shutdown(socket.SHUT_WR)  # no more requests on this connection
        except OSError:
            pass  # the server already closed it
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (TimeoutError, ConnectionResetError):
            pass
    return b"".join(chunks)


def get(srv, path: str, base: str | None = None) -> tuple[int, bytes]:
    """Status and body of GET path; given the site's base, a redirect must stay below it,
    and it is followed once."""
    conn = http.client.HTTPConnection(*srv.server_address[:2], timeout=5)
    conn.putrequest("GET", path, skip_accept_encoding=True)
    conn.endheaders()
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    if base is not None and resp.status == 301:
        location = resp.getheader("Location")
        assert location.startswith(base), (path, location)  # never off the site
        status, body = get(srv, location)
        assert status in (200, 404), (location, status)
    return resp.status, body


TRAVERSALS = [
    "../secret.txt",
    "..%2fsecret.txt",
    "%2e%2e/secret.txt",
    "%2e%2e%2fsecret.txt",
    "%2E%2E%2Fsecret.txt",
    ".%2e/secret.txt",
    "%252e%252e%252fsecret.txt",
    "..%5csecret.txt",
    "..\\secret.txt",
    "%c0%ae%c0%ae/secret.txt",
    "%c0%af..%c0%afsecret.txt",
    "%u002e%u002e/secret.txt",
    "./../secret.txt",
    "gulf/../../secret.txt",
    "gulf/%2e%2e/%2e%2e/secret.txt",
    "....//secret.txt",
    "..;/secret.txt",
    "%2e%2e%00/secret.txt",
    "%00../secret.txt",
    "gulf/empty/../../../secret.txt",
    "leak.txt",
    "leak-folder/",
    "leak-folder/key.txt",
    "leak-folder/index.html",
    "gulf/up/secret.txt",
    "gulf/up/private/key.txt",
    "/etc/passwd",
    "%2fetc%2fpasswd",
    "..%252f..%252fsecret.txt",
    "%ef%bc%8e%ef%bc%8e/secret.txt",
]


def test_no_path_escapes_the_output_folder(serve):
    srv, base = serve
    for path in TRAVERSALS:
        status, body = get(srv, base + path, base)
        assert status in (301, 400, 404), (path, status)
        assert SECRET not in body and b"root:" not in body


def test_raw_request_targets_cannot_escape_either(serve):
    srv, base = serve
    for target in (
        b"../secret.txt",
        b"http://127.0.0.1/../secret.txt",
        b"*",
        base.encode() + b"\xff\xfe/../../secret.txt",
        base.encode() + b"..%2f..%2fsecret.txt",
    ):
        reply = raw(
            srv, b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        assert SECRET not in reply, target
        assert reply.startswith(b"HTTP/1."), target


def test_folders_are_never_listed(serve):
    srv, base = serve
    for path in ("gulf/empty/", "gulf/up/", "leak-folder/"):
        status, body = get(srv, base + path)
        assert status == 404 and b"Not here" in body
        assert b"Index of" not in body and b"Directory listing" not in body


def test_survives_malformed_and_stalled_requests(serve):
    srv, base = serve
    # A stalled client (half a request line, held open) must not block the others.
    stalled = socket.create_connection(srv.server_address[:2], timeout=5)
    stalled.sendall(b"GET " + base.encode())
    garbage = [
        b"\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET /\r\n\r\n",
        b"GET / HTTP/1.1 extra\r\n\r\n",
        b"GET / FOO/1.1\r\n\r\n",
        b"GET / HTTP/1.1\r\nNo colon here\r\n\r\n",
        b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(150)) + b"\r\n",
        b"GET / HTTP/1.1\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n",
        b"GET / HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: 99999999\r\n\r\nabc",
        b"DELETE /index.html HTTP/1.1\r\n\r\n",
        b"PUT /x HTTP/1.1\r\nContent-Length: 1\r\n\r\nx",
        b"GET /%zz%%%ff HTTP/1.1\r\n\r\n",
        b"GET /\x00\x01\x7f HTTP/1.1\r\n\r\n",
        bytes(range(256)) * 4,
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",  # a TLS hello
    ]
    for data in garbage:
        reply = raw(srv, data, timeout=2.0)
        assert b"Traceback" not in reply and SECRET not in reply
    status, body = get(srv, base)
    assert status == 200 and b"Home" in body
    assert (srv.root / "index.html").exists()  # DELETE and PUT changed nothing
    assert not (srv.root / "x").exists()
    stalled.close()


def test_binds_to_loopback_unless_told_otherwise(tmp_path):
    assert build_parser().parse_args(["serve"]).host == "127.0.0.1"
    assert inspect.signature(devloop.run_serve).parameters["host"].default == "127.0.0.1"
    # The real command: reachable on 127.0.0.1, not on this machine's other address.
    (tmp_path / "content" / "gulf").mkdir(parents=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "site_builder", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise AssertionError("serve never listened")
        other = _other_address()
        if other is None:
            pytest.skip("no non-loopback address on this machine")
        with pytest.raises(OSError):
            socket.create_connection((other, port), timeout=1).close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _other_address() -> str | None:
    """This machine's address on its default route, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("10.255.255.255", 1))  # UDP: nothing is sent
            address = sock.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_a_stalled_client_is_dropped(site, monkeypatch):
    monkeypatch.setattr(server._Handler, "timeout", 0.3)
    srv, thread = server.start(site, "/", "127.0.0.1", 0, livereload.Broadcaster())
    try:
        with socket.create_connection(srv.server_address[:2], timeout=5) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the blank line
            started = time.monotonic()
            assert sock.recv(1024) == b""  # the server hung up
            assert time.monotonic() - started < 3
        assert get(srv, "/")[0] == 200
    finally:
        server.stop(srv, thread)
