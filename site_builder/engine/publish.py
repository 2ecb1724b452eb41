"""Putting a build's files into output/: the only code that writes there.

Two ways, one rule (every file written to a temporary name, then renamed into place):

- staged (`build`): the new site is put together in a staging folder next to output/ and
  swapped in with one atomic exchange (Linux renameat2), so a failed or killed build
  leaves output/ exactly as it was. The staging folder starts as the site the last build
  replaced, kept as `.<output>.previous` with hard links to the unchanged files; it is
  brought up to date by writing only what differs from output/ (`lag`: what the last build
  changed, plus this build's changes). A previous site that is not exactly as left (its
  folder replaced, a file deleted from it: an unchanged file of output/ then has one link,
  not two) is not used: the staging folder is filled from output/ by hard links instead.
  Whatever else the previous site holds (a file someone dropped into output/ before it was
  swapped aside, an empty or linked folder: its `strays`) is dropped from the staging
  folder too, or it would be published again. Those are found by a walk of the kept site
  in a process of its own, started right after the swap that kept it (strays.py); the
  next build's output check takes its answer, and only where there is none does a build
  walk the folder itself. There is no race with the walk: the kept site is hidden and
  written by builds alone, under the build lock, and a build waits for the walk before it
  touches the folder; a file dropped into output/ during a build is swapped into the kept
  site and found by the walk after that swap. (Someone writing into `.<output>.previous`
  by hand is not guarded against, as no changed file there is.)
- in place (`watch`/`serve`): deleted files first, then each changed file renamed over the
  old one, where the server sees it at once.

output/ itself is marked with a `.site_builder` file; a folder that is neither empty nor
marked (nor an earlier build of this tool) is never replaced, nor is a file.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import shutil
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from pathlib import Path

from site_builder import urls
from site_builder.atomic import write_atomic
from site_builder.config import SiteConfig
from site_builder.engine import search
from site_builder.engine.strays import strays, walk_later, walked
from site_builder.errors import SiteBuilderError

log = logging.getLogger("site_builder")

MARKER = urls.OUTPUT_MARKER  # "this folder is a site built by site-builder"
MARKER_TEXT = b"Built by site-builder; the next build replaces this folder.\n"
KEEP = (".gitkeep",)  # placeholders under version control survive a rebuild


def previous_site(output: Path) -> Path:
    """Where a staged publish keeps the site it replaced."""
    output = output.resolve()
    return output.parent / f".{output.name}.previous"


@contextlib.contextmanager
def lock(config: SiteConfig) -> Iterator[None]:
    """One build of a site at a time; the second waits and says for whom."""
    output = config.output_dir.resolve()
    config.cache_dir.mkdir(parents=True, exist_ok=True)
    with open(config.cache_dir / "build.lock", "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().decode("ascii", "replace").strip() or "another process"
            log.warning("%s: waiting for the build in process %s to finish", output.name, holder)
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()).encode())
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


class Spool(Mapping[str, bytes]):
    """A build's changed files, written as they are rendered (by the forked workers too)
    into a folder beside output/ (named as a staging folder, so a killed build's is
    removed by the next), until the publish puts them in place: no process of a build
    holds more than the page it renders, whatever the size of the site.

    The folder is made by open(), before the workers fork; `check`: only beside an
    output/ this tool may replace (check_replaceable)."""

    def __init__(self, output: Path, check: bool = True):
        self.output, self.check = output.resolve(), check
        self.folder = self.output.parent / f".{self.output.name}.staging-{os.getpid()}.spool"
        self.made = False
        self.names: dict[str, Path] = {}  # file of the site -> where its bytes are

    def open(self) -> None:
        if not self.made:
            if self.check:
                check_replaceable(self.output)
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder.mkdir(parents=True)
            self.made = True

    def write(self, number: int, data: bytes) -> Path:
        """The bytes of the build's output `number`, into the open folder."""
        written = self.folder / str(number)
        _write(written, data)
        return written

    def add(self, path: str, written: Path) -> None:
        """The file of the site whose bytes write() put there."""
        self.names[path] = written

    def file(self, path: str) -> Path:
        return self.names[path]

    def __getitem__(self, path: str) -> bytes:
        return self.names[path].read_bytes()

    def __contains__(self, path: object) -> bool:
        return path in self.names  # (Mapping's would read the file)

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)

    def close(self) -> None:
        if self.made:
            shutil.rmtree(self.folder, ignore_errors=True)
        self.names, self.made = {}, False


