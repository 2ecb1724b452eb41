"""Reading the files given to `import`: each is a raw dump or a feed, told apart by its
content (not its name), and becomes a list of Records plus the problems met in it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

from site_builder.errors import ContentError, SiteBuilderError
from site_builder.ingest import dump
from site_builder.ingest.records import Record

# Real dumps and feeds are kilobytes; 20 MB is thousands of articles, past that a mistake.
MAX_SOURCE_BYTES = 20 * 1024 * 1024


def read_sources(paths: Sequence[Path]) -> tuple[list[Record], list[SiteBuilderError]]:
    """Every article of every file, in order, plus the problems met."""
    records: list[Record] = []
    problems: list[SiteBuilderError] = []
    for path in paths:
        try:
            found, trouble = read_source(path)
        except SiteBuilderError as exc:
            problems.append(exc)
            continue
        records.extend(found)
        problems.extend(trouble)
    return records, problems


def read_source(path: Path) -> tuple[list[Record], list[ContentError]]:
    """The Records of one dump or feed file (told apart by content, not by name)."""
    data = _read_bytes(path)
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"<", b"{") and not _ticker_first(data):
        # Here: feedparser, lxml and markdownify take 110 ms to import; a dump needs none.
        from site_builder.ingest.feedimport import read_feed_records
        from site_builder.ingest.feedsource import sniff

        if sniff(data):
            try:
                return read_feed_records(path, data)
            except RecursionError:  # json.loads and markdownify recurse once per level
                raise ContentError(
                    "nested too deeply to read (thousands of levels of JSON or HTML)", path
                ) from None
        # No dump starts with markup: read as one, this would become an article of raw XML.
        raise ContentError(
            "not a dump, and not an RSS, Atom or JSON feed either (markup or "
            "JSON of another kind, or a feed with an inline DTD)",
            path,
            1,
        )
    return read_dump(path, data)


# Wire copy writes stock tickers in angle brackets: "<JLIT.T> TO SELL TANKERS" is a title.
_TICKER_TITLE = re.compile(rb"<[A-Z0-9][A-Z0-9.&/-]{0,15}>[^\S\r\n]*[^\s<]")


def _ticker_first(data: bytes) -> bool:
    """True when the first line is a dump title starting with a ticker, not markup."""
    first = data.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0]
    return bool(_TICKER_TITLE.match(first)) and b"</" not in first


def read_dump(path: Path, data: bytes) -> tuple[list[Record], list[ContentError]]:
    """The Records of one raw dump file; an unreadable file raises ContentError."""
    text = dump.decode(data, path)
    articles, problems = dump.parse_dump(text, path)
    if not articles and not problems:
        problems.append(ContentError("no articles found (the file is empty)", path))
    saved = dt.datetime.fromtimestamp(path.stat().st_mtime).date()
    return [_dump_record(a, path, saved) for a in articles], problems


def _read_bytes(path: Path) -> bytes:
    if path.is_dir():
        raise ContentError(f"is a folder: pass the files in it, e.g. {path}/*.txt", path)
    try:
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:  # checked before reading: never load it into memory
            raise ContentError(
                f"file too large ({size / 1024 / 1024:.1f} MB; a dump or feed "
                f"may be at most {MAX_SOURCE_BYTES // 1024 // 1024} MB: split it)",
                path,
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise ContentError("no such file", path) from None
    except OSError as exc:
        raise ContentError(f"cannot read: {exc.strerror}", path) from None


def _dump_record(article: dump.DumpArticle, path: Path, saved: dt.date) -> Record:
    found = dump.stated_date(article, saved)
    where = f"{'caption' if found.in_caption else 'body'}, line {found.line}" if found else ""
    return Record(
        title=article.title,
        body=article.markdown(),
        paragraphs=article.paragraphs,
        source_path=path,
        line=article.line,
        caption=article.caption,
        credit=article.credit,
        date=dt.datetime.combine(found.date, dt.time()) if found else None,
        date_origin=where,
        date_only=found is not None,
    )
