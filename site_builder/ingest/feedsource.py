"""Read RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed files into entries the importer files.

XML feeds go through feedparser, the parser feed readers use; JSON Feed (which feedparser
6 does not read) through a small reader of our own. Entry HTML is sanitised with nh3 and
converted to Markdown with markdownify; relative links are resolved against the entry's
base. A feed that is not well-formed is imported as far as it can be recovered, and the
problem is reported by file.
"""

from __future__ import annotations

import calendar
import datetime as dt
import html
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import markdownify
from lxml import etree

from site_builder.content.markup import URL_SCHEMES, sanitise
from site_builder.errors import ContentError
from site_builder.ingest.dump import escape_text


@dataclass(frozen=True)
class FeedEntry:
    """One feed entry, normalised: plain-text title and summary, Markdown body."""

    title: str
    body: str
    entry_id: str = ""
    link: str = ""
    summary: str = ""
    published: dt.datetime | None = None
    updated: dt.datetime | None = None
    author: str = ""
    categories: tuple[str, ...] = ()
    image_url: str = ""
    image_caption: str = ""
    image_credit: str = ""  # media:credit
    source_name: str = ""
    feed_date: dt.datetime | None = None  # the feed's own date, for an undated entry
    line: int | None = None
    warnings: tuple[str, ...] = field(default=())
    language: str = ""  # the feed's own <language> / "language", as written


