"""Import a feed, build the site, re-import the site's own feeds: every article comes back."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO, run_cli

from site_builder.content import frontmatter

FEEDS = Path(__file__).parent / "data" / "feedimport"


def articles(site: Path) -> dict[str, tuple[dict, str]]:
    found = {}
    for path in (site / "content").rglob("*.md"):
        if "pages" in path.relative_to(site / "content").parts:
            continue  # standalone pages are in no feed
        meta, body, _ = frontmatter.read(path.read_text(encoding="utf-8"), path)
        found[meta["id"]] = (meta, " ".join(body.split()))
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    site = tmp_path_factory.mktemp("origin")
    names = ["wordpress-rss2.xml", "atom10-blogger.xml", "jsonfeed11.json", "wire-rss2-media.xml"]
    for name in names:
        shutil.copy(FEEDS / name, site / name)
    run_cli("import", *names, cwd=site, check=True)
    shutil.copytree(REPO / "content", site / "content", dirs_exist_ok=True)  # and the dumps
    # Typographic quotes and dashes change the text on purpose; the round trip is of the text.
    (site / "site.toml").write_text("typography = false\n", encoding="utf-8")
    run_cli("build", "--base-url", "https://example.org/news/", cwd=site, check=True)
    return site


@pytest.mark.parametrize("feed", ["feed.xml", "atom.xml", "feed.json"])
def test_the_sites_own_feed_imports_back_to_the_same_articles(built, feed, tmp_path):
    run_cli("import", str(built / "output" / feed), cwd=tmp_path, check=True)
    original, again = articles(built), articles(tmp_path)
    assert set(again) == set(original) and len(original) == 12
    for article_id, (meta, body) in original.items():
        meta2, body2 = again[article_id]
        for key in ("title", "date", "region"):
            assert meta2[key] == meta[key], (meta["title"], key)
        assert body2 == body, meta["title"]
    second = run_cli("import", str(built / "output" / feed), cwd=tmp_path, check=True)
    assert "12 unchanged" in second.stdout
