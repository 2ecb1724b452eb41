"""feeds.opml: every feed of the site, for one-step subscription in a reader."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lxml import etree

from site_builder import urls
from site_builder.config import SiteConfig
from site_builder.feeds.entries import FeedSpec, clean

GROUP_TITLES = {
    "site": "Site",
    "regions": "Regions",
    "countries": "Countries",
    "tags": "Tags",
    "authors": "Authors",
}


def opml(config: SiteConfig, groups: Mapping[str, Sequence[FeedSpec]]) -> bytes:
    """OPML 2.0 with one outline per feed, pointing at its RSS file, grouped: the site's
    feed first, then an outline each for regions, tags and authors.

    One format per feed, so importing the file does not subscribe a reader twice.
    """
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = clean(f"{config.title} feeds")
    etree.SubElement(head, "ownerName").text = clean(config.author)
    body = etree.SubElement(root, "body")
    for group, specs in groups.items():
        parent = body
        if group != "site":
            name = GROUP_TITLES.get(group, group.title())
            parent = etree.SubElement(body, "outline", text=name, title=name)
        for spec in specs:
            etree.SubElement(
                parent,
                "outline",
                type="rss",
                version="RSS2",
                text=clean(spec.title),
                title=clean(spec.title),
                xmlUrl=urls.absolute(config, spec.path("feed.xml")),
                htmlUrl=urls.absolute(config, spec.page),
            )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
