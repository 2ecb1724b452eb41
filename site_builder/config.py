"""The site's configuration: one frozen, typed object loaded once from site.toml."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from site_builder import i18n, theme
from site_builder.errors import ConfigError

# The default theme's templates: the wheel's copy, or the repository's templates/ folder.
DEFAULT_THEME = theme.TEMPLATES
THEME_STATIC = theme.STATIC
# Where `serve` listens by default: good for a preview, wrong in published feeds.
DEFAULT_BASE_URL = "http://127.0.0.1:8000/"


@dataclass(frozen=True)
class Region:
    """A section of the site: its URL slug, display name and the countries filed under it."""

    slug: str
    name: str
    countries: tuple[str, ...] = ()


def pgettext(context: str, message: str) -> str:
    """Marks a default region's name for `pybabel extract` (msgctxt "region"); pages show
    it in the site's language (i18n.Words.region)."""
    return message


DEFAULT_REGIONS: tuple[Region, ...] = (
    Region(
        "middle-east",
        pgettext("region", "Middle East"),
        ("Iraq", "Iran", "Syria", "Lebanon", "Jordan", "Israel", "Palestine", "Turkey"),
    ),
    Region(
        "gulf",
        pgettext("region", "Gulf"),
        ("Saudi Arabia", "UAE", "Qatar", "Kuwait", "Bahrain", "Oman", "Yemen"),
    ),
    Region(
        "north-africa",
        pgettext("region", "North Africa"),
        ("Egypt", "Libya", "Tunisia", "Algeria", "Morocco", "Mauritania"),
    ),
    Region(
        "horn-of-africa",
        pgettext("region", "Horn of Africa"),
        (
            "Sudan",
            "South Sudan",
            "Somalia",
            "Somaliland",
            "Ethiopia",
            "Eritrea",
            "Djibouti",
            "Kenya",
        ),
    ),
    Region("africa", pgettext("region", "Africa")),
    Region("europe", pgettext("region", "Europe")),
    Region("americas", pgettext("region", "Americas")),
    Region("asia", pgettext("region", "Asia")),
    Region("world", pgettext("region", "World")),
)

FALLBACK_REGION = "world"
# Top-level folders of every site: a region of that name would overwrite them.
RESERVED = frozenset(
    {
        "articles",
        "archive",
        "authors",
        "countries",
        "page",
        "pagefind",
        "pages",
        "search",
        "subscribe",
        "tags",
    }
)


# The article URL pattern ([permalinks] article = ...): these fields, then '/'.
DEFAULT_PERMALINK = "articles/{year}/{month}/{slug}/"
PERMALINK_FIELDS = ("year", "month", "day", "slug", "region")
# Families of listings beside regions, each with its pages (and feeds, but countries).
TAXONOMIES = ("countries", "tags", "authors")


@dataclass(frozen=True)
class MenuItem:
    """A `[[menu]]` entry of the header and footer: a title and a site path or a URL."""

    title: str
    path: str = ""  # site path ('about/') for a page or a page of the site
    url: str = ""  # an absolute URL elsewhere
    page: str = ""  # the page's slug, when given as page = "..."
    line: int | None = None


@dataclass(frozen=True)
class DeployTarget:
    """A `[deploy.NAME]` table: where `deploy` publishes output/ and how (see deploy/)."""

    name: str
    url: str
    delete: bool = True  # remove remote files the site no longer has
    history: str = "keep"  # git: "keep" one commit per deploy, or "squash"
    ssh_command: str = ""  # rsync over SSH and git+ssh: e.g. "ssh -i ~/.ssh/deploy"
    workers: int = 8  # S3: parallel uploads
    gzip: bool = False  # S3: upload text gzipped (Content-Encoding: gzip)
    cache_control: tuple[tuple[str, str], ...] = ()  # S3: kind -> Cache-Control
    line: int | None = None  # the table's line in site.toml, for errors


