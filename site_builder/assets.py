"""The site's static assets (stylesheet, favicon): copied into output/ as they are."""

from __future__ import annotations

from pathlib import Path

from site_builder.config import DEFAULT_THEME, SiteConfig


def static_folder(config: SiteConfig) -> Path:
    """The folder of static assets: the site's static/, else the default theme's."""
    if config.static_dir.is_dir():
        return config.static_dir
    return DEFAULT_THEME.parent / "static"


def static_files(config: SiteConfig) -> dict[str, bytes]:
    """Every static asset by its path in the site, read again each time (a handful of
    small files: comparing them costs less than tracking them)."""
    folder = static_folder(config)
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}
