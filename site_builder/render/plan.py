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
   if it needs values besides the articles, give it a record of them in outputs.py (a
   frozen dataclass of plain values, named in outputs.DATA for its kind);
2. pages: add the kind's template to outputs.TEMPLATES and a context builder to
   contexts.CONTEXTS, which gets the Output with its articles resolved; other files: a
   maker in makers.MAKERS that turns the Output into bytes;
3. nothing else: the engine finds stale outputs, renders, publishes and remembers them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import cast

from site_builder import clock, i18n, urls
from site_builder.config import Region, SiteConfig
from site_builder.errors import ConfigError
from site_builder.feeds.sitemap import NewsPlace, SitemapEntry
from site_builder.i18n import N_
from site_builder.model import Listed, Translation, corrected
from site_builder.render import editions as ed
from site_builder.render import names
from site_builder.render.claims import every_language_has_an_edition, one_output_per_file
from site_builder.render.feedplan import Feed, corrections, feed_outputs, numbered_chunks
from site_builder.render.front import arranged
from site_builder.render.kept import Kept
from site_builder.render.outputs import (
    ArchiveData,
    ArticleData,
    FeedLink,
    ListingData,
    Month,
    NewsData,
    OpmlData,
    OpmlFeed,
    Output,
    Picture,
    RedirectData,
    SitemapData,
    StaticData,
    SubscribeData,
    SubscribeRow,
    Term,
    TermsData,
)
from site_builder.render.pictures import picture_files, pictures_shown, with_pictures
from site_builder.render.related import Answers, Related
from site_builder.render.scope import Scope
from site_builder.render.sitemaps import at_root, sitemap_entries, sitemaps


def plan_site(
    config: SiteConfig,
    articles: Sequence[Listed],
    static: dict[str, StaticData],
    memo: Answers | None = None,
    dirty: frozenset[str] | set[str] = frozenset(),
    pages: Sequence[Listed] = (),
    pictures: dict[str, Picture] | None = None,
    edition: bool = False,
    now: dt.datetime | None = None,
    scope: Scope | None = None,
    kept: Kept | None = None,
    counts: dict[str, int] | None = None,
) -> list[Output]:
    """Every output of the site, in a fixed order, or those of `scope` (scope.py: a plan
    from the change; it also gets what the plan found). `articles` are the published ones,
    newest first, `pages` the standalone pages; `static` maps a static file's site path to
    (source file, digest). `memo` keeps related articles from one plan to the next;
    `dirty` names the articles changed, published or unpublished since, whose neighbours'
    related articles are found again. A site in several languages is planned edition by edition
    (`edition`: planning one of them). `now` decides which featured stories still are.
    `kept`: what a warm plan kept of the last one over every article (kept.py), for a site
    in one language; `counts`: region_counts of `articles`, if the caller has them."""
    if config.languages and not edition:
        return _editions(config, articles, static, memo, dirty, pages, pictures, now)
    if kept is not None:
        kept.update(articles)
    scope = scope if scope is not None else Scope()
    _check_menu(config, pages)
    words = i18n.words(config)
    shown = pictures_shown(articles, pictures or {})
    ids = [a.id for a in articles]
    out = (
        _listing_pages(config, "", config.title, ids, "home", scope=scope)
        if scope.family("")
        else []
    )
    counts = counts if counts is not None else region_counts(config, articles)
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
            tuple(ids),
        )
    ]
    for region in config.regions:
        path, name = urls.region_path(region.slug), words.region(region)
        if scope.family(path):
            out += _listing_pages(
                config, path, name, by_region[region.slug], "region", region.slug, scope=scope
            )
        feeds.append(
            Feed(
                "regions",
                f"{config.title} - {name}",
                f"{name}: {config.description or config.title}",
                path,
                tuple(by_region[region.slug][: config.feed_entries]),
                tuple(by_region[region.slug]),
            )
        )
    moved = scope.moved  # (family, casefolded name) -> its own address
    for family in config.taxonomies:
        out += _taxonomy(config, articles, family, feeds, words, moved, scope, kept)
    answers = memo if memo is not None else Answers()
    out += _article_pages(articles, answers, dirty, moved, scope, kept)
    listed = _corrections(config, articles, feeds, words)  # the corrected articles
    own = any(page.url_path == urls.CORRECTIONS for page in pages)
    out += [
        Output(
            p.url_path, "page", cards=listed if p.url_path == urls.CORRECTIONS else (), full=(p.id,)
        )
        for p in pages
    ]
    out += _archive_pages(config, articles, scope, kept)
    if listed and not own:  # the site's own page there lists them (a corrections policy)
        out.append(Output(urls.CORRECTIONS, "corrections", cards=listed))
    newest = articles[0].date.isoformat() if articles else None
    rows = [SubscribeRow(words(N_("All news")), "", len(articles))]
    rows += [
        SubscribeRow(words.region(r), urls.region_path(r.slug), counts[r.slug])
        for r in config.regions
    ]
    out.append(Output("subscribe/", "subscribe", SubscribeData(newest, tuple(rows))))
    if config.search and scope.whole:
        out.append(Output("search/", "search"))
    if scope.whole:
        out.append(Output("404.html", "notfound"))
    regions = [r.slug for r in config.regions]
    out = arranged(out, articles, shown, regions, now or clock.now(), kept)
    out = with_pictures(out, shown)
    out += feed_outputs(articles, feeds, shown, config.per_page, scope.family, scope.first_archive)
    if not scope.whole:  # the engine makes the sitemaps from the entries it kept
        return [*out, _news(articles, config.language)]
    entries, stories = sitemap_entries(out, articles, pages, shown)
    if edition:  # the root files every edition's pages in its sitemaps (_Root)
        out.append(Output("sitemap.xml", "sitemap", SitemapData(entries, stories)))
    else:
        out += sitemaps([("", entries, stories)])
    out.append(_news(articles, config.language))
    out.append(Output("robots.txt", "robots"))
    out += [Output(path, "static", source) for path, source in sorted(static.items())]
    out += picture_files(shown, {o.file for o in out})
    out += _aliases([*articles, *pages])  # last: an alias must not take any other file
    if not edition:
        one_output_per_file(config, out, [*articles, *pages])
    return out


