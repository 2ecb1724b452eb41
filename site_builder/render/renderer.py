"""Rendering one planned output (plan.Output) into bytes, and recording what it read.

Pages go through the one Jinja2 environment: autoescape on, StrictUndefined (a typo in a
template is an error, never an empty string), article HTML marked safe only here, after
markup.py produced and sanitised it. Links between pages are relative (urls.linker), so
the site works under any base path; only 404.html, which a host serves at any depth,
links absolutely. Articles a page shows by their card come as `Card`s: reading a card's
body is recorded (Reads), and so is reading the article counts, so the engine knows the
page depends on them.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
import stat
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from site_builder import i18n, urls
from site_builder.config import SiteConfig
from site_builder.errors import TemplateError
from site_builder.i18n import N_
from site_builder.model import Article
from site_builder.render import plan

log = logging.getLogger("site_builder")

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
    feeds: tuple[tuple[str, str], ...] = ()  # (folder, title) of the feeds it advertises


class Reads:
    """What rendering one output read beyond what its plan entry declared."""

    def __init__(self, body_of: Callable[[str], str]):
        self.body_of = body_of
        self.bodies: set[str] = set()
        self.counts = False

    def result(self, output: plan.Output) -> tuple[tuple[str, ...], bool]:
        """(ids of bodies read that the plan did not declare, whether counts were read)."""
        return tuple(sorted(self.bodies - set(output.full))), self.counts


class Card(Article):
    """An article shown by its card: every field as usual, but reading the body is recorded.

    Made by card() without running the dataclass __init__; the `body` property shadows
    the field, so templates, filters and tests see an Article in every other respect.
    """

    @property
    def body(self) -> str:  # type: ignore[override]
        reads = self.__dict__["_reads"]
        reads.bodies.add(self.id)
        return reads.body_of(self.id)


def card(article: Article, reads: Reads) -> Card:
    shown = object.__new__(Card)
    shown.__dict__.update(article.__dict__)
    shown.__dict__.pop("body", None)
    shown.__dict__["_reads"] = reads
    return shown


class _Counts(Mapping):
    """Articles per region; reading any of it is recorded."""

    def __init__(self, counts: dict[str, int], reads: Reads):
        self._counts, self._reads = counts, reads

    def __getitem__(self, key: str) -> int:
        self._reads.counts = True
        return self._counts[key]

    def __iter__(self) -> Iterator[str]:
        self._reads.counts = True
        return iter(self._counts)

    def __len__(self) -> int:
        self._reads.counts = True
        return len(self._counts)


# --- the environment --------------------------------------------------------------------


class _Templates(jinja2.FileSystemLoader):
    """Template files, only regular ones (a FIFO would hang the build), as UTF-8."""

    def list_templates(self) -> list[str]:
        found = []
        for name in super().list_templates():
            for folder in self.searchpath:
                path = Path(folder) / name
                if path.exists():
                    if path.is_file():
                        found.append(name)
                    else:
                        log.warning("%s: not a regular file; skipped", path)
                    break
        return found

    def get_source(self, environment, template):
        for folder in self.searchpath:
            path = Path(folder) / template
            try:
                mode = path.stat().st_mode
            except OSError:
                continue
            if not stat.S_ISREG(mode):
                raise TemplateError("not a regular file: refusing to read it as a template", path)
            try:
                return super().get_source(environment, template)
            except UnicodeDecodeError as exc:
                raise TemplateError(
                    f"not UTF-8 text ({exc.reason} at byte {exc.start})", path
                ) from None
        raise jinja2.TemplateNotFound(template)


def environment(config: SiteConfig) -> jinja2.Environment:
    """The one Jinja2 environment. Compiled templates are kept between rebuilds (no stat
    per include): the engine clears env.cache when a template changes."""
    env = jinja2.Environment(
        loader=_Templates([str(f) for f in config.template_folders]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=_bytecode_cache(config),
        auto_reload=False,
    )
    env.filters["isodate"] = lambda d: d.isoformat(timespec="seconds")
    env.filters["caption"] = caption_text
    env.filters["localtime"] = lambda d: d.astimezone(config.tz)
    # The site's language: {% trans %} and _() from its catalogue, dates, numbers and
    # country names from CLDR (i18n.py).
    i18n.install(env, config.language, config.digits)
    words = i18n.words(config)
    env.globals["region_name"] = words.region
    return env


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
    return image.caption_only


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


# --- rendering ----------------------------------------------------------------------------

# Files of a site in several languages made once, for the whole site (plan._editions).
ROOT_KINDS = ("sitemap", "news-sitemap", "opml", "robots", "static", "redirect")


class Renderer:
    """Renders planned outputs with one environment and the site-wide values."""

    def __init__(
        self,
        config: SiteConfig,
        env: jinja2.Environment,
        counts: dict[str, int],
        site: SiteConfig | None = None,
    ):
        """`site`: the whole site, when this renderer is one language's edition of it."""
        from site_builder.render import editions

        self.config = config
        self.site = site or config
        self.env = env
        self.words = i18n.words(config)
        self.editions = editions.editions(config) if site is None else []
        self.parts: dict[str, Renderer] = {}  # language -> the renderer of its edition
        self.prefix = ""  # an edition's path below the site ('ar/')
        for edition in self.editions:
            part = self.parts[edition.code] = Renderer(
                edition.config, environment(edition.config), {}, site=config
            )
            part.prefix = edition.prefix
        self.set_pages(())
        self.set_counts(counts)

    def set_pages(self, pages) -> None:
        """The header and footer menu ([[menu]]): a page's entry is titled as the page is
        (in an edition's language) unless site.toml gives a title."""
        titles = {page.slug: page.title for page in pages}
        self.menu = [
            {
                "title": item.title or titles.get(item.page, item.page),
                "path": item.path,
                "url": item.url,
            }
            for item in self.config.menu
        ]
        for code, part in self.parts.items():
            part.set_pages([p for p in pages if (p.lang or self.config.language) == code])

    def set_counts(self, counts: dict) -> None:
        """Articles per region (per language on a site in several): what `counts` and the
        menu of regions show."""
        self.counts = counts
        self.nav = (
            [self.config.region(slug) for slug in plan.nav(self.config, counts)]
            if not self.editions
            else []
        )
        for code, part in self.parts.items():
            part.set_counts(counts.get(code, {}))

    @property
    def site_key(self) -> str:
        """What every page shows of the whole site: the menus of regions and of pages."""
        parts = list(self.parts.values()) or [self]
        return repr([([r.slug for r in p.nav], p.menu) for p in parts])

    def _in_edition(self, output: plan.Output) -> bool:
        """Whether one language's edition renders this output (else the whole site's)."""
        if not self.editions:
            return False
        if output.kind == "opml":
            return output.path != "feeds.opml"
        if output.kind == "redirect":
            return bool(output.cards)  # an alias; not the root's redirect to an edition
        return output.kind not in ROOT_KINDS

    def render(
        self,
        output: plan.Output,
        articles: Mapping[str, Article],
        html: Mapping[str, str],
        body_of: Callable[[str], str],
    ) -> tuple[bytes, tuple[tuple[str, ...], bool]]:
        """The output's bytes, and what it read beyond its plan entry (Reads.result).

        `articles` has every article the output names (bodies needed only for `full`
        ones), `html` the HTML of the `full` ones; `body_of` gives a card's body.
        """
        if self._in_edition(output):
            from site_builder.render import editions

            edition, path = editions.edition_of(output.path, self.editions)
            part = self.parts[(edition or self.editions[0]).code]
            inner = plan.Output(
                path if edition else output.path,
                output.kind,
                output.data,
                output.cards,
                output.full,
            )
            return part.render(inner, articles, html, body_of)
        reads = Reads(body_of)
        if output.template is None:
            return MAKERS[output.kind](self.config, output, articles, html), reads.result(output)
        shown = {i: card(articles[i], reads) for i in output.cards}
        shown.update((i, articles[i]) for i in output.full)
        page, context = CONTEXTS[output.kind](self.config, output, shown)
        try:
            template = self.env.get_template(page.template)
            data = template.render(self._context(page, context, html, reads)).encode("utf-8")
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(
                f"template error: {exc.message}", exc.filename or exc.name, exc.lineno
            ) from None
        except jinja2.TemplateNotFound as exc:
            raise TemplateError(
                f"template not found: {exc.name}", self.config.templates_dir
            ) from None
        except (
            jinja2.UndefinedError,
            TypeError,
            ValueError,
            AttributeError,
            KeyError,
            IndexError,
            ZeroDivisionError,
        ) as exc:
            where, line = _template_frame(exc, self.config.templates_dir / page.template)
            raise TemplateError(
                f"rendering {page.path or '/'} failed: {exc}", where, line
            ) from None
        return data, reads.result(output)

    def _context(
        self, page: Page, context: dict[str, Any], html: Mapping[str, str], reads: Reads
    ) -> dict[str, Any]:
        config = self.config
        if page.path == "404.html":  # served at any depth: absolute-path links

            def url(to: str) -> str:
                return config.base_path + to
        else:
            url = urls.linker(page.path)
        article = context.get("article")
        raw = dict(context.pop("pictures", ()))
        pictures = {i: picture_view(shown, url) for i, shown in raw.items()}
        return {
            "pictures": pictures,
            "sizes": SIZES,
            **self._metadata(page, context, raw.get(article.id) if article else None),
            "site": config,
            "page": page,
            "url": url,
            "nav": self.nav,
            "counts": _Counts(self.counts, reads),
            "canonical": urls.absolute(config, page.path),
            "description": article.summary if article and article.summary else config.description,
            "og_type": "article" if article and article.kind == "article" else "website",
            "alternates": list(self._alternates(page)),
            "translations": [
                {
                    "lang": lang,
                    "href": urls.absolute(self.site, path),
                    "link": urls.relative(self.prefix + page.path, path),
                    "name": i18n.locale(lang).language_name or lang,
                    "current": lang == config.language,
                }
                for lang, path in context.pop("translations", ())
            ],
            "body_html": Markup(html[article.id]) if article else Markup(""),
            "standfirst": standfirst(article.summary, html[article.id]) if article else "",
            "region_of": config.region,
            "country_path": urls.country_path,
            "region_path": urls.region_path,
            "tag_path": urls.tag_path,
            "author_path": urls.author_path,
            "menu": self.menu,
            **context,
        }

    def _metadata(self, page: Page, context: dict[str, Any], shown: tuple | None) -> dict:
        """JSON-LD and the OpenGraph/Twitter tags of a page (metadata.py)."""
        from site_builder.render import metadata

        config, article = self.config, context.get("article")
        region = context.get("region")
        section = region.name if region else (article.region if article else "")
        image = metadata.lead_image(config, shown, article)
        canonical = urls.absolute(config, page.path)
        data: list = []
        if article is not None and article.kind == "article":
            data.append(metadata.news_article(config, article, canonical, section, image))
        if context.get("breadcrumbs") or context.get("kind") not in (None, "home"):
            trail = context.get("breadcrumbs") or [(i18n.words(config)("Home"), "")]
            data.append(metadata.breadcrumbs(config, [*trail, (page.title, page.path)]))
        elif page.path == "":
            data.append({"@context": "https://schema.org", **metadata.organization(config)})
        return {
            "structured_data": metadata.script(data),
            "social": metadata.social(config, article, section, image),
        }

    def _alternates(self, page: Page) -> Iterator[dict[str, str]]:
        for folder, name in page.feeds or (("", self.config.title),):
            for filename, mime, label in FEED_FORMATS:
                label = self.words(label)
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


