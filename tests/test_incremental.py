"""Rebuilds as watch makes them (in place, told what changed) end byte-identical to a clean build."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from pathlib import Path

import pytest
from conftest import REPO

from site_builder.config import load_config
from site_builder.engine.build import build_site
from site_builder.engine.pipeline import Engine
from site_builder.errors import SiteBuilderError

ARTICLE = """---
id: urn:uuid:00000000-0000-5000-8000-{n:012d}
title: {title}
date: 2026-01-{day:02d}T08:00:00+00:00
region: {region}
countries: [{country}]
tags: [Test]
summary: Summary of article {n}.
draft: false
---
Body of article {n} about {country}.

## A subheading

More text.
"""


class Watching:
    """The engine as `watch` runs it: writing in place, told which paths changed."""

    def __init__(self, config, **options):
        self.engine = Engine(config, in_place=True, **options)

    def rebuild(self, changed):
        """The account of what the build redid: 'N parsed, N rendered, ...'."""
        return self.engine.build(changed).account


def article(n: int, region: str = "gulf", country: str = "Qatar", title: str | None = None) -> str:
    return ARTICLE.format(
        n=n, title=title or f"Article number {n}", day=1 + n % 27, region=region, country=country
    )


@pytest.fixture
def site(tmp_path):
    shutil.copytree(REPO / "content", tmp_path / "content")
    (tmp_path / "site.toml").write_text(
        'title = "Test Desk"\nper_page = 3\nbase_url = "https://example.org/news/"\n',
        encoding="utf-8",
    )
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    for n in range(1, 8):
        (tmp_path / "content" / "gulf" / f"article-{n}.md").parent.mkdir(exist_ok=True)
        (tmp_path / "content" / "gulf" / f"article-{n}.md").write_text(article(n), encoding="utf-8")
    return tmp_path


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def clean_build(site: Path) -> dict[str, bytes]:
    """A full build of the same sources into a separate folder."""
    config = load_config(site / "site.toml", {"output_dir": site / "clean"})
    build_site(config)
    return tree(site / "clean")


def assert_same_as_clean(site: Path) -> None:
    incremental, clean = tree(site / "output"), clean_build(site)
    assert sorted(incremental) == sorted(clean)
    differing = [p for p in clean if incremental[p] != clean[p]]
    assert differing == []


def test_any_sequence_of_changes_ends_as_a_clean_build(site):
    config = load_config(site / "site.toml")
    builder = Watching(config)
    builder.rebuild(None)
    assert_same_as_clean(site)
    gulf = site / "content" / "gulf"

    longer = "Edited text, now " + "much longer than before, " * 200 + "and done."
    (gulf / "article-3.md").write_text(article(3).replace("More text.", longer), encoding="utf-8")
    assert builder.rebuild({gulf / "article-3.md"}).startswith("1 parsed")
    assert_same_as_clean(site)

    (gulf / "article-9.md").write_text(article(9, title="A brand new story"), encoding="utf-8")
    builder.rebuild({gulf / "article-9.md"})
    assert_same_as_clean(site)

    (gulf / "article-2.md").unlink()
    builder.rebuild({gulf / "article-2.md"})
    assert not list((site / "output").rglob("article-2"))
    assert_same_as_clean(site)

    (site / "content" / "europe").mkdir()
    (gulf / "article-4.md").rename(site / "content" / "europe" / "renamed.md")
    builder.rebuild({gulf / "article-4.md", site / "content" / "europe" / "renamed.md"})
    assert_same_as_clean(site)

    (gulf / "article-5.md").write_text(
        article(5, region="europe", country="France"), encoding="utf-8"
    )
    builder.rebuild({gulf / "article-5.md"})
    assert_same_as_clean(site)

    teaser = site / "templates" / "_teaser.html"
    before = teaser.read_text(encoding="utf-8")
    after = before.replace('class="teaser {{ style }}', 'class="teaser card {{ style }}')
    assert after != before  # a real edit of the template, not the same bytes again
    teaser.write_text(after, encoding="utf-8")
    result = builder.rebuild({teaser})
    assert_same_as_clean(site)
    assert "0 parsed" in result


def test_an_unchanged_rebuild_writes_nothing(site):
    builder = Watching(load_config(site / "site.toml"))
    builder.rebuild(None)
    mtimes = {p: p.stat().st_mtime_ns for p in (site / "output").rglob("*")}
    result = builder.rebuild(set())  # "nothing to do", or a look at a just-copied theme
    assert result.startswith("nothing to do") or "0 rendered, 0 written, 0 deleted" in result
    assert mtimes == {p: p.stat().st_mtime_ns for p in (site / "output").rglob("*")}


def test_a_body_edit_rerenders_its_page_not_the_listings(site):
    builder = Watching(load_config(site / "site.toml"))
    builder.rebuild(None)
    home = (site / "output" / "index.html").stat().st_mtime_ns
    path = site / "content" / "gulf" / "article-1.md"
    path.write_text(article(1).replace("More text.", "Other text."), encoding="utf-8")
    builder.rebuild({path})
    assert (site / "output" / "index.html").stat().st_mtime_ns == home
    page = next((site / "output" / "articles").rglob("article-1/index.html"))
    assert "Other text." in page.read_text(encoding="utf-8")


def test_an_error_keeps_the_last_good_site_and_the_fix_rebuilds(site):
    builder = Watching(load_config(site / "site.toml"))
    builder.rebuild(None)
    before = tree(site / "output")
    path = site / "content" / "gulf" / "article-1.md"
    path.write_text(article(1).replace("region: gulf", "region: [broken"), encoding="utf-8")
    with pytest.raises(SiteBuilderError) as info:
        builder.rebuild({path})
    assert str(info.value).startswith("content/gulf/article-1.md:6: front matter is not valid YAML")
    assert tree(site / "output") == before
    path.write_text(article(1, title="Fixed title"), encoding="utf-8")
    builder.rebuild({path})
    assert "Fixed title" in (site / "output" / "index.html").read_text(
        encoding="utf-8"
    ) or "Fixed title" in "".join(
        p.read_text(encoding="utf-8") for p in (site / "output").rglob("index.html")
    )
    assert_same_as_clean(site)


def test_a_site_toml_change_reloads_the_configuration(site):
    toml = site / "site.toml"
    builder = Watching(load_config(toml), reload_config=lambda: load_config(toml))
    builder.rebuild(None)
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("Test Desk", "Renamed Desk"), encoding="utf-8"
    )
    builder.rebuild({toml})
    assert "Renamed Desk" in (site / "output" / "index.html").read_text(encoding="utf-8")
    assert_same_as_clean(site)


def test_a_delete_after_a_config_reload_and_a_body_edit_removes_the_articles_files(site):
    """Found by the newsroom state machine: a body-only build after a reload knew a few of
    the site's files, and the next full build took those few for all of them."""
    toml = site / "site.toml"
    gone = site / "content" / "gulf" / "article-5.md"
    gone.write_text(article(5, country="Bahrain"), encoding="utf-8")
    builder = Watching(load_config(toml), reload_config=lambda: load_config(toml))
    builder.rebuild(None)
    assert (site / "output" / "countries" / "bahrain" / "index.html").exists()
    toml.write_text(toml.read_text(encoding="utf-8"), encoding="utf-8")  # saved unchanged
    assert builder.rebuild({toml}).startswith("nothing to do")
    edited = site / "content" / "gulf" / "article-2.md"
    edited.write_text(article(2).replace("More text.", "Other text."), encoding="utf-8")
    assert "bodies only" in builder.rebuild({edited})
    gone.unlink()
    builder.rebuild({gone})
    assert not (site / "output" / "countries" / "bahrain").exists()
    assert_same_as_clean(site)


