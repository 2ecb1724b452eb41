"""Which countries an article is about, most relevant first, and the region it is filed under."""

from __future__ import annotations

import re
import textwrap
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from site_builder import gazetteer
from site_builder.config import FALLBACK_REGION, Region
from site_builder.gazetteer import DEMONYM, ORG, Gazetteer, Match
from site_builder.ingest import dateline, gazetteer_ar

# Where a mention stands says how much it tells: the headline and the photo caption name
# what the story is about and where it happened; the lead confirms it; the body mentions
# everything in passing. The dateline says where the reporter filed from: evidence of the
# story's country (wire copy on a Tokyo company names no country but Tokyo), yet weaker
# than a headline naming its subject.
TITLE_WEIGHT, CAPTION_WEIGHT, LEAD_WEIGHT, BODY_WEIGHT = 3.0, 2.0, 2.0, 1.0
DATELINE_WEIGHT = 2.5
# A demonym ("Iranian documents") or an institution says who acts, less where it happens.
KIND_WEIGHT = {DEMONYM: 0.6, ORG: 0.5}
# "in Iraq", "across Sudan": where the story happens. "Israel says", "Saudi-led", "Iran moved",
# "backed by Iran", "ties with Tehran": an actor or a counterpart, often acting from elsewhere.
LOCATION_FACTOR, ACTOR_FACTOR, COUNTERPART_FACTOR = 2.0, 0.5, 0.4
# The lead's first words are its subject: "Madagascar extended its agreement with ...".
SUBJECT_FACTOR = 1.5
# "U.S. dollar", "Canadian dlrs", "yen bonds": money and markets trade everywhere, so a
# currency or market named after a country says almost nothing about where the story is.
MARKET_FACTOR = 0.15
_LOCATION_BEFORE = re.compile(
    r"\b(?i:in|inside|into|across|within|throughout|over|near)\s+"
    r"(?:the\s+)?(?:[\w-]+\s+)?$"
)
# "talks in Brussels", "a meeting in Vienna", "listed in Luxembourg": where delegates
# gather or paper is listed, not what the story is about.
_VENUE_BEFORE = re.compile(
    r"\b(?i:meeting|meetings|meet|talks|conference|summit|session|listing|listed|held|visit"
    r"|trip|hearing|exchange|court)\s+(?:[\w-]+\s+){0,2}(?i:in|at)\s+(?:the\s+)?$"
)
_ACTOR_BEFORE = re.compile(r"\b(?i:by|with)\s+(?:the\s+)?$")
_COUNTERPART_BEFORE = re.compile(r"\b(?i:to|from|against|between|versus|vs\.?)\s+(?:the\s+)?$")
_ACTOR_AFTER = re.compile(
    r"(?:-(?:led|backed|brokered|funded|supported|allied|aligned|sponsored|based|owned)\b"
    r"|\s+(?i:[a-z]+ed|says|say|announces|warns|accuses|denies|claims|urges|vows|rejects"
    r"|condemns|calls|threatens|demands|has|had|is|was|began|considers|sees|saw|wants|seeks"
    r"|will|would|could|can|must|may|took|takes|made|makes|told|tells)\b)"
)
# "the Paris accord", "the Paris Club", "the Uruguay round": an event named after a place.
_COUNTERPART_AFTER = re.compile(
    r"\s+(?i:accord|accords|agreement|pact|talks|summit|club|round|conference|treaty|protocol)\b"
)
_MARKET_AFTER = re.compile(
    r"(?:\s+|-)(?i:dollars?|dlrs?|francs?|marks?|yen|pounds?|sterling|lire|lira|pesos?|dinars?"
    r"|riyals?|rials?|rand|crowns?|kron[aeo]r?|guilders?|rupees?|baht|won|yuan|shekels?|ecus?"
    r"|currency|currencies|treasury|treasuries|bonds?|bond market|stocks?|stock markets?"
    r"|equities|futures|money market|interest rates?|prime rate|securities|eurobonds?)\b"
)
# A text mostly in capitals (a wire headline or dateline) is matched without regard to case.
CAPITALS_SHARE = 0.7
# A country is kept when it scores at least this share of the top score...
MIN_SHARE = 0.2
# ...and more than one passing mention in the body, unless it is in the title, caption or lead.
MIN_BODY_SCORE = 1.5
MAX_COUNTRIES = 6


