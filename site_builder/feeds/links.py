"""A feed's links to other documents, beside feedgen's own: the WebSub hubs it names
(rel="hub") and RFC 5005's archive links (current, prev-archive, next-archive) with
`<fh:archive/>` on an archive document.

feedgen writes only rel="self" into RSS and checks Atom link relations against the five
of RFC 4287, so these are written here, as a feedgen extension, next to feedgen's links.
"""

from __future__ import annotations

from feedgen.ext.base import BaseExtension
from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"
HISTORY = "http://purl.org/syndication/history/1.0"


class FeedLinks(BaseExtension):
    """Registered on every RSS and Atom feed; `links` are (rel, href) pairs."""

    def __init__(self) -> None:
        self.links: list[tuple[str, str]] = []
        self.archive = False

    def extend_ns(self) -> dict[str, str]:
        return {"fh": HISTORY} if self.archive else {}

    def extend_rss(self, feed):
        channel = feed[0]
        self._insert(channel, f"{{{ATOM}}}link")
        return feed

    def extend_atom(self, feed):
        # Unqualified: feedgen declares Atom as a plain xmlns, as media.py explains.
        self._insert(feed, "link")
        return feed

    def _insert(self, parent, link_tag: str) -> None:
        """After the parent's last link, before the entries: documents read top down."""
        links = [i for i, child in enumerate(parent) if etree.QName(child).localname == "link"]
        at = links[-1] + 1 if links else len(parent)
        made = [etree.Element(link_tag, rel=rel, href=href) for rel, href in self.links]
        if self.archive:
            made.append(etree.Element(f"{{{HISTORY}}}archive"))
        for offset, element in enumerate(made):
            parent.insert(at + offset, element)
