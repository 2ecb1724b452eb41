"""What the site is made of: every output file, what makes it and what it reads.

`plan_site` is the one list of the site's outputs: pages, feeds, OPML, sitemap, robots.txt
and static files. Each `Output` names what it reads, and the engine re-renders an output
exactly when one of those changed:

- `cards`: articles it shows by their card (every field but the body: title, date, region,
  summary, countries, tags, image, ...): listings, neighbours, related articles;
- `full`: articles it shows with their body: the article's own page, feed entries;
- `data`: everything else that decides it, as plain values (headings, page numbers, links),
  compared as a whole;
- and, for every page, the site-wide values: the configuration, the template with
  everything it includes, and `nav` (the regions that have articles).

What a template reads beyond that is recorded while it renders (render.Reads): a teaser
that shows `article.body|wordcount` makes that listing read those bodies, and a page that
shows `counts` reads the article counts. So no output can depend on something the engine
does not know about; an output that stays the same is not rendered again.

Listings are paginated from the oldest article: `/page/1/` holds the oldest `per_page`
articles and keeps them as news arrives, so adding an article changes the first page of
its listings and not every page after it (the first page shows the newest `per_page`
to `2 * per_page - 1` articles; the highest-numbered page is the one just older).

Besides articles, the plan reads standalone pages (content/pages/), each article's lead
picture (`Picture`: the engine finds and measures it; the plan names its variant files and
the renderer encodes them through images.py's cache), and on a site in several languages
plans each language's edition as a site of its own under its path (`_editions`).

Adding a new kind of output:
1. write a function here that returns its Output entries (site path, kind, data, and the
   articles it reads as cards or in full), and call it from plan_site;
2. pages: add the kind's template to TEMPLATES and a context builder to render.CONTEXTS,
   which gets the Output with its articles resolved; other files: a maker in
   render.MAKERS that turns the Output into bytes;
3. nothing else: the engine finds stale outputs, renders, publishes and remembers them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import groupby

from site_builder import i18n, urls
from site_builder.config import SiteConfig
from site_builder.i18n import N_
from site_builder.model import Article

RELATED = 4  # related articles under an article
REGION_BLOCK = 3  # articles per region block on the front page
# Page kinds and their templates; every other kind is a file made by render.MAKERS.
TEMPLATES = {
    "article": "article.html",
    "listing": "list.html",
    "archive": "archive.html",
    "subscribe": "subscribe.html",
    "search": "search.html",
    "notfound": "404.html",
    "page": "page.html",
    "terms": "terms.html",
}
FEED_KINDS = ("rss", "atom", "json")
FEED_FILES = {"rss": "feed.xml", "atom": "atom.xml", "json": "feed.json"}
# Pages no crawler should list: the error page, and the search page (marked noindex).
UNLISTED = ("404.html", "search/")


@dataclass(frozen=True, slots=True)
class Output:
    """One file of the site and everything it is made from."""

    path: str  # site path: 'gulf/page/3/' for a page, 'feed.xml' for a file
    kind: str  # a TEMPLATES key, or a file kind (rss, sitemap, static, ...)
    data: tuple = ()  # plain values that decide it besides the articles
    cards: tuple[str, ...] = ()  # ids of articles shown by their card
    full: tuple[str, ...] = ()  # ids of articles shown with their body
    file: str = field(init=False, compare=False)  # below output/: pages are '<path>index.html'

    def __post_init__(self):
        object.__setattr__(self, "file", urls.output_file(self.path))

    @property
    def template(self) -> str | None:
        return TEMPLATES.get(self.kind)


def plan_site(
    config: SiteConfig,
    articles: Sequence[Article],
    static: dict[str, tuple[str, str]],
    memo: dict | None = None,
    dirty: frozenset[str] | set[str] = frozenset(),
    pages: Sequence[Article] = (),
    pictures: dict[str, Picture] | None = None,
    edition: bool = False,
) -> list[Output]:
    """Every output of the site, in a fixed order. `articles` are the published ones,
    newest first, `pages` the standalone pages; `static` maps a static file's site path to
    (source file, digest). `memo` keeps related articles from one plan to the next
    (watch); `dirty` names the articles changed since, whose neighbours' related articles
    are found again. A site in several languages is planned edition by edition
    (`edition`: planning one of them)."""
    if config.languages and not edition:
        return _editions(config, articles, static, memo, dirty, pages, pictures)
    _check_menu(config, pages)
    words = i18n.words(config)
    shown = _shown_pictures(articles, pictures or {})
    ids = [a.id for a in articles]
    out = _listing(config, "", config.title, ids, "home", blocks=_blocks(config, articles))
    counts = region_counts(config, articles)
    by_region: dict[str, list[str]] = {r.slug: [] for r in config.regions}
    for article in articles:
        by_region[article.region].append(article.id)
    feeds = [
        Feed(
            "site",
            config.title,
            config.description or config.title,
            "",
            tuple(ids[: config.feed_entries]),
        )
    ]
    for region in config.regions:
        path, name = urls.region_path(region.slug), words.region(region)
        out += _listing(config, path, name, by_region[region.slug], "region", region=region.slug)
        feeds.append(
            Feed(
                "regions",
                f"{config.title} - {name}",
                f"{name}: {config.description or config.title}",
                path,
                tuple(by_region[region.slug][: config.feed_entries]),
            )
        )
    for family in config.taxonomies:
        out += _taxonomy(config, articles, family, feeds, words)
    out += _article_pages(articles, memo if memo is not None else {}, dirty)
    out += [Output(page.url_path, "page", full=(page.id,)) for page in pages]
    out += _archive(articles)
    newest = articles[0].date.isoformat() if articles else None
    out.append(
        Output(
            "subscribe/",
            "subscribe",
            (
                newest,
                tuple(
                    [(words(N_("All news")), "", len(articles))]
                    + [
                        (words.region(r), urls.region_path(r.slug), counts[r.slug])
                        for r in config.regions
                    ]
                ),
            ),
        )
    )
    if config.search:
        out.append(Output("search/", "search"))
    out.append(Output("404.html", "notfound"))
    out = _with_pictures(out, shown)
    out += _feeds(articles, feeds, shown)
    out += _aliases(config, [*articles, *pages], out)
    out.append(Output("sitemap.xml", "sitemap", tuple(_listed(out, articles, pages, shown))))
    out.append(_news(articles, config.language))
    out.append(Output("robots.txt", "robots"))
    out += [Output(path, "static", source) for path, source in sorted(static.items())]
    out += _picture_files(shown, {o.file for o in out})
    return out


def region_counts(config: SiteConfig, articles: Iterable[Article]) -> dict[str, int]:
    """How many articles each configured region has."""
    counts = {r.slug: 0 for r in config.regions}
    for article in articles:
        counts[article.region] += 1
    return counts


def nav(config: SiteConfig, counts: dict[str, int]) -> tuple[str, ...]:
    """The regions in the menu: those with articles (an empty section is a dead end)."""
    return tuple(r.slug for r in config.regions if counts.get(r.slug))


# --- listings -------------------------------------------------------------------------


def _listing(
    config: SiteConfig,
    path: str,
    heading: str,
    ids: Sequence[str],
    kind: str,
    region: str | None = None,
    blocks: tuple = (),
    feeds: tuple[tuple[str, str], ...] | None = None,
) -> list[Output]:
    """A listing: the newest articles at `path`, older ones at path/page/N/, N counted
    from the oldest (see the module's note). `feeds`: (folder, title) of the feeds it
    advertises, the site's and, for a region, tag or author, its own."""
    size, total = config.per_page, len(ids)
    numbered = max(0, total // size - 1)  # the newest whole chunk (and any rest) go first
    if feeds is None:
        feeds = (("", config.title),) + (
            ((path, f"{config.title} - {heading}"),) if kind == "region" else ()
        )
    front = ids[: total - numbered * size]
    out = [
        Output(
            path,
            "listing",
            (
                kind,
                heading,
                None,
                None,
                _numbered(path, numbered) if numbered else None,
                region,
                feeds,
                blocks,
            ),
            tuple(front) + tuple(i for _, mine in blocks for i in mine),
        )
    ]
    for number in range(numbered, 0, -1):
        chunk = ids[total - number * size : total - (number - 1) * size]
        newer = _numbered(path, number + 1) if number < numbered else path
        older = _numbered(path, number - 1) if number > 1 else None
        out.append(
            Output(
                _numbered(path, number),
                "listing",
                (kind, heading, number, newer, older, region, feeds, ()),
                tuple(chunk),
            )
        )
    return out


def _numbered(path: str, number: int) -> str:
    """A listing's page N, counted from the oldest: 'gulf/page/1/' holds the oldest."""
    return f"{path}page/{number}/"


def _blocks(config: SiteConfig, articles: Sequence[Article]) -> tuple:
    """The front page's blocks: each region's newest few of the articles the main column
    does not show (a block repeating the column would say nothing new)."""
    size, total = config.per_page, len(articles)
    front = total - max(0, total // size - 1) * size  # as _listing pages them
    newest: dict[str, list[str]] = {r.slug: [] for r in config.regions}
    for article in articles[front:]:
        mine = newest[article.region]
        if len(mine) < REGION_BLOCK:
            mine.append(article.id)
    return tuple((r.slug, tuple(newest[r.slug])) for r in config.regions if newest[r.slug])


# Each family of listings beside regions: (article attribute, path of a name, index heading,
# listing kind, whether it has feeds, feed description).
FAMILIES = {
    "countries": ("countries", urls.country_path, N_("Countries"), "country", False, ""),
    "tags": ("tags", urls.tag_path, N_("Tags"), "tag", True, N_("Articles tagged %(name)s")),
    "authors": (
        "authors",
        urls.author_path,
        N_("Authors"),
        "author",
        True,
        N_("Articles by %(name)s"),
    ),
}


def _taxonomy(
    config: SiteConfig,
    articles: Sequence[Article],
    family: str,
    feeds: list[Feed],
    words: i18n.Words,
) -> list[Output]:
    """A family's index page (countries/, tags/, authors/), a listing per name, and for
    tags and authors a feed per name (added to `feeds`)."""
    attr, path_of, heading, kind, has_feeds, about = FAMILIES[family]
    groups = _groups(articles, attr, path_of)
    out = [
        Output(
            f"{family}/",
            "terms",
            (
                family,
                words(heading),
                tuple(
                    (name, path, len(ids))
                    for path, (name, ids) in sorted(
                        groups.items(), key=lambda item: (item[1][0].casefold(), item[0])
                    )
                ),
            ),
        )
    ]
    for path, (name, ids) in sorted(groups.items()):
        shown = words.country(name) if family == "countries" else name
        own = ((path, f"{config.title} - {shown}"),) if has_feeds else ()
        out += _listing(config, path, shown, ids, kind, feeds=(("", config.title), *own))
        if has_feeds:
            feeds.append(
                Feed(
                    family,
                    f"{config.title} - {shown}",
                    words(about, name=shown),
                    path,
                    tuple(ids[: config.feed_entries]),
                )
            )
    return out


def _groups(articles: Sequence[Article], attr: str, path_of) -> dict[str, tuple[str, list[str]]]:
    """Listing path -> (display name, its article ids), for the names articles carry in
    `attr`; names that slug alike share a listing (the first spelling names it)."""
    found: dict[str, tuple[str, list[str]]] = {}
    for article in articles:
        for name in dict.fromkeys(getattr(article, attr)):
            mine = found.setdefault(path_of(name), (name, []))[1]
            if not mine or mine[-1] != article.id:
                mine.append(article.id)
    return found


def _check_menu(config: SiteConfig, pages: Sequence[Article]) -> None:
    """A [[menu]] entry naming a page that is not there is a broken link in every page."""
    from site_builder.errors import ConfigError

    slugs = {page.slug for page in pages}
    for item in config.menu:
        if item.page and item.page not in slugs:
            raise ConfigError(
                f"'menu': no published page '{item.page}' "
                f"(content/pages/{item.page}.md missing or a draft)",
                config.config_path or "site.toml",
                item.line,
            )


def _aliases(
    config: SiteConfig, articles: Sequence[Article], outputs: Sequence[Output]
) -> list[Output]:
    """A redirect page at each old address an article or page lists in `aliases`."""
    from site_builder.content.loader import field_line
    from site_builder.errors import ContentError, ErrorList

    taken = {o.file: o.path for o in outputs}
    out, errors = [], []
    for article in articles:
        for alias in article.aliases:
            output = Output(alias, "redirect", (article.url_path,), (article.id,))
            if output.file in taken:
                errors.append(
                    ContentError(
                        f"alias '{alias}' is already the address of "
                        f"{'/' + taken[output.file] if taken[output.file] else 'the front page'}",
                        config.shown(article.path),
                        field_line(article.path, ("aliases",)),
                    )
                )
                continue
            taken[output.file] = alias
            out.append(output)
    if errors:
        raise ErrorList(errors)
    return out


def _archive(articles: Sequence[Article]) -> list[Output]:
    """archive/: every month with its count; archive/<yyyy>/<mm>/: that month's articles
    (a page per month stays small, and an edit re-renders one of them)."""
    months = [
        (f"{year:04d}/{month:02d}", [a.id for a in group])
        for (year, month), group in groupby(articles, key=lambda a: (a.date.year, a.date.month))
    ]
    out = [Output("archive/", "archive", (None, tuple((m, len(ids)) for m, ids in months)))]
    out += [
        Output(f"archive/{month}/", "archive", (month, ()), tuple(ids)) for month, ids in months
    ]
    return out


# --- article pages ------------------------------------------------------------------------


def _article_pages(
    articles: Sequence[Article], memo: dict, dirty: frozenset[str] | set[str]
) -> list[Output]:
    """Each article's page: the article in full, its neighbours in time and related ones."""
    related = _Related(articles, memo, dirty)
    out = []
    for index, article in enumerate(articles):
        newer = articles[index - 1].id if index > 0 else None
        older = articles[index + 1].id if index + 1 < len(articles) else None
        near = related.of(article)
        cards = tuple(i for i in (newer, older) if i) + near
        # (newer, older, related, its picture, its translations): the last two filled in
        # by _with_pictures and _editions.
        out.append(
            Output(article.url_path, "article", (newer, older, near, (), ()), cards, (article.id,))
        )
    return out


class _Related:
    """Articles by country and by region, newest first, to find related ones quickly.

    Candidates are the few articles nearest in time in each of the article's country groups
    and its region; of those, the ones sharing most countries come first, then the same
    region, then the newer. Scoring only neighbours keeps a 10,000-article site linear.
    """

    def __init__(self, articles: Sequence[Article], memo: dict, dirty: frozenset[str] | set[str]):
        self.memo, self.dirty = memo, dirty  # id -> (windows, related, candidates); changed ids
        self.articles = articles
        self.index: dict[str, int] | None = None  # id -> position: made when first needed
        by_country: dict[str, list[str]] = {}
        by_region: dict[str, list[str]] = {}
        self.spots: dict[str, list[tuple[list[str], int]]] = {}  # id -> its place in each group
        for article in articles:  # every plan runs this over every article: kept tight
            me = article.id
            spots = self.spots[me] = []
            for country in article.countries:
                group = by_country.get(country)
                if group is None:
                    group = by_country[country] = []
                elif group[-1] == me:
                    continue  # a country named twice
                spots.append((group, len(group)))
                group.append(me)
            group = by_region.get(article.region)
            if group is None:
                group = by_region[article.region] = []
            spots.append((group, len(group)))
            group.append(me)

    def _score(self) -> tuple[dict, dict]:
        """Each article's position and countries (as bits: shared ones counted by one AND)."""
        bits: dict[str, int] = {}
        self.index = {a.id: n for n, a in enumerate(self.articles)}
        self.masks = {
            a.id: sum(1 << bits.setdefault(c, len(bits)) for c in set(a.countries))
            for a in self.articles
        }
        return self.index, self.masks

    def of(self, article: Article) -> tuple[str, ...]:
        """Up to RELATED article ids sharing countries or the region; most shared first.

        The answer depends on the article and the candidates around it, in order: when
        neither those nor any of them changed since the last plan, it is the last answer.
        """
        me, region = article.id, article.region
        around = tuple(
            tuple(group[max(0, here - RELATED) : here + RELATED + 1])
            for group, here in self.spots[me]
        )
        known = self.memo.get(me)
        if (
            known is not None
            and known[0] == around
            and me not in self.dirty
            and self.dirty.isdisjoint(known[2])
        ):
            return known[1]
        candidates = set().union(*around)
        candidates.discard(me)
        position, countries = (self.index, self.masks) if self.index else self._score()
        articles, mine = self.articles, countries[me]
        scored = sorted(
            [
                (
                    -(mine & countries[o]).bit_count(),
                    articles[position[o]].region != region,
                    position[o],
                    o,
                )
                for o in candidates
            ]
        )
        found = tuple(entry[-1] for entry in scored[:RELATED])
        self.memo[me] = (around, found, candidates)
        return found


# --- feeds and files ----------------------------------------------------------------------

# --- editions (a site in several languages) -----------------------------------------------------


def _editions(
    config: SiteConfig,
    articles: Sequence[Article],
    static: dict,
    memo: dict | None,
    dirty,
    pages: Sequence[Article],
    pictures: dict | None,
) -> list[Output]:
    """Each language's edition planned as a site of its own under its path (editions.py);
    robots.txt, static files, 404.html, the sitemaps and the OPML once, at the root."""
    from site_builder.i18n import locale
    from site_builder.render import editions as ed

    found = ed.editions(config)
    prefixes = {e.code: e.prefix for e in found}
    linked = ed.translations([*articles, *pages], config, prefixes)
    out, listed, news, feeds = [], [], [], []
    for number, edition in enumerate(found):
        mine = [a for a in articles if ed.language_of(a, config) == edition.code]
        own_pages = [p for p in pages if ed.language_of(p, config) == edition.code]
        name = locale(edition.code).language_name or edition.code
        at = {a.url_path: a.id for a in (*mine, *own_pages)}
        # Each edition has the theme's files under its own path (its pages link them
        # relatively); the root keeps them too, for CNAME and 404.html.
        for output in plan_site(
            edition.config, mine, static, memo, dirty, own_pages, pictures, edition=True
        ):
            kind, prefix = output.kind, edition.prefix
            if kind == "sitemap":
                listed += [
                    (
                        prefix + path,
                        lastmod,
                        prefix + picture if picture else None,
                        linked.get(at.get(path), ()),
                    )
                    for path, lastmod, picture, *_ in output.data
                ]
            elif kind == "news-sitemap":
                news += [(ident, (prefix, edition.code)) for ident in output.cards]
            elif kind == "opml":  # the edition's own, and all of them grouped at the root
                feeds += [(name, title, prefix + page) for _group, title, page in output.data]
                out.append(Output(prefix + output.path, kind, output.data))
            elif kind == "robots" or (kind == "notfound" and number):
                continue
            else:
                data = output.data
                if kind == "article":
                    data = data[:4] + (linked.get(output.full[0], ()),)
                path = output.path if kind == "notfound" else prefix + output.path
                out.append(Output(path, kind, data, output.cards, output.full))
    out.append(Output("feeds.opml", "opml", tuple(feeds)))
    out.append(Output("sitemap.xml", "sitemap", tuple(listed)))
    out.append(
        Output(
            "news-sitemap.xml",
            "news-sitemap",
            tuple(d for _, d in news),
            cards=tuple(i for i, _ in news),
        )
    )
    out.append(Output("robots.txt", "robots"))
    if all(e.prefix for e in found):
        out += [Output(path, "static", source) for path, source in sorted(static.items())]
        # The site's root sends visitors on to the edition in the site's own language.
        out.append(Output("", "redirect", (found[0].prefix,)))
    return out


# --- pictures -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Picture:
    """An article's lead picture, a file of the site: the engine finds and measures it."""

    source: str  # the file, resolved
    stamp: str  # its stamp (scan.text): the variants change when it does
    static_path: str  # below static/, when it came from there ('' in a bundle)
    width: int  # upright
    height: int
    format: str  # Pillow's name: 'JPEG', 'PNG', 'WEBP', 'GIF'


def _shown_pictures(articles: Sequence[Article], pictures: dict[str, Picture]) -> dict[str, tuple]:
    """Article id -> its picture as pages, feeds and the sitemap show it: (source, stamp,
    width, height, format, files), files being (width, height, format, site path, MIME type)
    of each variant, WebP first and smallest first: the last is the largest in the
    picture's own format (its <img src>, og:image, sitemap entry)."""
    if not pictures:
        return {}
    from pathlib import Path

    from site_builder.content import imageref, images

    shown = {}
    for article in articles:
        picture = pictures.get(article.id)
        if picture is None:
            continue
        ref = imageref.LocalImage(Path(picture.source), picture.static_path)
        files = tuple(
            (w, h, fmt, imageref.site_path(ref, article.url_path, name), images.MIME[fmt])
            for w, h, fmt, name in images.variant_files(
                Path(picture.source).stem, picture.width, picture.height, picture.format
            )
        )
        shown[article.id] = (
            picture.source,
            picture.stamp,
            picture.width,
            picture.height,
            picture.format,
            files,
        )
    return shown


def _with_pictures(outputs: list[Output], shown: dict[str, tuple]) -> list[Output]:
    """Pages that show articles get the pictures of those they show in their data: an
    article page its lead picture, a listing its cards' thumbnails."""
    if not shown:
        return outputs
    out = []
    for output in outputs:
        if output.kind in ("article", "listing"):
            ids = (output.full[0],) if output.kind == "article" else output.cards
            mine = tuple((i, shown[i]) for i in dict.fromkeys(ids) if i in shown)
            if mine and output.kind == "article":
                data = output.data[:3] + (mine,) + output.data[4:]
                output = Output(output.path, output.kind, data, output.cards, output.full)
            elif mine:
                output = Output(
                    output.path, output.kind, output.data + (mine,), output.cards, output.full
                )
        out.append(output)
    return out


def _picture_files(shown: dict[str, tuple], taken: set[str]) -> list[Output]:
    """Every variant file of every picture shown, once (a static picture may be shown by
    many articles); never over another output."""
    out, seen = [], set(taken)
    for source, stamp, _w, _h, _fmt, files in shown.values():
        for width, _height, fmt, path, _mime in files:
            if path not in seen:
                seen.add(path)
                out.append(Output(path, "picture", (source, stamp, width, fmt)))
    return out


def _news(articles: Sequence[Article], language: str, prefix: str = "") -> Output:
    """The Google News sitemap: the articles published in the two days up to the newest
    one (not up to the build's clock, so the same sources give the same file), at most
    1,000, newest first; their titles are read from their cards."""
    since = articles[0].date - NEWS_WINDOW if articles else None
    ids = tuple(a.id for a in articles[:NEWS_LIMIT] if a.date >= since)
    return Output(
        "news-sitemap.xml", "news-sitemap", tuple((prefix, language) for _ in ids), cards=ids
    )


NEWS_WINDOW = dt.timedelta(days=2)
NEWS_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class Feed:
    """One feed of the site, made in RSS, Atom and JSON Feed: its OPML group ('site',
    'regions', 'tags', 'authors'), title, description, the folder of its page, its entries."""

    group: str
    title: str
    description: str
    page: str
    ids: tuple[str, ...]


def _feeds(
    articles: Sequence[Article], feeds: Sequence[Feed], shown: dict[str, tuple]
) -> list[Output]:
    """Every feed in RSS, Atom and JSON Feed; and the OPML that lists them, grouped."""
    newest = _entry_date(articles[0]) if articles else EMPTY_FEED_DATE
    out = []
    for feed in feeds:
        # A feed's date is its newest entry's; only an empty feed takes the site's newest.
        fallback = None if feed.ids else newest.isoformat()
        pictures = tuple((i, shown[i]) for i in feed.ids if i in shown)
        for kind in FEED_KINDS:
            out.append(
                Output(
                    feed.page + FEED_FILES[kind],
                    kind,
                    (feed.title, feed.description, feed.page, fallback, pictures),
                    full=feed.ids,
                )
            )
    out.append(
        Output("feeds.opml", "opml", tuple((feed.group, feed.title, feed.page) for feed in feeds))
    )
    return out


# The date a standalone page has when its front matter gives none (loader).
UNDATED = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# The date of a feed with no articles at all: fixed, so empty feeds are reproducible too.
EMPTY_FEED_DATE = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _entry_date(article: Article) -> dt.datetime:
    return article.updated or article.date


def _listed(
    outputs: Sequence[Output],
    articles: Sequence[Article],
    pages: Sequence[Article],
    shown: dict[str, tuple],
) -> Iterable[tuple]:
    """(path, lastmod, picture) of the pages a sitemap lists: a page's newest article's
    date, and an article page's lead picture (its largest file in its own format)."""
    from site_builder.feeds.sitemap import w3c_datetime

    dates = {a.id: w3c_datetime(a.updated or a.date) for a in articles}
    newest = dates[articles[0].id] if articles else None
    # A standalone page's date is optional: without one, the sitemap gives none.
    dates.update(
        (p.id, w3c_datetime(p.updated or p.date) if (p.updated or p.date) != UNDATED else None)
        for p in pages
    )
    for output in outputs:
        if output.template is None or output.path in UNLISTED:
            continue
        if output.kind in ("article", "page"):
            picture = shown.get(output.full[0])
            yield output.path, dates[output.full[0]], picture[-1][-1][3] if picture else None
        elif output.cards:
            yield output.path, dates[output.cards[0]], None
        else:
            yield (output.path, newest if output.kind in ("subscribe", "archive") else None, None)
