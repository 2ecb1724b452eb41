"""`site-builder import`: file articles from raw dumps as content/<region>/<slug>.md.

Order of work: read every source into Records (dump.py parses; a feed reader can produce
the same Records), give each a date, then plan every write against the content already on
disk (match by id, else by title), and only then write, atomically. Nothing a person
edited is overwritten without --force: each file carries `import_digest`, the hash of the
file as the importer wrote it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import sys
import unicodedata
import urllib.parse
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from site_builder.atomic import write_atomic
from site_builder.config import SiteConfig
from site_builder.content import frontmatter
from site_builder.content.loader import YEARS, check_text
from site_builder.errors import ContentError, SiteBuilderError
from site_builder.ingest import dump
from site_builder.ingest.classify import classify
from site_builder.urls import slugify

log = logging.getLogger("site_builder")

SUMMARY_MAX = 300  # characters; a longer lead is cut at a sentence or word
DIGEST_KEY = "import_digest"
_DIGEST_LINE = re.compile(rf"^{DIGEST_KEY}: *['\"]?sha256:([0-9a-f]{{64}})['\"]? *\n", re.M)
STATUSES = ("created", "updated", "unchanged", "skipped")
# Real dumps and feeds are kilobytes; 20 MB is thousands of articles, past that a mistake.
MAX_SOURCE_BYTES = 20 * 1024 * 1024


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


@dataclass
class Existing:
    """A content file already on disk, as far as matching needs it."""

    path: Path
    text: str | None  # None until needed: 10,000 files need not sit in memory
    meta: dict[str, Any]

    def current(self) -> str:
        """The file's text as it is now (or as this run planned it)."""
        if self.text is None:
            self.text = self.path.read_text(encoding="utf-8")
        return self.text


@dataclass
class ContentIndex:
    """Existing content by id, plus every slug in use.

    by_title holds only articles whose id was made from their title and date (raw dumps,
    which carry no id of their own): a dump re-imported with a new modification time finds
    them by title. An article with an id from its source is only ever found by that id.
    """

    by_id: dict[str, Existing] = field(default_factory=dict)
    by_title: dict[str, Existing] = field(default_factory=dict)
    slugs: set[str] = field(default_factory=set)

    def add(self, item: Existing) -> None:
        """Make a file findable, by id and title, and reserve its slug."""
        if item.meta.get("id"):
            self.by_id.setdefault(str(item.meta["id"]), item)
        if item.meta.get("title") and _title_identified(item.meta):
            self.by_title.setdefault(_title_key(str(item.meta["title"])), item)
        self.slugs.add(item.path.stem)
        if item.meta.get("slug"):
            self.slugs.add(str(item.meta["slug"]))


@dataclass(frozen=True)
class Action:
    """What the import does with one article."""

    status: str
    region: str
    path: Path
    text: str
    record: Record
    origin: str  # where the date came from
    note: str = ""  # why a file was skipped or forced
    warnings: tuple[str, ...] = ()  # said only when the article is new


# --- the command -------------------------------------------------------------------------


def run_import(
    config: SiteConfig,
    paths: Sequence[Path],
    *,
    date: dt.datetime | None = None,
    source_url: str | None = None,
    dry_run: bool = False,
    force: bool = False,
    quiet: bool = False,
    language: str = "",
    fetch_images: bool = False,
) -> int:
    """Import dump files into content/; print one line per article; 0 if all went well.

    `language` ('ar'): the articles' language, recorded as `lang:`; it wins over a feed's own.
    """
    records, problems = read_sources(paths)
    if language:
        records = [replace(r, language=language, language_given=True) for r in records]
    dated, refused = assign_dates(config, records, date)
    problems += refused
    index = scan_content(config.content_dir)
    actions = []
    for record, when, origin in dated:
        try:  # one article that cannot be filed must not cost the rest of its file
            action = plan(
                config,
                index,
                record,
                when,
                origin,
                explicit=date is not None,
                source_url=source_url,
                batch=len(records),
                force=force,
                fetch_images=fetch_images and not dry_run,
            )
        except SiteBuilderError as exc:
            problems.append(ContentError(f"not imported: {exc}", record.source_path, record.line))
            continue
        except Exception as exc:  # a bug; still the rest of the batch is imported
            log.debug("%s", record.where, exc_info=True)
            problems.append(
                ContentError(
                    f"not imported: internal error {type(exc).__name__}: {exc} (please report it)",
                    record.source_path,
                    record.line,
                )
            )
            continue
        actions.append(action)
        _warn_new(action)
    if not dry_run:
        problems += write_all(actions, config.content_dir)
    for problem in problems:
        print(problem, file=sys.stderr)
    _report(actions, problems, paths, dry_run=dry_run, quiet=quiet)
    return 1 if problems else 0


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
        from site_builder.ingest.feedsource import sniff  # feedparser is slow to load: only here

        if sniff(data):
            from site_builder.ingest.feedimport import read_feed_records

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
    )


