"""The one owner of the output folder: build aside in a staging folder, then swap it in.

Every file goes into a sibling staging folder; a path outside it or written twice is an
error. Only when everything is written does publish() swap it in place of the old output
(one atomic exchange on Linux), so a failed or killed build leaves output/ as it was.

The replaced site may be kept as `.<output>.previous`: a later build that knows how it
differs from output/ (publish.py) starts from it instead of an empty folder, and so
writes only the few files a small change touches instead of linking every file anew.
"""

from __future__ import annotations

import logging
import os
import posixpath
import shutil
from pathlib import Path

from site_builder.errors import SiteBuilderError

log = logging.getLogger("site_builder")

KEEP = (".gitkeep",)  # placeholders under version control survive a rebuild


def previous_site(output: Path) -> Path:
    """Where publish(keep=True) leaves the site it replaced."""
    output = output.resolve()
    return output.parent / f".{output.name}.previous"


class OutputWriter:
    """Collects the files of one build in a staging folder next to the output folder.

    With `reuse`, the staging folder starts as that earlier site (previous_site()) rather
    than empty; the caller then writes, links and deletes only what differs.
    """

    def __init__(self, output: Path, reuse: Path | None = None):
        self.output = output.resolve()
        self.parent = self.output.parent
        self.staging = self.parent / f".{self.output.name}.staging-{os.getpid()}"
        self.written: set[Path] = set()
        self.folders: set[Path] = set()
        self.reused = reuse is not None
        _check_replaceable(self.output)
        self.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(self.parent, self.output.name)
        if reuse is not None:
            reuse.rename(self.staging)  # killed from here on, it is a stale staging folder
        else:
            shutil.rmtree(previous_site(self.output), ignore_errors=True)
            self.staging.mkdir()

    def target(self, relpath: str | Path) -> Path:
        """The staging file for a path below the output root; refuse anything escaping it.

        A new staging folder holds no links (only folders and files this writer made), so
        normalising the path as text is as strict as resolving it on disk. A reused one was
        a published site, which someone may have put a link into: there the folder is
        resolved, and the file unlinked, since it may be a hard link into output/.
        """
        normal = posixpath.normpath(Path(relpath).as_posix())
        if normal.startswith(("/", "../")) or normal in (".", ".."):
            raise SiteBuilderError(f"refusing to write outside the output folder: {relpath}")
        path = self.staging / normal
        if path in self.written:
            raise SiteBuilderError(f"two things want to be written at the same path: {relpath}")
        self.written.add(path)
        if path.parent not in self.folders:
            # Checked before mkdir, which would follow a link and make folders out there.
            if self.reused and not path.parent.resolve().is_relative_to(self.staging.resolve()):
                raise SiteBuilderError(f"refusing to write outside the output folder: {relpath}")
            path.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(path.parent)
        if self.reused:
            _unlink(path)
        return path

    def write(self, relpath: str | Path, data: bytes) -> None:
        """Write one file of the site."""
        self.target(relpath).write_bytes(data)

    def link(self, relpath: str | Path, existing: Path) -> None:
        """Take an unchanged file of the current site as is: a hard link keeps its mtime."""
        path = self.target(relpath)
        try:
            os.link(existing, path)
        except OSError:  # a file system without hard links: copy, keeping the time
            shutil.copy2(existing, path)

    def delete(self, relpath: str) -> None:
        """Remove a file of a reused staging folder, and the folders that leaves empty."""
        prune_empty(self.target(relpath).parent, self.staging)

    def copy_tree(self, source: Path) -> int:
        """Copy a folder of static assets into the site root; return the number of files."""
        count = 0
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            self.write(path.relative_to(source).as_posix(), path.read_bytes())
            count += 1
        return count

    def publish(self, keep: bool = False) -> Path | None:
        """Swap the staging folder in place of the output folder.

        The replaced site is deleted, or with `keep` moved to previous_site() and returned.
        """
        for name in KEEP:
            kept = self.output / name
            if kept.is_file() and not (self.staging / name).exists():
                shutil.copy2(kept, self.staging / name)
        if self.output.is_dir() and _exchange(self.staging, self.output):
            # One atomic step: output/ is the old site or the new one at every instant.
            old = self.staging  # now holds the old site
        else:
            old = self.parent / f".{self.output.name}.old-{os.getpid()}"
            if self.output.exists():
                self.output.rename(old)
            # Killed here, output/ is missing: the next build puts the old one back.
            self.staging.rename(self.output)
        if keep and old.is_dir():
            previous = previous_site(self.output)
            shutil.rmtree(previous, ignore_errors=True)
            old.rename(previous)
            return previous
        shutil.rmtree(old, ignore_errors=True)
        return None

    def discard(self) -> None:
        """Throw the staging folder away after a failed build."""
        shutil.rmtree(self.staging, ignore_errors=True)


