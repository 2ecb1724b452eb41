"""The quick way through `site-builder build`: nothing changed, or only article bodies did.

The full cached build (buildcache.py) restores every article of the last build and decides
page by page what to render again; at 10,000 articles that alone takes seconds. Most
builds are smaller than that: an editor fixed a typo. So every build also leaves a small
outline of the site in the cache folder: each content file's stat, article id and digest,
each article page's neighbours and related articles (as cards: articles without their
body), the articles the feeds carry with their HTML, and the stat of every file in
output/. With it, a build in which no content file was added or removed and every changed
file differs only in its body renders just those articles' pages and the feeds that carry
them, and publishes those files. The disk is surveyed by a forked child (survey.py) while
this process loads the outline and imports the renderer.

Anything else goes the full way, which comes to the same result: a new, deleted or
renamed file, a changed title, date, region or other listed field, templates, the
configuration or the code, an article coming out of the future, a file in output/ that
is not as the last build left it, a symbolic link in content/, an error. The full build's
own cache may then be older than the outline; it is keyed by content digests and checks
the files on disk, so it only redoes what the quick builds did.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import importlib
import logging
import os
import pickle
from pathlib import Path
from typing import Any

from site_builder import urls
from site_builder.assets import static_files
from site_builder.atomic import write_atomic
from site_builder.config import DEFAULT_THEME, SiteConfig
from site_builder.errors import SiteBuilderError
from site_builder.model import Article
from site_builder.survey import Survey, output_stamps
from site_builder.writer import site_files

log = logging.getLogger("site_builder")

# A full build writes the first three; a quick build writes only the journal, its changes
# to the last two since then (a few entries, not the 20,000 stamps of a 10,000-article site).
OUTLINE_FILE = "outline.pickle"          # what only a full build changes
CHANGES_FILE = "outline-changes.pickle"  # feed_html and publisher: what publishing needs
DISK_FILE = "outline-disk.pickle"        # stamps and output: what the survey compares with
JOURNAL_FILE = "outline-journal.pickle"  # quick builds' changes to the two above
CHANGING = ("feed_html", "publisher")
ON_DISK = ("stamps", "output")
JOURNAL_MAX = 2000  # entries; past this the journal is folded into the files it amends


@dataclasses.dataclass
class Outline:
    """What the quick way needs to know of the last build."""

    key: tuple                       # code, configuration, drafts: as buildcache keys it
    theme: str                       # digest of every template file
    # Per file and per article, pickled one by one: a build reads a handful of the 10,000.
    identity: dict[str, bytes]       # content file -> (article id, card digest)
    release: dt.datetime | None      # when the next future-dated article comes out
    cards: dict[str, bytes]          # id -> the pickled article without its body
    links: dict[str, bytes]          # id -> ids of its newer, older and related articles
    counts: dict[str, int]           # articles per region (the menu)
    feed_ids: tuple[str, ...]        # the articles some feed carries, newest first
    feed_html: dict[str, str]        # their HTML
    publisher: dict[str, Any]        # Publisher.state()
    totals: tuple[int, int, int, int]  # articles, pages, feeds, files: for the summary line
    static: frozenset[str] = frozenset()  # the static files published (as site paths)
    generation: str = ""             # pairs the files it is saved in
    # Only as a full build made them (a quick build reads them in the survey's child):
    stamps: dict[str, tuple[int, int, int]] | None = None  # content file -> its stat
    output: dict[str, tuple[int, int]] | None = None      # published file -> (size, mtime)
    journal: dict[str, Any] = dataclasses.field(default_factory=dict)  # see _new_journal


def outline_of(builder: Any, key: tuple, theme: str,
               output: dict[str, tuple[int, int]]) -> Outline:
    """The outline of the site a full build (IncrementalBuilder) just made."""
    from site_builder import feeds, render

    config, articles = builder.config, builder.articles
    carried = {a.id for spec in feeds.feed_specs(config, articles) for a in spec.articles}
    feed_ids = tuple(a.id for a in articles if a.id in carried)
    return Outline(
        key=key, theme=theme,
        identity={str(path): _pickled((s.article.id, s.card))
                  for path, s in builder.sources.items() if s.article is not None},
        stamps={str(path): s.stamp for path, s in builder.sources.items()
                if s.article is not None},
        release=builder.release,
        cards={a.id: _pickled(dataclasses.replace(a, body="")) for a in articles},
        links={ident: _pickled(links) for ident, links in builder.links.items()},
        counts=render.region_counts(config, articles),
        feed_ids=feed_ids,
        feed_html={i: builder.html[i][1] for i in feed_ids},
        output=output,
        publisher=builder.publisher.state(),
        totals=builder.totals(),
        static=frozenset(static_files(config)),
    )


def _pickled(value: Any) -> bytes:
    return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)


def _unpickled(data: bytes) -> Any:
    return pickle.loads(data)  # noqa: S301 - our own file, in the site's cache folder


def save(config: SiteConfig, outline: Outline) -> None:
    """Save a full build's outline (stamps and output included), a new generation of it."""
    outline.generation = os.urandom(8).hex()
    fixed = {f.name: getattr(outline, f.name) for f in dataclasses.fields(outline)
             if f.name not in CHANGING + ON_DISK + ("journal",)}
    _save_parts(config, outline, [(OUTLINE_FILE, fixed)])


