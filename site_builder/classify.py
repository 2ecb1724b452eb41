"""Which countries an article is about, most relevant first, and the region it is filed under."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Sequence

from site_builder import gazetteer
from site_builder.config import FALLBACK_REGION, Region
from site_builder.gazetteer import DEMONYM, ORG, Gazetteer, Match

# Where a mention stands says how much it tells: the headline and the photo caption name
# what the story is about and where it happened; the lead confirms it; the body mentions
# everything in passing.
TITLE_WEIGHT, CAPTION_WEIGHT, LEAD_WEIGHT, BODY_WEIGHT = 3.0, 2.0, 2.0, 1.0
# A demonym ("Iranian documents") or an institution says who acts, less where it happens.
KIND_WEIGHT = {DEMONYM: 0.6, ORG: 0.5}
# "in Iraq", "across Sudan": where the story happens. "Israel says", "Saudi-led", "Iran moved",
# "backed by Iran", "ties with Tehran": an actor or a counterpart, often acting from elsewhere.
LOCATION_FACTOR, ACTOR_FACTOR = 2.0, 0.5
_LOCATION_BEFORE = re.compile(
    r"\b(?i:in|inside|into|across|within|throughout|over|near)\s+"
    r"(?:the\s+)?(?:[\w-]+\s+)?$")
_ACTOR_BEFORE = re.compile(r"\b(?i:by|with)\s+$")
_ACTOR_AFTER = re.compile(
    r"(?:-(?:led|backed|brokered|funded|supported|allied|aligned|sponsored)\b"
    r"|\s+(?i:[a-z]+ed|says|say|announces|warns|accuses|denies|claims|urges|vows|rejects"
    r"|condemns|calls|threatens|demands|has|had|is|was|began|considers|sees|saw|wants|seeks"
    r"|will|would|could|can|must|may|took|takes|made|makes|told|tells)\b)")
# A country is kept when it scores at least this share of the top score...
MIN_SHARE = 0.2
# ...and more than one passing mention in the body, unless it is in the title, caption or lead.
MIN_BODY_SCORE = 1.5
MAX_COUNTRIES = 6
# "NAIROBI, Kenya (AP) — Ethiopia's government...": the dateline says where the reporter
# filed from, not what the story is about, so it does not count.
_DATELINE = re.compile(r"^[A-Z][A-Z .'’-]+,[^()—–\n]{1,60}\((?:AP|Reuters|AFP|SPA|WAM)\)\s*[—–-]*\s*")


@dataclass(frozen=True)
class Classification:
    """The region slug and the countries of an article, primary country first."""

    region: str
    countries: tuple[str, ...]
    scores: tuple[tuple[str, float], ...] = ()


def classify(title: str, paragraphs: Sequence[str], regions: Sequence[Region],
             caption: str = "") -> Classification:
    """Classify an article by the countries it names, weighing title, caption and lead most."""
    gaz = gazetteer.with_names(tuple(c for r in regions for c in r.countries))
    scores, first_seen, prominent, pending = _score(gaz, _sections(title, caption, paragraphs))
    _resolve_ambiguous(scores, first_seen, prominent, pending)
    ranked = sorted(scores, key=lambda c: (-scores[c], first_seen[c]))
    if not ranked:
        return Classification(FALLBACK_REGION, ())
    top = scores[ranked[0]]
    kept = [c for c in ranked
            if scores[c] >= MIN_SHARE * top and (c in prominent or scores[c] >= MIN_BODY_SCORE)]
    kept = kept[:MAX_COUNTRIES]
    return Classification(region_of(kept[0], regions, gaz), tuple(kept),
                          tuple((c, round(scores[c], 2)) for c in ranked))


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


def _sections(title: str, caption: str, paragraphs: Sequence[str]) -> list[tuple[str, float]]:
    """The article's texts with their weights."""
    sections = [(title, TITLE_WEIGHT), (caption, CAPTION_WEIGHT)]
    sections += [(_DATELINE.sub("", p), LEAD_WEIGHT) if i == 0 else (p, BODY_WEIGHT)
                 for i, p in enumerate(paragraphs)]
    return [(text, weight) for text, weight in sections if text]


def _score(gaz: Gazetteer, sections: list[tuple[str, float]]):
    """Sum the weight of every mention; ambiguous mentions wait until the rest is known."""
    scores: dict[str, float] = defaultdict(float)
    first_seen: dict[str, int] = {}
    prominent: set[str] = set()
    pending: list[tuple[tuple[str, ...], float, int, bool]] = []
    order = 0
    for text, weight in sections:
        for match in gaz.find(text):
            order += 1
            value = weight * _mention_weight(text, match)
            if len(match.term.countries) > 1:
                pending.append((match.term.countries, value, order, weight > BODY_WEIGHT))
                continue
            country = match.term.countries[0]
            scores[country] += value
            first_seen.setdefault(country, order)
            if weight > BODY_WEIGHT:
                prominent.add(country)
    return scores, first_seen, prominent, pending


def _mention_weight(text: str, match: Match) -> float:
    """How much one mention counts, by its kind and by the words around it."""
    value = KIND_WEIGHT.get(match.term.kind, 1.0)
    before = max(0, match.start - 40)
    if _LOCATION_BEFORE.search(text, before, match.start):
        value *= LOCATION_FACTOR
    elif (_ACTOR_AFTER.match(text, match.end)
          or _ACTOR_BEFORE.search(text, before, match.start)):
        value *= ACTOR_FACTOR
    return value


def _resolve_ambiguous(scores: dict[str, float], first_seen: dict[str, int], prominent: set[str],
                       pending: list[tuple[tuple[str, ...], float, int, bool]]) -> None:
    """Give "Tripoli" to Libya or Lebanon, whichever the rest of the article names more."""
    support = dict(scores)
    for candidates, value, order, is_prominent in pending:
        best = max(candidates, key=lambda c: (support.get(c, 0.0), -candidates.index(c)))
        scores[best] += value
        first_seen.setdefault(best, order)
        if is_prominent:
            prominent.add(best)
