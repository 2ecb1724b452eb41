"""Regions: the sections of the site, the default ones and [regions.<slug>] tables."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from site_builder.config.tomltext import key_line, table_line
from site_builder.errors import ConfigError


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


SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def missing_region(regions: tuple[Region, ...], folder: str | None) -> str:
    """The error for an article with no region: where it is in a folder, name the folder,
    the site's regions and sections, and the site.toml table that makes the folder one."""
    if folder is None:
        return (
            "missing required key 'region' (or put the file in its region's folder, "
            "content/<region>/)"
        )
    slug = (
        folder.lower() if SLUG.fullmatch(folder.lower()) and folder.lower() not in RESERVED else ""
    )
    known = ", ".join(r.slug for r in regions)
    return (
        f"folder '{folder}' is not one of this site's regions or sections ({known}): "
        f"add it to site.toml as [regions.{slug or '<slug>'}] with name = "
        f'"{folder.title() if slug else "..."}" (countries are optional), move the file, '
        "or set 'region:'"
    )


def merge_regions(value: Any, path: Path | None, text: str) -> tuple[Region, ...]:
    """[regions.<slug>] tables replace a default region of that slug or add a new one."""
    if not isinstance(value, dict):
        raise ConfigError(
            "'regions': expected tables such as [regions.gulf]", path, key_line(text, "regions")
        )
    regions = {r.slug: r for r in DEFAULT_REGIONS}
    for slug, table in value.items():
        line = table_line(text, f"regions.{slug}")
        if not SLUG.fullmatch(slug):
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
