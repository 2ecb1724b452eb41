"""RFC 5005 archived feeds: the site's and each region's RSS and Atom feed link back through
fixed archive documents, and a reader walking them gets every article once."""

from __future__ import annotations

from pathlib import Path

import feedparser
from conftest import run_cli

SITE = "https://news.example.org/"
PER_PAGE = 5


def write_articles(site: Path, start: int, count: int) -> None:
    for number in range(start, start + count):
        region = "gulf" if number % 3 else "middle-east"
        day, hour = divmod(number, 24)
        (site / "content" / region).mkdir(parents=True, exist_ok=True)
        (site / "content" / region / f"story-{number}.md").write_text(
            f"---\nid: story-{number}\ntitle: Story {number}\n"
            f"date: 2026-0{1 + day // 28}-{1 + day % 28:02d}T{hour:02d}:00:00Z\n"
            f"region: {region}\n---\nThe text of story {number}.\n",
            encoding="utf-8",
        )


def build(site: Path) -> None:
    run_cli("build", "-q", "--base-url", SITE, cwd=site, check=True)


def walk(site: Path, name: str) -> list[list[str]]:
    """The entry ids of each document from the subscription feed back through prev-archive."""
    documents, url = [], SITE + name
    while url:
        assert url.startswith(SITE), url
        parsed = feedparser.parse((site / "output" / url.removeprefix(SITE)).read_bytes())
        assert not parsed.bozo, parsed.bozo_exception
        documents.append([entry.id for entry in parsed.entries])
        links = {link.rel: link.href for link in parsed.feed.links}
        if documents[1:]:  # an archive document names its subscription feed
            assert links["current"] == SITE + name
        url = links.get("prev-archive")
    return documents


def published(site: Path, region: str = "") -> set[str]:
    return {
        p.stem
        for p in (site / "content").rglob("story-*.md")
        if not region or p.parent.name == region
    }


def test_walking_prev_archive_from_the_feed_gets_every_article_once(tmp_path):
    (tmp_path / "site.toml").write_text(
        f"per_page = {PER_PAGE}\nfeed_entries = 3\n", encoding="utf-8"
    )
    write_articles(tmp_path, 0, 37)
    build(tmp_path)
    for name, region in [
        ("feed.xml", ""),
        ("atom.xml", ""),
        ("gulf/feed.xml", "gulf"),
        ("middle-east/atom.xml", "middle-east"),
    ]:
        documents = walk(tmp_path, name)
        archives = [i for doc in documents[1:] for i in doc]
        assert len(documents) > 1, name  # the feed and at least one archive
        assert all(len(doc) == PER_PAGE for doc in documents[1:]), name  # full archives
        assert len(archives) == len(set(archives)), name  # no archive repeats another's
        seen = [i for doc in documents for i in doc]
        assert set(seen) == published(tmp_path, region), name
        # The subscription feed holds what no archive holds yet (beyond feed_entries = 3).
        assert set(documents[0]).isdisjoint(archives), name


def test_full_archives_do_not_change_when_articles_are_added(tmp_path):
    (tmp_path / "site.toml").write_text(f"per_page = {PER_PAGE}\n", encoding="utf-8")
    write_articles(tmp_path, 0, 40)
    build(tmp_path)
    output = tmp_path / "output"
    before = {
        p: p.read_bytes()
        for p in output.rglob("page/*/*.xml")
        if p.name in ("feed.xml", "atom.xml")
    }
    assert (
        output / "page" / "6" / "atom.xml" in before
        and output / "gulf" / "page" / "1" / "feed.xml" in before
    )
    write_articles(tmp_path, 40, 100)
    build(tmp_path)
    assert {p: p.read_bytes() for p in before} == before
    assert (output / "page" / "26" / "feed.xml").exists()
    assert {i for doc in walk(tmp_path, "atom.xml") for i in doc} == published(tmp_path)
