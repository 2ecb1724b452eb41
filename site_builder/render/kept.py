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

A one-off build (the command line) has no memo: it starts from what the last such plan
dumped (`dump`, `restore`), with each article's version (a digest of everything its brief
is made from) in place of the brief. Its first update finds the difference by version; the
indexes and values dumped are given their functions when first asked for, and brought up to
date then. So what was dumped is right for any later articles, whatever built between.
"""

from __future__ import annotations

import bisect
import marshal
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
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


# What `dump` writes: bump it when the kept values change shape or meaning.
FORMAT = 1


@dataclass
class Restored:
    """What a dump held, until the first update brings it up to date."""

    versions: dict[str, str]  # id -> version of each article dumped
    now: Mapping[str, str]  # id -> version of each article now (every content file's)
    indexes: dict[str, tuple[dict[Hashable, list[str]], dict[str, tuple[Hashable, ...]]]]
    values: dict[str, dict[str, Any]]


class Kept:
    """The articles the last plan was given, and the indexes kept with them."""

    def __init__(self) -> None:
        self.briefs: dict[str, Listed] = {}  # id -> the brief last planned
        self.indexes: dict[str, Index] = {}
        self.rank: dict[str, int] = {}  # id -> its place, newest first, in the last plan
        self.delta = Delta([], [], {})  # the last update's
        self.values: dict[str, tuple[Callable[[Listed], Any], dict[str, Any]]] = {}
        self.restored: Restored | None = None  # before the first update
        # After it, the dumped indexes and values not yet asked for (the versions are let go).
        self.loose: tuple[dict[str, Any], dict[str, Any]] = ({}, {})
        self.drift: int | None = None  # articles changed since the dump, if restored

    def index(self, name: str, keys_of: Callable[[Listed], Iterable[Hashable]]) -> Index:
        """The index `name`, made from every article (the first time) or kept."""
        index = self.indexes.get(name)
        if index is None:
            index = self.indexes[name] = Index(keys_of)
            dumped = self.loose[0].pop(name, None)
            if dumped is None:
                index.update(Delta([], list(self.briefs.values()), self.rank))
            else:
                index.groups, index.keys = dumped
                index.update(self.delta)
        return index

    def each(self, name: str, value_of: Callable[[Listed], Any]) -> dict[str, Any]:
        """Id -> `value_of` its article, for every article: made the first time, then
        kept (the caller must not change it)."""
        if name not in self.values:
            values = self.loose[1].pop(name, None)
            if values is None:
                values = {i: value_of(a) for i, a in self.briefs.items()}
            else:
                for ident in self.delta.gone:
                    values.pop(ident, None)
                values.update((a.id, value_of(a)) for a in self.delta.came)
            self.values[name] = value_of, values
        return self.values[name][1]

    def update(self, articles: Sequence[Listed]) -> Delta:
        """Bring every index up to these articles (newest first)."""
        before = self.briefs
        briefs = {a.id: a for a in articles}
        if self.restored is not None:  # by version: no brief was given yet
            then, now = self.restored.versions, self.restored.now
            gone = [i for i, v in then.items() if i not in briefs or now.get(i) != v]
            came = [a for a in articles if a.id not in then or then[a.id] != now.get(a.id)]
        else:
            gone = [i for i, a in before.items() if briefs.get(i) is not a]
            came = [a for a in articles if before.get(a.id) is not a]
        # Dumped indexes are brought up to date by the first update's difference only.
        restored, self.restored = self.restored, None
        self.loose = (restored.indexes, restored.values) if restored else ({}, {})
        self.drift = len(gone) + len(came) if restored else None
        self.briefs, self.rank = briefs, {a.id: n for n, a in enumerate(articles)}
        self.delta = Delta(gone, came, self.rank)
        for index in self.indexes.values():
            index.update(self.delta)
        for value_of, values in self.values.values():
            for ident in gone:
                del values[ident]
            values.update((a.id, value_of(a)) for a in came)
        return self.delta

    def dump(self, versions: Mapping[str, str], stamp: object) -> bytes | None:
        """The indexes and the values that are text, with each article's
        version (`versions`: id -> version, of every article given) and `stamp`, which
        `restore` is given back; None before the first update."""
        if not self.rank:
            return None
        # Text values only: records (a sitemap's entries) are made again from the briefs.
        values = {
            name: kept
            for name, (_, kept) in self.values.items()
            if all(value is None or type(value) is str for value in kept.values())
        }
        indexes = {name: (i.groups, i.keys) for name, i in self.indexes.items()}
        try:
            mine = {ident: versions[ident] for ident in self.briefs}
        except KeyError:  # an article with no version could not be told apart later
            return None
        dumped: Any = (FORMAT, stamp, mine, indexes, values)  # plain values all through
        return marshal.dumps(dumped)

    @classmethod
    def restore(cls, data: bytes, now: Mapping[str, str], stamp: object) -> Kept | None:
        """What `dump` wrote, if written with this `stamp`, to be given articles whose
        versions are `now` (id -> version: every content file's will do); else None."""
        try:  # loads, not load: load reads a file an object at a time (100,000: +1.2 s)
            form, was, versions, indexes, values = marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            return None
        if form != FORMAT or was != stamp:
            return None
        kept = cls()
        kept.restored = Restored(versions, now, indexes, values)
        return kept
