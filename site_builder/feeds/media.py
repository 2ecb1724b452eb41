"""Media RSS (`media:content` with `media:description` and `media:credit`) for feedgen.

feedgen's own media extension writes `media:content` without children, and readers show
the credit and caption from those children; so the lead picture goes through this small
extension, registered on each feed that has pictures.
"""

from __future__ import annotations

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from lxml import etree

from site_builder.feeds.entries import EntryPicture

NS = "http://search.yahoo.com/mrss/"


class MediaFeed(BaseExtension):
    def extend_ns(self) -> dict[str, str]:
        return {"media": NS}


class MediaEntry(BaseEntryExtension):
    def __init__(self):
        self._picture: EntryPicture | None = None

    def picture(self, value: EntryPicture | None = None) -> EntryPicture | None:
        if value is not None:
            self._picture = value
        return self._picture

    def extend_rss(self, entry):
        picture = self._picture
        if picture is None:
            return entry
        attributes = {"url": picture.url, "medium": "image"}
        if picture.length:
            attributes.update(
                type=picture.mime,
                fileSize=str(picture.length),
                width=str(picture.width),
                height=str(picture.height),
            )
        content = etree.SubElement(entry, f"{{{NS}}}content", attributes)
        if picture.caption:
            description = etree.SubElement(content, f"{{{NS}}}description", type="plain")
            description.text = picture.caption
        if picture.credit:
            etree.SubElement(content, f"{{{NS}}}credit").text = picture.credit
        return entry

    def extend_atom(self, entry):
        """Atom: media:content, and the enclosure link with its type and length (written
        here: feedgen 1.0 drops every attribute of an entry's links but href, which
        makes an enclosure a second alternate link). Unqualified, as feedgen writes its
        own Atom elements: it declares the Atom namespace with a plain xmlns attribute,
        so an element named in that namespace would be written with a prefix (ns0:link),
        which the W3C validator warns about."""
        picture = self._picture
        if picture is not None and picture.length:
            etree.SubElement(
                entry,
                "link",
                rel="enclosure",
                href=picture.url,
                type=picture.mime,
                length=str(picture.length),
            )
        return self.extend_rss(entry)
