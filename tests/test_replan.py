"""A plan from the change (engine/replan.py): an added, moved, retagged or deleted story
plans only what it reaches, and the site it publishes is a clean build's, byte for byte.

The outputs a build looks at are caught where the stale stage gets them; the site is
compared with a clean build of the same sources (test_buildcache.assert_same_as_clean).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil

import lxml.html
import pytest
import sitemapfiles
from conftest import REPO
from pictures import photo
from test_buildcache import assert_same_as_clean, build, write
from test_incremental import article, tree

from site_builder import urls
from site_builder.config import load_config
from site_builder.engine import stages
from site_builder.engine.build import build_site
from site_builder.render import plan, sitemaps

STORIES = 20  # gulf stories, three a page: six numbered pages of gulf/ and of the front


@pytest.fixture
def site(tmp_path):
    shutil.copytree(REPO / "content", tmp_path / "content")
    (tmp_path / "site.toml").write_text(
        'title = "Replan Desk"\nper_page = 3\nbase_url = "https://example.org/news/"\n',
        encoding="utf-8",
    )
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    (tmp_path / "content" / "gulf").mkdir()
    for n in range(1, STORIES + 1):
        write(tmp_path / "content" / "gulf" / f"article-{n}.md", story(n))
    return tmp_path


def story(n: int, region: str = "gulf", day: int | None = None, tags: str = "Test") -> str:
    """Article n, on its own day of January (the 20 stories in order of n)."""
    text = article(n, region=region).replace("tags: [Test]", f"tags: [{tags}]")
    return re.sub(r"2026-01-\d\d", f"2026-01-{day or n:02d}", text)


@pytest.fixture
def looked_at(monkeypatch):
    """The files of the outputs each build's stale stage was given."""
    seen: list[set[str]] = []
    stale = stages.Outputs.stale

    def spy(self, check):
        seen.append({o.file for o in self.planned.outputs})
        return stale(self, check)

    monkeypatch.setattr(stages.Outputs, "stale", spy)
    return seen


def test_a_new_story_plans_its_families_newest_pages_not_the_site(site, looked_at):
    build(site)
    everything = looked_at[-1]
    write(site / "content" / "gulf" / "article-21.md", story(21, day=25))
    assert build(site).endswith("(25 articles; from the change)")
    looked = looked_at[-1]
    assert "articles/2026/01/article-21/index.html" in looked
    assert "articles/2026/01/article-20/index.html" in looked  # its neighbour
    assert "gulf/index.html" in looked and "index.html" in looked and "feed.xml" in looked
    # The oldest stories' pages, and the listing pages that hold them, are not looked at.
    assert "articles/2026/01/article-1/index.html" not in looked
    assert "gulf/page/1/index.html" not in looked and "page/1/feed.xml" not in looked
    pages = {f for f in looked if f.startswith("articles/")}
    assert len(pages) < len({f for f in everything if f.startswith("articles/")}) / 2
    assert {f for f in looked if f.startswith("gulf/page/")} <= {
        f"gulf/page/{n}/{name}" for n in (5, 6) for name in ("index.html", "feed.xml", "atom.xml")
    }
    assert_same_as_clean(site)


def test_a_story_back_dated_among_the_oldest_plans_every_page_newer_than_it(site, looked_at):
    build(site)
    write(site / "content" / "gulf" / "article-21.md", story(21, day=1))  # before article-1
    assert build(site).endswith("from the change)")
    looked = looked_at[-1]
    assert {"gulf/page/1/index.html", "gulf/page/5/index.html", "gulf/page/1/atom.xml"} <= looked
    assert_same_as_clean(site)


def test_a_tags_last_story_retagged_takes_its_pages_and_feeds(site, looked_at):
    write(site / "content" / "gulf" / "article-5.md", story(5, tags="Test, Ports"))
    build(site)
    assert (site / "output" / "tags" / "ports" / "feed.xml").is_file()
    write(site / "content" / "gulf" / "article-5.md", story(5))
    assert build(site).endswith("from the change)")
    assert not (site / "output" / "tags" / "ports").exists()
    assert "Ports" not in (site / "output" / "tags" / "index.html").read_text(encoding="utf-8")
    assert_same_as_clean(site)


def test_a_move_and_a_delete_are_planned_from_the_change(site, looked_at):
    build(site)
    write(site / "content" / "gulf" / "article-7.md", story(7, region="middle-east"))
    assert build(site).endswith("from the change)")
    assert_same_as_clean(site)
    (site / "content" / "gulf" / "article-12.md").unlink()
    assert build(site).endswith("(23 articles; from the change)")
    assert not (site / "output" / "articles" / "2026" / "01" / "article-12").exists()
    assert not (site / "output" / "gulf" / "page" / "6").exists()  # 17 stories: 5 pages
    assert_same_as_clean(site)