# --- pictures ----------------------------------------------------------------------------------

# What the theme's layout gives a picture, in CSS px: the browser picks the smallest file at
# least that wide for the screen's density. In px, not rem: a rem in `sizes` (as in a media
# query) is the browser's default 16 px, while style.css sets the root font to 112.5%
# (18 px), so the 1rem padding either side of a column is 18px.
# lead: the article column, 42rem (756px) from a 792px viewport on.
# top: the front page's main column: 2fr of 3 beside the region blocks, 2.5rem apart, from
# 64em (1024px) on; the picture is at most 45rem (810px) wide; full width below.
# thumb: 8rem (144px) beside a headline; 5.5rem (99px) on phones (up to 30em, 480px).
SIZES = {
    "lead": "(min-width: 792px) 756px, calc(100vw - 36px)",
    "top": "(min-width: 1332px) 810px, (min-width: 1024px) calc((100vw - 81px) * 2 / 3), "
    "(min-width: 846px) 810px, calc(100vw - 36px)",
    "thumb": "(max-width: 480px) 99px, 144px",
}


def picture_view(shown: tuple, link: Callable[[str], str]) -> dict[str, Any]:
    """What a template needs to write <picture>: one <source> per modern format, the
    fallback <img> in the picture's own format, and its intrinsic width and height."""
    files = shown[5]
    width, height, own, path, _mime = files[-1]  # the largest in its own format
    by_format: dict[str, list] = {}
    for variant in files:
        by_format.setdefault(variant[2], []).append(variant)
    return {
        "sources": [
            {"type": variants[0][4], "srcset": _srcset(variants, link)}
            for kind, variants in by_format.items()
            if kind != own
        ],
        "srcset": _srcset(by_format[own], link),
        "src": link(path),
        "width": width,
        "height": height,
    }