def _put(changed: Mapping[str, bytes], path: str, target: Path | str) -> None:
    """A changed file into a staging folder: linked from the spool (which the fallback to
    a fresh folder may need again), else written."""
    if not isinstance(changed, Spool):
        _write(target, changed[path])
        return
    try:
        os.link(changed.file(path), target)
    except OSError:
        try:
            shutil.copy2(changed.file(path), target)
        except OSError as exc:
            raise write_error(target, exc) from None


class SiteFiles:
    """The files of the site a staged publish puts in place, as it asks for them: which of
    a few paths are among them (the files it brings up to date), or every one (a new
    folder, a walk of the kept site)."""

    def __init__(self, files: set[str]):
        self._files = files

    def among(self, paths: Iterable[str]) -> set[str]:
        return self._files.intersection(paths)

    def every(self) -> set[str]:
        return self._files

    def reader(self) -> Callable[[], Collection[str]]:
        """How the walk after the swap, a process of its own, gets every file: any later
        build's files will do (the kept site differs from any of them only in files
        that build changes or removes, and the next staged publish goes over those)."""
        return self.every


class Publisher:
    """Keeps output/ equal to the latest build's files."""

    def __init__(self, config: SiteConfig, state: dict | None):
        self.config = config
        self.output = config.output_dir.resolve()
        state = state or {}
        # (inode of the kept previous site, inode of output/) as the last publish left them
        self.previous: list[int] | None = state.get("previous")
        self.lag: set[str] = set(state.get("lag", ()))  # files where the two differ
        self.walk: str | None = state.get("walk")  # the token of the walk after that swap

    def state(self) -> dict:
        return {"previous": self.previous, "lag": sorted(self.lag), "walk": self.walk}

    def staged(
        self,
        site: SiteFiles,
        changed: Mapping[str, bytes],
        removed: set[str],
        shared: bool,
        keep: bool = True,
        seen: tuple[int, set[str]] | None = None,
    ) -> None:
        """Swap in a new output/ holding `site`: `changed` written, the rest linked from
        output/. `shared` says the unchanged files of output/ are all still linked into
        the previous site (their link counts said so); `keep` False drops the old site.
        `seen`: the kept previous site's strays as this build's check found them (the
        folder's inode, the paths), so that it need not be walked here."""
        check_replaceable(self.output)
        parent = self.output.parent
        parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(parent, self.output.name, changed)
        previous = self._previous() if shared else None
        staging = parent / f".{self.output.name}.staging-{os.getpid()}"
        try:
            try:
                self._fill(staging, previous, site, changed, removed, seen)
            except SiteBuilderError as exc:
                if previous is None:
                    raise
                log.warning("%s: %s; building the folder afresh", previous, exc)
                shutil.rmtree(staging, ignore_errors=True)
                self._fill(staging, None, site, changed, removed)
            _mark(staging, self.output)
            search.index(self.config, staging)
            kept = _swap(staging, self.output, keep)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            self.previous = self.walk = None
            raise
        if kept is not None:
            self.lag = set(changed) | removed
            self.previous = [kept.lstat().st_ino, self.output.lstat().st_ino]
            self.walk = walk_later(self.config.cache_dir, kept, site.reader())
        else:
            self.previous, self.lag, self.walk = None, set(), None

    def _fill(
        self,
        staging: Path,
        previous: Path | None,
        site: SiteFiles,
        changed: Mapping[str, bytes],
        removed: set[str],
        seen: tuple[int, set[str]] | None = None,
    ) -> None:
        """The staging folder: the previous site brought up to date, or a new folder."""
        if previous is not None:
            found = self._strays(previous, site, seen)  # before the rename: a walk may run
            previous.rename(staging)  # killed from here on, it is a stale staging folder
            todo = self.lag | set(changed) | removed | found
            _update(staging, self.output, sorted(todo), site.among(todo), changed)
        else:
            shutil.rmtree(previous_site(self.output), ignore_errors=True)
            staging.mkdir()
            _fill_new(staging, self.output, site.every(), changed)
        _keep_placeholders(staging, self.output)

    def _strays(self, kept: Path, site: SiteFiles, seen: tuple[int, set[str]] | None) -> set[str]:
        """What the kept site holds beyond the site: as the build's check found it, else as
        the walk after its swap found it, else (no check ran, or it found another folder;
        no walk answered) walked here."""
        if seen is not None and self.previous is not None and seen[0] == self.previous[0]:
            return seen[1]
        found = walked(self.config.cache_dir, self.walk)
        return set(found if found is not None else strays(str(kept), site.every()))

    def in_place(self, changed: Mapping[str, bytes], removed: set[str]) -> None:
        """Replace changed files in output/ and delete removed ones (deleted first: once a
        page stops listing an article, the article's page is gone). Every changed file is
        written before anything in output/ is touched, so a write that fails (a full disk,
        a name too long) leaves the served site as it was."""
        incoming, pairs = _write_incoming(self.output, changed)
        try:
            for path in sorted(removed):
                target = _inside(self.output, path)
                target.unlink(missing_ok=True)
                _prune_empty(target.parent, self.output)
            for target, written in pairs:
                target.parent.mkdir(parents=True, exist_ok=True)
                with contextlib.suppress(FileNotFoundError):  # an existing file keeps its mode
                    os.chmod(written, target.stat().st_mode & 0o777)
                os.replace(written, target)
        finally:
            if incoming is not None:
                shutil.rmtree(incoming, ignore_errors=True)
        if changed or removed:
            search.index(self.config, self.output)
        self.lag |= set(changed) | removed  # the previous site no longer differs only there

    def _previous(self) -> Path | None:
        """The site output/ replaced last time, if it is as that build left it."""
        if self.previous is None:
            return None
        folder = previous_site(self.output)
        try:
            found = [folder.lstat().st_ino, self.output.lstat().st_ino]
        except OSError:
            return None
        return folder if found == self.previous else None