def region_counts(config: SiteConfig, articles: Iterable[Listed]) -> dict[str, int]:
    """How many articles each configured region has."""
    counts = {r.slug: 0 for r in config.regions}
    for article in articles:
        counts[article.region] += 1
    return counts


def nav(config: SiteConfig, counts: dict[str, int]) -> tuple[Region, ...]:
    """The regions in the menu: those with articles (an empty section is a dead end)."""
    return tuple(r for r in config.regions if counts.get(r.slug))


# --- listings -------------------------------------------------------------------------


def _listing_pages(
    config: SiteConfig,
    path: str,
    heading: str,
    ids: Sequence[str],
    kind: str,
    region: str | None = None,
    feeds: tuple[FeedLink, ...] | None = None,
    scope: Scope | None = None,
) -> list[Output]:
    """A listing: the newest articles at `path`, older ones at path/page/N/, N counted
    from the oldest (see the module's note). `feeds`: (folder, title) of the feeds it
    advertises, the site's and, for a region, tag or author, its own. `scope`: a plan
    from the change, which plans the numbered pages from the oldest it reaches."""
    chunks = numbered_chunks(ids, config.per_page)
    numbered = len(chunks)
    if feeds is None:
        feeds = (FeedLink("", config.title),) + (
            (FeedLink(path, f"{config.title} - {heading}"),) if kind == "region" else ()
        )
    front = ids[: len(ids) - sum(map(len, chunks))]
    older = urls.numbered(path, numbered) if numbered else None
    out = [
        Output(
            path,
            "listing",
            ListingData(kind, heading, None, None, older, region, feeds),
            tuple(front),
        )
    ]
    first = scope.first_page(out[0], chunks) if scope is not None else 1
    for number in range(numbered, first - 1, -1):
        chunk = chunks[number - 1]
        newer = urls.numbered(path, number + 1) if number < numbered else path
        older = urls.numbered(path, number - 1) if number > 1 else None
        out.append(
            Output(
                urls.numbered(path, number),
                "listing",
                ListingData(kind, heading, number, newer, older, region, feeds),
                tuple(chunk),
            )
        )
    return out


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
    articles: Sequence[Listed],
    family: str,
    feeds: list[Feed],
    words: i18n.Words,
    moved: dict[tuple[str, str], str],
    scope: Scope,
    kept: Kept | None,
) -> list[Output]:
    """A family's index page (countries/, tags/, authors/), a listing per name (those in
    `scope`), and for tags and authors a feed per name (added to `feeds`); names that did
    not get the address of their slug go in `moved`, for the article pages that link them."""
    attr, path_of, heading, kind, has_feeds, about = FAMILIES[family]
    if kept is None:
        groups = names.groups(articles, attr, path_of)
    else:
        groups = names.kept_groups(kept, attr, path_of)
    moved.update(
        ((family, name.casefold()), path)
        for path, (name, _) in groups.items()
        if path != path_of(name)
    )
    out = [
        Output(
            f"{family}/",
            "terms",
            TermsData(
                family,
                words(heading),
                tuple(
                    Term(name, path, len(ids))
                    for path, (name, ids) in sorted(
                        groups.items(), key=lambda item: (item[1][0].casefold(), item[0])
                    )
                ),
            ),
        )
    ]
    for path, (name, ids) in sorted(groups.items()):
        shown = words.country(name) if family == "countries" else name
        own = (FeedLink(path, f"{config.title} - {shown}"),) if has_feeds else ()
        site = FeedLink("", config.title)
        if scope.family(path):
            out += _listing_pages(config, path, shown, ids, kind, feeds=(site, *own), scope=scope)
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


