"""What a warm plan keeps between builds (render/kept.py), brought up to date by the
difference in articles, is what the plan's own functions make from every article, after
any run of additions, deletions and edits (dates, regions, countries, tags, authors)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder import urls
from site_builder.config import load_config
from site_builder.render import front, names, plan, sitemaps
from site_builder.render.kept import Kept
from site_builder.render.outputs import ArticleData, ListingData, Output
from site_builder.render.related import Answers, Related
from site_builder.render.scope import Scope

# Names that clean, fold and slug alike, one that cleans to nothing, one with a bidi control.
NAMES = ["Shipping", "shipping", "SHIPPING", "C++", "C#", "José", "Jose", "Oil", "", "\u202eOil"]
COUNTRIES = ["Qatar", "Oman", "France", "Japan", "India"]
REGIONS = ["gulf", "europe", "asia"]
# Around a month's and a year's turn, in several offsets: the site's month differs from UTC's.
DAYS = [
    dt.datetime(2025, 12, 31, 23, 51, tzinfo=dt.timezone(dt.timedelta(hours=3))),
    dt.datetime(2026, 1, 1, 1, 57, tzinfo=dt.timezone(dt.timedelta(hours=7))),
    dt.datetime(2026, 1, 31, 20, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
    dt.datetime(2026, 2, 1, 0, 5, tzinfo=dt.UTC),
    dt.datetime(2026, 2, 10, 8, 0, tzinfo=dt.UTC),
]
CONFIG = load_config(None, {"timezone": "Asia/Bangkok"}, root=Path("/nonexistent-kept-site"))


@dataclass(frozen=True)
class Story:
    """The fields of a brief the kept indexes read."""

    id: str
    date: dt.datetime
    region: str
    countries: tuple[str, ...]
    tags: tuple[str, ...]
    authors: tuple[str, ...]
    updated: dt.datetime | None = None
    featured: bool = False
    featured_until: dt.datetime | None = None
    draft: bool = False
    bodied: bool = True

    @property
    def url_path(self) -> str:
        return f"articles/{self.id[len('urn:') :]}/"


def stories(ident: st.SearchStrategy[str]) -> st.SearchStrategy[Story]:
    some = st.lists(st.sampled_from(NAMES), max_size=3).map(tuple)
    return st.builds(
        Story,
        ident,
        st.sampled_from(DAYS),
        st.sampled_from(REGIONS),
        st.lists(st.sampled_from(COUNTRIES), max_size=3).map(tuple),
        some,
        some,
        st.none() | st.sampled_from(DAYS),
        st.booleans(),
        st.none() | st.sampled_from(DAYS),
        st.booleans(),  # a draft (a preview shows them)
        st.booleans(),
    )


IDS = st.sampled_from([f"urn:{n}" for n in range(60)])
STEP = st.one_of(
    st.tuples(st.just("put"), stories(IDS)),  # a new story, or one edited in place
    st.tuples(st.just("drop"), IDS),
    st.tuples(st.just("same"), IDS),  # a brief read again, unchanged, as a new object
)
# A site of up to 40 stories made at once, then changed a step at a time: groups longer
# than the windows related articles are found in.
STEPS = st.tuples(st.lists(stories(IDS), max_size=40), st.lists(STEP, min_size=1, max_size=12))


def newest_first(site: dict[str, Story]) -> list[Story]:
    return sorted(site.values(), key=lambda a: (-a.date.timestamp(), a.id))


def days(steps):
    """The site first made, then after each step, newest first (a step may leave it as it
    was)."""
    first, steps = steps
    site: dict[str, Story] = {a.id: a for a in first}
    yield newest_first(site)
    for step, value in steps:
        if step == "put":
            site[value.id] = value
        elif step == "drop":
            site.pop(value, None)
        elif value in site:
            site[value] = replace(site[value])
        yield newest_first(site)


FAMILIES = [
    ("tags", urls.tag_path),
    ("authors", urls.author_path),
    ("countries", urls.country_path),
]


@settings(max_examples=200, deadline=None)
@given(STEPS)
def test_kept_names_are_the_names_of_every_article(steps):
    logging.getLogger("site_builder").disabled = True  # names that slug alike warn each time
    try:
        kept = Kept()
        for articles in days(steps):
            kept.update(articles)
            for attr, path_of in FAMILIES:
                fresh = names.groups(articles, attr, path_of)
                # The same listings, names and ids, in the same order (the warnings' order).
                assert list(names.kept_groups(kept, attr, path_of).items()) == list(fresh.items())
    finally:
        logging.getLogger("site_builder").disabled = False


@settings(max_examples=200, deadline=None)
@given(STEPS)
def test_kept_months_make_the_archive_of_every_article(steps):
    kept = Kept()
    for articles in days(steps):
        kept.update(articles)
        months = {plan.site_month(CONFIG, a.date) for a in articles}
        scope = Scope(frozenset(), set(), frozenset(months))
        assert plan._archive_pages(CONFIG, articles, scope, kept) == plan._archive_pages(
            CONFIG, articles, scope, None
        )


@settings(max_examples=200, deadline=None)
@given(STEPS)
def test_kept_groups_find_the_related_articles_of_every_article(steps):
    kept = Kept()
    for articles in days(steps):
        kept.update(articles)
        ids = {a.id for a in articles}
        warm, fresh = Related(articles, Answers(), ids, kept), Related(articles, Answers(), ids)
        assert warm.again == fresh.again
        for article in articles:
            assert warm._candidates(article.id) == fresh._candidates(article.id)
            assert warm.of(article) == fresh.of(article)


@settings(max_examples=200, deadline=None)
@given(STEPS, st.sets(IDS), st.sampled_from(DAYS))
def test_kept_desk_lays_out_the_pages_as_every_article_does(steps, pictured, now):
    """The front page's lead, blocks and river, a region's rail and "More from" beside an
    article, from the kept indexes as from every article."""
    kept = Kept()
    shown = dict.fromkeys(pictured)
    for articles in days(steps):
        kept.update(articles)
        first = tuple(a.id for a in articles[:5])
        outputs = [
            Output("", "listing", ListingData("home", "Desk", None, None, None, None, ()), first)
        ]
        for region in REGIONS:
            mine = tuple(a.id for a in articles if a.region == region)[:3]
            data = ListingData("region", region, None, None, None, region, ())
            outputs.append(Output(f"regions/{region}/", "listing", data, mine))
        outputs += [
            Output(a.url_path, "article", ArticleData(None, None, ()), (), (a.id,))
            for a in articles
        ]
        assert front.arranged(outputs, articles, shown, REGIONS, now, kept) == front.arranged(
            outputs, articles, shown, REGIONS, now
        )


@settings(max_examples=200, deadline=None)
@given(STEPS)
def test_kept_lastmods_are_every_articles(steps):
    kept = Kept()
    for articles in days(steps):
        kept.update(articles)
        assert sitemaps.entry_dates(articles, (), kept) == sitemaps.entry_dates(articles, ())


def version(story: Story) -> str:
    """A story's version: changes whenever a field the indexes read does."""
    return repr(story)


