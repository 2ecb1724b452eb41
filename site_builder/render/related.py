"""Related articles under an article page: found among its neighbours, remembered between
plans (watch's memo, and the build state between `build` runs) so that only the changed
articles' neighbourhoods are scored again."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Collection, Iterable, Sequence

from site_builder.model import Listed
from site_builder.render.kept import Kept

RELATED = 4  # related articles under an article

Candidates = dict[str, frozenset[str]]


class Answers:
    """What Related.of found for each article of the last plan, and among which candidates.

    Answers and candidates not scored in this process are read from the build state when
    first needed (`read`, `more`): a plan from the change needs the answers of the few
    article pages it plans (at 100,000 articles reading every one was half a second), a
    whole plan reads them all at once (`load`)."""

    def __init__(
        self,
        found: dict[str, tuple[str, ...]] | None = None,
        more: Callable[[list[str]], Candidates] | None = None,
        unread: Iterable[str] = (),
        read: Callable[[list[str] | None], dict[str, tuple[str, ...]]] | None = None,
    ):
        self.found = found if found is not None else {}  # id -> its related ids (read)
        self.unread = set(unread) - self.found.keys()  # ids whose answer is not read yet
        self.read = read
        self.candidates: Candidates = {}  # id -> the articles it was scored among
        self.more = more
        self.scored: set[str] = set()  # ids scored since the answers were last saved

    def has(self, ident: str) -> bool:
        return ident in self.found or ident in self.unread

    def ids(self) -> set[str]:
        """Every article with an answer."""
        return self.found.keys() | self.unread

    def get(self, ident: str) -> tuple[str, ...]:
        if ident in self.unread:
            self.load([ident])
        return self.found[ident]

    def load(self, ids: Iterable[str] | None = None) -> None:
        """Read these answers (None: every one) where not read yet, in one go."""
        wanted = self.unread if ids is None else self.unread.intersection(ids)
        if not wanted or self.read is None:
            return
        got = self.read(None if len(wanted) == len(self.unread) else sorted(wanted))
        self.found.update((i, got[i]) for i in wanted if i in got)  # not over those scored
        self.unread -= wanted

    def candidates_of(self, ids: Iterable[str]) -> Candidates:
        """The candidates of these ids that have an answer."""
        ids = [i for i in ids if self.has(i)]
        missing = [i for i in ids if i not in self.candidates]
        if missing and self.more is not None:
            self.candidates.update(self.more(missing))
        return {i: self.candidates[i] for i in ids if i in self.candidates}

    def drop(self, ids: Iterable[str]) -> None:
        for ident in ids:
            self.found.pop(ident, None)
            self.unread.discard(ident)
            self.candidates.pop(ident, None)
            self.scored.discard(ident)


class Related:
    """Articles by country and by region, newest first, to find related ones quickly.

    Candidates are the few articles nearest in time in each of the article's country groups
    and its region; of those, the ones sharing most countries come first, then the same
    region, then the newer. Scoring only neighbours keeps a 10,000-article site linear.

    An answer is kept from the last plan unless the article changed or a changed one is
    among its candidates then or now. That is exact: an article's windows hold the same
    articles as before when no changed article is in them, before or now (the order of the
    unchanged ones is theirs alone: date, then id); and being candidates is mutual (B is
    within RELATED places of A in a group iff A is of B), so the articles to score again
    are found from the changed ones' candidates, not by looking at every article's.
    `dirty` must name every article changed, published or unpublished since `answers`.
    """

    def __init__(
        self,
        articles: Sequence[Listed],
        answers: Answers,
        dirty: Collection[str],
        kept: Kept | None = None,
    ):
        """`kept`: the groups kept by a warm plan, given these articles last (kept.py)."""
        self.answers = answers
        self.articles = articles
        self.index: dict[str, int] | None = None  # id -> position: made when first needed
        self.masks: dict[str, int] = {}
        self.bits: dict[str, int] = {}  # country -> its bit
        self.kept = kept.index("related", _groups_of) if kept is not None else None
        self.spots: dict[str, list[tuple[list[str], int]]] = {}  # id -> its place in each group
        if kept is not None:
            self.index = kept.rank
        else:
            self._spots_of(articles)
        self.again = self._again(dirty)

    def _spots_of(self, articles: Sequence[Listed]) -> None:
        by_country: dict[str, list[str]] = {}
        by_region: dict[str, list[str]] = {}
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

    def _places(self, me: str) -> list[tuple[list[str], int]]:
        """The article's groups, and its place in each."""
        if self.kept is None:
            return self.spots[me]
        assert self.index is not None
        rank, groups = self.index, self.kept.groups
        places = []
        for key in self.kept.keys[me]:
            group = groups[key]
            places.append((group, bisect.bisect_left(group, rank[me], key=rank.__getitem__)))
        return places

    def _again(self, dirty: Collection[str]) -> set[str]:
        """The articles to score: the changed and new ones, and their candidates before
        and now."""
        published = self.spots.keys() if self.kept is None else self.kept.keys.keys()
        changed = published - self.answers.found.keys() - self.answers.unread
        changed.update(dirty)
        again = set(changed)
        for candidates in self.answers.candidates_of(changed).values():
            again |= candidates
        for ident in changed:
            if ident in published:
                again |= self._candidates(ident)
        return again

    def _candidates(self, me: str) -> frozenset[str]:
        candidates = set().union(
            *(
                group[max(0, here - RELATED) : here + RELATED + 1]
                for group, here in self._places(me)
            )
        )
        candidates.discard(me)
        return frozenset(candidates)

    def _mask(self, ident: str) -> int:
        """An article's countries as bits (shared ones counted by one AND), made for the
        few articles scored or compared, not for every one."""
        mask = self.masks.get(ident)
        if mask is None:
            assert self.index is not None
            countries = set(self.articles[self.index[ident]].countries)
            bits = self.bits
            mask = self.masks[ident] = sum(1 << bits.setdefault(c, len(bits)) for c in countries)
        return mask

    def of(self, article: Listed) -> tuple[str, ...]:
        """Up to RELATED article ids sharing countries or the region; most shared first."""
        me, region = article.id, article.region
        if me not in self.again:
            return self.answers.get(me)
        candidates = self._candidates(me)
        if self.index is None:
            self.index = {a.id: n for n, a in enumerate(self.articles)}
        position, mask, articles = self.index, self._mask, self.articles
        mine = mask(me)
        scored = sorted(
            [
                (
                    -(mine & mask(o)).bit_count(),
                    articles[position[o]].region != region,
                    position[o],
                    o,
                )
                for o in candidates
            ]
        )
        found = tuple(other for *_rank, other in scored[:RELATED])
        answers = self.answers
        answers.found[me], answers.candidates[me] = found, candidates
        answers.unread.discard(me)
        answers.scored.add(me)
        return found


def _groups_of(article: Listed) -> list[tuple[str, str]]:
    """The groups an article's related ones are found in: its countries', its region's."""
    return [*(("country", c) for c in article.countries), ("region", article.region)]
