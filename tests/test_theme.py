"""The default theme as HTML: what readers and assistive technology get on every page."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import lxml.html
import pytest
from test_incremental import Watching

from site_builder.config import load_config
from site_builder.engine.build import build_site

NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
STORY = """---
id: urn:uuid:00000000-0000-5000-8000-{n:012d}
title: "{title}"
date: 2026-02-{day:02d}T09:30:00+00:00
region: {region}
countries: [{countries}]
summary: "Summary {n}."
image:
  caption: "Rescuers search the rubble on February {day}, 2026. (AFP)"
  credit: AFP
---
{body}
"""


def story(
    n: int,
    region: str = "middle-east",
    countries: str = "Iraq",
    title: str = "",
    body: str = "Words here.",
    day: int = 0,
) -> str:
    return STORY.format(
        n=n,
        title=title or f"Story {n}",
        day=day or n,
        region=region,
        countries=countries,
        body=body,
    )


def make_site(root: Path, toml: str = "", stories: dict[str, str] | None = None):
    """A site folder with the default theme and the given content files."""
    content = root / "content"
    content.mkdir(parents=True)
    for name, text in (stories or {}).items():
        (content / name).write_text(text, encoding="utf-8")
    (root / "site.toml").write_text(
        'title = "Theme Desk"\nbase_url = "https://example.org/news/"\n' + toml, encoding="utf-8"
    )
    return load_config(root / "site.toml", root=root)


@pytest.fixture
def built(tmp_path):
    """Five stories over two regions, built; returns (config, parse(path))."""
    config = make_site(
        tmp_path,
        stories={
            "a.md": story(
                1, countries="Iraq, Iran", body="## Main\n\nThe main point.\n\n" + "word " * 700
            ),
            "b.md": story(2, countries="Iran"),
            "c.md": story(3, region="gulf", countries="Qatar, Iran"),
            "d.md": story(4, region="gulf", countries="Qatar"),
            "e.md": story(5, countries="Syria", title="Newest story"),
        },
    )
    build_site(config, now=NOW)

    def parse(path: str):
        return lxml.html.fromstring(
            (config.output_dir / path / "index.html").read_bytes()
            if not path.endswith(".html")
            else (config.output_dir / path).read_bytes()
        )

    return config, parse


def html_pages(config) -> list[Path]:
    return sorted(config.output_dir.rglob("*.html"))


def test_a_body_heading_named_main_does_not_steal_the_skip_link(built):
    _config, parse = built
    doc = parse("articles/2026/02/a/")
    target = doc.xpath('//a[@class="skip"]/@href')[0]
    assert target.startswith("#")
    assert [e.tag for e in doc.xpath(f'//*[@id="{target[1:]}"]')] == ["main"]
    assert doc.xpath('//div[@class="body"]//h2/@id') == ["main"]  # the heading keeps its id


def test_every_page_has_unique_ids_landmarks_and_headings_in_order(built):
    config, _ = built
    for path in html_pages(config):
        doc = lxml.html.fromstring(path.read_bytes())
        ids = doc.xpath("//@id")
        assert len(ids) == len(set(ids)), path
        assert len(doc.xpath("//main")) == 1 and doc.xpath("//header") and doc.xpath("//footer")
        assert doc.xpath("//nav[@aria-label]"), path
        levels = [int(h.tag[1]) for h in doc.iter("h1", "h2", "h3", "h4", "h5", "h6")]
        assert levels[0] == 1 and levels.count(1) == 1, (path, levels)
        jumps = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
        assert jumps == [], (path, levels)


def test_no_scripts_and_nothing_loaded_from_elsewhere(built):
    config, _ = built
    for path in html_pages(config):
        doc = lxml.html.fromstring(path.read_bytes())
        # JSON-LD metadata is data, not a script that runs.
        assert doc.xpath("//script[not(@type='application/ld+json')]") == [], path
        loaded = doc.xpath("//link[@rel='stylesheet' or @rel='icon']/@href") + doc.xpath(
            "//img/@src"
        )
        assert all("//" not in href for href in loaded), (path, loaded)
    css = (config.output_dir / "style.css").read_text(encoding="utf-8")
    assert "@import" not in css and "url(" not in css and "@font-face" not in css


def test_article_page_shows_dates_reading_time_photo_credit_and_feeds(built):
    _, parse = built
    doc = parse("articles/2026/02/a/")
    meta = doc.xpath('//header[@class="story-header"]//p[@class="meta"]')[0].text_content()
    assert "1 February 2026" in meta and "3 min read" in meta  # 703 words at 230 a minute
    # The story has a caption and credit but no picture: no caption block describing a photo
    # that is not there (a picture's caption and credit: tests/test_pictures.py).
    assert doc.xpath("//figure") == [] and "Rescuers" not in doc.text_content()
    assert doc.xpath("//h1/@dir") == ["auto"] and doc.xpath('//div[@class="body"]/@dir') == ["auto"]
    trail = [a.text_content() for a in doc.xpath('//nav[@aria-label="Breadcrumb"]//a')]
    assert trail == ["Home", "Middle East", "Story 1"]
    follow = doc.xpath('//p[@class="follow"]/a/@href')
    assert "../../../../middle-east/feed.xml" in follow
    alternates = doc.xpath('//link[@rel="alternate"]/@href')
    assert "../../../../feed.xml" in alternates and "../../../../middle-east/atom.xml" in alternates


def test_related_articles_share_countries_first_then_the_region(built):
    """The rail beside an article: its region's stories nearest in time, then related ones
    (sharing countries first, then the region) that the first list does not already show."""
    _, parse = built
    doc = parse("articles/2026/02/a/")
    (rail,) = doc.xpath('//aside[@class="rail"]')
    sections = {
        s.xpath("string(h2)"): [a.text_content() for a in s.xpath(".//h3/a")]
        for s in rail.xpath("section")
    }
    # b and c share Iran (c from another region), e shares only the region, d nothing.
    assert sections == {
        "More from Middle East": ["Newest story", "Story 2"],
        "Related": ["Story 3"],
    }
    lonely = parse("articles/2026/02/d/")  # Gulf: its one neighbour, nothing else related
    assert [a.text_content() for a in lonely.xpath('//aside[@class="rail"]//h3/a')] == ["Story 3"]


def test_prev_next_walk_the_site_in_date_order(built):
    _, parse = built
    middle = parse("articles/2026/02/c/")
    assert middle.xpath('//a[@class="older"]/@href') == ["../b/"]
    assert middle.xpath('//a[@class="newer"]/@href') == ["../d/"]
    assert parse("articles/2026/02/e/").xpath('//a[@class="newer"]') == []
    assert parse("articles/2026/02/a/").xpath('//a[@class="older"]') == []


def _front(doc) -> dict[str, list[str]]:
    """The front page as a reader scans it: its lead, the stories under it, the river and
    each region's block (by heading), headlines in order."""
    heads = lambda where: [a.text_content() for a in doc.xpath(where)]  # noqa: E731
    front = {
        "lead": heads('//article[contains(@class, "splash")]//h2/a'),
        "secondary": heads('//div[@class="secondary"]//h3/a'),
        "river": heads('//section[@class="river"]//h3/a'),
    }
    for block in doc.xpath('//section[@class="region-block"]'):
        front[block.xpath("string(h2)")] = [a.text_content() for a in block.xpath(".//h3/a")]
    return front


