"""SiteConfig, the one frozen, typed object every command reads, and the tables it holds."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from site_builder import theme
from site_builder.config.regions import DEFAULT_REGIONS, Region

# The default theme's templates: the wheel's copy, or the repository's templates/ folder.
DEFAULT_THEME = theme.TEMPLATES
THEME_STATIC = theme.STATIC
# Where `serve` listens by default: good for a preview, wrong in published feeds.
DEFAULT_BASE_URL = "http://127.0.0.1:8000/"


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
    me: tuple[str, ...] = ()  # the site's profiles elsewhere, linked rel="me" from every page
    hubs: tuple[str, ...] = ()  # [websub] hubs: named in the feeds, pinged after a deploy
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

    def file_at(self, name: str) -> Path:
        """A file by the name the plan gives it (engine/planning.py, site_names): relative
        to the site's folder, or absolute."""
        return self.root / name

    def shown(self, path: Path) -> Path:
        """The path as a user reads it in a message: relative to the site root where possible."""
        try:
            return path.relative_to(self.root)
        except ValueError:
            return path

    @property
    def source_folders(self) -> tuple[Path, ...]:
        """The site's own folders whose changes make the built site stale (serve watches them)."""
        return (self.content_dir, self.templates_dir, self.static_dir, self.locale_folder)

    @property
    def locale_folder(self) -> Path:
        """The site's own interface translations, locale/<lang>/LC_MESSAGES/messages.po
        (as Hugo's i18n/): read before the catalogues the package ships."""
        return self.root / "locale"

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