# --- dates -------------------------------------------------------------------------------


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
            when, origin = mtime - dt.timedelta(minutes=step), "file modification time"
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
        while when in used:
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
        else (now, "estimated: time of first import")
    )
    if newest is not None and when >= newest:
        when, origin = newest - dt.timedelta(minutes=1), "estimated: behind the feed's dated news"
    return when, origin


def _aware(value: dt.datetime, config: SiteConfig) -> dt.datetime:
    """A date without a zone is read in the site's time zone; seconds are enough."""
    value = value.replace(microsecond=0)
    return value if value.tzinfo else value.replace(tzinfo=config.tz)


# --- planning ----------------------------------------------------------------------------


def scan_content(content_dir: Path) -> ContentIndex:
    """Read the front matter of every content file; a broken one is reported and skipped."""
    index = ContentIndex()
    for path in sorted(content_dir.rglob("*.md")):  # none when content/ does not exist yet
        try:
            text = path.read_text(encoding="utf-8")
            meta, _, _ = frontmatter.read(text, path)
        except (ContentError, UnicodeDecodeError, OSError) as exc:
            log.warning("%s", exc if isinstance(exc, ContentError) else f"{path}: {exc}")
            index.slugs.add(path.stem)
            continue
        index.add(Existing(path, None, meta))
    return index


def plan(
    config: SiteConfig,
    index: ContentIndex,
    record: Record,
    when: dt.datetime,
    origin: str,
    *,
    explicit: bool,
    source_url: str | None,
    batch: int,
    force: bool,
    fetch_images: bool = False,
) -> Action:
    """Decide created / updated / unchanged / skipped for one record, and the file text.

    `fetch_images`: a new article with a remote lead picture becomes a bundle,
    content/<region>/<slug>/index.md, with the picture downloaded beside it (so the site
    does not hotlink); an article that is a bundle already gets its picture refreshed.
    """
    url, warnings = _web_url(record.url or source_url or "")
    article_id = article_id_for(record, when, source_url, batch)
    match = index.by_id.get(article_id)
    if match is None and not (record.source_id or record.url or source_url):
        match = _same_dump_article(index, record)
    estimated = record.date_estimated
    if match is not None:
        article_id = str(match.meta.get("id") or article_id)
        if not explicit and isinstance(match.meta.get("date"), dt.datetime):
            when, origin = match.meta["date"], "the earlier import"
            estimated = estimated and match.meta.get("date_estimated") is True
    found = classify(record.title, record.paragraphs, config.regions, caption=record.caption)
    path = None
    if match is None:
        base = title_slug(record.title, url, found.countries, article_id)
        path = config.content_dir / found.region / f"{_unique_slug(index, base)}.md"
    if fetch_images and record.image_url.startswith(("http://", "https://")):
        bundle = path.with_suffix("") / "index.md" if path is not None else match.path
        record, warnings = _fetched(record, bundle, warnings)
        if path is not None and not record.image_url.startswith(("http://", "https://")):
            path = bundle  # fetched: the article lives beside its picture
    meta = _front_matter(config, record, article_id, when, found.region, found.countries, url)
    if estimated and not explicit:
        meta["date_estimated"] = True
    text = render_with_digest(meta, record.body)
    log.debug(
        "%s:%s: date %s from %s; region %s; countries %s; scores: %s",
        record.source_path,
        record.line,
        when.isoformat(),
        origin,
        found.region,
        ", ".join(found.countries) or "-",
        found.explain(),
    )
    if match is None:
        _refuse_what_build_refuses(config, path, text)
        action = Action("created", found.region, path, text, record, origin, warnings=warnings)
        index.add(Existing(path, text, meta))
        return action
    status, note = _compare(match.current(), text, force)
    if status == "updated":
        _refuse_what_build_refuses(config, match.path, text)
        match.text = text  # a later duplicate in the same batch is then "unchanged"
    return Action(status, found.region, match.path, text, record, origin, note)


