"""`site-builder serve` as a user runs it: a real process, real files, real HTTP and SSE."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import REPO
from test_incremental import article

BASE = "/news/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Served:
    """A running `site-builder serve` on a free loopback port, with its stderr collected."""

    def __init__(self, site: Path):
        self.site = site
        self.port = free_port()
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "site_builder", "serve", "--port", str(self.port)],
            cwd=site, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.wait_for_log("serving http://127.0.0.1:")

    def _read(self):
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))

    def wait_for_log(self, text: str, timeout: float = 20.0, after: int = 0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines[after:]:
                if text in line:
                    return line
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        raise AssertionError(f"never logged {text!r}; log:\n" + "\n".join(self.lines))

    def get(self, path: str) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read().decode("utf-8", "replace")
        conn.close()
        return resp.status, body

    def wait_for_page(self, path: str, text: str, present: bool = True, timeout: float = 30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status, body = self.get(path)
            if (text in body) == present:
                return status, body
            time.sleep(0.05)
        raise AssertionError(f"{path}: {text!r} {'never appeared' if present else 'stayed'}; "
                             "log:\n" + "\n".join(self.lines))

    def stop(self) -> tuple[int, str]:
        self.proc.send_signal(signal.SIGINT)
        code = self.proc.wait(timeout=10)
        self.reader.join(timeout=5)
        return code, "\n".join(self.lines)


@pytest.fixture
def served(tmp_path):
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    (tmp_path / "site.toml").write_text('title = "Serve Desk"\nbase_url = "https://example.org/news/"\n', encoding="utf-8")
    server = Served(tmp_path)
    yield server
    if server.proc.poll() is None:
        server.proc.kill()


def events(port: int, count: int, timeout: float = 15.0) -> list[tuple[str, str]]:
    """Read `count` named events from the live-reload stream."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request("GET", BASE + "__livereload")
    resp = conn.getresponse()
    found, name = [], None
    while len(found) < count:
        line = resp.fp.readline().decode().rstrip("\n")
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: ") and name:
            found.append((name, line[6:]))
            name = None
    conn.close()
    return found


def test_edit_create_delete_and_template_follow_over_http(served):
    site = served.site
    status, home = served.get(BASE)
    assert status == 200 and "Serve Desk" in home and "EventSource" in home

    new = site / "content" / "gulf" / "breaking.md"
    new.parent.mkdir(exist_ok=True)
    new.write_text(article(1, title="Breaking story from Doha"), encoding="utf-8")
    served.wait_for_page(BASE, "Breaking story from Doha")
    status, _ = served.get(BASE + "articles/2026/01/breaking/")
    assert status == 200
    assert "Breaking story from Doha" in served.get(BASE + "gulf/feed.xml")[1]

    new.write_text(article(1, title="Breaking story, updated"), encoding="utf-8")
    served.wait_for_page(BASE, "Breaking story, updated")

    base = site / "templates" / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("<footer", "<p>template-marker</p><footer"), encoding="utf-8")
    served.wait_for_page(BASE + "archive/", "template-marker")

    new.unlink()
    served.wait_for_page(BASE, "Breaking story", present=False)
    assert served.get(BASE + "articles/2026/01/breaking/")[0] == 404
    line = served.wait_for_log("content/gulf/breaking.md -> ")
    assert line.endswith(" ms")

    code, log = served.stop()
    assert code == 0 and "Traceback" not in log


def test_a_burst_is_one_rebuild(served):
    before = len(served.lines)
    folder = served.site / "content" / "europe"
    folder.mkdir()
    for n in range(40):
        (folder / f"story-{n}.md").write_text(article(100 + n, region="europe", country="France"), encoding="utf-8")
    served.wait_for_log("(44 articles;", after=before)
    time.sleep(0.5)
    assert served.get(BASE + "europe/page/1/")[0] == 200  # the oldest 20 of 40
    rebuilds = [l for l in served.lines[before:] if " -> " in l and l.endswith(" ms")]
    assert len(rebuilds) == 1, rebuilds


def test_error_then_fix_over_sse(served):
    results: list = []
    listener = threading.Thread(target=lambda: results.extend(events(served.port, 3)))
    listener.start()
    time.sleep(0.3)
    path = next((served.site / "content" / "middle-east").glob("israel*.md"))
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("region: middle-east", "region: atlantis"), encoding="utf-8")
    served.wait_for_log("unknown region 'atlantis'")
    status, page = served.get(BASE)
    assert status == 200 and "Israel Says Killed Hamas" in page  # the last good site
    path.write_text(good + "\nA new closing line.\n", encoding="utf-8")
    listener.join(timeout=15)
    names = [name for name, _ in results]
    assert names == ["build-ok", "build-error", "reload"], results
    assert "unknown region 'atlantis'" in results[1][1]
    assert results[1][1].startswith("content/middle-east/israel")
    code, log = served.stop()
    assert code == 0 and "Traceback" not in log