def _srcset(items: list, link: Callable[[str], str]) -> str:
    return ", ".join(f"{link(path)} {width}w" for width, _height, _fmt, path, _mime in items)


# --- what each kind of page is given (plan.TEMPLATES) ----------------------------------------

Shown = Mapping[str, Article]


def _article(config: SiteConfig, output: plan.Output, shown: Shown) -> tuple[Page, dict]:
    newer, older, related = output.data[:3]
    words = i18n.words(config)
    article = shown[output.full[0]]
    region = config.region(article.region)
    region_path = urls.region_path(article.region)
    context = {
        "article": article,
        "region": region,
        "newer": shown[newer] if newer else None,
        "older": shown[older] if older else None,
        "related": [shown[i] for i in related],
        "reading_minutes": reading_minutes(article.body),
        "breadcrumbs": [
            (words("Home"), ""),
            (words.region(region) if region else article.region, region_path),
        ],
        "pictures": output.data[3],
        "translations": output.data[4],
    }
    feeds = (
        ("", config.title),
        (region_path, f"{config.title} - {region.name if region else article.region}"),
    )
    return Page(
        output.path, "article.html", article.title, article.updated or article.date, feeds
    ), context


def _listing(config: SiteConfig, output: plan.Output, shown: Shown) -> tuple[Page, dict]:
    kind, heading, number, newer, older, region, feeds, blocks = output.data[:8]
    in_blocks = sum(len(ids) for _, ids in blocks)
    articles = [shown[i] for i in output.cards[: len(output.cards) - in_blocks]]
    context = {
        "articles": articles,
        "kind": kind,
        "heading": heading,
        "pagination": {"number": number, "prev": newer, "next": older},
        "region": config.region(region) if region else None,
        "blocks": [(config.region(slug), [shown[i] for i in ids]) for slug, ids in blocks],
        "own_feed": feeds[-1][0] if len(feeds) > 1 else None,
        "pictures": output.data[8] if len(output.data) > 8 else (),
    }
    words = i18n.words(config)
    title = (
        heading
        if number is None
        else words(
            N_("%(heading)s (page %(number)s)"), heading=heading, number=words.number(number)
        )
    )
    return Page(
        output.path, "list.html", title, articles[0].date if articles else None, feeds
    ), context