def prune_empty(folder: Path, root: Path) -> None:
    """Remove folder and its parents below root, as long as they are empty."""
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            break
        folder = folder.parent


def site_files(root: Path) -> set[str]:
    """Every file below a site folder, as relative POSIX paths."""
    found = set()
    for folder, _, names in os.walk(root):
        prefix = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "" if prefix == "." else prefix + "/"
        found.update(prefix + name for name in names)
    return found


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except IsADirectoryError:
        shutil.rmtree(path)


def _check_replaceable(output: Path) -> None:
    """Refuse to replace a folder that is no built site: --output content would delete articles.

    A built site holds HTML and feeds; a folder holding the sources (site.toml, a git
    repository, Markdown articles) or the working directory itself is never swapped out.
    """
    cwd = Path.cwd().resolve()
    if output == Path(output.anchor) or output == Path.home() or cwd.is_relative_to(output):
        raise SiteBuilderError(f"refusing to replace {output} with the built site: it is the "
                               "file system root, the home folder or holds the working "
                               "directory; choose another --output")
    if not output.is_dir():
        return
    for name in ("site.toml", ".git"):
        if (output / name).exists():
            raise SiteBuilderError(f"refusing to replace {output} with the built site: it holds "
                                   f"{name}, so it is a site's sources; choose another --output")
    article = next(iter(output.glob("*.md")), None) or next(iter(output.glob("*/*.md")), None)
    if article is not None:
        raise SiteBuilderError(f"refusing to replace {output} with the built site: it holds "
                               f"articles such as {article.relative_to(output)}; choose another "
                               "--output")


def _remove_stale(parent: Path, name: str) -> None:
    """Delete staging and old folders that a killed build left behind.

    A build killed between the two renames of publish() leaves no output/ but an old-*
    folder holding the last published site: that one is put back, not deleted.
    """
    if not (parent / name).exists():
        for old in sorted(parent.glob(f".{name}.old-*")):
            pid = old.name.rsplit("-", 1)[-1]
            if pid.isdigit() and not _alive(int(pid)):
                log.warning("%s: restoring the site a killed build had moved aside", parent / name)
                old.rename(parent / name)
                break
    for stale in sorted(parent.glob(f".{name}.staging-*")) + sorted(parent.glob(f".{name}.old-*")):
        pid = stale.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
            continue  # another build is running right now; leave its folder alone
        log.debug("removing %s left by an interrupted build", stale)
        shutil.rmtree(stale, ignore_errors=True)


_RENAME_EXCHANGE = 2  # linux/fs.h


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically (Linux renameat2); False where the system cannot."""
    import ctypes  # here: only a swap needs it, and it costs a quick build's start-up

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_cwd = -100  # AT_FDCWD: both paths are absolute anyway
    done = renameat2(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), _RENAME_EXCHANGE) == 0
    if not done:
        log.debug("atomic exchange unavailable (errno %d): two renames", ctypes.get_errno())
    return done


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True
    return True
