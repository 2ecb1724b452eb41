"""Content loading: every content/**/*.md becomes a validated, frozen Article.

All files are read and checked before anything is built; every problem found is collected
and raised together as one ErrorList, so an editor fixes a whole batch in one pass.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Any

from site_builder import i18n
from site_builder.config import RESERVED, SiteConfig
from site_builder.config.regions import missing_region
from site_builder.content import corrections, curation, frontmatter, params, shortcodes
from site_builder.errors import YAML_KINDS, ContentError, ErrorList, SiteBuilderError, kind_of
from site_builder.model import Article, Image, Source, article_path
from site_builder.weburl import link_problem, split

log = logging.getLogger("site_builder")

REQUIRED = ("id", "title", "date", "region")
KNOWN = (
    "id",
    "title",
    "date",
    "updated",
    "region",
    "countries",
    "tags",
    "summary",
    "image",
    "source",
    "draft",
    "import_digest",
    "slug",
    "author",
    "date_estimated",
    "aliases",
    "lang",
    "translation_of",
    *curation.KEYS,
    *corrections.KEYS,
)
# Hugo's common keys, so its content builds as it is: description is the summary (when
# there is none), categories join the tags, and the theme has no use for weight or layout.
HUGO_KEYS = ("description", "categories", "weight", "layout", "params")
IGNORED = ("weight", "layout")
_noted: set[str] = set()  # the ignored keys already noted: once, not once a file
PAGES = "pages"  # content/pages/<slug>.md: standalone pages at /<slug>/
# Lists a front matter may hold: every tag of an article makes a feed that lists all of
# the article's tags, so an article's tags cost their number squared (1,000 tags: minutes).
LIST_LIMITS = {"tags": 100, "countries": 100, "author": 50, "aliases": 100}
PAGE_KEYS = ("title", "date", "updated", "summary", "draft", "slug", "id", "aliases", "author")
SAFE_SLUG = re.compile(r"[a-z0-9][a-z0-9._-]*")
MAX_SLUG = 200
IMAGE_KEYS = ("caption", "credit", "url")
SOURCE_KEYS = ("name", "url")
# Control characters: illegal in XML 1.0, parse errors in HTML, invisible in scraped copy.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# Markdown recurses once per nesting level and scans links quadratically: a paragraph past
# these limits would crash the build (RecursionError) or stall it for minutes.
MAX_PER_PARAGRAPH = {"[": 500, "*": 500, "_": 500}
MAX_INDENT = 400  # columns: a list nested a hundred levels deep
# An article is a few KB; a file this big is a mistake, and would take minutes to render.
MAX_BYTES = 5 * 1024 * 1024
# Four-digit years: what RFC 822, W3C dates and the /yyyy/ in URLs can show; 9999 is out
# because a zone offset or the feeds' one-second spacing would step past datetime.max.
YEARS = (1000, 9998)
# Links the theme puts in href/src: web, mail, or relative; never javascript: or data:.
SAFE_URL = re.compile(r"(?:https?:|mailto:|[^:/?#]*(?:[/?#]|$))", re.I)


def publishable(
    articles: Sequence[Article], drafts: bool = False, now: dt.datetime | None = None
) -> tuple[Article, ...]:
    """The articles a build shows, newest first: drafts and future ones only with drafts."""
    now = now or dt.datetime.now(dt.UTC)
    published = [a for a in articles if drafts or (not a.draft and a.date <= now)]
    return tuple(sorted(published, key=lambda a: a.newest_first))


def load_file(config: SiteConfig, path: Path) -> Article:
    """One content file as an Article; raise ErrorList naming every problem in it."""
    return parse(config, path, read_file(config, path))


def read_file(config: SiteConfig, path: Path) -> bytes:
    """A content file's bytes, refusing a link out of the content folder or a huge file."""
    shown = config.shown(path)
    _check_file(config, path, shown)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ContentError.unreadable(exc, shown) from None