def _corrections(
    config: SiteConfig, articles: Sequence[Listed], feeds: list[Feed], words: i18n.Words
) -> tuple[str, ...]:
    """The corrected articles, the latest correction first; their feeds at corrections/
    (added to `feeds`), only on a site that has corrected an article."""
    ids = corrections(articles, len(articles))
    if ids:
        name = words(N_("Corrections"))
        title = f"{config.title} - {name}"
        feeds.append(
            Feed("corrections", title, title, urls.CORRECTIONS, ids[: config.feed_entries])
        )
    return ids


def _check_menu(config: SiteConfig, pages: Sequence[Listed]) -> None:
    """A [[menu]] entry naming a page that is not there is a broken link in every page."""
    slugs = {page.slug for page in pages}
    for item in config.menu:
        if item.page and item.page not in slugs:
            raise ConfigError(
                f"'menu': no published page '{item.page}' "
                f"(content/pages/{item.page}.md missing or a draft)",
                config.config_path or "site.toml",
                item.line,
            )


def _aliases(articles: Sequence[Listed]) -> list[Output]:
    """A redirect page at each old address an article or page lists in `aliases` (that no
    other output has one of these addresses is claims.py's check)."""
    return [
        Output(alias, "redirect", RedirectData(article.url_path), (article.id,))
        for article in articles
        for alias in article.aliases
    ]


def _archive_pages(
    config: SiteConfig, articles: Sequence[Listed], scope: Scope, kept: Kept | None
) -> list[Output]:
    """archive/: every month with its count; archive/<yyyy>/<mm>/: that month's articles
    (a page per month stays small, and an edit re-renders one of them). A month is the
    site's: an article's date is read in the site's time zone, and the months are gathered
    in a dictionary, since the order by instant can disagree with each date's own month."""
    if kept is None:
        months: dict[str, list[str]] = {}
        for article in articles:
            months.setdefault(site_month(config, article.date), []).append(article.id)
    else:
        index = kept.index("months", lambda article: (site_month(config, article.date),))
        months = cast(dict[str, list[str]], index.groups)
    ordered = sorted(months.items(), reverse=True)
    out = [
        Output(
            "archive/", "archive", ArchiveData(None, tuple(Month(m, len(i)) for m, i in ordered))
        )
    ]
    out += [
        Output(f"archive/{month}/", "archive", ArchiveData(month), tuple(ids))
        for month, ids in ordered
        if scope.month(month)
    ]
    return out


def site_month(config: SiteConfig, moment: dt.datetime) -> str:
    """The month of a moment on the site's calendar: '2026/09'."""
    local = moment.astimezone(config.tz)
    return f"{local.year:04d}/{local.month:02d}"


# --- article pages ------------------------------------------------------------------------


def _article_pages(
    articles: Sequence[Listed],
    memo: Answers,
    dirty: frozenset[str] | set[str],
    moved: dict[tuple[str, str], str],
    scope: Scope,
    kept: Kept | None,
) -> list[Output]:
    """Each article's page (those in `scope`, and those whose related articles are found
    again): the article in full, its neighbours in time and related ones."""
    related = Related(articles, memo, dirty, kept)
    if scope.articles is not None:
        memo.load(scope.articles - related.again)  # the kept answers of the pages planned
        scope.articles |= related.again
    else:
        memo.load()
    out = []
    for index, article in enumerate(articles):
        if not scope.article(article.id):
            continue
        newer = articles[index - 1].id if index > 0 else None
        older = articles[index + 1].id if index + 1 < len(articles) else None
        near = related.of(article)
        cards = tuple(i for i in (newer, older) if i) + near
        # Its picture and translations are filled in by _with_pictures and _editions.
        data = ArticleData(newer, older, near, addresses=names.addresses(article, moved))
        out.append(Output(article.url_path, "article", data, cards, (article.id,)))
    return out


# --- editions (a site in several languages) -----------------------------------------------------


