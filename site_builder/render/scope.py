"""What one plan makes: the whole site, or only the parts a change to a few articles can
reach (the engine's plan from the change, engine/replan.py, which finds those parts).

A listing family is known by its listing's path: '' for the front page, a region's,
country's, tag's or author's folder; its pages and its feed (with the feed's archives)
are planned together. Article pages are known by their article's id, archive months by
'yyyy/mm'. Whatever is None is planned in full. The parts that every change reaches
(the index pages of names and months, the subscribe page, corrections, standalone pages,
the OPML, the news sitemap) are always planned; the files no article changes (static
files, robots.txt, the search and 404 pages, pictures, aliases) and the sitemaps
(which the engine makes from what it kept, sitemaps.py) only in full.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from site_builder.render.outputs import Output

# A family's front page, as planned, and its numbered pages' ids (page 1 first) -> the
# oldest numbered page the change may reach (replan.oldest_reached; 0: every page).
Oldest = Callable[[Output, Sequence[tuple[str, ...]]], int]


@dataclass
class Scope:
    families: frozenset[str] | None = None
    articles: set[str] | None = None  # related.py adds the articles whose answers it scored
    months: frozenset[str] | None = None
    # What the plan found, for the next plan from the change to start from:
    # (family, casefolded name) -> the address of a name not at its slug's (names.py).
    moved: dict[tuple[str, str], str] = field(default_factory=dict)
    # A family's numbered pages and feed archives older than the change are not planned
    # (100,000 stories: 34,000 outputs made and dropped): `oldest` says which they are.
    oldest: Oldest | None = None
    floors: dict[str, int] = field(default_factory=dict)  # family -> its first page planned

    def first_page(self, front: Output, chunks: Sequence[tuple[str, ...]]) -> int:
        """The first numbered page of a listing family to plan (1: all of them)."""
        if self.oldest is None:
            return 1
        floor = self.floors[front.path] = max(1, self.oldest(front, chunks))
        return floor

    def first_archive(self, page: str) -> int:
        """The first feed archive of a family to plan: its listing's first page."""
        return self.floors.get(page, 1)

    @property
    def whole(self) -> bool:
        return self.families is None

    def family(self, path: str) -> bool:
        return self.families is None or path in self.families

    def article(self, ident: str) -> bool:
        return self.articles is None or ident in self.articles

    def month(self, month: str) -> bool:
        return self.months is None or month in self.months
