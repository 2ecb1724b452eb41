"""Feeds: what a feed reader and the W3C validator see in feed.xml, atom.xml and feed.json."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from site_builder.config import Region, SiteConfig
from site_builder.model import Article, Image
from tests.feedfiles import feed_files

UTC = dt.UTC
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
BASE = "https://example.org/news/"


def article(n: int, region: str = "middle-east", **kw) -> Article:
    """Article n, dated n hours after a fixed day (higher n = newer)."""
    values = {
        "id": f"urn:uuid:00000000-0000-4000-8000-{n:012d}",
        "title": f"Story {n}",
        "date": dt.datetime(2026, 2, 11, n % 24, n // 24, tzinfo=UTC),
        "region": region,
        "slug": f"story-{n}",
        "body": "",
        "path": Path(f"content/{region}/story-{n}.md"),
        "countries": ("Iraq",),
        "tags": ("oil",),
        "summary": f"Summary {n}",
    }
    values.update(kw)
    return Article(**values)


def newest_first(articles):
    return sorted(articles, key=lambda a: (a.date, a.id), reverse=True)


def body(a: Article) -> str:
    return (
        f'<p>Read <a href="../../../../middle-east/">more</a> and '
        f'<a href="#fn:1">note</a>.</p><img src="photo.jpg" alt="x" '
        f'srcset="photo.jpg 1x, photo@2x.jpg 2x"><p>{a.id}</p>'
    )


@pytest.fixture
def config() -> SiteConfig:
    return SiteConfig(base_url=BASE, title="Wire", author="Desk", feed_entries=50)


@pytest.fixture
def articles():
    return newest_first(
        [
            article(1),
            article(2, "gulf"),
            article(3),
            article(
                4,
                "gulf",
                updated=dt.datetime(2026, 2, 12, tzinfo=UTC),
                image=Image("Caption", "Credit", "https://img.example/p.jpg"),
            ),
        ]
    )


def build(config, articles):
    return feed_files(config, articles, {a.id: body(a) for a in articles})


def parse(data: bytes):
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_every_feed_file_is_written(config, articles):
    files = build(config, articles)
    expected = {"feed.xml", "atom.xml", "feed.json", "feeds.opml"}
    for region in config.regions:
        expected |= {
            f"{region.slug}/feed.xml",
            f"{region.slug}/atom.xml",
            f"{region.slug}/feed.json",
        }
    assert set(files) == expected
    assert all(isinstance(v, bytes) for v in files.values())


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml"])
def test_site_feed_lists_articles_newest_first_by_id(config, articles, name):
    parsed = parse(build(config, articles)[name])
    assert [e.id for e in parsed.entries] == [a.id for a in articles]
    assert [e.link for e in parsed.entries] == [BASE + a.url_path for a in articles]
    assert parsed.feed.title == "Wire"


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml"])
def test_region_feed_has_only_its_articles(config, articles, name):
    parsed = parse(build(config, articles)[f"gulf/{name}"])
    assert [e.id for e in parsed.entries] == [a.id for a in articles if a.region == "gulf"]
    assert parsed.feed.title == "Wire - Gulf"


def test_entry_dates_published_and_updated(config, articles):
    files = build(config, articles)
    atom = parse(files["atom.xml"])
    rss = parse(files["feed.xml"])
    for a, entry, item in zip(articles, atom.entries, rss.entries):
        assert dt.datetime.fromisoformat(entry.published) == a.date
        assert dt.datetime.fromisoformat(entry.updated) == (a.updated or a.date)
        assert item.published_parsed[:6] == a.date.utctimetuple()[:6]


def test_feed_date_is_the_newest_change_not_now(config, articles):
    files = build(config, articles)
    root = etree.fromstring(files["atom.xml"])
    assert root.findtext(f"{ATOM}updated") == "2026-02-12T00:00:00+00:00"
    channel = etree.fromstring(files["feed.xml"]).find("channel")
    assert channel.findtext("lastBuildDate") == "Thu, 12 Feb 2026 00:00:00 +0000"
    assert channel.findtext("pubDate") == "Wed, 11 Feb 2026 04:00:00 +0000"


def test_same_input_gives_identical_bytes(config, articles):
    assert build(config, articles) == build(config, list(articles))


def test_links_inside_content_are_absolute(config, articles):
    files = build(config, articles)
    a = articles[0]
    page = BASE + a.url_path
    for entry in parse(files["atom.xml"]).entries + parse(files["feed.xml"]).entries:
        html = entry.content[0].value
        assert f'href="{BASE}middle-east/"' in html
        assert f'href="{page}#fn:1"' in html or entry.id != a.id
        assert 'src="https://example.org/news/articles/2026/02/' in html
        assert 'href="../' not in html and 'src="photo' not in html
    item = json.loads(files["feed.json"])["items"][0]
    assert f'src="{page}photo.jpg"' in item["content_html"]
    assert f"{page}photo@2x.jpg 2x" in item["content_html"]


def test_categories_are_region_countries_tags(config, articles):
    entry = parse(build(config, articles)["atom.xml"]).entries[0]
    assert [t.term for t in entry.tags] == ["Gulf", "Iraq", "oil"]
    item = parse(build(config, articles)["feed.xml"]).entries[0]
    assert [t.term for t in item.tags] == ["Gulf", "Iraq", "oil"]


def test_summary_and_author(config, articles):
    files = build(config, articles)
    entry = parse(files["atom.xml"]).entries[0]
    assert entry.summary == "Summary 4"
    assert parse(files["atom.xml"]).feed.author == "Desk"
    assert parse(files["atom.xml"]).entries[0].author == "Desk"
    assert parse(files["feed.xml"]).entries[0].author == "Desk"


def test_feed_entries_limits_every_feed(articles):
    config = SiteConfig(base_url=BASE, feed_entries=2)
    many = newest_first([article(n, "gulf" if n % 2 else "europe") for n in range(1, 12)])
    files = feed_files(config, many, {a.id: body(a) for a in many})
    for name in ("feed.xml", "atom.xml", "gulf/feed.xml", "europe/atom.xml"):
        assert len(parse(files[name]).entries) == 2
    assert [e.id for e in parse(files["feed.xml"]).entries] == [a.id for a in many[:2]]
    assert len(json.loads(files["gulf/feed.json"])["items"]) == 2


def test_summary_mode_leaves_out_the_body(articles):
    config = SiteConfig(base_url=BASE, feed_content="summary")
    files = build(config, articles)
    assert b"<p>Read" not in files["feed.xml"] and b"&lt;p&gt;Read" not in files["feed.xml"]
    assert b"Read" not in files["atom.xml"]
    root = etree.fromstring(files["atom.xml"])
    assert root.find(f"{ATOM}entry/{ATOM}content") is None
    assert root.findtext(f"{ATOM}entry/{ATOM}summary") == "Summary 4"
    item = json.loads(files["feed.json"])["items"][0]
    assert "content_html" not in item and item["content_text"] == "Summary 4"


HOSTILE = "Tom & Jerry <script>alert(\"x\")</script> 'quoted' \x00\x08\x0b\x1f\ufffe end"


def test_hostile_titles_give_valid_xml(config):
    a = article(
        5,
        title=HOSTILE,
        summary=HOSTILE,
        countries=("A&B <c>",),
        tags=("\x01",),
        image=Image(HOSTILE, HOSTILE, ""),
    )
    files = feed_files(config, [a], {a.id: "<p>ok\x0c</p>"})
    clean_title = "Tom & Jerry <script>alert(\"x\")</script> 'quoted'  end"
    for name in ("feed.xml", "atom.xml", "middle-east/atom.xml"):
        etree.fromstring(files[name])  # strict XML parser: raises on illegal characters
        entry = parse(files[name]).entries[0]
        assert entry.title == clean_title
        assert [t.term for t in entry.tags] == ["Middle East", "A&B <c>"]
    assert json.loads(files["feed.json"])["items"][0]["title"] == clean_title
    etree.fromstring(files["feeds.opml"])


def test_control_characters_in_site_title_are_stripped():
    config = SiteConfig(
        base_url=BASE, title="Wire\x07 & <Co>", regions=(Region("world", "W\x01orld"),)
    )
    files = feed_files(config, [], {})
    assert parse(files["world/atom.xml"]).feed.title == "Wire & <Co> - World"
    assert json.loads(files["feed.json"])["title"] == "Wire & <Co>"


def test_sub_path_base_url_in_every_url(config, articles):
    files = build(config, articles)
    for name in ("feed.xml", "atom.xml", "gulf/feed.xml"):
        root = etree.fromstring(files[name])
        hrefs = [e.get("href") for e in root.iter(f"{ATOM}link")]
        hrefs += [e.text for e in root.iter("link")]
        assert hrefs and all(h.startswith(BASE) for h in hrefs), hrefs
    feed = json.loads(files["gulf/feed.json"])
    assert feed["feed_url"] == BASE + "gulf/feed.json"
    assert feed["home_page_url"] == BASE + "gulf/"
    assert all(i["url"].startswith(BASE + "articles/") for i in feed["items"])


def test_root_base_url(articles):
    config = SiteConfig(base_url="https://example.org")
    atom = parse(build(config, articles)["atom.xml"])
    assert atom.entries[0].link == "https://example.org/" + articles[0].url_path
    assert 'href="https://example.org/middle-east/"' in atom.entries[0].content[0].value


def test_region_without_articles_gets_valid_empty_feeds(config, articles):
    files = build(config, articles)
    for name in ("europe/feed.xml", "europe/atom.xml"):
        parsed = parse(files[name])
        assert parsed.entries == []
    root = etree.fromstring(files["europe/atom.xml"])
    # dated like the site's newest change, so the empty feed is reproducible too
    assert root.findtext(f"{ATOM}updated") == "2026-02-12T00:00:00+00:00"
    assert json.loads(files["europe/feed.json"])["items"] == []


def test_empty_site_is_reproducible():
    config = SiteConfig(base_url=BASE)
    assert feed_files(config, [], {}) == feed_files(config, [], {})
    assert parse(feed_files(config, [], {})["atom.xml"]).feed.updated.startswith("1970-01-01")


def test_entries_sharing_a_timestamp_get_distinct_updated(config):
    same = dt.datetime(2026, 3, 1, 9, tzinfo=UTC)
    batch = newest_first([article(n, date=same) for n in range(1, 4)])
    files = feed_files(config, batch, {})
    updated = [
        e.findtext(f"{ATOM}updated")
        for e in etree.fromstring(files["atom.xml"]).iter(f"{ATOM}entry")
    ]
    assert len(set(updated)) == 3
    assert all(dt.datetime.fromisoformat(u) >= same for u in updated)
    modified = [i["date_modified"] for i in json.loads(files["feed.json"])["items"]]
    assert modified == updated


def test_raw_html_allowed_on_pages_is_sanitised_in_feeds():
    config = SiteConfig(base_url=BASE, allow_raw_html=True)
    a = article(1)
    raw = '<p onclick="x()">Hi<script>alert(1)</script><iframe src="v/"></iframe></p>'
    files = feed_files(config, [a], {a.id: raw})
    for name in ("atom.xml", "feed.xml", "feed.json"):  # the raw bytes: feedparser sanitises too
        assert b"Hi" in files[name]
        assert b"alert" not in files[name] and b"iframe" not in files[name]
        assert b"onclick" not in files[name]
