"""A partial that listings include many times (`_teaser.html`) rendered once for each
different thing it shows, and reused by every page that shows the same.

A build's ~1,750 tag pages, country, region and home pages and article pages show each
article's card many times over, and rendering it was a tenth of a cold build. An include
sees its page's whole context, so an entry is keyed by every name the partial's source
reads, by value: scalars (the `teaser_*` switches), an article by its id, the site-wide
values by name. `url` and `pictures` differ from page to page, so what the partial asked
of them is recorded with the answers, and an entry is reused on a page that answers the
same (relative links from a page in the same folder, or at the same depth when the links
leave its folders). A partial that reads anything else of its page (`page`, a list, the
counts), or pulls in a template with the page's context, is rendered every time, as before.
Reading an article's body while rendering is recorded (renderer.Reads) and replayed on
every reuse, so the engine knows what the page depends on.

The memo lives as long as its renderer: one build, whose articles and templates do not
change while it renders.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol

import jinja2
import jinja2.meta
from jinja2 import nodes
from jinja2.runtime import Context
from markupsafe import Markup

from site_builder.model import Article

PARTIALS = frozenset({"_teaser.html"})
SCOPE = "site_builder.partials"  # the page context's entry: no template can name it
RECORDED = ("url", "pictures")  # page values asked of, by argument
_SCALARS = frozenset({str, Markup, int, float, bool, type(None)})
_MISSING, _ASKED, _SITEWIDE = ("missing",), ("asked",), ("site-wide",)

Render = Callable[[Context], Iterator[str]]


class MemoTemplate(jinja2.Template):
    """The environment's template class: a memoised partial renders through its page's
    Scope (no scope, as outside the renderer: rendered as usual)."""

    @classmethod
    def from_code(cls, environment, code, globals, uptodate=None):
        template = super().from_code(environment, code, globals, uptodate)
        if template.name in PARTIALS:
            template.root_render_func = _through_scope(template.name, template.root_render_func)
        return template


def _through_scope(name: str, render: Render) -> Render:
    def root(context: Context) -> Iterator[str]:
        scope = context.get(SCOPE)
        if scope is None:
            yield from render(context)
        else:
            yield scope.render(name, render, context)

    return root


class ReadLog(Protocol):
    """What a page read beyond its plan (renderer.Reads)."""

    bodies: set[str]
    counts: bool


class Memo:
    """One renderer's partials, rendered: key -> recorded questions -> answers -> HTML."""

    def __init__(self) -> None:
        self.entries: dict[tuple, dict[tuple, dict[tuple, Shown]]] = {}
        self.names: dict[str, tuple[str, ...] | None] = {}
        self.rendered = 0  # partials rendered, not reused: what tests count

    def free_names(self, env: jinja2.Environment, name: str) -> tuple[str, ...] | None:
        """The names a partial reads from its context; None when it cannot be memoised."""
        if name not in self.names:
            assert env.loader is not None
            tree = env.parse(env.loader.get_source(env, name)[0])
            imports: list[nodes.Import | nodes.FromImport] = [
                *tree.find_all(nodes.Import),
                *tree.find_all(nodes.FromImport),
            ]
            pulls = any(tree.find_all((nodes.Include, nodes.Extends))) or any(
                node.with_context for node in imports
            )
            free = tuple(sorted(jinja2.meta.find_undeclared_variables(tree)))
            self.names[name] = None if pulls else free
        return self.names[name]


class Shown:
    """A partial's HTML, and what rendering it read of its page (replayed on reuse)."""

    __slots__ = ("bodies", "counts", "html")

    def __init__(self, html: str, bodies: frozenset[str], counts: bool):
        self.html, self.bodies, self.counts = html, bodies, counts


