"""The article: one frozen record passed from loading to rendering and feeds."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

R = TypeVar("R")


@dataclass(frozen=True)
class Image:
    """The article's lead picture: caption and credit always, a URL where known."""

    caption: str = ""
    credit: str = ""
    url: str = ""

    @property
    def caption_only(self) -> str:
        """The caption without a trailing "(CREDIT)": the credit is shown on its own."""
        caption, suffix = self.caption.strip(), f"({self.credit})"
        if self.credit and caption.endswith(suffix):
            return caption[: -len(suffix)].rstrip()
        return caption


@dataclass(frozen=True)
class Source:
    """Where the copy came from."""

    name: str = ""
    url: str = ""


@dataclass(frozen=True)
class Correction:
    """A correction of the article's text: when it was made, and what it says."""

    date: dt.datetime
    text: str


@dataclass(frozen=True)
class Article:
    """A validated content file. `body` is Markdown; `path` is the source file."""

    id: str
    title: str
    date: dt.datetime
    region: str
    slug: str
    body: str
    path: Path
    updated: dt.datetime | None = None
    countries: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    summary: str = ""
    image: Image | None = None
    source: Source | None = None
    draft: bool = False
    body_line: int = 1
    authors: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()  # old site paths that redirect here
    kind: str = "article"  # or "page": a standalone page, never in listings or feeds
    url_path: str = ""  # below the site root; the loader sets it (permalinks)
    lang: str = ""  # its language ('ar'); "" = the site's language
    translation_of: str = ""  # the id of the article this one translates
    # The date was written without a time of day: at the site's midnight in feeds (which
    # need one), and shown without a time on pages.
    date_only: bool = False
    updated_date_only: bool = False  # the same for `updated:`
    params_json: str = ""  # `params:`, the site's own fields, as JSON (content/params.py)
    # Curation (content/curation.py): leads the front page, until a newer featured story or
    # `featured_until`; a label above the headline ("Analysis").
    featured: bool = False
    featured_until: dt.datetime | None = None
    kicker: str = ""
    corrections: tuple[Correction, ...] = ()  # oldest first; `updated` is never before the last

    def __post_init__(self):
        if not self.url_path:
            object.__setattr__(self, "url_path", article_path(self.date, self.slug))

    @cached_property
    def params(self) -> dict:
        """The site's own fields (`params:`), for templates: {{ article.params.rating }}."""
        return json.loads(self.params_json) if self.params_json else {}

    @property
    def bodied(self) -> bool:
        """Whether it has a body (a card, read back from the store, has none)."""
        return bool(self.body.strip())

    @cached_property  # each rebuild sorts every article: computed once per article, not per sort
    def newest_first(self) -> tuple[float, str]:
        """Sort key: newest first, ties by id."""
        return (-self.date.timestamp(), self.id)


def article_path(
    date: dt.datetime, slug: str, region: str = "", pattern: str = "articles/{year}/{month}/{slug}/"
) -> str:
    """An article's site path by the [permalinks] pattern: 'articles/2026/02/<slug>/'."""
    return pattern.format(
        year=f"{date.year:04d}",
        month=f"{date.month:02d}",
        day=f"{date.day:02d}",
        slug=slug,
        region=region,
    )


def to_json(article: Article) -> dict:
    """The article as JSON-able values (the build state stores it so), but its file's path:
    the state keeps that as the row's key, so a site copied to another folder (or its cache
    restored by CI into another checkout) rewrites one column, not every card (`rebase`)."""
    return {
        "id": article.id,
        "title": article.title,
        "date": _when(article.date),
        "region": article.region,
        "slug": article.slug,
        "body": article.body,
        "updated": _when(article.updated) if article.updated else None,
        "countries": list(article.countries),
        "tags": list(article.tags),
        "summary": article.summary,
        "image": [article.image.caption, article.image.credit, article.image.url]
        if article.image
        else None,
        "source": [article.source.name, article.source.url] if article.source else None,
        "draft": article.draft,
        "body_line": article.body_line,
        "authors": list(article.authors),
        "aliases": list(article.aliases),
        "kind": article.kind,
        "url_path": article.url_path,
        "lang": article.lang,
        "translation_of": article.translation_of,
        "date_only": article.date_only,
        "updated_date_only": article.updated_date_only,
        "params_json": article.params_json,
        "featured": article.featured,
        "featured_until": _when(article.featured_until) if article.featured_until else None,
        "kicker": article.kicker,
        # Derived, and so part of the card: a story without a body never leads the front
        # page, so a body emptied or filled changes which listings show it where.
        "bodied": bool(article.body.strip()),
        "corrections": [[_when(c.date), c.text] for c in article.corrections],
    }


def from_json(data: dict, path: Path) -> Article:
    """The article to_json() stored, from the file at `path`."""
    return Article(
        id=data["id"],
        title=data["title"],
        date=_moment(data["date"]),
        region=data["region"],
        slug=data["slug"],
        body=data["body"],
        path=path,
        updated=_moment(data["updated"]) if data["updated"] else None,
        countries=tuple(data["countries"]),
        tags=tuple(data["tags"]),
        summary=data["summary"],
        image=Image(*data["image"]) if data["image"] else None,
        source=Source(*data["source"]) if data["source"] else None,
        draft=data["draft"],
        body_line=data["body_line"],
        authors=tuple(data["authors"]),
        aliases=tuple(data["aliases"]),
        kind=data["kind"],
        url_path=data["url_path"],
        lang=data.get("lang", ""),
        translation_of=data.get("translation_of", ""),
        date_only=data.get("date_only", False),
        updated_date_only=data.get("updated_date_only", False),
        params_json=data.get("params_json", ""),
        featured=data.get("featured", False),
        featured_until=_moment(data["featured_until"]) if data.get("featured_until") else None,
        kicker=data.get("kicker", ""),
        corrections=tuple(Correction(_moment(d), t) for d, t in data.get("corrections", ())),
    )