def test_front_page_has_latest_news_and_a_block_per_region(built):
    _, parse = built
    doc = parse("")
    assert doc.xpath("//h1")[0].text_content() == "Latest news"
    assert _front(doc) == {
        "lead": ["Newest story"],
        "secondary": ["Story 4", "Story 3"],
        "river": ["Story 2", "Story 1"],
        "Middle East": ["Story 2", "Story 1"],
        "Gulf": ["Story 4"],
    }


def test_front_page_region_blocks_link_their_region(tmp_path):
    config = make_site(
        tmp_path,
        "per_page = 2\n",
        stories={
            "a.md": story(1),
            "b.md": story(2),
            "c.md": story(3, region="gulf"),
            "d.md": story(4, region="gulf"),
            "e.md": story(5, title="Newest story"),
        },
    )
    build_site(config, now=NOW)
    doc = lxml.html.fromstring((config.output_dir / "index.html").read_bytes())
    front = _front(doc)
    assert (front["lead"], front["secondary"]) == (["Newest story"], ["Story 4", "Story 3"])
    assert front["Middle East"] == ["Story 2", "Story 1"] and front["Gulf"] == ["Story 4"]
    links = doc.xpath('//section[@class="region-block"]/h2/a/@href')
    assert links == ["middle-east/", "gulf/"]