def _fetched(
    record: Record, article: Path, warnings: tuple[str, ...]
) -> tuple[Record, tuple[str, ...]]:
    """The record with its lead picture downloaded beside the article (a bundle's
    index.md); a picture that cannot be fetched stays a link, with a warning."""
    if article.name != "index.md":
        return record, warnings + (
            "picture not fetched: the article is a single file, not a "
            f"bundle ({article.stem}/index.md); it stays a link",
        )
    from site_builder.ingest.fetch import fetch_image

    try:
        fetched = fetch_image(record.image_url, article.parent)
    except SiteBuilderError as exc:
        return record, warnings + (f"picture not fetched, linked instead: {exc}",)
    log.info(
        "%s: picture %s (%s, %dx%d)",
        _display(fetched.path),
        fetched.status,
        fetched.format,
        fetched.width,
        fetched.height,
    )
    return replace(record, image_url=fetched.path.name), warnings


def _refuse_what_build_refuses(config: SiteConfig, path: Path, text: str) -> None:
    """Raise when `build` would refuse the file: what import writes, build accepts."""
    problems = check_text(config, text, path)
    if problems:
        messages = "; ".join(getattr(p, "message", str(p)) for p in problems)
        raise ContentError(f"build would refuse {_display(path)}: {messages}")


def _same_dump_article(index: ContentIndex, record: Record) -> Existing | None:
    """An article of a dump (no id of its own) imported before: same title, same stated day.

    Its date came from the copy or from the dump's modification time, which a fresh clone
    changes: the title, with the stated date when there is one, is all its identity.
    """
    match = index.by_title.get(_title_key(record.title))
    if match is None or record.date is None:
        return match
    date = match.meta.get("date")
    return match if isinstance(date, dt.datetime) and date.date() == record.date.date() else None


def _title_identified(meta: dict[str, Any]) -> bool:
    """True for an article whose id was made from its title and date (see article_id_for)."""
    date, title = meta.get("date"), meta.get("title")
    if not isinstance(date, dt.datetime) or not isinstance(title, str):
        return False
    key = f"{title}\n{date.isoformat()}"
    return str(meta.get("id")) == f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}"


def _warn_new(action: Action) -> None:
    """A source's warnings, once: when its article is first imported, not on every re-import."""
    if action.status == "created":
        for warning in action.record.warnings + action.warnings:
            log.warning("%s: %s", action.record.where, warning)


def _web_url(url: str) -> tuple[str, tuple[str, ...]]:
    """The article's link if it is an http(s) address; a javascript: link from a feed is dropped."""
    if not url or url.split(":", 1)[0].strip().lower() in ("http", "https"):
        return url, ()
    return "", (f"dropped the link '{url}': not an http(s) address",)


def article_id_for(record: Record, when: dt.datetime, source_url: str | None, batch: int) -> str:
    """urn:uuid from the article's URL, else the batch's --source-url, else title and date.

    One --source-url shared by several articles cannot tell them apart on its own, so
    then the title's slug is added to it.
    """
    if record.source_id.startswith("urn:uuid:"):
        return record.source_id  # our own feeds: the entry id is the article id
    key = record.source_id or record.url or (source_url if batch == 1 else None)
    if key is None:
        key = (
            f"{source_url}#{slugify(record.title)}"
            if source_url
            else f"{record.title}\n{when.isoformat()}"
        )
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}"


def _compare(old: str, new: str, force: bool) -> tuple[str, str]:
    """unchanged / updated / skipped (a person edited the file), with the reason."""
    if old == new:
        return "unchanged", ""
    edited = edited_since_import(old)
    if edited is None:
        return "updated", ""
    if force:
        return "updated", f"--force: overwrote a file {edited}"
    return "skipped", f"{edited}; --force overwrites it"


