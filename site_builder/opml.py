"""feeds.opml: every feed of the site, for one-step subscription in a reader."""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from site_builder import urls
from site_builder.config import SiteConfig
from site_builder.feeds import FeedSpec, clean


def opml(config: SiteConfig, specs: Sequence[FeedSpec]) -> bytes:
    """OPML 2.0 with one outline per feed (site, then regions), pointing at its RSS file.

    One format per feed, so importing the file does not subscribe a reader twice.
    """
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = clean(f"{config.title} feeds")
    etree.SubElement(head, "ownerName").text = clean(config.author)
    body = etree.SubElement(root, "body")
    for spec in specs:
        etree.SubElement(body, "outline", type="rss", version="RSS2", text=clean(spec.title),
                         title=clean(spec.title),
                         xmlUrl=urls.absolute(config, spec.path("feed.xml")),
                         htmlUrl=urls.absolute(config, spec.page))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
