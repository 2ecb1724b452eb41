"""A plan from the change: when a few articles came, went or changed more than their card
(a move, a new tag, a new date), only the parts of the site they reach are planned, from
the store's indexes of what showed them, not every output of the site.

What a change to articles D reaches:

- listing families (scope.py): the front page, every region's first page (its rail shows
  the other regions' newest), the families D is in now (by its briefs) and was in (the
  listing pages and feeds that showed D: the store's card readers); of each, the pages
  from the oldest that shows or showed D (pages are counted from the oldest, plan.py) or
  from the newest numbered page before or now, whichever is older; all its pages if its
  heading or feeds changed;
- article pages: D's, their neighbours in time and in their region ("More from"), those
  whose related articles are found again (related.py), and every one that showed D;
- the archive months D is and was in, the names' and months' index pages, the subscribe
  page, corrections, the news sitemap, the OPML; and the sitemaps: the pages' made from
  the entries the store kept with this plan's put in their place, the articles' from the
  first that holds D, now or before, on (they list the oldest first: sitemaps.py);
- any other output that showed D is looked at as the store keeps it (its sitemap entry
  made again: a listing's lastmod is its newest story's).

Files of those families that a whole plan would no longer make are removed. Whatever the
rules above do not cover needs the whole plan (`reach` or planning.Planner.from_change
return None; the tests hold both to a clean build): a site in several
languages, a standalone page, an alias, a picture of the site's own, a name's address that
moved, the menu of regions changed, or an address another output had.

A preview (--drafts) publishes drafts and future articles too, so a draft flag flipped or
a date moved across the clock is a change to D like any other: D stays in (or comes into)
listings as a published story would, and its "Draft" or "Scheduled for ..." label shows
only on D's own page and on D's cards, which are on the outputs planned above (the store's
card readers of D, and the families D is in now). What no rule reaches is the label of an
article not in D, which changes with the clock alone: when one comes due the build is whole
already (the store's `release`); when the scheduled articles less D are not the last
build's (a clock set back, or one due between that check and this plan), the plan is whole.
The scheduled ids are in every page's fingerprint (Renderer.site_key), so when D's label
changes, every output looked at is rendered again (outputs not looked at keep theirs: they
show no label that changed).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from site_builder import urls
from site_builder.config import SiteConfig
from site_builder.engine.store import Store, Stored
from site_builder.feeds.sitemap import SitemapEntry, SitemapShard
from site_builder.model import Brief, load
from site_builder.render import plan
from site_builder.render.front import MORE
from site_builder.render.kept import Kept
from site_builder.render.outputs import (
    FEED_KINDS,
    TEMPLATES,
    ArticleData,
    ListingData,
    Output,
    Picture,
    SitemapIndexData,
)
from site_builder.render.pictures import pictures_shown
from site_builder.render.scope import Scope
from site_builder.render.sitemaps import (
    INDEX,
    entry_dates,
    page_entries,
    shard_size,
    sitemaps_after,
    story_entries,
)

# Kinds of output that may show a changed article and be planned from the change.
PLANNED = {"listing", "article", "archive", "corrections", "news-sitemap", "page", *FEED_KINDS}
FEEDS = ("feed.xml", "atom.xml", "feed.json")
FAMILY = re.compile(r"(.*?)(?:page/(\d+)/)?(?:feed\.xml|atom\.xml|feed\.json)?")
ARTICLE_SHARD = re.compile(r"sitemap-articles-(\d+)\.xml")


@dataclass
class Change:
    """What a plan from the change starts from."""

    config: SiteConfig
    store: Store
    published: Sequence[Brief]  # newest first
    dirty: set[str]  # ids of the articles changed, come or gone


def reach(change: Change) -> tuple[Scope, dict[str, Output]] | None:
    """The scope to plan, and what showed the changed articles (file -> stored entry)."""
    config, store, dirty = change.config, change.store, change.dirty
    readers = stored(store, store.card_readers(dirty) | store.body_readers(dirty))
    new = [a for a in change.published if a.id in dirty]
    if config.languages or not _plain(readers.values(), new, dirty):
        return None
    moved = {(f, n): p for f, n, p in store.meta("moved") or ()}
    families = {"", urls.CORRECTIONS, *(urls.region_path(r.slug) for r in config.regions)}
    months: set[str] = set()
    articles: set[str] = set()
    for article in new:
        families |= families_of(config, article, moved)
        months.add(plan.site_month(config, article.date))
    for output in readers.values():
        if output.kind == "article":
            articles.add(output.full[0])
        elif output.kind == "archive" and output.path.startswith("archive/"):
            months.add(output.path[len("archive/") : -1])
        elif output.kind in ("listing", *FEED_KINDS):
            families.add(family_of(output.path)[0])
    articles |= _near(change.published, new)
    scope = Scope(frozenset(families), articles, frozenset(months))
    scope.oldest = oldest_reached(store, readers, dirty)
    return scope, readers


def _plain(readers: Iterable[Output], new: Sequence[Brief], dirty: set[str]) -> bool:
    """Whether the change is one the rules cover: articles, not pages; no alias, no
    picture of the site's own, before or now."""
    for article in new:
        local = article.image_url and not article.image_url.startswith(("http://", "https://"))
        if article.kind != "article" or article.aliases or local:
            return False
    for output in readers:
        if output.kind not in PLANNED:
            return False
        if output.kind == "page" and dirty.intersection(output.full):
            return False
        data = output.data
        if isinstance(data, ArticleData) and data.pictures and output.full[0] in dirty:
            return False
    return True