@dataclass(frozen=True)
class Language:
    """A `[languages.<code>]` table: one language of a multilingual site and where it lives."""

    code: str  # a language tag: 'ar', 'en', 'pt-BR'
    title: str = ""  # the site's title in that language ("" = the site's)
    description: str = ""
    path: str = "/"  # its base path below the site: '/ar/', or '/' for one
    dir: str = "ltr"  # from the language (CLDR), or as written
    digits: str = "latn"  # 'latn' or 'arab'; from the language when not written
    regions: tuple[tuple[str, str], ...] = ()  # (region slug, name in that language)
    line: int | None = None  # the table's line in site.toml, for errors

    def region_name(self, region: Region) -> str:
        """A region's name in this language: site.toml's, else the configured one."""
        return dict(self.regions).get(region.slug, region.name)


@dataclass(frozen=True)
class SiteConfig:
    """Everything a command needs to know about the site; paths are absolute."""

    root: Path = field(default_factory=Path.cwd)
    title: str = "Regional News"
    base_url: str = DEFAULT_BASE_URL
    language: str = "en"
    dir: str = "ltr"  # load_config: from the language unless written
    digits: str = "latn"  # load_config: the language's (CLDR) unless written
    description: str = "News by region, with feeds."
    author: str = "Newsroom"
    timezone: str = "UTC"
    per_page: int = 20
    feed_entries: int = 50
    feed_content: str = "full"
    source_name: str = ""
    allow_raw_html: bool = False
    search: bool = False
    content_dir: Path = Path("content")
    output_dir: Path = Path("output")
    templates_dir: Path = Path("templates")
    static_dir: Path = Path("static")
    cache_dir: Path = Path(".cache/site_builder")
    regions: tuple[Region, ...] = DEFAULT_REGIONS
    deploy: tuple[DeployTarget, ...] = ()
    menu: tuple[MenuItem, ...] = ()
    permalink: str = DEFAULT_PERMALINK
    typography: bool = True
    taxonomies: tuple[str, ...] = TAXONOMIES
    languages: tuple[Language, ...] = ()  # [languages.*]: empty for a one-language site
    config_path: Path | None = None

    @property
    def tz(self) -> ZoneInfo:
        """The site's time zone, for dates written without one."""
        return ZoneInfo(self.timezone)

    @property
    def base_path(self) -> str:
        """The URL path the site is served under, always ending in '/': '/' or '/news/'."""
        path = re.sub(r"^[a-z][a-z0-9+.-]*://[^/]*", "", self.base_url, flags=re.I)
        return "/" + path.strip("/") + "/" if path.strip("/") else "/"

    def region(self, slug: str) -> Region | None:
        """The region with this slug, or None."""
        return next((r for r in self.regions if r.slug == slug), None)

    def shown(self, path: Path) -> Path:
        """The path as a user reads it in a message: relative to the site root where possible."""
        try:
            return path.relative_to(self.root)
        except ValueError:
            return path

    @property
    def template_folders(self) -> list[Path]:
        """Where templates are looked up: the site's first, the default theme's after."""
        folders = [self.templates_dir]
        if self.templates_dir.resolve() != DEFAULT_THEME:
            folders.append(DEFAULT_THEME)
        return folders

    @property
    def static_folders(self) -> list[Path]:
        """Where static assets come from, the later overriding the earlier: the theme's,
        then the site's."""
        folders = [THEME_STATIC]
        if self.static_dir.resolve() != THEME_STATIC:
            folders.append(self.static_dir)
        return folders


