"""The site's sitemaps: sitemap.xml, an index, and the sitemaps it names, of at most
SHARD_URLS pages each (the protocol's limits are cited in feeds/sitemap.py).

Article pages are listed oldest first, SHARD_URLS to a file: a new story goes into the
last, partial sitemap, and a full one stays the same until one of its stories is edited,
back-dated past it or deleted. The other pages (listings, indexes, standalone pages)
are listed by address in sitemaps of their own (their lastmods change with each story
anyway): a plan from the change (engine/replan.py) puts the entries it made among those it
kept in the same order as a whole plan. A site in several languages has both kinds per
edition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from site_builder.feeds.sitemap import SHARD_URLS, SitemapEntry, SitemapShard, w3c_datetime
from site_builder.model import Listed, Translation
from site_builder.render.kept import Kept
from site_builder.render.outputs import Output, ShownPicture, SitemapData, SitemapIndexData

INDEX = "sitemap.xml"
# Pages no crawler should list: the error page, and the search page (marked noindex).
UNLISTED = ("404.html", "search/")
# Pages whose lastmod is the newest story's: they show, or count, every story.
NEWEST = ("subscribe", "archive")
# The date a standalone page has when its front matter gives none (loader).
UNDATED = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def sitemap_entries(
    outputs: Sequence[Output],
    articles: Sequence[Listed],
    pages: Sequence[Listed],
    shown: dict[str, ShownPicture],
) -> tuple[tuple[SitemapEntry, ...], tuple[SitemapEntry, ...]]:
    """The pages the sitemaps list, by address: with a page's newest article's date; and
    the articles' pages apart, oldest first, with each one's lead picture."""
    dates = entry_dates(articles, pages)
    newest = dates[articles[0].id] if articles else None
    entries = sorted(page_entries(outputs, dates, newest, shown), key=lambda e: e.path)
    return tuple(entries), story_entries(articles, dates, shown)


def entry_dates(
    articles: Sequence[Listed], pages: Sequence[Listed], kept: Kept | None = None
) -> dict[str, str | None]:
    """Each article's and page's lastmod, by id; `kept`: given `articles` last (kept.py)."""
    if kept is None:
        dates: dict[str, str | None] = {a.id: _lastmod(a) for a in articles}
    else:
        dates = dict(kept.each("lastmod", _lastmod))
    # A standalone page's date is optional: without one, the sitemap gives none.
    dates.update(
        (p.id, w3c_datetime(p.updated or p.date) if (p.updated or p.date) != UNDATED else None)
        for p in pages
    )
    return dates


def page_entries(
    outputs: Iterable[Output],
    dates: dict[str, str | None],
    newest: str | None,
    shown: dict[str, ShownPicture],
) -> Iterable[SitemapEntry]:
    """The entry of each listed page among `outputs` that is not an article's."""
    for output in outputs:
        if output.template is None or output.path in UNLISTED or output.kind == "article":
            continue
        if output.kind == "page":
            picture = shown.get(output.full[0])
            lead = picture.largest.path if picture else None
            yield SitemapEntry(output.path, dates[output.full[0]], lead)
        elif output.cards:
            yield SitemapEntry(output.path, dates[output.cards[0]])
        else:
            yield SitemapEntry(output.path, newest if output.kind in NEWEST else None)


def _lastmod(article: Listed) -> str:
    return w3c_datetime(article.updated or article.date)


def story_entries(
    articles: Sequence[Listed], dates: dict[str, str | None], shown: dict[str, ShownPicture]
) -> tuple[SitemapEntry, ...]:
    """The article pages' entries, oldest first (`articles`: newest first)."""
    return tuple(
        SitemapEntry(a.url_path, dates[a.id], shown[a.id].largest.path if a.id in shown else None)
        for a in reversed(articles)
    )


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
    out.append(Output(INDEX, "sitemap-index", SitemapIndexData(tuple(map(_index_entry, out)))))
    return out


def shard_size() -> int:
    """URLs an article sitemap holds (the tests fill sitemaps with few)."""
    return SHARD_URLS


def sitemaps_after(
    pages: Sequence[SitemapEntry],
    stories: Sequence[SitemapEntry],
    kept: Sequence[SitemapShard],
    size: int,
) -> list[Output]:
    """The sitemaps of a site in one language whose first article sitemaps are as the last
    build left them (`kept`: their index entries, in order): the pages' sitemaps, the
    article sitemaps after those (`stories`: their entries, oldest first), then the index;
    `size`: URLs a sitemap (shard_size)."""
    out = _shards("sitemap-pages", pages, size)
    made = _shards("sitemap-articles", stories, size, first=len(kept) + 1)
    index = [_index_entry(o) for o in out] + list(kept) + [_index_entry(o) for o in made]
    return [*out, *made, Output(INDEX, "sitemap-index", SitemapIndexData(tuple(index)))]


def _index_entry(sitemap: Output) -> SitemapShard:
    return SitemapShard(sitemap.path, _newest(sitemap.data_as(SitemapData).pages))


def _shards(stem: str, entries: Sequence[SitemapEntry], size: int, first: int = 1) -> list[Output]:
    """`entries` in files of `size`: stem-{first}.xml holds the first."""
    return [
        Output(f"{stem}-{number}.xml", "sitemap", SitemapData(tuple(entries[start : start + size])))
        for number, start in enumerate(range(0, len(entries), size), start=first)
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
