"""Scan and load: which content files changed since the last build (their stamps, or the
watcher's list of paths), read again, and what the store keeps of them."""

from __future__ import annotations

import json
import logging
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from site_builder.config import SiteConfig
from site_builder.engine import scan
from site_builder.engine.keys import config_digest, digest, hash_bytes
from site_builder.engine.memo import Known
from site_builder.engine.store import Source, SourceRow, Store
from site_builder.errors import ErrorList, SiteBuilderError, Vanished
from site_builder.model import Brief, brief, to_json
from site_builder.parallel import fork_map

log = logging.getLogger("site_builder")

PARALLEL_READ = 500  # fewer content files a worker than this: forking costs more than it saves
# Content files read at a time, then put in the store and dropped: a cold build of 100,000
# articles does not hold every body.
READ_BATCH = 5000


@dataclass
class Changes:
    """What the scan and load found."""

    fresh: dict[str, Fresh] = field(default_factory=dict)  # path -> new or changed, not saved
    parsed: int = 0  # content files new or changed, saved (save_fresh)
    gone: set[str] = field(default_factory=set)  # content files deleted
    restamp: dict[str, Any] = field(default_factory=dict)  # same bytes, new stamp
    cards: bool = False  # an article came, went, or changed more than its body
    bodies: set[str] = field(default_factory=set)  # ids of articles whose body alone changed
    # ids of articles whose card changed and brief did not (a title, a summary): the plan
    # reads briefs only, so it is as it was, and only the outputs showing them change
    retitled: set[str] = field(default_factory=set)
    dirty: set[str] = field(default_factory=set)  # ids of every article that changed at all
    pictures: str | None = None  # digest of the bundles' picture stamps (full scans only)
    whole: bool = False  # the plan must be the whole site's (a picture changed)
    errors: list[SiteBuilderError] = field(default_factory=list)  # in path order
    markdown: list[str] = field(default_factory=list)  # *.markdown files (full scans only)
    seals: dict[str, str | None] | None = None  # a full scan's, by folder (scan.seals)


@dataclass(frozen=True, slots=True)
class Read:
    """A content file read: its bytes digest and what the store keeps of it."""

    hash: str
    id: str
    card: str  # digest of the card
    full: str  # digest of the card and the body
    brief: str
    article: str
    body: str


@dataclass(frozen=True, slots=True)
class Fresh:
    """A content file new or changed: its stamp as scanned, and what it read as."""

    stamp: tuple
    read: Read


def site_inputs(config: SiteConfig, drafts: bool, scanned_at: int) -> dict[str, Any]:
    """Stamps of templates and static files, the configuration, the drafts flag; and
    their digest, None if a stamp is too recent to trust (scan.stored)."""
    site: dict[str, Any] = {
        "config": config_digest(config),
        "drafts": drafts,
        "templates": scan.files(config.template_folders),
        "static": scan.files(config.static_folders),
        "locale": scan.files([config.locale_folder]),
    }

    def racy(kinds: tuple[str, ...]) -> bool:
        stamps = [stamp for kind in kinds for stamp in site[kind].values()]
        return any(scan.stored(stamp, scanned_at) == scan.RACY for stamp in stamps)

    site["racy_templates"] = racy(("templates",))
    rest_racy = racy(("static", "locale"))
    rest = {k: v for k, v in site.items() if k not in ("templates", "racy_templates")}
    racy_site = rest_racy or site["racy_templates"]
    site["digest"] = None if racy_site else digest([json.dumps(site, sort_keys=True)])
    # All of it but the templates: when only templates changed, only the pages made with
    # them change (their keys, made from their text, are in those pages' fingerprints).
    site["rest"] = None if rest_racy else digest([json.dumps(rest, sort_keys=True)])
    site["folders"] = [*config.template_folders, *config.static_folders, config.locale_folder]
    return site


def same_site(site: dict[str, Any], store: Store) -> bool:
    """Whether templates, static files and configuration are as the last build saw them:
    by their stamps; or, when only stamps moved (the site copied or restored elsewhere:
    other paths, inodes, ctimes), by their names and bytes."""
    if site["digest"] is None:
        return False
    if site["digest"] == store.meta("site"):
        return True
    if site_bytes(site) != store.meta("site_bytes"):
        return False
    store.set_meta(site=site["digest"], site_rest=site["rest"])
    return True


def only_templates(site: dict[str, Any], store: Store) -> bool:
    """Whether the configuration, static files and catalogues are as the last build saw
    them (by their stamps), whatever the templates are."""
    return site["rest"] is not None and site["rest"] == store.meta("site_rest")


def site_bytes(site: dict[str, Any]) -> str:
    """A digest of the configuration, and of each template, static file and catalogue by its name
    within its folder and its bytes (made once per build, when asked)."""
    if "bytes" not in site:
        parts = [site["config"], json.dumps(site["drafts"])]
        for number, folder in enumerate(site["folders"]):
            for path in sorted({**site["templates"], **site["static"], **site["locale"]}):
                if Path(path).is_relative_to(folder):
                    data = regular_bytes(path)
                    parts += [f"{number}:{Path(path).relative_to(folder)}", hash_bytes(data)]
        site["bytes"] = digest(parts)
    return site["bytes"]


