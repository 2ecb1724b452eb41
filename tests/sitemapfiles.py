"""A built site's sitemaps read as a crawler reads them: sitemap.xml is an index, and the
URLs are in the sitemaps it names."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

S = "http://www.sitemaps.org/schemas/sitemap/0.9"
NS = {"s": S}


def shards(site: Path) -> list[Path]:
    """The files sitemap.xml names, in its order (each <loc> is below the site's base)."""
    index = etree.fromstring((site / "sitemap.xml").read_bytes())
    assert index.tag == f"{{{S}}}sitemapindex"
    return [
        site / loc.rsplit("/", 1)[1] for loc in index.xpath("s:sitemap/s:loc/text()", namespaces=NS)
    ]


def urlset(site: Path) -> etree._Element:
    """Every <url> of the site's sitemaps, gathered in one <urlset>."""
    gathered = etree.Element(f"{{{S}}}urlset", nsmap={None: S})
    for path in shards(site):
        gathered.extend(etree.fromstring(path.read_bytes()).iterchildren())
    return gathered


def text(site: Path) -> str:
    """The index and its sitemaps as one text."""
    return "".join(p.read_text(encoding="utf-8") for p in [site / "sitemap.xml", *shards(site)])
