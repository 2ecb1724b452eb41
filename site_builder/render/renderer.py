"""Rendering one planned output (outputs.Output) into bytes, and recording what it read.

Pages go through the one Jinja2 environment: autoescape on, StrictUndefined (a typo in a
template is an error, never an empty string), article HTML marked safe only here, after
markup.py produced and sanitised it. Links between pages are relative (urls.linker), so
the site works under any base path; only 404.html, which a host serves at any depth,
links absolutely. Articles a page shows by their card come as `Card`s: reading a card's
body is recorded (Reads), and so is reading the article counts, so the engine knows the
page depends on them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from site_builder import i18n, urls
from site_builder.config import SiteConfig
from site_builder.errors import TemplateError
from site_builder.model import Article
from site_builder.render import editions, metadata, plan
from site_builder.render.contexts import (
    CONTEXTS,
    FEED_FORMATS,
    SIZES,
    Page,
    picture_view,
    standfirst,
)
from site_builder.render.makers import MAKERS
from site_builder.render.outputs import ExtraReads, FeedLink, Output, ShownPicture
from site_builder.render.templates import environment


class Reads:
    """What rendering one output read beyond what its plan entry declared."""

    def __init__(self, body_of: Callable[[str], str]):
        self.body_of = body_of
        self.bodies: set[str] = set()
        self.counts = False

    def result(self, output: Output) -> ExtraReads:
        """The bodies read that the plan did not declare, and whether counts were read."""
        return ExtraReads(tuple(sorted(self.bodies - set(output.full))), self.counts)


class Card(Article):
    """An article shown by its card: every field as usual, but reading the body is recorded
    in the Reads of the page being rendered.

    Made by Cards without running the dataclass __init__; the `body` property shadows
    the field, so templates, filters and tests see an Article in every other respect.
    """

    @property
    def body(self) -> str:
        reads = self.__dict__["_page"].reads
        reads.bodies.add(self.id)
        return reads.body_of(self.id)


class _Page:
    """The page a renderer is rendering now: where its cards record a body read."""

    __slots__ = ("reads",)

    def __init__(self) -> None:
        self.reads = Reads(lambda ident: "")


class Cards:
    """Each article's card made once and shown by every page that lists it (a listing
    shows some twenty): kept while the renderer is given that same article object."""

    def __init__(self) -> None:
        self.page = _Page()
        self.made: dict[str, tuple[Article, Card]] = {}

    def of(self, article: Article) -> Card:
        made = self.made.get(article.id)
        if made is not None and made[0] is article:
            return made[1]
        shown = object.__new__(Card)
        shown.__dict__.update(article.__dict__)
        shown.__dict__.pop("body", None)
        shown.__dict__["_page"] = self.page
        self.made[article.id] = (article, shown)
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


# --- rendering ----------------------------------------------------------------------------

# Files of a site in several languages made once, for the whole site (plan._editions).
ROOT_KINDS = ("sitemap", "sitemap-index", "news-sitemap", "opml", "robots", "static", "redirect")


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
        self.config = config
        self.site = site or config
        self.env = env
        self.words = i18n.words(config)
        # The teaser asks for its article's region: a dict, not config.region's search.
        regions = {r.slug: r for r in reversed(config.regions)}  # the first of a slug wins
        self.region_of = lambda slug: regions.get(slug)
        self.editions = editions.editions(config) if site is None else []
        self.parts: dict[str, Renderer] = {}  # language -> the renderer of its edition
        self.cards = Cards()
        self.prefix = ""  # an edition's path below the site ('ar/')
        for edition in self.editions:
            part = self.parts[edition.code] = Renderer(
                edition.config, environment(edition.config), {}, site=config
            )
            part.prefix = edition.prefix
        self.set_pages(())
        self.set_counts(counts)
        self.set_scheduled(())

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
        self.nav = list(plan.nav(self.config, counts)) if not self.editions else []
        for code, part in self.parts.items():
            part.set_counts(counts.get(code, {}))

    def set_scheduled(self, ids) -> None:
        """The future articles a preview shows (labelled "Scheduled for ...")."""
        self.scheduled = frozenset(ids)
        for part in self.parts.values():
            part.set_scheduled(ids)

    @property
    def site_key(self) -> str:
        """What every page shows of the whole site: the menus of regions and of pages, and
        which articles a preview labels as scheduled."""
        parts = list(self.parts.values()) or [self]
        return repr([([r.slug for r in p.nav], p.menu) for p in parts] + sorted(self.scheduled))

    def _in_edition(self, output: Output) -> bool:
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
        output: Output,
        articles: Mapping[str, Article],
        html: Mapping[str, str],
        body_of: Callable[[str], str],
    ) -> tuple[bytes, ExtraReads]:
        """The output's bytes, and what it read beyond its plan entry (Reads.result).

        `articles` has every article the output names (bodies needed only for `full`
        ones), `html` the HTML of the `full` ones; `body_of` gives a card's body.
        """
        if self._in_edition(output):
            edition, path = editions.edition_of(output.path, self.editions)
            part = self.parts[(edition or self.editions[0]).code]
            return part.render(output.moved(path) if edition else output, articles, html, body_of)
        reads = Reads(body_of)
        if output.template is None:
            return MAKERS[output.kind](self.config, output, articles, html), reads.result(output)
        self.cards.page.reads = reads
        cards = self.cards.of
        shown: dict[str, Article] = {i: cards(articles[i]) for i in output.cards}
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
        url: Callable[[str], str]
        if page.path == "404.html":  # served at any depth: absolute-path links

            def from_root(to: str) -> str:
                return config.base_path + to

            url = from_root
        else:
            url = urls.linker(page.path)
        article = context.get("article")
        raw = {shown.id: shown.picture for shown in context.pop("pictures", ())}
        pictures = {i: picture_view(shown, url) for i, shown in raw.items()}
        return {
            "pictures": pictures,
            "sizes": SIZES,
            **self._metadata(page, context, raw.get(article.id) if article else None),
            "site": config,
            "page": page,
            "url": url,
            "nav": self.nav,
            "scheduled": self.scheduled,
            "counts": _Counts(self.counts, reads),
            "canonical": urls.absolute(config, page.path),
            "description": article.summary if article and article.summary else config.description,
            "og_type": "article" if article and article.kind == "article" else "website",
            "alternates": list(self._alternates(page)),
            "translations": [
                {
                    "lang": other.lang,
                    "href": urls.absolute(self.site, other.path),
                    "link": urls.relative(self.prefix + page.path, other.path),
                    "name": i18n.locale(other.lang).language_name or other.lang,
                    "current": other.lang == config.language,
                }
                for other in context.pop("translations", ())
            ],
            "body_html": Markup(html[article.id]) if article else Markup(""),
            "standfirst": standfirst(article.summary, html[article.id]) if article else "",
            "region_of": self.region_of,
            "country_path": urls.country_path,
            "region_path": urls.region_path,
            "tag_path": urls.tag_path,
            "author_path": urls.author_path,
            "menu": self.menu,
            **context,
        }

    def _metadata(self, page: Page, context: dict[str, Any], shown: ShownPicture | None) -> dict:
        """JSON-LD and the OpenGraph/Twitter tags of a page (metadata.py)."""
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
        for feed in page.feeds or (FeedLink("", self.config.title),):
            for filename, mime, label in FEED_FORMATS:
                title = f"{feed.title} ({self.words(label)})"
                yield {"path": feed.folder + filename, "type": mime, "title": title}


def _template_frame(exc: BaseException, fallback: Path) -> tuple[Path, int | None]:
    """The template file and line where rendering failed (Jinja2 rewrites tracebacks so)."""
    tb = exc.__traceback__
    found: tuple[Path, int | None] = (fallback, None)
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".html", ".xml", ".j2", ".jinja")):
            found = (Path(name), tb.tb_lineno)
        tb = tb.tb_next
    return found
