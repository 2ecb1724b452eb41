"""Related articles under an article page: found among its neighbours, remembered between
plans (watch) so that an unchanged neighbourhood is not scored again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from site_builder.model import Listed

RELATED = 4  # related articles under an article


@dataclass(frozen=True, slots=True)
class Answer:
    """What Related.of found for an article, and what it looked at to find it."""

    around: tuple[tuple[str, ...], ...]  # the windows of its groups it drew candidates from
    found: tuple[str, ...]
    candidates: set[str]


class Related:
    """Articles by country and by region, newest first, to find related ones quickly.

    Candidates are the few articles nearest in time in each of the article's country groups
    and its region; of those, the ones sharing most countries come first, then the same
    region, then the newer. Scoring only neighbours keeps a 10,000-article site linear.
    """

    def __init__(
        self,
        articles: Sequence[Listed],
        memo: dict[str, Answer],
        dirty: frozenset[str] | set[str],
    ):
        self.memo, self.dirty = memo, dirty  # id -> its last Answer; ids changed since
        self.articles = articles
        self.index: dict[str, int] | None = None  # id -> position: made when first needed
        by_country: dict[str, list[str]] = {}
        by_region: dict[str, list[str]] = {}
        self.spots: dict[str, list[tuple[list[str], int]]] = {}  # id -> its place in each group
        for article in articles:  # every plan runs this over every article: kept tight
            me = article.id
            spots = self.spots[me] = []
            for country in article.countries:
                group = by_country.get(country)
                if group is None:
                    group = by_country[country] = []
                elif group[-1] == me:
                    continue  # a country named twice
                spots.append((group, len(group)))
                group.append(me)
            group = by_region.get(article.region)
            if group is None:
                group = by_region[article.region] = []
            spots.append((group, len(group)))
            group.append(me)

    def _score(self) -> tuple[dict, dict]:
        """Each article's position and countries (as bits: shared ones counted by one AND)."""
        bits: dict[str, int] = {}
        self.index = {a.id: n for n, a in enumerate(self.articles)}
        self.masks = {
            a.id: sum(1 << bits.setdefault(c, len(bits)) for c in set(a.countries))
            for a in self.articles
        }
        return self.index, self.masks

    def of(self, article: Listed) -> tuple[str, ...]:
        """Up to RELATED article ids sharing countries or the region; most shared first.

        The answer depends on the article and the candidates around it, in order: when
        neither those nor any of them changed since the last plan, it is the last answer.
        """
        me, region = article.id, article.region
        around = tuple(
            tuple(group[max(0, here - RELATED) : here + RELATED + 1])
            for group, here in self.spots[me]
        )
        known = self.memo.get(me)
        if (
            known is not None
            and known.around == around
            and me not in self.dirty
            and self.dirty.isdisjoint(known.candidates)
        ):
            return known.found
        candidates = set().union(*around)
        candidates.discard(me)
        position, countries = (self.index, self.masks) if self.index else self._score()
        articles, mine = self.articles, countries[me]
        scored = sorted(
            [
                (
                    -(mine & countries[o]).bit_count(),
                    articles[position[o]].region != region,
                    position[o],
                    o,
                )
                for o in candidates
            ]
        )
        found = tuple(other for *_rank, other in scored[:RELATED])
        self.memo[me] = Answer(around, found, candidates)
        return found
