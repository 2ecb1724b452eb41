"""Feed entries as Records: the same filing rules as raw dumps.

feedsource.py reads the feed; this module only maps each entry onto a Record: the entry
id becomes the identity (a feed re-ordered or edited by its publisher updates rather than
duplicates), a missing title or date gets a fallback and a warning.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from site_builder import i18n
from site_builder.errors import ContentError
from site_builder.ingest.dump import caption_credit, escape_block
from site_builder.ingest.feedsource import FeedEntry, read_feed
from site_builder.ingest.records import Record

log = logging.getLogger("site_builder")

_MARKDOWN_NOISE = re.compile(r"!\[[^\]]*\]\([^)]*\)|^#{1,6}\s+|^[-*+]\s+|^>\s?|[*_`]+", re.M)
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def read_feed_records(path: Path, data: bytes) -> tuple[list[Record], list[ContentError]]:
    """The Records of one feed file, plus its problems (ill-formed XML, missing fields)."""
    entries, problems = read_feed(path, data)
    records: list[Record] = []
    for number, entry in enumerate(entries, start=1):
        if not entry.body and not entry.title and not entry.summary:
            problems.append(
                ContentError(
                    f"entry {number} has neither title nor text; skipped", path, entry.line
                )
            )
            continue  # skipped, and said so once: no "using the first words" as well
        records.append(_record(entry, path, number))
    if not entries and not problems:
        problems.append(ContentError("the feed has no entries", path))
    return records, problems


def _record(entry: FeedEntry, path: Path, number: int) -> Record:
    paragraphs = plain_paragraphs(entry.body) or ((entry.summary,) if entry.summary else ())
    # Said when the article is first imported (see importer.run_import), not on every re-import.
    warnings = tuple(f"entry {number}: {w}; {_fallback_note(w, entry)}" for w in entry.warnings)
    return Record(
        title=entry.title or _fallback_title(paragraphs, number),
        body=entry.body or escape_block(entry.summary),  # the summary is plain text
        paragraphs=paragraphs,
        source_path=path,
        line=entry.line,
        caption=entry.image_caption,
        credit=entry.image_credit or caption_credit(entry.image_caption),
        image_url=entry.image_url,
        url=entry.link,
        source_id=entry.entry_id,
        date=entry.published,
        date_origin="feed entry" if entry.published else "",
        date_estimated=entry.published is None,
        estimate=entry.feed_date,
        warnings=warnings,
        updated=entry.updated,
        author=entry.author,
        source_name=entry.source_name,
        tags=entry.categories,
        language=i18n.language_tag(entry.language) if entry.language else "",
    )


def plain_paragraphs(markdown: str) -> tuple[str, ...]:
    """Markdown paragraphs as plain text, for classification and the summary."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", markdown):
        if block.lstrip().startswith("#"):
            continue  # subheadings are not paragraphs
        text = _MARKDOWN_NOISE.sub("", _LINK.sub(r"\1", block))
        text = " ".join(text.replace("\\", "").split())
        if text:
            paragraphs.append(text)
    return tuple(paragraphs)


def _fallback_title(paragraphs: tuple[str, ...], number: int) -> str:
    """The first words of the text, for an entry that has no title."""
    words = (paragraphs[0] if paragraphs else "").split()
    return (
        " ".join(words[:10]) + ("…" if len(words) > 10 else "") if words else f"Untitled {number}"
    )


def _fallback_note(warning: str, entry: FeedEntry) -> str:
    if "title" in warning:
        return "using the first words of its text"
    when = "the feed's own date" if entry.feed_date else "the time of its first import"
    return f"dated by {when}, no later than the feed's dated entries (date_estimated: true)"
