"""The plan's entries: `Output` and, per kind, the record of plain values that decides it.

The engine stores each entry as JSON (`Output.to_json`) and compares the stored one with
the one the plan makes now, by value and by repr (its fingerprint): so every record here
is a frozen dataclass of plain values and tuples, and `Output.from_json` gives back an
equal entry (model.dump/load; tests/test_records.py holds each type to that).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from site_builder import urls
from site_builder.feeds.sitemap import NewsPlace, SitemapEntry, SitemapShard
from site_builder.model import Translation, dump, load

# Page kinds and their templates; every other kind is a file made by makers.MAKERS.
TEMPLATES = {
    "article": "article.html",
    "listing": "list.html",
    "archive": "archive.html",
    "subscribe": "subscribe.html",
    "search": "search.html",
    "notfound": "404.html",
    "page": "page.html",
    "terms": "terms.html",
    "corrections": "corrections.html",
}
FEED_KINDS = ("rss", "atom", "json")
D = TypeVar("D")


# --- pictures ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Picture:
    """An article's lead picture, a file of the site: the engine finds and measures it."""

    source: str  # the file, as planning.site_names names it (SiteConfig.file_at)
    digest: str  # of its bytes: the variants change when it does
    static_path: str  # below static/, when it came from there ('' in a bundle)
    width: int  # upright
    height: int
    format: str  # Pillow's name: 'JPEG', 'PNG', 'WEBP', 'GIF'


@dataclass(frozen=True, slots=True)
class Variant:
    """One file of a picture: its size, format, site path and MIME type."""

    width: int
    height: int
    format: str
    path: str
    mime: str


@dataclass(frozen=True, slots=True)
class ShownPicture:
    """A picture as pages, feeds and the sitemap show it: its source and digest, its size
    and format, and its variant files, WebP first and smallest first."""

    source: str
    digest: str
    width: int
    height: int
    format: str
    files: tuple[Variant, ...]

    @property
    def largest(self) -> Variant:
        """The largest file in the picture's own format: its <img src>, og:image, sitemap
        entry and feed enclosure (images.variant_files puts it last)."""
        return self.files[-1]


@dataclass(frozen=True, slots=True)
class Shown:
    """An article's picture on a page or in a feed that shows that article."""

    id: str
    picture: ShownPicture


# --- what decides each kind of output ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeedLink:
    """A feed a page advertises: the folder of its files, and its title."""

    folder: str
    title: str


@dataclass(frozen=True, slots=True)
class Block:
    """A region's block on the front page: the region and the ids of its newest articles."""

    region: str
    ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ListingData:
    """A listing page: its kind ('home', 'region', 'tag', ...), heading, page number
    (None on the first page), the paths of the newer and older pages, its region, the
    feeds it advertises, the front page's region blocks, its cards' pictures; on a first
    page, the ids of its lead and the stories under it, its rail (a block per region) and
    the countries its stories are about (front.py)."""

    kind: str
    heading: str
    number: int | None
    newer: str | None
    older: str | None
    region: str | None
    feeds: tuple[FeedLink, ...]
    blocks: tuple[Block, ...] = ()
    pictures: tuple[Shown, ...] = ()
    top: tuple[str, ...] = ()
    rail: tuple[Block, ...] = ()
    countries: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ArticleData:
    """An article page: the ids of its neighbours in time and of related articles, its
    lead picture, its translations (on a site in several languages) and the addresses of
    its tags and authors that are not their slug's (names that slug alike: 'C++', 'C#'),
    and the ids of the stories "More from <region>" shows beside it (front.py)."""

    newer: str | None
    older: str | None
    related: tuple[str, ...]
    pictures: tuple[Shown, ...] = ()
    translations: tuple[Translation, ...] = ()
    addresses: tuple[Address, ...] = ()
    more: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Address:
    """Where a tag's or author's listing is, when not at its slug's address."""

    family: str  # 'tags' or 'authors'
    name: str  # as the article spells it
    path: str


@dataclass(frozen=True, slots=True)
class Month:
    key: str  # 'yyyy/mm'
    count: int


@dataclass(frozen=True, slots=True)
class ArchiveData:
    """archive/ (month None: every month with its count) or one month's page."""

    month: str | None
    months: tuple[Month, ...] = ()


@dataclass(frozen=True, slots=True)
class Term:
    """A name of a family (a country, tag or author) on its index page."""

    name: str
    path: str
    count: int


@dataclass(frozen=True, slots=True)
class TermsData:
    family: str
    heading: str
    terms: tuple[Term, ...]


@dataclass(frozen=True, slots=True)
class SubscribeRow:
    """A feed on the subscribe page: its name, folder and number of articles."""

    name: str
    folder: str
    count: int


