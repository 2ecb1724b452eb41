"""sitemap.xml and robots.txt."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from lxml import etree

from site_builder.config import SiteConfig
from site_builder.feeds.sitemap import SitemapEntry, robots, sitemap, w3c_datetime

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
