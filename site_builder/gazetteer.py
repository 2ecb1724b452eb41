"""The gazetteer: country names, aliases, demonyms and places, compiled into one fast matcher."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# Kinds of term, strongest evidence of where a story happens first.
NAME, PLACE, DEMONYM, ORG, IGNORE = "name", "place", "demonym", "org", "ignore"


@dataclass(frozen=True)
class Country:
    """One country as the gazetteer knows it."""

    name: str
    region: str
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Term:
    """What a matched phrase means: its candidate countries (usually one) and its kind."""

    countries: tuple[str, ...]
    kind: str


@dataclass(frozen=True)
class Match:
    """One occurrence of a term in a text."""

    start: int
    end: int
    text: str
    term: Term


class Gazetteer:
    """Countries plus a compiled matcher for every phrase that names one of them."""

    def __init__(self, countries: dict[str, Country], terms: dict[str, Term]):
        self.countries = countries
        self.terms = terms
        self._pattern = _trie_regex(terms)
        self._folded_terms: dict[str, Term] | None = None
        self._folded_pattern: re.Pattern[str] | None = None

    def lookup(self, phrase: str) -> Term | None:
        """The term a whole phrase is, matched without regard to case ("DAR ES SALAAM")."""
        term = self.terms.get(phrase) or self._folded()[0].get(_fold(phrase))
        return term if term is not None and term.kind != IGNORE else None

    def country(self, phrase: str) -> str | None:
        """The canonical name for a country phrase ("United Arab Emirates" -> "UAE"), or None."""
        if phrase in self.countries:
            return phrase
        term = self.terms.get(phrase)
        if term and term.kind == NAME and len(term.countries) == 1:
            return term.countries[0]
        return None

    def find(self, text: str, fold: bool = False) -> Iterator[Match]:
        """Every whole-word, longest-first occurrence of a known phrase in text.

        With fold, case is ignored: for text in capitals ("KUWAITI DINAR RATES FIRM"),
        where case tells nothing and "TURKEY" can only be the country.
        """
        terms, pattern = (self.terms, self._pattern) if not fold else self._folded()
        searched = _fold(text) if fold else text
        for m in pattern.finditer(searched):
            start = m.start()
            # The pattern has no look-behind (it would defeat the regex engine's fast
            # first-character scan); reject matches glued to a preceding letter here.
            if start and (text[start - 1].isalnum() or text[start - 1] == "_"):
                continue
            term = terms[m.group()]
            if term.kind != IGNORE:
                yield Match(start, m.end(), text[start : m.end()], term)

    def _folded(self) -> tuple[dict[str, Term], re.Pattern[str]]:
        """The terms keyed case-insensitively, and their matcher; built on first use."""
        if self._folded_terms is None or self._folded_pattern is None:
            folded: dict[str, Term] = {}
            for phrase, term in self.terms.items():
                key = _fold(phrase)
                # "US" and "Us" fold alike: a country's own name and ignores win.
                if key not in folded or term.kind in (NAME, IGNORE):
                    folded[key] = term
            self._folded_terms, self._folded_pattern = folded, _trie_regex(folded)
        return self._folded_terms, self._folded_pattern


def _fold(text: str) -> str:
    """Lower case, one character for one (so match offsets stay those of the text)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


@lru_cache(maxsize=1)
def load() -> Gazetteer:
    """The packaged gazetteer (site_builder/data/gazetteer.toml), parsed and compiled once."""
    text = resources.files("site_builder").joinpath("data/gazetteer.toml").read_text("utf-8")
    return _build(tomllib.loads(text))


@lru_cache(maxsize=1)
def spellings() -> dict[str, tuple[str, ...]]:
    """Each country's name and aliases, read without compiling the matcher (a plan names
    countries in their languages; the matcher costs ~0.12 s it does not need)."""
    text = resources.files("site_builder").joinpath("data/gazetteer.toml").read_text("utf-8")
    return {
        name: tuple(entry.get("aliases", ()))
        for name, entry in tomllib.loads(text)["countries"].items()
    }


@lru_cache(maxsize=16)
def with_names(extra: tuple[str, ...]) -> Gazetteer:
    """The packaged gazetteer plus countries it does not know, matched by their name as written."""
    base = load()
    unknown = tuple(n for n in extra if base.country(n) is None)
    if not unknown:
        return base
    terms = dict(base.terms)
    countries = dict(base.countries)
    for name in unknown:
        countries[name] = Country(name, "")
        terms[name] = Term((name,), NAME)
    return Gazetteer(countries, terms)


def _build(data: dict) -> Gazetteer:
    countries: dict[str, Country] = {}
    terms: dict[str, Term] = {}
    for name, entry in data["countries"].items():
        country = Country(
            name,
            entry["region"],
            tuple(entry.get("aliases", ())),
            tuple(entry.get("demonyms", ())),
            tuple(entry.get("places", ())),
            tuple(entry.get("orgs", ())),
        )
        countries[name] = country
        kinds = (
            (NAME, (name, *country.aliases)),
            (DEMONYM, _with_plurals(country.demonyms)),
            (PLACE, country.places),
            (ORG, country.orgs),
        )
        for kind, phrases in kinds:
            for phrase in phrases:
                # A country's own name beats another's place of the same spelling.
                if phrase not in terms or kind == NAME:
                    terms[phrase] = Term((name,), kind)
    for phrase, candidates in data.get("ambiguous", {}).items():
        kind = terms[phrase].kind if phrase in terms else PLACE
        terms[phrase] = Term(tuple(candidates), kind)
    for phrase in data.get("ignore", {}).get("phrases", ()):
        terms[phrase] = Term((), IGNORE)
    return Gazetteer(countries, terms)


def _with_plurals(demonyms: Iterable[str]) -> list[str]:
    """Demonyms plus their plural nouns: Iraqi -> Iraqis, but not Sudanese or British."""
    out = []
    for word in demonyms:
        out.append(word)
        if not word.endswith(("s", "sh", "ch", "ese", "x", "z")):
            out.append(word + "s")
    return out


def _trie_regex(phrases: Iterable[str]) -> re.Pattern[str]:
    """One regex for all phrases, as a prefix tree: fast, and longest match wins."""
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = True
    return re.compile(_node_regex(trie) + r"(?!\w)")


def _node_regex(node: dict) -> str:
    """Regex for a trie node; the end-of-phrase option comes last so longer phrases win."""
    branches = [
        re.escape(char) + _node_regex(child) for char, child in sorted(node.items()) if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:
        # Greedy optional: try the longer phrase first, fall back to the shorter one.
        return "(?:" + body + ")?" if len(branches) > 1 or len(body) > 1 else body + "?"
    return body