# key in site.toml -> (attribute, expected type, description for errors)
_SCALARS: dict[str, tuple[str, type, str]] = {
    "title": ("title", str, "a string"),
    "base_url": ("base_url", str, "a URL string"),
    "language": ("language", str, "a language code such as 'en'"),
    "dir": ("dir", str, "'ltr' or 'rtl'"),
    "digits": ("digits", str, "'latn' or 'arab'"),
    "description": ("description", str, "a string"),
    "author": ("author", str, "a string"),
    "timezone": ("timezone", str, "an IANA time zone such as 'Europe/London'"),
    "per_page": ("per_page", int, "a positive integer"),
    "feed_entries": ("feed_entries", int, "a positive integer"),
    "feed_content": ("feed_content", str, "'full' or 'summary'"),
    "source_name": ("source_name", str, "a string"),
    "allow_raw_html": ("allow_raw_html", bool, "true or false"),
    "search": ("search", bool, "true or false"),
    "typography": ("typography", bool, "true or false"),
    "content": ("content_dir", str, "a folder path"),
    "output": ("output_dir", str, "a folder path"),
    "templates": ("templates_dir", str, "a folder path"),
    "static": ("static_dir", str, "a folder path"),
}
_PATH_KEYS = {"content_dir", "output_dir", "templates_dir", "static_dir", "cache_dir"}


def load_config(
    path: Path | None = None, overrides: dict[str, Any] | None = None, root: Path | None = None
) -> SiteConfig:
    """Read site.toml (if it exists) and apply command-line overrides; validate everything."""
    root = (root or (path.parent if path else Path.cwd())).resolve()
    raw: dict[str, Any] = {}
    text = ""
    if path is not None and path.exists():
        text = _read_text(path)
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(_toml_message(exc), path, _toml_line(exc)) from None
    values: dict[str, Any] = {"root": root, "config_path": path if text else None}
    for key, value in raw.items():
        if key == "regions":
            values["regions"] = _merge_regions(value, path, text)
            continue
        if key == "deploy":
            values["deploy"] = _deploy_targets(value, path, text)
            continue
        if key in _TABLES:
            values[_TABLES[key][0]] = _TABLES[key][1](value, path, text)
            continue
        if key == "languages":  # read once the regions are known: see _with_languages
            continue
        if key == "cache":  # the build state is trusted only where site.toml cannot move it
            raise ConfigError(
                "'cache' cannot be set: the build state always lives in "
                ".cache/site_builder/ next to site.toml",
                path,
                _key_line(text, key),
            )
        if key not in _SCALARS:
            known = ", ".join(sorted([*_SCALARS, *_TABLES, "deploy", "regions", "languages"]))
            raise ConfigError(
                f"unknown key '{key}' (known keys: {known})", path, _key_line(text, key)
            )
        attr, kind, what = _SCALARS[key]
        if type(value) is not kind:  # bool is an int subclass: compare types exactly
            raise ConfigError(
                f"'{key}': expected {what}, got {_toml_type(value)}", path, _key_line(text, key)
            )
        values[attr] = value
    for attr, value in (overrides or {}).items():
        if value is not None:
            values[attr] = value
    for attr in _PATH_KEYS:
        if attr in values:
            values[attr] = Path(values[attr])
    values.update(_language_defaults(values.get("language", SiteConfig.language), values))
    config = SiteConfig(**values)
    config = replace(config, **{a: _absolute(root, getattr(config, a)) for a in _PATH_KEYS})
    _validate(config, path, text)
    return _with_languages(config, raw, path, text)


def _language_defaults(language: str, written: dict[str, Any]) -> dict[str, str]:
    """`dir` and `digits` the site did not write, from its language ('ar' -> 'rtl')."""
    try:
        defaults = {"dir": i18n.text_direction(language), "digits": i18n.default_digits(language)}
    except ValueError:  # an unknown language: _validate reports it with its line
        return {}
    return {key: value for key, value in defaults.items() if key not in written}


def _with_languages(
    config: SiteConfig, raw: dict[str, Any], path: Path | None, text: str
) -> SiteConfig:
    """[languages.<code>] tables, checked against the site's regions and language."""
    if "languages" not in raw:
        return config
    value = raw["languages"]
    where = _key_line(text, "languages") or _table_line(text, "languages")
    if not isinstance(value, dict) or not value:
        raise ConfigError(
            "'languages': expected tables such as [languages.ar] with title, description and path",
            path,
            where,
        )
    languages = tuple(_language(code, table, config, path, text) for code, table in value.items())
    _check_paths(languages, path, text)
    if config.language not in {language.code for language in languages}:
        raise ConfigError(
            f"'language': '{config.language}' has no [languages.{config.language}] "
            f"table (languages: {', '.join(language.code for language in languages)})",
            path,
            _key_line(text, "language") or where,
        )
    return replace(config, languages=languages)


