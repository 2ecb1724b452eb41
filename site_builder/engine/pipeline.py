"""The build engine: the one pipeline behind `build`, `watch` and `serve`.

    scan     what changed since the last build (stamps; or the watcher's list of paths)
    load     only the changed sources: front matter, digests (Markdown → HTML when needed)
    plan     every output of the site and what it reads (render/plan.py, through
             planning.py); when nothing but
             article bodies, or cards whose briefs stayed the same (a retitle), changed,
             the plan is as stored and only the outputs that read those bodies or show
             those cards are looked at (the store's reverse indexes)
    stale    an output whose fingerprint (a digest of everything it reads) changed, or
             whose file is not as the last build left it
    render   just those (render/renderer.py); on every core when there are many, in
             batches: each changed file goes to the spool as it is rendered (stages.BATCH)
    publish  staged swap (`build`) or in place (`watch`), publish.py
    commit   the new state, in one transaction (store.py)

scan and load are sources.py, plan planning.py, the rest stages.py; this module keeps
the engine between builds (its store, memo, configuration) and runs one build's stages.

A build on an empty state is a clean build: the same code, with nothing to reuse. So a
cached build equals a clean one by construction, and the tests hold it to that.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from site_builder import clock, i18n
from site_builder.config import SiteConfig
from site_builder.engine import scan, sources
from site_builder.engine.keys import digest, load_key, state_key
from site_builder.engine.memo import Memo
from site_builder.engine.publish import lock, write_error
from site_builder.engine.store import FILE, Store, discard

if TYPE_CHECKING:
    import jinja2

    from site_builder.content.markup import MarkdownConverter

log = logging.getLogger("site_builder")


@dataclass(frozen=True)
class Summary:
    """What one build did, for the summary line."""

    articles: int
    pages: int
    feeds: int
    files: int
    seconds: float
    output: Path
    account: str = ""  # what was redone: "1 parsed, 7 rendered, ... (N articles; lane)"
    stages: str = ""  # seconds per stage, for -v
    left_out: tuple = ()  # (path, "draft" or the ISO date) of each article not published
    markdown: tuple = ()  # *.markdown files the scan found (not read): build.py names them

    def __str__(self) -> str:
        return (
            f"built {_articles(self.articles)}, {_count(self.pages, 'page')}, "
            f"{_count(self.feeds, 'feed')} into {self.output.name}/ in {self.seconds:.2f} s"
        )


class Engine:
    """Builds the site again and again; `watch` keeps one, `build` makes one per run."""

    def __init__(
        self,
        config: SiteConfig,
        drafts: bool = False,
        in_place: bool = False,
        now: Callable[[], dt.datetime] | None = None,
        reload_config: Callable[[], SiteConfig] | None = None,
        keep_state: bool = True,
        replan: bool = True,
    ):
        """`in_place`: watch mode; `now`: the clock (tests pin it); `keep_state` False: a
        clean build that uses and leaves no state; `replan` False: every change to
        articles planned with the whole site (the reference a plan from the change is
        held to)."""
        self.replan = replan
        self.drafts = drafts
        self.in_place = in_place
        self.now = now or clock.now
        self.reload_config = reload_config
        self.keep_state = keep_state
        self.failed = False
        self.config_pending = False
        self.memo = Memo() if in_place else None  # watch keeps what it learnt in memory
        self.key = state_key()
        self.config = config
        self.store = self._open_store()
        self._env: jinja2.Environment | None = None
        self._markdown: MarkdownConverter | None = None
        self.relocated = False  # this build's state was written for the site in another folder

    def _open_store(self) -> Store:
        return Store(self.config.cache_dir / FILE if self.keep_state else None, self.key)

    def _setup(self, config: SiteConfig) -> None:
        """Start over with another configuration: its store, nothing remembered."""
        self.store.close()
        self.config = config
        self.store = self._open_store()
        self._env = self._markdown = None
        # The site's catalogue may have changed with it: words made from it are made again.
        i18n.words.cache_clear()
        i18n.reading_time.cache_clear()
        if self.memo is not None:
            self.memo.clear()

    @property
    def env(self) -> jinja2.Environment:
        """The Jinja2 environment, made when first needed and kept between builds."""
        if self._env is None:
            # Here: Jinja2 (~25 ms, python -X importtime), which a build with nothing to
            # do never renders with.
            from site_builder.render.templates import environment

            self._env = environment(self.config)
        return self._env

    @property
    def markdown(self) -> MarkdownConverter:
        if self._markdown is None:
            # Here: Markdown and nh3 (~16 ms to 33 ms measured), for builds that convert a body.
            from site_builder.content.markup import MarkdownConverter

            self._markdown = MarkdownConverter(self.config)
        return self._markdown

    def close(self) -> None:
        self.store.close()

    # --- the pipeline ------------------------------------------------------------------

    def build(self, changed: set[Path] | None = None, clean: bool = False) -> Summary:
        """Bring output/ up to date; `changed` is the watcher's list of paths (None: look
        at everything). Raises SiteBuilderError; output/ and the state are then as they were."""
        started = time.perf_counter()
        if self.config_pending or (changed and self._config_changed(changed)):
            self.config_pending = True  # until site.toml reads without an error
            self._setup(self.reload_config() if self.reload_config else self.config)
            self.config_pending = False
            changed = None
        if self.failed:  # what the failed build saw changed is still to be looked at
            changed = None
        try:
            with lock(self.config):
                return self._locked(changed, started, clean)
        except OSError as exc:  # the disk is full, a folder cannot be made, ...
            raise write_error(exc.filename, exc) from None
        finally:
            gc.unfreeze()  # watch's next build: the collector may have this one's cycles

    def _locked(self, changed: set[Path] | None, started: float, clean: bool) -> Summary:
        reading = load_key(self.config)
        if clean or self.store.meta("reading") != reading:
            # Content files read under other settings (time zone, regions, URL pattern)
            # would keep what they were read as: start afresh.
            self.store.clear()
            self.store.set_meta(key=self.key, reading=reading)
            changed = None
        self._follow_site()
        try:
            summary = self._build_once(changed, started)
        except sqlite3.DatabaseError as exc:  # a state file damaged under our feet
            log.warning(
                "%s: build state unusable (%s); building afresh", self.config.cache_dir, exc
            )
            self.store.close()
            try:
                discard(self.config.cache_dir / FILE)
            except OSError:
                pass  # the store opened next builds without a file it cannot replace
            self.store = self._open_store()
            summary = self._build_once(None, started)
        self.failed = False
        return summary

    def _build_once(self, changed: set[Path] | None, started: float) -> Summary:
        """One build in one transaction of the state: all of it is kept, or none."""
        self.store.begin()
        try:
            if self.memo is not None and self.memo.generation != self.store.meta("generation"):
                self.memo.clear()  # another process built meanwhile
            summary = self._build(changed, started)
            generation = (self.store.meta("generation") or 0) + 1
            self.store.set_meta(generation=generation)
            self.store.commit()
        except BaseException:
            self.store.rollback()
            self.failed = True
            if self.memo is not None:
                self.memo.clear()
            raise
        if self.memo is not None:
            self.memo.generation = generation
        return summary

    def _clock(self) -> int:
        """Now, by the file system's clock: a stamp at or after it may change again
        unseen within the same clock tick (scan.stored)."""
        probe = self.config.cache_dir / "scan-clock"
        try:
            probe.parent.mkdir(parents=True, exist_ok=True)
            probe.write_bytes(b"")
            return probe.stat().st_mtime_ns
        except OSError:
            return time.time_ns()

    def _config_changed(self, changed: set[Path]) -> bool:
        config = self.config
        path = (config.config_path or config.root / "site.toml").resolve()
        # The site's catalogue is read with the configuration (into the templates' words).
        words = config.locale_folder.resolve()
        return any(
            Path(p).resolve() in (path, words) or words in Path(p).resolve().parents
            for p in changed
        )

    def _build(self, changed: set[Path] | None, started: float) -> Summary:
        self._check_output()
        return self._pipeline(changed, started)

    def _output_check(self) -> scan.OutputCheck:
        """Whether output/ is as the last build left it, looked at by a forked child while
        this process scans and plans (a build with nothing to do ends it unread); watch,
        which alone writes there while it runs, looks once (when it knows nothing yet) and
        then trusts what it wrote."""
        store = self.store
        watching = self.memo is not None and self.memo.generation == store.meta("generation")
        return scan.OutputCheck(
            store.path if store.meta("published") is not None else None,
            self.config.output_dir,
            fork=not self.in_place,
            trust=watching,
        )

    def _pipeline(self, changed: set[Path] | None, started: float) -> Summary:
        # The check of output/ looks while the scan does (both wait on the kernel: each a
        # second at 100,000 articles); a build with nothing to do then ends it unread.
        check = self._output_check()
        try:
            return self._scan_and_build(changed, started, check)
        finally:
            check.close()

    def _scan_and_build(
        self, changed: set[Path] | None, started: float, check: scan.OutputCheck
    ) -> Summary:
        laps = _Laps()
        store, config = self.store, self.config
        scanned_at = self._clock()
        site = sources.site_inputs(config, self.drafts, scanned_at)
        briefs = self.memo.briefs if self.memo is not None else None
        changes = sources.scan_and_load(config, store, changed, scanned_at, briefs)
        laps.lap("scan+load")
        release = store.meta("release")
        if site["digest"] != store.meta("site"):
            sources.site_bytes(site)  # the bytes this build renders with, read before it does
        due = (
            store.meta("published") is None
            or (release is not None and release <= self.now().timestamp())
            or changes.whole
        )
        same = sources.same_site(site, store)
        # Only templates changed, and no article but by its body or card: the plan is the
        # last one, and the pages made with those templates are rendered again.
        retemplated = (
            not same
            and not due
            and not changes.cards
            and not changes.errors
            and sources.only_templates(site, store)
        )
        whole = not same or due
        full = (changes.cards or whole) and not retemplated
        sources.save_sources(store, changes, scanned_at, briefs)
        if not full and not changes.bodies and not changes.retitled and not retemplated:
            return self._summary(
                started, f"nothing to do ({_articles(store.meta('totals')[0])})", changes
            )
        stale, written, removed, full, lane = self._stages(site, changes, full, whole, check, laps)
        account = (
            f"{changes.parsed} parsed, {stale} rendered, {written} written, "
            f"{len(removed)} deleted ({_articles(store.meta('totals')[0])}; {lane})"
        )
        return self._summary(started, account, changes, str(laps))

    def _stages(
        self,
        site: dict[str, Any],
        changes: sources.Changes,
        full: bool,
        whole: bool,
        check: scan.OutputCheck,
        laps: _Laps,
    ) -> tuple[int, int, set[str], bool, str]:
        """Plan, stale, render, publish, commit; return (rendered, written, removed, whether
        the plan was the whole site's, the lane taken). `full`: the plan changes; `whole`:
        beyond what a change to articles reaches (site, release, pictures) or on a first
        build; neither: the last plan, with the outputs that read changed bodies or cards
        and those made with templates that changed."""
        # Here, not at the top: the plan, renderer and feed writers bring feedgen, lxml and
        # PyYAML (python -X importtime: 30 ms to 130 ms on this 2-core machine, as loaded),
        # which a build with nothing to do does not pay.
        from site_builder.engine.articles import ArticleCache
        from site_builder.engine.planning import Planner, menu_pages_of
        from site_builder.engine.publish import Spool
        from site_builder.engine.stages import Outputs, Site
        from site_builder.render.outputs import TEMPLATES
        from site_builder.render.renderer import Renderer

        store, config = self.store, self.config
        memo = self.memo if self.memo is not None else Memo()
        cache = ArticleCache(config, store, lambda bodies: self.markdown.html_many(bodies))
        renderer = Renderer(config, self.env, store.meta("counts") or {})
        renderer.set_pages(menu_pages_of(store.meta("menu_pages") or []))
        renderer.set_scheduled(store.meta("scheduled") or ())
        templates, retemplated = self._template_keys(site)
        pages = sorted(name for name in TEMPLATES.values() if name in retemplated)
        planner = Planner(config, store, memo, cache, renderer)
        with _collector_paused():
            if full:
                planned = (
                    None
                    if whole or not self.replan
                    else planner.from_change(self.now(), self.drafts, changes)
                )
                full = planned is None
                if planned is None:
                    planned = planner.whole_site(
                        self.now(), self.drafts, changes.errors, changes.dirty
                    )
            else:
                kinds = {kind for kind, name in TEMPLATES.items() if name in retemplated}
                planned = planner.readers_of(changes.bodies, changes.retitled, kinds)
            laps.lap("plan")
            counts = digest([repr(sorted(renderer.counts.items()))])
            # Every page shows the theme's words: the site's own catalogue is part of each
            # (by its bytes, not its place or time: a copied site's pages stay as they are).
            words = sources.catalogue_digest(config, site)
            fingerprints = Site(
                digest([site["config"], renderer.site_key, words]), templates, counts
            )
            work = Outputs(
                config, store, memo, cache, renderer, planned, fingerprints, changes.dirty
            )
            stale = work.stale(check)
            laps.lap("stale")
        spool = Spool(config.output_dir, check=not work.in_place(self.in_place))
        try:
            rendered = work.render(stale, spool)
            laps.lap("render")
            written, removed = work.publish(spool, check, full, self.in_place, self.keep_state)
        finally:
            spool.close()
        laps.lap("publish")
        work.commit(rendered, removed, full)
        output = config.output_dir.resolve()
        if site["digest"] != store.meta("site"):
            # racy: the bytes read may not be the ones rendered with
            store.set_meta(site=site["digest"], site_bytes=site["digest"] and site.get("bytes"))
        if site["rest"] != store.meta("site_rest"):
            # Every build's, racy or not: a digest left from an earlier build would let a
            # later one that came back to those files take the template lane.
            store.set_meta(site_rest=site["rest"])
        store.set_meta(output=[str(output), output.lstat().st_ino])
        laps.lap("commit")
        return (
            len(stale),
            written,
            removed,
            full,
            _lane(full, changes, pages or sorted(retemplated)),
        )

    def _summary(
        self, started: float, account: str, changes: sources.Changes, stages: str = ""
    ) -> Summary:
        articles, pages, feeds, files = self.store.meta("totals")
        return Summary(
            articles,
            pages,
            feeds,
            files,
            time.perf_counter() - started,
            self.config.output_dir,
            account,
            stages,
            tuple(map(tuple, self.store.meta("left_out") or ())),
            tuple(changes.markdown),
        )

    def _follow_site(self) -> None:
        """A state written for this site in another folder (copied, or restored by CI into
        another checkout) follows it: its content paths are rebased, not thrown away."""
        content = str(self.config.content_dir.resolve())
        before = self.store.meta("content")
        self.relocated = before is not None and before != content
        if self.relocated:
            log.info("build state moved from %s to %s", before, content)
            self.store.rebase(before, content)
        if before != content:
            self.store.set_meta(content=content)

    def _check_output(self) -> None:
        """Forget what the store says of output/ if output/ is not that folder any more.

        The same folder of a site that moved is still that folder (another inode, as any
        copy has): each of its files is then checked by size and mtime as always."""
        output = self.config.output_dir.resolve()
        try:
            ino = output.lstat().st_ino
        except OSError:
            ino = None
        here = [str(output), ino]
        stored = self.store.meta("output")
        moved = self.relocated and ino is not None and isinstance(stored, list)
        if stored != here and not moved:
            self.store.forget_outputs()
            self.store.set_meta(output=here, published=None, publisher=None)
            if self.memo is not None:  # it holds the outputs just forgotten
                self.memo.clear()
        elif moved:  # this output/ from now on, even if this build has nothing to do
            self.store.set_meta(output=here)

    def _template_keys(self, site: dict[str, Any]) -> tuple[dict[str, str], set[str]]:
        """Per template: a digest of its source and of every template it pulls in; and the
        templates whose key is not the last build's."""
        stored = self.store.meta("template_keys")
        # Stamps that a later edit might not move (scan.stored) do not vouch for the keys.
        racy = site["racy_templates"]
        stamps = None if racy else digest([repr(sorted(site["templates"].items()))])
        if isinstance(stored, dict) and stamps and stored.get("stamps") == stamps:
            return stored["keys"], set()
        from site_builder.render.templates import template_keys  # with self.env: Jinja2

        keys = template_keys(self.env)
        if self.env.cache is not None:  # compiled templates are reloaded on change
            self.env.cache.clear()
        self.store.set_meta(template_keys={"stamps": stamps, "keys": keys})
        before = stored["keys"] if isinstance(stored, dict) else {}
        return keys, {n for n in keys.keys() | before.keys() if keys.get(n) != before.get(n)}


def _lane(full: bool, changes: sources.Changes, pages: list[str]) -> str:
    """The build's lane, as its -v account names it (`pages`: the page templates changed,
    else any template changed)."""
    if full:
        return "full plan"
    if pages:
        return "templates " + ", ".join(pages)
    return "bodies only" if not changes.dirty - changes.bodies else "from the change"


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while the plan and the stale stage make a site's
    worth of small objects (none of them in cycles): its passes over every live object
    cost a quarter of a 10,000-article plan and over a third at 30,000, growing faster
    than the site. Rendering, which runs templates, keeps it, but not for what is live
    by then: those objects are frozen (out of its passes, still freed when unused) until
    the build ends. At 100,000 articles its passes over them cost an added story 0.9 s,
    mostly in render and commit."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if paused:
            gc.enable()


class _Laps:
    """Seconds per stage of a build, for the -v account."""

    def __init__(self):
        self.last = time.perf_counter()
        self.laps: list[tuple[str, float]] = []

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps.append((name, now - self.last))
        self.last = now

    def __str__(self) -> str:
        return ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.laps)


def _articles(count: int) -> str:
    return _count(count, "article")


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