def test_emacs_lock_files_are_ignored_and_a_missing_content_folder_is_an_error(site):
    builder = Watching(load_config(site / "site.toml"))
    lock = site / "content" / "gulf" / ".#article-1.md"
    lock.symlink_to("user@host.1234:1700000000")  # how Emacs marks a file being edited
    builder.rebuild(None)
    assert_same_as_clean(site)
    shutil.rmtree(site / "content")
    with pytest.raises(SiteBuilderError, match="content folder not found"):
        builder.rebuild({site / "content"})
    assert (site / "output" / "index.html").exists()  # the last good site stays


def test_body_edits_render_only_their_pages_and_feeds(site):
    builder = Watching(load_config(site / "site.toml"))
    builder.rebuild(None)
    output = site / "output"
    listings = {
        p: p.stat().st_mtime_ns for p in output.rglob("index.html") if "articles" not in p.parts
    }
    path = site / "content" / "gulf" / "article-4.md"
    path.write_text(article(4).replace("More text.", "A corrected paragraph."), encoding="utf-8")
    # its page, and the site's, the Gulf's and its tag's feeds in three formats, and the
    # site feed's RSS and Atom archive documents that hold it (RFC 5005)
    assert (
        builder.rebuild({path})
        == "1 parsed, 12 rendered, 12 written, 0 deleted (11 articles; bodies only)"
    )
    assert {p: p.stat().st_mtime_ns for p in listings} == listings
    assert_same_as_clean(site)

    draft = site / "content" / "gulf" / "article-8.md"
    draft.write_text(article(8).replace("draft: false", "draft: true"), encoding="utf-8")
    builder.rebuild({draft})
    draft.write_text(
        article(8, title="Still a draft")
        .replace("draft: false", "draft: true")
        .replace("More text.", "Draft text."),
        encoding="utf-8",
    )
    assert builder.rebuild({draft}).startswith("1 parsed")
    assert "Draft text." not in "".join(
        p.read_text(encoding="utf-8") for p in output.rglob("*.html")
    )
    assert_same_as_clean(site)


