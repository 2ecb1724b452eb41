"""HTML pages with Jinja2: which pages exist, what each one is given, and rendering them.

The environment is configured once: autoescape on, StrictUndefined (a typo in a template is
an error, never an empty string), and article HTML is marked safe only here, after markup.py
produced and sanitised it. Links between pages are relative (urls.relative), so the site
works under any base path; only 404.html, which a host serves at any depth, links absolutely.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from site_builder import urls
from site_builder.config import DEFAULT_THEME, SiteConfig
from site_builder.errors import TemplateError
from site_builder.model import Article
from site_builder.parallel import fork_map

FEED_FORMATS = (("feed.xml", "application/rss+xml", "RSS"),
                ("atom.xml", "application/atom+xml", "Atom"),
                ("feed.json", "application/feed+json", "JSON Feed"))
WORDS_PER_MINUTE = 230
RELATED = 4          # related articles under an article
REGION_BLOCK = 3     # articles per region block on the front page


@dataclass(frozen=True)
class Page:
    """One HTML page to render: its site path, template and template variables."""

    path: str
    template: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)
    lastmod: dt.datetime | None = None
    feeds: tuple[str, ...] = ("",)  # folders whose feeds this page advertises


def environment(config: SiteConfig) -> jinja2.Environment:
    """The one Jinja2 environment: the site's templates first, the default theme after."""
    loaders = [jinja2.FileSystemLoader(str(config.templates_dir))]
    if config.templates_dir.resolve() != DEFAULT_THEME:
        loaders.append(jinja2.FileSystemLoader(str(DEFAULT_THEME)))
    env = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True,
                             bytecode_cache=_bytecode_cache(config),
                             # No stat of the template file at every include: the watcher
                             # clears env.cache when a template changes (incremental.py).
                             auto_reload=False)
    env.filters["longdate"] = longdate
    env.filters["isodate"] = lambda d: d.isoformat(timespec="seconds")
    env.filters["caption"] = caption_text
    return env


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def longdate(date: dt.date) -> str:
    """'5 March 2026', in English whatever the locale (strftime's %B costs 10 us a call,
    and a page shows a dozen dates)."""
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"


def _bytecode_cache(config: SiteConfig) -> jinja2.BytecodeCache | None:
    """Compiled templates kept between builds (compiling the theme takes ~0.1 s a process).

    Jinja keys each entry by the template's source checksum and drops unreadable ones, so
    a stale or broken entry is never used; without a writable cache folder, none is kept.
    """
    folder = config.cache_dir / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


def caption_text(image: Any) -> str:
    """The caption without a trailing "(CREDIT)": the theme shows the credit on its own."""
    caption = image.caption.strip()
    suffix = f"({image.credit})"
    if image.credit and caption.endswith(suffix):
        return caption[:-len(suffix)].rstrip()
    return caption


@lru_cache(maxsize=None)  # every page list asks again; a str keeps its hash, so this is cheap
def reading_minutes(text: str) -> int:
    """Minutes to read a body at 230 words a minute, at least one."""
    return max(1, round(len(text.split()) / WORDS_PER_MINUTE))


def pages(config: SiteConfig, articles: Sequence[Article]) -> list[Page]:
    """Every HTML page of the site, in a fixed order.

    Everything page-specific a template shows (blocks, neighbours, related articles, reading
    time) goes into Page.context here: the incremental builder fingerprints the context to
    decide what to render again, so nothing page-specific may be computed while rendering.
    """
    out = _listing(config, "", config.title, articles, kind="home")
    out[0].context["blocks"] = _region_blocks(config, articles)  # on the first page only
    for region in config.regions:
        mine = [a for a in articles if a.region == region.slug]
        out += _listing(config, urls.region_path(region.slug), region.name, mine,
                        kind="region", feeds=("", urls.region_path(region.slug)), region=region)
    for path, (name, mine) in sorted(_countries(articles).items()):
        out += _listing(config, path, name, mine, kind="country")
    neighbours = _Neighbours(articles)
    for index, article in enumerate(articles):
        out.append(_article_page(config, articles, index, neighbours))
    months = [(f"{k[0]:04d}-{k[1]:02d}", list(g))
              for k, g in groupby(articles, key=lambda a: (a.date.year, a.date.month))]
    out.append(Page("archive/", "archive.html", "Archive", {"months": months},
                    articles[0].date if articles else None))
    out.append(Page("subscribe/", "subscribe.html", "Subscribe",
                    {"feed_list": _feed_list(config, articles)},
                    articles[0].date if articles else None))
    if config.search:
        out.append(Page("search/", "search.html", "Search"))
    out.append(Page("404.html", "404.html", "Page not found"))
    return out