def sniff(data: bytes) -> str | None:
    """'xml' or 'json' for a feed, 'html' for a web page, else None (a raw dump, say)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"{"):
        return "json" if b"jsonfeed.org/version" in data[:65536] else None
    if not head.startswith(b"<"):
        return None
    body = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!doctype[^>]*>", b"", head, flags=re.S).lstrip()
    if re.match(rb"<(rss|feed|rdf:rdf|rdf)[\s>]", body):
        return "xml"
    return "html" if re.match(rb"<(html|head|body)[\s>]", body) else None


def read_feed(path: Path, data: bytes) -> tuple[list[FeedEntry], list[ContentError]]:
    """Every entry of a feed file, plus the problems met on the way."""
    kind = sniff(data)
    if kind == "json":
        return _read_json_feed(path, data)
    if kind == "html":
        raise ContentError(
            "not a feed: this is an HTML page (an error page saved by mistake?)", path, 1
        )
    return _read_xml_feed(path, data)


def _read_xml_feed(path: Path, data: bytes) -> tuple[list[FeedEntry], list[ContentError]]:
    # nh3 sanitises and resolves links below; feedparser's own passes would turn a
    # stripped javascript: link into a link to the entry itself.
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    problems = []
    if parsed.bozo:
        exc = parsed.bozo_exception
        line = exc.getLineNumber() if hasattr(exc, "getLineNumber") else None
        problems.append(
            ContentError(
                f"feed is not well-formed ({_reason(exc)}); imported what could be recovered",
                path,
                line,
            )
        )
    if not parsed.entries and not parsed.feed and parsed.bozo:
        raise ContentError(f"not a feed: {_reason(parsed.bozo_exception)}", path)
    base = parsed.feed.get("link", "")
    author = _plain(parsed.feed.get("author", ""))
    name = _plain(parsed.feed.get("title", ""))
    feed_date = _struct_date(
        parsed.feed.get("updated_parsed") or parsed.feed.get("published_parsed")
    )
    language = str(parsed.feed.get("language") or "")
    raw = _raw_items(data)
    if len(raw) != len(parsed.entries):
        raw = [("", "", None)] * len(parsed.entries)
    entries = []
    for number, (item, (caption, description, line)) in enumerate(zip(parsed.entries, raw), 1):
        try:  # a malformed URL (an IPv6 address without its "]") costs its entry only
            entry = replace(
                _xml_entry(item, base, author),
                source_name=name,
                feed_date=feed_date,
                language=language,
            )
            entries.append(
                replace(
                    _with_media_text(entry, caption, description, entry.link or base), line=line
                )
            )
        except ValueError as exc:
            problems.append(_bad_url(number, exc, path, line))
    return entries, problems


def _bad_url(number: int, exc: ValueError, path: Path, line: int | None) -> ContentError:
    """urllib and nh3 raise ValueError for a URL they cannot parse: "Invalid IPv6 URL"."""
    return ContentError(f"entry {number} not imported: a malformed URL ({exc})", path, line)


def _with_media_text(entry: FeedEntry, caption: str, description: str, base: str) -> FeedEntry:
    """feedparser folds media:description into the summary: put caption and body right."""
    if not caption:
        return entry
    if description and entry.body == to_markdown(caption, base):
        entry = replace(
            entry,
            body=to_markdown(description, base),
            summary="" if entry.summary == caption else entry.summary,
        )
    if entry.summary == caption:
        entry = replace(entry, summary="")
    return replace(entry, image_caption=caption) if entry.image_url else entry


def _xml_entry(entry: feedparser.FeedParserDict, feed_link: str, feed_author: str) -> FeedEntry:
    link = entry.get("link", "")
    if link and link == entry.get("id") and not _safe_url(link):
        link = ""  # feedparser offers an Atom "tag:" id as the link: an id, not an address
    content, base = _best_content(entry)
    base = base or link or feed_link
    title = _plain(entry.get("title", ""))
    image_url, image_caption = _xml_image(entry, base)
    warnings = []
    if not title:
        warnings.append("entry has no title")
    published = _struct_date(entry.get("published_parsed") or entry.get("created_parsed"))
    updated = _struct_date(dict.get(entry, "updated_parsed"))  # no published fallback
    if not published and not updated:
        warnings.append("entry has no date")
    published = published or updated
    return FeedEntry(
        title=title,
        body=to_markdown(content, base),
        entry_id=entry.get("id", "") or link,
        link=link,
        summary=_plain(entry.get("summary", ""))[:500] if entry.get("content") else "",
        published=published,
        updated=updated if updated and updated != published else None,
        author=_plain(entry.get("author", "")) or feed_author,
        categories=tuple(
            dict.fromkeys(
                _plain(t.get("label") or t.get("term") or "")
                for t in entry.get("tags", [])
                if (t.get("label") or t.get("term"))
            )
        ),
        image_url=image_url,
        image_caption=image_caption,
        image_credit=_plain(entry.get("credit", "")) if image_url else "",
        warnings=tuple(warnings),
    )


def _best_content(entry: feedparser.FeedParserDict) -> tuple[str, str]:
    """(HTML, its xml:base): content:encoded / atom:content before the summary."""
    contents = [c for c in entry.get("content") or [] if c.get("value")]
    contents.sort(key=lambda c: c.get("type") not in ("text/html", "application/xhtml+xml"))
    detail = contents[0] if contents else entry.get("summary_detail") or {}
    value = detail.get("value", "")
    if detail.get("type") == "text/plain":
        value = html.escape(value)
    return value, detail.get("base", "")


def _xml_image(entry: feedparser.FeedParserDict, base: str) -> tuple[str, str]:
    """The lead image from media:content, media:thumbnail or an image enclosure."""
    candidates = [
        m.get("url")
        for m in entry.get("media_content", [])
        if m.get("medium", "image") == "image" or str(m.get("type", "")).startswith("image/")
    ]
    candidates += [m.get("url") for m in entry.get("media_thumbnail", [])]
    candidates += [
        e.get("href")
        for e in entry.get("enclosures", [])
        if str(e.get("type", "")).startswith("image/")
    ]
    url = next((c for c in candidates if c), "")
    caption = _plain(entry.get("media_description", "") or entry.get("media_title", ""))
    return (_safe_url(urljoin(base, url)) if url else ""), caption


MEDIA = "{http://search.yahoo.com/mrss/}"


def _raw_items(data: bytes) -> list[tuple[str, str, int | None]]:
    """Per item/entry, in order: (media:description or media:title, own description, line)."""
    try:
        root = etree.fromstring(
            data,
            etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False),
        )
    except etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    items = []
    for item in root.iter("item", "{*}item", "{*}entry"):
        found = [el.text for tag in ("description", "title") for el in item.iter(MEDIA + tag)]
        own = [el.text for el in item if etree.QName(el).localname in ("description", "summary")]
        items.append(
            (
                _plain(next((t for t in found if t and t.strip()), "")),
                next((t for t in own if t and t.strip()), ""),
                item.sourceline,
            )
        )
    return items


def _read_json_feed(path: Path, data: bytes) -> tuple[list[FeedEntry], list[ContentError]]:
    try:
        feed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise ContentError(
            f"JSON Feed is not valid JSON: {getattr(exc, 'msg', exc)}", path, line
        ) from None
    if not isinstance(feed, dict) or not isinstance(feed.get("items", []), list):
        raise ContentError("JSON Feed must be an object with an 'items' array", path)
    base = str(feed.get("home_page_url") or feed.get("feed_url") or "")
    name = _plain(str(feed.get("title") or ""))
    entries, problems = [], []
    for index, item in enumerate(feed.get("items", [])):
        if not isinstance(item, dict):
            problems.append(ContentError(f"item {index + 1} is not an object; skipped", path))
            continue
        language = str(item.get("language") or feed.get("language") or "")
        try:
            entries.append(replace(_json_entry(item, base), source_name=name, language=language))
        except ValueError as exc:
            problems.append(_bad_url(index + 1, exc, path, None))
    return entries, problems


def _json_entry(item: dict, base: str) -> FeedEntry:
    link = urljoin(base, str(item.get("url") or item.get("external_url") or ""))
    content = item.get("content_html") or ""
    if not content and item.get("content_text"):
        content = "".join(
            f"<p>{html.escape(p)}</p>" for p in str(item["content_text"]).split("\n\n")
        )
    title = _plain(str(item.get("title") or ""))
    published = _iso_date(item.get("date_published"))
    updated = _iso_date(item.get("date_modified"))
    authors = item.get("authors") or (
        [item["author"]] if isinstance(item.get("author"), dict) else []
    )
    warnings = [
        w
        for w, bad in (
            ("entry has no title", not title),
            ("entry has no date", not (published or updated)),
        )
        if bad
    ]
    published = published or updated
    image = str(item.get("image") or item.get("banner_image") or "")
    return FeedEntry(
        title=title,
        body=to_markdown(str(content), link or base),
        entry_id=str(item.get("id") or link),
        link=link,
        summary=_plain(str(item.get("summary") or ""))[:500],
        published=published,
        updated=updated if updated and updated != published else None,
        author=", ".join(_plain(str(a.get("name", ""))) for a in authors if isinstance(a, dict)),
        categories=tuple(dict.fromkeys(_plain(str(t)) for t in item.get("tags", []) or [] if t)),
        image_url=_safe_url(urljoin(link or base, image)) if image else "",
        warnings=tuple(warnings),
    )


class _TextStaysText(markdownify.MarkdownConverter):
    """markdownify, but text that reads as markup ("&lt;script&gt;" shown as code, a
    "[x](javascript:...)" written out) is escaped, so it stays text in the Markdown."""

    def escape(self, text, parent_tags):
        # markdownify's type stub leaves out escape(), which the class has
        return escape_text(super().escape(text, parent_tags))  # type: ignore[misc]


def to_markdown(fragment: str, base: str = "") -> str:
    """Sanitised HTML converted to tidy Markdown (ATX headings, '-' bullets)."""
    clean = sanitise(fragment, base)  # the same rules as the site's own article HTML
    text = _TextStaysText(
        heading_style="ATX", bullets="-", escape_underscores=False, escape_misc=False
    ).convert(clean)
    text = re.sub(r"[ \t]+\n", "\n", text.replace("\u00a0", " "))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _plain(fragment: str) -> str:
    """HTML (as in a title or summary) to one line of plain text."""
    text = html.unescape(re.sub(r"<[^>]*>", " ", fragment or ""))
    return re.sub(r"\s+", " ", text).strip()


def _safe_url(url: str) -> str:
    return url if url.split(":", 1)[0].lower() in URL_SCHEMES else ""


def _struct_date(value) -> dt.datetime | None:
    """feedparser's UTC struct_time to an aware datetime."""
    if not value:
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(value), dt.UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _iso_date(value) -> dt.datetime | None:
    """An RFC 3339 date of a JSON Feed; None when missing or unreadable."""
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _reason(exc: BaseException | None) -> str:
    text = str(getattr(exc, "getMessage", lambda: exc)()) if exc else "unknown problem"
    return re.sub(r"\s+", " ", text).strip()[:200]