def parse(config: SiteConfig, path: Path, data: bytes) -> Article:
    """The Article a content file's bytes describe; raise ErrorList naming every problem."""
    shown = config.shown(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ContentError(
            f"not UTF-8 text ({exc.reason} at byte {exc.start})", shown, line
        ) from None
    fields, body, body_line = _checked(config, text, path, shown)
    return Article(body=_plain(body), path=path, body_line=body_line, **fields)


def check_text(config: SiteConfig, text: str, path: Path) -> list[SiteBuilderError]:
    """The problems a build would find in this file text at `path` (import checks before writing)."""
    shown = config.shown(path)
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        return [
            ContentError(
                f"article too large ({size / 1024 / 1024:.1f} MB; an article may be "
                f"at most {MAX_BYTES // 1024 // 1024} MB)",
                shown,
            )
        ]
    try:
        _checked(config, text, path, shown)
    except ErrorList as exc:
        return list(exc.errors)
    except SiteBuilderError as exc:
        return [exc]
    return []


def _checked(config: SiteConfig, text: str, path: Path, shown: Path):
    """(fields, body, body line) of a content file's text; raise ErrorList naming every problem."""
    try:
        meta, body, body_line = frontmatter.read(text, shown)
    except ValueError as exc:  # YAML reads 2026-02-31 as a timestamp and fails to build it
        raise ContentError(f"impossible date: {exc}", shown, _bad_date_line(text)) from None
    errors: list[SiteBuilderError] = []

    def fail(key: str, message: str) -> None:
        errors.append(ContentError(message, shown, frontmatter.key_line(text, key) or 1))

    page = is_page(config, path)
    known = (PAGE_KEYS if page else KNOWN) + HUGO_KEYS
    _note_ignored(meta, text, shown)
    for key in meta:
        if key not in known:
            what = "page" if page else "front matter"
            fail(str(key), f"unknown {what} key '{key}' (known keys: {', '.join(known)})")
    folder = None if page else folder_region(config, path)
    for key in ("title",) if page else REQUIRED:
        if meta.get(key) in (None, "") and not (key == "region" and folder):
            errors.append(ContentError(_missing(key, config, path), shown, 1))
    fields = _fields(config, meta, path, fail)
    if not fields["lang"]:
        fields["lang"] = _placed(config, path)[0]
    if page:
        fields.update(
            kind="page",
            url_path=f"{fields['slug']}/",
            id=fields["id"] or ":".join(["page", *filter(None, [fields["lang"]]), fields["slug"]]),
        )
        check_page_slug(config, fields["slug"], fail)
    else:
        if not fields["region"]:
            fields["region"] = folder or ""
        elif folder and fields["region"] != folder and config.region(fields["region"]):
            log.warning(
                "%s:%s: region '%s' differs from the folder %s/; built in %s (the "
                "front matter decides; move the file to match)",
                shown,
                frontmatter.key_line(text, "region") or 1,
                fields["region"],
                folder,
                fields["region"],
            )
        fields["url_path"] = article_path(
            fields["date"], fields["slug"], fields["region"], config.permalink
        )
    problem = _pathological(body) or link_problem(body) or shortcodes.problem(body)
    if problem:
        errors.append(ContentError(problem[1], shown, body_line + problem[0]))
    dropped = None if config.allow_raw_html else shortcodes.dropped_html(body)
    if dropped:
        log.warning(
            "%s:%s: <%s> left out: articles carry no raw %s (use a shortcode such as "
            "{{< youtube ID >}}, or allow_raw_html)",
            shown,
            body_line + dropped[0],
            dropped[1],
            dropped[1],
        )
    if errors:
        raise ErrorList(sorted(errors, key=lambda e: e.line or 0))
    return fields, body, body_line


def _placed(config: SiteConfig, path: Path) -> tuple[str, tuple[str, ...]]:
    """(language of its folder, the rest of its path) of a content file: on a site in
    several languages, content/<lang>/... holds that language's articles and pages."""
    try:
        parts = path.relative_to(config.content_dir).parts
    except ValueError:
        return "", ()
    if len(parts) > 1 and parts[0] in {lang.code for lang in config.languages}:
        return parts[0], parts[1:]
    return "", parts


def _note_ignored(meta: dict[str, Any], text: str, shown: Path) -> None:
    """Hugo's weight and layout mean nothing here: say so once, at the first file with each."""
    for key in IGNORED:
        if key in meta and key not in _noted:
            _noted.add(key)
            log.info(
                "%s:%d: note: '%s' (Hugo's) is ignored, here and in every other file",
                shown,
                frontmatter.key_line(text, key) or 1,
                key,
            )


def is_page(config: SiteConfig, path: Path) -> bool:
    """Whether a content file is a standalone page (content/[<lang>/]pages/<slug>.md)."""
    parts = _placed(config, path)[1]
    return len(parts) == 2 and parts[0] == PAGES


def check_page_slug(config: SiteConfig, slug: str, fail: Callable[[str, str], None]) -> None:
    """A page's address must not be one of the site's own folders or a region's."""
    if slug in RESERVED or config.region(slug) is not None or slug in ("feed.xml", "atom.xml"):
        fail(
            "slug",
            f"page slug '{slug}' is the address of one of the site's own pages "
            f"(/{slug}/); rename the file or set another 'slug:'",
        )


def folder_region(config: SiteConfig, path: Path) -> str | None:
    """The region whose folder the file is in (content/<region>/... ), else None. Its case
    does not matter (content/Gulf/ is gulf's); content/pages/ is never one (reserved)."""
    parts = _placed(config, path)[1]
    slug = parts[0].lower() if len(parts) > 1 else ""
    return slug if config.region(slug) else None


def fresh_id() -> str:
    """A new article identity: a urn:uuid, the form import writes and feeds use as entry ids."""
    import uuid  # here: it imports platform (~2 ms), and only an error or `new` needs an id

    return f"urn:uuid:{uuid.uuid4()}"


def _missing(key: str, config: SiteConfig, path: Path) -> str:
    """The error for a missing required key, with what to write where that helps."""
    if key == "id":
        return f"missing 'id': add e.g. id: {fresh_id()}"
    if key == "region":
        parts = _placed(config, path)[1]
        return missing_region(config.regions, parts[0] if len(parts) > 1 else None)
    return f"missing required key '{key}'"


def _check_file(config: SiteConfig, path: Path, shown: Path) -> None:
    """Refuse, before reading, a link out of the content folder or a file too big to be an article."""
    try:
        size = path.stat().st_size  # follows links: a dangling or looping one fails here
        # Only the file itself can be a link: rglob does not descend into linked folders.
        real = path.resolve(strict=True) if path.is_symlink() else None
    except (OSError, RuntimeError) as exc:
        raise ContentError.unreadable(exc, shown) from None
    if real is not None and not real.is_relative_to(config.content_dir.resolve()):
        raise ContentError(
            f"symbolic link to {real}, outside {config.content_dir.name}/: "
            "refusing to read it (copy the file in instead)",
            shown,
        )
    if size > MAX_BYTES:
        raise ContentError(
            f"file too large ({size / 1024 / 1024:.1f} MB; an article may be at "
            f"most {MAX_BYTES // 1024 // 1024} MB)",
            shown,
        )


def _pathological(body: str) -> tuple[int, str] | None:
    """(line offset, message) of the first paragraph Markdown cannot render in good time."""
    if (
        not any(body.count(char) > limit for char, limit in MAX_PER_PARAGRAPH.items())
        and " " * MAX_INDENT not in body
    ):
        return None  # the usual case, decided in microseconds
    lines = body.split("\n") + [""]
    start = 0
    for offset, line in enumerate(lines):
        if len(line) - len(line.lstrip()) > MAX_INDENT:
            return (
                offset,
                f"indented more than {MAX_INDENT} columns (nesting Markdown cannot render)",
            )
        if line.strip():
            continue
        text = "\n".join(p for p in lines[start:offset] if p.strip(" *_-"))  # rules: *****
        for char, limit in MAX_PER_PARAGRAPH.items():
            if text.count(char) > limit:
                return start, (
                    f"more than {limit} '{char}' in one paragraph ({text.count(char)}): "
                    "Markdown cannot render that in good time"
                )
        start = offset + 1
    return None


def _fields(
    config: SiteConfig, meta: dict[str, Any], path: Path, fail: Callable[[str, str], None]
) -> dict[str, Any]:
    """The Article's fields from front matter, each checked; problems go to fail()."""

    def text(key: str) -> str:
        value = meta.get(key)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            fail(key, f"'{key}': expected a string, got {kind_of(YAML_KINDS, value)}")
            return ""
        return _plain(str(value))

    region = text("region")
    if region and config.region(region) is None:
        known = ", ".join(r.slug for r in config.regions)
        fail("region", f"unknown region '{region}' (known regions: {known})")
    # A bundle, content/<region>/<slug>/index.md with its pictures beside it, is named
    # by its folder.
    slug = text("slug") or (path.parent.name if path.name == "index.md" else path.stem)
    if not SAFE_SLUG.fullmatch(slug) or ".." in slug:
        fail(
            "slug" if "slug" in meta else "id",
            f"unsafe slug '{slug}': use lower-case letters, digits, '-', '_' and '.' only",
        )
    elif len(slug) > MAX_SLUG:  # a folder name past the file system's 255 bytes
        fail(
            "slug" if "slug" in meta else "id",
            f"slug too long ({len(slug)} characters; at most {MAX_SLUG}): set a shorter "
            "'slug:' or rename the file",
        )
    for key, most in LIST_LIMITS.items():
        value = meta.get(key)
        if isinstance(value, list) and len(value) > most:
            fail(key, f"'{key}': {len(value)} entries; at most {most}")
    draft = meta.get("draft", False)
    if not isinstance(draft, bool):
        fail("draft", f"'draft': expected true or false, got {kind_of(YAML_KINDS, draft)}")
        draft = False
    return {
        "authors": _authors(meta, fail),
        "aliases": _aliases(meta, fail),
        "id": text("id"),
        "title": text("title"),
        "region": region,
        "slug": slug,
        "date": _date(config, meta, "date", fail) or dt.datetime(1970, 1, 1, tzinfo=dt.UTC),
        **corrections.fields(config, meta, _date, fail),
        "date_only": frontmatter.day_only(meta.get("date")),
        "params_json": params.read(meta.get("params"), fail),
        "countries": _strings(meta, "countries", fail),
        "tags": tuple(
            dict.fromkeys(_strings(meta, "tags", fail) + _strings(meta, "categories", fail))
        ),
        "summary": text("summary") or text("description"),
        "draft": draft,
        "image": _mapping(meta, "image", IMAGE_KEYS, Image, fail),
        "source": _mapping(meta, "source", SOURCE_KEYS, Source, fail),
        **_language_fields(meta, text("lang"), text("translation_of"), fail),
        **curation.fields(meta, fail, lambda key: _date(config, meta, key, fail)),
    }


def _language_fields(
    meta: dict[str, Any], lang: str, translation_of: str, fail: Callable[[str, str], None]
) -> dict[str, str]:
    """lang: a language code CLDR knows ('ar', 'en-GB'); translation_of: another article's id."""
    if lang:
        try:
            i18n.locale(lang)
        except ValueError:
            fail(
                "lang", f"'lang': unknown language '{lang}' (expected a code such as 'en' or 'ar')"
            )
            lang = ""
    if translation_of and (len(translation_of.split()) != 1 or translation_of == meta.get("id")):
        fail(
            "translation_of",
            f"'translation_of': expected the id of another article, got '{translation_of}'",
        )
        translation_of = ""
    return {"lang": lang, "translation_of": translation_of}


def _date(
    config: SiteConfig, meta: dict[str, Any], key: str, fail: Callable[[str, str], None]
) -> dt.datetime | None:
    """An ISO 8601 date or YAML timestamp; without a zone it is read in the site's zone."""
    value = meta.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            fail(
                key, f"'{key}': '{value}' is not an ISO 8601 date such as 2026-02-11T08:30:00+00:00"
            )
            return None
    else:
        fail(key, f"'{key}': expected an ISO 8601 date, got {kind_of(YAML_KINDS, value)}")
        return None
    if not YEARS[0] <= parsed.year <= YEARS[1]:
        fail(key, f"'{key}': year {parsed.year} is out of range ({YEARS[0]}-{YEARS[1]})")
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=config.tz)
    return parsed


