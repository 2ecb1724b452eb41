"""`site-builder build` with its state: only what changed is redone, and never a wrong byte.

Each test compares the cached build's output/ with a clean build of the same sources (the
same engine on an empty state, into another folder, in this process).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3

import pytest
from conftest import REPO, run_cli
from test_incremental import article, tree

from site_builder.config import load_config
from site_builder.engine.build import build_site
from site_builder.engine.pipeline import Engine
from site_builder.engine.publish import previous_site
from site_builder.engine.store import READER_INDEXES, READERS


@pytest.fixture
def site(tmp_path):
    shutil.copytree(REPO / "content", tmp_path / "content")
    (tmp_path / "site.toml").write_text(
        'title = "Cache Desk"\nper_page = 3\nbase_url = "https://example.org/news/"\n',
        encoding="utf-8",
    )
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    (tmp_path / "content" / "gulf").mkdir(exist_ok=True)
    for n in range(1, 8):
        write(tmp_path / "content" / "gulf" / f"article-{n}.md", article(n))
    return tmp_path


def write(path, text):
    path.write_text(text, encoding="utf-8")


def build(site, **options) -> str:
    """A cached build as `site-builder build` makes it; the account of what it redid."""
    engine = Engine(load_config(site / "site.toml", root=site), **options)
    try:
        return engine.build().account
    finally:
        engine.close()


def assert_same_as_clean(site):
    config = load_config(site / "site.toml", {"output_dir": site / "clean"}, root=site)
    build_site(config)
    cached, clean = tree(site / "output"), tree(site / "clean")
    shutil.rmtree(site / "clean")
    assert sorted(cached) == sorted(clean)
    assert [p for p in clean if cached[p] != clean[p]] == []


def mtimes(site):
    return {p: p.stat().st_mtime_ns for p in (site / "output").rglob("*") if p.is_file()}


def test_an_unchanged_site_writes_nothing_and_the_config_path_as_typed_does_not_matter(site):
    assert run_cli("build", cwd=site).returncode == 0
    before = mtimes(site)
    again = run_cli("build", "-v", "--config", str(site / "site.toml"), cwd=site, check=True)
    assert "nothing to do (11 articles)" in again.stderr
    assert mtimes(site) == before  # hosts' sync tools see nothing to upload
    assert_same_as_clean(site)


def test_one_body_edit_redoes_its_page_and_feeds_and_keeps_every_other_file(site):
    build(site)
    before = mtimes(site)
    path = site / "content" / "gulf" / "article-4.md"
    write(path, article(4).replace("More text.", "A corrected paragraph."))
    # Its page and the feeds that carry its body: the site's, its region's, its tag's, and
    # the site feed's archive documents that hold it (RFC 5005).
    assert build(site) == "1 parsed, 12 rendered, 12 written, 0 deleted (11 articles; bodies only)"
    after = mtimes(site)
    changed = sorted(
        str(p.relative_to(site / "output")) for p in after if after[p] != before.get(p)
    )
    assert changed == [
        "articles/2026/01/article-4/index.html",
        "atom.xml",
        "feed.json",
        "feed.xml",
        "gulf/atom.xml",
        "gulf/feed.json",
        "gulf/feed.xml",
        "page/2/atom.xml",
        "page/2/feed.xml",
        "tags/test/atom.xml",
        "tags/test/feed.json",
        "tags/test/feed.xml",
    ]
    assert_same_as_clean(site)


def test_adding_an_article_renders_the_pages_it_appears_on_not_every_listing_page(site):
    for n in range(8, 40):
        write(site / "content" / "gulf" / f"article-{n}.md", article(n))
    build(site)
    before = mtimes(site)
    write(site / "content" / "gulf" / "article-40.md", article(40, title="Newest story"))
    build(site)
    after = mtimes(site)
    changed = {str(p.relative_to(site / "output")) for p in after if after[p] != before.get(p)}
    # Listings paginate from the oldest: the old numbered pages of gulf/ keep their bytes.
    assert "gulf/page/1/index.html" not in changed and "gulf/page/5/index.html" not in changed
    assert "gulf/index.html" in changed and "index.html" in changed
    assert_same_as_clean(site)


@pytest.mark.parametrize("spoil", ["garbage", "truncated", "deleted", "other key"])
def test_a_spoiled_or_missing_state_is_never_trusted(site, spoil):
    build(site)
    state = site / ".cache" / "site_builder" / "state.sqlite3"
    write(site / "content" / "gulf" / "article-2.md", article(2, title="Changed meanwhile"))
    if spoil == "garbage":
        for name in os.listdir(state.parent):
            if name.startswith("state.sqlite3"):
                (state.parent / name).write_bytes(b"\x00not a database" * 100)
    elif spoil == "truncated":
        state.write_bytes(state.read_bytes()[:4096])
    elif spoil == "deleted":
        shutil.rmtree(site / ".cache")
    else:
        db = sqlite3.connect(state)
        db.execute("UPDATE meta SET value = ? WHERE name = 'key'", (json.dumps("old code"),))
        db.commit()
        db.close()
    build(site)
    page = next((site / "output" / "articles").rglob("article-2/index.html"))
    assert "Changed meanwhile" in page.read_text(encoding="utf-8")
    assert_same_as_clean(site)


def test_a_library_upgrade_is_a_clean_build(site, monkeypatch):
    from site_builder.engine import pipeline as engine

    build(site)
    assert build(site).startswith("nothing to do")
    real = engine.state_key

    monkeypatch.setattr(engine, "state_key", lambda: real() + "markdown=99")
    assert build(site).startswith("13 parsed")  # every source (pages too) read again


def test_an_edit_that_keeps_size_and_mtime_is_rebuilt(site):
    build(site)
    path = site / "content" / "gulf" / "article-3.md"
    st = path.stat()
    text = article(3).replace("More text.", "Less text.")
    assert len(text.encode()) == st.st_size
    write(path, text)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # an editor restoring the mtime
    assert build(site).startswith("1 parsed")
    assert "Less text." in next((site / "output").rglob("article-3/index.html")).read_text(
        encoding="utf-8"
    )


def test_a_file_changed_in_the_same_clock_tick_as_the_scan_is_read_again(site, monkeypatch):
    """On a file system with one-second timestamps, an edit in the second of the last scan
    moves no stamp: the scan marks such files racy and compares their bytes next time."""
    from site_builder.engine import pipeline as engine
    from site_builder.engine import scan

    coarse = scan.stamp

    def second(st):  # what a file system with one-second timestamps reports
        return tuple(v // 10**9 * 10**9 if n < 2 else v for n, v in enumerate(coarse(st)))

    monkeypatch.setattr(scan, "stamp", second)
    monkeypatch.setattr(
        engine.Engine,
        "_clock",
        lambda self: os.stat(self.config.content_dir).st_mtime_ns // 10**9 * 10**9,
    )
    path = site / "content" / "gulf" / "article-5.md"
    write(path, article(5))
    os.utime(site / "content", None)
    build(site)
    write(path, article(5).replace("More text.", "Racy text."))  # same size, same second
    build(site)
    assert "Racy text." in next((site / "output").rglob("article-5/index.html")).read_text(
        encoding="utf-8"
    )


def test_a_teaser_that_reads_the_body_is_rebuilt_after_a_body_edit(site):
    teaser = site / "templates" / "_teaser.html"
    plain = teaser.read_text(encoding="utf-8")
    reading = plain.replace(
        '<article class="teaser ',
        '<article data-words="{{ article.body|wordcount }}" class="teaser ',
    )
    assert reading != plain  # the theme's teaser, made to read the body
    write(teaser, reading)
    build(site)
    path = site / "content" / "gulf" / "article-6.md"
    write(path, article(6).replace("More text.", "More text. " + "word " * 50))
    build(site)
    assert_same_as_clean(site)
    write(teaser, plain)
    build(site)
    write(path, article(6))
    assert build(site).endswith("bodies only)")
    assert_same_as_clean(site)


def test_a_card_shown_on_many_pages_records_its_body_read_on_the_page_that_read_it(site):
    """A card is made once a build and shown by every page that lists it: reading its
    body on the gulf listing (and on no other page) is the gulf listing's read alone."""
    teaser = site / "templates" / "_teaser.html"
    plain = teaser.read_text(encoding="utf-8")
    write(
        teaser,
        plain.replace(
            '<article class="teaser ',
            "<article{% if page.path == 'gulf/' %} data-words=\"{{ article.body|wordcount }}\""
            '{% endif %} class="teaser ',
        ),
    )
    build(site)
    path = site / "content" / "gulf" / "article-7.md"
    write(path, article(7).replace("More text.", "More text. " + "word " * 50))
    build(site)
    gulf = (site / "output" / "gulf" / "index.html").read_text(encoding="utf-8")
    assert 'data-words="60"' in gulf  # 10 words before
    assert_same_as_clean(site)


