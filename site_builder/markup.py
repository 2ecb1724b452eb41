"""Markdown bodies to HTML: one python-markdown instance, reset per article, then sanitised."""

from __future__ import annotations

import markdown
import nh3

from site_builder.config import SiteConfig

EXTENSIONS = ["tables", "footnotes", "toc", "sane_lists", "attr_list", "fenced_code"]
# Tags an article may carry; script, style, iframe, forms and event handlers never pass.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details",
    "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time",
    "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "title", "lang", "dir", "class"},
    "a": {"href", "rel"},
    "img": {"src", "alt", "width", "height", "srcset", "sizes"},
    "td": {"colspan", "rowspan", "align", "style"},
    "th": {"colspan", "rowspan", "align", "scope", "style"},
    "time": {"datetime"},
    "ol": {"start"},
}


class Renderer:
    """Turns article Markdown into safe HTML; keep one per build (the parser is reused)."""

    def __init__(self, config: SiteConfig):
        self.allow_raw_html = config.allow_raw_html
        self._md = markdown.Markdown(
            extensions=EXTENSIONS, output_format="html",
            extension_configs={"toc": {"permalink": False},
                               "footnotes": {"UNIQUE_IDS": False}})

    def html(self, text: str) -> str:
        """The body's HTML: Markdown rendered, then sanitised unless raw HTML is allowed."""
        self._md.reset()
        out = self._md.convert(text)
        return out if self.allow_raw_html else sanitise(out)


def sanitise(html: str) -> str:
    """Keep ordinary article markup; drop scripts, styles, frames, handlers, javascript: URLs."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel=None,
                     strip_comments=True)
