"""The files that are not pages (feeds, OPML, sitemaps, robots.txt, static files, redirects,
picture variants): each kind's maker turns its Output into bytes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from site_builder import urls
from site_builder.config import SiteConfig
from site_builder.feeds import jsonfeed, opml, rss_atom, sitemap
from site_builder.feeds.entries import EMPTY_FEED_DATE, EntryPicture, FeedSpec
from site_builder.model import Article
from site_builder.render import assets, redirect
from site_builder.render.outputs import (
    FeedData,
    NewsData,
    OpmlData,
    Output,
    PictureFileData,
    RedirectData,
    ShownPicture,
    SitemapData,
    SitemapIndexData,
    StaticData,
)

Articles = Mapping[str, Article]
Maker = Callable[[SiteConfig, Output, Articles, Mapping[str, str]], bytes]
FEED_WRITERS = {"rss": rss_atom.rss, "atom": rss_atom.atom, "json": jsonfeed.json_feed}


def _feed(config: SiteConfig, output: Output, articles: Articles, html: Mapping[str, str]) -> bytes:
    data = output.data_as(FeedData)
    spec = FeedSpec(
        data.title,
        data.description,
        data.page,
        tuple(articles[i] for i in output.full),
        dt.datetime.fromisoformat(data.fallback) if data.fallback else EMPTY_FEED_DATE,
        {shown.id: _feed_picture(config, shown.picture) for shown in data.pictures},
        data.links,
        data.archive,
    )
    return FEED_WRITERS[output.kind](config, spec, html)


def _feed_picture(config: SiteConfig, shown: ShownPicture) -> EntryPicture:
    """A feed entry's picture: the largest file in its own format, with its length in
    bytes (encoded now if no page did it first; the cache keeps it)."""
    from site_builder.content import images  # Pillow: ~15 ms that a site without pictures skips

    largest = shown.largest
    length = images.process(config.file_at(shown.source), config.cache_dir).fallback.size
    return EntryPicture(
        urls.absolute(config, largest.path), largest.mime, length, largest.width, largest.height
    )


def _picture(
    config: SiteConfig, output: Output, articles: Articles, html: Mapping[str, str]
) -> bytes:
    """One variant file of a picture, from the image cache (encoded there if need be)."""
    from site_builder.content import images  # Pillow: ~15 ms that a site without pictures skips

    data = output.data_as(PictureFileData)
    picture = images.process(config.file_at(data.source), config.cache_dir)
    variant = next(v for v in picture.variants if v.width == data.width and v.format == data.format)
    return variant.path.read_bytes()


def _news_sitemap(
    config: SiteConfig, output: Output, articles: Articles, html: Mapping[str, str]
) -> bytes:
    places = output.data_as(NewsData).places
    return sitemap.news_sitemap(config, [articles[i] for i in output.cards], places)


def _opml(config: SiteConfig, output: Output, articles: Articles, html: Mapping[str, str]) -> bytes:
    groups: dict[str, list[FeedSpec]] = {}
    for feed in output.data_as(OpmlData).feeds:
        groups.setdefault(feed.group, []).append(
            FeedSpec(feed.title, "", feed.page, (), EMPTY_FEED_DATE)
        )
    return opml.opml(config, groups)


def _redirect(
    config: SiteConfig, output: Output, articles: Articles, html: Mapping[str, str]
) -> bytes:
    """An old address (an alias): a page that sends browsers and crawlers to the new one."""
    title = articles[output.cards[0]].title if output.cards else config.title
    return redirect.page(config, output.path, output.data_as(RedirectData).to, title)


def _sitemap(
    config: SiteConfig, output: Output, articles: Articles, html: Mapping[str, str]
) -> bytes:
    return sitemap.sitemap(config, output.data_as(SitemapData).pages)


def _sitemap_index(
    config: SiteConfig, output: Output, articles: Articles, html: Mapping[str, str]
) -> bytes:
    return sitemap.sitemap_index(config, output.data_as(SitemapIndexData).shards)


def _robots(
    config: SiteConfig, output: Output, articles: Articles, html: Mapping[str, str]
) -> bytes:
    return sitemap.robots(config)


def _static(
    config: SiteConfig, output: Output, articles: Articles, html: Mapping[str, str]
) -> bytes:
    return assets.read(config.file_at(output.data_as(StaticData).source))


MAKERS: dict[str, Maker] = {
    "rss": _feed,
    "atom": _feed,
    "json": _feed,
    "opml": _opml,
    "sitemap": _sitemap,
    "sitemap-index": _sitemap_index,
    "robots": _robots,
    "static": _static,
    "redirect": _redirect,
    "picture": _picture,
    "news-sitemap": _news_sitemap,
}