def test_builds_start_from_the_replaced_site_and_a_damaged_one_is_not_used(site):
    build(site)
    path = site / "content" / "gulf" / "article-1.md"
    for text in ["First edit.", "Second edit.", "Third edit."]:
        write(path, article(1).replace("More text.", text))
        build(site)
        assert previous_site(site / "output").is_dir()
        assert_same_as_clean(site)
    # Someone deletes part of the kept site (the README says it is safe to delete).
    kept = previous_site(site / "output")
    for victim in list(kept.rglob("index.html"))[:5]:
        victim.unlink()
    write(path, article(1).replace("More text.", "Fourth edit."))
    build(site)
    assert_same_as_clean(site)


def test_a_draft_body_edit_publishes_nothing(site):
    draft = site / "content" / "gulf" / "article-8.md"
    write(draft, article(8).replace("draft: false", "draft: true"))
    build(site)
    before = mtimes(site)
    write(draft, article(8).replace("draft: false", "draft: true").replace("More", "Secret"))
    build(site)
    assert mtimes(site) == before
    assert_same_as_clean(site)


def test_an_article_from_the_future_appears_once_its_time_comes(site):
    import datetime as dt

    future = site / "content" / "gulf" / "article-9.md"
    write(
        future, article(9, title="Embargoed").replace("2026-01-10T08:00:00", "2030-01-01T08:00:00")
    )
    build(site, now=lambda: dt.datetime(2029, 12, 31, tzinfo=dt.UTC))
    assert "Embargoed" not in (site / "output" / "index.html").read_text(encoding="utf-8")
    build(site, now=lambda: dt.datetime(2030, 1, 2, tzinfo=dt.UTC))
    assert "Embargoed" in (site / "output" / "index.html").read_text(encoding="utf-8")


