"""Filing each dated Record: find the article it already is on disk (by id, else by title),
decide created / updated / unchanged / skipped and the file's text, and write.

Nothing a person edited is overwritten without --force: each file carries `import_digest`,
the hash of the file as the importer wrote it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
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
from site_builder.content.loader import check_text
from site_builder.errors import ContentError, SiteBuilderError
from site_builder.ingest.classify import Classification, classify
from site_builder.ingest.dates import is_guessed
from site_builder.ingest.records import Record
from site_builder.urls import slugify

log = logging.getLogger("site_builder")

SUMMARY_MAX = 300  # characters; a longer lead is cut at a sentence or word
DIGEST_KEY = "import_digest"
# sha256 of the text without this line; for a bundle, then its picture's: "photo.jpg=sha256:..."
_DIGEST_LINE = re.compile(
    rf"^{DIGEST_KEY}: *['\"]?sha256:([0-9a-f]{{64}})(?: +([\w.-]+)=sha256:([0-9a-f]{{64}}))?['\"]? *\n",
    re.M,
)


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
        self.slugs.add(slug_of(item.path))
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
    picture: tuple[Path, bytes] | None = None  # a bundle's picture, to write before the text


def slug_of(path: Path) -> str:
    """The slug a content file takes: a bundle's is its folder's name."""
    return path.parent.name if path.name == "index.md" else path.stem


def scan_content(content_dir: Path) -> ContentIndex:
    """Read the front matter of every content file; a broken one is reported and skipped."""
    index = ContentIndex()
    for path in sorted(content_dir.rglob("*.md")):  # none when content/ does not exist yet
        try:
            text = path.read_text(encoding="utf-8")
            meta, _, _ = frontmatter.read(text, path)
        except (ContentError, UnicodeDecodeError, OSError) as exc:
            log.warning("%s", exc if isinstance(exc, ContentError) else f"{path}: {exc}")
            index.slugs.add(slug_of(path))
            continue
        index.add(Existing(path, None, meta))
    return index


def decide(
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
    allow_private: bool = False,
) -> Action:
    """Decide created / updated / unchanged / skipped for one record, and the file text.

    `fetch_images`: a new article with a remote lead picture becomes a bundle,
    content/<region>/<slug>/index.md, with the picture downloaded beside it (so the site
    does not hotlink); an article that is a bundle already gets its picture refreshed,
    unless a person edited the article or replaced the picture (then nothing is fetched or
    written without `force`). `allow_private`: fetch from private addresses too.
    """
    url, warnings = _web_url(record.url or source_url or "")
    day_only = record.date_only and not explicit
    article_id = article_id_for(record, when.date() if day_only else when, source_url, batch)
    match = _existing(index, record, article_id, source_url)
    guessed = is_guessed(origin)
    estimated = record.date_estimated or guessed
    if match is not None:
        article_id = str(match.meta.get("id") or article_id)
        earlier = match.meta.get("date")
        if not explicit and isinstance(earlier, dt.date):
            when, origin = _moment(config, earlier), "the earlier import"
            day_only = not isinstance(earlier, dt.datetime)
            estimated = estimated and match.meta.get("date_estimated") is True
    found = classify(record.title, record.paragraphs, config.regions, caption=record.caption)
    if match is None:
        base = title_slug(record.title, url, found.countries, article_id)
        region = config.content_dir / found.region
        path = region / f"{_unique_slug(index, base, region)}.md"
    else:
        path = match.path
    picture = None
    if _fetching(record, match, fetch_images, force):
        bundle = path.with_suffix("") / "index.md" if match is None else path
        record, warnings, picture = _fetched(record, bundle, warnings, allow_private)
        if match is None and picture is not None:
            path = bundle  # fetched: the article lives beside its picture
    meta = _front_matter(config, record, article_id, when, found.region, found.countries, url)
    if day_only:
        meta["date"] = when.date()
    if estimated and not explicit:
        meta["date_estimated"] = True
        if guessed:  # a guessed date must not reach the front page
            meta["draft"] = True
    text = render_with_digest(meta, record.body, picture)
    if log.isEnabledFor(logging.DEBUG):
        _explain(record, when.date() if day_only else when, origin, found)
    if match is None:
        _refuse_what_build_refuses(config, path, text)
        index.add(Existing(path, text, meta))
        return Action(
            "created", found.region, path, text, record, origin, warnings=warnings, picture=picture
        )
    status, note = _compare(match.current(), text, force)
    replaced = _picture_replaced(match, picture)
    if replaced and status != "skipped":
        status, note = _keep_picture(replaced, note, force)
    if status == "updated":
        _refuse_what_build_refuses(config, path, text)
        match.text = text  # a later duplicate in the same batch is then "unchanged"
    picture = picture if status == "updated" and _differs(picture) else None
    return Action(status, found.region, path, text, record, origin, note, picture=picture)


def _fetching(record: Record, match: Existing | None, fetch_images: bool, force: bool) -> bool:
    """Whether to download the record's picture: not for an article that is skipped anyway
    (a person edited it), whose picture would be fetched for nothing."""
    if not (fetch_images and record.image_url.startswith(("http://", "https://"))):
        return False
    return match is None or force or edited_since_import(match.current()) is None


def _picture_replaced(match: Existing, picture: tuple[Path, bytes] | None) -> str:
    """Why the bundle's picture on disk is not the importer's to replace ("" if it is):
    compared like the text, with the digest the importer recorded when it wrote it."""
    if picture is None or not _differs(picture):
        return ""
    found = _DIGEST_LINE.search(match.current())
    written = (found.group(2), found.group(3)) if found and found.group(2) else None
    try:
        digest = hashlib.sha256(picture[0].read_bytes()).hexdigest()
    except OSError:
        return ""  # not there (or not a file): nothing to lose
    if written == (picture[0].name, digest):
        return ""
    return f"{picture[0].name} " + (
        "replaced since import" if written else "there, with no record of the import writing it"
    )


def _keep_picture(replaced: str, note: str, force: bool) -> tuple[str, str]:
    if force:
        return "updated", "; ".join(filter(None, (note, f"--force: overwrote {replaced}")))
    return "skipped", f"{replaced}; --force overwrites it"


def _differs(picture: tuple[Path, bytes] | None) -> bool:
    """True if the picture is not on disk with these very bytes."""
    if picture is None:
        return False
    try:
        return picture[0].read_bytes() != picture[1]
    except OSError:
        return True


def _existing(
    index: ContentIndex, record: Record, article_id: str, source_url: str | None
) -> Existing | None:
    """The file this record was imported into before: by id, else (a dump's article, which
    has no id of its own) by title."""
    match = index.by_id.get(article_id)
    if match is None and not (record.source_id or record.url or source_url):
        match = _same_dump_article(index, record)
    return match


def _fetched(
    record: Record, article: Path, warnings: tuple[str, ...], allow_private: bool
) -> tuple[Record, tuple[str, ...], tuple[Path, bytes] | None]:
    """The record with its lead picture downloaded, to go beside the article (a bundle's
    index.md); a picture that cannot be fetched stays a link, with a warning."""
    if article.name != "index.md":
        return (
            record,
            warnings
            + (
                "picture not fetched: the article is a single file, not a "
                f"bundle ({article.stem}/index.md); it stays a link",
            ),
            None,
        )
    # Here: fetch.py brings Pillow (28 ms to import), needed only with --fetch-images.
    from site_builder.ingest.fetch import download_image

    try:
        fetched = download_image(record.image_url, allow_private=allow_private)
    except SiteBuilderError as exc:
        return record, warnings + (f"picture not fetched, linked instead: {exc}",), None
    log.debug("%s: %s, %dx%d", record.image_url, fetched.format, fetched.width, fetched.height)
    target = article.parent / fetched.name
    return replace(record, image_url=fetched.name), warnings, (target, fetched.data)


def _refuse_what_build_refuses(config: SiteConfig, path: Path, text: str) -> None:
    """Raise when `build` would refuse the file: what import writes, build accepts."""
    problems = check_text(config, text, path)
    if problems:
        messages = "; ".join(getattr(p, "message", str(p)) for p in problems)
        raise ContentError(f"build would refuse {shown_from_cwd(path)}: {messages}")


def _explain(record: Record, when: dt.date, origin: str, found: Classification) -> None:
    """import -v: where the date came from and why the region, in lines one can read."""
    log.debug("%s: date %s (%s), region %s", record.where, when.isoformat(), origin, found.region)
    if found.countries:
        log.debug("  countries: %s", ", ".join(found.countries))
    for line in found.explain_lines():
        log.debug("  %s", line)


def _same_dump_article(index: ContentIndex, record: Record) -> Existing | None:
    """An article of a dump (no id of its own) imported before: same title, same stated day.

    Its date came from the copy or from the dump's modification time, which a fresh clone
    changes: the title, with the stated date when there is one, is all its identity.
    """
    match = index.by_title.get(_title_key(record.title))
    if match is None or record.date is None:
        return match
    date = match.meta.get("date")
    if not isinstance(date, dt.date):
        return None
    return match if _day(date) == record.date.date() else None


def _day(date: dt.date) -> dt.date:
    return date.date() if isinstance(date, dt.datetime) else date


def _moment(config: SiteConfig, date: dt.date) -> dt.datetime:
    """A front matter date as a moment: a day alone at the site's midnight, as the build reads it."""
    if isinstance(date, dt.datetime):
        return date if date.tzinfo else date.replace(tzinfo=config.tz)
    return dt.datetime.combine(date, dt.time(), config.tz)


