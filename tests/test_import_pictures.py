"""`import --fetch-images`: a feed's lead pictures are downloaded beside their articles
(bundles), so the site does not hotlink; what is not a picture stays a link, with a warning.

The pictures come from a real HTTP server on 127.0.0.1 serving a picture, a 404, a file
larger than the limit and an HTML page; the import runs through the command line.
"""

from __future__ import annotations

import re
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
            self.reply(self.server.photo, "image/jpeg")
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
    httpd.photo = JPEG  # what /photo.jpg serves; a test may change it
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    httpd.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def feed(server) -> str:
    base = server.base
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
    proc = run_cli(
        "import", "--fetch-images", "--allow-private-addresses", "wire.xml", cwd=tmp_path
    )
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
        assert front_matter(region / f"{slug}.md")["image"]["url"] == f"{server.base}/{picture}"
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
    run_cli(
        "import",
        "--fetch-images",
        "--allow-private-addresses",
        "wire.xml",
        cwd=tmp_path,
        check=True,
    )
    again = run_cli(
        "import", "--fetch-images", "--allow-private-addresses", "wire.xml", cwd=tmp_path
    )
    lines = again.stdout.splitlines()
    assert [line.split()[0] for line in lines[:4]] == ["unchanged"] * 4, again.stdout


def test_without_fetch_images_nothing_is_downloaded(tmp_path, server):
    (tmp_path / "content").mkdir()
    (tmp_path / "wire.xml").write_text(feed(server), encoding="utf-8")
    run_cli("import", "wire.xml", cwd=tmp_path, check=True)
    assert not [p for p in (tmp_path / "content").rglob("*") if p.suffix == ".jpg"]


def test_the_local_picture_server_needs_allow_private_addresses(tmp_path, server):
    (tmp_path / "content").mkdir()
    (tmp_path / "wire.xml").write_text(feed(server), encoding="utf-8")
    proc = run_cli("import", "--fetch-images", "wire.xml", cwd=tmp_path)
    assert server.asked == []  # refused before connecting
    assert proc.stderr.count("is a loopback, private or link-local address (127.0.0.1)") == 4
    assert "--allow-private-addresses allows it" in proc.stderr
    assert not [p for p in (tmp_path / "content").rglob("*") if p.suffix == ".jpg"]


HAND_WRITTEN = """---
id: urn:uuid:0b6e3f2a-1111-4c1d-9c1e-000000000001
title: Our own budget piece
date: 2026-02-01T09:00:00Z
region: middle-east
---
Written here, not imported.
"""


def import_pictures(tmp_path, *extra):
    return run_cli(
        "import", "--fetch-images", "--allow-private-addresses", *extra, "wire.xml", cwd=tmp_path
    )


