"""The site's sitemaps: sitemap.xml, an index, and the sitemaps it names, of at most
SHARD_URLS pages each (the protocol's limits are cited in feeds/sitemap.py).

Article pages are listed oldest first, SHARD_URLS to a file: a new story goes into the
last, partial sitemap, and a full one stays the same until one of its stories is edited,
back-dated past it or deleted. The other pages (listings, indexes, standalone pages)
are listed in the plan's order in sitemaps of their own: their lastmods change with each
story anyway. A site in several languages has both kinds per edition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from site_builder.feeds.sitemap import SHARD_URLS, SitemapEntry, SitemapShard
from site_builder.model import Translation
from site_builder.render.outputs import Output, SitemapData, SitemapIndexData

INDEX = "sitemap.xml"


def sitemaps(
    groups: Sequence[tuple[str, Sequence[SitemapEntry], Sequence[SitemapEntry]]],
    size: int | None = None,
) -> list[Output]:
    """The sitemaps of (label, other pages, article pages oldest first) per edition
    (label: '' on a site in one language, else the edition's code), then the index;
    `size`: URLs a sitemap, SHARD_URLS unless given (the tests fill sitemaps with few)."""
    size = size or SHARD_URLS
    out: list[Output] = []
    for label, pages, stories in groups:
        stem = f"sitemap-{label}-" if label else "sitemap-"
        out += _shards(f"{stem}pages", pages, size)
        out += _shards(f"{stem}articles", stories, size)
    index = tuple(SitemapShard(o.path, _newest(o.data_as(SitemapData).pages)) for o in out)
    out.append(Output(INDEX, "sitemap-index", SitemapIndexData(index)))
    return out


def _shards(stem: str, entries: Sequence[SitemapEntry], size: int) -> list[Output]:
    """`entries` in files of `size`: stem-1.xml holds the first."""
    return [
        Output(f"{stem}-{number}.xml", "sitemap", SitemapData(tuple(entries[start : start + size])))
        for number, start in enumerate(range(0, len(entries), size), start=1)
    ]


def _newest(entries: Sequence[SitemapEntry]) -> str | None:
    """The newest lastmod of `entries`, by instant: offsets differ, so not by text."""
    dated = [e.lastmod for e in entries if e.lastmod is not None]
    return max(dated, key=dt.datetime.fromisoformat) if dated else None


def at_root(
    entry: SitemapEntry,
    prefix: str,
    at: dict[str, str],
    linked: dict[str, tuple[Translation, ...]],
) -> SitemapEntry:
    """An edition's sitemap entry as the root lists it: under the edition's path, with the
    page's translations."""
    return SitemapEntry(
        prefix + entry.path,
        entry.lastmod,
        prefix + entry.picture if entry.picture else None,
        linked.get(at.get(entry.path, ""), ()),
    )
