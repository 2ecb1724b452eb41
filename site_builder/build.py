"""`site-builder build`: the orchestrator. Load and validate, render, then write; in that order.

Nothing is written until every content file has been read and checked and every page and
feed rendered in memory; then one writer puts it all into a staging folder and swaps it in.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from site_builder import buildstatus
from site_builder.config import SiteConfig
from site_builder.errors import SiteBuilderError

log = logging.getLogger("site_builder")


@dataclass(frozen=True)
class BuildSummary:
    """What one build produced, for the summary line."""

    articles: int
    pages: int
    feeds: int
    files: int
    seconds: float
    output: Path

    def __str__(self) -> str:
        return (f"built {self.articles} articles, {self.pages} pages, {self.feeds} feeds "
                f"into {self.output.name}/ in {self.seconds:.2f} s")


def build_site(config: SiteConfig, drafts: bool = False,
               now: dt.datetime | None = None) -> BuildSummary:
    """Build the whole site from scratch, without any cache: the reference that cached and
    incremental builds must equal byte for byte (tests hold them to it). Raises on errors."""
    # Imported here: a quick build that finds nothing to do needs none of them.
    from site_builder import loader, render, search, sitemap
    from site_builder.assets import static_folder
    from site_builder.feeds import feed_files
    from site_builder.markup import Renderer
    from site_builder.writer import OutputWriter

    started = time.perf_counter()
    # 1. Load and validate every content file; all errors are raised together.
    articles = loader.load_articles(config, drafts=drafts, now=now)
    # 2. Markdown to sanitised HTML, once per article, shared by pages and feeds.
    markdown = Renderer(config)
    html = dict(zip((a.id for a in articles), markdown.html_many([a.body for a in articles])))
    # 3. Render every page and feed in memory, so a template error writes nothing.
    site_pages = render.pages(config, articles)
    files = render.render_pages(config, articles, html, site_pages)
    feeds = feed_files(config, articles, html)
    extras = sitemap.sitemap_files(config, sitemap.listed(site_pages))
    # 4. Write into a staging folder and swap it in; a failure leaves output/ untouched.
    writer = OutputWriter(config.output_dir)
    try:
        for path, data in sorted({**files, **feeds, **extras}.items()):
            writer.write(path, data)
        static = static_folder(config)
        if static.is_dir():
            writer.copy_tree(static)
        search.index(config, writer.staging)  # after every page is in place; off by default
        writer.publish()
    except BaseException:
        writer.discard()
        raise
    return BuildSummary(len(articles), len(files), sum(1 for p in feeds if p != "feeds.opml"),
                        len(writer.written), time.perf_counter() - started, config.output_dir)


def cached_build(config: SiteConfig, drafts: bool = False, clean: bool = False) -> BuildSummary:
    """A build that carries on from the last one's cache (unless clean): only what changed
    is redone, the quick way when only article bodies changed. Either way it leaves a
    fresh cache for the next build."""
    from site_builder import buildcache, quickbuild

    started = time.perf_counter()
    key = buildcache.cache_key(config, drafts)
    theme = quickbuild.theme_digest(config)  # before anything is read: a later edit is news
    quick = None if clean else quickbuild.build(config, key, theme)
    if quick is not None:
        outline, account = quick
        totals = outline.totals
    else:
        from site_builder.incremental import IncrementalBuilder

        builder = (IncrementalBuilder(config, drafts, keep_previous=True) if clean
                   else buildcache.restore(config, drafts, key))
        account = builder.rebuild(None)
        if not builder.idle or not (config.cache_dir / quickbuild.OUTLINE_FILE).exists():
            buildcache.save(builder, key, theme)  # an unchanged site leaves its cache as it is
        totals = builder.totals()
    log.debug("build cache: %s", account)
    return BuildSummary(*totals, time.perf_counter() - started, config.output_dir)


def run_build(config: SiteConfig, drafts: bool = False, clean: bool = False) -> int:
    """`site-builder build`: build, print every error or the summary; return the exit status."""
    try:
        summary = cached_build(config, drafts, clean)
    except SiteBuilderError as exc:
        errors = getattr(exc, "errors", [exc])
        for error in errors:
            log.error("%s", error)
        log.error("build failed: %d error(s); %s/ was left as it was",
                  len(errors), config.output_dir.name)
        buildstatus.record(config, False, f"build failed: {len(errors)} error(s)")
        return exc.exit_code
    buildstatus.record(config, True, str(summary))
    log.info("%s", summary)
    return 0