def _title_identified(meta: dict[str, Any]) -> bool:
    """True for an article whose id was made from its title and date (see article_id_for)."""
    date, title = meta.get("date"), meta.get("title")
    if not isinstance(date, dt.date) or not isinstance(title, str):
        return False
    key = f"{title}\n{date.isoformat()}"
    return str(meta.get("id")) == f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}"


def _web_url(url: str) -> tuple[str, tuple[str, ...]]:
    """The article's link if it is an http(s) address; a javascript: link from a feed is dropped."""
    if not url or url.split(":", 1)[0].strip().lower() in ("http", "https"):
        return url, ()
    return "", (f"dropped the link '{url}': not an http(s) address",)


def article_id_for(record: Record, when: dt.date, source_url: str | None, batch: int) -> str:
    """urn:uuid from the article's URL, else the batch's --source-url, else title and date
    (a moment, or a day alone when the copy states only the day).

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


def _unique_slug(index: ContentIndex, base: str, region: Path | None = None) -> str:
    """A slug, with -2, -3 ... when another article already has it, or a file or folder of
    that name is in the region's folder (a bundle without index.md, a stray file)."""
    slug = base
    number = 1
    while slug in index.slugs or (
        region is not None and (_taken(region / slug) or _taken(region / f"{slug}.md"))
    ):
        number += 1
        slug = f"{base}-{number}"
    return slug


