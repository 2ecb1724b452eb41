"""Lists have limits (issue 23): an article with thousands of tags made a build of
minutes (every tag's feed lists every tag), or one that never ended. Each front matter
list is capped with a one-line error, and a feed's time grows with its size, not its
square."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from conftest import run_cli
from test_pages_taxonomies import make, story

from site_builder.config import load_config
from site_builder.content.loader import LIST_LIMITS
from site_builder.feeds.entries import FeedSpec
from site_builder.feeds.rss_atom import atom, rss
from site_builder.model import Article


@pytest.mark.parametrize("key", ["tags", "countries", "author", "aliases"])
def test_a_list_past_its_limit_is_one_line_naming_file_and_line(tmp_path, key):
    many = ", ".join(f"x{i}/" for i in range(10_000))
    text = story("urn:a", "Many", "2026-02-10T06:00:00Z", extra=f"{key}: [{many}]\n")
    root = make(tmp_path, {"gulf/many.md": text}, "")
    started = time.monotonic()
    result = run_cli("build", "-q", cwd=root, timeout=60)
    assert time.monotonic() - started < 30
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        f"content/gulf/many.md:6: '{key}': 10000 entries; at most {LIST_LIMITS[key]}"
    )


def test_an_article_at_the_limit_builds(tmp_path):
    tags = ", ".join(f"tag{i}" for i in range(LIST_LIMITS["tags"]))
    text = story("urn:a", "Many", "2026-02-10T06:00:00Z", extra=f"tags: [{tags}]\n")
    root = make(tmp_path, {"gulf/many.md": text}, "")
    run_cli("build", "-q", cwd=root, check=True)
    assert (root / "output" / "tags" / "tag99" / "feed.xml").is_file()


def _seconds(config, tags: int) -> float:
    article = Article(
        id="urn:a",
        title="Many",
        date=dt.datetime(2026, 2, 10, tzinfo=dt.UTC),
        region="gulf",
        slug="many",
        body="Body.",
        path=Path("content/gulf/many.md"),
        tags=tuple(f"tag {i}" for i in range(tags)),
    )
    spec = FeedSpec("Desk", "Desk", "", (article,), article.date)
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        rss(config, spec, {"urn:a": "<p>Body.</p>"})
        atom(config, spec, {"urn:a": "<p>Body.</p>"})
        best = min(best, time.process_time() - started)
    return best


def test_a_feed_entry_takes_time_linear_in_its_categories(tmp_path):
    """feedgen rebuilds an entry's RSS categories on every category added: one call for all
    of them keeps an entry of 4,000 categories (as a feed's size allows) near 8 times one
    of 500, where it was 64 times."""
    (tmp_path / "site.toml").write_text('title = "Desk"\n', encoding="utf-8")
    config = load_config(tmp_path / "site.toml", {}, root=tmp_path)
    small, large = _seconds(config, 500), _seconds(config, 4000)
    assert large < 20 * small, (small, large)
