"""[languages.<code>] tables: the languages of a multilingual site and where each lives."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from site_builder import i18n
from site_builder.config.regions import RESERVED
from site_builder.config.settings import Language, SiteConfig
from site_builder.config.tomltext import key_line, key_line_after, table_line
from site_builder.errors import TOML_KINDS, ConfigError, kind_of


def language_defaults(language: str, written: dict[str, Any]) -> dict[str, str]:
    """`dir` and `digits` the site did not write, from its language ('ar' -> 'rtl')."""
    try:
        defaults = {"dir": i18n.text_direction(language), "digits": i18n.default_digits(language)}
    except ValueError:  # an unknown language: _validate reports it with its line
        return {}
    return {key: value for key, value in defaults.items() if key not in written}


def with_languages(
    config: SiteConfig, raw: dict[str, Any], path: Path | None, text: str
) -> SiteConfig:
    """[languages.<code>] tables, checked against the site's regions and language."""
    if "languages" not in raw:
        return config
    value = raw["languages"]
    where = key_line(text, "languages") or table_line(text, "languages")
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
            key_line(text, "language") or where,
        )
    return replace(config, languages=languages)


_LANGUAGE_KEYS = ("description", "digits", "dir", "path", "regions", "title")


def _language(code: str, table: Any, config: SiteConfig, path: Path | None, text: str) -> Language:
    """One [languages.<code>] table: title, description, path, dir, digits, regions."""
    line = table_line(text, f"languages.{code}")

    def fail(message: str, key: str | None = None) -> ConfigError:
        return ConfigError(
            f"'languages.{code}': {message}",
            path,
            key_line_after(text, key, line) if key else line,
        )

    defaults = language_defaults(code, {})
    if not defaults or not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", code):
        raise fail(f"unknown language '{code}' (expected a code such as 'en' or 'ar')")
    if not isinstance(table, dict):
        raise fail("expected a table with title, description and path")
    for key, item in table.items():
        if key not in _LANGUAGE_KEYS:
            raise fail(f"unknown key '{key}' (known keys: {', '.join(_LANGUAGE_KEYS)})", key)
        if key != "regions" and not isinstance(item, str):
            raise fail(f"'{key}': expected a string, got {kind_of(TOML_KINDS, item)}", key)
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
    line = table_line(text, f"languages.{code}.regions") or table_line(text, f"languages.{code}")
    if not isinstance(value, dict):
        raise ConfigError(
            f"'languages.{code}.regions': expected a table such as middle-east = \"...\"",
            path,
            line,
        )
    names = []
    for slug, name in value.items():
        where = key_line_after(text, slug, line)
        if config.region(slug) is None:
            known = ", ".join(r.slug for r in config.regions)
            raise ConfigError(
                f"'languages.{code}.regions': unknown region '{slug}' (regions: {known})",
                path,
                where,
            )
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(
                f"'languages.{code}.regions.{slug}': expected a name, got {kind_of(TOML_KINDS, name)}",
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
