"""`site-builder build`: run the engine once, print every error or the summary."""

from __future__ import annotations

import datetime as dt
import logging

from site_builder import buildstatus
from site_builder.config import SiteConfig
from site_builder.engine import Engine, Summary
from site_builder.errors import SiteBuilderError

log = logging.getLogger("site_builder")


def build_site(config: SiteConfig, drafts: bool = False,
               now: dt.datetime | None = None) -> Summary:
    """A clean build: the engine on an empty state, leaving none (the tests' reference)."""
    engine = Engine(config, drafts, now=(lambda: now) if now else None, keep_state=False)
    try:
        return engine.build()
    finally:
        engine.close()


def run_build(config: SiteConfig, drafts: bool = False, clean: bool = False,
              now: dt.datetime | None = None) -> int:
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
        log.error("build failed: %d error(s); %s/ was left as it was",
                  len(errors), config.output_dir.name)
        buildstatus.record(config, False, f"build failed: {len(errors)} error(s)")
        return exc.exit_code
    buildstatus.record(config, True, str(summary))
    log.debug("%s; %s", summary.account, summary.stages)
    log.info("%s", summary)
    return 0
