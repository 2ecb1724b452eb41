"""What a deploy sends, and in which order: the one place every target takes its order from.

A reader must never follow a link to a page that is not there yet. Links point from feeds
to pages, from listings to articles, from a listing's first page to its later ones, so
files go up in ranks: assets and article pages, then listing pages, then feeds, OPML and
sitemaps; inside a rank, deeper paths first ('page/2/' before the listing that links it).
Deletes come last, once nothing links the files any more.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

ASSETS_AND_ARTICLES, LISTINGS, FEEDS = 0, 1, 2

_FEED = re.compile(
    r"(^|/)(feed\.xml|atom\.xml|feed\.json|[^/]*\.opml|[^/]*sitemap[^/]*\.xml"
    r"|robots\.txt)$"
)


def phase(path: str) -> int:
    """The rank of a site path (POSIX, relative to the site root) in the upload order."""
    if _FEED.search(path):
        return FEEDS
    parts = path.split("/")
    if path.endswith(".html") and "articles" not in parts[:-1]:
        return LISTINGS  # home, regions, countries, archive, standalone pages, 404
    return ASSETS_AND_ARTICLES


def rank(path: str) -> tuple[int, int]:
    """Sort key of a batch: phase first, then deeper paths before shallower ones."""
    return phase(path), -path.count("/")


def ordered(paths) -> list[str]:
    """Paths in upload order."""
    return sorted(paths, key=lambda p: (rank(p), p))


def batches(paths) -> list[list[str]]:
    """Upload order cut into batches: a batch may go in any order (or in parallel), but
    each batch is complete on the server before the next one starts."""
    return [list(group) for _, group in itertools.groupby(ordered(paths), key=rank)]


def delete_order(paths) -> list[str]:
    """Deletes: files before the folders that hold them, deepest first."""
    return sorted(paths, key=lambda p: (-p.rstrip("/").count("/"), p))


@dataclass(frozen=True)
class LocalFile:
    """A file of output/: its size and MD5 (what S3 ETags and git blobs are compared by)."""

    path: Path
    size: int
    md5: str


# Placeholders that keep an empty folder in git (the repository's output/.gitkeep, which
# builds keep in place): part of the checkout, never of the site.
UNPUBLISHED = (".gitkeep",)


def local_files(output: Path) -> dict[str, LocalFile]:
    """Every file under output/ the site publishes, by site path."""
    files = {}
    for path in sorted(output.rglob("*")):
        if path.name in UNPUBLISHED:
            continue
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            files[path.relative_to(output).as_posix()] = LocalFile(
                path, len(data), hashlib.md5(data, usedforsecurity=False).hexdigest()
            )
    return files


@dataclass
class Result:
    """What a deploy did (or, dry, would do): uploads in the order sent, then deletes."""

    uploaded: list[tuple[str, int]] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    note: str = ""

    @property
    def bytes(self) -> int:
        """Bytes of the files uploaded."""
        return sum(size for _, size in self.uploaded)
