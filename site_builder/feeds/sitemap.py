"""sitemap.xml (a sitemap index), its sitemaps, the Google News sitemap and robots.txt, for
hosts and crawlers.

The sitemap protocol (https://www.sitemaps.org/protocol.html, "Sitemap file location" and
"Using Sitemap index files"; Google's https://developers.google.com/search/docs/crawling-indexing/sitemaps/large-sitemaps)
allows a sitemap at most 50,000 URLs and 50 MB (52,428,800 bytes) uncompressed, and an
index at most 50,000 sitemaps: a larger file is ignored. So sitemap.xml is an index and
the URLs are in sitemaps of SHARD_URLS each (render/sitemaps.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape as _escape

from site_builder import urls
from site_builder.config import SiteConfig
from site_builder.feeds.entries import clean
from site_builder.model import Article, Translation

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
# The protocol's limits per file (see the module's note).
MAX_URLS = 50_000
MAX_BYTES = 50 * 1024 * 1024
# URLs per sitemap: well under MAX_URLS, so an added story rewrites a small file, and a
# file stays under MAX_BYTES while a URL's entry stays under 5 KB (about forty translations).
SHARD_URLS = 10_000


def escape(text: str) -> str:
    """&, < and > as entities (quotes kept), as xml.sax.saxutils.escape writes them: not
    imported from there, as it brings urllib.request, http.client and ssl (~15 ms of the
    start of every build that plans or renders)."""
    return _escape(text, quote=False)


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    """A page the sitemap lists: its site path, W3C lastmod when known, the site path of
    its lead picture, and its translations (itself included) on a site in several."""

    path: str
    lastmod: str | None = None
    picture: str | None = None
    translations: tuple[Translation, ...] = ()


@dataclass(frozen=True, slots=True)
class NewsPlace:
    """Where a news sitemap's article lives: its edition's path prefix and language."""

    prefix: str
    language: str


def sitemap(config: SiteConfig, pages: Iterable[SitemapEntry]) -> bytes:
    """One sitemap (at most MAX_URLS pages): each page's absolute URL, its W3C lastmod when known, an article
    page's lead picture (`image:image`) and, on a site in several languages, the page's
    translations (`xhtml:link rel="alternate" hreflang`, itself included).

    Written as text: a 10,000-article site lists 12,000 pages, and an element tree costs
    ten times as much for the same bytes.
    """
    parts = [
        "<?xml version='1.0' encoding='UTF-8'?>\n",
        f'<urlset xmlns="{SITEMAP_NS}" xmlns:image="{IMAGE_NS}" xmlns:xhtml="{XHTML_NS}">\n',
    ]
    for page in pages:
        parts.append(f"  <url>\n    <loc>{escape(urls.absolute(config, page.path))}</loc>\n")
        if page.lastmod is not None:
            parts.append(f"    <lastmod>{page.lastmod}</lastmod>\n")
        if page.picture is not None:
            parts.append(
                f"    <image:image><image:loc>{escape(urls.absolute(config, page.picture))}"
                "</image:loc></image:image>\n"
            )
        for other in page.translations:
            parts.append(
                f'    <xhtml:link rel="alternate" hreflang="{escape(other.lang)}" '
                f'href="{escape(urls.absolute(config, other.path))}"/>\n'
            )
        parts.append("  </url>\n")
    parts.append("</urlset>\n")
    return "".join(parts).encode("utf-8")


@dataclass(frozen=True, slots=True)
class SitemapShard:
    """A sitemap the index names: its site path and the newest lastmod of its URLs."""

    path: str
    lastmod: str | None = None


def sitemap_index(config: SiteConfig, shards: Iterable[SitemapShard]) -> bytes:
    """sitemap.xml: the sitemap index, each sitemap's absolute URL and its lastmod."""
    parts = ["<?xml version='1.0' encoding='UTF-8'?>\n", f'<sitemapindex xmlns="{SITEMAP_NS}">\n']
    for shard in shards:
        parts.append(f"  <sitemap>\n    <loc>{escape(urls.absolute(config, shard.path))}</loc>\n")
        if shard.lastmod is not None:
            parts.append(f"    <lastmod>{shard.lastmod}</lastmod>\n")
        parts.append("  </sitemap>\n")
    parts.append("</sitemapindex>\n")
    return "".join(parts).encode("utf-8")


def news_sitemap(
    config: SiteConfig, articles: Sequence[Article], where: Sequence[NewsPlace] = ()
) -> bytes:
    """news-sitemap.xml (Google News): the recent articles with the publication's name
    and language, each one's publication date and title (plan._news picks them);
    `where`: each article's edition (path prefix, language) on a site in several."""
    name = escape(config.title)
    parts = [
        "<?xml version='1.0' encoding='UTF-8'?>\n",
        f'<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">\n',
    ]
    for number, article in enumerate(articles):
        place = where[number] if number < len(where) else NewsPlace("", config.language)
        language = escape(place.language.split("-")[0].lower())
        # A corrected article is a modified one: its lastmod is its latest correction's.
        lastmod = (
            f"    <lastmod>{w3c_datetime(article.updated or article.date)}</lastmod>\n"
            if article.corrections
            else ""
        )
        parts.append(
            f"  <url>\n    <loc>{escape(urls.absolute(config, place.prefix + article.url_path))}"
            f"</loc>\n{lastmod}"
            f"    <news:news>\n      <news:publication>\n"
            f"        <news:name>{name}</news:name>\n"
            f"        <news:language>{language}</news:language>\n"
            f"      </news:publication>\n"
            f"      <news:publication_date>{w3c_datetime(article.date)}</news:publication_date>\n"
            f"      <news:title>{escape(clean(article.title))}</news:title>\n"
            f"    </news:news>\n  </url>\n"
        )
    parts.append("</urlset>\n")
    return "".join(parts).encode("utf-8")


def robots(config: SiteConfig) -> bytes:
    """robots.txt: everything allowed, and where the sitemaps are."""
    return (
        f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute(config, 'sitemap.xml')}\n"
        f"Sitemap: {urls.absolute(config, 'news-sitemap.xml')}\n"
    ).encode()


def w3c_datetime(value: dt.datetime) -> str:
    """'2026-02-11T09:30:00+00:00': seconds precision, an offset always (UTC when naive)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat(timespec="seconds")
