"""The records the engine keeps as JSON come back equal, by value and by repr (the plan's
entries are compared with the stored ones, and fingerprinted by repr)."""

from __future__ import annotations

import json

import pytest

from site_builder.engine.planning import Probe
from site_builder.engine.store import ArticleRow, OutputRow, Source, SourceRow, Stored
from site_builder.feeds.sitemap import NewsPlace, SitemapEntry, SitemapShard
from site_builder.model import Translation, dump, load
from site_builder.render import outputs as o

PICTURE = o.ShownPicture(
    "/site/content/a/photo.jpg",
    "1 2 3 4",
    1600,
    900,
    "JPEG",
    (
        o.Variant(480, 270, "WEBP", "articles/a/photo-480.webp", "image/webp"),
        o.Variant(1600, 900, "JPEG", "articles/a/photo-1600.jpg", "image/jpeg"),
    ),
)
SHOWN = (o.Shown("a", PICTURE),)
TRANSLATIONS = (Translation("ar", "ar/articles/a/"), Translation("en", "articles/a/"))
FEEDS = (o.FeedLink("", "Wire"), o.FeedLink("gulf/", "Wire - Gulf"))
# One entry of every kind with data, each record in it filled in.
ENTRIES = [
    o.Output(
        "",
        "listing",
        o.ListingData(
            "home",
            "Wire",
            None,
            None,
            "page/3/",
            None,
            FEEDS,
            (o.Block("gulf", ("b", "c")),),
            SHOWN,
        ),
        ("a", "b", "c"),
    ),
    o.Output(
        "gulf/page/2/", "listing", o.ListingData("region", "Gulf", 2, "gulf/", None, "gulf", FEEDS)
    ),
    o.Output(
        "articles/a/",
        "article",
        o.ArticleData("b", None, ("c",), SHOWN, TRANSLATIONS),
        ("b", "c"),
        ("a",),
    ),
    o.Output("archive/", "archive", o.ArchiveData(None, (o.Month("2026/02", 3),))),
    o.Output("archive/2026/02/", "archive", o.ArchiveData("2026/02"), ("a",)),
    o.Output("tags/", "terms", o.TermsData("tags", "Tags", (o.Term("oil", "tags/oil/", 2),))),
    o.Output(
        "subscribe/",
        "subscribe",
        o.SubscribeData("2026-02-11T09:00:00+00:00", (o.SubscribeRow("All news", "", 3),)),
    ),
    o.Output("feed.xml", "rss", o.FeedData("Wire", "News", "", None, SHOWN), full=("a",)),
    o.Output(
        "gulf/feed.json",
        "json",
        o.FeedData("Wire - Gulf", "Gulf", "gulf/", "2026-02-11T09:00:00+00:00"),
    ),
    o.Output("feeds.opml", "opml", o.OpmlData((o.OpmlFeed("site", "Wire", ""),))),
    o.Output(
        "sitemap.xml",
        "sitemap",
        o.SitemapData(
            (
                SitemapEntry(
                    "articles/a/",
                    "2026-02-11T09:00:00+00:00",
                    "articles/a/photo-1600.jpg",
                    TRANSLATIONS,
                ),
                SitemapEntry("gulf/"),
            )
        ),
    ),
    o.Output(
        "sitemap.xml",
        "sitemap-index",
        o.SitemapIndexData((SitemapShard("sitemap-articles-1.xml", "2026-02-11T09:00:00+00:00"),)),
    ),
    o.Output("news-sitemap.xml", "news-sitemap", o.NewsData((NewsPlace("ar/", "ar"),)), ("a",)),
    o.Output("style.css", "static", o.StaticData("/site/static/style.css", "d1g35t")),
    o.Output("old/", "redirect", o.RedirectData("articles/a/"), ("a",)),
    o.Output(
        "articles/a/photo-480.webp",
        "picture",
        o.PictureFileData("/site/content/a/photo.jpg", "1 2 3 4", 480, "WEBP"),
    ),
    o.Output("search/", "search"),
]


def test_every_kind_with_data_is_covered():
    assert {e.kind for e in ENTRIES} >= set(o.DATA) - {"atom"}


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: f"{e.kind}:{e.path}")
def test_a_plan_entry_comes_back_from_json_equal_and_with_the_same_repr(entry):
    back = o.Output.from_json(json.loads(json.dumps(entry.to_json())))
    assert back == entry
    assert repr(back.data) == repr(entry.data)
    assert back.file == entry.file


RECORDS = [
    PICTURE,
    o.Picture("/site/static/p.png", "1 2 3 4", "p.png", 800, 600, "PNG"),
    o.ExtraReads(("a", "b"), True),
    o.ExtraReads(),
    Source("/c/a.md", "1 2 3 4", "h", "a", "c", "f", "[]", "{}", "body"),
    SourceRow("/c/a.md", "racy", "h", "a", "c"),
    ArticleRow("a", "/site/content/a.md", "c", "f", "{}"),
    Stored("fp", "", "h", 10, 123456789),
    OutputRow("index.html", "[]", Stored("fp", '[["a"], false]', "h", 10, 1)),
    SitemapEntry("x/", None, None, TRANSLATIONS),
    NewsPlace("", "en"),
    Probe("1 2 3 4", "d1g35t", 800, 600, "PNG"),
    Translation("en", "articles/a/"),
]


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: type(r).__name__)
def test_a_record_comes_back_from_json_equal(record):
    back = load(type(record), json.loads(json.dumps(dump(record))))
    assert back == record and repr(back) == repr(record)