def test_an_update_to_an_old_story_dates_the_old_listing_page_that_leads_with_it(site):
    build(site)
    path = site / "content" / "gulf" / "article-3.md"  # the newest of gulf/page/1/
    write(path, story(3).replace("draft: false", "draft: false\nupdated: 2026-03-01T10:00:00Z"))
    assert build(site).endswith("from the change)")
    sitemap = (site / "output" / "sitemap-pages-1.xml").read_text(encoding="utf-8")
    assert re.search(r"gulf/page/1/</loc>\s*<lastmod>2026-03-01T10:00:00", sitemap)
    assert_same_as_clean(site)


@pytest.mark.parametrize(
    "edit",
    [
        lambda text: text.replace("draft: false", "draft: false\naliases: [old/story/]"),
        lambda text: text.replace("draft: false", "draft: false\nimage:\n  url: /lead.png"),
    ],
    ids=["alias", "own-picture"],
)
def test_what_the_rules_do_not_cover_is_planned_whole(site, edit):
    (site / "static").mkdir()
    (site / "static" / "lead.png").write_bytes(photo(400, 300, "PNG"))
    build(site)
    write(site / "content" / "gulf" / "article-21.md", edit(story(21, day=25)))
    assert build(site).endswith("(25 articles; full plan)")
    assert_same_as_clean(site)


def test_a_new_standalone_page_is_planned_whole(site):
    build(site)
    write(site / "content" / "pages" / "desk.md", "---\ntitle: The desk\n---\nWho we are.\n")
    assert build(site).endswith("; full plan)")
    assert_same_as_clean(site)


def test_without_replan_every_change_to_articles_plans_the_whole_site(site):
    build(site)
    write(site / "content" / "gulf" / "article-21.md", story(21, day=25))
    assert build(site, replan=False).endswith("(25 articles; full plan)")
    assert_same_as_clean(site)


# --- a preview (--drafts): drafts and future stories published, labelled -------------------


def labels(path) -> list[str]:
    """The "Draft" and "Scheduled for ..." labels a page shows."""
    return [p.text_content() for p in lxml.html.parse(str(path)).xpath("//p[@class='label']")]


def assert_preview_same_as_clean(site, now: dt.datetime | None = None):
    config = load_config(site / "site.toml", {"output_dir": site / "clean"}, root=site)
    build_site(config, drafts=True, now=now)
    cached, clean = tree(site / "output"), tree(site / "clean")
    shutil.rmtree(site / "clean")
    assert sorted(cached) == sorted(clean)
    assert [p for p in clean if cached[p] != clean[p]] == []


def test_a_preview_plans_a_new_draft_from_the_change(site, looked_at):
    build(site, drafts=True)
    everything = looked_at[-1]
    draft = story(21, day=25).replace("draft: false", "draft: true")
    write(site / "content" / "gulf" / "article-21.md", draft)
    assert build(site, drafts=True).endswith("(25 articles; from the change)")
    looked = looked_at[-1]
    assert "articles/2026/01/article-21/index.html" in looked
    assert "articles/2026/01/article-1/index.html" not in looked
    pages = {f for f in looked if f.startswith("articles/")}
    assert len(pages) < len({f for f in everything if f.startswith("articles/")}) / 2
    output = site / "output"
    assert labels(output / "articles" / "2026" / "01" / "article-21" / "index.html") == ["Draft"]
    assert labels(output / "gulf" / "index.html") == ["Draft"]
    assert_preview_same_as_clean(site)


def test_a_preview_plans_a_story_scheduled_unscheduled_and_drafted_from_the_change(site):
    """The conftest's clock is 28 November 2026: a story dated in December is scheduled."""
    build(site, drafts=True)
    path = site / "content" / "gulf" / "article-20.md"
    page = site / "output" / "articles" / "2026" / "12" / "article-20" / "index.html"
    due = ["Scheduled for 5 December 2026, 08:00 UTC"]
    write(path, story(20).replace("2026-01-20", "2026-12-05"))
    assert build(site, drafts=True).endswith("from the change)")
    assert labels(page) == due and labels(site / "output" / "gulf" / "index.html") == due
    assert_preview_same_as_clean(site)
    write(
        path, story(20).replace("2026-01-20", "2026-12-05").replace("draft: false", "draft: true")
    )
    assert build(site, drafts=True).endswith("from the change)")
    assert labels(page) == ["Draft"]
    assert_preview_same_as_clean(site)
    write(path, story(20, day=21))  # back in the past, published
    assert build(site, drafts=True).endswith("from the change)")
    assert not page.exists()
    assert labels(site / "output" / "gulf" / "index.html") == []
    assert_preview_same_as_clean(site)