@dataclass(frozen=True)
class Classification:
    """The region slug and the countries of an article, primary country first."""

    region: str
    countries: tuple[str, ...]
    scores: tuple[tuple[str, float], ...] = ()
    evidence: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def explain(self) -> str:
        """The scores that decided, with the mentions behind them: for `import -v`."""
        if not self.scores:
            return "no country named: filed under " + self.region
        reasons = dict(self.evidence)
        return "; ".join(
            f"{country} {score:g} ({', '.join(reasons.get(country, ()))})"
            for country, score in self.scores
        )

    def explain_lines(self, countries: int = 4, width: int = 96) -> list[str]:
        """explain() for a terminal: one short line per country (the strongest few), its
        mentions summed by place and word, the heaviest first."""
        if not self.scores:
            return [self.explain()]
        reasons = dict(self.evidence)
        lines = []
        for country, score in self.scores[:countries]:
            summed: dict[str, list[float]] = {}
            for item in reasons.get(country, ()):
                what, _, value = item.rpartition(" ")
                seen = summed.setdefault(what, [0, 0.0])
                seen[0], seen[1] = seen[0] + 1, seen[1] + float(value)
            ranked = sorted(summed.items(), key=lambda kv: -kv[1][1])
            mentions = ", ".join(
                f"{what}{f' x{n:g}' if n > 1 else ''} {total:+.3g}" for what, (n, total) in ranked
            )
            lines.append(
                textwrap.shorten(f"{country} {score:g}: {mentions}", width, placeholder=" …")
            )
        if len(self.scores) > countries:
            lines.append(f"and {len(self.scores) - countries} more countries")
        return lines


def classify(
    title: str, paragraphs: Sequence[str], regions: Sequence[Region], caption: str = ""
) -> Classification:
    """Classify an article by the countries it names, weighing title, caption and lead most.

    Never raises: with weak evidence the strongest country is kept, with none, `world`.
    """
    gaz = gazetteer.with_names(tuple(c for r in regions for c in r.countries))
    if gazetteer_ar.is_arabic(" ".join((title, caption, *paragraphs[:2]))):
        gaz = gazetteer_ar.with_arabic(gaz)  # built on the first Arabic article only
    tally = _Tally()
    sections = _sections(gaz, title, caption, paragraphs, tally)
    _score(gaz, sections, tally)
    tally.resolve_ambiguous()
    scores, first_seen, prominent = tally.scores, tally.first_seen, tally.prominent
    ranked = sorted(scores, key=lambda c: (-scores[c], first_seen[c]))
    if not ranked:
        return Classification(FALLBACK_REGION, ())
    top = scores[ranked[0]]
    kept = [
        c
        for c in ranked
        if scores[c] >= MIN_SHARE * top and (c in prominent or scores[c] >= MIN_BODY_SCORE)
    ]
    kept = kept[:MAX_COUNTRIES] or ranked[:1]  # only passing mentions: the strongest still tells
    return Classification(
        region_of(kept[0], regions, gaz),
        tuple(kept),
        tuple((c, round(scores[c], 2)) for c in ranked),
        tuple((c, tuple(tally.evidence[c])) for c in ranked),
    )


def region_of(country: str, regions: Sequence[Region], gaz: Gazetteer | None = None) -> str:
    """The site's region for a country: its table in site.toml first, else the gazetteer's default."""
    gaz = gaz or gazetteer.load()
    for region in regions:
        if any(gaz.country(c) == country or c == country for c in region.countries):
            return region.slug
    known = gaz.countries.get(country)
    if known and any(r.slug == known.region for r in regions):
        return known.region
    return FALLBACK_REGION