def test_a_body_edit_that_breaks_a_template_is_an_error_and_the_fix_rebuilds(site):
    page = site / "templates" / "article.html"
    page.write_text(
        page.read_text(encoding="utf-8").replace(
            "{% block main %}",
            "{% block main %}{% if 'BOOM' in article.body %}{{ nope }}{% endif %}",
        ),
        encoding="utf-8",
    )
    builder = Watching(load_config(site / "site.toml"))
    builder.rebuild(None)
    before = tree(site / "output")
    path = site / "content" / "gulf" / "article-2.md"
    path.write_text(article(2).replace("More text.", "BOOM"), encoding="utf-8")
    with pytest.raises(SiteBuilderError, match="'nope' is undefined"):
        builder.rebuild({path})
    assert tree(site / "output") == before
    other = site / "content" / "gulf" / "article-3.md"
    other.write_text(article(3).replace("More text.", "Other text."), encoding="utf-8")
    with pytest.raises(SiteBuilderError, match="'nope' is undefined"):
        builder.rebuild({other})  # article 2 is still broken: the site is not half updated
    path.write_text(article(2), encoding="utf-8")
    builder.rebuild({path})
    assert_same_as_clean(site)


def test_a_body_edit_after_a_future_article_came_due_publishes_it(site, monkeypatch):
    due = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(due.timestamp()) - 2))  # two seconds before
    future = site / "content" / "gulf" / "article-9.md"
    future.write_text(
        article(9, title="Embargoed story").replace("2026-01-10T08:00:00+00:00", due.isoformat()),
        encoding="utf-8",
    )
    builder = Watching(load_config(site / "site.toml"))
    builder.rebuild(None)
    assert "Embargoed story" not in (site / "output" / "index.html").read_text(encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(due.timestamp())))  # the clock reaches it
    path = site / "content" / "gulf" / "article-1.md"
    path.write_text(article(1).replace("More text.", "Other text."), encoding="utf-8")
    builder.rebuild({path})
    assert "Embargoed story" in (site / "output" / "index.html").read_text(encoding="utf-8")
    assert_same_as_clean(site)


def test_a_file_deleted_between_its_stat_and_its_reading_counts_as_deleted(site, monkeypatch):
    from site_builder.content import loader

    builder = Watching(load_config(site / "site.toml"))
    builder.rebuild(None)
    path = site / "content" / "gulf" / "article-6.md"
    path.write_text(article(6, title="About to go"), encoding="utf-8")
    real, calls = loader.read_file, []

    def vanishing(config, file):  # gone by the time it is read
        if file == path:
            calls.append(file)
            path.unlink()
        return real(config, file)

    monkeypatch.setattr(loader, "read_file", vanishing)
    builder.rebuild({path})
    assert calls == [path]
    assert not list((site / "output" / "articles").rglob("article-6"))
    assert_same_as_clean(site)


def test_an_article_template_edit_rerenders_the_article_pages_only(site):
    builder = Watching(load_config(site / "site.toml"))
    builder.rebuild(None)
    output = site / "output"
    before = tree(output)
    page = site / "templates" / "article.html"
    page.write_text(
        page.read_text(encoding="utf-8").replace(
            "{% block main %}", "{% block main %}<!-- edited -->", 1
        ),
        encoding="utf-8",
    )
    result = builder.rebuild({page})
    articles = sorted(p.relative_to(output).as_posix() for p in output.glob("articles/**/*.html"))
    changed = sorted(p for p, data in tree(output).items() if data != before.get(p))
    assert articles and changed == articles
    assert f"{len(articles)} rendered" in result
    assert result.endswith("; templates article.html)")  # the last plan, not a new one
    assert_same_as_clean(site)


