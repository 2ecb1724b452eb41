"""The news desk's layout of the plan's listings and article pages: what leads, what follows,
and what stands beside.

Run over the planned outputs (as pictures.py is), it decides for each listing's first page:

- the front page: the lead (content/curation.py's rule over every published story, so a
  featured older one leads), the next `SECONDARY` newest, the rest of its first page as the
  "Latest" river, and a block per region with its newest stories;
- a region's first page: its lead and river, and a rail of the other regions' newest story
  and its stories' countries; a tag's, country's or author's: its lead and river, and a
  rail of its stories' countries and regions (no other listing's news: a tag page must not
  change with every story filed anywhere);
- an article page: "More from <region>", the stories of its region nearest to it in time
  (so a new story changes the rail of its few neighbours, not of its whole region).

All of it is ids in the outputs' data and cards, so the engine's fingerprints see every
change to what a page shows (a story featured, its expiry passed, a body emptied).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from itertools import islice
from typing import cast

from site_builder.content import curation
from site_builder.model import Listed
from site_builder.render.kept import Kept
from site_builder.render.outputs import ArticleData, Block, ListingData, Output, ShownPicture

SECONDARY = 4  # stories under the lead on the front page, at most
RIVER = 3  # stories left for the "Latest" river before secondary ones are taken
BLOCK = 4  # stories in a region's block on the front page
MORE = 4  # "More from <region>" beside an article
RAIL_COUNTRIES = 12


def arranged(
    outputs: list[Output],
    articles: Sequence[Listed],
    shown: dict[str, ShownPicture],
    regions: Sequence[str],
    now: dt.datetime,
    kept: Kept | None = None,
) -> list[Output]:
    """The outputs with their listings' first pages and article pages laid out; `kept`:
    what a warm plan keeps over `articles` (kept.py), given them last."""
    desk = _Desk(articles, shown, regions, now, kept)
    out = []
    for output in outputs:
        data = output.data
        if isinstance(data, ListingData) and data.number is None:
            output = desk.listing(output, data)
        elif isinstance(data, ArticleData):
            more = desk.more(output.full[0])
            output = Output(
                output.path, output.kind, replace(data, more=more), output.cards + more, output.full
            )
        out.append(output)
    return out


class _Desk:
    """Each region's stories (ids, newest first) and a story's place among them: from every
    story, or looked up in a warm plan's indexes (a plan from the change lays out a few
    pages, and need not go over 100,000 stories for them)."""

    def __init__(
        self,
        articles: Sequence[Listed],
        shown: dict[str, ShownPicture],
        regions: Sequence[str],
        now: dt.datetime,
        kept: Kept | None = None,
    ):
        self.articles, self.shown, self.now = articles, shown, now
        self.regions = regions
        self.ids: dict[str, list[str]] = {slug: [] for slug in regions}
        self.featured: list[Listed] | None = None  # None: found among the articles
        if kept is None:
            self.by_id: Mapping[str, Listed] = {a.id: a for a in articles}
            for article in articles:
                self.ids.setdefault(article.region, []).append(article.id)
            places = {i: n for mine in self.ids.values() for n, i in enumerate(mine)}
            self.place: Callable[[str], int] = places.__getitem__
        else:
            self.by_id, rank = kept.briefs, kept.rank
            self.ids.update(cast(dict[str, list[str]], kept.index("regions", _region).groups))
            featured = kept.index("featured", _featured).groups.get(True, [])
            self.featured = [self.by_id[i] for i in featured]

            def place(ident: str) -> int:
                mine = self.ids[self.by_id[ident].region]
                return bisect.bisect_left(mine, rank[ident], key=rank.__getitem__)

            self.place = place

    def _lead(self, stories: Sequence[Listed], home: bool = False) -> Listed | None:
        featured = self.featured if home else None
        return curation.lead(stories, self.shown.__contains__, self.now, featured)

    def listing(self, output: Output, data: ListingData) -> Output:
        ids = output.cards[: len(output.cards) - sum(len(b.ids) for b in data.blocks)]
        stories = [self.by_id[i] for i in ids]
        home = data.kind == "home"
        lead = self._lead(self.articles, True) if home else self._lead(stories)
        if lead is None:
            return output
        rest = [i for i in ids if i != lead.id]
        # A small front page keeps a few stories for its river: two under the lead at least.
        under = max(min(SECONDARY, len(rest) - RIVER), min(2, len(rest)))
        top = (lead.id, *rest[:under]) if home else (lead.id,)
        listed = tuple(ids) + (() if lead.id in ids else (lead.id,))
        if home:
            blocks = self._blocks(set(top))
            rail: tuple[Block, ...] = ()
        else:
            blocks = ()
            rail = self._rail(data, stories)
        cards = listed + tuple(i for b in (*blocks, *rail) for i in b.ids)
        countries = () if data.kind == "country" else _countries(stories)
        data = replace(data, blocks=blocks, top=top, rail=rail, countries=countries)
        return Output(output.path, output.kind, data, cards, output.full)

    def _blocks(self, taken: set[str]) -> tuple[Block, ...]:
        """A block per region with stories: its newest not already on top, else its newest."""
        blocks = []
        for slug in self.regions:
            filed = self.ids.get(slug, ())
            mine = list(islice((i for i in filed if i not in taken), BLOCK))
            if not mine and filed:
                mine = [filed[0]]
            if mine:
                blocks.append(Block(slug, tuple(mine)))
        return tuple(blocks)

    def _rail(self, data: ListingData, stories: Sequence[Listed]) -> tuple[Block, ...]:
        """A region's page: the other regions' newest story each. Any other listing: the
        regions its stories are filed under, each with no story (a link)."""
        if data.kind == "region":
            return tuple(
                Block(slug, (self.ids[slug][0],))
                for slug in self.regions
                if slug != data.region and self.ids.get(slug)
            )
        filed = dict.fromkeys(a.region for a in stories)
        return tuple(Block(slug, ()) for slug in self.regions if slug in filed)

    def more(self, ident: str) -> tuple[str, ...]:
        """The stories of the article's region nearest to it in time, newer ones first.

        Nearest by places, a tie to the newer: half of MORE from each side (the newer
        side's first when MORE is odd), the rest from one side where the other runs out;
        counted, not sorted, since every plan does it for every article."""
        mine = self.ids[self.by_id[ident].region]
        at = self.place(ident)
        newer = min(at, max((MORE + 1) // 2, MORE - (len(mine) - at - 1)))
        return (*mine[at - newer : at], *mine[at + 1 : at + 1 + MORE - newer])


def _region(article: Listed) -> tuple[str]:
    return (article.region,)


def _featured(article: Listed) -> tuple[bool, ...]:
    return (True,) if article.featured else ()


def _countries(stories: Sequence[Listed]) -> tuple[str, ...]:
    """The countries a listing's stories are about, the most named first."""
    counted = Counter(c for a in stories for c in a.countries)
    return tuple(name for name, _ in sorted(counted.items(), key=lambda kv: (-kv[1], kv[0])))[
        :RAIL_COUNTRIES
    ]