def _strings(meta: dict[str, Any], key: str, fail: Callable[[str, str], None]) -> tuple[str, ...]:
    """A list of strings (countries, tags)."""
    value = meta.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        fail(
            key,
            f"'{key}': expected a list of strings such as [Iraq, Iran], got {kind_of(YAML_KINDS, value)}",
        )
        return ()
    return tuple(_plain(v).strip() for v in value if _plain(v).strip())


def _authors(meta: dict[str, Any], fail: Callable[[str, str], None]) -> tuple[str, ...]:
    """author: a name or a list of names."""
    value = meta.get("author")
    if isinstance(value, str):
        value = [value]
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        fail(
            "author",
            f"'author': expected a name or a list of names such as "
            f"[Jane Doe, John Roe], got {kind_of(YAML_KINDS, value)}",
        )
        return ()
    return tuple(dict.fromkeys(n for n in (_plain(v).strip() for v in value) if n))


def _aliases(meta: dict[str, Any], fail: Callable[[str, str], None]) -> tuple[str, ...]:
    """aliases: old site paths ('2024/old-slug/', '/news/old.html') that redirect here."""
    value = meta.get("aliases")
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        fail(
            "aliases",
            f"'aliases': expected a list of site paths such as [old/url/], got {kind_of(YAML_KINDS, value)}",
        )
        return ()
    found = []
    for alias in value:
        path = _plain(alias).strip().lstrip("/")
        parts = path.split("/")
        if (
            not path
            or re.match(r"^[a-z][a-z0-9+.-]*:", path, re.I)
            or "\\" in path
            or any(p in (".", "..") for p in parts)
            or "//" in path
            or "?" in path
            or "#" in path
        ):
            fail(
                "aliases",
                f"'aliases': '{alias}' is not a path on this site "
                "(such as old/url/ or 2024/05/story.html)",
            )
            continue
        found.append(path if path.endswith("/") or "." in parts[-1] else path + "/")
    return tuple(dict.fromkeys(found))


