"""The briefs a long-lived engine keeps sifted and sorted between plans (engine/shelf.py),
brought up to date by the difference in content files, answer what sifting every brief
answers (loader.publishable, loader.duplicates, what waits, what is left out), after any
run of files added, edited, read again, deleted, drafted and scheduled, at any clock."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.config import load_config
from site_builder.content import loader
from site_builder.engine.memo import Known
from site_builder.engine.shelf import Shelf
from site_builder.model import Brief
from site_builder.render import plan

CONFIG = load_config(None, {}, root=Path("/nonexistent-shelf-site"))
SLUGS = [r.slug for r in CONFIG.regions]
ZONES = [dt.UTC, dt.timezone(dt.timedelta(hours=3)), dt.timezone(dt.timedelta(hours=-5))]
BASE = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
# Moments a microsecond apart, equal instants in other offsets, and a day either side.
INSTANTS = [
    BASE,
    BASE + dt.timedelta(microseconds=1),
    BASE - dt.timedelta(microseconds=1),
    BASE + dt.timedelta(days=1),
    BASE - dt.timedelta(days=1),
    BASE - dt.timedelta(days=40),
]
MOMENTS = st.builds(
    lambda at, zone: at.astimezone(zone), st.sampled_from(INSTANTS), st.sampled_from(ZONES)
)
REGIONS = ["gulf", "asia", "europe"]
PATHS = [f"content/{folder}/{n}.md" for folder in ("gulf", "pages", "asia") for n in range(20)]


def when(moment: dt.datetime) -> list:
    return [moment.isoformat(), None]


def brief(
    path: str,
    ident: str,
    date: dt.datetime,
    draft: bool,
    featured_until,
    slug: str,
    region: str = "gulf",
) -> Brief:
    kind = "page" if "/pages/" in path else "article"
    values = [
        ident,
        when(date),
        None,
        region,
        [],
        slug,
        draft,
        f"articles/{slug}/",
        [],
        [],
        [],
        kind,
        "",
        "",
        "",
        featured_until is not None,
        when(featured_until) if featured_until else None,
        True,
        [],
    ]
    return Brief(path, values)


# Few ids and slugs, so two files claim one now and then.
FILE = st.builds(
    brief,
    st.sampled_from(PATHS),
    st.sampled_from([f"urn:{n}" for n in range(40)]),
    MOMENTS,
    st.booleans(),
    st.none() | MOMENTS,
    st.sampled_from([f"s{n}" for n in range(40)]),
    st.sampled_from(REGIONS),
)
STEP = st.one_of(
    st.tuples(st.just("put"), FILE),  # a new file, or one edited
    st.tuples(st.just("drop"), st.sampled_from(PATHS)),
    st.tuples(st.just("same"), st.sampled_from(PATHS)),  # read again: a new, equal brief
)
NOW = st.sampled_from(INSTANTS)


def again(old: Brief) -> Brief:
    values = [
        old.id,
        when(old.date),
        None,
        old.region,
        [],
        old.slug,
        old.draft,
        old.url_path,
        [],
        [],
        [],
        old.kind,
        "",
        "",
        "",
        old.featured,
        when(old.featured_until) if old.featured_until else None,
        old.bodied,
        [],
    ]
    return Brief(str(old.path), values)


def held_to_sifting(shelf: Shelf, files: dict[str, Known], now: dt.datetime) -> None:
    every = [files[p].brief for p in sorted(files)]
    twice = bool(loader.duplicates(CONFIG, every))  # type: ignore[arg-type]
    # Two files with one id and one date sort either way; their build stops at the error.
    same = (lambda a, b: sorted(map(id, a)) == sorted(map(id, b))) if twice else list.__eq__
    for drafts in (False, True):
        shown = loader.publishable(every, drafts, now)  # type: ignore[arg-type]
        for kind in ("article", "page"):
            assert same(shelf.shown(kind, drafts, now), [b for b in shown if b.kind == kind])
        articles = [b for b in shown if b.kind == "article"]
        assert shelf.region_counts(SLUGS, drafts, now) == plan.region_counts(CONFIG, articles)
    assert sorted(map(id, shelf.waiting(now))) == sorted(
        id(b) for b in every if not b.draft and b.date > now
    )
    assert shelf.left_out(now) == [b for b in every if b.draft or b.date > now]
    assert shelf.claimed_twice() == twice
    assert shelf.in_path_order() == every
    fresh = Shelf()  # what a first plan makes of the same files
    fresh.update(files)
    for kind in ("article", "page"):
        assert same(shelf.rows.get(kind, []), fresh.rows.get(kind, []))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(FILE, min_size=20, max_size=50),
    st.lists(st.tuples(st.lists(STEP, max_size=4), NOW), max_size=10),
)
def test_kept_by_difference_is_every_brief_sifted(start, days):
    files = {b._path: Known("card", "full", b) for b in start}
    shelf = Shelf()
    shelf.update(files)
    held_to_sifting(shelf, files, BASE)
    for steps, now in days:
        for step, value in steps:
            if step == "put":
                files[value._path] = Known("card", "full", value)
            elif step == "drop":
                files.pop(value, None)
            elif value in files:
                files[value] = Known("card", "full", again(files[value].brief))
        shelf.update(files)
        held_to_sifting(shelf, files, now)


def test_a_few_changes_are_put_in_place_not_sorted_again():
    files = {
        p: Known("c", "f", brief(p, f"urn:{n}", BASE - dt.timedelta(hours=n), False, None, f"s{n}"))
        for n, p in enumerate(PATHS)
    }
    shelf = Shelf()
    shelf.update(files)
    row = shelf.rows["article"]
    newest = brief(PATHS[0], "urn:new", BASE + dt.timedelta(hours=1), False, None, "new")
    files[PATHS[0]] = Known("c", "f", newest)
    shelf.update(files)
    assert shelf.rows["article"] is row  # the same list, the new brief put in its place
    assert row[0] is newest
    held_to_sifting(shelf, files, BASE)
