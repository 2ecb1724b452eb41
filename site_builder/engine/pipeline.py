"""The build engine: the one pipeline behind `build`, `watch` and `serve`.

    scan     what changed since the last build (stamps; or the watcher's list of paths)
    load     only the changed sources: front matter, digests (Markdown → HTML when needed)
    plan     every output of the site and what it reads (plan.py); when nothing but
             article bodies changed, the plan is as stored and only the outputs that read
             those bodies are looked at (the store's reverse index)
    stale    an output whose fingerprint (a digest of everything it reads) changed, or
             whose file is not as the last build left it
    render   just those (render.py); on every core when there are many
    publish  staged swap (`build`) or in place (`watch`), publish.py
    commit   the new state, in one transaction (store.py)

A build on an empty state is a clean build: the same code, with nothing to reuse. So a
cached build equals a clean one by construction, and the tests hold it to that.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from site_builder import __version__, clock
from site_builder.config import SiteConfig
from site_builder.engine import scan
from site_builder.engine.store import FILE, Store
from site_builder.errors import ContentError, ErrorList, SiteBuilderError
from site_builder.model import Article, Brief, brief, from_json, to_json
from site_builder.parallel import fork_map
from site_builder.render import plan

log = logging.getLogger("site_builder")

PARALLEL_READ = 500  # fewer content files a worker than this: forking costs more than it saves
PARALLEL_RENDER = 300
NO_READS = [[], False]  # an output that read nothing beyond its plan entry
# Libraries whose version shapes the output: an upgrade is a clean build.
LIBRARIES = (
    "markdown",
    "nh3",
    "feedgen",
    "jinja2",
    "markupsafe",
    "lxml",
    "pyyaml",
    "python-slugify",
)


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

    def __str__(self) -> str:
        return (
            f"built {self.articles} articles, {self.pages} pages, {self.feeds} feeds "
            f"into {self.output.name}/ in {self.seconds:.2f} s"
        )


def state_key() -> str:
    """What every output depends on besides its inputs: this code, Python, the libraries."""
    package = Path(__file__).resolve().parents[1]  # the whole site_builder package
    parts = [__version__, sys.version, *library_versions()]
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".toml") and path.is_file():
            st = path.stat()
            parts.append(f"{path.relative_to(package)}:{st.st_size}:{st.st_mtime_ns}")
    return _digest(parts)


def library_versions() -> list[str]:
    """'name==version' of each library in LIBRARIES, read off the installed packages'
    .dist-info folder names (importlib.metadata costs 20 ms of a 0.3 s build to say so)."""
    wanted = {_normal(name) for name in LIBRARIES}
    found = {}
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            stem = name.rsplit(".", 1)[0]
            if name.endswith((".dist-info", ".egg-info")) and "-" in stem:
                project, version = stem.split("-", 1)
                found.setdefault(_normal(project), f"{_normal(project)}=={version}")
    return [found.get(name, f"{name}==none") for name in sorted(wanted)]


def _normal(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def _digest(parts: Iterable[str]) -> str:
    return hashlib.blake2b(
        "\0".join(parts).encode("utf-8", "surrogatepass"), digest_size=16
    ).hexdigest()


def config_digest(config: SiteConfig) -> str:
    """The configuration by its values (paths resolved), not as it was typed."""
    values = {
        name: getattr(config, name)
        for name in config.__dataclass_fields__
        if name not in ("root", "config_path", "cache_dir")
    }
    for name in ("content_dir", "output_dir", "templates_dir", "static_dir"):
        values[name] = values[name].resolve()
    return _digest([repr(sorted(values.items(), key=lambda kv: kv[0]))])


def load_key(config: SiteConfig) -> str:
    """The settings that decide how a content file reads (and so what the store keeps of
    it): the time zone of dates without one, the regions, the article URL pattern."""
    return _digest(
        [config.timezone, repr(config.regions), config.permalink, str(config.content_dir.resolve())]
    )


@dataclass
class _Changes:
    """What the scan and load found."""

    fresh: dict[str, tuple] = field(default_factory=dict)  # path -> source row, new or changed
    gone: set[str] = field(default_factory=set)  # content files deleted
    restamp: dict[str, Any] = field(default_factory=dict)  # same bytes, new stamp
    cards: bool = False  # an article came, went, or changed more than its body
    bodies: set[str] = field(default_factory=set)  # ids of articles whose body alone changed
    dirty: set[str] = field(default_factory=set)  # ids of every article that changed at all
    pictures: str | None = None  # digest of the bundles' picture stamps (full scans only)
    errors: list[SiteBuilderError] = field(default_factory=list)  # in path order


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
    ):
        """`in_place`: watch mode; `now`: the clock (tests pin it); `keep_state` False: a
        clean build that uses and leaves no state."""
        self.drafts = drafts
        self.in_place = in_place
        self.now = now or clock.now
        self.reload_config = reload_config
        self.keep_state = keep_state
        self.failed = False
        self.config_pending = False
        self.memo = _Memo() if in_place else None  # watch keeps what it learnt in memory
        self.key = state_key()
        self.store: Store | None = None
        self._setup(config)

    def _setup(self, config: SiteConfig) -> None:
        self.config = config
        if self.store is not None:
            self.store.close()
        path = config.cache_dir / FILE if self.keep_state else None
        self.store = Store(path, self.key)
        self._env = self._markdown = None
        if self.memo is not None:
            self.memo.clear()

    @property
    def env(self):
        """The Jinja2 environment, made when first needed (a build with nothing to do
        imports no renderer)."""
        if self._env is None:
            from site_builder.render import renderer as render

            self._env = render.environment(self.config)
        return self._env

    @property
    def markdown(self):
        if self._markdown is None:
            from site_builder.content import markup

            self._markdown = markup.Renderer(self.config)
        return self._markdown

    def close(self) -> None:
        self.store.close()

    # --- the pipeline ------------------------------------------------------------------

    def build(self, changed: set[Path] | None = None, clean: bool = False) -> Summary:
        """Bring output/ up to date; `changed` is the watcher's list of paths (None: look
        at everything). Raises SiteBuilderError; output/ and the state are then as they were."""
        from site_builder.engine.publish import lock, write_error

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

    def _locked(self, changed: set[Path] | None, started: float, clean: bool) -> Summary:
        reading = load_key(self.config)
        if clean or self.store.meta("reading") != reading:
            # Content files read under other settings (time zone, regions, URL pattern)
            # would keep what they were read as: start afresh.
            self.store.clear()
            self.store.set_meta(key=self.key, reading=reading)
            changed = None
        try:
            summary = self._build_once(changed, started)
        except sqlite3.DatabaseError as exc:  # a state file damaged under our feet
            log.warning(
                "%s: build state unusable (%s); building afresh", self.config.cache_dir, exc
            )
            self.store.close()
            (self.config.cache_dir / FILE).unlink(missing_ok=True)
            self.store = Store(self.config.cache_dir / FILE if self.keep_state else None, self.key)
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
        return any(Path(p).resolve() == path for p in changed)

    def _build(self, changed: set[Path] | None, started: float) -> Summary:
        store = self.store
        self._check_output()
        # Whether output/ is as the last build left it; watch, which alone writes there while
        # it runs, looks once (when it knows nothing yet) and then trusts what it wrote.
        watching = self.memo is not None and self.memo.generation == store.meta("generation")
        self.check = scan.OutputCheck(
            store.path if store.meta("published") is not None else None,
            self.config.output_dir,
            fork=not self.in_place,
            trust=watching,
        )
        try:
            return self._pipeline(changed, started)
        finally:
            self.check.close()

    def _pipeline(self, changed: set[Path] | None, started: float) -> Summary:
        laps = _Laps()
        store, config = self.store, self.config
        scanned_at = self._clock()
        site = self._site_inputs(scanned_at)
        changes = self._scan_and_load(changed, scanned_at)
        laps.lap("scan+load")
        release = store.meta("release")
        full = (
            changes.cards
            or site["digest"] is None
            or site["digest"] != store.meta("site")
            or store.meta("published") is None
            or (release is not None and release <= self.now().timestamp())
        )
        if not full and not changes.bodies:
            self._save_sources(changes, scanned_at)
            totals = store.meta("totals")
            return Summary(
                *totals,
                time.perf_counter() - started,
                config.output_dir,
                f"nothing to do ({totals[0]} articles)",
                left_out=tuple(map(tuple, store.meta("left_out") or ())),
            )
        self._save_sources(changes, scanned_at)
        work = _Work(self, site, changes)
        outputs = work.plan() if full else work.readers_of(changes.bodies)
        laps.lap("plan")
        stale = work.stale(outputs)
        laps.lap("stale")
        rendered = work.render(stale)
        laps.lap("render")
        written, removed = work.publish(outputs if full else None, rendered)
        laps.lap("publish")
        work.commit(rendered, removed, full)
        laps.lap("commit")
        totals = store.meta("totals")
        account = (
            f"{len(changes.fresh)} parsed, {len(stale)} rendered, {written} written, "
            f"{len(removed)} deleted ({totals[0]} articles; "
            f"{'full plan' if full else 'bodies only'})"
        )
        return Summary(
            *totals,
            time.perf_counter() - started,
            config.output_dir,
            account,
            str(laps),
            tuple(map(tuple, store.meta("left_out") or ())),
        )

    def _check_output(self) -> None:
        """Forget what the store says of output/ if output/ is not that folder any more."""
        output = self.config.output_dir.resolve()
        try:
            ino = output.lstat().st_ino
        except OSError:
            ino = None
        if self.store.meta("output") != [str(output), ino]:
            self.store.forget_outputs()
            self.store.set_meta(output=[str(output), ino], published=None, publisher=None)

    def _site_inputs(self, scanned_at: int) -> dict[str, Any]:
        """Stamps of templates and static files, the configuration, the drafts flag; and
        their digest, None if a stamp is too recent to trust (scan.stored)."""

        site = {
            "config": config_digest(self.config),
            "drafts": self.drafts,
            "templates": scan.files(self.config.template_folders),
            "static": scan.files(self.config.static_folders),
        }
        stamps = [*site["templates"].values(), *site["static"].values()]
        racy = any(scan.stored(s, scanned_at) == scan.RACY for s in stamps)
        site["digest"] = None if racy else _digest([json.dumps(site, sort_keys=True)])
        return site

    def _scan_and_load(self, changed: set[Path] | None, scanned_at: int) -> _Changes:
        """Which content files changed, read again; all their errors raised together."""
        config, store = self.config, self.store
        targeted = self._targeted(changed)
        known = store.stamps()
        pictures = None
        if targeted is None:
            found = scan.content(config)
            gone = set(known) - set(found.stamps)
            # A picture beside an article changed: its variants and the pages showing it.
            stamps = sorted((p, scan.stored(s, scanned_at)) for p, s in found.pictures.items())
            pictures = (
                None if any(s == scan.RACY for _, s in stamps) else _digest([json.dumps(stamps)])
            )
        else:
            found = scan.paths(config, targeted)
            gone = {str(p) for p in targeted if str(p) in known and str(p) not in found.stamps}
        for error in found.skipped:
            log.warning("%s", error)
        todo = [
            (path, stamp)
            for path, stamp in sorted(found.stamps.items())
            if known.get(path) != scan.text(stamp)
        ]
        results = fork_map(self._read, todo, PARALLEL_READ)
        changes = _Changes(gone=gone, pictures=pictures)
        if targeted is None and (pictures is None or pictures != store.meta("pictures")):
            changes.cards = True
        errors: list[SiteBuilderError] = []
        old = {row[0]: row for row in store.sources(p for p, _ in todo if p in known)}
        for (path, stamp), result in zip(todo, results):
            if isinstance(result, list):
                if os.path.lexists(path):
                    errors += result
                elif path in known:  # deleted between its stat and its reading
                    changes.gone.add(path)
                continue
            digest, article_json, card, full, ident = result
            before = old.get(path)
            if before is not None and before[2] == digest:
                changes.restamp[path] = stamp
                continue
            changes.fresh[path] = (path, stamp, digest, ident, card, full, article_json)
            changes.dirty.add(ident)
            if before is not None:
                changes.dirty.add(before[3])
            if before is None or before[3] != ident or before[4] != card:
                changes.cards = True
            else:
                changes.bodies.add(ident)
        changes.errors = errors  # reported with any duplicates the plan finds
        changes.dirty.update(row[3] for row in store.sources(changes.gone))
        if changes.gone or errors:
            changes.cards = True
        return changes

    def _targeted(self, changed: set[Path] | None) -> list[Path] | None:
        """The changed content files, when a look at those alone is enough; else None.

        Only plain *.md file changes are taken at their word; a folder created, moved or
        deleted (or no list at all) means a walk of the whole tree.
        """
        if changed is None:
            return None
        content = self.config.content_dir
        mine = [p for p in changed if p.is_relative_to(content) and not p.name.startswith(".#")]
        if any(p.suffix != ".md" or p.is_dir() for p in mine):
            return None
        return mine

    def _read(self, job: tuple[str, tuple]) -> tuple | list[SiteBuilderError]:
        """A content file: (bytes digest, article JSON, card digest, full digest, id), or
        its errors."""
        from site_builder.content import loader

        path = Path(job[0])
        try:
            data = loader.read_file(self.config, path)
            article = loader.parse(self.config, path, data)
        except ErrorList as exc:
            return exc.errors
        except SiteBuilderError as exc:
            return [exc]
        body = article.body
        card_json = json.dumps(to_json(article) | {"body": ""}, ensure_ascii=False)
        card = _digest([card_json])
        return (
            hashlib.blake2b(data, digest_size=16).hexdigest(),
            [json.dumps(brief(article), ensure_ascii=False), card_json, body],
            card,
            _digest([card, body]),
            article.id,
        )

    def _save_sources(self, changes: _Changes, scanned_at: int) -> None:
        store = self.store
        store.drop_sources(changes.gone)
        store.put_sources(
            (row[0], scan.stored(row[1], scanned_at), *row[2:6], *row[6])
            for row in changes.fresh.values()
        )
        store.forget(changes.dirty)
        store.restamp(
            (path, scan.stored(stamp, scanned_at)) for path, stamp in changes.restamp.items()
        )
        if changes.pictures is not None:
            store.set_meta(pictures=changes.pictures)
        briefs = self.memo.briefs if self.memo is not None else None
        if briefs is not None:
            for path in changes.gone:
                briefs.pop(path, None)
            for row in changes.fresh.values():
                briefs[row[0]] = (Brief(json.loads(row[6][0])), row[4], row[5])


class _Work:
    """One build's plan, rendering and publishing, over the engine's store."""

    def __init__(self, engine: Engine, site: dict[str, Any], changes: _Changes):
        from site_builder.render import renderer as render

        self.engine = engine
        self.errors = changes.errors
        self.changes = changes
        self.memo = engine.memo if engine.memo is not None else _Memo()
        self.config = engine.config
        self.store = engine.store
        self.site = site
        self.articles: dict[str, Article] = {}  # id -> card (body "") or whole article
        self.digests: dict[str, tuple[str, str]] = {}  # id -> (card, full)
        self.bodies: dict[str, str] = {}
        self.reads: dict[str, list] = {}  # file -> its recorded reads (filled by stale())
        self.templates = self._template_keys()
        counts = self.store.meta("counts") or {}
        self.renderer = render.Renderer(self.config, engine.env, counts)
        self.renderer.set_pages(_menu_pages(self.store.meta("menu_pages") or []))
        # The last build's outputs: path -> (fingerprint, reads, hash, size, mtime); all of
        # them for a full plan, those looked at otherwise (readers_of).
        self.previous: dict[str, tuple] = {}
        self.files: set[str] = set()  # every file of the last build
        self.changed_files: set[str] = set()  # files of output/ not as the last build left them
        self.single: set[str] = set()  # files of output/ not linked into the kept previous site

    # --- plan ------------------------------------------------------------------------

    def plan(self) -> list[plan.Output]:
        """Every output of the site, from every article's card."""
        from site_builder.content import loader
        from site_builder.render import assets

        config, engine = self.config, self.engine
        memo = self.memo
        if memo.outputs is None:
            memo.outputs = self.store.outputs()
        self.previous = memo.outputs
        self.files = set(self.previous)
        cards = self._briefs()
        errors = self.errors + loader.duplicates(config, cards)
        if errors:
            raise ErrorList(errors)
        now = engine.now()
        shown = loader.publishable(cards, engine.drafts, now)
        published = [a for a in shown if a.kind == "article"]
        pages = [a for a in shown if a.kind == "page"]
        waiting = [a.date for a in cards if not a.draft and a.date > now]
        counts = plan.region_counts(config, published)
        if config.languages:  # each language's edition counts its own articles
            from site_builder.render.editions import language_of

            counts = {
                lang.code: plan.region_counts(
                    config, [a for a in published if language_of(a, config) == lang.code]
                )
                for lang in config.languages
            }
        self.renderer.set_counts(counts)
        self._load({p.id for p in pages} - set(self.articles))
        menu_pages = [[p.slug, self.articles[p.id].title, p.lang] for p in pages]
        self.renderer.set_pages(_menu_pages(menu_pages))
        static = {
            path: (str(source), _digest(map(str, scan.stamp(os.stat(source)))))
            for path, source in assets.static_sources(config).items()
        }
        pictures = self._pictures(published)
        outputs = plan.plan_site(
            config, published, static, memo.related, self.changes.dirty, pages, pictures
        )
        left_out = (
            []
            if engine.drafts
            else [
                (str(a.path), "draft" if a.draft else a.date.isoformat())
                for a in cards
                if a.draft or a.date > now
            ]
        )
        self.store.set_meta(
            counts=counts,
            published=len(published),
            left_out=left_out,
            menu_pages=menu_pages,
            release=min(waiting).timestamp() if waiting and not engine.drafts else None,
            totals=_totals(published, outputs),
        )
        return outputs

    def _pictures(self, articles: list[Brief]) -> dict[str, plan.Picture]:
        """Each article's own lead picture (a file of the site, not a remote URL): where it
        is, its stamp and its size, read from its header only when its stamp moved."""
        from site_builder.content import imageref, loader

        config, store = self.config, self.store
        folders = config.static_folders
        probes, seen, found, errors = store.meta("probes") or {}, {}, {}, []
        for article in articles:
            if not article.image_url or article.image_url.startswith(("http://", "https://")):
                continue
            try:
                ref = imageref.resolve_image(
                    article.image_url, article.path, config.content_dir, folders
                )
                if isinstance(ref, imageref.RemoteImage):
                    continue
                key, stamp = str(ref.path), scan.text(scan.stamp(os.stat(ref.path)))
                known = probes.get(key)
                size = known[1:] if known and known[0] == stamp else _probe(ref.path)
            except SiteBuilderError as exc:
                errors.append(
                    type(exc)(
                        exc.message,
                        config.shown(article.path),
                        loader.field_line(article.path, ("image",)),
                    )
                )
                continue
            except OSError as exc:
                errors.append(
                    ContentError(
                        f"image.url: cannot read {exc.filename}: {exc.strerror}",
                        config.shown(article.path),
                    )
                )
                continue
            seen[key] = [stamp, *size]
            found[article.id] = plan.Picture(key, stamp, ref.static_path, *size)
        store.set_meta(probes=seen)
        if errors:
            raise ErrorList(errors)
        return found

    def _briefs(self) -> list[Brief]:
        """Every content file's Brief (and digests): from the store, or the memo brought up
        to date. By file, not by id: two files with one id are an error to report."""
        memo = self.memo
        if memo.briefs is None:  # else _save_sources brought it up to date
            rows, briefs = self.store.briefs()
            memo.briefs = {
                row[0]: (Brief(values), row[2], row[3])
                for row, values in zip(rows, json.loads(briefs))
            }
        self.digests.update((b.id, (card, full)) for b, card, full in memo.briefs.values())
        return [memo.briefs[path][0] for path in sorted(memo.briefs)]  # in path order

    def readers_of(self, ids: set[str]) -> list[plan.Output]:
        """The outputs that read these articles' bodies, as the last plan made them."""
        paths = self.store.body_readers(ids)
        self.previous = self.store.outputs(paths)
        self.files = self.store.output_paths()
        return [_output(json.loads(spec)) for spec in self.store.specs(paths)]

    # --- stale -------------------------------------------------------------------------

    def stale(self, outputs: list[plan.Output]) -> list[plan.Output]:
        """The outputs to render: fingerprint changed, or file not as left."""
        self._digests_for(outputs)
        self.outputs = outputs
        self.site_digest = _digest([self.site["config"], self.renderer.site_key])
        self.counts_digest = _digest([repr(sorted(self.renderer.counts.items()))])
        self.changed_files, self.single = self.engine.check.result(self.store.output_stamps)
        memo, dirty = self.memo, self.changes.dirty
        same_site = memo.site == (self.site_digest, self.templates)
        same_counts = memo.counts == self.counts_digest
        stale = []
        for output in outputs:
            file = output.file
            before = self.previous.get(file)
            if before is None or file in self.changed_files:
                stale.append(output)
                continue
            reads = self.reads.get(file, NO_READS)
            if (
                same_site
                and memo.plan.get(file) == output
                and (same_counts or not reads[1])
                and dirty.isdisjoint(output.cards)
                and dirty.isdisjoint(output.full)
                and dirty.isdisjoint(reads[0])
            ):
                continue  # what it reads is as it was when its fingerprint was taken
            if before[0] != self.fingerprint(output, reads):
                stale.append(output)
        return stale

    def fingerprint(self, output: plan.Output, reads: list) -> str:
        digests = self.digests
        template = self.templates.get(output.template, "") if output.template else ""
        parts = [self.site_digest, template, output.kind, output.path, repr(output.data)]
        parts += [digests[i][0] for i in output.cards]
        parts += [digests[i][1] for i in output.full]
        parts += [digests[i][1] if i in digests else "-" for i in reads[0]]
        if reads[1]:
            parts.append(self.counts_digest)
        return _digest(parts)

    def _digests_for(self, outputs: list[plan.Output]) -> None:
        """Card and full digests of every article these outputs name, and of what they read."""
        wanted = {i for o in outputs for i in (*o.cards, *o.full)}
        for output in outputs:
            before = self.previous.get(output.file)
            if before and before[1]:
                self.reads[output.file] = reads = json.loads(before[1])
                wanted.update(reads[0])
        self._load(wanted - set(self.digests))

    def _load(self, ids: set[str]) -> None:
        """These articles' cards and digests, from the store."""
        for ident, card, full, article_json in self.store.articles(ids):
            self.digests[ident] = (card, full)
            self.articles[ident] = from_json(json.loads(article_json))

    def _template_keys(self) -> dict[str, str]:
        """Per template: a digest of its source and of every template it pulls in."""
        stored = self.store.meta("template_keys")
        stamps = _digest([repr(sorted(self.site["templates"].items()))])
        if stored and stored[0] == stamps:
            return stored[1]
        from site_builder.render.templates import template_keys

        keys = template_keys(self.engine.env)
        self.engine.env.cache.clear()  # compiled templates are reloaded on change
        self.store.set_meta(template_keys=[stamps, keys])
        return keys

    # --- render ------------------------------------------------------------------------

    def render(self, stale: list[plan.Output]) -> dict[str, tuple[plan.Output, bytes, tuple]]:
        """Each stale output rendered: file -> (output, bytes, what it read)."""
        self._load({i for o in stale for i in (*o.cards, *o.full)} - set(self.articles))
        full_ids = {i for o in stale for i in o.full}
        self._load_bodies(full_ids)
        html = self._html(full_ids)
        renderer = self.renderer

        def one(output: plan.Output):
            return renderer.render(output, self.articles, html, self._body_of)

        results = fork_map(one, stale, PARALLEL_RENDER)
        return {o.file: (o, data, reads) for o, (data, reads) in zip(stale, results)}

    def _load_bodies(self, ids: set[str]) -> None:
        missing = [i for i in ids if i not in self.bodies]
        for ident, body in self.store.bodies(missing):
            self.bodies[ident] = body
        for ident in ids:
            article = self.articles[ident]
            if article.body != self.bodies[ident]:
                self.articles[ident] = _with_body(article, self.bodies[ident])

    def _body_of(self, ident: str) -> str:
        """A card's body, read from the store when a template asks for it."""
        if ident not in self.bodies:
            self.bodies.update(self.store.reader().bodies([ident]))
        return self.bodies.get(ident, "")

    def _html(self, ids: set[str]) -> dict[str, str]:
        """The HTML of these articles' bodies: from the store, else converted now."""
        raw = f"{self.config.allow_raw_html} {self.config.typography}"
        keys = {i: _digest([raw, self.bodies[i]]) for i in ids}
        known = {i: html for i, (key, html) in self.store.html(ids).items() if key == keys[i]}
        missing = [i for i in ids if i not in known]
        converted = self.engine.markdown.html_many([self.bodies[i] for i in missing])
        known.update(zip(missing, converted))
        self.store.put_html((i, keys[i], known[i]) for i in missing)
        return known

    # --- publish and commit ---------------------------------------------------------------

    def publish(
        self, outputs: list[plan.Output] | None, rendered: dict[str, tuple]
    ) -> tuple[int, set[str]]:
        """Write what differs from output/; return (files written, files removed).
        `outputs` is the whole plan, or None when only some outputs were looked at."""
        from site_builder.engine.publish import Publisher

        changed = {}
        for file, (_, data, _) in rendered.items():
            before = self.previous.get(file)
            if before is None or before[2] != _hash(data) or file in self.changed_files:
                changed[file] = data
        site = {o.file for o in outputs} if outputs is not None else self.files
        removed = self.files - site
        if not changed and not removed:
            return 0, removed
        publisher = Publisher(self.config, self.store.meta("publisher"))
        if self.engine.in_place and self.files and self.config.output_dir.is_dir():
            publisher.in_place(changed, removed)
        else:
            shared = not self.single & (site - publisher.lag - set(changed))
            publisher.staged(site, changed, removed, shared, keep=self.engine.keep_state)
        self.store.set_meta(publisher=publisher.state())
        return len(changed), removed

    def commit(self, rendered: dict[str, tuple], removed: set[str], full: bool) -> None:
        """Remember each rendered output: its plan entry, fingerprint, reads and file."""
        store, output_dir = self.store, self.config.output_dir
        rows, readers = [], []
        for file, (output, data, reads) in rendered.items():
            try:
                st = os.stat(output_dir / file)
            except OSError:
                continue
            reads = [list(reads[0]), reads[1]]
            rows.append(
                (
                    file,
                    json.dumps(_spec(output)),
                    self.fingerprint(output, reads),
                    json.dumps(reads) if reads != NO_READS else "",
                    _hash(data),
                    st.st_size,
                    st.st_mtime_ns,
                )
            )
            readers += [(i, file) for i in (*output.full, *reads[0])]
        store.put_outputs(rows, readers)
        store.drop_outputs(removed)
        memo = self.engine.memo
        if memo is not None and memo.outputs is not None:  # else not loaded: nothing to mend
            memo.outputs.update((row[0], (row[2], row[3], *row[4:])) for row in rows)
            for file in removed:
                memo.outputs.pop(file, None)
            if full:
                memo.plan = {o.file: o for o in self.outputs}
                memo.site = (self.site_digest, self.templates)
                memo.counts = self.counts_digest
        output = output_dir.resolve()
        store.set_meta(output=[str(output), output.lstat().st_ino], site=self.site["digest"])


