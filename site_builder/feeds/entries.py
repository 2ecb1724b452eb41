"""Site and region feeds: RSS 2.0 and Atom 1.0 through one small wrapper around feedgen.

Every date comes from the articles (never the clock), entries are added newest first with
order='append', and entry identity is the article id, so an unchanged site rebuilds to
byte-identical feeds and an edited or moved article never shows up twice in a reader.
"""

from __future__ import annotations

import datetime as dt
import html as _html
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from feedgen.feed import FeedGenerator

from site_builder import urls
from site_builder.config import SiteConfig
from site_builder.feeds.absolute import absolutize
from site_builder.feeds.media import EntryPicture, MediaEntry, MediaFeed
from site_builder.model import Article

log = logging.getLogger("site_builder")

# XML 1.0 forbids these code points even as character references; lxml refuses them.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# The date of a feed with no articles at all: fixed, so empty feeds are reproducible too.
EMPTY_FEED_DATE = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
GENERATOR = "site_builder"


@dataclass(frozen=True)
class FeedSpec:
    """One feed: its title, the page it belongs to (a site path) and its folder."""

    title: str
    description: str
    page: str  # '' for the site, 'middle-east/' for a region
    articles: tuple[Article, ...]
    fallback_date: dt.datetime  # used only when the feed has no entries
    pictures: Mapping[str, EntryPicture] = field(default_factory=dict)  # id -> a site file

    def path(self, name: str) -> str:
        """The site path of this feed's file called name: 'feed.xml', 'gulf/atom.xml'."""
        return f"{self.page}{name}"


def clean(text: str | None) -> str:
    """The text without characters XML 1.0 cannot carry (control characters, lone surrogates)."""
    return _ILLEGAL_XML.sub("", text or "")


def feed_files(
    config: SiteConfig, articles: Sequence[Article], html: Mapping[str, str]
) -> dict[str, bytes]:
    """Every feed file of the site: path relative to the output root -> bytes.

    `articles` are the published articles, newest first. A region without articles gets
    valid feeds with no entries, dated like the site's newest article.
    """
    from site_builder.feeds import opml  # late: it imports helpers from here

    specs = feed_specs(config, articles)
    files: dict[str, bytes] = {}
    for spec in specs:
        files.update(spec_files(config, spec, html))
    files["feeds.opml"] = opml.opml(config, {"site": specs[:1], "regions": specs[1:]})
    return files


def spec_files(config: SiteConfig, spec: FeedSpec, html: Mapping[str, str]) -> dict[str, bytes]:
    """One feed in its three formats: RSS 2.0, Atom 1.0 and JSON Feed 1.1."""
    from site_builder.feeds import jsonfeed  # late: it imports helpers from here

    return {
        spec.path("feed.xml"): rss(config, spec, html),
        spec.path("atom.xml"): atom(config, spec, html),
        spec.path("feed.json"): jsonfeed.json_feed(config, spec, html),
    }


def feed_specs(config: SiteConfig, articles: Sequence[Article]) -> list[FeedSpec]:
    """The site feed first, then one feed per configured region, in config order."""
    newest = entry_updated(articles[0]) if articles else EMPTY_FEED_DATE
    limit = config.feed_entries
    specs = [
        FeedSpec(
            config.title, config.description or config.title, "", tuple(articles[:limit]), newest
        )
    ]
    newest_by_region: dict[str, list[Article]] = {r.slug: [] for r in config.regions}
    for article in articles:  # one pass, not one per region: rebuilds call this every time
        mine = newest_by_region.get(article.region)
        if mine is not None and len(mine) < limit:
            mine.append(article)
    for region in config.regions:
        specs.append(
            FeedSpec(
                f"{config.title} - {region.name}",
                f"{region.name}: {config.description or config.title}",
                urls.region_path(region.slug),
                tuple(newest_by_region[region.slug]),
                newest,
            )
        )
    return specs


def entry_updated(article: Article) -> dt.datetime:
    """When the entry last changed: its updated date, else its date."""
    return article.updated or article.date


def entry_times(spec: FeedSpec) -> list[dt.datetime]:
    """Each entry's updated time, made unique within the feed.

    The W3C validator warns when two Atom entries share <updated>; the importer spaces a
    batch a minute apart, but hand-written files may still collide, so a later duplicate
    (in feed order) is moved one second on: deterministic, and never before its published date.
    """
    seen: set[dt.datetime] = set()
    times = []
    for article in spec.articles:
        when = entry_updated(article)
        if when in seen:
            log.debug(
                "%s: updated time shared with another entry, moved on in the feed", article.path
            )
        while when in seen:
            when += dt.timedelta(seconds=1)
        seen.add(when)
        times.append(when)
    return times


def feed_date(spec: FeedSpec) -> dt.datetime:
    """The feed's own date: its latest entry change, never the build time."""
    times = entry_times(spec)
    return max(times) if times else spec.fallback_date


def title(article: Article) -> str:
    """The entry title as plain text; never blank (the validator warns about blank titles)."""
    return clean(article.title).strip() or "Untitled"


def summary_text(article: Article) -> str:
    """The entry summary as plain text: the article's summary, else its title."""
    return clean(article.summary).strip() or title(article)


def entry_html(config: SiteConfig, article: Article, html: Mapping[str, str]) -> str:
    """The article body for a feed, every link absolute."""
    page = urls.absolute(config, article.url_path)
    body = html.get(article.id, "")
    if config.allow_raw_html:
        # Pages may carry raw HTML by choice; feeds may not: readers strip scripts and
        # frames anyway, and the validator flags them as a security risk.
        from site_builder.content.markup import sanitise

        body = sanitise(body)
    return clean(absolutize(body, page, fragments=True))


def categories(config: SiteConfig, article: Article) -> list[str]:
    """Region name, countries, tags: each once, in that order."""
    region = config.region(article.region)
    names = [region.name if region else article.region, *article.countries, *article.tags]
    return [c for c in dict.fromkeys(clean(n).strip() for n in names) if c]


def authors(config: SiteConfig, article: Article) -> list[str]:
    """The article's bylines; the site's author (or title) when it names none."""
    names = [n for n in (clean(a).strip() for a in article.authors) if n]
    return names or [clean(config.author) or clean(config.title)]


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
    return fg


def picture(spec: FeedSpec, article: Article) -> EntryPicture | None:
    """The entry's lead picture: a file of the site (with its length), or a remote URL."""
    image = article.image
    found = spec.pictures.get(article.id)
    if found is None and image is not None and image.url.startswith(("http://", "https://")):
        found = EntryPicture(image.url)
    if found is None:
        return None
    return (
        replace(found, caption=clean(image.caption_only), credit=clean(image.credit))
        if image is not None
        else found
    )


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
        for term in categories(config, article):
            fe.category(term=term)
        lead = picture(spec, article)
        if lead is not None:
            fe.media.picture(lead)
            if lead.length and rss_format:  # Atom's enclosure link: feedmedia.py
                fe.enclosure(lead.url, str(lead.length), lead.mime)
        for name in authors(config, article):
            if rss_format:  # RSS <author> must be an e-mail address: names go in dc:creator
                fe.dc.dc_creator(name, replace=False)
            else:  # the feed-level author suffices for RFC 4287, but readers show the entry's
                fe.author({"name": name})


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