_LANGUAGE_KEYS = ("description", "digits", "dir", "path", "regions", "title")


def _language(code: str, table: Any, config: SiteConfig, path: Path | None, text: str) -> Language:
    """One [languages.<code>] table: title, description, path, dir, digits, regions."""
    line = _table_line(text, f"languages.{code}")

    def fail(message: str, key: str | None = None) -> ConfigError:
        return ConfigError(
            f"'languages.{code}': {message}",
            path,
            _key_line_after(text, key, line) if key else line,
        )

    defaults = _language_defaults(code, {})
    if not defaults or not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", code):
        raise fail(f"unknown language '{code}' (expected a code such as 'en' or 'ar')")
    if not isinstance(table, dict):
        raise fail("expected a table with title, description and path")
    for key, item in table.items():
        if key not in _LANGUAGE_KEYS:
            raise fail(f"unknown key '{key}' (known keys: {', '.join(_LANGUAGE_KEYS)})", key)
        if key != "regions" and not isinstance(item, str):
            raise fail(f"'{key}': expected a string, got {_toml_type(item)}", key)
    base = table.get("path", f"/{code.lower()}/")
    if not re.fullmatch(r"/([a-z0-9][a-z0-9-]*/)?", base):
        raise fail(
            f"'path': expected '/' or one folder such as '/{code.lower()}/', got '{base}'", "path"
        )
    if base.strip("/") in RESERVED or config.region(base.strip("/")):
        raise fail(f"'path': '{base}' is already the address of a section of the site", "path")
    if table.get("dir", "ltr") not in ("ltr", "rtl"):
        raise fail(f"'dir': expected 'ltr' or 'rtl', got '{table['dir']}'", "dir")
    if table.get("digits", "latn") not in i18n.DIGITS:
        raise fail(f"'digits': expected 'latn' or 'arab', got '{table['digits']}'", "digits")
    settings = {**defaults, **{k: v for k, v in table.items() if k in ("dir", "digits")}}
    return Language(
        code,
        table.get("title", ""),
        table.get("description", ""),
        base,
        regions=_region_names(code, table.get("regions", {}), config, path, text),
        line=line,
        **settings,
    )


def _region_names(
    code: str, value: Any, config: SiteConfig, path: Path | None, text: str
) -> tuple[tuple[str, str], ...]:
    """[languages.<code>.regions]: region slug = "its name in that language"."""
    line = _table_line(text, f"languages.{code}.regions") or _table_line(text, f"languages.{code}")
    if not isinstance(value, dict):
        raise ConfigError(
            f"'languages.{code}.regions': expected a table such as middle-east = \"...\"",
            path,
            line,
        )
    names = []
    for slug, name in value.items():
        where = _key_line_after(text, slug, line)
        if config.region(slug) is None:
            known = ", ".join(r.slug for r in config.regions)
            raise ConfigError(
                f"'languages.{code}.regions': unknown region '{slug}' (regions: {known})",
                path,
                where,
            )
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(
                f"'languages.{code}.regions.{slug}': expected a name, got {_toml_type(name)}",
                path,
                where,
            )
        names.append((slug, name.strip()))
    return tuple(names)


def _check_paths(languages: tuple[Language, ...], path: Path | None, text: str) -> None:
    """Two languages cannot share a base path (one of them would overwrite the other)."""
    seen: dict[str, str] = {}
    for language in languages:
        if language.path in seen:
            raise ConfigError(
                f"'languages.{language.code}': path '{language.path}' is also "
                f"the path of [languages.{seen[language.path]}]",
                path,
                language.line,
            )
        seen[language.path] = language.code


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path) from None
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", path) from None


def _absolute(root: Path, path: Path) -> Path:
    return path if path.is_absolute() else root / path