def _write_incoming(
    output: Path, changed: Mapping[str, bytes]
) -> tuple[Path | None, list[tuple[Path, Path]]]:
    """Each changed file written into a folder beside output/ (named as a staging folder,
    so a killed build's is removed by the next): the folder and (target, written) pairs;
    on a failure, nothing is left. A spool's files are written already (its owner
    removes them)."""
    if isinstance(changed, Spool):
        return None, [(_inside(output, path), changed.file(path)) for path in sorted(changed)]
    incoming = output.parent / f".{output.name}.staging-{os.getpid()}.incoming"
    shutil.rmtree(incoming, ignore_errors=True)
    incoming.mkdir()
    pairs = []
    try:
        for n, (path, data) in enumerate(sorted(changed.items())):
            pairs.append((_inside(output, path), incoming / str(n)))
            _write(pairs[-1][1], data)
    except BaseException:
        shutil.rmtree(incoming, ignore_errors=True)
        raise
    return incoming, pairs


def _update(
    staging: Path, output: Path, todo: list[str], site: set[str], changed: Mapping[str, bytes]
) -> None:
    """Bring a kept previous site (now the staging folder) to the new site for these paths
    (`site`: those of them the site has).
    Its folders may be links someone put into output/ before it was swapped aside: a path
    through one is refused (the caller then fills a new folder), each folder looked at
    once (a resolve per file was a fifth of a whole-site update)."""
    into, source = f"{staging}/", f"{output}/"
    no_link: dict[str, bool] = {"": True}  # folder below staging -> none on its way is a link
    made: set[str] = set()
    for path in todo:
        normal = _normal(path)
        folder, target = normal.rpartition("/")[0], into + normal
        if not _linkless(into, folder, no_link):
            raise SiteBuilderError(f"refusing to write outside the output folder: {path}")
        _unlink(target)  # it may be a hard link into output/: never write through it
        if path not in site:
            _prune_empty(Path(target).parent, staging)
            continue
        if folder not in made:
            os.makedirs(into + folder, exist_ok=True)
            made.add(folder)
        if path in changed:
            _put(changed, path, target)
        else:
            _link(source + path, target)


