"""The articles one build looks at, read from the store as the plan and the renderer ask
for them: cards and digests, bodies, and the bodies' HTML (converted when not kept)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from pathlib import Path

from site_builder.config import SiteConfig
from site_builder.engine.keys import digest
from site_builder.engine.store import Store
from site_builder.model import Article, from_json


@dataclasses.dataclass(frozen=True, slots=True)
class Digests:
    card: str  # of every field but the body
    full: str  # of every field


class ArticleCache:
    """id -> card (body "") or whole article, its digests and body, for one build."""

    def __init__(
        self,
        config: SiteConfig,
        store: Store,
        html_many: Callable[[list[str]], list[str]],
    ):
        """`html_many`: Markdown bodies to HTML (markup.MarkdownConverter.html_many)."""
        self.config, self.store, self.html_many = config, store, html_many
        self.articles: dict[str, Article] = {}
        self.digests: dict[str, Digests] = {}
        self.bodies: dict[str, str] = {}
        self.cards: dict[str, Article] = {}  # id -> its card, of those given their bodies

    def load(self, ids: Iterable[str]) -> None:
        """These articles' cards and digests, from the store (those not loaded yet)."""
        for row in self.store.articles(set(ids) - set(self.articles)):
            self.digests[row.id] = Digests(row.card, row.full)
            self.articles[row.id] = from_json(json.loads(row.article), Path(row.path))

    def load_bodies(self, ids: set[str]) -> None:
        """These articles whole: their cards given their bodies."""
        missing = [i for i in ids if i not in self.bodies]
        for ident, body in self.store.bodies(missing):
            self.bodies[ident] = body
        for ident in ids:
            article = self.articles[ident]
            if article.body != self.bodies[ident]:
                self.cards.setdefault(ident, article)
                self.articles[ident] = dataclasses.replace(article, body=self.bodies[ident])

    def forget_bodies(self) -> None:
        """Back to cards alone: a build renders in batches, each with its own bodies."""
        self.articles.update(self.cards)
        self.cards.clear()
        self.bodies.clear()

    def body_of(self, ident: str) -> str:
        """A card's body, read from the store when a template asks for it."""
        if ident not in self.bodies:
            self.bodies.update(self.store.reader().bodies([ident]))
        return self.bodies.get(ident, "")

    def html(self, ids: set[str]) -> dict[str, str]:
        """The HTML of these articles' bodies: from the store, else converted now."""
        raw = f"{self.config.allow_raw_html} {self.config.typography}"
        keys = {i: digest([raw, self.bodies[i]]) for i in ids}
        known = {i: html for i, (key, html) in self.store.html(ids).items() if key == keys[i]}
        missing = [i for i in ids if i not in known]
        converted = self.html_many([self.bodies[i] for i in missing])
        known.update(zip(missing, converted))
        self.store.put_html((i, keys[i], known[i]) for i in missing)
        return known
