"""Feed entries are made once per article and kept for every feed that carries it, in one
process (rss_atom._KEPT, entries._ENTRY_HTML): a kept entry is never shown once what it
was made from changed. Each test builds as `watch` does, in this process, so the
entries kept by one build are there for the next."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from pathlib import Path

import feedparser
import pytest
from conftest import REPO

from site_builder.config import SiteConfig, load_config
from site_builder.engine.pipeline import Engine
from site_builder.feeds import rss_atom
from site_builder.feeds.entries import EntryPicture, FeedSpec
from site_builder.model import Article

ARTICLE = """---
id: urn:uuid:00000000-0000-5000-8000-{n:012d}
title: {title}
date: 2026-01-{day:02d}T08:00:00+00:00
region: gulf
countries: [Qatar]
tags: [Energy]
author: Desk Writer
summary: Summary of article {n}.
---
{body}
"""
# Every feed that carries article 3: the site's, its region's, its tag's, its author's.
FOLDERS = ("", "gulf/", "tags/energy/", "authors/desk-writer/")
STORY = "urn:uuid:00000000-0000-5000-8000-000000000003"


def article(n: int, title: str = "", body: str = "") -> str:
    return ARTICLE.format(
        n=n, title=title or f"Article number {n}", day=n, body=body or f"Plain body of {n}."
    )


@pytest.fixture
def site(tmp_path):
    (tmp_path / "content" / "gulf").mkdir(parents=True)
    (tmp_path / "site.toml").write_text(
        'title = "Test Desk"\nbase_url = "https://example.org/news/"\n', encoding="utf-8"
    )
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    for n in range(1, 6):
        (tmp_path / "content" / "gulf" / f"article-{n}.md").write_text(article(n), encoding="utf-8")
    return tmp_path


def entries(site: Path) -> list[dict[str, str]]:
    """Article 3's entry in every feed that carries it, as readers parse it: title, link,
    content, from RSS, Atom and JSON Feed alike."""
    found = []
    for folder in FOLDERS:
        for name in ("feed.xml", "atom.xml"):
            parsed = feedparser.parse((site / "output" / folder / name).read_bytes())
            (entry,) = [e for e in parsed.entries if e.id == STORY]
            found.append(
                {"title": entry.title, "link": entry.link, "content": entry.content[0].value}
            )
        feed = json.loads((site / "output" / folder / "feed.json").read_text(encoding="utf-8"))
        (item,) = [i for i in feed["items"] if i["id"] == STORY]
        found.append({"title": item["title"], "link": item["url"], "content": item["content_html"]})
    assert len(found) == 3 * len(FOLDERS)
    return found


def test_an_edited_body_shows_in_every_feed_that_carries_it(site):
    engine = Engine(load_config(site / "site.toml"), in_place=True)
    engine.build(None)
    assert all("Plain body of 3." in e["content"] for e in entries(site))
    story = site / "content" / "gulf" / "article-3.md"
    story.write_text(article(3, body="Edited: the port *reopened* at dawn."), encoding="utf-8")
    engine.build({story})
    for entry in entries(site):
        assert "<em>reopened</em>" in entry["content"]
        assert "Plain body" not in entry["content"]


def test_a_new_headline_shows_in_every_feed_that_carries_it(site):
    engine = Engine(load_config(site / "site.toml"), in_place=True)
    engine.build(None)
    story = site / "content" / "gulf" / "article-3.md"
    story.write_text(article(3, title="Port reopens at dawn"), encoding="utf-8")
    engine.build({story})
    assert {e["title"] for e in entries(site)} == {"Port reopens at dawn"}


def test_a_new_base_url_changes_every_entry_link(site):
    Engine(load_config(site / "site.toml"), in_place=True).build(None)
    old = "https://example.org/news/articles/2026/01/article-3/"
    assert {e["link"] for e in entries(site)} == {old}
    toml = site / "site.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("example.org/news/", "news.example.com/"),
        encoding="utf-8",
    )
    Engine(load_config(site / "site.toml"), in_place=True).build(None)
    new = "https://news.example.com/articles/2026/01/article-3/"
    assert {e["link"] for e in entries(site)} == {new}


def story(n: int, **fields) -> Article:
    values = {
        "id": f"urn:uuid:00000000-0000-4000-8000-{n:012d}",
        "title": f"Story {n}",
        "date": dt.datetime(2026, 2, 11, n, tzinfo=dt.UTC),
        "region": "gulf",
        "slug": f"story-{n}",
        "body": "",
        "path": Path(f"content/gulf/story-{n}.md"),
    }
    return Article(**(values | fields))


@pytest.mark.parametrize("write", [rss_atom.rss, rss_atom.atom])
def test_an_entry_follows_its_picture_and_its_time_in_each_feed(write):
    """Two feeds carry story 1: in one it shares its time with story 2 (and is moved on a
    second), in the other not; its picture file changes size between builds."""
    config = SiteConfig(base_url="https://example.org/", title="Wire")
    one, two = story(1), story(2, date=story(1).date)
    html = {one.id: "<p>One.</p>", two.id: "<p>Two.</p>"}

    def feed(articles: tuple[Article, ...], length: int) -> bytes:
        picture = EntryPicture("https://example.org/p.jpg", "image/jpeg", length, 800, 600)
        spec = FeedSpec("Wire", "Wire news", "", articles, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        return write(config, dataclasses.replace(spec, pictures={one.id: picture}), html)

    def made_afresh(articles: tuple[Article, ...], length: int) -> bytes:
        rss_atom._KEPT.clear()
        return feed(articles, length)

    for articles, length in [((two, one), 100), ((one,), 100), ((one,), 2048), ((two, one), 9)]:
        kept = feed(articles, length)
        assert kept == made_afresh(articles, length)
        assert f'length="{length}"'.encode() in kept