_APOSTROPHE = re.compile(r"(?<=\w)['’ʼ‘](?=\w)")


def _taken(path: Path) -> bool:
    return path.exists() or path.is_symlink()


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


def render_with_digest(
    meta: dict[str, Any], body: str, picture: tuple[Path, bytes] | None = None
) -> str:
    """The file text, with `import_digest` = sha256 of the same text without that line
    (then, for a bundle, "<picture>=sha256:..." of the picture written beside it)."""
    plain = frontmatter.render({k: v for k, v in meta.items() if k != DIGEST_KEY}, body)
    digest = hashlib.sha256(plain.encode("utf-8")).hexdigest()
    if picture is not None:
        digest += f" {picture[0].name}=sha256:{hashlib.sha256(picture[1]).hexdigest()}"
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
    """Write every created or updated file (a bundle's picture first, so the article never
    names a missing one); a file that cannot be written is a problem. With `content_dir`,
    nothing is written outside it, and a created file never replaces one already there."""
    problems: list[SiteBuilderError] = []
    for action in actions:
        if action.status not in ("created", "updated"):
            continue
        writes = [action.picture] if action.picture else []
        writes.append((action.path, action.text.encode("utf-8")))
        for path, data in writes:
            status = "updated" if _taken(path) else "created"
            problem = _write(path, data, content_dir, new=action.status == "created")
            if problem is not None:
                problems.append(problem)
                break
            if path.name != "index.md" and action.picture:
                log.info("%s: picture %s", shown_from_cwd(path), status)
    return problems


def _write(path: Path, data: bytes, content_dir: Path | None, new: bool) -> ContentError | None:
    where = shown_from_cwd(path)
    if content_dir is not None:
        if not _inside(path, content_dir):
            link = _link_out(path, content_dir)
            return ContentError(
                f"refusing to write: {link}/ is a symbolic link out of {content_dir.name}/", where
            )
        if new and _taken(path):  # decided against a folder someone has changed since
            return ContentError("refusing to overwrite a file the import did not write", where)
    try:
        write_atomic(path, data)
    except OSError as exc:
        return ContentError(f"cannot write: {exc.strerror}", where)
    return None


def _inside(path: Path, content_dir: Path) -> bool:
    """True if the folder a file goes into is really inside content/ (links resolved)."""
    # resolve() follows the links of the parts that exist and keeps the rest as written.
    return path.parent.resolve().is_relative_to(content_dir.resolve())


def _link_out(path: Path, content_dir: Path) -> str:
    """The folder of `path`, below content/, that is the link leading out of it."""
    folder = content_dir
    for part in path.parent.relative_to(content_dir).parts:
        folder = folder / part
        if folder.is_symlink():
            return str(folder.relative_to(content_dir))
    return path.parent.name


def shown_from_cwd(path: Path) -> str:
    """A path as the person who ran `import` reads it: relative to the working folder where
    possible (config.shown is relative to the site instead)."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