def _save_parts(config: SiteConfig, outline: Outline, more: list[tuple[str, dict]]) -> None:
    """Write the changing parts whole (and `more` files), with an empty journal."""
    parts = more + [(CHANGES_FILE, {name: getattr(outline, name) for name in CHANGING}),
                    (DISK_FILE, {name: getattr(outline, name) for name in ON_DISK}),
                    (JOURNAL_FILE, _new_journal(outline.generation))]
    for _, part in parts:
        part["generation"] = outline.generation
    _write(config, parts)


def _save_journal(config: SiteConfig, outline: Outline) -> None:
    """After a quick build: its changes in the journal, or folded into the files if many."""
    journal = outline.journal
    if len(journal["stamps"]) + len(journal["output"]) <= JOURNAL_MAX:
        _write(config, [(JOURNAL_FILE, journal)])
        return
    try:
        disk = _read(config, DISK_FILE)
    except Exception:  # noqa: BLE001 - then the next build goes the full way
        return
    if disk["generation"] != outline.generation:
        return  # a full build replaced the outline meanwhile
    for name in ON_DISK:
        disk[name].update(journal[name])  # the journal as read, plus this build's changes
    outline.stamps, outline.output = disk["stamps"], disk["output"]
    _save_parts(config, outline, [])


def _write(config: SiteConfig, parts: list[tuple[str, dict]]) -> None:
    folder = config.cache_dir
    try:
        for name, part in parts:
            write_atomic(folder / name, _pickled(part), durable=False)
    except OSError as exc:
        log.warning("%s: cannot write the build cache: %s", folder, exc.strerror)


def _new_journal(generation: str) -> dict[str, Any]:
    """What quick builds changed since the last full save: new content stamps, new output
    stamps, the publisher's previous site and lag, feed HTML."""
    return {"generation": generation, "stamps": {}, "output": {}, "publisher": {},
            "feed_html": {}}


def load(config: SiteConfig, key: tuple) -> Outline | None:
    """The outline the last build left, if there is one for this code and configuration;
    without stamps and output, which the survey reads."""
    try:
        fixed = _read(config, OUTLINE_FILE)
        changing = _read(config, CHANGES_FILE)
        journal = _read(config, JOURNAL_FILE)
        generations = {fixed["generation"], changing.pop("generation"), journal["generation"]}
        if fixed.get("key") != key or len(generations) != 1:  # parts of different builds
            return None
        changing["publisher"].update(journal["publisher"])
        changing["feed_html"].update(journal["feed_html"])
        return Outline(**fixed, **changing, journal=journal)
    except FileNotFoundError:
        return None
    except Exception as exc:  # noqa: BLE001 - an unreadable outline is simply not used
        log.debug("%s: outline unreadable (%s)", config.cache_dir, exc)
        return None


def load_disk(config: SiteConfig) -> dict[str, Any] | None:
    """Stamps and output as the last build (full, then quick ones) left them; None if
    unreadable."""
    try:
        disk, journal = _read(config, DISK_FILE), _read(config, JOURNAL_FILE)
        if disk["generation"] != journal["generation"]:
            return None
        for name in ON_DISK:
            disk[name].update(journal[name])
        return disk
    except Exception:  # noqa: BLE001 - an unreadable outline is simply not used
        return None


def _read(config: SiteConfig, name: str) -> dict[str, Any]:
    with open(config.cache_dir / name, "rb") as handle:
        part = pickle.load(handle)  # noqa: S301 - our own file, in the site's cache folder
    if not isinstance(part, dict):
        raise ValueError(f"{name} holds no outline")
    return part


def theme_digest(config: SiteConfig) -> str:
    """A digest of every file the template loader can see (the site's, then the theme's)."""
    digest = hashlib.blake2b(digest_size=16)
    folders = [config.templates_dir]
    if config.templates_dir.resolve() != DEFAULT_THEME:
        folders.append(DEFAULT_THEME)
    for folder in folders:
        digest.update(os.fsencode(folder) + b"\0")
        for name in sorted(site_files(folder)):
            digest.update(name.encode("utf-8", "surrogateescape") + b"\0")
            try:
                digest.update((folder / name).read_bytes())
            except OSError:
                digest.update(b"\1unreadable")
    return digest.hexdigest()


def build(config: SiteConfig, key: tuple, theme: str) -> tuple[Outline, str] | None:
    """Build the quick way if the change allows it: (outline, account), else None.

    `theme` is theme_digest() taken before anything was read.
    """
    survey = Survey(config.content_dir, config.output_dir, lambda: load_disk(config))
    try:
        return _build(config, key, theme, survey)
    finally:
        survey.close()