def _front_matter(
    config: SiteConfig,
    record: Record,
    article_id: str,
    when: dt.datetime,
    region: str,
    countries: Sequence[str],
    url: str,
) -> dict[str, Any]:
    """The front matter mapping, keys in the order of the content file contract."""
    meta: dict[str, Any] = {"id": article_id, "title": record.title, "date": when}
    if record.updated and record.updated > when:
        meta["updated"] = record.updated
    meta.update(
        {
            "region": region,
            "countries": list(countries),
            "tags": _tags(config, record.tags, countries),
            "summary": summarise(record.paragraphs),
        }
    )
    image = {
        k: v
        for k, v in (
            ("caption", record.caption),
            ("credit", record.credit),
            ("url", record.image_url),
        )
        if v
    }
    if image:
        meta["image"] = image
    name = record.source_name or config.source_name
    source = {k: v for k, v in (("name", name), ("url", url)) if v}
    if source:
        meta["source"] = source
    if record.author:
        meta["author"] = record.author
    # Said explicitly (--language), or a feed's language other than the site's: an English
    # site importing English feeds writes its files as before.
    if record.language and (
        record.language_given or record.language.split("-")[0] != config.language.split("-")[0]
    ):
        meta["lang"] = record.language
    meta["draft"] = False
    return meta


def _tags(config: SiteConfig, tags: Sequence[str], countries: Sequence[str]) -> list[str]:
    """A source's categories, less those the site shows anyway (regions, countries)."""
    shown = {r.name.casefold() for r in config.regions} | {c.casefold() for c in countries}
    return list(dict.fromkeys(t for t in tags if t.casefold() not in shown))


def title_slug(
    title: str, url: str = "", countries: Sequence[str] = (), article_id: str = ""
) -> str:
    """The slug of a new article: its title's, when the title is in Latin letters.

    URLs stay ASCII. slugify would transliterate an Arabic title letter by letter into a
    vowelless string nobody can read ("mqtl-thlth-fy-hjwm"), so such a title gives way to
    the last readable part of the article's URL, else to its first country and a short,
    stable piece of its id ("iraq-3f0c1b2d").
    """
    if _latin_share(title) >= 0.5:
        # "Kenya's" and "Sudan’s" alike: "kenyas", "sudans" (slugify would make "kenya-s").
        return slugify(_APOSTROPHE.sub("", title))
    segment = urllib.parse.unquote(urllib.parse.urlsplit(url).path.rstrip("/").rpartition("/")[2])
    segment = re.sub(r"\.[a-z0-9]{2,5}$", "", segment)
    if segment and _latin_share(segment) >= 0.5 and re.search("[A-Za-z]{3}", segment):
        return slugify(segment)
    stem = slugify(countries[0]) if countries else "article"
    return f"{stem}-{hashlib.sha256((article_id or title).encode('utf-8')).hexdigest()[:8]}"


def _latin_share(text: str) -> float:
    """The share of a text's letters that are Latin (ASCII or accented)."""
    letters = [c for c in text if c.isalpha()]
    latin = [c for c in letters if c.isascii() or "LATIN" in unicodedata.name(c, "")]
    return len(latin) / len(letters) if letters else 1.0


def _unique_slug(index: ContentIndex, base: str) -> str:
    """A slug, with -2, -3 ... when another article already has it."""
    slug = base
    number = 1
    while slug in index.slugs:
        number += 1
        slug = f"{base}-{number}"
    return slug


_APOSTROPHE = re.compile(r"(?<=\w)['’ʼ‘](?=\w)")


def _title_key(title: str) -> str:
    return " ".join(title.casefold().split())


def summarise(paragraphs: Sequence[str], limit: int = SUMMARY_MAX) -> str:
    """The lead paragraph, cut at a sentence end (else a word) when longer than `limit`."""
    lead = next((p for p in paragraphs if p.strip()), "").strip()
    if len(lead) <= limit:
        return lead
    head = lead[:limit]
    sentence = max(head.rfind(". "), head.rfind("? "), head.rfind("! "))
    if sentence >= limit // 3:
        return head[: sentence + 1]
    return head[: head.rfind(" ")].rstrip(" ,;:-—") + "…" if " " in head else head + "…"