def _archive(config: SiteConfig, output: plan.Output, shown: Shown) -> tuple[Page, dict]:
    month, months = output.data
    words = i18n.words(config)
    articles = [shown[i] for i in output.cards]
    if month is None:
        years: dict[str, list[tuple[str, int]]] = {}
        for key, count in months:
            years.setdefault(key[:4], []).append((key, count))
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


def _page(config: SiteConfig, output: plan.Output, shown: Shown) -> tuple[Page, dict]:
    article = shown[output.full[0]]
    return Page(output.path, "page.html", article.title, article.updated), {"article": article}


def _terms(config: SiteConfig, output: plan.Output, shown: Shown) -> tuple[Page, dict]:
    family, heading, terms = output.data
    return Page(output.path, "terms.html", heading), {
        "family": family,
        "heading": heading,
        "terms": [{"name": name, "path": path, "count": count} for name, path, count in terms],
    }


def _subscribe(config: SiteConfig, output: plan.Output, shown: Shown) -> tuple[Page, dict]:
    words = i18n.words(config)
    rows = [
        {
            "name": name,
            "folder": folder,
            "count": count,
            "links": [
                {
                    "label": words(label),
                    "path": folder + filename,
                    "absolute": urls.absolute(config, folder + filename),
                }
                for filename, _mime, label in FEED_FORMATS
            ],
        }
        for name, folder, count in output.data[1]
    ]
    return Page(output.path, "subscribe.html", words("Subscribe")), {"feed_list": rows}


