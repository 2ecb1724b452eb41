"""The names of tags and authors as listings show them (issue 23).

A name's listing is at its slug ('Shipping' -> tags/shipping/); spellings that differ only
in case share it. Different names can slug alike ('C++' and 'C#' -> c, 'José' and 'Jose'
-> jose): each keeps a listing of its own, the first in the order of their names at the
slug's address and the others at '<slug>-2/', '<slug>-3/', with a warning; the article
pages that link a moved name get its address in their data (ArticleData.addresses), so
they are rendered again when it moves. Bidirectional controls are taken out of names
(urls.plain_name): one left open turns a page's title or a feed's title around.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from functools import lru_cache

from site_builder import urls
from site_builder.model import Listed
from site_builder.render.kept import Kept
from site_builder.render.outputs import Address

log = logging.getLogger("site_builder")


def groups(
    articles: Sequence[Listed], attr: str, path_of: Callable[[str], str]
) -> dict[str, tuple[str, list[str]]]:
    """Listing path -> (display name, its article ids), for the names articles carry in
    `attr`. Spellings that differ only in case share a listing (the newest article's
    spelling names it); different names that slug alike ('C++', 'C#') get one address
    each, in the order of their names, and a warning."""
    spelled: dict[str, str] = {}  # casefolded name -> its spelling
    found: dict[str, list[str]] = {}  # spelling -> ids
    # Articles repeat the same few lists of names: each list is cleaned and folded once.
    cleaned: dict[tuple[str, ...], tuple[tuple[str, str], ...]] = {}
    for article in articles:
        names = getattr(article, attr)
        folded = cleaned.get(names)
        if folded is None:
            folded = cleaned[names] = _fold(names)
        for key, name in folded:
            mine = found.setdefault(spelled.setdefault(key, name), [])
            if not mine or mine[-1] != article.id:
                mine.append(article.id)
    return _addressed(found, path_of)


def kept_groups(
    kept: Kept, attr: str, path_of: Callable[[str], str]
) -> dict[str, tuple[str, list[str]]]:
    """`groups` of the articles last given to `kept`, from its index of their names (kept
    by difference): the same names, spellings, ids and order of first appearance."""
    index = kept.index(attr, lambda article: [key for key, _ in _folded(getattr(article, attr))])
    firsts = []
    for key, ids in index.groups.items():
        newest = _folded(getattr(kept.briefs[ids[0]], attr))
        at = next(n for n, (k, _) in enumerate(newest) if k == key)
        firsts.append((kept.rank[ids[0]], at, newest[at][1], ids))
    firsts.sort(key=lambda first: first[:2])
    return _addressed({name: ids for _, _, name, ids in firsts}, path_of)


def _fold(names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """A list of names cleaned, each once, with its casefolded key."""
    plain = dict.fromkeys(filter(None, map(urls.plain_name, names)))
    return tuple((name.casefold(), name) for name in plain)


# A warm plan folds the lists of the articles that changed, and of each group's newest.
_folded = lru_cache(maxsize=4096)(_fold)


def _addressed(
    found: dict[str, list[str]], path_of: Callable[[str], str]
) -> dict[str, tuple[str, list[str]]]:
    """Listing path -> (name, ids) of names with their ids, in order of first appearance."""
    alike: dict[str, list[str]] = {}
    for name in found:
        alike.setdefault(path_of(name), []).append(name)
    groups: dict[str, tuple[str, list[str]]] = {}
    for path, names in alike.items():
        names.sort(key=lambda name: (name.casefold(), name))
        groups[path] = (names[0], found[names[0]])
        number = 1
        for name in names[1:]:
            number += 1
            while f"{path[:-1]}-{number}/" in alike.keys() | groups.keys():  # taken
                number += 1
            groups[f"{path[:-1]}-{number}/"] = (name, found[name])
        if len(names) > 1:
            log.warning(
                "warning: %s share the address %s; each has its own: %s",
                " and ".join(f"'{name}'" for name in names),
                path,
                ", ".join(f"'{n}' at {p}" for p, (n, _) in groups.items() if n in names),
            )
    return groups


def addresses(article: Listed, moved: dict[tuple[str, str], str]) -> tuple[Address, ...]:
    """The article's tags and authors whose listing is not at their slug's address."""
    if not moved:
        return ()
    named = [("tags", n) for n in article.tags] + [("authors", n) for n in article.authors]
    return tuple(
        Address(family, name, moved[family, urls.plain_name(name).casefold()])
        for family, name in named
        if (family, urls.plain_name(name).casefold()) in moved
    )