def _validate(config: SiteConfig, path: Path | None, text: str) -> None:
    def fail(key: str, message: str) -> None:
        raise ConfigError(f"'{key}': {message}", path or "site.toml", _key_line(text, key))

    if not re.match(r"^https?://[^/\s]+(/\S*)?$", config.base_url):
        fail("base_url", f"expected an absolute http(s) URL, got '{config.base_url}'")
    for key in ("per_page", "feed_entries"):
        if getattr(config, key) < 1:
            fail(key, f"expected a positive integer, got {getattr(config, key)}")
    if config.feed_content not in ("full", "summary"):
        fail("feed_content", f"expected 'full' or 'summary', got '{config.feed_content}'")
    if config.dir not in ("ltr", "rtl"):
        fail("dir", f"expected 'ltr' or 'rtl', got '{config.dir}'")
    if config.digits not in i18n.DIGITS:
        fail("digits", f"expected 'latn' or 'arab', got '{config.digits}'")
    try:
        i18n.locale(config.language)
    except ValueError as exc:
        fail("language", str(exc))
    try:
        ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        fail("timezone", f"unknown time zone '{config.timezone}'")


def _menu(value: Any, path: Path | None, text: str) -> tuple[MenuItem, ...]:
    """[[menu]] entries: title and either page = "<slug>" or url = "<path or URL>"."""
    where = _table_line(text, "[menu") or _key_line(text, "menu")
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigError(
            "'menu': expected [[menu]] tables with title and page or url", path, where
        )
    lines = [m.start() for m in re.finditer(r"^[ \t]*\[\[[ \t]*menu[ \t]*\]\]", text, re.M)]
    items = []
    for number, table in enumerate(value):
        line = text.count("\n", 0, lines[number]) + 1 if number < len(lines) else where
        unknown = sorted(set(table) - {"title", "page", "url"})
        if unknown:
            raise ConfigError(
                f"'menu': unknown key '{unknown[0]}' (known keys: page, title, url)", path, line
            )
        title, page, url = table.get("title", ""), table.get("page", ""), table.get("url", "")
        # A page's entry may leave out its title: the page's own (in each language) shows.
        if (
            not isinstance(title, str)
            or not (title.strip() or page)
            or not isinstance(page, str)
            or not isinstance(url, str)
            or bool(page) == bool(url)
        ):
            raise ConfigError(
                "'menu': each entry needs one of page = \"<slug>\" or url = "
                '"<site path or https:// URL>", and a title = "..." (a page\'s '
                "own title when left out)",
                path,
                line,
            )
        if page:
            items.append(MenuItem(title, path=f"{page.strip('/')}/", page=page, line=line))
        elif re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I):
            if not re.match(r"^(https?|mailto):", url, re.I):
                raise ConfigError(f"'menu': url '{url}' is not a web address", path, line)
            items.append(MenuItem(title, url=url, line=line))
        else:
            items.append(MenuItem(title, path=url.lstrip("/"), line=line))
    return tuple(items)


def _permalinks(value: Any, path: Path | None, text: str) -> str:
    """[permalinks] article = "articles/{year}/{month}/{slug}/": the article URL pattern."""
    line = _table_line(text, "permalinks")
    if not isinstance(value, dict) or set(value) - {"article"}:
        raise ConfigError(
            f'\'permalinks\': expected a table with article = "..." such as "{DEFAULT_PERMALINK}"',
            path,
            line,
        )
    pattern = value.get("article", DEFAULT_PERMALINK)
    line = _key_line_after(text, "article", line)
    fields = re.findall(r"\{([^{}]*)\}", pattern) if isinstance(pattern, str) else []
    if (
        not isinstance(pattern, str)
        or "slug" not in fields
        or any(f not in PERMALINK_FIELDS for f in fields)
        or not re.fullmatch(r"([a-z0-9._-]*\{[a-z]+\}[a-z0-9._-]*/|[a-z0-9._-]+/)+", pattern)
        or any(part in (".", "..") for part in pattern.split("/"))
    ):
        raise ConfigError(
            f"'permalinks.article': expected a path of folders ending in '/' "
            f"with {{slug}} and any of {{year}}, {{month}}, {{day}}, {{region}} "
            f'such as "{DEFAULT_PERMALINK}", got {pattern!r}',
            path,
            line,
        )
    if pattern.split("/")[0] in RESERVED - {"articles"} or pattern.startswith("{slug}"):
        raise ConfigError(
            f"'permalinks.article': {pattern!r} would share addresses with the "
            "site's own pages; start it with a folder such as 'articles/'",
            path,
            line,
        )
    return pattern