def _build(config: SiteConfig, key: tuple, theme: str,
           survey: Survey) -> tuple[Outline, str] | None:
    outline = load(config, key)
    if outline is None or theme != outline.theme:
        return None
    if outline.release is not None and dt.datetime.now(dt.timezone.utc) >= outline.release:
        return None
    for module in ("site_builder.loader", "site_builder.render", "site_builder.markup"):
        if not survey.waiting():
            break
        importlib.import_module(module)  # what an edit needs, while the child finds out
    changed = survey.changed(outline.generation)
    if changed is None:
        return None
    edited = _edited(config, outline, changed)
    if edited is None:
        return None
    done = _render(config, outline, edited)
    if done is None:
        return None
    files, rendered = done
    if not survey.output_intact(outline.generation):
        return None  # someone changed output/: the full way repairs it
    written, deleted = _publish(config, outline, files, bool(changed))
    what = "only bodies changed" if changed else "nothing changed"
    return outline, (f"{len(changed)} parsed, {rendered} rendered, {written} written, "
                     f"{deleted} deleted ({outline.totals[0]} articles; quick: {what})")


def _edited(config: SiteConfig, outline: Outline,
            changed: dict[str, tuple[int, int, int]]) -> list[Article] | None:
    """The changed files read again, if each differs from before in its body alone."""
    from site_builder import loader
    from site_builder.fingerprint import card_digest

    edited = []
    for path in changed:
        try:
            article = loader.load_file(config, Path(path))
        except SiteBuilderError:
            return None  # the full way reports it
        if (article.id, card_digest(article)) != _unpickled(outline.identity[path]):
            return None
        outline.journal["stamps"][path] = changed[path]
        edited.append(article)
    return edited


def _render(config: SiteConfig, outline: Outline, edited: list[Article]
            ) -> tuple[dict[str, bytes], int] | None:
    """The pages of the edited articles and the feeds that carry them, with the static
    files (read each time, as the full way does); and how many files were rendered. None
    if static files came or went (the theme's give way to a site's own, say)."""
    static = static_files(config)
    if static.keys() != outline.static:
        return None
    fresh = {a.id: a for a in edited if a.id in outline.links}  # drafts, future ones: no page
    files = _pages_and_feeds(config, outline, fresh) if fresh else {}
    rendered = len(files)
    files.update(static)
    return files, rendered


def _pages_and_feeds(config: SiteConfig, outline: Outline,
                     fresh: dict[str, Article]) -> dict[str, bytes]:
    from site_builder import render
    from site_builder.markup import Renderer

    files: dict[str, bytes] = {}
    html = dict(zip(fresh, Renderer(config).html_many([a.body for a in fresh.values()])))
    cards: dict[str, Article] = {}

    def card(ident: str | None) -> Article | None:
        if ident is None:
            return None
        if ident not in cards:
            cards[ident] = fresh.get(ident) or _unpickled(outline.cards[ident])
        return cards[ident]

    renderer = render.PageRenderer(config, (), html, counts=outline.counts)
    for article in fresh.values():
        newer, older, related = _unpickled(outline.links[article.id])
        page = render.article_page_of(config, article, card(newer), card(older),
                                      [card(r) for r in related])
        files[urls.output_file(page.path)] = renderer.render(page)
    carried = set(fresh) & set(outline.feed_ids)
    if carried:  # (feedgen and lxml are imported only then: most edits are older articles)
        from site_builder import feeds

        outline.feed_html.update((i, html[i]) for i in carried)
        outline.journal["feed_html"].update((i, html[i]) for i in carried)
        subset = [card(i) for i in outline.feed_ids]
        for spec in feeds.feed_specs(config, subset):
            if any(a.id in carried for a in spec.articles):
                files.update(feeds.spec_files(config, spec, outline.feed_html))
    return files


def _publish(config: SiteConfig, outline: Outline, files: dict[str, bytes],
             parsed: bool) -> tuple[int, int]:
    """Publish the site with these files replaced; keep the outline up to date."""
    from site_builder.publish import Publisher

    publisher = Publisher(config, keep_previous=True)
    publisher.adopt(outline.publisher)
    everything: dict[str, bytes | None] = dict.fromkeys(outline.publisher["published"])
    everything.update(files)
    written, deleted = publisher.publish(everything)
    if parsed or written or deleted:
        # The same files as the last full build (_render makes sure of the static ones), so
        # the list of them stays as it is: only the kept site and its lag change.
        state, journal = publisher.state(), outline.journal
        journal["publisher"].update((k, v) for k, v in state.items() if k != "published")
        journal["output"].update(output_stamps(config.output_dir, set(files)))
        outline.publisher = state
        _save_journal(config, outline)
    return written, deleted
