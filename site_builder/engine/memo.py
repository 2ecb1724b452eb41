"""What a long-lived engine (watch, serve) keeps between builds instead of reading it
from the store again; valid while the store is at the generation it last committed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from site_builder.engine.articles import Digests
from site_builder.engine.store import Stored
from site_builder.model import Brief

if TYPE_CHECKING:  # a build with nothing to do keeps a memo but imports no plan (~50 ms)
    from site_builder.engine.shelf import Shelf
    from site_builder.feeds.sitemap import SitemapEntry
    from site_builder.render.kept import Kept
    from site_builder.render.outputs import Output
    from site_builder.render.related import Answers


@dataclass(frozen=True, slots=True)
class Known(Digests):
    """A content file's article's digests, and its brief: the digests the plan gives the
    article cache are these very objects (100,000 articles: 100,000 fewer made a plan)."""

    brief: Brief


class Memo:
    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.generation: int | None = None
        self.briefs: dict[str, Known] | None = None  # content file -> its brief and digests
        # file -> the store's row (Store.outputs), every output's once loaded: a build that
        # looked at a few outputs only must not leave a partial list to stand for all.
        self.outputs: dict[str, Stored] | None = None
        # Every file of the last build (Store.output_paths), once read: kept with `outputs`.
        self.paths: set[str] | None = None
        self.plan: dict[str, Output] = {}  # file -> the plan entry last fingerprinted
        self.site: tuple[str, dict[str, str]] | None = None  # site digest, template keys
        self.counts: str | None = None
        self.related: Answers | None = None  # related.Related's answers, once loaded
        self.kept: Kept | None = None  # the last plan's indexes over every article (kept.py)
        self.shelf: Shelf | None = None  # the briefs sifted and sorted (shelf.py)
        # The pages' sitemap entries (path -> entry) as the last plan from the change left
        # them in the store (replan.sitemap_outputs); None: read from the store.
        self.sitemap_pages: dict[str, SitemapEntry] | None = None
        self.dumped = False  # whether a plan left `kept` in the state folder (planning.py)