def _when(moment: dt.datetime) -> list:
    """[ISO 8601, zone name or None]: a date read in the site's zone keeps its zone."""
    zone = moment.tzinfo
    return [moment.isoformat(), zone.key if isinstance(zone, ZoneInfo) else None]


def _moment(value: list) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value[0])
    return moment.replace(tzinfo=ZoneInfo(value[1])) if value[1] else moment


@dataclass(frozen=True, slots=True)
class Translation:
    """One language's version of an article (`translation_of`): its code and site path."""

    lang: str
    path: str


class Brief:
    """What planning needs of an article (plan.py): its identity, dates, region, countries,
    address and what the front page chooses its lead by; read for every article at every full plan, so kept small and quick."""

    __slots__ = (
        "_path",
        "aliases",
        "authors",
        "bodied",
        "corrected",
        "countries",
        "date",
        "draft",
        "featured",
        "featured_until",
        "id",
        "image_url",
        "kind",
        "lang",
        "region",
        "slug",
        "tags",
        "translation_of",
        "updated",
        "url_path",
    )

    def __init__(self, path: str, values: list):
        """`values`: model.brief's, of the file at `path` (the state's key, as in to_json)."""
        self._path = path
        (
            self.id,
            date,
            updated,
            self.region,
            countries,
            self.slug,
            self.draft,
            self.url_path,
            tags,
            authors,
            aliases,
            self.kind,
            self.image_url,
            self.lang,
            self.translation_of,
            self.featured,
            until,
            self.bodied,
            corrected,
        ) = values
        self.featured_until = _moment(until) if until else None
        self.date = _moment(date)
        self.updated = _moment(updated) if updated else None
        self.countries = tuple(countries)
        self.tags, self.authors, self.aliases = tuple(tags), tuple(authors), tuple(aliases)
        self.corrected = tuple(_moment(when) for when in corrected)

    @property
    def path(self) -> Path:
        return Path(self._path)

    @property
    def newest_first(self) -> tuple[float, str]:
        return (-self.date.timestamp(), self.id)


def corrected(article: Article | Brief) -> tuple[dt.datetime, ...]:
    """The dates of an article's corrections, oldest first (an Article or its Brief)."""
    if isinstance(article, Brief):
        return article.corrected
    return tuple(c.date for c in article.corrections)


# What the plan reads of an article: the whole Article, or its Brief (the engine's, from
# the store), which has every field the plan looks at.
Listed = Article | Brief


def brief(article: Article) -> list:
    """The Brief of an article, as JSON-able values (but its path, as in to_json)."""
    return [
        article.id,
        _when(article.date),
        _when(article.updated) if article.updated else None,
        article.region,
        list(article.countries),
        article.slug,
        article.draft,
        article.url_path,
        list(article.tags),
        list(article.authors),
        list(article.aliases),
        article.kind,
        article.image.url if article.image else "",
        article.lang,
        article.translation_of,
        article.featured,
        _when(article.featured_until) if article.featured_until else None,
        bool(article.body.strip()),
        [_when(c.date) for c in article.corrections],
    ]


# --- records as JSON ------------------------------------------------------------------------
# The plan's entries and the store's rows are frozen dataclasses of plain values (str, int,
# float, bool, None, tuples, other such records). The build state keeps them as JSON and
# compares what it reads back with what the plan makes now, by value and by repr: so a
# record must come back as the same types, tuples as tuples. Its field types say how.


def dump(value: Any) -> Any:
    """A record (or tuple of them) as JSON-able lists, field by field in declared order."""
    kind: Any = type(value)
    if kind in _PLAIN:  # most values: a commit dumps every entry of a 50,000-URL sitemap
        return value
    if kind is tuple or kind is list:
        return [dump(v) for v in value]
    names = _NAMES.get(kind)
    if names is None:
        if not (dataclasses.is_dataclass(value) and not isinstance(value, type)):
            return [dump(v) for v in value] if isinstance(value, tuple | list) else value
        names = _NAMES[kind] = tuple(f.name for f in _fields(kind))
    return [dump(getattr(value, name)) for name in names]


_PLAIN = frozenset({str, int, float, bool, type(None)})
_NAMES: dict[type, tuple[str, ...]] = {}  # a record's type -> its fields' names


def load(kind: type[R], value: Any) -> R:
    """What dump() made, back as `kind`: the inverse of dump for the types records use."""
    loader: Callable[[Any], R] = _loader(typing.cast(Any, kind))
    return loader(value)


def _same(value: Any) -> Any:
    return value


@cache
def _loader(kind: Any) -> Callable[[Any], Any]:
    """The function that loads a value of this type: worked out once per type, since the
    stale stage and the plan from the change load thousands of stored entries a build."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        inner = _loader(next(a for a in args if a is not type(None)))
        return lambda value: None if value is None else inner(value)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            each = _loader(args[0])
            if each is _same:
                return lambda value: None if value is None else tuple(value)
            return lambda value: None if value is None else tuple(map(each, value))
        loaders = tuple(map(_loader, args))
        return lambda value: None if value is None else tuple(f(v) for f, v in zip(loaders, value))
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        fields = tuple(_loader(hints[f.name]) for f in _fields(kind))
        if all(f is _same for f in fields):
            return lambda value: None if value is None else kind(*value)
        return lambda value: None if value is None else kind(*(f(v) for f, v in zip(fields, value)))
    return _same


@cache
def _fields(kind: type) -> tuple[dataclasses.Field, ...]:
    return tuple(f for f in dataclasses.fields(kind) if f.init)


@cache
def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind)
