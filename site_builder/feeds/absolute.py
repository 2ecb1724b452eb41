"""Make the links inside an article's HTML absolute, for feeds read away from the site."""

from __future__ import annotations

import html as _html
import re
from urllib.parse import urljoin

from site_builder.weburl import valid

# One start tag; quoted attribute values may contain '>' so they are matched whole.
_TAG = re.compile(
    r"""<[a-zA-Z][^\s/>]*(?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*\s*/?>"""
)
_ATTR = re.compile(r"""(\s(?:href|src|srcset|poster|cite)\s*=\s*)(?:"([^"]*)"|'([^']*)')""", re.I)
# A value that already names a scheme (https:, mailto:, tel:, data:) is left alone.
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def absolutize(html: str, page_url: str, fragments: bool = False) -> str:
    """The HTML with href/src/srcset made absolute against page_url.

    mailto:, data: and absolute URLs stay as they are; so do '#fragment' links unless
    fragments=True (feeds want them: a reader has no page to resolve them against, and the
    W3C validator warns about any link without a scheme).
    """
    return _TAG.sub(
        lambda tag: _ATTR.sub(lambda m: _attr(m, page_url, fragments), tag.group(0)), html
    )


def _attr(match: re.Match[str], page_url: str, fragments: bool) -> str:
    prefix, double, single = match.group(1), match.group(2), match.group(3)
    value = double if double is not None else single
    raw = _html.unescape(value)
    if prefix.strip().lower().startswith("srcset"):
        new = ", ".join(_srcset_candidate(c, page_url) for c in raw.split(",") if c.strip())
    else:
        new = _url(raw, page_url, fragments)
    if new == raw:
        return match.group(0)
    return f'{prefix}"{_html.escape(new, quote=True)}"'


def _srcset_candidate(candidate: str, page_url: str) -> str:
    parts = candidate.split()
    return " ".join([_url(parts[0], page_url), *parts[1:]])


def _url(value: str, page_url: str, fragments: bool = False) -> str:
    stripped = value.strip()
    if not stripped or (stripped.startswith("#") and not fragments) or _SCHEME.match(stripped):
        return value
    if not valid(stripped):  # raw HTML the loader cannot see into: left as it is
        return value
    return urljoin(page_url, stripped)
