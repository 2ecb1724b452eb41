"""sitemap.xml (an index), its sitemaps and robots.txt."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from lxml import etree

from site_builder.config import SiteConfig
from site_builder.feeds.sitemap import (
    MAX_BYTES,
    MAX_URLS,
    SHARD_URLS,
    SitemapEntry,
    robots,
    sitemap,
    w3c_datetime,
)
from site_builder.model import Article
from site_builder.render import plan
from site_builder.render.makers import MAKERS
from site_builder.render.outputs import Output

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_sitemap_absolute_locations_and_w3c_lastmod():
    config = SiteConfig(base_url="https://example.org/news/")
    data = sitemap(
        config,
        [
            SitemapEntry("", w3c_datetime(dt.datetime(2026, 2, 11, 9, 30, tzinfo=dt.UTC))),
            SitemapEntry(
                "articles/2026/02/a&b/",
                w3c_datetime(
                    dt.datetime(2026, 2, 11, 12, 0, 5, 123, tzinfo=ZoneInfo("Asia/Dubai"))
                ),
            ),
            SitemapEntry("gulf/", None),
        ],
    )
    root = etree.fromstring(data)
    assert root.tag == f"{NS}urlset"
    urls = [(u.findtext(f"{NS}loc"), u.findtext(f"{NS}lastmod")) for u in root.findall(f"{NS}url")]
    assert urls == [
        ("https://example.org/news/", "2026-02-11T09:30:00+00:00"),
        ("https://example.org/news/articles/2026/02/a&b/", "2026-02-11T12:00:05+04:00"),
        ("https://example.org/news/gulf/", None),
    ]
    assert b"a&amp;b" in data


def test_robots_points_to_the_absolute_sitemap():
    text = robots(SiteConfig(base_url="https://example.org/news/")).decode()
    assert text.splitlines()[-2:] == [
        "Sitemap: https://example.org/news/sitemap.xml",
        "Sitemap: https://example.org/news/news-sitemap.xml",
    ]
    assert text.startswith("User-agent: *\n")


def test_same_pages_same_bytes():
    config = SiteConfig(base_url="https://example.org/")
    pages = [SitemapEntry("", None), SitemapEntry("x/", "2026-01-01T00:00:00+00:00")]
    assert sitemap(config, pages) == sitemap(config, list(pages))


# --- sitemaps at archive size -----------------------------------------------------------------

LARGE = 116_000  # articles: with their listings, archive months and indexes, 120,000+ URLs


def _archive(count: int, newest: dt.datetime) -> list[Article]:
    """`count` tiny articles, an hour apart, newest first, all in one region."""
    return [
        Article(
            id=f"a{n:06d}",
            title=f"Story {n}",
            date=newest - dt.timedelta(hours=n),
            region="gulf",
            slug=f"story-{n}",
            body="",
            path=Path(f"content/gulf/story-{n}.md"),
        )
        for n in range(count)
    ]


def _files(config: SiteConfig, outputs: list[Output]) -> dict[str, bytes]:
    """The sitemap index and sitemaps of a plan, as the renderer makes them."""
    return {
        o.file: MAKERS[o.kind](config, o, {}, {})
        for o in outputs
        if o.kind in ("sitemap", "sitemap-index")
    }


def test_a_site_of_120000_urls_has_an_index_naming_sitemaps_of_at_most_50000_each():
    config = SiteConfig(base_url="https://example.org/news/", per_page=50)
    newest = dt.datetime(2026, 2, 11, 9, 30, tzinfo=dt.UTC)
    articles = _archive(LARGE, newest)
    files = _files(config, plan.plan_site(config, articles, {}))
    index = etree.fromstring(files.pop("sitemap.xml"))
    named = [loc.text for loc in index.iter(f"{NS}loc")]
    assert sorted(named) == sorted(config.base_url + name for name in files)
    counts = {name: len(etree.fromstring(data).findall(f"{NS}url")) for name, data in files.items()}
    assert all(0 < n <= MAX_URLS for n in counts.values()) and sum(counts.values()) >= 120_000
    assert all(len(data) <= MAX_BYTES for data in files.values())
    # Every article page is listed once, and the index's lastmod is each sitemap's newest.
    locs = [loc.text for data in files.values() for loc in etree.fromstring(data).iter(f"{NS}loc")]
    assert len(locs) == len(set(locs)) and all(
        config.base_url + a.url_path in locs for a in articles[::997]
    )
    assert index.findtext(f"{NS}sitemap/{NS}lastmod") == "2026-02-11T09:30:00+00:00"


def test_an_added_story_leaves_the_full_sitemaps_of_articles_as_they_were():
    config = SiteConfig(base_url="https://example.org/news/", per_page=50)
    newest = dt.datetime(2026, 2, 11, 9, 30, tzinfo=dt.UTC)
    articles = _archive(2 * SHARD_URLS + 5, newest)
    before = _files(config, plan.plan_site(config, articles[1:], {}))
    after = _files(config, plan.plan_site(config, articles, {}))
    changed = {name for name in after if before.get(name) != after[name]}
    assert "sitemap-articles-1.xml" not in changed and "sitemap-articles-2.xml" not in changed
    assert {"sitemap.xml", "sitemap-articles-3.xml"} <= changed
    # The newest story is the last URL of the last sitemap.
    last = etree.fromstring(after["sitemap-articles-3.xml"]).findall(f"{NS}url/{NS}loc")
    assert last[-1].text == config.base_url + articles[0].url_path and len(last) == 5
