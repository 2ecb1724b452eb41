"""Finding what changed: the stamps of every source file, compared with the last build's.

A stamp is (mtime, ctime, size, inode), all in nanoseconds where they are times. The
ctime is the one an editor, a checkout or a sync tool cannot set back: a file rewritten
with its old size and its mtime restored still has a new ctime. A file changed in the
same tick of the file system's clock as the scan that stamped it may change again without
its stamp moving (those clocks tick in milliseconds, or seconds on some file systems), so
such a stamp is stored as "racy" and the file is read and compared by content at the next
build, as git does with its index. The scan's time is read off the file system itself.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.config import SiteConfig
from site_builder.errors import ContentError, SiteBuilderError

RACY = "racy"
PICTURES = (".jpg", ".jpeg", ".png", ".webp", ".gif")  # beside articles, in bundles
DANGLING = (0, 0, 0, 0)  # a link that leads nowhere: the loader says why


def stamp(st: os.stat_result) -> tuple[int, int, int, int]:
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


def text(value: tuple) -> str:
    """A stamp as the build state keeps it."""
    return " ".join(str(int(part)) for part in value)


def stored(value: tuple, scanned_at: int) -> str:
    """The stamp to keep for a file stamped by a scan that started at `scanned_at` (by the
    file system's clock): "racy" if a later change might not move it."""
    if value == DANGLING or max(value[0], value[1]) >= scanned_at:
        return RACY
    return text(value)


@dataclass
class Found:
    """Content files with their stamps, and what could not be read as one."""

    stamps: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)
    skipped: list[SiteBuilderError] = field(default_factory=list)
    pictures: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)  # in bundles


def content(config: SiteConfig) -> Found:
    """Every content file (*.md, Emacs lock files aside), walked without following links
    to folders; a FIFO, socket or device named *.md is reported and skipped."""
    root = config.content_dir
    if not root.is_dir():  # a typo in --content must not publish an empty site
        raise ContentError(
            "content folder not found (see --content or 'content' in site.toml)",
            config.shown(root),
        )
    found = Found()
    stamps, todo = found.stamps, [str(root)]
    while todo:  # the one loop every build runs over every file: kept tight
        folder = todo.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            raise ContentError(
                f"cannot read folder: {exc.strerror}", config.shown(Path(folder))
            ) from None
        for entry in entries:
            name = entry.name
            if name.endswith(".md") and not name.startswith(".#"):
                try:
                    st = os.stat(entry.path)
                except OSError:
                    _add(config, found, entry.path)
                    continue
                if st.st_mode & 0o170000 == 0o100000:  # a regular file
                    stamps[entry.path] = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
                else:
                    _add(config, found, entry.path)
            elif entry.is_dir(follow_symlinks=False):
                todo.append(entry.path)
            elif name.lower().endswith(PICTURES):
                try:
                    found.pictures[entry.path] = stamp(os.stat(entry.path))
                except OSError:
                    pass  # gone, or a broken link: the article naming it says so
    return found


def paths(config: SiteConfig, changed: list[Path]) -> Found:
    """The stamps of these content files alone (a watcher named them); gone ones left out."""
    found = Found()
    for path in changed:
        if os.path.lexists(path):
            _add(config, found, str(path))
    return found


def _add(config: SiteConfig, found: Found, path: str) -> None:
    try:
        st = os.stat(path)
    except OSError:
        if os.path.islink(path):  # dangling or looping: the loader reports it
            found.stamps[path] = DANGLING
        return  # deleted while we looked: as if it were never there
    if not stat.S_ISREG(st.st_mode):
        found.skipped.append(
            ContentError(
                "not a regular file (a FIFO, socket or device?); skipped",
                config.shown(Path(path)),
            )
        )
        return
    found.stamps[path] = stamp(st)


def files(folders: list[Path]) -> dict[str, tuple[int, int, int, int]]:
    """Every file below these folders (templates, static assets), with its stamp."""
    found = {}
    for folder in folders:
        for here, dirs, names in os.walk(folder):
            dirs.sort()
            for name in names:
                path = os.path.join(here, name)
                try:
                    found[path] = stamp(os.stat(path))
                except OSError:
                    found[path] = DANGLING
    return found


class OutputCheck:
    """Which files of output/ are not as the last build left them (size, mtime), and which
    have one link only (not shared with the kept previous site: publish.py).

    Stat'ing 12,000 files takes a tenth of a second of a quick build, so a forked child
    does it from the state file while this process scans and renders; where there is no
    fork (or watch mode, whose threads make forking unwise) it is done here when asked.
    """

    def __init__(self, state: Path | None, output: Path, fork: bool, trust: bool = False):
        """`trust`: take output/ as left without looking (watch, between its own builds)."""
        self.state, self.output = state, str(output)
        self.pid, self.pipe = 0, -1
        self.answer: list[list] | None = [[], []] if trust else None
        if fork and not trust and state is not None and state.is_file() and hasattr(os, "fork"):
            self._fork()

    def _fork(self) -> None:
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the child: answer, then leave without running any cleanup
            code = 1
            try:
                os.close(read)
                data = json.dumps(self._look()).encode()
                with os.fdopen(write, "wb") as out:
                    out.write(data)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self.pid, self.pipe = pid, read

    def _look(self) -> list[list[str]]:
        db = sqlite3.connect(f"file:{self.state}?mode=ro", uri=True)
        try:
            rows = db.execute("SELECT path, size, mtime FROM outputs").fetchall()
        finally:
            db.close()
        return self.look(rows)

    def look(self, rows: list[tuple[str, int, int]]) -> list[list[str]]:
        """[files not as left, files with one link] among these (path, size, mtime)."""
        changed, single = [], []
        for path, size, mtime in rows:
            try:
                st = os.stat(f"{self.output}/{path}")
            except OSError:
                changed.append(path)
                continue
            if st.st_size != size or st.st_mtime_ns != mtime:
                changed.append(path)
            if st.st_nlink < 2:
                single.append(path)
        return [changed, single]

    def result(self, rows: Callable[[], list[tuple[str, int, int]]]) -> tuple[set, set]:
        """(files not as left, files with one link); `rows` lists the outputs to look at
        when the child could not."""
        if self.answer is None and self.pid:
            try:
                with os.fdopen(self.pipe, "rb") as answer:
                    data = answer.read()
                _, status = os.waitpid(self.pid, 0)
                if status == 0:
                    self.answer = json.loads(data)
            except (OSError, ValueError):
                pass
            self.pid = 0
        if self.answer is None:
            self.answer = self.look(rows())
        return set(self.answer[0]), set(self.answer[1])

    def close(self) -> None:
        """End a child nobody asked (a build that failed or had nothing to do)."""
        if self.pid:
            try:
                os.close(self.pipe)
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
            self.pid = 0