CONTEXTS: dict[str, Callable[[SiteConfig, plan.Output, Shown], tuple[Page, dict]]] = {
    "article": _article,
    "listing": _listing,
    "archive": _archive,
    "subscribe": _subscribe,
    "page": _page,
    "terms": _terms,
    "search": lambda config, output, shown: (
        Page(output.path, "search.html", i18n.words(config)("Search")),
        {},
    ),
    "notfound": lambda config, output, shown: (
        Page(output.path, "404.html", i18n.words(config)("Page not found")),
        {},
    ),
}


# --- files that are not pages ------------------------------------------------------------------


def _feed(
    config: SiteConfig, output: plan.Output, articles: Shown, html: Mapping[str, str]
) -> bytes:
    from site_builder.feeds import entries as feeds
    from site_builder.feeds import jsonfeed

    title, description, page, fallback, pictures = output.data
    spec = feeds.FeedSpec(
        title,
        description,
        page,
        tuple(articles[i] for i in output.full),
        dt.datetime.fromisoformat(fallback) if fallback else plan.EMPTY_FEED_DATE,
        {i: _feed_picture(config, shown) for i, shown in pictures},
    )
    make = {"rss": feeds.rss, "atom": feeds.atom, "json": jsonfeed.json_feed}[output.kind]
    return make(config, spec, html)


def _feed_picture(config: SiteConfig, shown: tuple):
    """A feed entry's picture: the largest file in its own format, with its length in
    bytes (encoded now if no page did it first; the cache keeps it)."""
    from site_builder.content import images
    from site_builder.feeds import entries as feeds

    width, height, _fmt, path, mime = shown[5][-1]
    length = images.process(Path(shown[0]), config.cache_dir).fallback.size
    return feeds.EntryPicture(urls.absolute(config, path), mime, length, width, height)


def _picture(
    config: SiteConfig, output: plan.Output, articles: Shown, html_of: Mapping[str, str]
) -> bytes:
    """One variant file of a picture, from the image cache (encoded there if need be)."""
    from site_builder.content import images

    source, _stamp, width, fmt = output.data
    picture = images.process(Path(source), config.cache_dir)
    variant = next(v for v in picture.variants if v.width == width and v.format == fmt)
    return variant.path.read_bytes()


def _news_sitemap(
    config: SiteConfig, output: plan.Output, articles: Shown, html_of: Mapping[str, str]
) -> bytes:
    from site_builder.feeds import sitemap

    return sitemap.news_sitemap(config, [articles[i] for i in output.cards], output.data)


def _opml(
    config: SiteConfig, output: plan.Output, articles: Shown, html: Mapping[str, str]
) -> bytes:
    from site_builder.feeds import entries as feeds
    from site_builder.feeds import opml

    groups: dict[str, list] = {}
    for group, title, page in output.data:
        groups.setdefault(group, []).append(
            feeds.FeedSpec(title, "", page, (), plan.EMPTY_FEED_DATE)
        )
    return opml.opml(config, groups)


def _redirect(
    config: SiteConfig, output: plan.Output, articles: Shown, html_of: Mapping[str, str]
) -> bytes:
    """An old address (an alias): a page that sends browsers and crawlers to the new one."""
    from site_builder.render import redirect

    title = articles[output.cards[0]].title if output.cards else config.title
    return redirect.page(config, output.path, output.data[0], title)


def _sitemap(
    config: SiteConfig, output: plan.Output, articles: Shown, html: Mapping[str, str]
) -> bytes:
    from site_builder.feeds import sitemap

    return sitemap.sitemap(config, output.data)


def _robots(
    config: SiteConfig, output: plan.Output, articles: Shown, html: Mapping[str, str]
) -> bytes:
    from site_builder.feeds import sitemap

    return sitemap.robots(config)


def _static(
    config: SiteConfig, output: plan.Output, articles: Shown, html: Mapping[str, str]
) -> bytes:
    from site_builder.render import assets

    return assets.read(Path(output.data[0]))


MAKERS: dict[str, Callable[[SiteConfig, plan.Output, Shown, Mapping[str, str]], bytes]] = {
    "rss": _feed,
    "atom": _feed,
    "json": _feed,
    "opml": _opml,
    "sitemap": _sitemap,
    "robots": _robots,
    "static": _static,
    "redirect": _redirect,
    "picture": _picture,
    "news-sitemap": _news_sitemap,
}