def catalogue_digest(config: SiteConfig, site: dict[str, Any]) -> str:
    """The site's own catalogues by name and bytes (not place or time: a copied site's
    pages stay as they are): the words every page shows."""
    folder = config.locale_folder
    return digest(
        f"{Path(path).relative_to(folder)}:{hash_bytes(regular_bytes(path))}"
        for path in sorted(site["locale"])
    )


def regular_bytes(path: str | Path) -> bytes:
    """A regular file's bytes; a marker for anything else (a FIFO would block a read)."""
    try:
        if stat.S_ISREG(os.stat(path).st_mode):
            with open(path, "rb") as file:
                return file.read()
    except OSError:
        pass
    return b"\0not a regular file"


def scan_and_load(
    config: SiteConfig,
    store: Store,
    changed: set[Path] | None,
    scanned_at: int,
    known_briefs: dict[str, Known] | None,
) -> Changes:
    """Which content files changed, read again; all their errors kept together. Each
    batch of files read is saved as it comes (save_fresh; `known_briefs`: watch's memo)."""
    targeted = _targeted(config, changed)
    pictures = seals = None
    if targeted is None:
        found = scan.content(config)
        seals = scan.seals(found, scanned_at)
        known, stamps = _unsealed(config, store, found, seals)
        gone = set(known) - set(stamps)
        # A picture beside an article changed: its variants and the pages showing it.
        shots = sorted((p, scan.stored(s, scanned_at)) for p, s in found.pictures.items())
        racy = any(s == scan.RACY for _, s in shots)
        pictures = None if racy else digest([json.dumps(shots)])
    else:
        # Only these files' stamps: all 100,000 of them took 0.08-0.27 s of each step.
        known = store.stamps_of(str(p) for p in targeted)
        found = scan.paths(config, targeted)
        stamps = found.stamps
        gone = {str(p) for p in targeted if str(p) in known and str(p) not in stamps}
    for error in found.skipped:
        log.warning("%s", error)
    todo = scan.changed(stamps, known)
    old = {row.path: row for row in store.sources(p for p, _ in todo if p in known)}
    hashes = {path: row.hash for path, row in old.items()}
    changes = Changes(gone=gone, pictures=pictures, markdown=found.markdown, seals=seals)
    if targeted is None and (pictures is None or pictures != store.meta("pictures")):
        changes.cards = changes.whole = True
    briefs = store.source_briefs(old)
    for start in range(0, len(todo), READ_BATCH):
        chunk = todo[start : start + READ_BATCH]
        results = fork_map(
            lambda job: read_if_changed(config, job[0], hashes), chunk, PARALLEL_READ
        )
        for (path, stamp), result in zip(chunk, results):
            if isinstance(result, str):  # SAME
                changes.restamp[path] = stamp
                continue
            if isinstance(result, list):
                if os.path.lexists(path):
                    changes.errors += result  # reported with any duplicates the plan finds
                elif path in known:  # deleted between its stat and its reading
                    changes.gone.add(path)
                continue
            _compare(changes, path, stamp, result, old.get(path), briefs.get(path))
        del results
        save_fresh(store, changes, scanned_at, known_briefs)
    changes.dirty.update(row.id for row in store.sources(changes.gone))
    if changes.gone or changes.errors:
        changes.cards = True
    return changes


def _unsealed(
    config: SiteConfig, store: Store, found: scan.Found, seals: dict[str, str | None]
) -> tuple[dict[str, str], dict[str, tuple]]:
    """The stored stamps and the scan's of the folders of content/ whose seal is not the
    one the last full scan kept (scan.seals): every other folder's files are as stored."""
    kept = store.meta("stamps_seals") or {}
    every = seals.keys() | kept.keys()
    unsealed = [top for top in every if seals.get(top) is None or seals[top] != kept.get(top)]
    stamps = {p: s for top in unsealed for p, s in found.tops.get(top, {}).items()}
    if len(unsealed) == len(every):
        return store.stamps(), stamps  # (one read of them all is quicker)
    known: dict[str, str] = {}
    for top in unsealed:
        folder = scan.top_folder(config, top)
        below = store.stamps_below(folder)
        if not top:  # content/ itself: its own files, not its folders'
            below = {p: s for p, s in below.items() if os.sep not in p[len(folder) :]}
        known.update(below)
    return known, stamps


