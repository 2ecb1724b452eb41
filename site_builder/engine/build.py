"""`site-builder build`: run the engine once, print every error or the summary."""

from __future__ import annotations

import datetime as dt
import logging
import tomllib
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from site_builder import i18n
from site_builder.config import DEFAULT_BASE_URL, SiteConfig
from site_builder.config.tomltext import key_line
from site_builder.engine import buildstatus
from site_builder.engine.pipeline import Engine, Summary
from site_builder.errors import SiteBuilderError

log = logging.getLogger("site_builder")

# The hosts of a base_url that only this machine can reach (as `serve` tells them).
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def build_site(config: SiteConfig, drafts: bool = False, now: dt.datetime | None = None) -> Summary:
    """A clean build: the engine on an empty state, leaving none (the tests' reference)."""
    engine = Engine(config, drafts, now=(lambda: now) if now else None, keep_state=False)
    try:
        return engine.build()
    finally:
        engine.close()


def run_build(
    config: SiteConfig, drafts: bool = False, clean: bool = False, now: dt.datetime | None = None
) -> int:
    """`site-builder build`: build, print every error or the summary; return the exit status."""
    try:
        engine = Engine(config, drafts, now=(lambda: now) if now else None)
        try:
            summary = engine.build(clean=clean)
        finally:
            engine.close()
    except SiteBuilderError as exc:
        errors = getattr(exc, "errors", [exc])
        for error in errors:
            log.error("%s", error)
        log.error(
            "build failed: %d error(s); %s/ was left as it was", len(errors), config.output_dir.name
        )
        buildstatus.record(config, False, f"build failed: {len(errors)} error(s)")
        return exc.exit_code
    buildstatus.record(config, True, str(summary), drafts=drafts)
    log.debug("%s", summary.account)
    if summary.stages:
        log.debug("stages: %s", summary.stages)
    report_left_out(config, summary.left_out)
    log.info("%s", summary)
    warn_default_base_url(config)
    warn_markdown_files(config, summary.markdown)
    warn_untranslated(config)
    return 0


def warn_markdown_files(config: SiteConfig, files: Iterable[str]) -> None:
    """Content is read from *.md only: say so once if *.markdown files sit beside it (the
    build's scan lists them: a walk of its own took 5-10 ms at 10,000 files)."""
    found = sorted(map(Path, files))
    if found:
        first = config.shown(found[0])
        log.warning(
            "%s: warning: .markdown files are not read (%d of them, %s first): rename them to .md",
            first,
            len(found),
            first,
        )


def report_left_out(config: SiteConfig, left_out: tuple) -> None:
    """With -v, one line per draft or future article left out; else a line counting them."""
    if not left_out:
        return
    if log.isEnabledFor(logging.DEBUG):
        for path, why in left_out:
            log.debug(
                "left out: %s (%s)",
                str(config.shown(Path(path))),
                "draft" if why == "draft" else f"future: {why}",
            )
        return
    drafts = sum(why == "draft" for _, why in left_out)
    future = len(left_out) - drafts
    parts = [
        f"{n} {what}{'s' if n != 1 else ''}"
        for n, what in ((drafts, "draft"), (future, "future article"))
        if n
    ]
    log.info("%s left out (-v lists them; --drafts builds them)", " and ".join(parts))


def warn_untranslated(config: SiteConfig) -> None:
    """A language with no catalogue shows the theme in English: say so once, and how to fix."""
    for language in {config.language, *(lang.code for lang in config.languages)}:
        if language.split("-")[0].lower() == "en" or i18n.has_catalogue(
            language, str(config.locale_folder)
        ):
            continue
        log.warning(
            "%s: warning: language %r has no interface catalogue: the theme's words stay in "
            "English; `site-builder translate %s` starts %s",
            config.shown(config.config_path or Path("site.toml")),
            language,
            language,
            config.shown(
                config.locale_folder / language.replace("-", "_") / "LC_MESSAGES" / "messages.po"
            ),
        )


def warn_default_base_url(config: SiteConfig) -> None:
    """A base_url on this machine is only good for `serve`: say so once, where it was set."""
    if urlsplit(config.base_url).hostname not in LOCAL_HOSTS:
        return
    where = _base_url_line(config)
    if where is not None:
        log.warning(
            "%s:%d: warning: base_url %s is an address on this machine: feeds and the "
            "sitemap will point there; set your site's address before you publish",
            config.shown(config.config_path or Path("site.toml")),
            where,
            config.base_url,
        )
    elif config.base_url != DEFAULT_BASE_URL:
        log.warning(
            "warning: --base-url %s is an address on this machine: feeds and the sitemap "
            "will point there",
            config.base_url,
        )
    else:
        log.warning(
            "warning: base_url is the built-in %s: feeds and the sitemap will point "
            "there; set base_url in site.toml or pass --base-url https://your.site/",
            DEFAULT_BASE_URL,
        )


def _base_url_line(config: SiteConfig) -> int | None:
    """The line of site.toml that sets the base_url in use, if site.toml sets it."""
    if config.config_path is None:
        return None
    try:
        text = config.config_path.read_text(encoding="utf-8-sig")
        written = tomllib.loads(text).get("base_url")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    if written != config.base_url:  # --base-url overrode it
        return None
    return key_line(text, "base_url")
