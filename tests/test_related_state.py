"""Related articles kept in the build state: a `build` after a newsroom edit scores only the
neighbourhood of what changed, and its pages and stored answers are a clean build's."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import REPO
from test_incremental import article, tree

from site_builder.config import load_config
from site_builder.engine.pipeline import Engine
from site_builder.engine.store import FILE, Store
from site_builder.errors import TemplateError
from site_builder.render.related import RELATED

COUNTRIES = {"gulf": ["Qatar", "Oman"], "europe": ["France", "Qatar"], "asia": ["Japan", "Oman"]}
STORIES = 60


@pytest.fixture
def site(tmp_path):
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    (tmp_path / "site.toml").write_text(
        'title = "Related Desk"\nper_page = 5\nbase_url = "https://example.org/news/"\n',
        encoding="utf-8",
    )
    for n in range(1, STORIES + 1):
        region = list(COUNTRIES)[n % 3]
        story(tmp_path, n, region, COUNTRIES[region][n % 2])
    return tmp_path


def story(root: Path, n: int, region: str, country: str) -> Path:
    path = root / "content" / f"story-{n}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(article(n, region, country), encoding="utf-8")
    return path


def build(root: Path, output: str = "output", cache: str = ".cache") -> None:
    """One `build` run: a new engine over the state the last one left."""
    SCORED.clear()
    config = load_config(
        root / "site.toml",
        {"output_dir": root / output, "cache_dir": root / cache},
        root=root,
    )
    engine = Engine(config)
    try:
        engine.build()
    finally:
        engine.close()


def answers(cache: Path) -> list[tuple]:
    db = sqlite3.connect(cache / FILE)
    try:
        return sorted(db.execute("SELECT id, found, candidates FROM related"))
    finally:
        db.close()


def same_as_clean(root: Path) -> None:
    """output/ and the stored answers as a clean build of the same sources leaves them."""
    shutil.rmtree(root / "clean", ignore_errors=True)
    shutil.rmtree(root / ".cache-clean", ignore_errors=True)
    build(root, "clean", ".cache-clean")
    got, expected = tree(root / "output"), tree(root / "clean")
    assert sorted(got) == sorted(expected)
    assert [p for p in expected if got[p] != expected[p]] == []
    assert answers(root / ".cache") == answers(root / ".cache-clean")


SCORED: list[set[str]] = []  # what the last build() stored, once per plan


@pytest.fixture
def scored(monkeypatch):
    """The ids whose related articles the last build scored (and so stored again)."""
    put = Store.put_related

    def spy(self, rows):
        rows = list(rows)
        SCORED.append({ident for ident, *_ in rows})
        put(self, rows)

    monkeypatch.setattr(Store, "put_related", spy)
    return SCORED


def uid(n: int) -> str:
    return f"urn:uuid:00000000-0000-5000-8000-{n:012d}"


def test_a_build_after_an_add_move_or_delete_scores_only_the_neighbourhood(site, scored):
    build(site)
    assert len(scored[0]) == STORIES  # the first build scores every article
    # An article sits in its country's group and its region's: its neighbours are at most
    # RELATED places either side in each, and theirs are what a change can reach.
    reach = 1 + 2 * 2 * RELATED
    story(site, 100, "gulf", "Qatar")  # shares Qatar with the gulf and europe desks
    build(site)
    assert uid(100) in scored[0]
    assert len(scored[0]) <= reach
    same_as_clean(site)

    story(site, 6, "europe", "France")  # moved from the gulf desk (Qatar) to europe
    build(site)
    assert uid(6) in scored[0]
    assert len(scored[0]) <= 2 * reach  # its neighbours where it was, and where it is
    same_as_clean(site)

    (site / "content" / "story-100.md").unlink()
    build(site)
    assert uid(100) not in scored[0]
    assert 0 < len(scored[0]) < reach  # its neighbours, not every article
    same_as_clean(site)
    assert uid(100) not in {ident for ident, *_ in answers(site / ".cache")}


def test_a_build_that_fails_after_the_plan_keeps_the_last_answers(site, scored):
    build(site)
    before = answers(site / ".cache")
    story(site, 100, "gulf", "Qatar")
    article_html = site / "templates" / "article.html"
    good = article_html.read_text(encoding="utf-8")
    article_html.write_text(good.replace("</article>", "{{ no_such_value }}</article>", 1))
    with pytest.raises(TemplateError, match="no_such_value"):
        build(site)
    assert uid(100) in scored[0]  # the plan scored it; the failed build did not keep that
    assert answers(site / ".cache") == before
    article_html.write_text(good, encoding="utf-8")
    build(site)
    same_as_clean(site)


def test_a_build_after_an_add_reads_the_kept_answers_of_the_pages_it_plans_only(site, monkeypatch):
    """A plan from the change reads the stored answers of the article pages it plans, not
    every article's (at 100,000 articles that read was half a second of an add); the
    pages are still a clean build's."""
    build(site)
    read: list[list[str] | None] = []
    kept = Store.related

    def spy(self, ids=None):
        read.append(None if ids is None else list(ids))
        return kept(self, ids)

    monkeypatch.setattr(Store, "related", spy)
    story(site, 100, "gulf", "Qatar")
    build(site)
    assert read and None not in read
    assert 0 < sum(map(len, read)) < STORIES / 2
    monkeypatch.undo()
    same_as_clean(site)
