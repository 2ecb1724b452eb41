"""Every URL a user writes (article bodies, image.url, site.toml menus and base_url, deploy
targets) is split here, once: Python's urlsplit raises ValueError on a malformed host
('//[::1/x', a port that is no number), which must be a one-line error, never a traceback."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

from site_builder.errors import ContentError, SiteBuilderError

# What browsers strip before reading a URL: leading and trailing C0 controls and spaces,
# and every tab and newline inside ("java\tscript:" is javascript: to a browser).
_EDGES = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$")
_INSIDE = re.compile(r"[\t\n\r]")
# A link's address in Markdown or HTML: (url), <url>, [ref]: url, href=/src=. Only an
# address with a host ('//') can be malformed to urlsplit, so only those are caught.
_LINK = re.compile(
    r"""(?:\]\(\s*<?|<|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?|(?:href|src)\s*=\s*["']?)"""
    r"""((?:[a-z][a-z0-9+.-]*:)?//[^\s<>"')]*)""",
    re.I | re.M,
)


def as_browsers_read(url: str) -> str:
    """The URL as a browser reads it (WHATWG URL parsing's first steps), for scheme checks."""
    return _INSIDE.sub("", _EDGES.sub("", url))


def split(
    url: str,
    path: str | Path | None = None,
    line: int | None = None,
    error: type[SiteBuilderError] = ContentError,
) -> SplitResult:
    """The URL's parts, its port checked; a malformed URL is `error` naming path and line."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError for a port that is no number
    except ValueError as exc:
        raise error(f"{_shown(url)!r} is not a valid URL ({exc})", path, line) from None
    return parts


def valid(url: str) -> bool:
    """Whether split() would take the URL."""
    try:
        split(url)
    except SiteBuilderError:
        return False
    return True


# Where an address from a "//" on ends, as _LINK's group ends it.
_ADDRESS_END = re.compile(r"""[\s<>"')]""")


def link_problem(body: str) -> tuple[int, str] | None:
    """(line offset, message) of the first link in the body whose address is no URL."""
    if "//" not in body or _all_split(body):
        return None
    for match in _LINK.finditer(body):
        try:
            split(match.group(1))
        except ContentError as exc:
            return body.count("\n", 0, match.start(1)), f"a link's address {exc.message}"
    return None


def _all_split(body: str) -> bool:
    """Whether the address from each "//" of the body on is a URL to split(): then so is
    every link _LINK would find, each of which is one of them, with at most a scheme
    before it, which urlsplit takes as it is (only the "//" part can fail). _LINK has no
    literal to look for, so it tries every place of a body: 0.2 ms a story, 2.3 CPU-s of
    a 10,000-story cold build; this takes a few microseconds. False (run _LINK) once the
    addresses looked at add up to the body's length: a run of slashes holds as many
    addresses as slashes, each to its end, and must cost no more than _LINK's one pass."""
    at, budget = body.find("//"), len(body)
    while at != -1:
        end = _ADDRESS_END.search(body, at)
        stop = end.start() if end else len(body)
        budget -= stop - at
        if budget < 0 or not valid(body[at:stop]):
            return False
        at = body.find("//", at + 1)
    return True


def _shown(url: str) -> str:
    """The URL for an error message: user info (a password, perhaps) left out."""
    return re.sub(r"^([a-z0-9+.-]*://)[^/@]*@", r"\1", url, flags=re.I)[:200]
