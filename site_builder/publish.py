"""Putting a build's files into output/: only what changed, and never a half-updated site.

`site-builder build` swaps a complete folder in (writer.py). The folder starts as the site
the last build replaced (kept as `.<output>.previous`) when it is known exactly how that
one differs from output/, so a one-article edit writes a handful of files rather than
linking twelve thousand anew; else it starts empty and every unchanged file is hard-linked
from output/ (which keeps its modification time, as hosts' sync tools want). Watch mode
replaces changed files in place, where the server sees each one at once.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from site_builder import search
from site_builder.atomic import write_atomic
from site_builder.config import SiteConfig
from site_builder.errors import SiteBuilderError
from site_builder.writer import KEEP, OutputWriter, previous_site, prune_empty, site_files

log = logging.getLogger("site_builder")


class Publisher:
    """Keeps output/ equal to the files of the latest build."""

    def __init__(self, config: SiteConfig, keep_previous: bool = False):
        self.config = config
        self.keep_previous = keep_previous  # `build` keeps it; watch writes in place
        self.written: dict[str, bytes] | None = None  # what output/ holds, once known
        self.published: set[str] = set()              # every file output/ was given
        self.previous: tuple[int, int] | None = None  # inodes of the kept site and output/
        self.lag: set[str] = set()                    # files where the kept site differs

    STATE = ("published", "previous", "lag")

    def state(self) -> dict:
        return {name: getattr(self, name) for name in self.STATE}

    def adopt(self, state: dict) -> None:
        for name in self.STATE:
            setattr(self, name, state[name])

    def publish(self, files: dict[str, bytes | None]) -> tuple[int, int]:
        """Make output/ hold exactly these files; return (written, deleted).

        A file given as None is unchanged since the last build: output/ holds it already.
        """
        output = self.config.output_dir
        if self.written is not None and output.is_dir():
            return self._in_place(files)
        changed = {path for path, data in files.items()
                   if data is not None and not same_file(output / path, data)}
        removed = self.published - set(files)
        if self.written is None and self.published and not changed and not removed:
            return 0, 0  # carried on from the cache and nothing changed: output/ is right
        previous = self._previous_site()
        wanted = top_level(files)
        try:
            kept = self._swap(files, changed, removed, previous, wanted)
        except SiteBuilderError as exc:
            if previous is None:
                raise
            log.warning("%s: %s; building the folder afresh", previous, exc)
            previous = None
            kept = self._swap(files, changed, removed, previous, wanted)
        self._remember_previous(kept, previous is not None, changed | removed, files, wanted)
        self.published = set(files)
        self.written = dict(files) if None not in files.values() else None
        return len(changed), len(removed)

    def _swap(self, files: dict[str, bytes | None], changed: set[str], removed: set[str],
              previous: Path | None, wanted: set[str]) -> Path | None:
        """Fill a staging folder (from the previous site, or empty) and swap it in."""
        output = self.config.output_dir
        writer = OutputWriter(output, reuse=previous)
        try:
            if previous is not None:  # it differs from output/ only where lag says
                todo = {path: files.get(path)
                        for path in self.lag | changed | removed | strays(writer.staging, wanted)}
            else:
                todo = files
            for path in sorted(todo):
                if path not in files:
                    writer.delete(path)
                elif path in changed:
                    writer.write(path, files[path])
                else:
                    writer.link(path, output / path)  # unchanged: keeps its mtime
            search.index(self.config, writer.staging)
            return writer.publish(keep=self.keep_previous)
        except BaseException:
            writer.discard()
            raise

    def _previous_site(self) -> Path | None:
        """The site output/ replaced last time, if it is exactly as that build left it."""
        if self.previous is None:
            return None
        folder = previous_site(self.config.output_dir)
        try:
            found = (folder.lstat().st_ino, self.config.output_dir.lstat().st_ino)
        except OSError:
            return None
        return folder if found == self.previous else None

    def _remember_previous(self, kept: Path | None, reused: bool, differ: set[str],
                           files: dict, wanted: set[str]) -> None:
        """Note the kept previous site and where it differs from the new output/.

        Unchanged files were linked, so they are the same in both. A previous site that was
        brought up to date differs from the new one only by what this build changed; a
        fresh staging folder leaves behind whatever else the old site held (found by a walk).
        """
        self.previous, self.lag = None, set()
        if kept is not None:
            self.lag = differ if reused else differ | (site_files(kept) - set(files))
            self.lag |= strays(kept, wanted)
            self.previous = (kept.lstat().st_ino, self.config.output_dir.lstat().st_ino)

    def can_replace(self) -> bool:
        """True if replace() may be used: watch mode, output/ as this publisher left it."""
        return self.written is not None and self.config.output_dir.is_dir()

    def replace(self, files: dict[str, bytes]) -> int:
        """Watch mode: these files of the site changed, every other one is as it was.

        What publish() does for a one-article edit without comparing the whole site; returns
        how many files were written.
        """
        written = self._write_changed(files)
        self.written.update(files)
        self.published.update(files)
        if written:
            search.index(self.config, self.config.output_dir)
        return written

    def _in_place(self, files: dict[str, bytes | None]) -> tuple[int, int]:
        """Watch mode: replace each changed file in output/ (the server reads it at once)."""
        output = self.config.output_dir
        # Deleted first: once a page stops listing an article, the article's page is gone.
        gone = sorted(set(self.written) - set(files))
        for path in gone:
            _delete(output, path)
        written = self._write_changed(files)
        if written or gone:
            search.index(self.config, output)
        self.written = dict(files)
        self.published = set(files)
        return written, len(gone)


    def _write_changed(self, files: dict[str, bytes]) -> int:
        """Write, in place, each file whose bytes differ from what output/ holds."""
        written = 0
        for path, data in sorted(files.items()):
            if self.written.get(path) != data:
                write_atomic(_inside(self.config.output_dir, path), data, durable=False)
                written += 1
        return written


def top_level(files: dict) -> set[str]:
    """The names at the top of the site that a build's files live under."""
    return {path.split("/", 1)[0] for path in files} | set(KEEP) | {search.BUNDLE}


def strays(site: Path, wanted: set[str]) -> set[str]:
    """Top-level names in a site folder that none of the build's files live under.

    Such things (a CNAME or a verification file someone copied into output/) are dropped
    by a build, as a fresh staging folder would; deeper ones only by a full build
    (`--clean`). A walk of the whole site would cost more than a small rebuild.
    """
    try:
        return {name for name in os.listdir(site) if name not in wanted}
    except OSError:
        return set()


def same_file(path: Path, data: bytes) -> bool:
    """True if the file already holds exactly these bytes."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _inside(output: Path, relpath: str) -> Path:
    """The output file for relpath; never a path outside the output folder."""
    root = output.resolve()
    path = (root / relpath).resolve()
    if not path.is_relative_to(root) or path == root:
        raise SiteBuilderError(f"refusing to write outside the output folder: {relpath}")
    return path


def _delete(output: Path, relpath: str) -> None:
    """Remove a file the site no longer has, and the folders it leaves empty."""
    path = _inside(output, relpath)
    path.unlink(missing_ok=True)
    prune_empty(path.parent, output.resolve())