def _linkless(root: str, folder: str, known: dict[str, bool]) -> bool:
    """Whether no folder from root down to root + folder is a link (even one that stays
    inside: a page written through it would overwrite another)."""
    if folder not in known:
        parent = folder.rpartition("/")[0]
        known[folder] = _linkless(root, parent, known) and not os.path.islink(root + folder)
    return known[folder]


def _fill_new(staging: Path, output: Path, site: set[str], changed: Mapping[str, bytes]) -> None:
    """An empty new staging folder filled with the site: the changed files put, the rest
    linked from output/. Each folder below it is made here, parents first, so none is a
    link and a path whose text stays inside cannot lead out: no resolve and no Path per
    file (a fifth of the time it took; the kernel's mkdir calls are the rest)."""
    paths = sorted((_normal(path), path) for path in site)
    into, source = f"{staging}/", f"{output}/"
    for folder in _folders(normal for normal, _ in paths):
        try:
            os.mkdir(into + folder)
        except OSError as exc:
            raise write_error(into + folder, exc) from None
    for normal, path in paths:
        if path in changed:
            _put(changed, path, into + normal)
        else:
            _link(source + path, into + normal)


def _folders(paths: Iterable[str]) -> list[str]:
    """Every folder the paths lie in, each once, parents before children (a path's
    parent is a prefix of it, and sorts first)."""
    found: set[str] = set()
    for path in paths:
        folder = path.rpartition("/")[0]
        while folder and folder not in found:
            found.add(folder)
            folder = folder.rpartition("/")[0]
    return sorted(found)


def _link(source: Path | str, target: Path | str) -> None:
    """An unchanged file into a staging folder: a link keeps its mtime; copied where the
    file system has no hard links (or output/ is another one)."""
    try:
        os.link(source, target)
    except FileExistsError as exc:  # a folder of the site has the file's name
        raise write_error(target, exc) from None
    except OSError:
        shutil.copy2(source, target)


def _keep_placeholders(staging: Path, output: Path) -> None:
    """.gitkeep files of output/ (not of the site) carried into the new one."""
    for name in KEEP:
        kept = output / name
        if kept.is_file() and not (staging / name).exists():
            shutil.copy2(kept, staging / name)


def _mark(staging: Path, output: Path) -> None:
    """The marker that says a folder is a built site; linked, so its mtime stays."""
    marker = staging / MARKER
    if marker.is_file():
        return
    try:
        os.link(output / MARKER, marker)
    except OSError:
        marker.write_bytes(MARKER_TEXT)


def write_file(path: Path, data: bytes) -> None:
    """Write a file of the site atomically (temporary file, then rename); one-line errors."""
    try:
        write_atomic(path, data, durable=False)  # rebuildable output: no fsync
    except OSError as exc:
        raise write_error(path, exc) from None


def _write(path: Path | str, data: bytes) -> None:
    """A new file in a staging folder that nobody reads yet: written directly."""
    try:
        with open(path, "wb") as out:
            out.write(data)
    except OSError as exc:
        raise write_error(path, exc) from None


def write_error(path: Path | str | None, exc: OSError) -> SiteBuilderError:
    """An OSError from writing the site, as one line that says what to do about it."""
    reason = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is used up",
        errno.ENAMETOOLONG: "a file name is too long for the file system",
        errno.EACCES: "permission denied",
        errno.EROFS: "the file system is read-only",
    }.get(exc.errno or 0, exc.strerror or str(exc))
    return SiteBuilderError(f"cannot write: {reason}", path)


