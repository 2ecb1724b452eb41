"""output/ read once: a deploy sends a snapshot of it, hard links in the build cache.

A build replaces output/'s files by renaming new ones over them, never by writing into
them, so a hard link keeps the bytes the deploy started with: a build or `serve` rebuild
during a long upload cannot mix two versions of the site on the host.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from site_builder.deploy import plan
from site_builder.deploy.manifest import MANIFEST


@contextmanager
def taken(output: Path, cache_dir: Path) -> Iterator[Path]:
    """A folder holding output/'s files as they are now; removed afterwards. The caller
    holds the deploy lock, so any other snapshot folder is a killed deploy's."""
    folder = cache_dir / "deploy"
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("snapshot-*"):
        shutil.rmtree(stale, ignore_errors=True)
    snapshot = folder / f"snapshot-{os.getpid()}"
    try:
        _link_tree(output, snapshot)
        yield snapshot
    finally:
        shutil.rmtree(snapshot, ignore_errors=True)


def _link_tree(source: Path, target: Path) -> None:
    target.mkdir()
    for top, folders, files in os.walk(source):
        here = Path(top)
        into = target / here.relative_to(source)
        for name in folders:
            if not (here / name).is_symlink():
                (into / name).mkdir()
        for name in files:
            path = here / name
            if name in plan.UNPUBLISHED or path.is_symlink():
                continue
            if here == source and name == MANIFEST:  # the host's bookkeeping, never the site's
                continue
            try:
                os.link(path, into / name)
            except OSError:  # another file system, or no hard links there
                shutil.copy2(path, into / name)
