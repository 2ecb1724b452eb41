"""What each kind of page is given (outputs.TEMPLATES): its `Page` and template context,
built from its Output with the articles it names resolved; and the pictures' markup."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from site_builder import i18n, urls
from site_builder.config import SiteConfig
from site_builder.i18n import N_
from site_builder.model import Article, Correction
from site_builder.render.outputs import (
    ArchiveData,
    ArticleData,
    FeedLink,
    ListingData,
    Output,
    ShownPicture,
    SubscribeData,
    TermsData,
    Variant,
)

FEED_FORMATS = (
    ("feed.xml", "application/rss+xml", "RSS"),
    ("atom.xml", "application/atom+xml", "Atom"),
    ("feed.json", "application/feed+json", "JSON Feed"),
)
WORDS_PER_MINUTE = 230


@dataclass(frozen=True)
class Page:
    """What a template knows of its page: `page.path`, `page.title`, `page.feeds`."""

    path: str
    template: str
    title: str
    lastmod: dt.datetime | None = None
    feeds: tuple[FeedLink, ...] = ()  # the feeds it advertises

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", urls.isolated(self.title))


_FIRST_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.S)
_TAG = re.compile(r"<[^>]+>")


def standfirst(summary: str, body_html: str) -> str:
    """The summary to show above the article, or "" when the body opens with it anyway
    (compared as text: the first paragraph's Markdown or HTML does not count)."""
    if not summary.strip():
        return ""
    match = _FIRST_PARAGRAPH.search(body_html)
    first = html.unescape(_TAG.sub("", match.group(1))) if match else ""

    def words(text: str) -> str:
        return " ".join(re.sub(r"[^\w\s]", "", text.casefold()).split())

    opening, summed = words(first), words(summary)
    if opening and summed and (opening.startswith(summed[:80]) or summed.startswith(opening[:80])):
        return ""
    return summary


@lru_cache(maxsize=4096)
def reading_minutes(text: str) -> int:
    """Minutes to read a body at 230 words a minute, at least one."""
    return max(1, round(len(text.split()) / WORDS_PER_MINUTE))


# --- pictures ----------------------------------------------------------------------------------

# What the theme's layout gives a picture, in CSS px: the browser picks the smallest file at
# least that wide for the screen's density. In px, not rem: a rem in `sizes` (as in a media
# query) is the browser's default 16 px, while style.css sets the root font to 112.5%
# (18 px), so the 1rem padding either side of a column is 18px.
# lead: the article's column, --story 36rem (648px) from a 684px viewport on.
# top: a front page's lead: 2fr of 3 beside the river or rail, 2.5rem apart, from 64em
# (1024px) on; the picture is at most 45rem (810px) wide; full width below.
# stack: a card with its picture above: half the lead's column (two 1.5rem apart) from 64em,
# half the page from 36em (576px); below, a thumbnail as `thumb`.
# thumb: 8rem (144px) beside a headline; 5.5rem (99px) on phones (up to 30em, 480px).
SIZES = {
    "lead": "(min-width: 684px) 648px, calc(100vw - 36px)",
    "top": "(min-width: 1332px) 810px, (min-width: 1024px) calc((100vw - 81px) * 2 / 3), "
    "(min-width: 846px) 810px, calc(100vw - 36px)",
    "stack": "(min-width: 1332px) 392px, (min-width: 1024px) calc((100vw - 81px) / 3 - 14px), "
    "(min-width: 576px) calc(50vw - 32px), (min-width: 481px) 144px, 99px",
    "thumb": "(max-width: 480px) 99px, 144px",
}


def picture_view(shown: ShownPicture, link: Callable[[str], str]) -> dict[str, Any]:
    """What a template needs to write <picture>: one <source> per modern format, the
    fallback <img> in the picture's own format, and its intrinsic width and height."""
    largest = shown.largest
    by_format: dict[str, list[Variant]] = {}
    for variant in shown.files:
        by_format.setdefault(variant.format, []).append(variant)
    return {
        "sources": [
            {"type": variants[0].mime, "srcset": _srcset(variants, link)}
            for kind, variants in by_format.items()
            if kind != largest.format
        ],
        "srcset": _srcset(by_format[largest.format], link),
        "src": link(largest.path),
        "width": largest.width,
        "height": largest.height,
    }


def _srcset(items: list[Variant], link: Callable[[str], str]) -> str:
    return ", ".join(f"{link(v.path)} {v.width}w" for v in items)


# --- the context builders ----------------------------------------------------------------

Articles = Mapping[str, Article]  # id -> the article (a Card when shown by its card)


def _article_context(config: SiteConfig, output: Output, shown: Articles) -> tuple[Page, dict]:
    data = output.data_as(ArticleData)
    words = i18n.words(config)
    article = shown[output.full[0]]
    region = config.region(article.region)
    region_path = urls.region_path(article.region)
    context = {
        "article": article,
        "region": region,
        "newer": shown[data.newer] if data.newer else None,
        "older": shown[data.older] if data.older else None,
        "related": [shown[i] for i in data.related],
        "more": [shown[i] for i in data.more],
        "reading_minutes": reading_minutes(article.body),
        "breadcrumbs": [
            (words("Home"), ""),
            (words.region(region) if region else article.region, region_path),
        ],
        "pictures": data.pictures,
        "translations": data.translations,
        **_moved_names(data),
    }
    feeds = (
        FeedLink("", config.title),
        FeedLink(region_path, f"{config.title} - {region.name if region else article.region}"),
    )
    return Page(
        output.path, "article.html", article.title, article.updated or article.date, feeds
    ), context


def _moved_names(data: ArticleData) -> dict[str, Callable[[str], str]]:
    """tag_path and author_path for a page whose names do not all live at their slug."""
    if not data.addresses:
        return {}
    moved = {(a.family, a.name): a.path for a in data.addresses}
    return {
        "tag_path": lambda name: moved.get(("tags", name)) or urls.tag_path(name),
        "author_path": lambda name: moved.get(("authors", name)) or urls.author_path(name),
    }


def _listing_context(config: SiteConfig, output: Output, shown: Articles) -> tuple[Page, dict]:
    data = output.data_as(ListingData)
    heading, number, feeds = data.heading, data.number, data.feeds
    beside = sum(len(block.ids) for block in (*data.blocks, *data.rail))
    listed = [shown[i] for i in output.cards[: len(output.cards) - beside]]
    top = [shown[i] for i in data.top]
    articles = [a for a in listed if a.id not in data.top]

    def blocks(found: tuple) -> list:
        return [(config.region(b.region), [shown[i] for i in b.ids]) for b in found]

    context = {
        "lead": top[0] if top else None,
        "secondary": top[1:],
        "articles": articles,
        "kind": data.kind,
        "heading": heading,
        "pagination": {"number": number, "prev": data.newer, "next": data.older},
        "region": config.region(data.region) if data.region else None,
        "blocks": blocks(data.blocks),
        "rail": blocks(data.rail),
        "rail_countries": data.countries,
        "own_feed": feeds[-1].folder if len(feeds) > 1 else None,
        "pictures": data.pictures,
    }
    words = i18n.words(config)
    title = (
        heading
        if number is None
        else words(
            N_("%(heading)s (page %(number)s)"), heading=heading, number=words.number(number)
        )
    )
    return Page(output.path, "list.html", title, listed[0].date if listed else None, feeds), context


def _archive_context(config: SiteConfig, output: Output, shown: Articles) -> tuple[Page, dict]:
    data = output.data_as(ArchiveData)
    month = data.month
    words = i18n.words(config)
    articles = [shown[i] for i in output.cards]
    if month is None:
        years: dict[str, list[tuple[str, int]]] = {}
        for entry in data.months:
            years.setdefault(entry.key[:4], []).append((entry.key, entry.count))
        return Page(output.path, "archive.html", words("Archive")), {
            "month": None,
            "years": list(years.items()),
            "articles": [],
        }
    title = words(N_("Archive: %(month)s"), month=words.month(month))
    return Page(output.path, "archive.html", title), {
        "month": month,
        "years": [],
        "articles": articles,
    }


def _page_context(config: SiteConfig, output: Output, shown: Articles) -> tuple[Page, dict]:
    """A standalone page; the site's own page at corrections/ lists the corrections too."""
    article = shown[output.full[0]]
    page = Page(
        output.path, "page.html", article.title, article.updated, _corrections_feeds(config, output)
    )
    return page, {"article": article, "corrections": _correction_rows(output, shown)}


def _terms_context(config: SiteConfig, output: Output, shown: Articles) -> tuple[Page, dict]:
    data = output.data_as(TermsData)
    return Page(output.path, "terms.html", data.heading), {
        "family": data.family,
        "heading": data.heading,
        "terms": [{"name": t.name, "path": t.path, "count": t.count} for t in data.terms],
    }


def _subscribe_context(config: SiteConfig, output: Output, shown: Articles) -> tuple[Page, dict]:
    words = i18n.words(config)
    rows = [
        {
            "name": row.name,
            "folder": row.folder,
            "count": row.count,
            "links": [
                {
                    "label": words(label),
                    "path": row.folder + filename,
                    "absolute": urls.absolute(config, row.folder + filename),
                }
                for filename, _mime, label in FEED_FORMATS
            ],
        }
        for row in output.data_as(SubscribeData).rows
    ]
    return Page(output.path, "subscribe.html", words("Subscribe")), {"feed_list": rows}


def _corrections_context(config: SiteConfig, output: Output, shown: Articles) -> tuple[Page, dict]:
    """corrections/: every correction of the articles it shows, the latest first."""
    title = i18n.words(config)("Corrections")
    page = Page(output.path, "corrections.html", title, feeds=_corrections_feeds(config, output))
    return page, {"corrections": _correction_rows(output, shown)}


def _correction_rows(output: Output, shown: Articles) -> list[tuple[Correction, Article]]:
    rows = [(c, shown[i]) for i in output.cards for c in shown[i].corrections]
    rows.sort(key=lambda row: -row[0].date.timestamp())  # stable: ties keep the plan's order
    return rows


def _corrections_feeds(config: SiteConfig, output: Output) -> tuple[FeedLink, ...]:
    """The site's feed, and the corrections' when the page lists them."""
    if not output.cards:
        return ()
    title = f"{config.title} - {i18n.words(config)('Corrections')}"
    return (FeedLink("", config.title), FeedLink(output.path, title))


CONTEXTS: dict[str, Callable[[SiteConfig, Output, Articles], tuple[Page, dict]]] = {
    "article": _article_context,
    "listing": _listing_context,
    "archive": _archive_context,
    "subscribe": _subscribe_context,
    "page": _page_context,
    "terms": _terms_context,
    "corrections": _corrections_context,
    "search": lambda config, output, shown: (
        Page(output.path, "search.html", i18n.words(config)("Search")),
        {},
    ),
    "notfound": lambda config, output, shown: (
        Page(output.path, "404.html", i18n.words(config)("Page not found")),
        {},
    ),
}
