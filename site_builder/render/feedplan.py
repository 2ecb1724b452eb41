"""The plan's feeds: every feed in RSS, Atom and JSON Feed, the OPML that lists them, the
RFC 5005 archive documents of the site's and each region's feed, and the corrections page
with its feeds.

Archived feeds (RFC 5005 section 4) follow the listings' pages, which are counted from
the oldest (plan.py): the listing page 'gulf/page/N/' and the archive documents
'gulf/page/N/feed.xml' and 'gulf/page/N/atom.xml' hold the same `per_page` articles, and
keep them as news arrives. The subscription feed links the newest archive as
`prev-archive` and holds at least every article no archive holds yet, so a reader that
walks back from it sees every article. Each archive links `current`, its older neighbour
as `prev-archive` and its newer one as `next-archive`; the newest archive's successor is
not there until it fills, but the link is, so no archive ever changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from site_builder import urls
from site_builder.feeds.entries import EMPTY_FEED_DATE, entry_updated
from site_builder.model import Listed, corrected
from site_builder.render.outputs import (
    FEED_KINDS,
    FeedData,
    OpmlData,
    OpmlFeed,
    Output,
    Shown,
    ShownPicture,
)

FEED_FILES = {"rss": "feed.xml", "atom": "atom.xml", "json": "feed.json"}
ARCHIVED_KINDS = ("rss", "atom")  # JSON Feed has no archived feeds


@dataclass(frozen=True, slots=True)
class Feed:
    """One feed of the site, made in RSS, Atom and JSON Feed: its OPML group ('site',
    'regions', 'tags', 'authors', 'corrections'), title, description, the folder of its
    page, its entries; `every`: all its articles, newest first, when it has archives."""

    group: str
    title: str
    description: str
    page: str
    ids: tuple[str, ...]
    every: tuple[str, ...] | None = None


def feed_outputs(
    articles: Sequence[Listed],
    feeds: Sequence[Feed],
    shown: dict[str, ShownPicture],
    size: int,
    wanted: Callable[[str], bool] = lambda page: True,
    first: Callable[[str], int] = lambda page: 1,
) -> list[Output]:
    """Every feed in RSS, Atom and JSON Feed, archives included (of those whose page is
    `wanted`, from the archive `first` gives its page on); the OPML that lists them all."""
    newest = entry_updated(articles[0]) if articles else EMPTY_FEED_DATE
    out = []
    for feed in feeds:
        if not wanted(feed.page):
            continue
        # A feed's date is its newest entry's; only an empty feed takes the site's newest.
        fallback = None if feed.ids else newest.isoformat()
        chunks = numbered_chunks(feed.every, size) if feed.every is not None else []
        ids = feed.ids
        if chunks and feed.every is not None:  # at least every article no archive holds
            ids = feed.every[: max(len(ids), len(feed.every) - len(chunks) * size)]
        data = FeedData(feed.title, feed.description, feed.page, fallback, _pictures(ids, shown))
        for kind in FEED_KINDS:
            links = (("prev-archive", urls.numbered(feed.page, len(chunks))),) if chunks else ()
            own = replace(data, links=links) if kind in ARCHIVED_KINDS else data
            out.append(Output(feed.page + FEED_FILES[kind], kind, own, full=ids))
        out += _archives(feed, chunks, shown, first(feed.page))
    listed = tuple(OpmlFeed(feed.group, feed.title, feed.page) for feed in feeds)
    out.append(Output("feeds.opml", "opml", OpmlData(listed)))
    return out


def numbered_chunks(every: Sequence[str], size: int) -> list[tuple[str, ...]]:
    """A listing's numbered pages (and its feed's archives), page 1 the oldest, each
    newest first; what they leave, the newest whole chunk and any rest, is the first page."""
    total = len(every)
    return [
        tuple(every[total - n * size : total - (n - 1) * size]) for n in range(1, total // size)
    ]


def _archives(
    feed: Feed, chunks: list[tuple[str, ...]], shown: dict[str, ShownPicture], first: int = 1
) -> list[Output]:
    out = []
    for number, ids in enumerate(chunks[first - 1 :], start=first):
        links = [("current", feed.page)]
        if number > 1:
            links.append(("prev-archive", urls.numbered(feed.page, number - 1)))
        # The newest archive names its successor too, which is there once enough news
        # has come: so no archive ever changes (clients walk back, from the current feed).
        links.append(("next-archive", urls.numbered(feed.page, number + 1)))
        folder = urls.numbered(feed.page, number)
        data = FeedData(
            feed.title,
            feed.description,
            folder,
            None,
            _pictures(ids, shown),
            tuple(links),
            archive=True,
        )
        out += [Output(folder + FEED_FILES[k], k, data, full=ids) for k in ARCHIVED_KINDS]
    return out


def _pictures(ids: Sequence[str], shown: dict[str, ShownPicture]) -> tuple[Shown, ...]:
    return tuple(Shown(i, shown[i]) for i in ids if i in shown)


def corrections(articles: Sequence[Listed], limit: int) -> tuple[str, ...]:
    """The corrected articles, the latest correction first (ties: newest article first)."""
    found = [(corrected(a)[-1], index, a.id) for index, a in enumerate(articles) if corrected(a)]
    found.sort(key=lambda item: (-item[0].timestamp(), item[1]))
    return tuple(ident for _, _, ident in found[:limit])
