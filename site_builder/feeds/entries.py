"""A feed and its entries as every format writes them (rss_atom.py, jsonfeed.py, opml.py).

Every date comes from the articles (never the clock), and entry identity is the article
id, so an unchanged site rebuilds to byte-identical feeds and an edited or moved article
never shows up twice in a reader.
"""

from __future__ import annotations

import datetime as dt
import html as _html
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from site_builder import i18n, urls
from site_builder.config import SiteConfig
from site_builder.feeds.absolute import absolutize
from site_builder.model import Article, Listed

log = logging.getLogger("site_builder")

# XML 1.0 forbids these code points even as character references; lxml refuses them.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# The date of a feed with no articles at all: fixed, so empty feeds are reproducible too.
EMPTY_FEED_DATE = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class EntryPicture:
    """A feed entry's lead picture: an absolute URL and, for a file of the site, its type,
    length in bytes and size (a remote picture has only its URL)."""

    url: str
    mime: str = ""
    length: int = 0
    width: int = 0
    height: int = 0
    caption: str = ""
    credit: str = ""


@dataclass(frozen=True)
class FeedSpec:
    """One feed: its title, the page it belongs to (a site path) and its folder."""

    title: str
    description: str
    page: str  # '' for the site, 'middle-east/' for a region
    articles: tuple[Article, ...]
    fallback_date: dt.datetime  # used only when the feed has no entries
    pictures: Mapping[str, EntryPicture] = field(default_factory=dict)  # id -> a site file
    # RFC 5005: (rel, folder) of its current and archive documents; whether it is an
    # archive document (which names no WebSub hub: hubs announce subscription feeds).
    links: tuple[tuple[str, str], ...] = ()
    archive: bool = False

    def path(self, name: str) -> str:
        """The site path of this feed's file called name: 'feed.xml', 'gulf/atom.xml'."""
        return f"{self.page}{name}"


def clean(text: str | None) -> str:
    """The text without characters XML 1.0 cannot carry (control characters, lone surrogates)."""
    return _ILLEGAL_XML.sub("", text or "")


def entry_updated(article: Listed) -> dt.datetime:
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
    return urls.isolated(clean(article.title).strip()) or "Untitled"


def summary_text(article: Article) -> str:
    """The entry summary as plain text: the article's summary, else its title."""
    return clean(article.summary).strip() or title(article)


# (page URL, body HTML, raw HTML allowed, correction notes) -> the entry's HTML: an article is carried by its
# site's, region's, tags' and countries' feeds in three formats, made once for all of them.
_ENTRY_HTML: dict[tuple[str, str, bool, str], str] = {}
_ENTRY_HTML_MAX = 2048  # entries kept (a feed carries 50): a long watch stays bounded


def entry_html(config: SiteConfig, article: Article, html: Mapping[str, str]) -> str:
    """The article body for a feed, every link absolute."""
    page = urls.absolute(config, article.url_path)
    body = html.get(article.id, "")
    notes = correction_notes(config, article)
    key = (page, body, config.allow_raw_html, notes)
    made = _ENTRY_HTML.get(key)
    if made is None:
        if len(_ENTRY_HTML) >= _ENTRY_HTML_MAX:
            _ENTRY_HTML.clear()
        made = _ENTRY_HTML[key] = _entry_html(config, page, body, notes)
    return made


def _entry_html(config: SiteConfig, page: str, body: str, notes: str) -> str:
    if config.allow_raw_html:
        # Pages may carry raw HTML by choice; feeds may not: readers strip scripts and
        # frames anyway, and the validator flags them as a security risk. Imported here:
        # Markdown and nh3 (~16 ms measured) are for sites that allow raw HTML only, and
        # the plan, which imports this module's dates, must not pay for them.
        from site_builder.content.markup import sanitise

        body = sanitise(body)
    return clean(absolutize(body, page, fragments=True) + notes)


def correction_notes(config: SiteConfig, article: Article) -> str:
    """The article's corrections as the end of its feed entry, oldest first: a reader
    shows the entry as updated, and the note says what changed."""
    if not article.corrections:  # most: and words() would hash the whole configuration
        return ""
    words = i18n.words(config)
    notes = []
    for correction in article.corrections:
        day = i18n.long_date(correction.date.astimezone(config.tz), config.language, config.digits)
        label = words(i18n.N_("Correction, %(date)s:"), date=day)
        notes.append(
            f"\n<p><strong>{_html.escape(label, quote=False)}</strong> {_html.escape(correction.text, quote=False)}</p>"
        )
    return "".join(notes)


def categories(config: SiteConfig, article: Article) -> list[str]:
    """Region name, countries, tags, kicker ("Analysis"): each once, in that order."""
    region = config.region(article.region)
    names = [
        region.name if region else article.region,
        *article.countries,
        *article.tags,
        article.kicker,
    ]
    return [c for c in dict.fromkeys(clean(n).strip() for n in names) if c]


def authors(config: SiteConfig, article: Article) -> list[str]:
    """The article's bylines; the site's author (or title) when it names none."""
    names = [n for n in (clean(a).strip() for a in article.authors) if n]
    return names or [clean(config.author) or clean(config.title)]


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