def _taxonomies(value: Any, path: Path | None, text: str) -> tuple[str, ...]:
    """taxonomies = ["countries", "tags", "authors"]: the listing families a site has."""
    if not isinstance(value, list) or any(v not in TAXONOMIES for v in value):
        raise ConfigError(
            f"'taxonomies': expected a list of {', '.join(TAXONOMIES)}; got {value!r}",
            path,
            _key_line(text, "taxonomies"),
        )
    return tuple(t for t in TAXONOMIES if t in value)


# Tables and arrays of site.toml: key -> (attribute, reader)
_TABLES = {
    "menu": ("menu", _menu),
    "permalinks": ("permalink", _permalinks),
    "taxonomies": ("taxonomies", _taxonomies),
}


def _merge_regions(value: Any, path: Path | None, text: str) -> tuple[Region, ...]:
    """[regions.<slug>] tables replace a default region of that slug or add a new one."""
    if not isinstance(value, dict):
        raise ConfigError(
            "'regions': expected tables such as [regions.gulf]", path, _key_line(text, "regions")
        )
    regions = {r.slug: r for r in DEFAULT_REGIONS}
    for slug, table in value.items():
        line = _table_line(text, f"regions.{slug}")
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
            raise ConfigError(
                f"region slug '{slug}': use lower-case letters, digits and hyphens", path, line
            )
        if slug in RESERVED:
            raise ConfigError(
                f"region slug '{slug}' is the address of one of the site's own "
                f"pages (/{slug}/); choose another",
                path,
                line,
            )
        if not isinstance(table, dict):
            raise ConfigError(
                f"'regions.{slug}': expected a table with name and countries", path, line
            )
        unknown = set(table) - {"name", "countries"}
        if unknown:
            raise ConfigError(
                f"'regions.{slug}': unknown key '{sorted(unknown)[0]}' "
                "(known keys: countries, name)",
                path,
                line,
            )
        name = table.get("name", regions[slug].name if slug in regions else slug.title())
        countries = table.get("countries", [])
        if (
            not isinstance(name, str)
            or not isinstance(countries, list)
            or not all(isinstance(c, str) for c in countries)
        ):
            raise ConfigError(
                f'\'regions.{slug}\': expected name = "..." and countries = ["..."]', path, line
            )
        regions[slug] = Region(slug, name, tuple(countries))
    # The fallback region stays last so it reads as "everything else".
    ordered = [r for s, r in regions.items() if s != FALLBACK_REGION]
    return (*ordered, regions[FALLBACK_REGION])


# key in a [deploy.NAME] table -> (expected type, description for errors)
_DEPLOY_KEYS: dict[str, tuple[type, str]] = {
    "url": (str, "a folder, ssh://, git+ssh://, git+file:// or s3:// URL"),
    "delete": (bool, "true or false"),
    "history": (str, "'keep' or 'squash'"),
    "ssh_command": (str, 'a command such as "ssh -i ~/.ssh/deploy_key"'),
    "workers": (int, "a positive integer"),
    "gzip": (bool, "true or false"),
    "cache_control": (dict, 'a table such as { html = "max-age=300" }'),
}
CACHE_KINDS = ("html", "feeds", "assets", "fingerprinted")
_DEPLOY_SCHEMES = re.compile(r"^(/|\.|~|file://|ssh://|git\+(ssh|file|https?)://|s3://)")