def _compare(
    changes: Changes,
    path: str,
    stamp: tuple,
    new: Read,
    before: SourceRow | None,
    brief_before: str | None,
) -> None:
    """Note what a content file read again changed: nothing but its stamp, its body, its
    card and not its brief, or more."""
    if before is not None and before.hash == new.hash:
        changes.restamp[path] = stamp
        return
    changes.fresh[path] = Fresh(stamp, new)
    changes.dirty.add(new.id)
    if before is not None:
        changes.dirty.add(before.id)
    if before is None or before.id != new.id:
        changes.cards = True
    elif before.card == new.card:
        changes.bodies.add(new.id)
    elif brief_before == new.brief and Brief(path, json.loads(new.brief)).kind == "article":
        changes.retitled.add(new.id)  # a page's title is in every page's menu: not here
    else:
        changes.cards = True


def _targeted(config: SiteConfig, changed: set[Path] | None) -> list[Path] | None:
    """The changed content files, when a look at those alone is enough; else None.

    Only plain *.md file changes are taken at their word; a folder created, moved or
    deleted (or no list at all) means a walk of the whole tree.
    """
    if changed is None:
        return None
    content = config.content_dir
    mine = [p for p in changed if p.is_relative_to(content) and not p.name.startswith(".#")]
    if any(p.suffix != ".md" or p.is_dir() for p in mine):
        return None
    return mine


SAME = "same bytes"  # read_if_changed: the file's bytes are as stored


def read_if_changed(
    config: SiteConfig, path: str, hashes: dict[str, str]
) -> Read | list[SiteBuilderError] | str:
    """SAME if the file's bytes have the digest stored for it, else what read() gives.

    A new stamp with the same bytes is a copied, checked-out or restored file (another
    inode, another ctime): digesting its bytes is far cheaper than parsing it again."""
    expected = hashes.get(path)
    if expected is not None and not os.path.islink(path):  # a link: read() checks its target
        try:
            with open(path, "rb") as file:
                if hash_bytes(file.read()) == expected:
                    return SAME
        except OSError:
            pass  # read() says why
    return read(config, path)


READS = 3  # a file found not there, yet there again, is read at most this often


def read(config: SiteConfig, path: str) -> Read | list[SiteBuilderError]:
    """A content file as the store keeps it, or its errors.

    A file not there when read but there now was saved again in between (an editor's or a
    sync tool's delete and rename): it is read again, not reported; one gone for good, or
    missing every time (a dangling link), comes back as its error, as scan_and_load expects."""
    for _ in range(READS):
        result = _read_once(config, path)
        vanished = isinstance(result, list) and any(isinstance(e, Vanished) for e in result)
        if not (vanished and os.path.lexists(path)):
            break
    return result


def _read_once(config: SiteConfig, path: str) -> Read | list[SiteBuilderError]:
    # Here: the loader brings PyYAML (~19 ms measured), which a build with nothing to read
    # does not pay.
    from site_builder.content import loader

    try:
        data = loader.read_file(config, Path(path))
        article = loader.parse(config, Path(path), data)
    except ErrorList as exc:
        return exc.errors
    except SiteBuilderError as exc:
        return [exc]
    body = article.body
    card_json = json.dumps(to_json(article) | {"body": ""}, ensure_ascii=False)
    # The file's path is in its card's digest, as a picture's relative address depends on
    # it, though not in the JSON kept (to_json).
    card = digest([path, card_json])
    return Read(
        hash_bytes(data),
        article.id,
        card,
        digest([card, body]),
        json.dumps(brief(article), ensure_ascii=False),
        card_json,
        body,
    )


def save_sources(
    store: Store, changes: Changes, scanned_at: int, briefs: dict[str, Known] | None
) -> None:
    """Keep what the scan and load found; bring the memo's briefs (if any) up to date."""
    store.drop_sources(changes.gone)
    save_fresh(store, changes, scanned_at, briefs)
    store.forget(changes.dirty)
    store.restamp((path, scan.stored(stamp, scanned_at)) for path, stamp in changes.restamp.items())
    if changes.pictures is not None:
        store.set_meta(pictures=changes.pictures)
    # Stored, every stamp is now the scan's (unless it looked at some files only: no seals).
    # A file that did not load keeps no stamp, but then the build fails and keeps nothing.
    if changes.seals != store.meta("stamps_seals"):
        store.set_meta(stamps_seals=changes.seals)
    if briefs is not None:
        for path in changes.gone:
            briefs.pop(path, None)


def save_fresh(
    store: Store, changes: Changes, scanned_at: int, briefs: dict[str, Known] | None
) -> None:
    """Put the content files read so far into the store (and the memo's briefs), and
    drop them from `changes`."""
    store.put_sources(
        Source(
            path,
            scan.stored(f.stamp, scanned_at),
            f.read.hash,
            f.read.id,
            f.read.card,
            f.read.full,
            f.read.brief,
            f.read.article,
            f.read.body,
        )
        for path, f in changes.fresh.items()
    )
    if briefs is not None:
        for path, f in changes.fresh.items():
            briefs[path] = Known(f.read.card, f.read.full, Brief(path, json.loads(f.read.brief)))
    changes.parsed += len(changes.fresh)
    changes.fresh.clear()
