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
from site_builder.engine import buildstatus
from site_builder.engine.pipeline import Engine
from site_builder.errors import SiteBuilderError
from site_builder.serve import livereload, server
from site_builder.serve.watch import Watcher, describe

log = logging.getLogger("site_builder")

PREVIEW = "preview"  # the preview's folder in the cache: its site and its build state
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
    config: SiteConfig,
    drafts: bool,
    reload_config: Callable[[], SiteConfig] | None = None,
    publication: bool = False,
) -> Rebuild:
    """The engine's build, writing in place; the engine lives as long as the loop.
    `publication`: it writes output/, so each outcome is recorded for `deploy`."""
    engine = Engine(config, drafts=drafts, in_place=True, reload_config=reload_config)

    def rebuild(changed: set[Path] | None) -> str:
        try:
            summary = engine.build(changed)
        except SiteBuilderError:
            if publication:
                buildstatus.record(engine.config, False, "the last rebuild of watch failed")
            raise
        if publication:
            buildstatus.record(engine.config, True, str(summary), drafts=drafts)
        log.debug("stages: %s", summary.stages)
        return summary.account

    return rebuild


def preview_config(config: SiteConfig) -> SiteConfig:
    """The configuration of a preview: its own site folder and build state in the cache,
    so that a preview (drafts, future articles, a local base_url) never lands in output/,
    where `deploy` looks, and `build` and `serve` never write the same folder."""
    cache = config.cache_dir / PREVIEW
    cache.mkdir(parents=True, exist_ok=True)
    images = cache / "images"
    if not images.exists() and not images.is_symlink():
        # Resized pictures depend on the picture alone: the preview reuses the build's.
        # The build's folder is made first: a link to nothing makes the picture cache
        # fail with "File exists" on a site that was never built.
        (config.cache_dir / "images").mkdir(parents=True, exist_ok=True)
        images.symlink_to(Path("..") / "images", target_is_directory=True)
    return dataclasses.replace(config, output_dir=cache / "site", cache_dir=cache)


def run_watch(
    config: SiteConfig, drafts: bool = False, reload_config: Callable[[], SiteConfig] | None = None
) -> int:
    """`site-builder watch`: build, then rebuild on change until Ctrl-C. Without --drafts
    it keeps output/ a publication build; with --drafts it builds a preview in the cache."""
    if drafts:
        config = preview_config(config)
        reload_config = _previewed(reload_config, lambda c: c)
    rebuild = make_rebuild(config, drafts, reload_config, publication=not drafts)
    watcher = Watcher(config)
    watcher.start()  # before the first build, so that no save in between is missed
    try:
        rebuild_once(rebuild, None, config.root)
        log.info(
            "watching %s for changes, building into %s (Ctrl-C to stop)",
            _watched(config),
            config.shown(config.output_dir),
        )
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
    """`site-builder serve`: build a preview in the cache (never output/), serve it with
    live reload, rebuild on change."""
    config = preview_config(config)
    broadcaster = livereload.Broadcaster()
    try:
        http, thread = server.start(config.output_dir, config.base_path, host, port, broadcaster)
    except OSError as exc:
        raise SiteBuilderError(
            f"cannot listen on {host}:{port}: {exc.strerror}; try another --port"
        ) from None
    config = served_config(config, http.url)
    reload_config = _previewed(reload_config, lambda c: served_config(c, http.url))
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


def _previewed(
    reload_config: Callable[[], SiteConfig] | None, then: Callable[[SiteConfig], SiteConfig]
) -> Callable[[], SiteConfig] | None:
    """A site.toml read again is previewed as the first one was."""
    if reload_config is None:
        return None
    reload = reload_config
    return lambda: then(preview_config(reload()))


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
