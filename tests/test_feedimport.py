"""`site-builder import` of feeds: same filing rules as dumps, identity from the entry id."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import run_cli

from site_builder.content import frontmatter

FEEDS = Path(__file__).parent / "data" / "feedimport"
GOOD = [
    "wordpress-rss2.xml",
    "wire-rss2-media.xml",
    "atom10-blogger.xml",
    "rss10-rdf.xml",
    "rss091.xml",
    "atom03.xml",
    "jsonfeed11.json",
]


@pytest.fixture
def site(tmp_path):
    for name in GOOD + ["broken-rss.xml", "not-a-feed.html"]:
        shutil.copy(FEEDS / name, tmp_path / name)
    return tmp_path


def articles(site):
    found = {}
    for path in sorted((site / "content").rglob("*.md")):
        meta, body, _ = frontmatter.read(path.read_text(encoding="utf-8"), path)
        found[meta["title"]] = (path.relative_to(site / "content").as_posix(), meta, body)
    return found


def test_every_format_imports_and_reimport_changes_nothing(site):
    first = run_cli("import", *GOOD, cwd=site)
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("\ncreated ") == 10 and "11 created" in first.stdout
    made = articles(site)
    path, meta, body = made["Saudi Arabia and Oman Sign Red Sea Shipping Accord"]
    assert path == "gulf/saudi-arabia-and-oman-sign-red-sea-shipping-accord.md"
    assert meta["countries"][:2] == ["Saudi Arabia", "Oman"] and meta["tags"] == ["Shipping"]
    assert meta["source"] == {
        "name": "Gulf Daily Desk",
        "url": "https://gulfdesk.example/2026/02/11/saudi-oman-shipping-accord/",
    }
    assert meta["author"] == "Staff Writer"
    assert "<script" not in body and "javascript" not in body and "Click" in body
    assert made["Sudan’s Army Says It Retook El Obeid Road"][1]["image"] == {
        "caption": "Sudanese soldiers patrol a road near El Obeid on February 8, 2026. (Reuters)",
        "credit": "Reuters",
        "url": "https://img.wire.example/2026/02/09/el-obeid.jpg",
    }
    assert made["Sudan’s Army Says It Retook El Obeid Road"][0].startswith("horn-of-africa/")
    assert made["Tunisia Passes Austerity Budget"][0].startswith("north-africa/")
    assert made["Pakistan and India Resume Water Talks"][0].startswith("asia/")
    assert "Floods hit Dhaka." in made  # no title: the first words stand in
    mtimes = {p: p.stat().st_mtime_ns for p in (site / "content").rglob("*.md")}
    second = run_cli("import", *GOOD, cwd=site)
    assert "11 unchanged" in second.stdout and "created" not in second.stdout
    assert mtimes == {p: p.stat().st_mtime_ns for p in (site / "content").rglob("*.md")}


def test_a_publisher_edit_updates_in_place_by_entry_id(site):
    run_cli("import", "wordpress-rss2.xml", cwd=site, check=True)
    before = articles(site)["Qatar Hosts Talks on Yemen Truce"]
    feed = site / "wordpress-rss2.xml"
    text = feed.read_text(encoding="utf-8").replace(
        "Qatar Hosts Talks on Yemen Truce", "Qatar Hosts New Yemen Talks"
    )
    feed.write_text(text.replace("closer than ever", "close to a deal"), encoding="utf-8")
    proc = run_cli("import", "wordpress-rss2.xml", cwd=site, check=True)
    assert "updated" in proc.stdout and "created" not in proc.stdout
    path, meta, body = articles(site)["Qatar Hosts New Yemen Talks"]
    assert meta["id"] == before[1]["id"] and path == before[0]
    assert "close to a deal" in body


def test_broken_and_non_feeds_are_reported_by_file(site):
    proc = run_cli("import", "broken-rss.xml", "not-a-feed.html", cwd=site)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "broken-rss.xml:4: feed is not well-formed" in proc.stderr
    assert "not-a-feed.html:1: not a feed: this is an HTML page" in proc.stderr
    assert "Libya Oil Output Recovers" in articles(site)


def test_an_undated_entry_is_dated_at_first_import_flagged_and_warned_about_once(site):
    proc = run_cli("import", "rss091.xml", cwd=site, check=True)
    assert (
        "rss091.xml:9: entry 1: entry has no date; dated by the time of its first import"
        in proc.stderr
    )
    assert "1 from estimated: time of first import" in proc.stdout
    _, meta, _ = articles(site)["Morocco Wins Bid to Co-Host Football Summit"]
    assert meta["date_estimated"] is True
    again = run_cli("import", "rss091.xml", cwd=site, check=True)
    assert again.stderr == "" and "1 unchanged" in again.stdout  # the date is kept, no warning
    assert articles(site)["Morocco Wins Bid to Co-Host Football Summit"][1]["date"] == meta["date"]


BAD_IPV6 = {
    "media.xml": """<?xml version="1.0"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>W</title>
<link>https://w.example/</link><description>d</description>
<item><title>Bad picture</title><link>https://w.example/a</link><guid>https://w.example/a</guid>
<pubDate>Wed, 11 Feb 2026 01:00:00 GMT</pubDate><description>Talks in Baghdad.</description>
<media:content url="http://[::1/x.jpg" medium="image"/></item>
<item><title>Good one</title><link>https://w.example/b</link><guid>https://w.example/b</guid>
<pubDate>Wed, 11 Feb 2026 02:00:00 GMT</pubDate><description>Talks in Baghdad.</description>
</item>
</channel></rss>
""",
    "base.xml": """<?xml version="1.0"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>W</title><id>urn:x</id>
<updated>2026-02-11T00:00:00Z</updated>
<entry><title>Fine base</title><id>urn:b</id><updated>2026-02-11T02:00:00Z</updated>
<content type="html">&lt;p&gt;Fine.&lt;/p&gt;</content></entry>
<entry><title>Bad base</title><id>urn:a</id><updated>2026-02-11T01:00:00Z</updated>
<content type="html" xml:base="http://[::1/">&lt;p&gt;See &lt;a href="x"&gt;this&lt;/a&gt;&lt;/p&gt;</content>
</entry>
</feed>
""",
    "items.json": """{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [
 {"id": "1", "url": "http://[::1/a", "title": "Bad url", "content_text": "Hi",
  "date_published": "2026-02-11T01:00:00Z"},
 {"id": "2", "url": "https://j.example/2", "title": "Fine url", "content_text": "Yo",
  "date_published": "2026-02-11T02:00:00Z"}]}
""",
}


def test_a_malformed_ipv6_url_costs_its_entry_only_in_one_line(tmp_path):
    """media:content, xml:base and a JSON Feed url with an IPv6 address missing its ']'."""
    for name, text in BAD_IPV6.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    proc = run_cli("import", *BAD_IPV6, cwd=tmp_path)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if "malformed URL" in line]
    assert [line.split(": entry")[0] for line in errors] == [
        "media.xml:4",
        "base.xml:6",
        "items.json",
    ]
    assert all("not imported: a malformed URL (" in line and "IPv6" in line for line in errors)
    assert sorted(articles(tmp_path)) == ["Fine base", "Fine url", "Good one"]