def test_build_after_watch_wrote_in_place_equals_a_clean_build(site):
    from test_incremental import Watching

    build(site)
    watching = Watching(load_config(site / "site.toml", root=site))
    path = site / "content" / "gulf" / "article-2.md"
    write(path, article(2).replace("More text.", "Watched edit."))
    watching.rebuild({path})
    write(site / "content" / "gulf" / "article-30.md", article(30, title="Watched new"))
    watching.rebuild({site / "content" / "gulf" / "article-30.md"})
    write(path, article(2).replace("More text.", "Built edit."))
    build(site)
    assert_same_as_clean(site)


def test_a_link_planted_in_the_previous_site_never_leads_a_write_outside(site, tmp_path_factory):
    build(site)
    outside = tmp_path_factory.mktemp("outside")
    path = site / "content" / "gulf" / "article-1.md"
    write(path, article(1).replace("More text.", "One."))
    build(site)
    kept = previous_site(site / "output")
    target = next(kept.rglob("article-1"))
    shutil.rmtree(target)
    target.symlink_to(outside, target_is_directory=True)
    write(path, article(1).replace("More text.", "Two."))
    build(site)
    assert os.listdir(outside) == []
    assert_same_as_clean(site)


def test_a_retitle_is_planned_from_the_change_and_renders_only_what_shows_it(site):
    """A new title or summary leaves every brief, so the plan, as it was: the build looks
    at the outputs that show the article (the store's index), not at the whole site."""
    build(site)
    before = mtimes(site)
    path = site / "content" / "gulf" / "article-4.md"
    write(path, article(4, title="A corrected headline").replace("Summary of", "Summing up"))
    account = build(site)
    assert account.endswith("(11 articles; from the change)")
    assert account.startswith("1 parsed, ")
    assert_same_as_clean(site)
    after = mtimes(site)
    changed = sorted(str(p.relative_to(site / "output")) for p in after if after[p] != before[p])
    shows = [p for p in changed if "A corrected headline" in (site / "output" / p).read_text()]
    assert shows == changed and "index.html" in changed and "feed.xml" in changed
    assert "sitemap.xml" not in changed and "sitemap-articles-1.xml" not in changed


