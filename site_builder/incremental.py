"""Incremental rebuilds for watch and serve: parse, render and write only what went stale.

The builder keeps, between rebuilds, every content file's Article (keyed by its stat), every
body's HTML, and every output file with a fingerprint of what produced it. A page's
fingerprint covers its template and the templates that one includes, the site-wide values
every page sees, and its own context, where an article counts by a digest of all its
fields (its own page) or of everything but the body (in listings). So a listing template
must not use an article's body; anything derived from it (reading time, say) is put into
the page context by render.pages, where the fingerprint sees it.
A page whose fingerprint did not change is not rendered again; a file whose bytes did not
change is not written again; a file no longer produced is deleted. The first build goes
through the staging writer like `site-builder build`, so the result of any sequence of
rebuilds is byte-identical to a clean full build (tests/test_incremental.py holds it to that).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2.meta

from site_builder import feeds, loader, opml, render, sitemap, urls
from site_builder.assets import static_files
from site_builder.config import SiteConfig
from site_builder.errors import ErrorList, SiteBuilderError
from site_builder.fingerprint import article_digests, digest
from site_builder.markup import Renderer
from site_builder.model import Article
from site_builder.parallel import fork_map
from site_builder.publish import Publisher

log = logging.getLogger("site_builder")
PARALLEL_READ = 500  # fewer content files a worker than this: forking costs more than it saves


@dataclasses.dataclass
class _Source:
    """A content file as last read: its stat, and its Article or its errors."""

    stamp: tuple[int, int, int]
    article: Article | None = None
    errors: tuple[SiteBuilderError, ...] = ()
    full: str = ""   # digest of every field: what the article's own page shows
    card: str = ""   # digest of every field but the body: what a listing shows


class IncrementalBuilder:
    """Rebuilds the site again and again, doing only the work a change requires."""

    def __init__(self, config: SiteConfig, drafts: bool = False,
                 reload_config: Callable[[], SiteConfig] | None = None,
                 keep_previous: bool = False):
        self.drafts = drafts
        self.reload_config = reload_config
        # `build` keeps the replaced site to start the next build from; watch writes in place.
        self.keep_previous = keep_previous
        self._reset(config)

    def _reset(self, config: SiteConfig) -> None:
        self.config = config
        self.sources: dict[Path, _Source] = {}
        self.html: dict[str, tuple[str, str]] = {}          # id -> (body digest, HTML)
        self.pages: dict[str, tuple[tuple, bytes]] = {}     # output file -> (fingerprint, bytes)
        self.derived: dict[str, tuple[str, dict[str, bytes]]] = {}  # feeds/sitemap -> (key, files)
        self.markdown = Renderer(config)
        self.env = render.environment(config)
        self.compiled: dict[str, str] = {}       # template keys of what self.env has compiled
        self.template_refs: dict[str, tuple[str, set[str | None]]] = {}
        self.shape: tuple | None = None          # what listings showed at the last full pass
        self.links: dict[str, tuple] = {}         # article id -> ids of newer, older, related
        self.bodies: dict[str, str] = {}         # id -> full digest its page was rendered from
        self.articles: tuple[Article, ...] = ()   # as published by the last rebuild
        # What the last full pass found, for edits that change bodies only (_bodies_only):
        self.position: dict[str, int] = {}        # article id -> its place in self.articles
        self.digests: dict[str, _Source] = {}     # article id -> its source
        self.counts: dict[str, int] = {}          # articles per region (the menu)
        self.specs: dict[str, feeds.FeedSpec] = {}  # feed page -> the feed
        self.release: dt.datetime | None = None   # when the next future article comes out
        self.idle = False                        # the last rebuild found nothing to do
        self.publisher = Publisher(config, keep_previous=self.keep_previous)

    # --- the persistent cache (buildcache.py) ------------------------------------------

    STATE = ("sources", "html", "derived", "shape", "bodies", "template_refs", "links")

    def state(self) -> dict[str, Any]:
        """What a later `build` needs to carry on: everything but page bytes and the output."""
        state = {name: getattr(self, name) for name in self.STATE}
        state["pages"] = {out: (key, None) for out, (key, _) in self.pages.items()}
        return state

    def adopt(self, state: dict[str, Any], intact: set[str]) -> None:
        """Carry on from a saved state; pages whose file on disk changed are rendered anew.

        Pages are kept without their bytes (None): publishing links them from output/.
        """
        for name in self.STATE:
            setattr(self, name, state[name])
        self.pages = {out: entry for out, entry in state["pages"].items() if out in intact}
        if len(self.pages) < len(state["pages"]):
            self.shape = None  # some page must be rendered again: take the full pass

    def rebuild(self, changed: set[Path] | None = None) -> str:
        """Bring output/ up to date; return a one-line account. Raises on content errors."""
        if changed and self._config_changed(changed):
            self._reset(self.reload_config() if self.reload_config else self.config)
        stats = {"parsed": 0, "rendered": 0}
        clock = _Clock()
        quick = self._bodies_only(changed, stats)
        if quick is not None:
            clock.lap("bodies only")
            log.debug("rebuild: %s", clock)
            return quick
        articles, digests = self._load(stats, changed)
        clock.lap("load")
        html = self._html(articles, digests)
        clock.lap("markdown")
        try:
            files = self._render(articles, digests, html, stats)
        except BaseException:
            self.shape = None  # no page may be taken as rendered for these articles
            raise
        clock.lap("render")
        written, deleted = self.publisher.publish(files)
        clock.lap("publish")
        self.articles = articles
        self.position = {a.id: n for n, a in enumerate(articles)}
        self.digests = digests
        self.idle = not (stats["parsed"] or stats["rendered"] or written or deleted)
        log.debug("rebuild: %s", clock)
        return (f"{stats['parsed']} parsed, {stats['rendered']} rendered, "
                f"{written} written, {deleted} deleted ({len(articles)} articles)")

    def totals(self) -> tuple[int, int, int, int]:
        """Articles, pages, feeds (OPML aside) and files of the last rebuild."""
        feed_files = [path for name, (_, files) in self.derived.items()
                      if name.startswith("feed ") for path in files]
        return (len(self.articles), len(self.pages), len(feed_files),
                len(self.pages) + len(feed_files) + 1)  # and feeds.opml

    def _config_changed(self, changed: set[Path]) -> bool:
        path = self.config.config_path or self.config.root / "site.toml"
        return path in changed

    # --- the common edit: one article's text ----------------------------------------------

    def _bodies_only(self, changed: set[Path] | None, stats: dict[str, int]) -> str | None:
        """Rebuild for edits that changed article bodies and nothing else; None otherwise.

        The full way compares every article, page and file (some 100 ms at 10,000 articles);
        when the watcher names the files and each differs from before only in its body, the
        listings cannot change: render those articles' pages and the feeds that carry them.
        """
        edits = self._body_edits(changed)
        if edits is None:
            return None
        try:
            files = self._apply_body_edits(edits, stats)
            written = self.publisher.replace(files)
        except BaseException:
            self.shape = None  # half done: the next rebuild takes the full way
            raise
        stats["parsed"] += len(edits)
        self.idle = not (edits or written)
        return (f"{stats['parsed']} parsed, {stats['rendered']} rendered, "
                f"{written} written, 0 deleted ({len(self.articles)} articles)")

    def _body_edits(self, changed: set[Path] | None) -> list[tuple[Path, _Source]] | None:
        """The changed content files read again, if each is an already loaded article whose
        fields other than the body are as they were; else None (nothing is changed)."""
        targeted = self._targeted(changed)
        if (targeted is None or len(targeted) < len(changed) or self.shape is None
                or not self.specs or not self.publisher.can_replace()
                or self.release is not None and dt.datetime.now(dt.timezone.utc) >= self.release):
            return None
        edits = []
        for path in targeted:
            cached = self.sources.get(path)
            if cached is None or cached.article is None:
                return None
            try:
                st = path.stat()
            except OSError:
                return None
            stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
            if stamp == cached.stamp:
                continue
            source = self._read((path, stamp))
            if (source.article is None or source.article.id != cached.article.id
                    or source.card != cached.card):
                return None
            edits.append((path, source))
        return edits

    def _apply_body_edits(self, edits: list[tuple[Path, _Source]],
                          stats: dict[str, int]) -> dict[str, bytes]:
        """Take the edited articles in; their pages and feeds, rendered again."""
        shown = []
        for path, source in edits:
            article = source.article
            self.sources[path] = source
            self.digests[article.id] = source
            if article.id in self.position:  # else a draft or future one: no page, no feed
                shown.append(article)
        if not shown:
            return {}
        articles = list(self.articles)
        for article in shown:
            articles[self.position[article.id]] = article
        self.articles = tuple(articles)
        for article, out in zip(shown, self.markdown.html_many([a.body for a in shown])):
            self.html[article.id] = (self.digests[article.id].full, out)
        files = self._article_pages(shown, lambda ident: articles[self.position[ident]],
                                    self.digests, {a.id: self.html[a.id][1] for a in shown})
        stats["rendered"] += len(files)
        edited = {a.id for a in shown}
        for page, spec in self.specs.items():
            if any(a.id in edited for a in spec.articles):
                spec = dataclasses.replace(spec, articles=tuple(
                    articles[self.position[a.id]] for a in spec.articles))
                self.specs[page] = spec
                files.update(self._feed(spec, self.digests, stats))
        return files

    def _article_pages(self, shown: list[Article], find: Callable[[str], Article],
                       digests: dict[str, _Source], html: dict[str, str]) -> dict[str, bytes]:
        """The pages of these articles (whose listed fields are as at the last full pass),
        with the neighbours and related articles that pass found; `find` gives an article
        by id."""
        renderer = render.PageRenderer(self.config, (), html, counts=self.counts, env=self.env)
        files = {}
        for article in shown:
            newer, older, related = self.links[article.id]
            page = render.article_page_of(self.config, article, newer and find(newer),
                                          older and find(older), [find(r) for r in related])
            data = renderer.render(page)
            out = urls.output_file(article.url_path)
            self.pages[out] = (None, data)  # fingerprint None: recomputed at the next full pass
            self.bodies[article.id] = digests[article.id].full
            files[out] = data
        return files

    # --- loading -----------------------------------------------------------------------

    def _targeted(self, changed: set[Path] | None) -> list[Path] | None:
        """The changed content files, when a look at those alone is enough; else None.

        Only plain file changes of an already loaded site are taken at their word; a folder
        created, moved or deleted (or no list at all) means a walk of the whole tree.
        """
        if changed is None or not self.sources:
            return None
        content = self.config.content_dir
        mine = [p for p in changed if p.is_relative_to(content) and not p.name.startswith(".#")]
        return mine if all(p.suffix == ".md" for p in mine) else None

    def _load(self, stats: dict[str, int], changed: set[Path] | None
              ) -> tuple[tuple[Article, ...], dict[str, _Source]]:
        """Every article, re-reading only files whose stat changed; all errors at once."""
        targeted = self._targeted(changed)
        if targeted is None:
            fresh: dict[Path, _Source] = {}
            candidates = loader.content_files(self.config)  # a missing folder is an error
        else:
            fresh, candidates = dict(self.sources), targeted
        stale: list[tuple[Path, tuple[int, int, int]]] = []
        for path in candidates:
            fresh.pop(path, None)
            try:
                st = path.stat()
                stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
            except OSError:
                if not path.is_symlink():
                    continue  # deleted (or deleted while we looked: the next event says so)
                stamp = (0, 0, 0)  # a dangling or looping link: the loader says which
            cached = self.sources.get(path)
            if cached is None or cached.stamp != stamp:
                stale.append((path, stamp))
            fresh[path] = cached
        # Parsed on every core when many (a cold build), in path order either way.
        for (path, _), source in zip(stale, fork_map(self._read, stale, PARALLEL_READ)):
            if source.errors and not os.path.lexists(path):
                fresh.pop(path, None)  # deleted between its stat and its reading: as above
                continue
            fresh[path] = source
        stats["parsed"] += len(stale)
        self.sources = fresh
        loaded = [s.article for s in fresh.values() if s.article is not None]
        errors = [e for s in fresh.values() for e in s.errors] + \
            loader.duplicates(self.config, loaded)
        if errors:  # in path order, as a full build reports them
            ordered = sorted(fresh.items())
            loaded = [s.article for _, s in ordered if s.article is not None]
            raise ErrorList([e for _, s in ordered for e in s.errors]
                            + loader.duplicates(self.config, loaded))
        by_id = {a.id: s for s in fresh.values() if (a := s.article) is not None}
        published = loader.publishable(loaded, self.drafts)
        shown = {a.id for a in published}
        waiting = [a.date for a in loaded if not a.draft and a.id not in shown]
        self.release = min(waiting) if waiting and not self.drafts else None
        return published, by_id

    def _read(self, job: tuple[Path, tuple[int, int, int]]) -> _Source:
        path, stamp = job
        try:
            article = loader.load_file(self.config, path)
        except ErrorList as exc:
            return _Source(stamp, errors=tuple(exc.errors))
        except SiteBuilderError as exc:
            return _Source(stamp, errors=(exc,))
        # Listings show no body: a body edit must not re-render every list it is on.
        return _Source(stamp, article, (), *article_digests(article))

    def _html(self, articles: tuple[Article, ...], digests: dict[str, _Source]) -> dict[str, str]:
        """Each body's HTML, converted again only when the article changed."""
        stale = [a for a in articles
                 if (cached := self.html.get(a.id)) is None or cached[0] != digests[a.id].full]
        converted = self.markdown.html_many([a.body for a in stale])  # on every core if many
        fresh = {a.id: self.html[a.id] for a in articles if a.id in self.html}
        fresh.update((a.id, (digests[a.id].full, out)) for a, out in zip(stale, converted))
        self.html = fresh
        return {key: value[1] for key, value in fresh.items()}

    # --- rendering ---------------------------------------------------------------------

    def _render(self, articles, digests, html, stats) -> dict[str, bytes]:
        """Every output file; stale pages rendered again, the rest taken from the last build."""
        templates = self._template_keys()
        if templates != self.compiled:  # the environment does not reload them by itself
            self.env.cache.clear()
            self.compiled = templates
        # What every listing shows: if only bodies changed, only those articles' own pages
        # (and feeds that carry them) can differ: the common edit skips all the rest.
        shape = (tuple((a.id, digests[a.id].card) for a in articles), repr(self.config), templates)
        if shape == self.shape:
            return self._render_bodies(articles, digests, html, stats)
        self.shape = shape
        return self._render_all(articles, digests, html, stats, templates)

    def _render_bodies(self, articles, digests, html, stats) -> dict[str, bytes]:
        """Re-render the pages of articles whose body changed; everything else is as it was."""
        stale = [a for a in articles if self.bodies.get(a.id) != digests[a.id].full]
        if stale:
            if not self.counts:  # a builder restored from the cache
                self.counts = render.region_counts(self.config, articles)
            by_id = {a.id: a for a in articles}
            self._article_pages(stale, by_id.__getitem__, digests, html)
        stats["rendered"] += len(stale)
        files = {out: data for out, (_, data) in self.pages.items()}
        return self._with_the_rest(files, articles, digests, html, stats)

    def _render_all(self, articles, digests, html, stats, templates) -> dict[str, bytes]:
        """Every page, rendering again those whose fingerprint changed."""
        config = self.config
        self.bodies = {a.id: digests[a.id].full for a in articles}
        site_pages = render.pages(config, articles)
        renderer = render.PageRenderer(config, articles, html, env=self.env)
        self.counts = renderer.counts
        site_key = digest(config, renderer.nav, renderer.counts)
        pages: dict[str, tuple[tuple, bytes | None]] = {}
        stale: list[tuple[str, render.Page]] = []
        self.links = {}
        for page in site_pages:
            out = urls.output_file(page.path)
            if "related" in page.context:
                self.links[page.context["article"].id] = _links(page.context)
            # A plain tuple, compared with ==: hashing 10,000 of them would cost more.
            key = (site_key, templates.get(page.template, ""), page.path, page.title,
                   page.lastmod, page.feeds, _digest(page.context, digests))
            cached = self.pages.get(out)
            if cached is None or cached[0] != key:
                cached = (key, None)
                stale.append((out, page))
            pages[out] = cached
        for (out, _), data in zip(stale, renderer.render_many([page for _, page in stale])):
            pages[out] = (pages[out][0], data)
        stats["rendered"] += len(stale)
        files = {out: data for out, (_, data) in pages.items()}
        self.pages = pages
        listed = sitemap.listed(site_pages)
        self._derived("sitemap", digest(config.base_url, listed),
                      lambda: sitemap.sitemap_files(config, listed), stats)
        return self._with_the_rest(files, articles, digests, html, stats)

    def _with_the_rest(self, files, articles, digests, html, stats) -> dict[str, bytes]:
        """The pages plus feeds (made again if an article they carry changed), sitemap, assets."""
        config = self.config
        specs = feeds.feed_specs(config, articles)
        self.specs = {spec.page: spec for spec in specs}
        for spec in specs:  # each feed made again only if an article it carries changed
            files.update(self._feed(spec, digests, stats, html))
        files.update(self._derived("opml", digest(config, [(s.title, s.page) for s in specs]),
                                   lambda: {"feeds.opml": opml.opml(config, specs)}, stats))
        files.update(self.derived["sitemap"][1])
        files.update(static_files(config))
        return files

    def _feed(self, spec: feeds.FeedSpec, digests: dict[str, _Source], stats: dict[str, int],
              html: dict[str, str] | None = None) -> dict[str, bytes]:
        """A feed's three files, made again only if an article it carries changed."""
        key = digest(self.config, spec.title, spec.description, spec.page, spec.fallback_date,
                     [digests[a.id].full for a in spec.articles])
        if html is None:
            html = {a.id: self.html[a.id][1] for a in spec.articles}
        return self._derived(f"feed {spec.page}", key,
                             lambda: feeds.spec_files(self.config, spec, html), stats)

    def _derived(self, name: str, key: str, make: Callable[[], dict[str, bytes]],
                 stats: dict[str, int]) -> dict[str, bytes]:
        cached = self.derived.get(name)
        if cached is None or cached[0] != key:
            cached = (key, make())
            stats["rendered"] += len(cached[1])
        self.derived[name] = cached
        return cached[1]

    def _template_keys(self) -> dict[str, str]:
        """Per template: a digest of its source and of every template it pulls in."""
        sources: dict[str, str] = {}
        for name in self.env.list_templates():
            try:
                sources[name] = self.env.loader.get_source(self.env, name)[0]
            except (jinja2.TemplateNotFound, OSError):
                continue
        pulls: dict[str, set[str | None]] = {}
        for name, source in sources.items():
            cached = self.template_refs.get(name)
            if cached is None or cached[0] != source:
                try:
                    refs = set(jinja2.meta.find_referenced_templates(self.env.parse(source)))
                except jinja2.TemplateSyntaxError:
                    refs = {None}
                cached = self.template_refs[name] = (source, refs)
            pulls[name] = cached[1]
        everything = digest(sorted(sources.items()))
        keys = {}
        for name in sources:
            seen, todo = set(), [name]
            while todo:
                current = todo.pop()
                if current is None:  # a dynamic include: any template may be used
                    keys[name] = everything
                    break
                if current not in seen:
                    seen.add(current)
                    todo.extend(pulls.get(current, ()))
            else:
                keys[name] = digest(sorted((n, sources.get(n)) for n in seen))
        return keys