def _deploy_targets(value: Any, path: Path | None, text: str) -> tuple[DeployTarget, ...]:
    """[deploy.NAME] tables, in the order written: the first is the default target."""
    if not isinstance(value, dict) or not value:
        raise ConfigError(
            "'deploy': expected tables such as [deploy.staging] with url = \"...\"",
            path,
            _key_line(text, "deploy") or _table_line(text, "deploy"),
        )
    return tuple(_deploy_target(name, table, path, text) for name, table in value.items())


def _deploy_target(name: str, table: Any, path: Path | None, text: str) -> DeployTarget:
    line = _table_line(text, f"deploy.{name}")

    def fail(message: str, key: str | None = None) -> ConfigError:
        return ConfigError(
            f"'deploy.{name}': {message}", path, _key_line_after(text, key, line) if key else line
        )

    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise fail("use letters, digits, '-' and '_' in a target name")
    if not isinstance(table, dict):
        raise fail('expected a table with url = "..."')
    for key, item in table.items():
        if key not in _DEPLOY_KEYS:
            raise fail(f"unknown key '{key}' (known keys: {', '.join(sorted(_DEPLOY_KEYS))})", key)
        kind, what = _DEPLOY_KEYS[key]
        if type(item) is not kind:
            raise fail(f"'{key}': expected {what}, got {_toml_type(item)}", key)
    url = table.get("url")
    if url is None:
        raise fail('missing url = "..." (a folder, ssh://, git+ssh://, git+file:// or s3:// URL)')
    if not _DEPLOY_SCHEMES.match(url):
        raise fail(f"'url': expected {_DEPLOY_KEYS['url'][1]}, got '{_without_secret(url)}'", "url")
    if re.match(r"^[a-z0-9+]+://[^/@]*:[^/@]*@", url):
        raise fail(
            "'url': a password in the URL would be a credential in site.toml; "
            "use an SSH key, a git credential helper or the AWS environment",
            "url",
        )
    if table.get("history", "keep") not in ("keep", "squash"):
        raise fail(f"'history': expected 'keep' or 'squash', got '{table['history']}'", "history")
    if table.get("workers", 1) < 1:
        raise fail(f"'workers': expected a positive integer, got {table['workers']}", "workers")
    cache = table.get("cache_control", {})
    for kind, item in cache.items():
        if kind not in CACHE_KINDS or not isinstance(item, str):
            raise fail(
                f"'cache_control': expected kinds {', '.join(CACHE_KINDS)} "
                f"with string values, got '{kind}'",
                "cache_control",
            )
    options = {k: v for k, v in table.items() if k not in ("url", "cache_control")}
    return DeployTarget(name, url, cache_control=tuple(cache.items()), line=line, **options)


def _without_secret(url: str) -> str:
    """A URL fit for an error message: user info dropped."""
    return re.sub(r"^([a-z0-9+]+://)[^/@]*@", r"\1", url)


def _toml_type(value: Any) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _key_line(text: str, key: str) -> int | None:
    match = re.search(rf"^[ \t]*{re.escape(key)}[ \t]*=", text, re.M)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _key_line_after(text: str, key: str, table_line: int | None) -> int | None:
    """The line of `key = ` inside the table that starts at table_line (else that line)."""
    start = sum(len(line) for line in text.splitlines(keepends=True)[: (table_line or 1) - 1])
    match = re.compile(rf"^[ \t]*{re.escape(key)}[ \t]*=", re.M).search(text, start)
    return text.count("\n", 0, match.start()) + 1 if match else table_line


def _table_line(text: str, name: str) -> int | None:
    match = re.search(rf"^[ \t]*\[[ \t]*{re.escape(name)}[ \t]*\]", text, re.M)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _toml_line(exc: tomllib.TOMLDecodeError) -> int | None:
    match = re.search(r"at line (\d+)", str(exc))
    return int(match.group(1)) if match else None


def _toml_message(exc: tomllib.TOMLDecodeError) -> str:
    return "invalid TOML: " + re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
