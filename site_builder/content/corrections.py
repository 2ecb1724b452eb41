"""Front matter `corrections:` (a list of {date, text}) or `updated:` with a `correction:`
note: what an article says was corrected, and when.

A correction makes the article's `updated` date at least its own date, so pages, JSON-LD,
feeds and sitemaps show the article as modified through the date they already read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from site_builder.config import SiteConfig
from site_builder.content import frontmatter
from site_builder.errors import YAML_KINDS, kind_of
from site_builder.model import Correction

Fail = Callable[[str, str], None]
DateReader = Callable[[SiteConfig, dict[str, Any], str, Fail], "dt.datetime | None"]
KEYS = ("corrections", "correction")
MAX_CORRECTIONS = 100
SHAPE = "a list of {date: 2026-02-07T10:00:00Z, text: ...}"


def fields(
    config: SiteConfig, meta: dict[str, Any], read_date: DateReader, fail: Fail
) -> dict[str, Any]:
    """`updated` and `corrections` of an article; problems go to fail(). `read_date` is
    the loader's reader of a front matter date (so both read dates alike)."""
    updated = read_date(config, meta, "updated", fail)
    listed = _listed(config, meta, read_date, fail)
    found = [correction for correction, _ in listed]
    days = {correction.date for correction, day in listed if day}  # written without a time
    note = meta.get("correction")
    if note is not None:
        if not isinstance(note, str) or not note.strip():
            fail("correction", f"'correction': expected a note, got {kind_of(YAML_KINDS, note)}")
        elif updated is None:
            fail("correction", "'correction': needs 'updated:', the date of the correction")
        else:
            found.append(Correction(updated, note.strip()))
    found.sort(key=lambda c: c.date)
    day_only = frontmatter.day_only(meta.get("updated"))
    if found and (updated is None or updated < found[-1].date):
        updated, day_only = found[-1].date, found[-1].date in days
    return {"updated": updated, "corrections": tuple(found), "updated_date_only": day_only}


def _listed(
    config: SiteConfig, meta: dict[str, Any], read_date: DateReader, fail: Fail
) -> list[tuple[Correction, bool]]:
    """Each correction, with whether its date was written as a day alone."""
    value = meta.get("corrections")
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_CORRECTIONS:
        fail("corrections", f"'corrections': expected {SHAPE}, got {kind_of(YAML_KINDS, value)}")
        return []
    out = []
    for number, item in enumerate(value, start=1):
        text = item.get("text") if isinstance(item, dict) else None
        if not isinstance(item, dict) or set(item) - {"date", "text"} or not isinstance(text, str):
            fail("corrections", f"'corrections': entry {number}: expected {{date, text}}")
            continue
        when = read_date(config, item, "date", _named(fail, number))
        if when is None or not text.strip():
            fail("corrections", f"'corrections': entry {number} needs a date and a text")
            continue
        out.append((Correction(when, " ".join(text.split())), frontmatter.day_only(item["date"])))
    return out


def _named(fail: Fail, number: int) -> Fail:
    """fail() for an entry's date: the message names the entry, the line is the list's."""
    return lambda key, message: fail(
        "corrections", f"'corrections': entry {number}: {message.removeprefix(f'{key!r}: ')}"
    )
