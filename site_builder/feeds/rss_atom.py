"""RSS 2.0 and Atom 1.0 files of a feed, through one small wrapper around feedgen.

Entries are added newest first with order='append' (feedgen prepends by default).
"""

from __future__ import annotations

import html as _html
from collections.abc import Mapping

from feedgen.feed import FeedGenerator

from site_builder import urls
from site_builder.config import SiteConfig
from site_builder.feeds.entries import (
    FeedSpec,
    authors,
    categories,
    clean,
    entry_html,
    entry_times,
    feed_date,
    picture,
    summary_text,
    title,
)
from site_builder.feeds.links import FeedLinks
from site_builder.feeds.media import MediaEntry, MediaFeed

GENERATOR = "site_builder"


def _generator(config: SiteConfig, spec: FeedSpec, self_name: str, self_type: str) -> FeedGenerator:
    fg = FeedGenerator()
    fg.id(urls.absolute(config, spec.path(self_name)))
    fg.title(clean(spec.title))
    fg.subtitle(clean(spec.description))
    fg.author({"name": clean(config.author) or clean(config.title)})
    fg.link(href=urls.absolute(config, spec.path(self_name)), rel="self", type=self_type)
    # feedgen uses the last link as RSS <link>: the alternate (the HTML page) goes last.
    fg.link(href=urls.absolute(config, spec.page), rel="alternate", type="text/html")
    fg.language(config.language)
    fg.generator(GENERATOR)
    fg.updated(feed_date(spec))
    fg.register_extension("links", FeedLinks, atom=True, rss=True)
    links = [("hub", hub) for hub in ([] if spec.archive else config.hubs)]
    links += [(rel, urls.absolute(config, folder + self_name)) for rel, folder in spec.links]
    fg.links.links, fg.links.archive = links, spec.archive
    return fg


def _add_entries(
    fg: FeedGenerator, config: SiteConfig, spec: FeedSpec, html: Mapping[str, str], rss_format: bool
) -> None:
    fg.register_extension("media", MediaFeed, MediaEntry)
    for article, updated in zip(spec.articles, entry_times(spec)):
        fe = fg.add_entry(order="append")  # default prepends: we add newest first
        url = urls.absolute(config, article.url_path)
        fe.id(article.id)  # also the RSS <guid isPermaLink="false">
        fe.title(title(article))
        fe.link(href=url)  # rel "alternate", the default: the RSS <link> too
        fe.published(article.date)
        fe.updated(updated)
        body = entry_html(config, article, html) if config.feed_content == "full" else ""
        if body.strip():  # an empty <content> draws a validator warning: the summary stands in
            fe.content(body, type="html")
        # As escaped HTML: RSS <description> is HTML anyway, and a plain-text Atom summary
        # that merely looks like markup ('</b>', '&amp;') draws a validator warning.
        fe.summary(_html.escape(summary_text(article), quote=False), type="html")
        terms = [{"term": term} for term in categories(config, article)]
        if terms:  # all at once: feedgen rebuilds its RSS list on every call
            fe.category(terms)
        lead = picture(spec, article)
        if lead is not None:
            fe.media.picture(lead)
            if lead.length and rss_format:  # Atom's enclosure link: feedmedia.py
                fe.enclosure(lead.url, str(lead.length), lead.mime)
        names = list(authors(config, article))
        if names and rss_format:  # RSS <author> must be an e-mail address: names in dc:creator
            fe.dc.dc_creator(names, replace=False)
        elif names:  # the feed-level author suffices for RFC 4287, but readers show the entry's
            fe.author([{"name": name} for name in names])  # at once, as categories


def rss(config: SiteConfig, spec: FeedSpec, html: Mapping[str, str]) -> bytes:
    """The RSS 2.0 file of one feed."""
    fg = _generator(config, spec, "feed.xml", "application/rss+xml")
    fg.load_extension("dc")
    if spec.articles:
        fg.pubDate(spec.articles[0].date)
    _add_entries(fg, config, spec, html, rss_format=True)
    return fg.rss_str(pretty=True)


def atom(config: SiteConfig, spec: FeedSpec, html: Mapping[str, str]) -> bytes:
    """The Atom 1.0 file of one feed."""
    fg = _generator(config, spec, "atom.xml", "application/atom+xml")
    _add_entries(fg, config, spec, html, rss_format=False)
    return fg.atom_str(pretty=True)
