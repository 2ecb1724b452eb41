"""The article: one frozen record passed from loading to rendering and feeds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path


@dataclass(frozen=True)
class Image:
    """The article's lead picture: caption and credit always, a URL where known."""

    caption: str = ""
    credit: str = ""
    url: str = ""


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

    @cached_property  # each rebuild sorts every article: computed once per article, not per sort
    def newest_first(self) -> tuple[float, str]:
        """Sort key: newest first, ties by id."""
        return (-self.date.timestamp(), self.id)

    @cached_property  # asked for thousands of times per build; works on frozen dataclasses
    def url_path(self) -> str:
        """The article's path below the site root: 'articles/2026/02/<slug>/'."""
        return f"articles/{self.date:%Y}/{self.date:%m}/{self.slug}/"