def test_a_preview_plans_whole_when_another_storys_label_changes_with_the_clock(site):
    """A clock set back (a build pinned to an earlier SOURCE_DATE_EPOCH) schedules stories
    no file changed: their labels are on pages the change does not reach."""
    build(site, drafts=True)
    earlier = dt.datetime(2026, 1, 19, 12, tzinfo=dt.UTC)  # article-20 is due tomorrow
    write(site / "content" / "gulf" / "article-21.md", story(21, day=25))
    account = build(site, drafts=True, now=lambda: earlier)
    page = site / "output" / "articles" / "2026" / "01" / "article-20" / "index.html"
    assert "Scheduled for 20 January 2026, 08:00 UTC" in labels(page)  # its own
    assert_preview_same_as_clean(site, now=earlier)
    assert account.endswith("; full plan)")


def test_a_new_story_plans_no_page_older_than_those_it_reaches(site, monkeypatch):
    """Listing pages are counted from the oldest: a new story, the newest, reaches the
    first pages and the newest numbered one, so the older pages and feed archives are not
    even planned (at 100,000 stories, 34,000 outputs made to be dropped)."""
    planned: list[set[str]] = []
    whole = plan.plan_site

    def spy(*args, **kwargs):
        outputs = whole(*args, **kwargs)
        planned.append({o.path for o in outputs})
        return outputs

    monkeypatch.setattr(plan, "plan_site", spy)
    build(site)
    gulf = urls.region_path("gulf")
    older = {urls.numbered(family, 1) + name for family in ("", gulf) for name in ("", "feed.xml")}
    assert older <= planned[-1]
    write(site / "content" / "gulf" / "article-21.md", story(21).replace("01-21", "11-27"))
    assert build(site).endswith("(25 articles; from the change)")
    assert not older & planned[-1]
    assert urls.numbered("", 7) in planned[-1]  # the newest numbered page, as before
    assert_same_as_clean(site)


@pytest.fixture
def small_sitemaps(monkeypatch):
    """Article sitemaps of four stories, so that the test site's 24 fill six of them."""
    monkeypatch.setattr(sitemaps, "SHARD_URLS", 4)


def article_sitemaps(files: set[str]) -> set[str]:
    return {f for f in files if f.startswith("sitemap-articles-")}


def test_a_new_story_makes_only_the_article_sitemap_it_goes_in(site, looked_at, small_sitemaps):
    """Article sitemaps list the oldest first: the full ones before the new, newest story
    are neither made again nor looked at, and the index still names them."""
    build(site)
    assert len(article_sitemaps(looked_at[-1])) == 6
    # After the bundled stories too (the newest of them is of 2026-11-26).
    write(site / "content" / "gulf" / "article-21.md", story(21).replace("01-21", "11-27"))
    assert build(site).endswith("(25 articles; from the change)")
    assert article_sitemaps(looked_at[-1]) == {"sitemap-articles-7.xml"}
    assert "sitemap.xml" in looked_at[-1]
    assert_same_as_clean(site)
    named = [p.name for p in sitemapfiles.shards(site / "output")]
    assert [n for n in named if n.startswith("sitemap-articles-")] == [
        f"sitemap-articles-{n}.xml" for n in range(1, 8)
    ]


@pytest.mark.parametrize(
    ("change", "first"),
    [
        ("back-dated", 1),  # a new story older than every other: every sitemap moves
        ("deleted", 2),  # article-5 (the 5th oldest of 24): from the 2nd sitemap on
        ("edited", 2),  # article-5 retagged: its place stays, its sitemap's on are looked at
        ("moved", 2),  # article-5 to another region: a new address in the same place
        ("newest deleted", 6),  # the newest (bundled) story: only the last sitemap
    ],
)
def test_a_changed_story_makes_the_article_sitemaps_from_its_own_on(
    site, looked_at, small_sitemaps, change, first
):
    build(site)
    gulf = site / "content" / "gulf"
    if change == "back-dated":
        write(gulf / "article-21.md", story(21, day=1).replace("T09:", "T01:"))
    elif change == "deleted":
        (gulf / "article-5.md").unlink()
    elif change == "edited":
        write(gulf / "article-5.md", story(5, tags="Test, Ports"))
    elif change == "moved":
        write(gulf / "article-5.md", story(5, region="middle-east"))
    else:
        newest = "intelligence-leaks-reveal-how-iran-gained-influence-over-iraq.md"
        (site / "content" / "middle-east" / newest).unlink()
    assert build(site).endswith("from the change)")
    made = article_sitemaps(looked_at[-1])
    assert min(int(f.split("-")[-1][:-4]) for f in made) == first, sorted(made)
    assert_same_as_clean(site)