@settings(max_examples=200, deadline=None)
@given(STEPS, st.lists(st.booleans(), min_size=1))
def test_kept_dumped_and_restored_by_version_is_what_every_article_makes(steps, dumps):
    """A command's plan starts from what an earlier one dumped, however many builds ago,
    with its briefs new objects: the difference is found by version, and every index and
    value is then what the plan's functions make from every article."""
    logging.getLogger("site_builder").disabled = True
    try:
        dumped, kept = None, Kept()
        for day, articles in enumerate(days(steps)):
            articles = [replace(a) for a in articles]  # read again: new objects
            versions = {a.id: version(a) for a in articles}
            if dumped is not None:
                kept = Kept.restore(dumped, versions, ["code", "settings"]) or Kept()
            kept.update(articles)
            _assert_kept_is_fresh(kept, articles)
            if dumps[day % len(dumps)]:
                dumped = kept.dump(versions, ["code", "settings"])
    finally:
        logging.getLogger("site_builder").disabled = False


def _assert_kept_is_fresh(kept: Kept, articles: list[Story]) -> None:
    for attr, path_of in FAMILIES:
        fresh = names.groups(articles, attr, path_of)
        assert list(names.kept_groups(kept, attr, path_of).items()) == list(fresh.items())
    months = {plan.site_month(CONFIG, a.date) for a in articles}
    scope = Scope(frozenset(), set(), frozenset(months))
    archive = plan._archive_pages(CONFIG, articles, scope, None)
    assert plan._archive_pages(CONFIG, articles, scope, kept) == archive
    ids = {a.id for a in articles}
    warm, fresh_related = Related(articles, Answers(), ids, kept), Related(articles, Answers(), ids)
    assert warm.again == fresh_related.again
    for article in articles:
        assert warm.of(article) == fresh_related.of(article)
    assert sitemaps.entry_dates(articles, (), kept) == sitemaps.entry_dates(articles, ())


def test_kept_dumped_for_other_code_or_settings_or_damaged_is_not_restored():
    articles = [Story("urn:1", DAYS[0], "gulf", ("Qatar",), ("Oil",), ())]
    kept = Kept()
    kept.update(articles)
    versions = {a.id: version(a) for a in articles}
    names.kept_groups(kept, "tags", urls.tag_path)
    dumped = kept.dump(versions, ["code", "settings"])
    assert dumped is not None
    assert Kept.restore(dumped, versions, ["code", "settings"]) is not None
    assert Kept.restore(dumped, versions, ["other code", "settings"]) is None
    assert Kept.restore(dumped, versions, ["code", "other settings"]) is None
    assert Kept.restore(dumped[: len(dumped) // 2], versions, ["code", "settings"]) is None
    assert Kept.restore(b"", versions, ["code", "settings"]) is None


def test_kept_restored_indexes_not_asked_for_at_once_are_made_afresh():
    """A dumped index is brought up to date by the first update's difference only: one
    first asked for after a later update (watch's next plan) is made from the articles."""
    first = [
        Story("urn:1", DAYS[0], "gulf", (), ("Oil",), ()),
        Story("urn:2", DAYS[1], "gulf", (), ("Oil",), ()),
    ]
    kept = Kept()
    kept.update(first)
    names.kept_groups(kept, "tags", urls.tag_path)
    dumped = kept.dump({a.id: version(a) for a in first}, "stamp")
    assert dumped is not None
    later = [*first, Story("urn:3", DAYS[2], "gulf", (), ("Oil",), ())]
    restored = Kept.restore(dumped, {a.id: version(a) for a in later}, "stamp")
    assert restored is not None
    restored.update(later)  # no index asked for: this plan needed none
    restored.update(later)  # the next, by identity: nothing changed
    fresh = names.groups(later, "tags", urls.tag_path)
    assert names.kept_groups(restored, "tags", urls.tag_path) == fresh