def families_of(config: SiteConfig, article: Brief, moved: dict) -> set[str]:
    """The listing families an article is in: its region's and its names'."""
    paths = {urls.region_path(article.region)}
    for family in config.taxonomies:
        attr, path_of = plan.FAMILIES[family][:2]
        for name in getattr(article, attr):
            plain = urls.plain_name(name)
            if plain:
                paths.add(moved.get((family, plain.casefold()), path_of(plain)))
    return paths


def family_of(path: str) -> tuple[str, int | None]:
    """A listing page's or feed's family, and its page's number (None: the newest)."""
    match = FAMILY.fullmatch(path)
    assert match is not None
    return match[1], int(match[2]) if match[2] else None


def _near(published: Sequence[Brief], new: Sequence[Brief]) -> set[str]:
    """The articles next to the changed ones in time, and in their region ("More from":
    the MORE nearest in the region, so a window of MORE on each side, and one more)."""
    ids = {a.id for a in new}
    lists = [list(published)]
    for region in {a.region for a in new}:
        lists.append([a for a in published if a.region == region])
    near: set[str] = set()
    for number, listed in enumerate(lists):
        reach = MORE + 1 if number else 1
        for at in [n for n, a in enumerate(listed) if a.id in ids]:
            near.update(a.id for a in listed[max(0, at - reach) : at + reach + 1])
    return near


def oldest_reached(
    store: Store, readers: dict[str, Output], dirty: set[str]
) -> Callable[[Output, Sequence[tuple[str, ...]]], int]:
    """What `lowest` finds for one family, found while it is planned, from its front page
    and its numbered pages' ids (page 1 first): the pages older than that are not planned
    (`looked_at` holds the plan to `lowest`, and plans whole where it wants one of them)."""
    showed: dict[str, int] = {}  # family -> the oldest numbered page that showed D
    for output in readers.values():
        if output.kind == "listing" and dirty.intersection(output.cards):
            family, number = family_of(output.path)
            if number is not None:
                showed[family] = min(number, showed.get(family, number))

    def oldest(front: Output, chunks: Sequence[tuple[str, ...]]) -> int:
        data = front.data_as(ListingData)
        before = stored(store, [front.file]).get(front.file)
        was = before.data if before else None
        if not isinstance(was, ListingData) or (was.heading, was.feeds) != (
            data.heading,
            data.feeds,
        ):
            return 0
        low = max(1, min(_count(front.path, was), _count(front.path, data)))
        low = min(low, showed.get(front.path, low))
        for number, chunk in enumerate(chunks[: low - 1], start=1):
            if dirty.intersection(chunk):
                return number
        return low

    return oldest


def lowest(
    planned: Sequence[Output], readers: dict[str, Output], dirty: set[str], store: Store
) -> dict[str, int]:
    """Per family planned: the lowest page number that may have changed (0: all of them;
    one past the last: only the newest page and the feeds)."""
    fronts = {
        family_of(o.path)[0]: o
        for o in planned
        if isinstance(o.data, ListingData) and o.data.number is None
    }
    kept = stored(store, (o.file for o in fronts.values()))
    low: dict[str, int] = {}
    for family, front in fronts.items():
        data = front.data_as(ListingData)
        before = kept.get(front.file)
        was = before.data if before else None
        if not isinstance(was, ListingData) or (was.heading, was.feeds) != (
            data.heading,
            data.feeds,
        ):
            low[family] = 0  # new, or its heading or feeds changed: on every page
            continue
        # The pages made since or now gone, and the newest numbered page before or now,
        # which links the front page where it linked a newer page, or the other way.
        low[family] = max(1, min(_count(family, was), _count(family, data)))
    for output in [*planned, *readers.values()]:
        if output.kind == "listing" and dirty.intersection(output.cards):
            family, number = family_of(output.path)
            if number is not None and family in low:
                low[family] = min(low[family], number)
    return low


