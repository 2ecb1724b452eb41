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

import hashlib
import json
import marshal
import os
import signal
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import IO, Any, BinaryIO

from site_builder.config import SiteConfig
from site_builder.engine.publish import previous_site
from site_builder.engine.store import read_only
from site_builder.engine.strays import strays, walked
from site_builder.errors import ContentError, SiteBuilderError

RACY = "racy"
PICTURES = (".jpg", ".jpeg", ".png", ".webp", ".gif")  # beside articles, in bundles
DANGLING = (0, 0, 0, 0)  # a link that leads nowhere: the loader says why


def stamp(st: os.stat_result) -> tuple[int, int, int, int]:
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


def text(value: tuple) -> str:
    """A stamp as the build state keeps it."""
    mtime, ctime, size, inode = value  # made for every file on every build: kept quick
    return f"{mtime} {ctime} {size} {inode}"


def changed(
    stamps: dict[str, tuple[int, int, int, int]], known: dict[str, str]
) -> list[tuple[str, tuple[int, int, int, int]]]:
    """The files whose stamp is not the one stored (new ones too), in path order."""
    return sorted((path, value) for path, value in stamps.items() if known.get(path) != text(value))


def seals(found: Found, scanned_at: int) -> dict[str, str | None]:
    """Each folder of content/'s stamps (Found.tops) as one digest, kept with them: the next
    full scan compares file by file only the folders whose seal is not the one kept (at
    100,000 files, reading every stored stamp and comparing each took 0.15 s; marshal and
    a hash take a tenth of that), so a story edited in gulf/ reads gulf/'s stamps alone."""
    return {top: seal(stamps, scanned_at) for top, stamps in found.tops.items()}


def seal(stamps: dict[str, tuple[int, int, int, int]], scanned_at: int) -> str | None:
    """Stamps as one digest; None when a stamp is racy (`stored`): that file is to be read
    again, whatever its stamp."""
    values = stamps.values()
    if values and (
        DANGLING in values
        or max(map(itemgetter(0), values)) >= scanned_at
        or max(map(itemgetter(1), values)) >= scanned_at
    ):
        return None
    # marshal reads back what it wrote, so two scans with one seal have equal stamps
    return hashlib.blake2b(marshal.dumps(stamps), digest_size=20).hexdigest()


def stored(value: tuple, scanned_at: int) -> str:
    """The stamp to keep for a file stamped by a scan that started at `scanned_at` (by the
    file system's clock): "racy" if a later change might not move it."""
    if value == DANGLING or max(value[0], value[1]) >= scanned_at:
        return RACY
    return text(value)


@dataclass
class Found:
    """Content files with their stamps, and what could not be read as one."""

    # `paths`' stamps; `content`'s are in `tops`, by the folder of content/ they are in
    # ("" for content/ itself)
    stamps: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)
    tops: dict[str, dict[str, tuple[int, int, int, int]]] = field(default_factory=dict)
    skipped: list[SiteBuilderError] = field(default_factory=list)
    pictures: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)  # in bundles
    markdown: list[str] = field(default_factory=list)  # *.markdown, not read (a full scan's)


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
    todo = [str(root)]
    start = len(os.path.join(str(root), ""))
    while todo:  # the one loop every build runs over every file: kept tight
        folder = todo.pop()
        try:  # stat'ed by name in the open folder: the kernel walks no path (~8 % quicker)
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        except OSError as exc:
            raise ContentError(
                f"cannot read folder: {exc.strerror}", config.shown(Path(folder))
            ) from None
        prefix = os.path.join(folder, "")
        into = found.tops.setdefault(prefix[start:].partition(os.sep)[0], {})
        try:
            _folder(config, found, prefix, fd, todo, into)
        finally:
            os.close(fd)
    return found


def top_folder(config: SiteConfig, top: str) -> str:
    """The path every content file below a folder of content/ (Found.tops) starts with."""
    return os.path.join(str(config.content_dir), top, "")


def _folder(
    config: SiteConfig, found: Found, prefix: str, fd: int, todo: list[str], stamps: dict
) -> None:
    """One folder's content files (into `stamps`) and pictures stamped, its folders added
    to `todo`."""
    try:
        entries = list(os.scandir(fd))
    except OSError as exc:
        raise ContentError(
            f"cannot read folder: {exc.strerror}", config.shown(Path(prefix))
        ) from None
    for entry in entries:
        name = entry.name
        if name.endswith(".md") and not name.startswith(".#"):
            try:
                st = os.stat(name, dir_fd=fd)
            except OSError:
                _add(config, found, prefix + name, stamps)
                continue
            if st.st_mode & 0o170000 == 0o100000:  # a regular file
                stamps[prefix + name] = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
            else:
                _add(config, found, prefix + name, stamps)
            continue
        if name.endswith(".markdown"):  # build.py names them: they are not read
            found.markdown.append(prefix + name)
        if entry.is_dir(follow_symlinks=False):
            todo.append(prefix + name)
        elif name.lower().endswith(PICTURES):
            try:
                found.pictures[prefix + name] = stamp(os.stat(name, dir_fd=fd))
            except OSError:
                pass  # gone, or a broken link: the article naming it says so