class _Tally:
    """Scores per country, the order countries were first named, and why each scored."""

    def __init__(self) -> None:
        self.scores: dict[str, float] = defaultdict(float)
        self.first_seen: dict[str, int] = {}
        self.prominent: set[str] = set()
        self.evidence: dict[str, list[str]] = defaultdict(list)
        self.pending: list[tuple[tuple[str, ...], float, int, bool, str]] = []
        self.order = 0

    def add(self, candidates: tuple[str, ...], value: float, prominent: bool, why: str) -> None:
        """One mention; a place several countries share waits until the rest is known."""
        self.order += 1
        if len(candidates) > 1:
            self.pending.append((candidates, value, self.order, prominent, why))
        elif candidates:
            self._count(candidates[0], value, self.order, prominent, why)

    def _count(self, country: str, value: float, order: int, prominent: bool, why: str) -> None:
        self.scores[country] += value
        self.first_seen.setdefault(country, order)
        self.evidence[country].append(f"{why} {value:+.2g}")
        if prominent:
            self.prominent.add(country)

    def resolve_ambiguous(self) -> None:
        """Give "Tripoli" to Libya or Lebanon, whichever the rest of the article names more."""
        support = dict(self.scores)
        for candidates, value, order, prominent, why in self.pending:
            best = max(candidates, key=lambda c: (support.get(c, 0.0), -candidates.index(c)))
            self._count(best, value, order, prominent, why)


def _sections(
    gaz: Gazetteer, title: str, caption: str, paragraphs: Sequence[str], tally: _Tally
) -> list[tuple[str, str, float]]:
    """The article's texts as (name, text, weight); the lead's dateline scored on its own."""
    sections = [("title", title, TITLE_WEIGHT), ("caption", caption, CAPTION_WEIGHT)]
    for number, paragraph in enumerate(paragraphs):
        if number == 0:
            found = dateline.parse(paragraph, gaz)
            if found is not None:
                tally.add(found.countries, DATELINE_WEIGHT, True, f"dateline '{found.place}'")
                paragraph = paragraph[len(found.text) :]
            sections.append(("lead", paragraph, LEAD_WEIGHT))
        else:
            sections.append(("body", paragraph, BODY_WEIGHT))
    return [(name, text, weight) for name, text, weight in sections if text]


def _score(gaz: Gazetteer, sections: list[tuple[str, str, float]], tally: _Tally) -> None:
    """Add the weight of every mention, by where it stands and what surrounds it."""
    for name, text, weight in sections:
        for match in gaz.find(text, fold=_in_capitals(text)):
            value = weight * _mention_weight(text, match, subject=name == "lead")
            tally.add(match.term.countries, value, weight > BODY_WEIGHT, f"{name} '{match.text}'")


def _in_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= CAPITALS_SHARE * len(letters)


def _mention_weight(text: str, match: Match, subject: bool = False) -> float:
    """How much one mention counts, by its kind and by the words around it."""
    value = KIND_WEIGHT.get(match.term.kind, 1.0)
    before = max(0, match.start - 40)
    if _MARKET_AFTER.match(text, match.end):
        return value * MARKET_FACTOR
    if subject and not text[: match.start].lstrip(" \"'“‘").removeprefix("The ").strip():
        return value * SUBJECT_FACTOR
    if _VENUE_BEFORE.search(text, before, match.start) or _COUNTERPART_AFTER.match(text, match.end):
        return value * COUNTERPART_FACTOR
    if _LOCATION_BEFORE.search(text, before, match.start):
        return value * LOCATION_FACTOR
    if _COUNTERPART_BEFORE.search(text, before, match.start):
        return value * COUNTERPART_FACTOR
    if _ACTOR_AFTER.match(text, match.end) or _ACTOR_BEFORE.search(text, before, match.start):
        return value * ACTOR_FACTOR
    return value
