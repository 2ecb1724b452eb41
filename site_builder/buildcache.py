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
from typing import TYPE_CHECKING

from site_builder import __version__, quickbuild, survey
from site_builder.atomic import write_atomic
from site_builder.config import SiteConfig

if TYPE_CHECKING:
    from site_builder.incremental import IncrementalBuilder

log = logging.getLogger("site_builder")

STATE_FILE = "build-state.pickle"
FORMAT = 4


def code_key() -> str:
    """What the code is: a change to any module of the package invalidates the cache."""
    package = Path(__file__).resolve().parent
    parts = [__version__, str(FORMAT)]
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".toml"):
            st = path.stat()
            parts.append(f"{path.relative_to(package)}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


def cache_key(config: SiteConfig, drafts: bool) -> tuple:
    """The code, configuration and drafts flag a cache was made for."""
    return (code_key(), repr(config), drafts)


def restore(config: SiteConfig, drafts: bool, key: tuple) -> IncrementalBuilder:
    """A builder primed with the last build's state, or a fresh one if it cannot be trusted."""
    from site_builder.incremental import IncrementalBuilder

    builder = IncrementalBuilder(config, drafts=drafts, keep_previous=True)
    outline = quickbuild.load(config, key)
    if outline is not None:  # it knows output/ as the latest build (maybe a quick one) left it
        builder.publisher.adopt(outline.publisher)
    path = config.cache_dir / STATE_FILE
    try:
        with path.open("rb") as handle:
            state = pickle.load(handle)  # noqa: S301 - our own file, in the site's cache folder
    except FileNotFoundError:
        return builder
    except Exception as exc:  # noqa: BLE001 - any unreadable cache is simply not used
        log.debug("build cache %s unreadable (%s); building from scratch", path, exc)
        return builder
    if not isinstance(state, dict) or state.get("key") != key:
        log.debug("build cache %s is stale; building from scratch", path)
        return builder
    builder.adopt(state["builder"], _intact(config.output_dir, state["stamps"]))
    return builder


def save(builder: IncrementalBuilder, key: tuple, theme: str) -> None:
    """Write the builder's state and the site's outline after a successful build; never
    fail the build over it."""
    config = builder.config
    path = config.cache_dir / STATE_FILE
    stamps = survey.output_stamps(config.output_dir, builder.publisher.published)
    state = {"key": key, "builder": builder.state(),
             "stamps": {page: stamps[page] for page in builder.pages if page in stamps}}
    try:
        for stale in path.parent.glob(".*.tmp"):  # left by a killed build
            stale.unlink(missing_ok=True)
        write_atomic(path, pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL), durable=False)
    except OSError as exc:
        log.warning("%s: cannot write the build cache: %s", path, exc.strerror)
        return
    quickbuild.save(config, quickbuild.outline_of(builder, key, theme, stamps))


def _intact(output: Path, stamps: dict[str, tuple[int, int]]) -> set[str]:
    """The page files still exactly as the last build left them."""
    found = survey.output_stamps(output, set(stamps))
    return {page for page, stamp in stamps.items() if found.get(page) == stamp}
