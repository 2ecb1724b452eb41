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

from dataclasses import dataclass, field


@dataclass
class Scope:
    families: frozenset[str] | None = None
    articles: set[str] | None = None  # related.py adds the articles whose answers it scored
    months: frozenset[str] | None = None
    # What the plan found, for the next plan from the change to start from:
    # (family, casefolded name) -> the address of a name not at its slug's (names.py).
    moved: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def whole(self) -> bool:
        return self.families is None

    def family(self, path: str) -> bool:
        return self.families is None or path in self.families

    def article(self, ident: str) -> bool:
        return self.articles is None or ident in self.articles

    def month(self, month: str) -> bool:
        return self.months is None or month in self.months
