"""sitemap.xml and robots.txt, for hosts and crawlers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from lxml import etree

from site_builder import urls
from site_builder.config import SiteConfig

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


# Pages no crawler should list: the error page, and the search page (marked noindex).
UNLISTED = ("404.html", "search/")


def listed(pages: Sequence) -> list[tuple[str, dt.datetime | None]]:
    """(path, lastmod) of the pages a sitemap lists."""
    return [(p.path, p.lastmod) for p in pages if p.path not in UNLISTED]


def sitemap_files(config: SiteConfig,
                  pages: Sequence[tuple[str, dt.datetime | None]]) -> dict[str, bytes]:
    """sitemap.xml (absolute loc, W3C lastmod when known) and robots.txt naming it."""
    root = etree.Element(f"{{{SITEMAP_NS}}}urlset", nsmap={None: SITEMAP_NS})
    for path, lastmod in pages:
        url = etree.SubElement(root, f"{{{SITEMAP_NS}}}url")
        etree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = urls.absolute(config, path)
        if lastmod is not None:
            etree.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = w3c_datetime(lastmod)
    sitemap = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute(config, 'sitemap.xml')}\n"
    return {"sitemap.xml": sitemap, "robots.txt": robots.encode("utf-8")}


def w3c_datetime(value: dt.datetime) -> str:
    """'2026-02-11T09:30:00+00:00': seconds precision, an offset always (UTC when naive)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.isoformat(timespec="seconds")