def edit(template: Path, comment: str = "<!-- edited -->") -> None:
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace("{% block main %}", "{% block main %}" + comment, 1))


def test_a_listing_template_edit_with_a_retitle_renders_the_listings_and_that_story(site):
    builder = Watching(load_config(site / "site.toml"))
    builder.rebuild(None)
    output, story = site / "output", site / "content" / "gulf" / "article-2.md"
    before = tree(output)
    edit(site / "templates" / "list.html")
    story.write_text(article(2, title="A new headline"), encoding="utf-8")
    result = builder.rebuild({site / "templates" / "list.html", story})
    changed = {p for p, data in tree(output).items() if data != before.get(p)}
    listings = {p for p in changed if b"A new headline" not in tree(output)[p]}
    assert result.endswith("; templates list.html)"), result
    assert "articles/2026/01/article-2/index.html" in changed
    assert "africa/index.html" in listings and "countries/iran/index.html" in listings
    assert not [p for p in listings if p.startswith("articles/") or not p.endswith(".html")]
    assert_same_as_clean(site)


@pytest.mark.parametrize("also", ["site.toml", "article"])
def test_a_template_edit_with_a_new_story_or_setting_plans_the_whole_site(site, also):
    reload = lambda: load_config(site / "site.toml")  # noqa: E731
    builder = Watching(reload(), reload_config=reload)
    builder.rebuild(None)
    edit(site / "templates" / "list.html")
    changed = {site / "templates" / "list.html"}
    if also == "article":
        new = site / "content" / "gulf" / "article-9.md"
        new.write_text(article(9, title="A brand new story"), encoding="utf-8")
        changed.add(new)
    else:
        toml = site / "site.toml"
        toml.write_text(toml.read_text(encoding="utf-8").replace("Test Desk", "The Desk"))
        changed.add(toml)
    assert builder.rebuild(changed).endswith("; full plan)")
    assert_same_as_clean(site)


def test_a_new_template_no_page_uses_renders_nothing(site):
    builder = Watching(load_config(site / "site.toml"))
    builder.rebuild(None)
    before = tree(site / "output")
    unused = site / "templates" / "_unused.html"
    unused.write_text("<p>{{ nothing }}</p>\n", encoding="utf-8")
    assert builder.rebuild({unused}).startswith("0 parsed, 0 rendered, 0 written")
    assert tree(site / "output") == before


def test_a_static_file_removed_after_builds_with_racy_stamps_is_removed(site):
    """The template lane compares everything but the templates with the last build's: a
    build whose stamps were too new to trust must not leave an older build's digest."""
    builder = Watching(load_config(site / "site.toml"))
    builder.rebuild(None)
    future = time.time_ns() + 3600 * 10**9  # a stamp a later edit might not move: racy
    template = site / "templates" / "list.html"
    edit(template)
    os.utime(template, ns=(future, future))
    assert builder.rebuild({template}).endswith("; templates list.html)")
    notice = site / "static" / "notice.txt"
    notice.parent.mkdir(exist_ok=True)
    notice.write_text("A notice\n", encoding="utf-8")
    os.utime(notice, ns=(future, future))
    builder.rebuild({notice})
    assert (site / "output" / "notice.txt").exists()
    notice.unlink()
    assert builder.rebuild({notice}).endswith("; full plan)")
    assert not (site / "output" / "notice.txt").exists()
    assert_same_as_clean(site)


def test_a_template_edit_undone_in_watch_renders_the_pages_again(site):
    """Watch skips outputs whose plan entry and site-wide values are as at their last
    fingerprint. A template edit renders a few kinds of pages under a new template key;
    undone, the key is the one the other pages were fingerprinted under, but not the one
    the edited pages were: they are rendered back, not left edited."""
    builder = Watching(load_config(site / "site.toml"))
    builder.rebuild(None)
    page = site / "templates" / "article.html"
    original = page.read_text(encoding="utf-8")
    edit(page, "<p>An edit undone</p>")
    builder.rebuild({page})
    pages = list((site / "output" / "articles").rglob("index.html"))
    assert pages and all("An edit undone" in p.read_text(encoding="utf-8") for p in pages)
    page.write_text(original, encoding="utf-8")
    builder.rebuild({page})
    assert_same_as_clean(site)


