"""The Record: one article from any source (a raw dump or a feed), ready to be filed.

sources.py reads dumps and feeds into Records, dates.py gives each its date, filing.py
decides what to write for it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Record:
    """One article from any source, ready to be filed. Dumps and feeds both produce these."""

    title: str
    body: str  # Markdown
    paragraphs: tuple[str, ...]  # plain text, for classification and the summary
    source_path: Path
    line: int | None = None
    caption: str = ""
    credit: str = ""
    image_url: str = ""
    url: str = ""  # the article's own URL, where the source gives one
    date: dt.datetime | None = None  # the date the source states, if any
    date_origin: str = ""  # where that date was found, e.g. "caption, line 64"
    # The source states a day, not a time (a caption's "February 8, 2026"): the article is
    # written `date: 2026-02-08`, and pages show no time nobody wrote.
    date_only: bool = False
    tags: tuple[str, ...] = ()
    source_id: str = ""  # a feed entry's id: the article's identity
    updated: dt.datetime | None = None
    author: str = ""
    source_name: str = ""  # the publisher, where the source names it
    # An undated feed entry: dated by the feed's own date (else the time of import) and
    # flagged `date_estimated` so a theme can say so.
    date_estimated: bool = False
    estimate: dt.datetime | None = None
    warnings: tuple[str, ...] = ()  # told once, when the article is first imported
    language: str = ""  # 'ar': from --language, else a feed's own <language>
    language_given: bool = False  # from --language: recorded even if it is the site's

    @property
    def where(self) -> str:
        """FILE:LINE of the record, for messages."""
        return f"{self.source_path}:{self.line}" if self.line else str(self.source_path)