def _article_page(config: SiteConfig, articles: Sequence[Article], index: int,
                  neighbours: _Neighbours) -> Page:
    """An article's page: its neighbours in time and related articles found in the list."""
    return article_page_of(config, articles[index],
                           articles[index - 1] if index > 0 else None,
                           articles[index + 1] if index + 1 < len(articles) else None,
                           neighbours.related(articles[index]))


def article_page_of(config: SiteConfig, article: Article, newer: Article | None,
                    older: Article | None, related: Sequence[Article]) -> Page:
    """An article's page given its neighbours in time and its related articles (the build
    cache remembers those, so a body edit can render the page without the whole list)."""
    region = config.region(article.region)
    region_path = urls.region_path(article.region)
    context = {
        "article": article,
        "region": region,
        "newer": newer,
        "older": older,
        "related": list(related),
        "reading_minutes": reading_minutes(article.body),
        "breadcrumbs": [("Home", ""), (region.name if region else article.region, region_path)],
    }
    return Page(article.url_path, "article.html", article.title, context,
                article.updated or article.date, ("", region_path))


class _Neighbours:
    """Articles by country and by region, newest first, to find related ones quickly.

    Candidates are the few articles nearest in time in each of the article's country groups
    and its region; of those, the ones sharing most countries come first, then the same
    region, then the newer. Scoring only neighbours keeps a 10,000-article site linear.
    """

    def __init__(self, articles: Sequence[Article]):
        self.position = {a.id: n for n, a in enumerate(articles)}
        self.groups: dict[tuple[str, str], list[Article]] = {}
        self.index: dict[tuple[str, str, str], int] = {}
        for article in articles:
            for key in self._keys(article):
                group = self.groups.setdefault(key, [])
                self.index[(*key, article.id)] = len(group)
                group.append(article)

    @staticmethod
    def _keys(article: Article) -> list[tuple[str, str]]:
        return [("country", c) for c in dict.fromkeys(article.countries)] + [("region", article.region)]

    def related(self, article: Article) -> list[Article]:
        """Up to RELATED articles sharing countries or the region; most shared first."""
        mine = set(article.countries)
        candidates = {o.id: o for key in self._keys(article) for o in self._around(key, article)
                      if o.id != article.id}
        scored = sorted((-len(mine & set(o.countries)), o.region != article.region,
                         self.position[o.id], o.id) for o in candidates.values())
        return [candidates[entry[-1]] for entry in scored[:RELATED]]

    def _around(self, key: tuple[str, str], article: Article):
        """The group's articles nearest in time to this one."""
        group = self.groups.get(key, [])
        here = self.index.get((*key, article.id), 0)
        return group[max(0, here - RELATED):here + RELATED + 1]


def _region_blocks(config: SiteConfig, articles: Sequence[Article]) -> list[tuple[Any, list[Article]]]:
    """The front page's blocks: each region with articles and its newest few, config order."""
    blocks = []
    for region in config.regions:
        mine = [a for a in articles if a.region == region.slug][:REGION_BLOCK]
        if mine:
            blocks.append((region, mine))
    return blocks


def _feed_list(config: SiteConfig, articles: Sequence[Article]) -> list[dict[str, Any]]:
    """The subscribe page's table: the site's feeds, then each region's with its count."""
    counts = region_counts(config, articles)
    rows = [{"name": "All news", "folder": "", "count": len(articles)}]
    rows += [{"name": r.name, "folder": urls.region_path(r.slug), "count": counts[r.slug]}
             for r in config.regions]
    for row in rows:
        row["links"] = [{"label": label, "path": row["folder"] + filename,
                         "absolute": urls.absolute(config, row["folder"] + filename)}
                        for filename, _mime, label in FEED_FORMATS]
    return rows


def _countries(articles: Sequence[Article]) -> dict[str, tuple[str, list[Article]]]:
    """Country page path -> (display name, its articles); names that slug alike share a page."""
    found: dict[str, tuple[str, list[Article]]] = {}
    for article in articles:
        for name in dict.fromkeys(article.countries):
            found.setdefault(urls.country_path(name), (name, []))[1].append(article)
    return found