def test_a_bundle_of_the_same_name_is_never_overwritten(tmp_path, server):
    """A hand-made bundle with the slug a new article would take keeps its files."""
    bundle = tmp_path / "content" / "middle-east" / "iraq-budget-talks-resume"
    bundle.mkdir(parents=True)
    (bundle / "index.md").write_text(HAND_WRITTEN, encoding="utf-8")
    (bundle / "photo.jpg").write_bytes(b"our own picture")
    (tmp_path / "wire.xml").write_text(feed(server), encoding="utf-8")
    proc = import_pictures(tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (bundle / "index.md").read_text(encoding="utf-8") == HAND_WRITTEN
    assert (bundle / "photo.jpg").read_bytes() == b"our own picture"
    new = bundle.parent / "iraq-budget-talks-resume-2"
    assert (new / "photo.jpg").read_bytes() == JPEG
    assert front_matter(new / "index.md")["title"] == "Iraq budget talks resume"
    assert "created    middle-east  content/middle-east/iraq-budget-talks-resume-2/index.md" in (
        proc.stdout
    )


def test_an_edited_bundle_is_skipped_and_its_picture_neither_fetched_nor_replaced(tmp_path, server):
    (tmp_path / "content").mkdir()
    (tmp_path / "wire.xml").write_text(feed(server), encoding="utf-8")
    assert import_pictures(tmp_path).returncode == 0
    bundle = tmp_path / "content" / "middle-east" / "iraq-budget-talks-resume"
    article = bundle / "index.md"
    article.write_text(article.read_text(encoding="utf-8") + "An editor's line.\n", "utf-8")
    (bundle / "photo.jpg").write_bytes(b"the editor's better picture")
    server.asked.clear()
    server.photo = photo(640, 480)  # the wire's picture changed too
    again = import_pictures(tmp_path)
    assert "/photo.jpg" not in server.asked  # nothing fetched for an article left as it is
    assert "skipped    middle-east  content/middle-east/iraq-budget-talks-resume/index.md  " in (
        again.stdout
    )
    assert "(edited since import; --force overwrites it)" in again.stdout
    assert "picture" not in again.stderr + again.stdout.split("skipped", 1)[1].split("\n")[0]
    assert (bundle / "photo.jpg").read_bytes() == b"the editor's better picture"
    assert article.read_text(encoding="utf-8").endswith("An editor's line.\n")


def test_a_replaced_picture_is_kept_like_an_edited_text(tmp_path, server):
    (tmp_path / "content").mkdir()
    (tmp_path / "wire.xml").write_text(feed(server), encoding="utf-8")
    assert import_pictures(tmp_path).returncode == 0
    bundle = tmp_path / "content" / "middle-east" / "iraq-budget-talks-resume"
    text = (bundle / "index.md").read_text(encoding="utf-8")
    (bundle / "photo.jpg").write_bytes(b"the editor's better picture")
    again = import_pictures(tmp_path)
    assert "(photo.jpg replaced since import; --force overwrites it)" in again.stdout
    assert again.stdout.splitlines()[0].startswith("skipped")
    assert (bundle / "photo.jpg").read_bytes() == b"the editor's better picture"
    assert (bundle / "index.md").read_text(encoding="utf-8") == text
    forced = import_pictures(tmp_path, "--force")
    assert "(--force: overwrote photo.jpg replaced since import)" in forced.stdout
    assert (bundle / "photo.jpg").read_bytes() == JPEG


def test_a_picture_the_wire_changed_is_updated(tmp_path, server):
    (tmp_path / "content").mkdir()
    (tmp_path / "wire.xml").write_text(feed(server), encoding="utf-8")
    assert import_pictures(tmp_path).returncode == 0
    server.photo = newer = photo(640, 480)
    again = import_pictures(tmp_path, "-v")
    bundle = tmp_path / "content" / "middle-east" / "iraq-budget-talks-resume"
    assert again.stdout.splitlines()[0].startswith("updated"), again.stdout
    assert (bundle / "photo.jpg").read_bytes() == newer
    assert "iraq-budget-talks-resume/photo.jpg: picture updated" in again.stderr
    assert import_pictures(tmp_path).stdout.splitlines()[0].startswith("unchanged")


def test_nothing_is_written_through_a_region_folder_linked_out_of_content(tmp_path, server):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "middle-east").symlink_to(elsewhere)
    (tmp_path / "wire.xml").write_text(feed(server), encoding="utf-8")
    proc = import_pictures(tmp_path)
    assert proc.returncode == 1
    assert list(elsewhere.iterdir()) == []
    assert (
        "content/middle-east/iraq-budget-talks-resume/photo.jpg: refusing to write: "
        "middle-east/ is a symbolic link out of content/"
    ) in proc.stderr
    assert "Traceback" not in proc.stderr


def test_nothing_is_written_through_a_bundle_folder_linked_out_of_content(tmp_path, server):
    """An imported bundle moved away and linked back: a later import must not follow it."""
    (tmp_path / "content").mkdir()
    (tmp_path / "wire.xml").write_text(feed(server), encoding="utf-8")
    assert import_pictures(tmp_path).returncode == 0
    bundle = tmp_path / "content" / "middle-east" / "iraq-budget-talks-resume"
    elsewhere = tmp_path / "elsewhere"
    bundle.rename(elsewhere)
    bundle.symlink_to(elsewhere)
    before = {p.name: p.read_bytes() for p in elsewhere.iterdir()}
    server.photo = photo(640, 480)
    proc = import_pictures(tmp_path)
    assert {p.name: p.read_bytes() for p in elsewhere.iterdir()} == before
    assert "Traceback" not in proc.stderr
    # Not followed (build does not follow it either), and its name stays taken.
    created = bundle.parent / "iraq-budget-talks-resume-2"
    assert (created / "photo.jpg").read_bytes() == server.photo


def test_a_picture_with_no_record_of_being_imported_is_kept(tmp_path, server):
    """A bundle whose import_digest records no picture (an older import): its picture is
    not known to be the importer's, so a changed wire picture does not replace it."""
    (tmp_path / "content").mkdir()
    (tmp_path / "wire.xml").write_text(feed(server), encoding="utf-8")
    assert import_pictures(tmp_path).returncode == 0
    article = tmp_path / "content/middle-east/iraq-budget-talks-resume/index.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(re.sub(r" photo\.jpg=sha256:[0-9a-f]{64}", "", text), encoding="utf-8")
    server.photo = photo(640, 480)
    again = import_pictures(tmp_path)
    assert again.stdout.splitlines()[0].startswith("skipped")
    assert "(photo.jpg there, with no record of the import writing it; --force overwrites it)" in (
        again.stdout
    )
    assert (article.parent / "photo.jpg").read_bytes() == JPEG
