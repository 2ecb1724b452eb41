"""Feeds when the site or an article leaves something out: what a reader shows instead.

Each test is one fallback of site_builder/feeds/entries.py or jsonfeed.py (a site without author or
description, an article without title, body or known region, entries that share a time).
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from lxml import etree

from site_builder.config import SiteConfig
from site_builder.model import Image
from tests.feedfiles import feed_files
from tests.test_feeds import ATOM, BASE, UTC, article, newest_first, parse

DC = "{http://purl.org/dc/elements/1.1/}creator"


def atom_entries(files: dict[str, bytes], name: str = "atom.xml") -> list[etree._Element]:
    return list(etree.fromstring(files[name]).iter(f"{ATOM}entry"))


def test_entries_sharing_an_updated_time_are_spaced_one_second_apart_and_logged(caplog):
    """The validator wants distinct <updated>: later duplicates move on by the least step,
    so they stay next to the time they really have; each move is logged with its file."""
    same = dt.datetime(2026, 3, 1, 9, tzinfo=UTC)
    batch = [
        article(3, date=same),
        article(2, date=same),
        article(1, date=same),
        article(0, date=same + dt.timedelta(seconds=1)),
    ]  # already where #2 would go
    with caplog.at_level(logging.DEBUG, logger="site_builder"):
        files = feed_files(SiteConfig(base_url=BASE), batch, {})
    updated = [dt.datetime.fromisoformat(e.findtext(f"{ATOM}updated")) for e in atom_entries(files)]
    assert [u - same for u in updated] == [dt.timedelta(seconds=s) for s in (0, 1, 2, 3)]
    moved = [
        r.getMessage()
        for r in caplog.records
        if "updated time shared with another entry" in r.getMessage()
    ]
    # once per feed file that spaces them (RSS, Atom, JSON: the site feed and the region's)
    assert moved and all(
        m.startswith(
            (
                "content/middle-east/story-2.md",
                "content/middle-east/story-1.md",
                "content/middle-east/story-0.md",
            )
        )
        for m in moved
    )
    assert not any("story-3.md" in m for m in moved)  # the first one keeps its time


def test_entries_with_distinct_times_are_not_moved_nor_logged(caplog):
    batch = newest_first([article(n) for n in range(1, 4)])
    with caplog.at_level(logging.DEBUG, logger="site_builder"):
        files = feed_files(SiteConfig(base_url=BASE), batch, {})
    updated = [dt.datetime.fromisoformat(e.findtext(f"{ATOM}updated")) for e in atom_entries(files)]
    assert updated == [a.date for a in batch]
    assert not [r for r in caplog.records if "shared" in r.getMessage()]


def test_a_blank_title_reads_untitled_in_every_feed():
    a = article(1, title="  \t")
    files = feed_files(SiteConfig(base_url=BASE), [a], {})
    assert parse(files["atom.xml"]).entries[0].title == "Untitled"
    assert parse(files["feed.xml"]).entries[0].title == "Untitled"
    assert json.loads(files["feed.json"])["items"][0]["title"] == "Untitled"


def test_a_site_without_author_is_signed_with_its_title():
    config = SiteConfig(base_url=BASE, title="Gulf Wire", author="")
    files = feed_files(config, [article(1)], {})
    atom = parse(files["atom.xml"])
    assert atom.feed.author == "Gulf Wire" and atom.entries[0].author == "Gulf Wire"
    assert [c.text for c in etree.fromstring(files["feed.xml"]).iter(DC)] == ["Gulf Wire"]
    data = json.loads(files["feed.json"])
    assert data["authors"] == [{"name": "Gulf Wire"}]
    assert data["items"][0]["authors"] == [{"name": "Gulf Wire"}]


def test_a_site_without_description_is_described_by_its_title():
    config = SiteConfig(base_url=BASE, title="Gulf Wire", description="")
    files = feed_files(config, [article(1, "gulf")], {})
    assert parse(files["atom.xml"]).feed.subtitle == "Gulf Wire"
    assert parse(files["feed.xml"]).feed.description == "Gulf Wire"
    assert json.loads(files["feed.json"])["description"] == "Gulf Wire"
    assert parse(files["gulf/atom.xml"]).feed.subtitle == "Gulf: Gulf Wire"


def test_a_site_with_a_description_uses_it():
    config = SiteConfig(base_url=BASE, title="Gulf Wire", description="News of the Gulf")
    files = feed_files(config, [article(1, "gulf")], {})
    assert parse(files["atom.xml"]).feed.subtitle == "News of the Gulf"
    assert parse(files["gulf/atom.xml"]).feed.subtitle == "Gulf: News of the Gulf"


def test_a_region_the_site_does_not_list_is_still_a_category():
    a = article(1, region="arctic", countries=(), tags=())
    files = feed_files(SiteConfig(base_url=BASE), [a], {})
    assert [t.term for t in parse(files["atom.xml"]).entries[0].tags] == ["arctic"]
    assert json.loads(files["feed.json"])["items"][0]["tags"] == ["arctic"]


def test_an_article_without_a_rendered_body_gets_its_summary_only():
    a = article(1, summary="The short version")
    files = feed_files(SiteConfig(base_url=BASE), [a], {})  # no HTML for it
    entry = atom_entries(files)[0]
    assert entry.find(f"{ATOM}content") is None
    assert entry.findtext(f"{ATOM}summary") == "The short version"
    assert json.loads(files["feed.json"])["items"][0]["content_text"] == "The short version"


def test_a_json_feed_image_is_a_web_address_or_a_published_picture():
    near = article(1, image=Image("Caption", "Credit", "photo.jpg"))
    far = article(2, image=Image("Caption", "Credit", "https://img.example/p.jpg"))
    none = article(3, image=Image("Caption", "Credit", ""))
    items = json.loads(
        feed_files(SiteConfig(base_url=BASE), newest_first([near, far, none]), {})["feed.json"]
    )["items"]
    images = {item["id"]: item.get("image") for item in items}
    # A picture of the site's own is published (and so in a feed) only through the build's
    # image pipeline (tests/test_pictures.py); the bare relative name is never a feed URL.
    assert images == {near.id: None, far.id: "https://img.example/p.jpg", none.id: None}
