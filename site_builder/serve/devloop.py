"""`watch` and `serve`: build once, then rebuild on every settled burst of changes.

The loop owns no build logic: it is handed a `rebuild(changed)` function, prints one line
per rebuild, and survives every failure, so an editor's typo never stops it.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from site_builder.config import SiteConfig
from site_builder.engine.pipeline import Engine
from site_builder.errors import SiteBuilderError
from site_builder.serve import livereload, server
from site_builder.serve.watch import Watcher, describe

log = logging.getLogger("site_builder")

Rebuild = Callable[[set[Path] | None], str]


def rebuild_once(
    rebuild: Rebuild,
    changed: set[Path] | None,
    root: Path,
    broadcaster: livereload.Broadcaster | None = None,
) -> bool:
    """Run one rebuild, print its one-line outcome, tell the browser; never raise."""
    what = "initial build" if changed is None else describe(changed, root)
    started = time.perf_counter()
    try:
        summary = rebuild(changed)
    except SiteBuilderError as exc:
        message = str(exc)
    except Exception as exc:
        message = f"{what}: internal error: {type(exc).__name__}: {exc}"
    else:
        ms = (time.perf_counter() - started) * 1000
        log.info("%s -> %s in %.0f ms", what, summary, ms)
        if broadcaster:
            broadcaster.publish_ok()
        return True
    log.error("%s\n%s -> build failed; the last good site stays in place", message, what)
    if broadcaster:
        broadcaster.publish_error(message)
    return False


def loop(
    watcher: Watcher,
    rebuild: Rebuild,
    root: Path,
    broadcaster: livereload.Broadcaster | None = None,
) -> None:
    """Rebuild on every settled burst of changes until the watcher stops or Ctrl-C."""
    for changed in watcher.changes():
        rebuild_once(rebuild, changed, root, broadcaster)


def make_rebuild(
    config: SiteConfig, drafts: bool, reload_config: Callable[[], SiteConfig] | None = None
) -> Rebuild:
    """The engine's build, writing in place; the engine lives as long as the loop."""
    engine = Engine(config, drafts=drafts, in_place=True, reload_config=reload_config)

    def rebuild(changed: set[Path] | None) -> str:
        summary = engine.build(changed)
        log.debug("stages: %s", summary.stages)
        return summary.account

    return rebuild


def run_watch(
    config: SiteConfig, drafts: bool = False, reload_config: Callable[[], SiteConfig] | None = None
) -> int:
    """`site-builder watch`: build, then rebuild on change until Ctrl-C."""
    rebuild = make_rebuild(config, drafts, reload_config)
    watcher = Watcher(config)
    watcher.start()  # before the first build, so that no save in between is missed
    try:
        rebuild_once(rebuild, None, config.root)
        log.info("watching %s for changes (Ctrl-C to stop)", _watched(config))
        loop(watcher, rebuild, config.root)
    except KeyboardInterrupt:
        log.info("stopped")
    finally:
        watcher.stop()
    return 0


def run_serve(
    config: SiteConfig,
    drafts: bool = False,
    host: str = "127.0.0.1",
    port: int = 8000,
    reload_config: Callable[[], SiteConfig] | None = None,
) -> int:
    """`site-builder serve`: watch, and serve output/ with live reload."""
    broadcaster = livereload.Broadcaster()
    try:
        http, thread = server.start(config.output_dir, config.base_path, host, port, broadcaster)
    except OSError as exc:
        raise SiteBuilderError(
            f"cannot listen on {host}:{port}: {exc.strerror}; try another --port"
        ) from None
    config = served_config(config, http.url)
    if reload_config:
        reload = reload_config
        reload_config = lambda: served_config(reload(), http.url)  # noqa: E731
    rebuild = make_rebuild(config, drafts, reload_config)
    watcher = Watcher(config)
    watcher.start()  # before the first build, so that no save in between is missed
    try:
        rebuild_once(rebuild, None, config.root, broadcaster)
        log.info("serving %s (Ctrl-C to stop)", http.url)
        loop(watcher, rebuild, config.root, broadcaster)
    except KeyboardInterrupt:
        log.info("stopped")
    finally:
        watcher.stop()
        server.stop(http, thread)
    return 0


LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def served_config(config: SiteConfig, served_url: str) -> SiteConfig:
    """The configuration `serve` builds with: a base_url on this machine (the built-in
    default, or any 127.0.0.1/localhost one) becomes the address served, so canonical
    links and feeds work in the preview; a real site's base_url is kept."""
    if urlsplit(config.base_url).hostname not in LOCAL_HOSTS:
        return config
    return dataclasses.replace(config, base_url=served_url)


def _watched(config: SiteConfig) -> str:
    names = [p.name + "/" for p in config.source_folders]
    return ", ".join(names + ["site.toml"])
