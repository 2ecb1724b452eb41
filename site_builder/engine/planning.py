"""The plan stage: every output of the site from every article's brief (render/plan.py),
or, when only bodies changed, the outputs that read those bodies as the last plan made
them; and what the site-wide values (counts, menu, release time) are now."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

from site_builder.atomic import write_atomic
from site_builder.config import SiteConfig
from site_builder.content import curation, imageref, loader
from site_builder.engine import replan, scan
from site_builder.engine.articles import ArticleCache
from site_builder.engine.keys import config_digest, hash_bytes
from site_builder.engine.memo import Known, Memo
from site_builder.engine.shelf import Shelf
from site_builder.engine.sources import Changes, regular_bytes
from site_builder.engine.store import KEPT_FILE, Store, Stored
from site_builder.errors import ContentError, ErrorList, SiteBuilderError
from site_builder.model import Article, Brief, dump, load
from site_builder.render import assets, plan
from site_builder.render.editions import language_of
from site_builder.render.kept import Kept
from site_builder.render.outputs import FEED_KINDS, Output, Picture, StaticData
from site_builder.render.related import Answers
from site_builder.render.renderer import Renderer
from site_builder.render.scope import Scope

log = logging.getLogger("site_builder")

DRIFT = 50  # articles changed since the indexes were dumped, at least, before a new dump


@dataclass(frozen=True, slots=True)
class Probe:
    """What the state keeps of a picture file's header and bytes, valid while its stamp is
    this."""

    stamp: str
    digest: str  # of its bytes
    width: int
    height: int
    format: str


@dataclass
class Planned:
    """The outputs to look at, and what the last build left of them."""

    outputs: list[Output]
    previous: dict[str, Stored]  # of every output for a full plan, else of those looked at
    # Every file of the last build; None: not read, the plan kept the last one's outputs
    # and so publishes the same files (stages.StoredFiles asks the state for a few).
    files: set[str] | None = field(default_factory=set)
    removed: set[str] = field(default_factory=set)  # by a plan from the change
    kept: bool = False  # every output is the plan entry the store has (the last plan's)


class Planner:
    """Plans one build over the store; tells the renderer the site-wide values it found."""

    def __init__(
        self,
        config: SiteConfig,
        store: Store,
        memo: Memo,
        cache: ArticleCache,
        renderer: Renderer,
    ):
        """A plan from the change leaves its indexes in the state folder for the next
        command's, or watch's next session's (`_kept`): a command's memo goes with its
        build, watch's is kept."""
        self.config, self.store, self.memo = config, store, memo
        self.cache, self.renderer = cache, renderer
        self.menu_pages: list[list[str]] = []

    def whole_site(
        self,
        now: dt.datetime,
        drafts: bool,
        errors: Sequence[SiteBuilderError],
        dirty: set[str],
    ) -> Planned:
        """Every output of the site, from every article's card; `errors`: the load's, raised
        with any duplicate ids found here."""
        config, memo = self.config, self.memo
        if memo.outputs is None:
            memo.outputs = self.store.outputs()
        shelf, shown, published, pages = self._published(now, drafts, errors)
        self.memo.sitemap_pages = None  # made again from every output below
        counts = self._counts(shelf, published, drafts, now)
        self._site_wide(counts, pages)
        # A static file by its bytes, not its stamp: one saved again as it was (or the
        # site copied) is the same file, and the plan entry stays what a clean build makes.
        name = site_names(config)
        static = {
            path: StaticData(name(source), hash_bytes(regular_bytes(source)))
            for path, source in assets.static_sources(config).items()
        }
        pictures = self._pictures(published)
        answers = self._answers()
        gone = answers.ids() - {a.id for a in published}
        scope = Scope()
        outputs = plan.plan_site(
            config,
            published,
            static,
            answers,
            dirty | gone,
            pages,
            pictures,
            now=now,
            scope=scope,
            counts=counts,
        )
        self._save_answers(answers, gone)
        check_folders(config, outputs, shown)
        self._keep(shelf, shown, published, now, drafts, _totals(published, outputs), scope)
        return Planned(outputs, memo.outputs, set(memo.outputs))

    def from_change(self, now: dt.datetime, drafts: bool, changes: Changes) -> Planned | None:
        """The outputs a change to some articles reaches (replan.py), or None where the
        change needs the whole plan."""
        config, store = self.config, self.store
        if changes.errors or config.languages:
            return None
        shelf, shown, published, pages = self._published(now, drafts, ())
        if changes.dirty.intersection(p.id for p in pages):  # in the menu of every page
            return None
        # A preview labels scheduled stories on every page that shows them: only the changed
        # ones' labels may change here (their pages and listings are planned), not another's
        # (a clock set back; a release is a whole plan already).
        others = set(store.meta("scheduled") or ()) - changes.dirty
        if set(scheduled_of(shown, now)) - changes.dirty != others:
            return None
        found = replan.reach(replan.Change(config, store, published, changes.dirty))
        counts = self._counts(shelf, published, drafts, now)
        before = store.meta("counts") or {}
        if found is None or plan.nav(config, counts) != plan.nav(config, before):
            return None
        scope, readers = found
        self._site_wide(counts, pages)
        pictures = self._pictures(published)
        answers = self._answers()
        gone_ids = answers.ids() - {a.id for a in published}
        dirty = changes.dirty | gone_ids
        if self.memo.kept is None:
            self.memo.kept = self._kept()
        planned = plan.plan_site(
            config,
            published,
            {},
            answers,
            dirty,
            pages,
            pictures,
            now=now,
            scope=scope,
            kept=self.memo.kept,
            counts=counts,
        )
        if not self._same_names(scope, planned, published, changes.dirty):
            return None
        found_outputs = replan.looked_at(
            store,
            scope,
            planned,
            readers,
            changes.dirty,
            published,
            pages,
            pictures,
            self.memo.kept,
            self.memo.sitemap_pages,
        )
        if found_outputs is None:
            return None
        looked, gone, entries = found_outputs
        if counts != before:
            looked += replan.stored(
                store, store.count_readers() - {o.file for o in looked}
            ).values()
        previous = store.outputs(o.file for o in looked)
        if self.memo.paths is None:
            self.memo.paths = store.output_paths()
        files = set(self.memo.paths)  # the publish reads it after the commit mends the memo
        if replan.clashes(store, looked, previous, files):
            return None
        self._save_answers(answers, gone_ids)
        self.memo.sitemap_pages = entries  # what the commit leaves in the store
        totals = replan.totals(store.meta("totals"), published, looked, previous, gone)
        self._keep(shelf, shown, published, now, drafts, totals, scope)
        if not self.memo.dumped:  # once a session: watch's next session starts from it
            self._dump_kept(self.memo.kept)
            self.memo.dumped = True
        return Planned(looked, previous, files, set(gone))

    # The indexes a plan from the change keeps over every article (render/kept.py), left by
    # a command's plan for the next command's. Each article's version is its digest (of its
    # card, path and body: all its brief is made from); the stamp, the code's and the
    # configuration's: indexes made by other code, or for other settings, are not used.
    def _kept(self) -> Kept:
        """The indexes the last command's plan left, if any fit; else none yet."""
        path = self._kept_file()
        try:
            data = path.read_bytes() if path else b""
        except OSError:
            return Kept()
        return Kept.restore(data, self._versions, self._stamp) or Kept()

    def _dump_kept(self, kept: Kept) -> None:
        """Dump the indexes, unless those restored differ by a few articles only: applying
        a few changes more costs the next build less than a dump costs this one (100,000
        stories: a dump ~0.3 s, a hundred changes more a few ms)."""
        path = self._kept_file()
        if path is None:  # a build that leaves no state
            return
        if kept.drift is not None and kept.drift <= max(DRIFT, len(kept.briefs) // 100):
            return
        data = kept.dump(self._versions, self._stamp)
        if data is None:
            return
        try:  # made again whenever lost: not worth an fsync, nor a failed build
            write_atomic(path, data, durable=False)
        except OSError as exc:
            log.debug("%s: not kept (%s)", KEPT_FILE, exc)

    def _kept_file(self) -> Path | None:
        return self.store.path.parent / KEPT_FILE if self.store.path else None

    # Once a plan: the briefs, and so the digests, are all loaded before the indexes are.
    @cached_property
    def _versions(self) -> dict[str, str]:
        return {ident: digests.full for ident, digests in self.cache.digests.items()}

    @cached_property
    def _stamp(self) -> list[str]:
        return [str(self.store.meta("key")), config_digest(self.config)]

    def _same_names(
        self, scope: Scope, planned: list[Output], published: Sequence[Brief], dirty: set[str]
    ) -> bool:
        """Whether the names' addresses are as the last plan left them (so the families
        found for the changed articles are theirs), and each is planned."""
        moved = {(f, n): p for f, n, p in self.store.meta("moved") or ()}
        if scope.moved != moved:
            return False
        fronts = {o.path for o in planned if o.kind == "listing"}
        return all(
            replan.families_of(self.config, a, moved) <= fronts for a in published if a.id in dirty
        )

    def _published(
        self, now: dt.datetime, drafts: bool, errors: Sequence[SiteBuilderError]
    ) -> tuple[Shelf, Sequence[Brief], list[Brief], list[Brief]]:
        """Every content file's brief (the shelf), those shown, the articles and the pages
        published, newest first; raises the load's errors with any duplicate ids."""
        shelf = self._shelf()
        found = list(errors)
        if shelf.claimed_twice():
            # The loader's checks read only fields a Brief has too; they are typed for Articles.
            found += loader.duplicates(self.config, cast(list[Article], shelf.in_path_order()))
        if found:
            raise ErrorList(found)
        published = shelf.shown("article", drafts, now)
        pages = shelf.shown("page", drafts, now)
        return shelf, [*published, *pages], published, pages

    def _site_wide(self, counts: dict[str, Any], pages: Sequence[Brief]) -> None:
        """The counts and the menu of pages, told to the renderer."""
        self.renderer.set_counts(counts)
        self.cache.load(p.id for p in pages)
        menu_pages = [[p.slug, self.cache.articles[p.id].title, p.lang] for p in pages]
        self.renderer.set_pages(menu_pages_of(menu_pages))
        self.menu_pages = menu_pages

    def _keep(
        self,
        shelf: Shelf,
        shown: Sequence[Brief],
        published: Sequence[Brief],
        now: dt.datetime,
        drafts: bool,
        totals: list[int],
        scope: Scope,
    ) -> None:
        """What the plan found that the next build starts from, in the state."""
        waiting = [a.date for a in shelf.waiting(now)]
        # A preview shows future articles labelled "Scheduled for ...": the label goes when
        # their time comes (the release below makes that build a full plan).
        scheduled = scheduled_of(shown, now)
        self.renderer.set_scheduled(scheduled)
        # A featured story's expiry changes the front page with no file changed.
        featured = [a for a in shelf.featured.values() if a.kind == "article"]
        waiting += curation.expiries(_among(featured, drafts, now), now)
        left_out = (
            []
            if drafts
            else [
                (str(a.path), "draft" if a.draft else a.date.isoformat())
                for a in shelf.left_out(now)
            ]
        )
        self.store.set_meta(
            counts=self.renderer.counts,
            published=len(published),
            left_out=left_out,
            menu_pages=self.menu_pages,
            release=min(waiting).timestamp() if waiting else None,
            scheduled=scheduled,
            totals=totals,
            moved=sorted([f, n, p] for (f, n), p in scope.moved.items()),
        )

    def readers_of(
        self,
        bodies: set[str],
        cards: frozenset[str] | set[str] = frozenset(),
        kinds: set[str] | frozenset[str] = frozenset(),
    ) -> Planned:
        """The outputs that read these articles' bodies, or show these cards, and those of
        these kinds, as the last plan made them (the plan reads briefs and the site's
        configuration only: with every brief and the configuration as they were, it is)."""
        paths = self.store.body_readers(bodies | cards) | self.store.card_readers(cards)
        paths |= self.store.of_kinds(kinds)
        outputs = list(replan.stored(self.store, paths).values())
        return Planned(outputs, self.store.outputs(paths), None, kept=True)

    def _answers(self) -> Answers:
        """Related articles as the last plan found them: the memo's, else the store's if
        found under this configuration (its languages decide which articles are compared)."""
        memo, store = self.memo, self.store
        key = config_digest(self.config)
        if store.meta("related_key") != key:
            store.drop_related()
            store.set_meta(related_key=key)
            memo.related = None
        if memo.related is None:
            memo.related = Answers(
                None, store.related_candidates, store.related_ids(), store.related
            )
        return memo.related

    def _save_answers(self, answers: Answers, gone: set[str]) -> None:
        """The answers scored by this plan kept in the build's transaction: a build that
        fails keeps the last ones, which go with the state it keeps."""
        answers.drop(gone)
        self.store.drop_related(gone)
        scored = sorted(answers.scored)
        self.store.put_related((i, answers.found[i], answers.candidates[i]) for i in scored)
        answers.scored.clear()

    def _counts(
        self, shelf: Shelf, published: Sequence[Brief], drafts: bool, now: dt.datetime
    ) -> dict[str, Any]:
        """Articles per region; on a site in several languages, per language."""
        config = self.config
        if not config.languages:
            return shelf.region_counts((r.slug for r in config.regions), drafts, now)
        return {
            lang.code: plan.region_counts(
                config,
                [a for a in published if language_of(a, config) == lang.code],
            )
            for lang in config.languages
        }

    def _shelf(self) -> Shelf:
        """Every content file's brief (and digests), sifted and sorted: from the store, or
        the memo brought up to date. By file, not by id: two files with one id are an error
        to report."""
        memo = self.memo
        if memo.briefs is None:  # else save_sources brought it up to date
            rows, briefs = self.store.briefs()
            memo.briefs = {
                path: Known(card, full, Brief(path, values))
                for (path, card, full), values in zip(rows, json.loads(briefs))
            }
        self.cache.digests.update((k.brief.id, k) for k in memo.briefs.values())
        if memo.shelf is None:
            memo.shelf = Shelf()
        memo.shelf.update(memo.briefs)
        return memo.shelf

    def _pictures(self, articles: Sequence[Brief]) -> dict[str, Picture]:
        """Each article's own lead picture (a file of the site, not a remote URL): where it
        is, the digest of its bytes and its size, read only when its stamp moved."""
        config, name = self.config, site_names(self.config)
        probes = {
            key: load(Probe, value) for key, value in (self.store.meta("probes") or {}).items()
        }
        seen: dict[str, Probe] = {}
        found: dict[str, Picture] = {}
        errors: list[SiteBuilderError] = []
        for article in articles:
            if not article.image_url or article.image_url.startswith(("http://", "https://")):
                continue
            try:
                ref = imageref.resolve_image(
                    article.image_url, article.path, config.content_dir, config.static_folders
                )
                if isinstance(ref, imageref.RemoteImage):
                    continue
                key, stamp = str(ref.path), scan.text(scan.stamp(os.stat(ref.path)))
                known = probes.get(key)
                probe = known if known and known.stamp == stamp else _probe(ref.path, stamp)
            except SiteBuilderError as exc:
                where = loader.field_line(article.path, ("image",))
                errors.append(type(exc)(exc.message, config.shown(article.path), where))
                continue
            except OSError as exc:
                errors.append(
                    ContentError(
                        f"image.url: cannot read {exc.filename}: {exc.strerror}",
                        config.shown(article.path),
                    )
                )
                continue
            seen[key] = probe
            found[article.id] = Picture(
                name(ref.path),
                probe.digest,
                ref.static_path,
                probe.width,
                probe.height,
                probe.format,
            )
        self.store.set_meta(probes={key: dump(probe) for key, probe in seen.items()})
        if errors:
            raise ErrorList(errors)
        return found


def _probe(path: Path, stamp: str) -> Probe:
    """A picture's size and format, read from its header, and its bytes' digest."""
    from site_builder.content import images  # Pillow: ~15 ms that a site without pictures skips

    width, height, kind = images.probe(path)
    return Probe(stamp, hash_bytes(regular_bytes(path)), width, height, kind)


def site_names(config: SiteConfig) -> Callable[[Path], str]:
    """How the plan names a file it copies or reads (a static file, a picture), resolved:
    one in the site's folder relative to it, so a site copied elsewhere, or its cache
    restored by CI into another checkout, plans the same entries and renders nothing
    again; one outside it (the theme's, in the installed package) by its absolute path.
    SiteConfig.file_at finds either."""
    inside = str(config.root.resolve()) + os.sep

    def name(path: Path) -> str:
        text = str(path)  # resolved, as `inside` is: a prefix is a folder's
        return text[len(inside) :] if text.startswith(inside) else text

    return name


def _among(briefs: Sequence[Brief], drafts: bool, now: dt.datetime) -> list[Brief]:
    """Those of these briefs a build shows (loader.publishable's rule, in any order)."""
    return [a for a in briefs if drafts or (not a.draft and a.date <= now)]


def scheduled_of(shown: Sequence[Brief], now: dt.datetime) -> list[str]:
    """The ids of the future articles shown (only a preview shows them), in order."""
    return sorted(a.id for a in shown if not a.draft and a.date > now)


def menu_pages_of(rows: list) -> list[SimpleNamespace]:
    """The published pages as the menu needs them (slug, title, language), from the state."""
    return [SimpleNamespace(slug=slug, title=title, lang=lang) for slug, title, lang in rows]


def _totals(published: Sequence[Article | Brief], outputs: list[Output]) -> list[int]:
    pages = sum(1 for o in outputs if o.template)
    feeds = sum(1 for o in outputs if o.kind in FEED_KINDS)
    return [len(published), pages, feeds, len(outputs)]


def check_folders(config: SiteConfig, outputs: Sequence[Output], briefs: Sequence[Brief]) -> None:
    """No file of the site where another needs a folder (a static file `articles/2026`
    and an article's page below it): named by the content or static file that makes it,
    not by the staging folder the write would fail in."""
    files = {o.file: o for o in outputs}
    needs: dict[str, Output] = {}  # file in the way -> an output below it, an article's first
    for output in outputs:
        parts = output.file.split("/")
        for n in range(1, len(parts)):
            folder = "/".join(parts[:n])
            if folder in files:
                if folder not in needs or (_is_content(output) and not _is_content(needs[folder])):
                    needs[folder] = output
                break
    if needs:
        raise ErrorList([_clash(config, o, files[f], f, briefs) for f, o in needs.items()])


def _is_content(output: Output) -> bool:
    return output.kind in ("article", "page") and bool(output.full)


def _clash(
    config: SiteConfig, needs: Output, there: Output, folder: str, briefs: Sequence[Brief]
) -> SiteBuilderError:
    """The error for `there` being a file at `folder`, where `needs` needs a folder."""
    paths = {b.id: b.path for b in briefs}

    def made_by(output: Output) -> str:
        if isinstance(output.data, StaticData):
            return str(config.shown(config.file_at(output.data.source)))
        if _is_content(output):
            return str(config.shown(paths[output.full[0]]))
        return f"the site's own {output.kind} file"

    if _is_content(needs):
        path = paths[needs.full[0]]
        return ContentError(
            f"its address /{needs.path} needs /{folder}/ to be a folder, but {made_by(there)} "
            f"is a file there; rename one of them",
            config.shown(path),
            loader.field_line(path, ("slug", "date")),
        )
    return SiteBuilderError(
        f"{made_by(there)} is a file at /{folder}, where {made_by(needs)} "
        f"(/{needs.file}) needs a folder; rename one of them"
    )
