"""Every content file's brief in the orders a plan reads them, kept by difference.

A plan starts from every content file's brief sifted and sorted: the stories and pages
shown (newest first), those left out (drafts, and stories whose time has not come), the
moments the site must be planned again with no file changed (a release, a featured story's
expiry), and whether two files claim one id or one address. Sifting and sorting 100,000
briefs took 0.2 s of each plan. The shelf keeps each kind's briefs sorted; `watch` and
`serve` keep it in their memo (engine/memo.py) and bring it up to date by the briefs that
are no longer the very objects it was given, as render/kept.py does for the plan's indexes.
What it answers is what sifting every brief answers (tests/test_shelf.py holds it to
loader.publishable and loader.duplicates over random changes).

Sorted newest first by `newest_first` (-timestamp, id): an aware moment's timestamp is its
whole microseconds over 10**6, correctly rounded, and around today's dates doubles are
2**-22 s apart, finer than a microsecond: so the order by key is the order by date, and the
stories not due yet are the first of each kind's list.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from operator import attrgetter
from typing import Protocol

from site_builder.model import Brief

_KEY = attrgetter("newest_first")


class Filed(Protocol):
    """A content file as the memo knows it (memo.Known): its brief, among its digests."""

    @property
    def brief(self) -> Brief: ...


KINDS = ("article", "page")


class Shelf:
    def __init__(self) -> None:
        self.briefs: dict[str, Brief] = {}  # content file -> the brief last given
        self.rows: dict[str, list[Brief]] = {kind: [] for kind in KINDS}  # newest first
        self.drafts: dict[str, Brief] = {}  # content file -> a draft's brief
        self.featured: dict[str, Brief] = {}  # content file -> a brief with an expiry
        self.claims: Counter[Hashable] = Counter()  # each id and (language, address) claimed
        self.twice = 0  # claims made by more than one file: counted here, not looked for
        self.filed: Counter[tuple[str, bool]] = Counter()  # articles by (region, draft)

    def update(self, known: Mapping[str, Filed]) -> None:
        """Bring the shelf up to every content file's brief (content file -> its Known)."""
        mine = self.briefs
        came = [(path, k.brief) for path, k in known.items() if mine.get(path) is not k.brief]
        new = sum(1 for path, _ in came if path not in mine)
        gone = [p for p in mine if p not in known] if len(mine) + new != len(known) else []
        if len(came) > len(mine) // 8:  # the first time, or most briefs new: sorted once
            self.__init__()  # type: ignore[misc]
            self._fill([(path, k.brief) for path, k in known.items()])
            return
        for path in [*gone, *(path for path, _ in came if path in mine)]:
            self._take(path)
        for path, brief in came:
            self._put(path, brief)

    def _fill(self, came: list[tuple[str, Brief]]) -> None:
        for path, brief in came:
            self._note(path, brief)
        for brief in self.briefs.values():
            self.rows.setdefault(brief.kind, []).append(brief)
        for row in self.rows.values():
            row.sort(key=_KEY)

    def _note(self, path: str, brief: Brief) -> None:
        self.briefs[path] = brief
        for claim in (brief.id, (brief.lang, brief.url_path)):
            self.claims[claim] += 1
            self.twice += self.claims[claim] == 2
        if brief.kind == "article":
            self.filed[brief.region, brief.draft] += 1
        if brief.draft:
            self.drafts[path] = brief
        if brief.featured_until:
            self.featured[path] = brief

    def _put(self, path: str, brief: Brief) -> None:
        self._note(path, brief)
        bisect.insort(self.rows.setdefault(brief.kind, []), brief, key=_KEY)

    def _take(self, path: str) -> None:
        brief = self.briefs.pop(path)
        for claim in (brief.id, (brief.lang, brief.url_path)):
            self.claims[claim] -= 1
            self.twice -= self.claims[claim] == 1
            if not self.claims[claim]:
                del self.claims[claim]
        if brief.kind == "article":
            self.filed[brief.region, brief.draft] -= 1
        self.drafts.pop(path, None)
        self.featured.pop(path, None)
        row = self.rows[brief.kind]
        key = brief.newest_first
        at = bisect.bisect_left(row, key, key=_KEY)
        while row[at] is not brief:  # two files with one id and date: the same key
            at += 1
        del row[at]

    def claimed_twice(self) -> bool:
        """Whether two files claim one id, or one address in one language."""
        return self.twice > 0

    def in_path_order(self) -> list[Brief]:
        return [self.briefs[path] for path in sorted(self.briefs)]

    def shown(self, kind: str, drafts: bool, now: dt.datetime) -> list[Brief]:
        """The briefs of `kind` a build shows, newest first: drafts and those not due yet
        only with `drafts` (loader.publishable's rule)."""
        row = self.rows.get(kind, [])
        if drafts:
            return row[:]  # a copy: the shelf's own list changes with the next update
        due = row[_not_due(row, now) :]
        if any(d.kind == kind and d.date <= now for d in self.drafts.values()):
            return [b for b in due if not b.draft]
        return due

    def region_counts(
        self, regions: Iterable[str], drafts: bool, now: dt.datetime
    ) -> dict[str, int]:
        """How many articles of each of these regions a build shows (plan.region_counts
        of `shown("article", drafts, now)`)."""
        counts = dict.fromkeys(regions, 0)
        for (region, draft), count in self.filed.items():
            if region in counts and (drafts or not draft):
                counts[region] += count
        if not drafts:
            row = self.rows.get("article", [])
            for brief in row[: _not_due(row, now)]:
                if brief.region in counts and not brief.draft:
                    counts[brief.region] -= 1
        return counts

    def waiting(self, now: dt.datetime) -> list[Brief]:
        """The briefs whose time has not come, but drafts: each is released at its date."""
        return [
            brief
            for row in self.rows.values()
            for brief in row[: _not_due(row, now)]
            if not brief.draft
        ]

    def left_out(self, now: dt.datetime) -> list[Brief]:
        """What a build without drafts leaves out (drafts, those not due yet), by file."""
        out = {**self.drafts, **{str(b.path): b for b in self.waiting(now)}}
        return [out[path] for path in sorted(out)]


def _not_due(row: list[Brief], now: dt.datetime) -> int:
    """How many of a row's briefs (newest first) are dated after `now`."""
    return bisect.bisect_left(row, -now.timestamp(), key=_negated)


def _negated(brief: Brief) -> float:
    return -brief.date.timestamp()