def _editions(
    config: SiteConfig,
    articles: Sequence[Listed],
    static: dict[str, StaticData],
    memo: Answers | None,
    dirty: frozenset[str] | set[str],
    pages: Sequence[Listed],
    pictures: dict[str, Picture] | None,
    now: dt.datetime | None,
) -> list[Output]:
    """Each language's edition planned as a site of its own under its path (editions.py);
    robots.txt, static files, 404.html, the sitemaps and the OPML once, at the root."""
    found = ed.editions(config)
    prefixes = {e.code: e.prefix for e in found}
    every_language_has_an_edition(config, [*articles, *pages], list(prefixes))
    linked = ed.translations([*articles, *pages], config, prefixes)
    out: list[Output] = []
    root = _Root()
    for number, edition in enumerate(found):
        mine = [a for a in articles if ed.language_of(a, config) == edition.code]
        own_pages = [p for p in pages if ed.language_of(p, config) == edition.code]
        at = {a.url_path: a.id for a in (*mine, *own_pages)}
        # Each edition has the theme's files under its own path (its pages link them
        # relatively); the root keeps them too, for CNAME and 404.html.
        for output in plan_site(
            edition.config, mine, static, memo, dirty, own_pages, pictures, True, now
        ):
            kind = output.kind
            if kind in ("sitemap", "news-sitemap", "opml"):
                out += root.take(output, edition, at, linked)
            elif kind == "robots" or (kind == "notfound" and number):
                continue
            elif kind == "article" and isinstance(output.data, ArticleData):
                translations = linked.get(output.full[0], ())
                data = replace(output.data, translations=translations)
                out.append(output.moved(edition.prefix + output.path, data))
            else:
                path = output.path if kind == "notfound" else edition.prefix + output.path
                out.append(output.moved(path))
    out += root.outputs()
    if all(e.prefix for e in found):
        out += [Output(path, "static", source) for path, source in sorted(static.items())]
        # The site's root sends visitors on to the edition in the site's own language.
        out.append(Output("", "redirect", RedirectData(found[0].prefix)))
    one_output_per_file(config, out, [*articles, *pages])
    return out


class _Root:
    """What a site in several languages makes once, at its root, of its editions' parts:
    one sitemap, one news sitemap, one OPML (the editions' feeds grouped by language)."""

    def __init__(self) -> None:
        self.listed: list[tuple[str, list[SitemapEntry], list[SitemapEntry]]] = []
        self.news: list[tuple[str, NewsPlace]] = []  # (article id, where it is)
        self.feeds: list[OpmlFeed] = []

    def take(
        self,
        output: Output,
        edition: ed.Edition,
        at: dict[str, str],
        linked: dict[str, tuple[Translation, ...]],
    ) -> list[Output]:
        """Keep an edition's part; return what the edition keeps of it (its own OPML)."""
        prefix, data = edition.prefix, output.data
        if isinstance(data, SitemapData):
            self.listed.append(
                (
                    edition.code,
                    [at_root(entry, prefix, at, linked) for entry in data.pages],
                    [at_root(entry, prefix, at, linked) for entry in data.articles],
                )
            )
        elif output.kind == "news-sitemap":
            self.news += [(ident, NewsPlace(prefix, edition.code)) for ident in output.cards]
        elif isinstance(data, OpmlData):
            name = i18n.locale(edition.code).language_name or edition.code
            self.feeds += [OpmlFeed(name, f.title, prefix + f.page) for f in data.feeds]
            # An edition at the site's root has the root's OPML, which lists every edition.
            return [output.moved(prefix + output.path)] if prefix else []
        return []

    def outputs(self) -> list[Output]:
        return [
            Output("feeds.opml", "opml", OpmlData(tuple(self.feeds))),
            *sitemaps(self.listed),
            Output(
                "news-sitemap.xml",
                "news-sitemap",
                NewsData(tuple(place for _, place in self.news)),
                cards=tuple(ident for ident, _ in self.news),
            ),
            Output("robots.txt", "robots"),
        ]


# --- feeds and sitemaps ----------------------------------------------------------------------


def _news(articles: Sequence[Listed], language: str) -> Output:
    """The Google News sitemap: the articles published (or corrected) in the two days up
    to the newest one (not up to the build's clock, so the same sources give the same
    file), at most 1,000, newest first; their titles are read from their cards."""
    ids: tuple[str, ...] = ()
    if articles:
        since = articles[0].date - NEWS_WINDOW
        # A correction in the window makes an older article news again (modified).
        ids = tuple(
            a.id
            for a in articles[:NEWS_LIMIT]
            if a.date >= since or any(when >= since for when in corrected(a))
        )
    data = NewsData(tuple(NewsPlace("", language) for _ in ids))
    return Output("news-sitemap.xml", "news-sitemap", data, cards=ids)


NEWS_WINDOW = dt.timedelta(days=2)
NEWS_LIMIT = 1000
