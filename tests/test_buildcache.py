"""`site-builder build` with its cache: only what changed is redone, and never a wrong byte."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time

import pytest

from conftest import REPO, run_cli
from test_incremental import article, tree


@pytest.fixture
def site(tmp_path):
    shutil.copytree(REPO / "content", tmp_path / "content")
    (tmp_path / "site.toml").write_text('title = "Cache Desk"\nper_page = 3\n'
                                        'base_url = "https://example.org/news/"\n')
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    for n in range(1, 8):
        (tmp_path / "content" / "gulf" / f"article-{n}.md").parent.mkdir(exist_ok=True)
        (tmp_path / "content" / "gulf" / f"article-{n}.md").write_text(article(n))
    return tmp_path


def build(site, *args):
    """A cached build (with -v, so the account of what was redone is on stderr)."""
    return run_cli("build", "-v", *args, cwd=site, check=True).stderr


def assert_same_as_clean(site):
    """output/ equals a clean build of the same sources, made in a copy of the site folder
    (building here with another --output would replace the cache the next build uses)."""
    reference = site.parent / f"{site.name}-clean"
    shutil.rmtree(reference, ignore_errors=True)
    reference.mkdir()
    for name in ("content", "templates", "static", "site.toml"):
        if (site / name).is_dir():
            shutil.copytree(site / name, reference / name)
        elif (site / name).is_file():
            shutil.copy2(site / name, reference / name)
    run_cli("build", "--clean", cwd=reference, check=True)
    cached, clean = tree(site / "output"), tree(reference / "output")
    assert sorted(cached) == sorted(clean)
    assert [p for p in clean if cached[p] != clean[p]] == []


def mtimes(site):
    return {p: p.stat().st_mtime_ns for p in (site / "output").rglob("*") if p.is_file()}


def test_an_unchanged_site_renders_and_writes_nothing(site):
    build(site)
    before = mtimes(site)
    assert "build cache: 0 parsed, 0 rendered, 0 written, 0 deleted" in build(site)
    assert mtimes(site) == before  # hosts' sync tools see nothing to upload
    assert_same_as_clean(site)


def test_one_edit_redoes_one_article_and_keeps_other_files(site):
    build(site)
    before = mtimes(site)
    path = site / "content" / "gulf" / "article-3.md"
    path.write_text(article(3).replace("More text.", "An edited paragraph, longer than before."))
    log = build(site)
    assert "build cache: 1 parsed, " in log
    after = mtimes(site)
    changed = {p.relative_to(site / "output").as_posix() for p in after if after[p] != before.get(p)}
    assert any(p.endswith("article-3/index.html") for p in changed)
    assert "archive/index.html" not in changed and "index.html" not in changed
    assert_same_as_clean(site)


@pytest.mark.parametrize("spoil", ["garbage", "truncated", "other-config", "tampered-output",
                                   "outline-garbage", "outline-mismatch"])
def test_a_corrupt_or_stale_cache_is_never_trusted(site, spoil):
    build(site)
    state = site / ".cache" / "site_builder" / "build-state.pickle"
    if spoil == "garbage":
        state.write_bytes(b"\x80\x05not a pickle at all")
    elif spoil == "truncated":
        state.write_bytes(state.read_bytes()[:1000])
    elif spoil == "outline-garbage":
        (state.parent / "outline.pickle").write_bytes(b"\x80\x05garbage")
    elif spoil == "outline-mismatch":  # the two halves of the outline from different builds
        changes = state.parent / "outline-changes.pickle"
        old = changes.read_bytes()
        (site / "content" / "gulf" / "article-2.md").write_text(article(2, title="Retitled"))
        build(site)
        changes.write_bytes(old)
    elif spoil == "other-config":
        toml = site / "site.toml"
        toml.write_text(toml.read_text().replace("Cache Desk", "Another Desk"))
    else:
        page = next((site / "output" / "articles").rglob("article-5/index.html"))
        page.write_text("defaced")
    build(site)
    assert_same_as_clean(site)


def test_template_and_content_changes_in_a_row(site):
    build(site)
    teaser = site / "templates" / "_teaser.html"
    teaser.write_text(teaser.read_text().replace('class="teaser', 'class="teaser card'))
    build(site)
    assert_same_as_clean(site)
    (site / "content" / "gulf" / "article-2.md").unlink()
    (site / "content" / "gulf" / "article-9.md").write_text(article(9, title="Fresh story"))
    build(site)
    assert_same_as_clean(site)
    assert not list((site / "output").rglob("article-2"))


def test_builds_start_from_the_replaced_site_and_every_one_equals_a_clean_build(site):
    """The site a build replaces is kept as .output.previous and brought up to date by the
    next build; whatever the sequence of edits, output/ is exactly a clean build."""
    gulf = site / "content" / "gulf"
    edits = [
        lambda: None,
        lambda: (gulf / "article-3.md").write_text(article(3).replace("More text.", "Edit one.")),
        lambda: (gulf / "article-3.md").write_text(article(3).replace("More text.", "Edit two.")),
        lambda: (gulf / "article-4.md").write_text(article(4, title="A new headline")),
        lambda: (gulf / "article-5.md").unlink(),
        lambda: (gulf / "article-9.md").write_text(article(9, title="Brand new")),
        lambda: ((site / "output" / "CNAME").write_text("example.org\n"),  # a stray, dropped
                 (gulf / "article-7.md").write_text(article(7).replace("More text.", "Seven."))),
        lambda: (gulf / "article-3.md").write_text(article(3)),  # back to the first text
        lambda: (gulf / "article-6.md").write_text(article(6).replace("More text.", "Six.")),
    ]
    for step, edit in enumerate(edits):
        replaced = tree(site / "output") if (site / "output").is_dir() else None
        kept = (site / ".output.previous").stat().st_ino if step >= 2 else None
        edit()
        build(site)
        if kept is not None:  # the kept site was brought up to date, not built anew
            assert (site / "output").stat().st_ino == kept, f"step {step}"
        assert_same_as_clean(site)
        if replaced is not None and step != 6:  # (the stray file was never part of a build)
            assert tree(site / ".output.previous") == replaced, f"step {step}"


QUICK = "quick: "  # what -v says when a build took the quick way (quickbuild.py)


def test_a_body_edit_takes_the_quick_way_and_anything_else_the_full_way(site):
    gulf = site / "content" / "gulf"
    build(site)
    steps = [  # (edit, quick way expected)
        (lambda: (gulf / "article-3.md").write_text(article(3).replace("More text.", "Typo.")), True),
        (lambda: None, True),  # nothing changed
        (lambda: (gulf / "article-3.md").write_text(article(3, title="A changed title")), False),
        (lambda: (gulf / "article-1.md").write_text(article(1).replace("More text.", "X.")), True),
        (lambda: (site / "templates" / "base.html").write_text(
            (site / "templates" / "base.html").read_text() + "{# edit #}\n"), False),
        (lambda: (gulf / "article-8.md").write_text(article(8)), False),  # a new file
        (lambda: (gulf / "article-8.md").write_text(article(8).replace("More", "Less")), True),
        (lambda: (gulf / "article-8.md").unlink(), False),
    ]
    for step, (edit, quick) in enumerate(steps):
        edit()
        log = build(site)
        assert (QUICK in log) == quick, f"step {step}: {log}"
        assert_same_as_clean(site)


def test_quick_builds_keep_feeds_and_neighbours_right(site):
    """A body edit of the newest article changes the feeds that carry it and its own page;
    the pages around it keep linking to it, and a later full build agrees byte for byte."""
    gulf = site / "content" / "gulf"
    build(site)
    newest = gulf / "article-26.md"
    newest.write_text(article(26))
    build(site)
    newest.write_text(article(26).replace("More text.", "A body edit that feeds carry."))
    assert QUICK in build(site)
    feed = (site / "output" / "feed.xml").read_text()
    assert "A body edit that feeds carry." in feed
    assert "A body edit that feeds carry." in (site / "output" / "gulf" / "atom.xml").read_text()
    assert_same_as_clean(site)
    (gulf / "article-4.md").write_text(article(4, title="Now a full build"))
    assert QUICK not in build(site)
    assert_same_as_clean(site)


def test_a_draft_body_edit_publishes_nothing(site):
    gulf = site / "content" / "gulf"
    draft = article(9).replace("draft: false", "draft: true")
    (gulf / "article-9.md").write_text(draft)
    build(site)
    before = mtimes(site)
    (gulf / "article-9.md").write_text(draft.replace("More text.", "Still a draft."))
    assert QUICK in build(site)
    assert mtimes(site) == before
    assert_same_as_clean(site)


def test_an_article_from_the_future_appears_once_its_time_comes(site):
    soon = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) + dt.timedelta(seconds=3)
    text = article(9).replace("2026-01-10T08:00:00+00:00", soon.isoformat())
    assert soon.isoformat() in text
    (site / "content" / "gulf" / "article-9.md").write_text(text)
    build(site)
    assert not list((site / "output").rglob("article-9"))
    time.sleep(max(0.0, (soon - dt.datetime.now(dt.timezone.utc)).total_seconds()) + 1)
    log = build(site)
    assert QUICK not in log
    assert list((site / "output").rglob("article-9"))


def test_a_symbolic_link_in_content_goes_the_full_way(site):
    build(site)
    os.symlink(site / "content" / "gulf" / "article-1.md", site / "content" / "gulf" / "link.md")
    log = run_cli("build", "-v", cwd=site).stderr
    assert QUICK not in log


def test_build_after_watch_wrote_in_place_equals_a_clean_build(site):
    """watch writes into output/ in place and keeps no cache; the next `build` must notice
    (neither the quick way nor the previous site may trust what the last build left)."""
    from site_builder.config import load_config
    from site_builder.incremental import IncrementalBuilder

    gulf = site / "content" / "gulf"
    build(site)
    (gulf / "article-3.md").write_text(article(3).replace("More text.", "Before watch."))
    build(site)  # now a previous site exists and the quick way is primed
    watching = IncrementalBuilder(load_config(site / "site.toml", root=site))
    watching.rebuild(None)
    edited = gulf / "article-5.md"
    edited.write_text(article(5).replace("More text.", "Saved while watching."))
    watching.rebuild({edited})
    assert any("Saved while watching." in p.read_text() for p in
               (site / "output" / "articles").rglob("article-5/index.html"))
    (gulf / "article-6.md").write_text(article(6).replace("More text.", "After watch."))
    build(site)
    assert_same_as_clean(site)
    (gulf / "article-6.md").write_text(article(6).replace("More text.", "Again."))
    build(site)
    assert_same_as_clean(site)


def test_a_link_planted_in_the_previous_site_never_leads_a_write_outside(site, tmp_path_factory):
    gulf = site / "content" / "gulf"
    build(site)
    (gulf / "article-3.md").write_text(article(3).replace("More text.", "One."))
    build(site)  # .output.previous now exists and the next build starts from it
    page = next((site / ".output.previous" / "articles").rglob("article-3/index.html"))
    outside = tmp_path_factory.mktemp("outside")
    shutil.rmtree(page.parent)
    page.parent.symlink_to(outside, target_is_directory=True)
    (gulf / "article-3.md").write_text(article(3).replace("More text.", "Two."))
    proc = run_cli("build", cwd=site)
    assert proc.returncode == 0 and "building the folder afresh" in proc.stderr, proc.stderr
    assert list(outside.iterdir()) == []
    assert_same_as_clean(site)


@pytest.mark.parametrize("journal_max", [1, 2000])
def test_quick_builds_journal_their_changes_and_fold_them_in(site, monkeypatch, journal_max):
    """Quick builds note their changes in a small journal (folded into the outline's files
    once it grows past JOURNAL_MAX); builds in a row, a static file coming and going, feeds
    and a hand edit in between all end as a clean build."""
    from site_builder import quickbuild
    from site_builder.build import cached_build
    from site_builder.config import load_config

    monkeypatch.setattr(quickbuild, "JOURNAL_MAX", journal_max)
    monkeypatch.chdir(site)
    config = load_config(site / "site.toml")
    gulf, static = site / "content" / "gulf", site / "static"
    cached_build(config)
    edits = [
        lambda: (gulf / "article-2.md").write_text(article(2).replace("More text.", "One.")),
        lambda: (gulf / "article-5.md").write_text(article(5).replace("More text.", "Two.")),
        lambda: (static.mkdir(exist_ok=True), (static / "extra.css").write_text("a{}")),
        lambda: (gulf / "article-2.md").write_text(article(2).replace("More text.", "Three.")),
        lambda: (static / "extra.css").unlink(),
        lambda: (gulf / "article-7.md").write_text(article(7).replace("More text.", "Four.")),
    ]
    for edit in edits:
        edit()
        cached_build(config)
        assert_same_as_clean(site)
    journal = quickbuild._read(config, quickbuild.JOURNAL_FILE)
    assert bool(journal["stamps"]) == (journal_max > 10)  # folded away, or still there
    page = next((site / "output" / "articles").rglob("article-5/index.html"))
    page.write_text("defaced")  # the survey's output stamps, journal applied, notice it
    cached_build(config)
    assert_same_as_clean(site)