@dataclass(frozen=True, slots=True)
class SubscribeData:
    newest: str | None  # ISO date of the newest article: the sitemap's lastmod
    rows: tuple[SubscribeRow, ...]


@dataclass(frozen=True, slots=True)
class FeedData:
    """One feed file: its title, description, page folder, its date when it has no
    entries (ISO; None: its newest entry's), its entries' pictures, its RFC 5005 links
    ((rel, folder) of its current and archive documents) and whether it is an archive."""

    title: str
    description: str
    page: str
    fallback: str | None
    pictures: tuple[Shown, ...] = ()
    links: tuple[tuple[str, str], ...] = ()
    archive: bool = False


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    """A feed in the OPML: its group (an outline), title and page folder."""

    group: str
    title: str
    page: str


@dataclass(frozen=True, slots=True)
class OpmlData:
    feeds: tuple[OpmlFeed, ...]


@dataclass(frozen=True, slots=True)
class SitemapData:
    """One sitemap's pages; in an edition's plan, `articles` holds its article pages
    (oldest first) apart, for the root to file in sitemaps of their own (sitemaps.py)."""

    pages: tuple[SitemapEntry, ...]
    articles: tuple[SitemapEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class SitemapIndexData:
    shards: tuple[SitemapShard, ...]


@dataclass(frozen=True, slots=True)
class NewsData:
    places: tuple[NewsPlace, ...]  # one per article (the Output's cards)


@dataclass(frozen=True, slots=True)
class StaticData:
    source: str  # the file, as planning.site_names names it (SiteConfig.file_at)
    digest: str  # of its bytes


@dataclass(frozen=True, slots=True)
class RedirectData:
    to: str  # the site path it sends visitors to


@dataclass(frozen=True, slots=True)
class PictureFileData:
    """One variant file of a picture: made from the source with these bytes."""

    source: str
    digest: str
    width: int
    format: str


@dataclass(frozen=True, slots=True)
class ExtraReads:
    """What rendering an output read beyond its entry (renderer.Reads): the ids of the
    bodies it read of articles shown by their card, and whether it read the counts."""

    bodies: tuple[str, ...] = ()
    counts: bool = False


Data = (
    ListingData
    | ArticleData
    | ArchiveData
    | TermsData
    | SubscribeData
    | FeedData
    | OpmlData
    | SitemapData
    | SitemapIndexData
    | NewsData
    | StaticData
    | RedirectData
    | PictureFileData
)
# The record of each kind's data; kinds not named here have none.
DATA: dict[str, type] = {
    "listing": ListingData,
    "article": ArticleData,
    "archive": ArchiveData,
    "terms": TermsData,
    "subscribe": SubscribeData,
    "rss": FeedData,
    "atom": FeedData,
    "json": FeedData,
    "opml": OpmlData,
    "sitemap": SitemapData,
    "sitemap-index": SitemapIndexData,
    "news-sitemap": NewsData,
    "static": StaticData,
    "redirect": RedirectData,
    "picture": PictureFileData,
}


@dataclass(frozen=True, slots=True)
class Output:
    """One file of the site and everything it is made from."""

    path: str  # site path: 'gulf/page/3/' for a page, 'feed.xml' for a file
    kind: str  # a TEMPLATES key, or a file kind (rss, sitemap, static, ...)
    data: Data | None = None  # plain values that decide it besides the articles
    cards: tuple[str, ...] = ()  # ids of articles shown by their card
    full: tuple[str, ...] = ()  # ids of articles shown with their body
    file: str = field(init=False, compare=False)  # below output/: pages are '<path>index.html'

    def __post_init__(self):
        if (self.data is None) != (self.kind not in DATA) or (
            self.data is not None and type(self.data) is not DATA[self.kind]
        ):
            raise TypeError(f"{self.kind} output with data {type(self.data).__name__}")
        object.__setattr__(self, "file", urls.output_file(self.path))

    @property
    def template(self) -> str | None:
        return TEMPLATES.get(self.kind)

    def data_as(self, kind: type[D]) -> D:
        """The data, which this entry's kind says is a `kind` (DATA)."""
        if not isinstance(self.data, kind):
            raise TypeError(f"{self.kind} output {self.path!r} without its {kind.__name__}")
        return self.data

    def moved(self, path: str, data: Data | None = None) -> Output:
        """The same entry at another path (an edition's), with other data if given."""
        return Output(path, self.kind, data or self.data, self.cards, self.full)

    def to_json(self) -> list[Any]:
        return [self.path, self.kind, dump(self.data), list(self.cards), list(self.full)]

    @classmethod
    def from_json(cls, spec: list[Any]) -> Output:
        path, kind, data, cards, full = spec
        record = load(DATA[kind], data) if kind in DATA else None
        return cls(path, kind, record, tuple(cards), tuple(full))
