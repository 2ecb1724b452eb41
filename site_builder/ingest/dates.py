"""The date of each imported article: --date, else the date its source states, else an
estimate (feeds) or the dump's modification time; no two articles share a timestamp."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from site_builder.config import SiteConfig
from site_builder.content.loader import YEARS
from site_builder.errors import ContentError
from site_builder.ingest.records import Record

# Where a date came from when the importer guessed it: no person and no source stated it.
# Such an article is written as a draft (date_estimated: true) until someone gives a date.
MTIME = "file modification time"
FIRST_IMPORT = "estimated: time of first import"


def is_guessed(origin: str) -> bool:
    """Whether a date of this origin is the importer's guess (file time, or "now")."""
    return origin in (MTIME, FIRST_IMPORT)


def assign_dates(
    config: SiteConfig, records: Sequence[Record], batch_date: dt.datetime | None
) -> tuple[list[tuple[Record, dt.datetime, str]], list[ContentError]]:
    """Each record with its date and where the date came from; no two share a timestamp.

    --date wins, then a date the source states, then (feeds) an estimate no newer than the
    feed's dated news, then (dumps) the file's modification time. A batch keeps the
    source's order, first article newest, by stepping back a minute at a time. A date the
    build would refuse (year 9999) refuses its article, with its line.
    """
    used: set[dt.datetime] = set()
    dated, refused = [], []
    position: dict[Path, int] = {}
    newest = _newest_stated(records)
    now = dt.datetime.now(config.tz).replace(microsecond=0)
    for number, record in enumerate(records):
        step = position[record.source_path] = position.get(record.source_path, -1) + 1
        if batch_date is not None:
            when, origin = _aware(batch_date, config) - dt.timedelta(minutes=number), "--date"
        elif record.date is not None:
            when, origin = _aware(record.date, config), record.date_origin or "source"
        elif record.date_estimated:
            when, origin = _estimate(config, record, newest.get(record.source_path), now)
        else:
            mtime = dt.datetime.fromtimestamp(int(record.source_path.stat().st_mtime), config.tz)
            when, origin = mtime - dt.timedelta(minutes=step), MTIME
        if not YEARS[0] + 1 <= when.year <= YEARS[1] - 1:  # a year's margin for zones and steps
            refused.append(
                ContentError(
                    f"date {when.isoformat()} ({origin}) is out of range: the "
                    f"year must be {YEARS[0] + 1}-{YEARS[1] - 1}; article "
                    "not imported",
                    record.source_path,
                    record.line,
                )
            )
            continue
        # Stepping a day back a minute would move it to the day before: days may share.
        while when in used and not (record.date_only and batch_date is None):
            when -= dt.timedelta(minutes=1)
        used.add(when)
        dated.append((record, when, origin))
    return dated, refused


def _newest_stated(records: Sequence[Record]) -> dict[Path, dt.datetime]:
    """Per source file, the newest date its records state (in range), for undated ones."""
    newest: dict[Path, dt.datetime] = {}
    for record in records:
        date = record.date
        if date is None or not YEARS[0] < date.year < YEARS[1]:
            continue
        date = date if date.tzinfo else date.replace(tzinfo=dt.UTC)
        if record.source_path not in newest or date > newest[record.source_path]:
            newest[record.source_path] = date
    return newest


def _estimate(
    config: SiteConfig, record: Record, newest: dt.datetime | None, now: dt.datetime
) -> tuple[dt.datetime, str]:
    """An undated entry's date: the feed's own date, else now; never ahead of dated news.

    An undated item must not become the lead story of the front page: it goes just
    behind the newest dated entry of its feed.
    """
    when, origin = (
        (_aware(record.estimate, config), "estimated: the feed's date")
        if record.estimate
        else (now, FIRST_IMPORT)
    )
    if newest is not None and when >= newest:
        when, origin = newest - dt.timedelta(minutes=1), "estimated: behind the feed's dated news"
    return when, origin


def _aware(value: dt.datetime, config: SiteConfig) -> dt.datetime:
    """A date without a zone is read in the site's time zone; seconds are enough."""
    value = value.replace(microsecond=0)
    return value if value.tzinfo else value.replace(tzinfo=config.tz)
