"""Watch the site's sources with a watchdog observer and call `rebuild` once per burst.

The watchdog callback only records paths and signals; the loop waits for the burst to
settle (an editor's atomic save, a `git checkout`, an import writing many files) and then
calls the rebuild function it was given. What counts as a relevant change is decided by
`is_relevant`, a pure function with its own tests.
"""

from __future__ import annotations

import fnmatch
import logging
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import ObservedWatch

from site_builder.config import SiteConfig

log = logging.getLogger("site_builder")

# Editor swap, backup and lock files; vim's write test file is literally named 4913.
IGNORED_NAMES = (
    "*.swp",
    "*.swx",
    "*.swo",
    "*.swpx",
    "*~",
    ".#*",
    "#*#",
    "4913",
    ".DS_Store",
    "*.tmp",
    ".*.tmp",
    "*.part",
    ".git",
)
# Events that mean content may have changed; opened/closed-without-write/attrib do not.
CHANGE_EVENTS = frozenset({"created", "modified", "deleted", "moved", "closed"})


def is_relevant(path: Path, config: SiteConfig) -> bool:
    """True if a change at `path` can change the built site."""
    path = Path(path)
    for excluded in (config.output_dir, config.cache_dir):
        if path == excluded or path.is_relative_to(excluded):
            return False
    if any(fnmatch.fnmatch(part, pattern) for part in path.parts[-3:] for pattern in IGNORED_NAMES):
        return False
    if config.config_path is not None and path == config.config_path.resolve():
        return True
    if path.name == "site.toml" and path.parent == config.root:
        return True
    return any(path == d or path.is_relative_to(d) for d in config.source_folders)


class _Collector(FileSystemEventHandler):
    """Records relevant changed paths and wakes the loop; does no work itself."""

    def __init__(self, config: SiteConfig, on_new_dir: Callable[[Path], None]):
        self.config = config
        self.on_new_dir = on_new_dir
        self.lock = threading.Lock()
        self.changed: set[Path] = set()
        self.wake = threading.Event()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in CHANGE_EVENTS:
            return
        if event.is_directory and event.event_type in ("modified", "closed"):
            return  # a folder "changes" whenever a file in it does; the file event says more
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if not raw:
                continue
            path = Path(raw.decode() if isinstance(raw, bytes) else raw)
            if event.is_directory and event.event_type in ("created", "moved"):
                self.on_new_dir(path)
            if is_relevant(path, self.config):
                with self.lock:
                    self.changed.add(path)
                self.wake.set()

    def take(self) -> set[Path]:
        """Return and forget the paths changed so far."""
        with self.lock:
            changed, self.changed = self.changed, set()
            self.wake.clear()
            return changed


class Watcher:
    """A watchdog observer over the site's sources that coalesces bursts of events."""

    def __init__(self, config: SiteConfig, settle: float = 0.05, max_wait: float = 2.0):
        self.config = config
        self.settle = settle
        self.max_wait = max_wait
        self.observer = Observer()
        self.collector = _Collector(config, self._maybe_watch)
        self.watched: dict[Path, ObservedWatch] = {}
        self.watch_lock = threading.Lock()
        self.stopping = threading.Event()

    def start(self) -> None:
        """Start observing: the site root (for site.toml and folders that appear) and sources."""
        self.observer.schedule(self.collector, str(self.config.root), recursive=False)
        for folder in self.config.source_folders:
            self._maybe_watch(folder, announce=False)
        self.observer.start()

    def _maybe_watch(self, path: Path, announce: bool = True) -> None:
        """Watch a source folder recursively once it exists (it may appear later)."""
        path = Path(path)
        with self.watch_lock:
            if path not in self.config.source_folders or path in self.watched or not path.is_dir():
                return
            self.watched[path] = self.observer.schedule(self.collector, str(path), recursive=True)
        if not announce:
            return
        with self.collector.lock:
            self.collector.changed.add(path)
        self.collector.wake.set()

    def _forget_gone(self) -> None:
        """A deleted source folder's watch dies with it; re-arm when it comes back."""
        with self.watch_lock:
            gone = [p for p in self.watched if not p.is_dir()]
            for path in gone:
                self._unschedule(self.watched.pop(path))
        for path in self.config.source_folders:
            self._maybe_watch(path)

    def _unschedule(self, watch: ObservedWatch) -> None:
        try:
            self.observer.unschedule(watch)
        except (KeyError, OSError):  # its emitter may already have died with the folder
            pass

    def changes(self) -> Iterable[set[Path]]:
        """Yield one set of changed paths per settled burst, until stop()."""
        while not self.stopping.is_set():
            if not self.collector.wake.wait(timeout=0.2):
                continue
            started = time.monotonic()
            # Wait until no event arrived for `settle` seconds (bounded by max_wait).
            while time.monotonic() - started < self.max_wait and not self.stopping.is_set():
                self.collector.wake.clear()
                if not self.collector.wake.wait(timeout=self.settle):
                    break
            self._forget_gone()
            changed = self.collector.take()
            if changed and not self.stopping.is_set():
                yield changed

    def stop(self) -> None:
        """Stop the observer thread and wait for it."""
        self.stopping.set()
        self.observer.stop()
        if self.observer.is_alive():
            self.observer.join(timeout=5)


def describe(changed: set[Path], root: Path) -> str:
    """A short human summary of what changed: 'content/a.md' or '3 files'."""
    names = sorted(str(p.relative_to(root)) if p.is_relative_to(root) else str(p) for p in changed)
    return names[0] if len(names) == 1 else f"{len(names)} files ({names[0]}, …)"
