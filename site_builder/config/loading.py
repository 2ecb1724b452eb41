"""load_config: site.toml and the command line's overrides, validated, as a SiteConfig."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from site_builder import i18n
from site_builder.config.deploy_targets import deploy_targets
from site_builder.config.languages import language_defaults, with_languages
from site_builder.config.regions import merge_regions
from site_builder.config.settings import SiteConfig
from site_builder.config.tables import TABLES
from site_builder.config.tomltext import key_line, read_text, toml_line, toml_message
from site_builder.errors import TOML_KINDS, ConfigError, kind_of
from site_builder.weburl import split

# key in site.toml -> (attribute, expected type, description for errors)
SCALARS: dict[str, tuple[str, type, str]] = {
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
PATH_KEYS = {"content_dir", "output_dir", "templates_dir", "static_dir", "cache_dir"}


def load_config(
    path: Path | None = None, overrides: dict[str, Any] | None = None, root: Path | None = None
) -> SiteConfig:
    """Read site.toml (if it exists) and apply command-line overrides; validate everything."""
    root = (root or (path.parent if path else Path.cwd())).resolve()
    raw: dict[str, Any] = {}
    text = ""
    if path is not None and path.exists():
        text = read_text(path)
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(toml_message(exc), path, toml_line(exc)) from None
    values: dict[str, Any] = {"root": root, "config_path": path if text else None}
    for key, value in raw.items():
        if key == "regions":
            values["regions"] = merge_regions(value, path, text)
            continue
        if key == "deploy":
            values["deploy"] = deploy_targets(value, path, text)
            continue
        if key in TABLES:
            values[TABLES[key][0]] = TABLES[key][1](value, path, text)
            continue
        if key == "languages":  # read once the regions are known: see with_languages
            continue
        if key == "cache":  # the build state is trusted only where site.toml cannot move it
            raise ConfigError(
                "'cache' cannot be set: the build state always lives in "
                ".cache/site_builder/ next to site.toml",
                path,
                key_line(text, key),
            )
        if key not in SCALARS:
            known = ", ".join(sorted([*SCALARS, *TABLES, "deploy", "regions", "languages"]))
            raise ConfigError(
                f"unknown key '{key}' (known keys: {known})", path, key_line(text, key)
            )
        attr, kind, what = SCALARS[key]
        if type(value) is not kind:  # bool is an int subclass: compare types exactly
            raise ConfigError(
                f"'{key}': expected {what}, got {kind_of(TOML_KINDS, value)}",
                path,
                key_line(text, key),
            )
        values[attr] = value
    for attr, value in (overrides or {}).items():
        if value is not None:
            values[attr] = value
    for attr in PATH_KEYS:  # relative to the site's folder, as written or by default
        values[attr] = _absolute(root, Path(values.get(attr, getattr(SiteConfig, attr))))
    values.update(language_defaults(values.get("language", SiteConfig.language), values))
    config = SiteConfig(**values)
    _validate(config, path, text)
    return with_languages(config, raw, path, text)


def _absolute(root: Path, path: Path) -> Path:
    return path if path.is_absolute() else root / path


def _validate(config: SiteConfig, path: Path | None, text: str) -> None:
    def fail(key: str, message: str) -> None:
        raise ConfigError(f"'{key}': {message}", path or "site.toml", key_line(text, key))

    if not re.match(r"^https?://[^/\s]+(/\S*)?$", config.base_url):
        fail("base_url", f"expected an absolute http(s) URL, got '{config.base_url}'")
    split(config.base_url, path or "site.toml", key_line(text, "base_url"), ConfigError)
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
