"""`import --fetch-images`: a feed's lead pictures are downloaded beside their articles
(bundles), so the site does not hotlink; what is not a picture stays a link, with a warning.

The pictures come from a real HTTP server on 127.0.0.1 serving a picture, a 404, a file
larger than the limit and an HTML page; the import runs through the command line.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from conftest import run_cli
from pictures import photo

JPEG = photo(1200, 800)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.asked.append(self.path)
        if self.path == "/photo.jpg":
            self.reply(JPEG, "image/jpeg")
        elif self.path == "/huge.jpg":  # says 20 MB: refused before reading it
            self.reply(JPEG, "image/jpeg", length=20 * 1024 * 1024)
        elif self.path == "/page.jpg":
            self.reply(b"<html><body>Not found, but 200</body></html>", "text/html")
        else:
            self.send_error(404)

    def reply(self, body: bytes, kind: str, length: int | None = None):
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(length or len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass  # the client hung up on the huge one: as it should

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.asked = []
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def feed(base: str) -> str:
    items = "".join(
        f"""
    <item>
      <title>{title}</title>
      <link>https://wire.example/{slug}</link>
      <guid>https://wire.example/{slug}</guid>
      <pubDate>Wed, 11 Feb 2026 0{n}:00:00 GMT</pubDate>
      <description>Talks in Baghdad on the Iraq budget, part {n}.</description>
      <media:content url="{base}/{picture}" medium="image" type="image/jpeg">
        <media:credit>AFP</media:credit>
      </media:content>
    </item>"""
        for n, (title, slug, picture) in enumerate(
            [
                ("Iraq budget talks resume", "budget", "photo.jpg"),
                ("Iraq oil exports rise", "oil", "missing.jpg"),
                ("Iraq election date set", "election", "huge.jpg"),
                ("Iraq port reopens", "port", "page.jpg"),
            ],
            start=1,
        )
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">
  <channel><title>Wire</title><link>https://wire.example/</link>
  <description>Wire</description>{items}
  </channel>
</rss>
"""


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def test_fetch_images_downloads_only_the_picture(tmp_path, server):
    (tmp_path / "site.toml").write_text('title = "Desk"\n', encoding="utf-8")
    (tmp_path / "content").mkdir()
    (tmp_path / "wire.xml").write_text(feed(server), encoding="utf-8")
    proc = run_cli("import", "--fetch-images", "wire.xml", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    region = tmp_path / "content" / "middle-east"
    bundle = region / "iraq-budget-talks-resume"
    assert sorted(p.name for p in bundle.iterdir()) == ["index.md", "photo.jpg"]
    assert (bundle / "photo.jpg").read_bytes() == JPEG
    assert front_matter(bundle / "index.md")["image"]["url"] == "photo.jpg"
    # The others: single files linking their picture, each with its reason said once.
    for slug, picture in (
        ("iraq-oil-exports-rise", "missing.jpg"),
        ("iraq-election-date-set", "huge.jpg"),
        ("iraq-port-reopens", "page.jpg"),
    ):
        assert not (region / slug).exists()
        assert front_matter(region / f"{slug}.md")["image"]["url"] == f"{server}/{picture}"
    assert "404" in proc.stderr and "page.jpg" in proc.stderr and "huge.jpg" in proc.stderr
    assert proc.stderr.count("picture not fetched") == 3
    assert "Traceback" not in proc.stderr
    # The site builds with the bundle's picture as its own.
    built = run_cli("build", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    page = next((tmp_path / "output" / "articles").rglob("iraq-budget-talks-resume/index.html"))
    assert "photo-1200.jpg" in page.read_text(encoding="utf-8")


def test_reimporting_with_fetch_images_changes_nothing(tmp_path, server):
    (tmp_path / "content").mkdir()
    (tmp_path / "wire.xml").write_text(feed(server), encoding="utf-8")
    run_cli("import", "--fetch-images", "wire.xml", cwd=tmp_path, check=True)
    again = run_cli("import", "--fetch-images", "wire.xml", cwd=tmp_path)
    lines = again.stdout.splitlines()
    assert [line.split()[0] for line in lines[:4]] == ["unchanged"] * 4, again.stdout


def test_without_fetch_images_nothing_is_downloaded(tmp_path, server):
    (tmp_path / "content").mkdir()
    (tmp_path / "wire.xml").write_text(feed(server), encoding="utf-8")
    run_cli("import", "wire.xml", cwd=tmp_path, check=True)
    assert not [p for p in (tmp_path / "content").rglob("*") if p.suffix == ".jpg"]