def test_subscribe_page_explains_feeds_and_links_the_opml(built):
    config, parse = built
    doc = parse("subscribe/")
    assert doc.xpath("//h1/text()") == ["Subscribe"]
    assert "../feeds.opml" in doc.xpath("//a/@href")
    rows = {
        r.xpath("th")[0].text_content(): r.xpath("td")[0].text_content()
        for r in doc.xpath("//table//tbody/tr")
    }
    assert rows["All news"] == "5" and rows["Gulf"] == "2" and rows["Europe"] == "0"
    text = doc.text_content()
    assert "https://example.org/news/feed.xml" in text
    for href in doc.xpath("//table//a/@href"):  # every link on it leads somewhere real
        target = (config.output_dir / "subscribe" / href).resolve()
        assert target.is_file() or (target / "index.html").is_file(), href
    assert "subscribe/" in "".join(parse("").xpath('//nav[@aria-label="Sections"]//a/@href'))


def test_rtl_site_is_right_to_left_throughout(tmp_path):
    config = make_site(
        tmp_path,
        'language = "ar"\ndir = "rtl"\n',
        {"a.md": story(1, title="عنوان الخبر", body="نص الخبر.")},
    )
    build_site(config, now=NOW)
    for path in html_pages(config):
        doc = lxml.html.fromstring(path.read_bytes())
        assert (doc.get("lang"), doc.get("dir")) == ("ar", "rtl"), path
    doc = lxml.html.fromstring((config.output_dir / "index.html").read_bytes())
    assert doc.xpath('//h2[@dir="auto"]/a/text()') == ["عنوان الخبر"]


def test_a_title_edit_reaches_its_neighbours_pages_in_incremental_rebuilds(tmp_path):
    config = make_site(tmp_path, stories={"a.md": story(1), "b.md": story(2), "c.md": story(3)})
    builder = Watching(config)
    builder.rebuild(None)
    (tmp_path / "content" / "b.md").write_text(
        story(2, title="Renamed middle story"), encoding="utf-8"
    )
    builder.rebuild({tmp_path / "content" / "b.md"})
    for neighbour in ("a", "c"):
        page = (config.output_dir / f"articles/2026/02/{neighbour}/index.html").read_text(
            encoding="utf-8"
        )
        assert "Renamed middle story" in page  # prev/next and related
    (tmp_path / "content" / "a.md").write_text(story(1, body="word " * 2000), encoding="utf-8")
    builder.rebuild({tmp_path / "content" / "a.md"})
    page = (config.output_dir / "articles/2026/02/a/index.html").read_text(encoding="utf-8")
    assert "9 min read" in page


def test_print_stylesheet_hides_navigation(built):
    config, _ = built
    css = (config.output_dir / "style.css").read_text(encoding="utf-8")
    printed = css[css.index("@media print") :]
    assert ".site-header nav" in printed and "display: none" in printed
    assert "prefers-color-scheme: dark" in css


def test_a_photo_with_an_address_gets_its_caption_as_alt_text(tmp_path):
    text = story(1).replace("  credit: AFP\n", "  credit: AFP\n  url: https://example.org/p.jpg\n")
    config = make_site(tmp_path, stories={"a.md": text})
    build_site(config, now=NOW)
    doc = lxml.html.fromstring((config.output_dir / "articles/2026/02/a/index.html").read_bytes())
    (img,) = doc.xpath("//figure/img")
    assert img.get("src") == "https://example.org/p.jpg"
    assert img.get("alt") == "Rescuers search the rubble on February 1, 2026."
