"""RSS 2.0 and Atom 1.0 files of a feed, through one small wrapper around feedgen.

Entries are handed over newest first, as one list (fg.entry), after the feed's extensions
are registered: feedgen's add_entry prepends by default and tries every feed extension on
every entry it is given.
"""

from __future__ import annotations

import copy
import datetime as dt
import html as _html
from collections import OrderedDict
from collections.abc import Mapping

from feedgen.entry import FeedEntry
from feedgen.ext.dc import DcEntryExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from site_builder import urls
from site_builder.config import SiteConfig
from site_builder.feeds.entries import (
    EntryPicture,
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
from site_builder.model import Article

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


class _Made:
    """An entry's element as feedgen made it (feedgen's feed asks its entries for their
    elements only). A kept one, which every feed that carries the article in this format
    takes, is copied into each (lxml copies in C, ~7 us, where feedgen takes ~50 us to make
    one; a copy, not the element, which would keep alive the whole feed it was put in last)."""

    __slots__ = ("element", "kept")

    def __init__(self, element: etree._Element, kept: bool):
        self.element, self.kept = element, kept

    def rss_entry(self, extensions: bool = True) -> etree._Element:
        return copy.deepcopy(self.element) if self.kept else self.element

    atom_entry = rss_entry

    def register_extension(self, *args: object, **kwargs: object) -> None:
        """The feed's extensions already wrote into the element (_entry registers them)."""


# (article id, RSS or not) -> (what its entry was made from, the entry): an article is
# carried by its site's, region's, tags' and authors' feeds, and watch renders them again
# build after build; the least recently used dropped first, so a long watch stays bounded.
# Archived feeds keep none: they are made once, and an archive's articles are in no other
# archive of the same family (keeping costs more than it saves there: measured).
_KEPT: OrderedDict[tuple[str, bool], tuple[tuple, _Made]] = OrderedDict()
_KEPT_MAX = 2048  # ~6 KB each: a feed carries 50


def _entries(
    config: SiteConfig, spec: FeedSpec, html: Mapping[str, str], rss_format: bool
) -> list[_Made]:
    made = []
    for article, updated in zip(spec.articles, entry_times(spec)):
        body = entry_html(config, article, html) if config.feed_content == "full" else ""
        inputs = (config, article, updated, body, picture(spec, article))
        key = (article.id, rss_format)
        kept = _KEPT.get(key)
        if kept is not None and kept[0] == inputs:
            _KEPT.move_to_end(key)
            made.append(kept[1])
            continue
        fe = _entry(config, article, updated, body, inputs[-1], rss_format)
        entry = _Made(fe.rss_entry() if rss_format else fe.atom_entry(), not spec.archive)
        if entry.kept:
            _KEPT[key] = (inputs, entry)
            if len(_KEPT) > _KEPT_MAX:
                _KEPT.popitem(last=False)
        made.append(entry)
    return made


def _entry(
    config: SiteConfig,
    article: Article,
    updated: dt.datetime,
    body: str,
    lead: EntryPicture | None,
    rss_format: bool,
) -> FeedEntry:
    fe = FeedEntry()
    if rss_format:  # the feed's extensions, in the feed's order
        fe.register_extension("dc", DcEntryExtension)
    fe.register_extension("media", MediaEntry)
    url = urls.absolute(config, article.url_path)
    fe.id(article.id)  # also the RSS <guid isPermaLink="false">
    fe.title(title(article))
    fe.link(href=url)  # rel "alternate", the default: the RSS <link> too
    fe.published(article.date)
    fe.updated(updated)
    if body.strip():  # an empty <content> draws a validator warning: the summary stands in
        fe.content(body, type="html")
    # As escaped HTML: RSS <description> is HTML anyway, and a plain-text Atom summary
    # that merely looks like markup ('</b>', '&amp;') draws a validator warning.
    fe.summary(_html.escape(summary_text(article), quote=False), type="html")
    terms = [{"term": term} for term in categories(config, article)]
    if terms:  # all at once: feedgen rebuilds its RSS list on every call
        fe.category(terms)
    if lead is not None:
        fe.media.picture(lead)
        if lead.length and rss_format:  # Atom's enclosure link: feedmedia.py
            fe.enclosure(lead.url, str(lead.length), lead.mime)
    names = list(authors(config, article))
    if names and rss_format:  # RSS <author> must be an e-mail address: names in dc:creator
        fe.dc.dc_creator(names, replace=False)
    elif names:  # the feed-level author suffices for RFC 4287, but readers show the entry's
        fe.author([{"name": name} for name in names])  # at once, as categories
    return fe


def rss(config: SiteConfig, spec: FeedSpec, html: Mapping[str, str]) -> bytes:
    """The RSS 2.0 file of one feed."""
    fg = _generator(config, spec, "feed.xml", "application/rss+xml")
    fg.load_extension("dc")
    if spec.articles:
        fg.pubDate(spec.articles[0].date)
    fg.register_extension("media", MediaFeed, MediaEntry)
    fg.entry(_entries(config, spec, html, rss_format=True))
    return fg.rss_str(pretty=True)


def atom(config: SiteConfig, spec: FeedSpec, html: Mapping[str, str]) -> bytes:
    """The Atom 1.0 file of one feed."""
    fg = _generator(config, spec, "atom.xml", "application/atom+xml")
    fg.register_extension("media", MediaFeed, MediaEntry)
    fg.entry(_entries(config, spec, html, rss_format=False))
    return fg.atom_str(pretty=True)