def test_a_command_plans_from_the_indexes_the_last_command_left(site, monkeypatch):
    """A story added by one `build` leaves the plan's indexes over every article in the
    state folder; the next `build` starts from them (brought up to date by each article's
    version; a few changes are not worth a new dump), and from nothing when they are
    damaged: the site is a clean build's either way. `--clean` drops them with the state."""
    from site_builder.engine.store import KEPT_FILE

    config = load_config(site / "site.toml")
    command(config)
    gulf = site / "content" / "gulf"
    (gulf / "article-20.md").write_text(article(20, title="Port reopens"), encoding="utf-8")
    command(config)
    dumped = config.cache_dir / KEPT_FILE
    assert dumped.is_file()
    restored = restores(monkeypatch)
    (gulf / "article-21.md").write_text(article(21, country="Oman"), encoding="utf-8")
    (gulf / "article-3.md").unlink()
    left = dumped.read_bytes()
    command(config)
    assert len(restored) == 1 and restored[0] is not None
    assert dumped.read_bytes() == left  # a few changes from it: brought up to date next time
    assert_same_as_clean(site)
    dumped.write_bytes(b"\x00 not what a build wrote")
    (gulf / "article-22.md").write_text(article(22, country="Iraq"), encoding="utf-8")
    command(config)
    assert restored[-1] is None
    assert dumped.read_bytes().startswith(left[:8])  # made afresh, dumped again
    assert_same_as_clean(site)
    engine = Engine(config)  # `build --clean`: nothing of the last state is used, nor kept
    try:
        engine.build(clean=True)
    finally:
        engine.close()
    assert not dumped.exists()


def test_a_watch_session_leaves_the_indexes_once_for_the_next_session(site, monkeypatch):
    """`serve` keeps the plan's indexes in memory; its first plan from the change leaves
    them in the state folder too (once a session: later changes are brought up to date in
    memory), so the next session's first new story starts from them, not from nothing."""
    from site_builder.engine.store import KEPT_FILE

    config = load_config(site / "site.toml")
    dumped = config.cache_dir / KEPT_FILE
    gulf = site / "content" / "gulf"
    first = Watching(config)
    first.rebuild(None)
    assert not dumped.exists()  # a whole plan keeps no indexes
    story = gulf / "article-20.md"
    story.write_text(article(20, title="Port reopens"), encoding="utf-8")
    assert "from the change" in first.rebuild({story})
    assert dumped.is_file()
    left = dumped.read_bytes()
    story.write_text(article(20, title="Port reopens again"), encoding="utf-8")
    first.rebuild({story})
    assert dumped.read_bytes() == left  # once a session
    first.engine.close()
    restored = restores(monkeypatch)
    second = Watching(config)
    later = gulf / "article-21.md"
    later.write_text(article(21, country="Oman"), encoding="utf-8")
    assert "from the change" in second.rebuild({later})
    second.engine.close()
    assert len(restored) == 1 and restored[0] is not None
    assert_same_as_clean(site)


def restores(monkeypatch) -> list:
    """What each Kept.restore gives back from now on, in order (None: nothing fit)."""
    from site_builder.render.kept import Kept

    restored: list = []
    real = Kept.restore

    def restore(*args):
        restored.append(real(*args))
        return restored[-1]

    monkeypatch.setattr(Kept, "restore", restore)
    return restored


def command(config) -> str:
    """A build as `site-builder build` runs it: an engine of its own, keeping the state."""
    engine = Engine(config)
    try:
        return engine.build().account
    finally:
        engine.close()


def test_plan_indexes_that_cannot_be_kept_do_not_fail_the_build(site):
    """The indexes a command leaves are a saving, not a need: a folder in their way (or
    a full disk) leaves the build as it would be without them."""
    from site_builder.engine.store import KEPT_FILE

    config = load_config(site / "site.toml")
    command(config)
    (config.cache_dir / KEPT_FILE).mkdir()
    gulf = site / "content" / "gulf"
    (gulf / "article-20.md").write_text(article(20, title="Port reopens"), encoding="utf-8")
    assert "from the change" in command(config)
    assert_same_as_clean(site)