class _Memo:
    """What a long-lived engine (watch, serve) keeps between builds instead of reading it
    from the store again; valid while the store is at the generation it last committed."""

    def __init__(self):
        self.clear()

    def clear(self) -> None:
        self.generation: int | None = None
        self.briefs: dict[str, tuple[Brief, str, str]] | None = None  # file -> brief, digests
        # file -> the store's row (Store.outputs), every output's once loaded: a build that
        # looked at a few outputs only must not leave a partial list to stand for all.
        self.outputs: dict[str, tuple] | None = None
        self.plan: dict[str, plan.Output] = {}  # file -> the plan entry last fingerprinted
        self.site: tuple | None = None  # site digest and template keys of that plan
        self.counts: str | None = None
        self.related: dict[str, tuple] = {}  # plan._Related's answers


def _probe(path: Path) -> tuple[int, int, str]:
    """A picture's size and format (images.py imports Pillow: only a build that meets a new
    or changed picture pays for it)."""
    from site_builder.content import images

    return images.probe(path)


def _menu_pages(rows: list) -> list:
    """The published pages as the menu needs them (slug, title, language), from the state."""
    from types import SimpleNamespace

    return [SimpleNamespace(slug=slug, title=title, lang=lang) for slug, title, lang in rows]


def _hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _with_body(article: Article, body: str) -> Article:
    import dataclasses

    return dataclasses.replace(article, body=body)


def _spec(output: plan.Output) -> list:
    return [output.path, output.kind, output.data, output.cards, output.full]


def _output(spec: list) -> plan.Output:
    path, kind, data, cards, full = spec
    return plan.Output(path, kind, _tuples(data), tuple(cards), tuple(full))


def _tuples(value: Any) -> Any:
    """JSON's lists back to the plan's tuples (data is compared by repr)."""
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value


def _totals(published: list[Article], outputs: list[plan.Output]) -> list[int]:
    pages = sum(1 for o in outputs if o.template)
    feeds = sum(1 for o in outputs if o.kind in plan.FEED_KINDS)
    return [len(published), pages, feeds, len(outputs)]


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
        return " ".join(f"{name} {seconds:.2f} s" for name, seconds in self.laps)
