"""What a warm plan keeps of the last one's values over every article (watch and serve keep
it in their memo, engine/memo.py): the names' listings, the archive's months and the
groups related articles are found in, each brought up to date by the difference in
articles, not made again from all of them.

The difference is found by the briefs themselves, not from what the engine says changed:
an article whose brief is not the very object the last plan was given is planned again
(removed, then put in its place), and one no longer given is removed. The kept values are
then exactly what planning every article gives (tests/test_kept.py holds each to the plan's
own functions over random changes); a memo that does not match the store is cleared before
it is used (engine/pipeline.py), and a plan that fails clears it too.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from site_builder.model import Listed


@dataclass
class Delta:
    """How the articles differ from the last plan's."""

    gone: list[str]  # ids no longer planned as they were: deleted, unpublished or changed
    came: list[Listed]  # articles not planned as they are: new, published or changed; newest first
    rank: dict[str, int]  # id -> its place among the articles, newest first


class Index:
    """Key -> the ids of the articles that have it, newest first: the plan's groups of
    articles (a name's, a month's, a country's), kept by difference."""

    def __init__(self, keys_of: Callable[[Listed], Iterable[Hashable]]):
        self.keys_of = keys_of
        self.groups: dict[Hashable, list[str]] = {}
        self.keys: dict[str, tuple[Hashable, ...]] = {}  # id -> its keys, each once

    def update(self, delta: Delta) -> None:
        groups, rank = self.groups, delta.rank
        for ident in delta.gone:
            for key in self.keys.pop(ident, ()):
                group = groups[key]
                group.remove(ident)
                if not group:
                    del groups[key]
        for article in delta.came:  # newest first: a group filled afresh is appended to
            me = article.id
            keys = self.keys[me] = tuple(dict.fromkeys(self.keys_of(article)))
            at = rank[me]
            for key in keys:
                into = groups.get(key)
                if into is None:
                    groups[key] = [me]
                elif rank[into[-1]] < at:
                    into.append(me)
                else:
                    bisect.insort(into, me, key=rank.__getitem__)


class Kept:
    """The articles the last plan was given, and the indexes kept with them."""

    def __init__(self) -> None:
        self.briefs: dict[str, Listed] = {}  # id -> the brief last planned
        self.indexes: dict[str, Index] = {}
        self.rank: dict[str, int] = {}  # id -> its place, newest first, in the last plan
        self.delta = Delta([], [], {})  # the last update's
        self.values: dict[str, tuple[Callable[[Listed], Any], dict[str, Any]]] = {}

    def index(self, name: str, keys_of: Callable[[Listed], Iterable[Hashable]]) -> Index:
        """The index `name`, made from every article (the first time) or kept."""
        index = self.indexes.get(name)
        if index is None:
            index = self.indexes[name] = Index(keys_of)
            index.update(Delta([], list(self.briefs.values()), self.rank))
        return index

    def each(self, name: str, value_of: Callable[[Listed], Any]) -> dict[str, Any]:
        """Id -> `value_of` its article, for every article: made the first time, then
        kept (the caller must not change it)."""
        if name not in self.values:
            self.values[name] = value_of, {i: value_of(a) for i, a in self.briefs.items()}
        return self.values[name][1]

    def update(self, articles: Sequence[Listed]) -> Delta:
        """Bring every index up to these articles (newest first)."""
        before = self.briefs
        briefs = {a.id: a for a in articles}
        gone = [i for i, a in before.items() if briefs.get(i) is not a]
        came = [a for a in articles if before.get(a.id) is not a]
        self.briefs, self.rank = briefs, {a.id: n for n, a in enumerate(articles)}
        self.delta = Delta(gone, came, self.rank)
        for index in self.indexes.values():
            index.update(self.delta)
        for value_of, values in self.values.values():
            for ident in gone:
                del values[ident]
            values.update((a.id, value_of(a)) for a in came)
        return self.delta