class _Clock:
    """Seconds per stage of a rebuild, for the -v account."""

    def __init__(self):
        self.last = time.perf_counter()
        self.laps: list[tuple[str, float]] = []

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps.append((name, now - self.last))
        self.last = now

    def __str__(self) -> str:
        return " ".join(f"{name} {seconds:.2f} s" for name, seconds in self.laps)


def _links(context: dict[str, Any]) -> tuple[str | None, str | None, tuple[str, ...]]:
    """An article page's neighbours in time and related articles, by id."""
    newer, older = context["newer"], context["older"]
    return (newer.id if newer else None, older.id if older else None,
            tuple(a.id for a in context["related"]))


def _digest(value: Any, digests: dict[str, _Source]) -> Any:
    """A cheap stand-in for a page context, compared with ==: articles by their digests."""
    kind = type(value)
    if kind is Article:
        source = digests.get(value.id)
        return source.card if source else digest(value)
    if kind is dict:
        return tuple((key, _own(item, digests) if key == "article" else _digest(item, digests))
                     for key, item in value.items())
    if kind is list or kind is tuple:
        return tuple(_digest(item, digests) for item in value)
    if value is None or kind is str or kind is int:
        return value
    return repr(value)


def _own(article: Any, digests: dict[str, _Source]) -> Any:
    """The article of an article page counts with its body."""
    if type(article) is not Article:
        return _digest(article, digests)
    source = digests.get(article.id)
    return ("own", source.full if source else digest(article))