@pytest.mark.parametrize(
    "edit",
    [
        lambda text: text.replace("tags: [Test]", "tags: [Test, Ports]"),  # a new tag page
        lambda text: text.replace("T08:00:00", "T09:00:00"),  # its place among its neighbours
        lambda text: text.replace("draft: false", "draft: true"),
    ],
    ids=["tags", "date", "draft"],
)
def test_an_edit_that_changes_a_brief_with_the_title_is_planned_from_the_change(site, edit):
    build(site)
    path = site / "content" / "gulf" / "article-4.md"
    write(path, edit(article(4, title="A corrected headline")))
    assert build(site).endswith("; from the change)")
    assert_same_as_clean(site)


def test_a_pages_new_title_is_planned_in_full_for_the_menu_that_names_it(site):
    toml = site / "site.toml"
    write(toml, toml.read_text(encoding="utf-8") + '\n[[menu]]\npage = "about"\n')
    build(site)
    about = site / "content" / "pages" / "about.md"
    text = about.read_text(encoding="utf-8")
    write(about, re.sub(r"(?m)^title: .*$", "title: Who we are", text, count=1))
    assert "full plan" in build(site)
    assert "Who we are" in (site / "output" / "gulf" / "index.html").read_text(encoding="utf-8")
    assert_same_as_clean(site)


def test_an_upgrade_of_babel_is_a_new_state(tmp_path, monkeypatch):
    """Babel spells the theme's dates, numbers and country names: another version of it
    must not reuse pages rendered with the last one."""
    from site_builder.engine import keys

    fake = tmp_path / "libs"
    (fake / "babel-2.14.0.dist-info").mkdir(parents=True)
    monkeypatch.syspath_prepend(str(fake))
    before = keys.library_versions()
    (fake / "babel-2.14.0.dist-info").rename(fake / "babel-99.0.dist-info")
    assert "babel==99.0" in keys.library_versions()
    assert keys.library_versions() != before


def reader_state(site) -> tuple[list, list]:
    """The reader tables' rows, and their indexes as SQLite has them."""
    db = sqlite3.connect(site / ".cache" / "site_builder" / "state.sqlite3")
    try:
        rows = [sorted(db.execute(f"SELECT id, path FROM {t}")) for t in READERS]
        query = "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN (?, ?)"
        return rows, sorted(sql for (sql,) in db.execute(query, READERS))
    finally:
        db.close()


def test_a_first_build_files_its_readers_unindexed_and_indexes_them_after(site):
    """A first build puts the reader tables' rows in with no index to keep up to date, and
    makes the indexes once (Store.readers_in_bulk): the rows are those a later build keeps
    by difference, and the next build finds its readers by the indexes."""
    build(site)
    rows, indexes = reader_state(site)
    assert all(rows) and len(indexes) == len(READER_INDEXES)
    assert all(f"{t}_{c} ON {t}" in " ".join(indexes) for t in READERS for c in ("id", "path"))
    base = site / "templates" / "base.html"  # every page re-rendered, its readers compared
    write(base, base.read_text(encoding="utf-8") + "{# every page #}\n")
    assert build(site).startswith("0 parsed, ")
    assert reader_state(site) == (rows, indexes)
    write(site / "content" / "gulf" / "article-4.md", article(4, title="A new headline"))
    assert build(site).endswith("(11 articles; from the change)")
    assert_same_as_clean(site)


def test_a_first_build_that_fails_in_its_commit_keeps_the_indexes(site, monkeypatch):
    """The indexes dropped for a first build's rows come back with its rollback."""
    from site_builder.engine import stages
    from site_builder.errors import SiteBuilderError

    def fail(self, rendered):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(stages.Outputs, "_commit_batch", fail)
        with pytest.raises(SiteBuilderError, match="the disk is full"):
            build(site)
    rows, indexes = reader_state(site)
    assert rows == [[], []] and len(indexes) == len(READER_INDEXES)
    build(site)
    assert_same_as_clean(site)
