"""The rules the W3C Feed Validation Service checks, applied to every generated feed.

The validator itself cannot run here (no network, not on PyPI), so its errors and the
warnings we could trigger are restated: required elements (RSS 2.0, RFC 4287, JSON Feed
1.1), date formats, self links, unique ids and <updated>, no relative URLs or blank text.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re

import pytest
from lxml import etree
from test_feeds import BASE, HOSTILE, article, body, newest_first

from site_builder.config import SiteConfig
from site_builder.model import Image
from tests.feedfiles import feed_files

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
# The validator's own test for links in HTML: <a href> / <img src> must start 'scheme:'.
ANCHOR = re.compile(r"""<a\s+href=(?:"(.*?)"|'(.*?)'|([\w-]+))\s*>""", re.I)
IMG = re.compile(r"""<img\s+[^>]*src=(?:"(.*?)"|'(.*?)'|([\w-]+))[\s>]""", re.I)


def scenarios():
    """(config, articles) pairs covering the shapes a site can have."""
    same = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    normal = newest_first([article(1), article(2, "gulf"), article(3, "gulf", updated=same)])
    hostile = [
        article(
            9,
            title=HOSTILE,
            summary=HOSTILE,
            tags=("<b>", "a&b"),
            image=Image(HOSTILE, HOSTILE, "p.jpg"),
        )
    ]
    batch = newest_first([article(n, "europe", date=same) for n in range(5)])
    return {
        "normal": (SiteConfig(base_url=BASE), normal),
        "root": (SiteConfig(base_url="https://example.org/"), normal),
        "summary": (SiteConfig(base_url=BASE, feed_content="summary"), normal),
        "hostile": (SiteConfig(base_url=BASE, title="A & <B>"), hostile),
        "batch": (SiteConfig(base_url=BASE), batch),
        "empty": (SiteConfig(base_url=BASE), []),
    }


def all_files():
    for name, (config, articles) in scenarios().items():
        files = feed_files(config, articles, {a.id: body(a) for a in articles})
        for path, data in files.items():
            yield pytest.param(config, path, data, id=f"{name}:{path}")


def files_named(suffix):
    return [p for p in all_files() if p.values[1].endswith(suffix)]


def absolute_links(html: str) -> None:
    for groups in ANCHOR.findall(html) + IMG.findall(html):
        ref = next(g for g in groups if g)
        assert re.match(r"\w+:", ref), f"relative reference {ref!r}"
    for ref in re.findall(r"""\s(?:href|src)="([^"]*)""", html):
        assert re.match(r"\w+:", ref), f"relative reference {ref!r}"


def rfc822(text: str) -> dt.datetime:
    assert re.match(r"^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [+-]\d{4}$", text), (
        text
    )
    return email.utils.parsedate_to_datetime(text)


@pytest.mark.parametrize("config,path,data", files_named("feed.xml"))
def test_rss_2_0_requirements(config, path, data):
    root = etree.fromstring(data)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channels = root.findall("channel")
    assert len(channels) == 1
    channel = channels[0]
    for name in ("title", "link", "description", "language"):
        assert len(channel.findall(name)) == 1, name
        assert channel.findtext(name).strip(), name
    assert channel.findtext("link").startswith(config.base_url.rstrip("/"))
    selfs = [e for e in channel.findall(f"{ATOM}link") if e.get("rel") == "self"]
    assert len(selfs) == 1
    assert selfs[0].get("type") == "application/rss+xml"
    assert selfs[0].get("href") == config.base_url.rstrip("/") + "/" + path
    rfc822(channel.findtext("lastBuildDate"))
    guids = []
    for item in channel.findall("item"):
        assert item.findtext("title").strip()
        assert item.findtext("link").startswith("http")
        assert item.findtext("description").strip()
        assert len(item.findall("guid")) == 1
        guid = item.find("guid")
        assert guid.get("isPermaLink") == "false"
        guids.append(guid.text)
        rfc822(item.findtext("pubDate"))
        assert item.find("author") is None  # RSS <author> must be an e-mail; dc:creator used
        for html in (
            item.findtext("description"),
            item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") or "",
        ):
            absolute_links(html)
            assert "<script" not in html.lower()
    assert len(guids) == len(set(guids))


@pytest.mark.parametrize("config,path,data", files_named("atom.xml"))
def test_atom_rfc_4287_requirements(config, path, data):
    root = etree.fromstring(data)
    assert root.tag == f"{ATOM}feed"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == config.language
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"{ATOM}{name}")) == 1, name
        assert root.findtext(f"{ATOM}{name}").strip()
    assert RFC3339.match(root.findtext(f"{ATOM}updated"))
    assert root.findtext(f"{ATOM}author/{ATOM}name").strip()
    links = {(e.get("rel"), e.get("type")): e.get("href") for e in root.findall(f"{ATOM}link")}
    assert links[("self", "application/atom+xml")] == config.base_url.rstrip("/") + "/" + path
    assert links[("alternate", "text/html")].startswith(config.base_url.rstrip("/"))
    ids, updated = [], []
    feed_updated = dt.datetime.fromisoformat(root.findtext(f"{ATOM}updated"))
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated", "published"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
            assert entry.findtext(f"{ATOM}{name}").strip(), name
        ids.append(entry.findtext(f"{ATOM}id"))
        updated.append(entry.findtext(f"{ATOM}updated"))
        assert RFC3339.match(updated[-1]) and RFC3339.match(entry.findtext(f"{ATOM}published"))
        assert dt.datetime.fromisoformat(updated[-1]) <= feed_updated
        alternates = [
            e for e in entry.findall(f"{ATOM}link") if e.get("rel", "alternate") == "alternate"
        ]
        assert len(alternates) == 1 and alternates[0].get("href").startswith("http")
        content = entry.find(f"{ATOM}content")
        summary = entry.find(f"{ATOM}summary")
        assert summary is not None and summary.text.strip()
        if content is not None:
            assert content.get("type") == "html" and content.text.strip()
            absolute_links(content.text)
        for text in entry.iter(f"{ATOM}title", f"{ATOM}summary"):
            # plain-text constructs must not look like HTML (ContainsUndeclaredHTML)
            if text.get("type", "text") == "text" and text.tag == f"{ATOM}summary":
                assert not re.search(r"</\w+>|&#?\w+;", text.text)
        for category in entry.findall(f"{ATOM}category"):
            assert category.get("term").strip()
    assert len(ids) == len(set(ids))
    assert len(updated) == len(set(updated)), "DuplicateUpdated warning"


@pytest.mark.parametrize("config,path,data", files_named("feed.json"))
def test_json_feed_1_1_requirements(config, path, data):
    feed = json.loads(data)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"].strip()
    assert feed["feed_url"] == config.base_url.rstrip("/") + "/" + path
    assert feed["home_page_url"].startswith(config.base_url.rstrip("/"))
    assert feed["authors"] and all(a["name"] for a in feed["authors"])
    assert isinstance(feed["items"], list)
    ids = [item["id"] for item in feed["items"]]
    assert len(ids) == len(set(ids)) and all(isinstance(i, str) for i in ids)
    for item in feed["items"]:
        assert item["url"].startswith("http")
        assert ("content_html" in item) != ("content_text" in item)
        assert RFC3339.match(item["date_published"]) and RFC3339.match(item["date_modified"])
        absolute_links(item.get("content_html", ""))
        if "image" in item:
            assert item["image"].startswith("http")


def test_feeds_are_utf8_with_declaration():
    for param in all_files():
        path, data = param.values[1], param.values[2]
        if path.endswith((".xml", ".opml")):
            assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>"), path
        data.decode("utf-8")