def _mapping(
    meta: dict[str, Any],
    key: str,
    keys: tuple[str, ...],
    kind: type,
    fail: Callable[[str, str], None],
):
    """image/source: a mapping of known string keys, or None."""
    value = meta.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        fail(
            key,
            f"'{key}': expected a mapping with keys {', '.join(keys)}, got {kind_of(YAML_KINDS, value)}",
        )
        return None
    unknown = sorted(str(k) for k in value if k not in keys)
    if unknown:
        fail(key, f"'{key}': unknown key '{unknown[0]}' (known keys: {', '.join(keys)})")
        return None
    if not all(isinstance(v, str) or v is None for v in value.values()):
        fail(key, f"'{key}': every value must be a string")
        return None
    url = _plain(value.get("url") or "").strip()  # checked as kept: '/\x01/[' keeps as '//['
    if url and not SAFE_URL.match(url):
        fail(key, f"'{key}': url '{url}' is not a web address (http:, https: or a relative path)")
        return None
    try:
        split(url)
    except ContentError as exc:
        fail(key, f"'{key}': url {exc.message}")
        return None
    return kind(**{k: _plain(v or "") for k, v in value.items()})


def duplicates(config: SiteConfig, articles: Sequence[Article]) -> list[SiteBuilderError]:
    """Two files with one id, or two articles at one URL: name both files."""
    errors: list[SiteBuilderError] = []
    for attr, what, fields in (
        (lambda a: a.id, "id", ("id",)),
        # one address per language: each edition has its own path
        (lambda a: (a.lang, a.url_path), "URL", ("slug", "date")),
    ):
        seen: dict[Hashable, Article] = {}  # an id, or (language, URL path)
        for article in articles:
            key = attr(article)
            if key in seen:
                other = config.shown(seen[key].path)
                named = key[1] if isinstance(key, tuple) else key
                errors.append(
                    ContentError(
                        f"duplicate {what} '{named}' (also in {other})",
                        config.shown(article.path),
                        field_line(article.path, fields),
                    )
                )
            else:
                seen[key] = article
    return errors


def field_line(path: Path, fields: Sequence[str]) -> int:
    """The front matter line of the first of these fields the file has (else line 2)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 2
    found: dict[str, int] = {}
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            break
        name = line.split(":", 1)[0]
        if name in fields and ":" in line:
            found.setdefault(name, number)
    return next((found[name] for name in fields if name in found), 2)


def _bad_date_line(text: str) -> int:
    """The line of the first YAML date in the front matter that is not a real day."""
    for number, line in enumerate(text.splitlines()[1:], start=2):
        match = re.match(r"^\s*[\w-]+:\s*['\"]?(\d{4}-\d\d-\d\d)", line)
        if match:
            try:
                dt.date.fromisoformat(match.group(1))
            except ValueError:
                return number
    return 1


def _plain(text: str) -> str:
    """Text without control characters (YAML escapes such as "\\x01" can put them there)."""
    return _CONTROL.sub("", text)
