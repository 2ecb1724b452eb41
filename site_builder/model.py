"""The article: one frozen record passed from loading to rendering and feeds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo


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

    def __post_init__(self):
        if not self.url_path:
            object.__setattr__(self, "url_path", article_path(self.date, self.slug))

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
    """The article as JSON-able values (the build state stores it so)."""
    return {
        "id": article.id,
        "title": article.title,
        "date": _when(article.date),
        "region": article.region,
        "slug": article.slug,
        "body": article.body,
        "path": str(article.path),
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
    }


def from_json(data: dict) -> Article:
    """The article to_json() stored."""
    return Article(
        id=data["id"],
        title=data["title"],
        date=_moment(data["date"]),
        region=data["region"],
        slug=data["slug"],
        body=data["body"],
        path=Path(data["path"]),
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
    )


def _when(moment: dt.datetime) -> list:
    """[ISO 8601, zone name or None]: a date read in the site's zone keeps its zone."""
    zone = moment.tzinfo
    return [moment.isoformat(), zone.key if isinstance(zone, ZoneInfo) else None]


def _moment(value: list) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value[0])
    return moment.replace(tzinfo=ZoneInfo(value[1])) if value[1] else moment


class Brief:
    """What planning needs of an article (plan.py): its identity, dates, region, countries
    and address; read for every article at every full plan, so kept small and quick."""

    __slots__ = (
        "_path",
        "aliases",
        "authors",
        "countries",
        "date",
        "draft",
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

    def __init__(self, values: list):
        (
            self.id,
            date,
            updated,
            self.region,
            countries,
            self.slug,
            self.draft,
            self._path,
            self.url_path,
            tags,
            authors,
            aliases,
            self.kind,
            self.image_url,
            self.lang,
            self.translation_of,
        ) = values
        self.date = _moment(date)
        self.updated = _moment(updated) if updated else None
        self.countries = tuple(countries)
        self.tags, self.authors, self.aliases = tuple(tags), tuple(authors), tuple(aliases)

    @property
    def path(self) -> Path:
        return Path(self._path)

    @property
    def newest_first(self) -> tuple[float, str]:
        return (-self.date.timestamp(), self.id)


def brief(article: Article) -> list:
    """The Brief of an article, as JSON-able values."""
    return [
        article.id,
        _when(article.date),
        _when(article.updated) if article.updated else None,
        article.region,
        list(article.countries),
        article.slug,
        article.draft,
        str(article.path),
        article.url_path,
        list(article.tags),
        list(article.authors),
        list(article.aliases),
        article.kind,
        article.image.url if article.image else "",
        article.lang,
        article.translation_of,
    ]