def _swap(staging: Path, output: Path, keep: bool) -> Path | None:
    """Put the staging folder in place of output/; return where the old site is kept."""
    previous = previous_site(output)
    if output.is_dir() and _exchange(staging, output):
        # One atomic step: output/ is the old site or the new one at every instant.
        # (No kept site is in the way: Publisher._fill used it up or removed it.)
        if not keep:
            shutil.rmtree(staging, ignore_errors=True)
            return None
        staging.rename(previous)
        return previous
    old = output.parent / f".{output.name}.old-{os.getpid()}"
    if output.exists():
        output.rename(old)
    # Killed here, output/ is missing: the next build puts the old one back.
    staging.rename(output)
    shutil.rmtree(old, ignore_errors=True)
    return None


def check_replaceable(output: Path) -> None:
    """Refuse to replace what is not a site this tool built: a file, the user's own folders."""

    def refuse(why: str) -> SiteBuilderError:
        return SiteBuilderError(
            f"refusing to replace {output} with the built site: {why}; choose another --output"
        )

    cwd = Path.cwd().resolve()
    if output == Path(output.anchor) or output == Path.home() or cwd.is_relative_to(output):
        raise refuse("it is the file system root, the home folder or holds the working directory")
    if output.exists() and not output.is_dir():
        raise refuse("it is a file, not a folder")
    if not output.is_dir() or (output / MARKER).is_file():
        return
    # Only the marker says a folder is ours: any index.html and feeds.opml do not, and the
    # next build would delete whatever else is there.
    names = set(os.listdir(output)) - set(KEEP)
    if names:
        raise refuse(
            f"it holds files this tool did not build (such as {sorted(names)[0]}) "
            f"and no {MARKER} marker"
        )


def _inside(root: Path, relpath: str, check: bool = True) -> Path:
    """The file for relpath below root; never a path outside it, even through a link."""
    path = root / _normal(relpath)
    if check:
        try:
            parent = path.parent.resolve()
        except (OSError, RuntimeError):
            parent = None
        if parent is None or not parent.is_relative_to(root.resolve()):
            raise SiteBuilderError(f"refusing to write outside the output folder: {relpath}")
    return path


def _normal(relpath: str) -> str:
    """relpath without `.`, `..` or doubled slashes: refused if that leaves the folder."""
    normal = os.path.normpath(relpath)
    if normal.startswith(("/", "../")) or normal in (".", ".."):
        raise SiteBuilderError(f"refusing to write outside the output folder: {relpath}")
    return normal


def _prune_empty(folder: Path, root: Path) -> None:
    """Remove folder and its parents below root, as long as they are empty."""
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            break
        folder = folder.parent


def _unlink(path: Path | str) -> None:
    try:
        os.unlink(path)
    except (FileNotFoundError, NotADirectoryError):  # gone, or its folder is now a file
        pass
    except IsADirectoryError:
        shutil.rmtree(path)


def _remove_stale(parent: Path, name: str, changed: Mapping[str, bytes] | None = None) -> None:
    """Delete staging and old folders that a killed build left behind (not this build's
    spool, if `changed` is one).

    A build killed between the two renames of _swap() leaves no output/ but an old-*
    folder holding the last published site: that one is put back, not deleted.
    """
    if not (parent / name).exists():
        for old in sorted(parent.glob(f".{name}.old-*")):
            log.warning("%s: restoring the site a killed build had moved aside", parent / name)
            old.rename(parent / name)
            break
    spared = changed.folder if isinstance(changed, Spool) else None
    for stale in sorted(parent.glob(f".{name}.staging-*")) + sorted(parent.glob(f".{name}.old-*")):
        if stale == spared:
            continue
        log.debug("removing %s left by an interrupted build", stale)
        shutil.rmtree(stale, ignore_errors=True)


_RENAME_EXCHANGE = 2  # linux/fs.h


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically (Linux renameat2); False where the system cannot."""
    import ctypes  # here: only a swap needs it (~2 ms measured)

    try:
        renameat2 = ctypes.CDLL(None).renameat2
    except (OSError, AttributeError):
        return False
    at_cwd = -100  # AT_FDCWD: both paths are absolute anyway
    return renameat2(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), _RENAME_EXCHANGE) == 0