def _listing(config: SiteConfig, path: str, title: str, articles: Sequence[Article],
             kind: str, feeds: tuple[str, ...] = ("",), **extra: Any) -> list[Page]:
    """A paginated list of articles: page 1 at path, then path/page/2/ and on."""
    size = config.per_page
    chunks = [articles[i:i + size] for i in range(0, len(articles), size)] or [[]]
    out = []
    for number, chunk in enumerate(chunks, start=1):
        nav = {"number": number, "total": len(chunks),
               "prev": urls.paged(path, number - 1) if number > 1 else None,
               "next": urls.paged(path, number + 1) if number < len(chunks) else None}
        shown = title if number == 1 else f"{title} (page {number})"
        out.append(Page(urls.paged(path, number), "list.html", shown,
                        {"articles": list(chunk), "pagination": nav, "kind": kind,
                         "heading": title, **extra},
                        chunk[0].date if chunk else None, feeds))
    return out


def region_counts(config: SiteConfig, articles: Sequence[Article]) -> dict[str, int]:
    """How many articles each configured region has."""
    counts = {r.slug: 0 for r in config.regions}
    for article in articles:
        counts[article.region] += 1
    return counts


PARALLEL_PAGES = 500  # fewer pages a worker than this: forking costs more than it saves


class PageRenderer:
    """Renders Page objects with one environment and the site-wide variables."""

    def __init__(self, config: SiteConfig, articles: Sequence[Article], html: Mapping[str, str],
                 counts: Mapping[str, int] | None = None, env: jinja2.Environment | None = None):
        """`counts` (articles per region) stands in for `articles` where the list is not at
        hand; `env` is an environment kept between rebuilds (compiled templates reload on
        change), else a new one."""
        self.config = config
        self.env = env or environment(config)
        self.html = html
        if counts is None:
            counts = region_counts(config, articles)
        # The menu lists regions with articles: an empty section is a dead end for a reader.
        self.nav = [r for r in config.regions if counts[r.slug]]
        self.counts = dict(counts)

    def render(self, page: Page) -> bytes:
        """The page as UTF-8 bytes; a template failure becomes a TemplateError."""
        try:
            template = self.env.get_template(page.template)
            return template.render(self._context(page)).encode("utf-8")
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"template error: {exc.message}", exc.filename or exc.name,
                                exc.lineno) from None
        except jinja2.TemplateNotFound as exc:
            raise TemplateError(f"template not found: {exc.name}", self.config.templates_dir) from None
        except (jinja2.UndefinedError, TypeError, ValueError, AttributeError) as exc:
            where, line = _template_frame(exc, self.config.templates_dir / page.template)
            raise TemplateError(f"rendering {page.path or '/'} failed: {exc}", where, line) from None

    def render_many(self, pages: Sequence[Page]) -> list[bytes]:
        """Many pages, on every core when there are enough to be worth it."""
        return fork_map(self.render, pages, PARALLEL_PAGES)

    def _context(self, page: Page) -> dict[str, Any]:
        config = self.config
        if page.path == "404.html":  # served at any depth: absolute-path links
            def url(to: str) -> str:
                return config.base_path + to
        else:
            url = urls.linker(page.path)

        article = page.context.get("article")
        description = (article.summary if article and article.summary else config.description)
        return {
            "site": config, "page": page, "url": url, "nav": self.nav, "counts": self.counts,
            "canonical": urls.absolute(config, page.path),
            "description": description,
            "og_type": "article" if article else "website",
            "alternates": list(self._alternates(page)),
            "body_html": Markup(self.html[article.id]) if article else Markup(""),
            "region_of": config.region, "country_path": urls.country_path,
            "region_path": urls.region_path,
            **page.context,
        }

    def _alternates(self, page: Page) -> Iterator[dict[str, str]]:
        for folder in page.feeds:
            region = self.config.region(folder.rstrip("/")) if folder else None
            name = f"{self.config.title} - {region.name}" if region else self.config.title
            for filename, mime, label in FEED_FORMATS:
                yield {"path": folder + filename, "type": mime, "title": f"{name} ({label})"}


def _template_frame(exc: BaseException, fallback: Path) -> tuple[Path, int | None]:
    """The template file and line where rendering failed (Jinja2 rewrites tracebacks so)."""
    tb, found = exc.__traceback__, (fallback, None)
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".html", ".xml", ".j2", ".jinja")):
            found = (Path(name), tb.tb_lineno)
        tb = tb.tb_next
    return found


def render_pages(config: SiteConfig, articles: Sequence[Article], html: Mapping[str, str],
                 site_pages: Sequence[Page]) -> dict[str, bytes]:
    """Every page rendered: output file path -> bytes."""
    renderer = PageRenderer(config, articles, html)
    return dict(zip((urls.output_file(p.path) for p in site_pages),
                    renderer.render_many(site_pages)))