def _count(family: str, front: ListingData) -> int:
    """How many numbered pages a listing has: its front page links the newest."""
    return int(front.older[len(family) + len("page/") : -1]) if front.older else 0


def trimmed(planned: Sequence[Output], low: dict[str, int]) -> list[Output]:
    """The planned outputs less the listing pages and feed archives older than the change."""
    out = []
    for output in planned:
        if output.kind in ("listing", *FEED_KINDS):
            family, number = family_of(output.path)
            if number is not None and number < low.get(family, 0):
                continue
        out.append(output)
    return out


def removed(
    store: Store, scope: Scope, planned: Sequence[Output], readers: dict[str, Output]
) -> dict[str, str]:
    """The files of the families, months and article pages planned that the plan no
    longer makes: file -> its kind."""
    made = {o.file for o in planned}
    gone: dict[str, str] = {}
    assert scope.families is not None
    for family in scope.families:
        # A family's older pages are most of the site's files: only those not made are
        # read, less those older than the oldest planned (there before and now).
        first, prefix = scope.floors.get(family, 1), family + "page/"
        files = [f for f in store.files_under(prefix) if not _older(f, len(prefix), first)]
        files += [family + "index.html", *(family + f for f in FEEDS)]
        for file, (kind, _) in store.kinds(f for f in files if f not in made).items():
            listed = kind in ("listing", "corrections", *FEED_KINDS)
            if listed and family_of(site_path(file))[0] == family:
                gone[file] = kind
    for file, output in readers.items():
        if file not in made and output.kind in ("article", "archive"):
            gone[file] = output.kind
    return gone


def _older(file: str, at: int, first: int) -> bool:
    """Whether a file of a family's numbered pages (its number at `at`) is of a page
    older than `first`: read as text, not by FAMILY, since there are thousands."""
    number = file[at : file.find("/", at)]
    return number.isdigit() and int(number) < first


def site_path(file: str) -> str:
    """The site path of a file of output/ (urls.output_file's inverse)."""
    return file[: -len("index.html")] if file.endswith("index.html") else file


def sitemap_outputs(
    store: Store,
    planned: Sequence[Output],
    gone: Iterable[str],
    published: Sequence[Brief],
    pages: Sequence[Brief],
    shown: dict,
    warm: Kept | None = None,
    change: tuple[set[str], dict[str, Output]] = (set(), {}),
    known: dict[str, SitemapEntry] | None = None,
) -> tuple[list[Output], list[str], dict[str, SitemapEntry]]:
    """The sitemaps: the pages' entries the store kept (`known`: as watch's memo has
    them), less those removed and those this plan made again, with this plan's; the
    articles' from the first article sitemap the change reaches (`change`: the changed
    articles' ids, and what showed them). Returns them, the files of the article sitemaps
    kept as they are, and the pages' entries now (path -> entry). `warm`: given
    `published` last."""
    dates = entry_dates(published, pages, warm)
    newest = dates[published[0].id] if published else None
    kept = dict(known) if known is not None else stored_page_entries(store)
    for file in gone:
        kept.pop(site_path(file), None)
    for output in planned:
        kept.pop(output.path, None)
    kept.update((e.path, e) for e in page_entries(planned, dates, newest, shown))
    entries = sorted(kept.values(), key=lambda e: e.path)
    size = shard_size()
    same = _same_shards(store, published, *change, size)
    newer = published[: max(0, len(published) - len(same) * size)]
    stories = story_entries(newer, dates, shown)
    return sitemaps_after(entries, stories, same, size), [s.path for s in same], kept


def stored_page_entries(store: Store) -> dict[str, SitemapEntry]:
    """Path -> entry, of the pages' sitemaps as the store keeps them."""
    kept: dict[str, SitemapEntry] = {}
    for spec in store.specs_under("sitemap-pages-").values():
        # Read as plain lists: model.load over thousands of entries costs more than the plan.
        for entry in json.loads(spec)[2][0]:
            path, lastmod, picture, translations = entry
            plain = not translations  # a site in one language has none
            kept[path] = (
                SitemapEntry(path, lastmod, picture) if plain else load(SitemapEntry, entry)
            )
    return kept