class Scope:
    """One page's view of the memo: its own `url`, `pictures` and site-wide values."""

    def __init__(
        self, memo: Memo, reads: ReadLog, page: Mapping[str, Any], sitewide: Mapping[str, Any]
    ):
        """`sitewide`: the values every page of the renderer is given, by name (a page that
        has another value under one of these names has its own)."""
        self.memo, self.reads, self.sitewide = memo, reads, sitewide
        self.page = {n: page[n] for n in RECORDED}

    def render(self, name: str, render: Render, context: Context) -> str:
        names = self.memo.free_names(context.environment, name)
        key = None if names is None else self._key(name, names, context)
        if key is None:
            self.memo.rendered += 1
            return "".join(render(context))
        questions = self.memo.entries.setdefault(key, {})
        for asked, by_answers in questions.items():
            shown = by_answers.get(self._answers(asked))
            if shown is not None:
                self.reads.bodies.update(shown.bodies)
                self.reads.counts |= shown.counts
                return shown.html
        asked_now: list[tuple[str, Any]] = []
        html, shown = self._render(render, context, asked_now)
        if shown is not None:
            asked = tuple(asked_now)
            questions.setdefault(asked, {})[self._answers(asked)] = shown
        return html

    def _key(self, name: str, names: tuple[str, ...], context: Context) -> tuple | None:
        """Two values a name, flat (a build keeps tens of thousands of keys): what kind of
        value it has, and the value or the article's id."""
        key: list[Any] = [name]
        globals_ = context.environment.globals
        for n in names:
            value = context.resolve_or_missing(n)
            kind = type(value)
            if value is jinja2.utils.missing:
                key += (_MISSING, None)
            elif kind in _SCALARS:
                key += (kind, value)
            elif isinstance(value, Article):
                key += (Article, value.id)
            elif n in self.page and value is self.page[n]:
                key += (_ASKED, None)  # answered by the page, recorded as asked
            elif value is self.sitewide.get(n, _MISSING) or value is globals_.get(n, _MISSING):
                key += (_SITEWIDE, None)
            else:
                return None
        return tuple(key)

    def _answers(self, asked: tuple[tuple[str, Any], ...]) -> tuple:
        return tuple(_frozen(self._ask(n, arg)) for n, arg in asked)

    def _ask(self, name: str, arg: Any) -> Any:
        value = self.page[name]
        return value(arg) if name == "url" else value.get(arg, _MISSING)

    def _render(self, render: Render, context: Context, asked: list) -> tuple[str, Shown | None]:
        """The partial rendered with the page's url and pictures recording what was asked
        of them, and what to keep of it: None when it iterated the pictures (which a
        reuse could not check)."""
        self.memo.rendered += 1
        reads = self.reads
        before, counted = reads.bodies, reads.counts
        reads.bodies, reads.counts = set(), False
        url = self.page["url"]
        pictures = _Lookups(self.page["pictures"], asked)

        def recording_url(path: str) -> str:
            asked.append(("url", path))
            return url(path)

        context.vars.update(url=recording_url, pictures=pictures)
        try:
            html = "".join(render(context))
        finally:
            read, reads.bodies = reads.bodies, before | reads.bodies
            read_counts, reads.counts = reads.counts, counted or reads.counts
        if pictures.wide:
            return html, None
        return html, Shown(html, frozenset(read), read_counts)


class _Lookups(Mapping):
    """A page's pictures, recording which were looked up; iterating them is not recorded."""

    def __init__(self, real: Mapping, asked: list):
        self.real, self.asked, self.wide = real, asked, False

    def __getitem__(self, key: Any) -> Any:
        self.asked.append(("pictures", key))
        return self.real[key]

    def __iter__(self) -> Iterator:
        self.wide = True
        return iter(self.real)

    def __len__(self) -> int:
        self.wide = True
        return len(self.real)


def _frozen(value: Any) -> Any:
    """A hashable copy of an answer (a picture's view is dicts and lists)."""
    if isinstance(value, dict):
        return tuple((k, _frozen(v)) for k, v in value.items())
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value