def paths(config: SiteConfig, changed: list[Path]) -> Found:
    """The stamps of these content files alone (a watcher named them); gone ones left out."""
    found = Found()
    for path in changed:
        if os.path.lexists(path):
            _add(config, found, str(path))
    return found


def _add(config: SiteConfig, found: Found, path: str, stamps: dict | None = None) -> None:
    stamps = found.stamps if stamps is None else stamps
    try:
        st = os.stat(path)
    except OSError:
        if os.path.islink(path):  # dangling or looping: the loader reports it
            stamps[path] = DANGLING
        return  # deleted while we looked: as if it were never there
    if not stat.S_ISREG(st.st_mode):
        found.skipped.append(
            ContentError(
                "not a regular file (a FIFO, socket or device?); skipped",
                config.shown(Path(path)),
            )
        )
        return
    stamps[path] = stamp(st)


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
    """Which files of output/ are not as the last build left them (size, mtime), which have
    one link only (not shared with the kept previous site: publish.py), and what the kept
    previous site holds beyond the last build's files (its strays, which a staged publish
    drops from it).

    Stat'ing 12,000 files takes a tenth of a second of a quick build (157,000 files at
    100,000 articles: a second), so a forked child does it from the state file while this
    process scans, plans and renders: the stats first (the stale stage waits for them),
    the strays after (only a staged publish waits for them: the answer of the walk after
    the last swap, strays.walk_later, else a walk of its own). The engine starts it before
    the scan; a build with nothing to do ends it unread (a fork: about a millisecond).
    Where there is no fork (or in watch mode, whose threads make forking unwise) the stats
    are taken here when asked, and the publisher finds the strays itself. The kept site is
    written by builds alone, under the build lock, so nothing lands in it between the
    child's answer and the publish.
    """

    def __init__(self, state: Path | None, output: Path, fork: bool, trust: bool = False):
        """`trust`: take output/ as left without looking (watch, between its own builds)."""
        self.state, self.output = state, str(output)
        self.pid = 0
        self.answers: IO[bytes] | None = None  # the child's pipe
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
                with os.fdopen(write, "wb") as out:
                    self._answer(out)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self.pid, self.answers = pid, os.fdopen(read, "rb")

    def _answer(self, out: BinaryIO) -> None:
        """One line of JSON for `result`, then one for `strays`."""
        assert self.state is not None  # forked only with a state file (__init__)
        with read_only(self.state) as db:
            rows = db.execute("SELECT path, size, mtime FROM outputs").fetchall()
            row = db.execute("SELECT value FROM meta WHERE name = 'publisher'").fetchone()
        publisher = json.loads(row[0]) if row else None
        walk = publisher.get("walk") if isinstance(publisher, dict) else None
        out.write(json.dumps(self.look(rows)).encode() + b"\n")
        out.flush()
        out.write(json.dumps(self.kept_strays({row[0] for row in rows}, walk)).encode() + b"\n")

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

    def kept_strays(self, files: set[str], walk: str | None) -> tuple[int, list[str]] | None:
        """(inode, strays) of the kept previous site, if there is one and it held still: as
        the walk after its swap (`walk`, strays.walk_later) found them, else walked here."""
        kept = previous_site(Path(self.output))
        try:
            before = kept.lstat()
            found = None
            if stat.S_ISDIR(before.st_mode):
                found = walked(self.state.parent, walk) if self.state else None
                found = strays(str(kept), files) if found is None else found
            after = kept.lstat().st_ino
        except OSError:
            return None
        return (after, found) if found is not None and after == before.st_ino else None

    def result(self, rows: Callable[[], list[tuple[str, int, int]]]) -> tuple[set, set]:
        """(files not as left, files with one link); `rows` lists the outputs to look at
        when the child could not."""
        if self.answer is None and self.pid:
            self.answer = self._read()
        if self.answer is None:
            self.answer = self.look(rows())
        return set(self.answer[0]), set(self.answer[1])

    def strays(self) -> tuple[int, set[str]] | None:
        """The kept previous site's inode and strays, as the child found them after its
        stats; None when it did not (the publisher then walks the site itself)."""
        kept = self._read() if self.answer is not None and self.pid else None
        self.close()
        return (kept[0], set(kept[1])) if kept else None

    def _read(self) -> Any:
        """The child's next line; None, and the child ended, if it has none."""
        try:
            line = self.answers.readline() if self.answers is not None else b""
            if line.endswith(b"\n"):  # written whole: a child killed mid-line wrote no newline
                return json.loads(line)
        except (OSError, ValueError):
            pass
        self.close()
        return None

    def close(self) -> None:
        """End the child, asked or not (a build that failed or had nothing to do)."""
        if self.pid:
            try:
                if self.answers is not None:
                    self.answers.close()
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
            self.pid, self.answers = 0, None