def _same_shards(
    store: Store,
    published: Sequence[Brief],
    dirty: set[str],
    readers: dict[str, Output],
    size: int,
) -> list[SitemapShard]:
    """The index entries of the article sitemaps that hold the same stories as the last
    build's: those before the first that holds a changed article, now or before (by its
    page's old address), all full. Article sitemaps list the oldest first, so a story
    added, moved in time or deleted changes only the sitemaps from its own on: an added
    story, the newest, only the last (100,000 stories: 10 sitemaps' entries not made)."""
    count = len(published)
    first = count // size  # the sitemap a story added after every other one goes in
    for at, article in enumerate(published):
        if article.id in dirty:
            first = min(first, (count - 1 - at) // size)
    old = [o.path for o in readers.values() if o.kind == "article" and dirty.intersection(o.full)]
    if old and first:
        specs = store.specs_under("sitemap-articles-")
        for path in old:
            needle = json.dumps(path)
            held = [_shard_number(f) for f, spec in specs.items() if needle in spec]
            # (in none: not listed as a story before, so nothing is known of its place)
            first = min([first, *(n - 1 for n in held if n is not None)] if held else [0])
    index = stored(store, [INDEX]).get(INDEX)
    shards = index.data.shards if index and isinstance(index.data, SitemapIndexData) else ()
    same = [s for s in shards if (_shard_number(s.path) or first + 1) <= first]
    numbers = [_shard_number(s.path) for s in same]
    return same if numbers == list(range(1, first + 1)) else []


def _shard_number(path: str) -> int | None:
    """The number of an article sitemap, from its file name; None for any other file."""
    match = ARTICLE_SHARD.fullmatch(path)
    return int(match[1]) if match else None


def looked_at(
    store: Store,
    scope: Scope,
    planned: list[Output],
    readers: dict[str, Output],
    dirty: set[str],
    published: Sequence[Brief],
    pages: Sequence[Brief],
    pictures: dict[str, Picture],
    warm: Kept | None = None,
    known: dict[str, SitemapEntry] | None = None,
) -> tuple[list[Output], dict[str, str], dict[str, SitemapEntry]] | None:
    """The outputs to look at (the planned ones less the listing pages older than the
    change, the sitemaps, what showed the changed articles), the files removed, with
    their kinds, and the pages' sitemap entries now (`known`: as the last build left
    them, if the caller kept them); None where the plan left out a page that changed."""
    gone = removed(store, scope, planned, readers)
    low = lowest(planned, readers, dirty, store)
    if any(low.get(family, 0) < floor for family, floor in scope.floors.items() if floor > 1):
        return None  # a page older than those planned may have changed: the whole plan
    looked = trimmed(planned, low)
    files = {o.file for o in looked}
    every = {o.file: o for o in planned}
    for file, output in readers.items():
        if file not in files and file not in gone:
            looked.append(every.get(file, output))
            files.add(file)
    # The entries of what showed the changed articles are made again with the planned
    # ones': a listing's lastmod is its newest story's, which may be one of them.
    shown = pictures_shown(published, pictures)
    made = [*planned, *(o for o in looked if o.file not in every)]
    maps, same, entries = sitemap_outputs(
        store, made, gone, published, pages, shown, warm, (dirty, readers), known
    )
    kept = {o.file for o in maps} | set(same)
    gone.update((f, "sitemap") for f in store.kinds_under("sitemap-") if f not in kept)
    looked += maps
    return looked, gone, entries


def stored(store: Store, files: Iterable[str]) -> dict[str, Output]:
    """File -> the output as the store keeps its plan entry, of these files it has."""
    return {f: Output.from_json(json.loads(spec)) for f, spec in store.specs_of(files).items()}


def clashes(
    store: Store, looked: Sequence[Output], previous: dict[str, Stored], files: set[str]
) -> bool:
    """Whether an output looked at takes a file another output had, or needs a folder
    where the site has a file: the whole plan says which, naming the file to blame."""
    at = [o for o in looked if o.file in previous]
    kinds = store.kinds(o.file for o in at)
    for output in at:
        kind, first = kinds[output.file]
        if kind != output.kind or (kind == "article" and first != output.full[0]):
            return True
    taken = files | {o.file for o in looked}
    for output in looked:
        if output.file not in previous:
            parts = output.file.split("/")
            if any("/".join(parts[:n]) in taken for n in range(1, len(parts))):
                return True
    return False


def totals(
    before: list[int],
    published: Sequence[Brief],
    looked: Sequence[Output],
    previous: dict[str, Stored],
    gone: dict[str, str],
) -> list[int]:
    """The summary's counts (articles, pages, feeds, files) brought up to date."""
    _, pages, feeds, files = before
    added = [o.kind for o in looked if o.file not in previous]
    for sign, kinds in ((1, added), (-1, list(gone.values()))):
        pages += sign * sum(1 for k in kinds if k in TEMPLATES)
        feeds += sign * sum(1 for k in kinds if k in FEED_KINDS)
        files += sign * len(kinds)
    return [len(published), pages, feeds, files]
