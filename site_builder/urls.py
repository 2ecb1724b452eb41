"""Every URL of the site in one place: page paths, output file paths, relative and absolute links.

Paths are relative to the site root and end in '/' for pages ('middle-east/page/2/') or
name a file ('feed.xml'). Pages link to each other relatively, so the site works under
any base path; feeds and sitemaps use absolute URLs built from base_url.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from site_builder.config import SiteConfig

MAX_SLUG = 80
# Files of output/ that no planned output makes, named here so the plan can keep every
# other output off them and the engine can make them: the file that marks output/ as a
# build's, and the folder of the search index (made after the pages, when search is on).
OUTPUT_MARKER = ".site_builder"
SEARCH_BUNDLE = "pagefind"
# Embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): one left open in a
# name turns the text after it around wherever the name is shown (a page title, a feed).
BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
_ANY_BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")  # one search, not a loop


def plain_name(text: str) -> str:
    """A tag's or author's name without bidirectional controls."""
    return text.translate(BIDI_CONTROLS).strip()


def isolated(text: str) -> str:
    """A title with bidirectional controls, isolated (U+2068 ... U+2069): an override it
    leaves open ends with it, and what the page or feed shows after it reads as meant."""
    if _ANY_BIDI_CONTROL.search(text):
        return f"\u2068{text}\u2069"
    return text


def slugify(text: str, max_length: int = MAX_SLUG) -> str:
    """An ASCII, lower-case, hyphenated slug; 'untitled' when nothing is left."""
    from slugify import slugify as _slugify  # here: a quick build makes no slug (5 ms)

    text = plain_name(text)
    slug = _slugify(text, max_length=max_length, word_boundary=True, save_order=True)
    return slug or "untitled"


@lru_cache(maxsize=4096)
def tag_path(name: str) -> str:
    """A tag's listing: 'tags/gaza/'."""
    return f"tags/{slugify(name)}/"


@lru_cache(maxsize=4096)
def author_path(name: str) -> str:
    """An author's listing: 'authors/desk-correspondent/'."""
    return f"authors/{slugify(name)}/"


def region_path(slug: str) -> str:
    """A region's listing."""
    return f"{slug}/"


@lru_cache(maxsize=4096)  # a few hundred names, asked for on every listing
def country_path(name: str) -> str:
    """A country's listing: 'countries/saudi-arabia/'."""
    return f"countries/{slugify(name)}/"


def numbered(path: str, number: int) -> str:
    """A listing's page N, counted from the oldest: 'gulf/page/1/' holds the oldest. The
    feed of the listing at path keeps its RFC 5005 archive documents there too:
    'gulf/page/1/feed.xml' and 'gulf/page/1/atom.xml' hold the same articles as the page."""
    return f"{path}page/{number}/"


# An archive document's file ('page/3/feed.xml', 'gulf/page/3/atom.xml'): not a feed to
# subscribe to, so never announced to a WebSub hub.
ARCHIVE_DOCUMENT = re.compile(r"(^|/)page/[0-9]+/(feed|atom)\.xml$")
# The page that lists every correction, and the folder of its feeds.
CORRECTIONS = "corrections/"


def output_file(path: str) -> str:
    """The file that serves a path: pages become '<path>index.html'."""
    return path + "index.html" if path == "" or path.endswith("/") else path


def absolute(config: SiteConfig, path: str) -> str:
    """The absolute URL of a site path, under base_url."""
    return config.base_url.rstrip("/") + "/" + path.lstrip("/")


def relative(from_path: str, to_path: str) -> str:
    """A link from the page at from_path to to_path that works under any base path."""
    return linker(from_path)(to_path)


def linker(from_path: str) -> Callable[[str], str]:
    """relative() from one page to any path: a page makes some forty links, so its folders
    are split once and a link that shares no folder with it takes no split at all."""
    here = from_path.split("/")[:-1]  # the folders of the page ('a/b/' -> ['a', 'b'])
    first, up = here[0] + "/" if here else "", "../" * len(here)

    def link(to_path: str) -> str:
        if not first or not to_path.startswith(first):
            return up + to_path or "./"
        there = to_path.split("/")
        common = 0
        while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
            common += 1
        return "../" * (len(here) - common) + "/".join(there[common:]) or "./"

    return link