# --- the digest and writing ---------------------------------------------------------------


def render_with_digest(meta: dict[str, Any], body: str) -> str:
    """The file text, with `import_digest` = sha256 of the same text without that line."""
    plain = frontmatter.render({k: v for k, v in meta.items() if k != DIGEST_KEY}, body)
    digest = hashlib.sha256(plain.encode("utf-8")).hexdigest()
    keys = list(meta)
    ordered = {}
    for key in keys:
        ordered[key] = meta[key]
        if key == "draft":
            ordered[DIGEST_KEY] = f"sha256:{digest}"
    ordered.setdefault(DIGEST_KEY, f"sha256:{digest}")
    return frontmatter.render(ordered, body)


def edited_since_import(text: str) -> str | None:
    """None if the file is exactly as the importer wrote it, else why it is not."""
    match = _DIGEST_LINE.search(text)
    if match is None:
        return "not written by the importer (no import_digest)"
    plain = text[: match.start()] + text[match.end() :]
    if hashlib.sha256(plain.encode("utf-8")).hexdigest() != match.group(1):
        return "edited since import"
    return None


def write_all(actions: Sequence[Action], content_dir: Path | None = None) -> list[SiteBuilderError]:
    """Write every created or updated file; a file that cannot be written is a problem."""
    problems: list[SiteBuilderError] = []
    for action in actions:
        if action.status in ("created", "updated"):
            if content_dir is not None and not _inside(action.path, content_dir):
                problems.append(
                    ContentError(
                        f"refusing to write: {action.path.parent.name}/ is a symbolic link out of "
                        f"{content_dir.name}/",
                        _display(action.path),
                    )
                )
                continue
            try:
                write_atomic(action.path, action.text.encode("utf-8"))
            except OSError as exc:
                where = _display(action.path)
                problems.append(ContentError(f"cannot write: {exc.strerror}", where))
    return problems


def _inside(path: Path, content_dir: Path) -> bool:
    """True if the folder a file goes into is really inside content/ (links resolved)."""
    # resolve() follows the links of the parts that exist and keeps the rest as written.
    return path.parent.resolve().is_relative_to(content_dir.resolve())


# --- output ------------------------------------------------------------------------------


def _report(
    actions: Sequence[Action],
    problems: Sequence[SiteBuilderError],
    paths: Sequence[Path],
    *,
    dry_run: bool,
    quiet: bool,
) -> None:
    """One aligned line per article on stdout, then a count line."""
    width = max((len(a.region) for a in actions), default=0)
    for action in actions:
        shown = _display(action.path)
        line = f"{action.status:<9}  {action.region:<{width}}  {shown}"
        if action.note:
            line += f"  ({action.note})"
            if quiet:
                log.warning("%s: %s: %s", shown, action.status, action.note)
        if not quiet:
            print(line)
    if quiet:
        return
    counts = [
        f"{sum(a.status == s for a in actions)} {s}"
        for s in STATUSES
        if any(a.status == s for a in actions)
    ]
    files = f"{len(paths)} file" + ("s" if len(paths) != 1 else "")
    summary = f"{len(actions)} article" + ("s" if len(actions) != 1 else "") + f" from {files}"
    summary += ": " + ", ".join(counts) if counts else ""
    if problems:
        summary += f"; {len(problems)} problem" + ("s" if len(problems) != 1 else "")
    origins = _date_origins(actions)
    if origins:
        summary += f"; dates: {origins}"
    print(summary + ("  (dry run: nothing written)" if dry_run else ""))


def _date_origins(actions: Sequence[Action]) -> str:
    """'2 from caption, 1 from file modification time, 1 from the earlier import'."""
    tally: dict[str, int] = {}
    for action in actions:
        if action.status == "skipped":
            continue
        kind = action.origin.split(",")[0]
        tally[kind] = tally.get(kind, 0) + 1
    return ", ".join(f"{n} from {kind}" for kind, n in tally.items())


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
