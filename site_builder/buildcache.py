"""The persistent build cache: `site-builder build` picks up where the last build left off.

After a successful build the incremental builder's state (articles by file stat, their
HTML, every page's fingerprint, the feeds and sitemap) is pickled into the cache folder,
with the stat of every page it wrote. The next build restores it, so only what changed is
parsed and rendered; unchanged pages are hard-linked from the current output/ into the
staging folder (their modification times stay, which hosts' sync tools rely on) and the
folder is swapped in as always. The cache is trusted only when the code, the configuration
and the page files on disk are exactly as they were; anything else is a clean build.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from pathlib import Path

from site_builder import __version__
from site_builder.atomic import write_atomic
from site_builder.config import SiteConfig
from site_builder.incremental import IncrementalBuilder

log = logging.getLogger("site_builder")

STATE_FILE = "build-state.pickle"
FORMAT = 2


def code_key() -> str:
    """What the code is: a change to any module of the package invalidates the cache."""
    package = Path(__file__).resolve().parent
    parts = [__version__, str(FORMAT)]
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".toml"):
            st = path.stat()
            parts.append(f"{path.relative_to(package)}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


def restore(config: SiteConfig, drafts: bool) -> IncrementalBuilder:
    """A builder primed with the last build's state, or a fresh one if it cannot be trusted."""
    builder = IncrementalBuilder(config, drafts=drafts, keep_previous=True)
    path = config.cache_dir / STATE_FILE
    try:
        with path.open("rb") as handle:
            state = pickle.load(handle)  # noqa: S301 - our own file, in the site's cache folder
    except FileNotFoundError:
        return builder
    except Exception as exc:  # noqa: BLE001 - any unreadable cache is simply not used
        log.debug("build cache %s unreadable (%s); building from scratch", path, exc)
        return builder
    expected = (code_key(), repr(config), drafts)
    if not isinstance(state, dict) or state.get("key") != expected:
        log.debug("build cache %s is stale; building from scratch", path)
        return builder
    builder.adopt(state["builder"], _intact(config.output_dir, state["stamps"]))
    return builder


def save(builder: IncrementalBuilder) -> None:
    """Write the builder's state after a successful build; never fail the build over it."""
    config = builder.config
    path = config.cache_dir / STATE_FILE
    state = {"key": (code_key(), repr(config), builder.drafts),
             "builder": builder.state(),
             "stamps": _stamps(config.output_dir, builder.pages)}
    try:
        for stale in path.parent.glob(f".{path.name}.*.tmp"):  # left by a killed build
            stale.unlink(missing_ok=True)
        write_atomic(path, pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL), durable=False)
    except OSError as exc:
        log.warning("%s: cannot write the build cache: %s", path, exc.strerror)


def _stamps(output: Path, pages: dict) -> dict[str, tuple[int, int]]:
    """Size and modification time of every page file as published."""
    stamps = {}
    for relpath in pages:
        try:
            st = (output / relpath).stat()
        except OSError:
            continue
        stamps[relpath] = (st.st_size, st.st_mtime_ns)
    return stamps


def _intact(output: Path, stamps: dict[str, tuple[int, int]]) -> set[str]:
    """The page files still exactly as the last build left them."""
    intact = set()
    for relpath, stamp in stamps.items():
        try:
            st = (output / relpath).stat()
        except OSError:
            continue
        if (st.st_size, st.st_mtime_ns) == stamp:
            intact.add(relpath)
    return intact
