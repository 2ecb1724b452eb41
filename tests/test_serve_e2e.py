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


def _ctrl_c_stops() -> None:
    """In the server's process, before it starts: Ctrl-C (SIGINT) does what it does in a
    terminal, even when this test run was started in the background, where the shell made
    its jobs ignore SIGINT (and Python then never turns it into KeyboardInterrupt)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Served:
    """A running `site-builder serve` on a free loopback port, with its stderr collected."""

    def __init__(self, site: Path, *args: str):
        self.site = site
        self.port = free_port()
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "site_builder", "serve", "--port", str(self.port), *args],
            cwd=site,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=_ctrl_c_stops,
        )
        self.lines: list[str] = []
        self.logged = threading.Condition()  # notified for every line read
        self.ended = False  # stderr closed: the process ended
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        # A wait for the event, bounded for a machine busy with the suite's other worker.
        self.wait_for_log("serving http://127.0.0.1:", timeout=60)

    def _read(self):
        for line in self.proc.stderr:
            with self.logged:
                self.lines.append(line.rstrip("\n"))
                self.logged.notify_all()
        with self.logged:
            self.ended = True
            self.logged.notify_all()

    def wait_for_log(self, text: str, timeout: float = 20.0, after: int = 0) -> str:
        def found():
            return next((line for line in self.lines[after:] if text in line), None)

        with self.logged:
            self.logged.wait_for(lambda: found() or self.ended, timeout)
        if found():
            return found()
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
        raise AssertionError(
            f"{path}: {text!r} {'never appeared' if present else 'stayed'}; "
            "log:\n" + "\n".join(self.lines)
        )

    def stop(self) -> tuple[int, str]:
        self.proc.send_signal(signal.SIGINT)
        code = self.proc.wait(timeout=10)
        self.reader.join(timeout=5)
        return code, "\n".join(self.lines)


@pytest.fixture
def served(tmp_path):
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    (tmp_path / "site.toml").write_text(
        'title = "Serve Desk"\nbase_url = "https://example.org/news/"\n', encoding="utf-8"
    )
    server = Served(tmp_path)
    yield server
    if server.proc.poll() is None:
        server.proc.kill()


class EventStream:
    """The live-reload stream of a page, read one named event at a time."""

    def __init__(self, port: int, timeout: float = 15.0):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.conn.request("GET", BASE + "__livereload")
        self.resp = self.conn.getresponse()

    def next(self) -> tuple[str, str]:
        name = None
        while True:
            line = self.resp.fp.readline().decode("utf-8")
            if not line:
                raise AssertionError(f"the stream ended before an event (after {name!r})")
            line = line.rstrip("\n")
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: ") and name:
                return name, line[6:]

    def close(self) -> None:
        self.conn.close()


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
    base.write_text(
        base.read_text(encoding="utf-8").replace("<footer", "<p>template-marker</p><footer"),
        encoding="utf-8",
    )
    served.wait_for_page(BASE + "archive/", "template-marker")

    new.unlink()
    served.wait_for_page(BASE, "Breaking story", present=False)
    assert served.get(BASE + "articles/2026/01/breaking/")[0] == 404
    line = served.wait_for_log("content/gulf/breaking.md -> ")
    assert line.endswith(" ms")

    code, log = served.stop()
    assert code == 0 and "Traceback" not in log


def rebuilds(served: Served, after: int) -> list[str]:
    return [line for line in served.lines[after:] if " -> " in line and line.endswith(" ms")]


def test_a_burst_is_one_rebuild(served):
    """40 articles arriving at once (a folder moved in, as an unpacked archive or a checkout
    brings them) are built together: one rebuild with all of them, none with some."""
    before = len(served.lines)
    batch = served.site / "incoming"
    batch.mkdir()
    for n in range(40):
        (batch / f"story-{n}.md").write_text(
            article(100 + n, region="europe", country="France"), encoding="utf-8"
        )
    batch.rename(served.site / "content" / "europe")
    served.wait_for_log("(44 articles;", after=before)
    assert served.get(BASE + "europe/page/1/")[0] == 200  # the oldest 20 of 40
    # Nothing further comes of the burst: the next change is the next rebuild.
    (served.site / "content" / "europe" / "story-40.md").write_text(
        article(140, region="europe", country="France"), encoding="utf-8"
    )
    served.wait_for_log("(45 articles;", after=before)
    found = rebuilds(served, before)
    assert len(found) == 2 and "(44 articles;" in found[0] and "(45 articles;" in found[1], found


def test_error_then_fix_over_sse(served):
    stream = EventStream(served.port)
    assert stream.next()[0] == "build-ok"  # connected: what follows is sent to this page
    path = next((served.site / "content" / "middle-east").glob("israel*.md"))
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("region: middle-east", "region: atlantis"), encoding="utf-8")
    served.wait_for_log("unknown region 'atlantis'")
    status, page = served.get(BASE)
    assert status == 200 and "Israel Says Killed Hamas" in page  # the last good site
    path.write_text(good + "\nA new closing line.\n", encoding="utf-8")
    results = [("build-ok", ""), stream.next(), stream.next()]
    stream.close()
    names = [name for name, _ in results]
    assert names == ["build-ok", "build-error", "reload"], results
    assert "unknown region 'atlantis'" in results[1][1]
    assert results[1][1].startswith("content/middle-east/israel")
    code, log = served.stop()
    assert code == 0 and "Traceback" not in log
