"""Markdown bodies to HTML: one python-markdown instance, reset per article, then sanitised."""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from typing import Any, Literal

import markdown
import nh3

from site_builder.config import SiteConfig
from site_builder.content import shortcodes, typography
from site_builder.errors import ContentError
from site_builder.parallel import fork_map
from site_builder.weburl import valid

EXTENSIONS = ["tables", "footnotes", "toc", "sane_lists", "attr_list", "fenced_code"]
# Below this many bodies to convert, starting worker processes costs more than it saves.
PARALLEL_MIN = 200
# Tags an article may carry; script, style, iframe, forms and event handlers never pass.
ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
}
# Dropped with everything inside them, not merely unwrapped.
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template"}
URL_SCHEMES = {"http", "https", "mailto"}
# smarty writes named entities by default; the characters themselves read the same in
# pages and stay plain text in feeds and search snippets.
SMARTY_CHARACTERS = {
    "left-single-quote": "\u2018",
    "right-single-quote": "\u2019",
    "left-double-quote": "\u201c",
    "right-double-quote": "\u201d",
    "left-angle-quote": "\u00ab",
    "right-angle-quote": "\u00bb",
    "ellipsis": "\u2026",
    "ndash": "\u2013",
    "mdash": "\u2014",
}
# No `style` anywhere (a fixed full-page overlay, an external background:url() tracker).
# id and class pass only as Markdown itself writes them (see _attribute_filter).
ALLOWED_ATTRIBUTES = {
    "*": {"id", "title", "lang", "dir", "class"},
    "a": {"href", "rel"},
    "img": {"src", "alt", "width", "height", "srcset", "sizes"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "time": {"datetime"},
    "ol": {"start"},
}
# The ids Markdown writes: heading slugs ("three-steps") and footnotes ("fn:1", "fnref:1"),
# on the elements it writes them on. The theme's own ids have a dot ("site.main"), which
# these never have: a heading "## Main" keeps id="main", but a <div id="main"> or an
# id="site.main" loses it, so an article cannot take over or copy a landmark.
_HEADING_ID = re.compile(r"[\w-]{1,120}")
_FOOTNOTE_ID = re.compile(r"fn(?:ref)?:[\w-]{1,80}")
_ID_RULES = {**{f"h{n}": _HEADING_ID for n in range(1, 7)}, "li": _FOOTNOTE_ID, "sup": _FOOTNOTE_ID}
# The classes Markdown writes (footnotes, fenced code) and embed facades (shortcodes.py); the theme's classes never pass.
_MARKDOWN_CLASS = re.compile(
    r"embed-play|footnote|footnote-ref|footnote-backref|language-[\w+#.-]{1,40}"
)
_SRCSET_URL = re.compile(r"\s*(\S+)(?:\s+[\d.]+[wx])?\s*(?:,|$)")


class MarkdownConverter:
    """Turns article Markdown into safe HTML; keep one per build (the parser is reused)."""

    def __init__(self, config: SiteConfig):
        self.allow_raw_html = config.allow_raw_html
        # Typographic quotes and dashes ("--" -> en dash, '...' -> ellipsis) unless turned off.
        self.extensions = EXTENSIONS + ["smarty"] if config.typography else EXTENSIONS
        self.done: dict[str, str] = {}  # body -> HTML, so a body is converted once
        self._parsers: dict[bool, markdown.Markdown] = {}  # by "has a code fence"

    def html(self, text: str) -> str:
        """The body's HTML: Markdown rendered, then sanitised unless raw HTML is allowed."""
        out = self.done.get(text)
        if out is None:
            out = self.done[text] = self._fresh(text)
        return out

    def html_many(self, texts: Sequence[str]) -> list[str]:
        """The HTML of many bodies; new ones converted on every core when there are many.

        Markdown conversion is CPU-bound pure Python, so threads would not help: a cold
        build of a large site spreads it over processes, a small one stays in this one.
        """
        # Not kept in `done`: the engine keeps each body's HTML in its store, and a cold
        # build's bodies and their HTML held here would grow with the archive.
        missing = list(dict.fromkeys(t for t in texts if t not in self.done))
        fresh = dict(zip(missing, fork_map(self._fresh, missing, PARALLEL_MIN)))
        return [fresh[t] if t in fresh else self.done[t] for t in texts]

    def _fresh(self, text: str) -> str:
        return _convert(self._parser(text), text, self.allow_raw_html)

    def _parser(self, text: str) -> markdown.Markdown:
        """A parser with every extension, or without fenced_code for a body with no fence.

        fenced_code changes nothing in a body without ``` or ~~~, but importing it imports
        Pygments (through codehilite): 20 ms of a one-article rebuild that has 300 in all.
        """
        fenced = "```" in text or "~~~" in text
        parser = self._parsers.get(fenced)
        if parser is None:
            names = [e for e in self.extensions if fenced or e != "fenced_code"]
            parser = self._parsers[fenced] = _new_markdown(names)
        return parser


def _convert(md: markdown.Markdown, text: str, allow_raw_html: bool) -> str:
    md.reset()
    try:
        out = md.convert(shortcodes.expand(text))
    except RecursionError:  # the loader refuses the known shapes; this is the net
        raise ContentError("Markdown nested too deeply to render") from None
    return out if allow_raw_html else sanitise(out)


def _new_markdown(names: Sequence[str] = EXTENSIONS) -> markdown.Markdown:
    # Extensions given as objects: by name, Markdown first scans every installed package's
    # entry points for them, which costs more than converting an article.
    settings: dict[str, dict[str, Any]] = {
        "toc": {"permalink": False},
        "footnotes": {"UNIQUE_IDS": False},
        "smarty": {"substitutions": SMARTY_CHARACTERS},
    }
    extensions = [_module(name).makeExtension(**settings.get(name, {})) for name in names]
    return markdown.Markdown(extensions=extensions, output_format="html")


def _module(name: str) -> Any:
    """The extension's module; smarty's patterns come in typography.py's single pass,
    which gives the same characters at half the cost of a body's conversion."""
    if name == "smarty":
        return typography
    return importlib.import_module(f"markdown.extensions.{name}")


def sanitise(html: str, base: str = "") -> str:
    """Keep ordinary article markup; drop scripts, styles, frames, handlers, javascript: URLs.

    With an absolute `base` (imported HTML), relative links are resolved against it.
    """
    rewrite: tuple[Literal["rewrite_with_base"], str] | None
    rewrite = ("rewrite_with_base", base) if base.startswith(("http://", "https://")) else None
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        clean_content_tags=DROPPED_WITH_CONTENT,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
        url_relative=rewrite,
        attribute_filter=_attribute_filter,
    )


def _attribute_filter(tag: str, name: str, value: str) -> str | None:
    """id and class as Markdown writes them, srcset checked like src; None drops it."""
    if name == "id":
        rule = _ID_RULES.get(tag)
        return value if rule is not None and rule.fullmatch(value) else None
    if name == "class":
        kept = [c for c in value.split() if _MARKDOWN_CLASS.fullmatch(c)]
        return " ".join(kept) or None
    if name in ("href", "src") and not valid(value):
        return None  # the loader reports the links it finds; this catches the rest
    if name == "srcset":
        urls = _SRCSET_URL.findall(value)
        return value if urls and all(_safe_url(u) and valid(u) for u in urls) else None
    return value


def _safe_url(url: str) -> bool:
    """A web or mail address, or a relative one (no scheme): as nh3 lets through in src."""
    scheme = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", url)
    return scheme is None or scheme.group(1).lower() in URL_SCHEMES
