"""Redirect pages for old addresses (front matter `aliases`): a static host cannot answer
301, so each old address gets a small page that refreshes to the new one at once.

The refresh and the link are relative (the site works under any base path); the canonical
link is absolute, so a search engine moves the old address's standing to the new page.
"""

from __future__ import annotations

from html import escape

from site_builder import urls
from site_builder.config import SiteConfig


def page(config: SiteConfig, path: str, target: str, title: str) -> bytes:
    """The redirect page served at `path`, sending to the site path `target`."""
    to = escape(urls.relative(path, target))
    canonical = escape(urls.absolute(config, target))
    title = escape(title)
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(config.language)}">\n<head>\n'
        f'<meta charset="utf-8">\n<title>Moved: {title}</title>\n'
        f'<link rel="canonical" href="{canonical}">\n'
        f'<meta name="robots" content="noindex">\n'
        f'<meta http-equiv="refresh" content="0; url={to}">\n</head>\n<body>\n'
        f'<p>This page has moved to <a href="{to}">{title}</a>.</p>\n'
        f"</body>\n</html>\n"
    ).encode()
