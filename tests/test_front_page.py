"""The news front page: curation in front matter (featured, featured_until, kicker), the lead
rule, region blocks and rails; and watch's rebuilds of each change equal a clean build."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from lxml import etree, html
from test_incremental import Watching, article, assert_same_as_clean, site  # noqa: F401

from site_builder.config import load_config

GULF = "content/gulf/article-{n}.md"


def write(site, n: int, text: str) -> None:
    (site / GULF.format(n=n)).write_text(text, encoding="utf-8")


def with_keys(n: int, keys: str, body: str | None = None) -> str:
    """Article n of test_incremental with front matter keys added (and another body)."""
    text = article(n).replace("draft: false\n", f"draft: false\n{keys}\n")
    if body is not None:
        text = text[: text.index("---\n", 4) + 4] + body
    return text


def home(site) -> html.HtmlElement:
    return html.fromstring((site / "output" / "index.html").read_bytes())


def lead_title(site) -> str:
    return home(site).find_class("splash")[0].find_class("teaser-title")[0].text_content()


def test_a_featured_older_story_leads_until_it_expires_and_rebuilds_equal_clean(site, monkeypatch):
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(now.timestamp())))
    builder = Watching(load_config(site / "site.toml"))
    builder.rebuild(None)
    newest = lead_title(site)
    until = now + dt.timedelta(hours=2)
    write(site, 1, with_keys(1, f"featured: true\nfeatured_until: {until.isoformat()}"))
    builder.rebuild({site / GULF.format(n=1)})
    assert lead_title(site) == "Article number 1"  # the oldest of the gulf stories
    assert_same_as_clean(site)
    # The clock passes featured_until: no file changed, yet the front page changes.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(until.timestamp())))
    builder.rebuild(set())
    assert lead_title(site) == newest
    assert_same_as_clean(site)


def test_a_newer_featured_story_takes_the_lead_and_unfeaturing_restores_it(site):
    builder = Watching(load_config(site / "site.toml"))
    builder.rebuild(None)
    newest = lead_title(site)
    write(site, 1, with_keys(1, "featured: true"))
    write(site, 2, with_keys(2, "featured: true"))
    builder.rebuild({site / GULF.format(n=1), site / GULF.format(n=2)})
    assert lead_title(site) == "Article number 2"
    assert_same_as_clean(site)
    write(site, 2, article(2))
    builder.rebuild({site / GULF.format(n=2)})
    assert lead_title(site) == "Article number 1"
    write(site, 1, article(1))
    builder.rebuild({site / GULF.format(n=1)})
    assert lead_title(site) == newest
    assert_same_as_clean(site)


def test_a_draft_or_a_story_without_a_body_never_leads(site):
    write(site, 9, article(9, title="Empty newest").replace("2026-01-10", "2026-11-30"))
    builder = Watching(load_config(site / "site.toml"), drafts=True)
    builder.rebuild(None)
    assert lead_title(site) == "Empty newest"  # it has a body: it may lead
    path = site / GULF.format(n=9)
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("---\n", 4) + 4], encoding="utf-8")  # body emptied
    builder.rebuild({path})
    assert lead_title(site) != "Empty newest"
    assert_same_as_clean_drafts(site)
    path.write_text(text.replace("draft: false", "draft: true"), encoding="utf-8")
    builder.rebuild({path})
    assert lead_title(site) != "Empty newest"  # a draft, shown with --drafts, never leads


def assert_same_as_clean_drafts(site) -> None:
    from test_incremental import tree

    from site_builder.engine.build import build_site

    config = load_config(site / "site.toml", {"output_dir": site / "clean"})
    build_site(config, drafts=True)
    incremental, clean = tree(site / "output"), tree(site / "clean")
    assert [p for p in clean if incremental.get(p) != clean[p]] == []


def test_a_kicker_shows_on_cards_the_page_and_as_a_feed_category(site):
    builder = Watching(load_config(site / "site.toml"))
    builder.rebuild(None)
    write(site, 7, with_keys(7, "kicker: Analysis"))
    builder.rebuild({site / GULF.format(n=7)})
    card = next(
        t for t in home(site).find_class("teaser") if "Article number 7" in t.text_content()
    )
    assert card.find_class("kicker")[0].text_content() == "Analysis"
    page = html.fromstring((site / "output/articles/2026/01/article-7/index.html").read_bytes())
    header = page.find_class("story-header")[0]
    assert header.find_class("kicker")[0].text_content() == "Analysis"
    rss = etree.fromstring((site / "output" / "feed.xml").read_bytes())
    item = next(i for i in rss.iter("item") if i.findtext("title") == "Article number 7")
    assert "Analysis" in [c.text for c in item.iter("category")]
    feed = json.loads((site / "output" / "feed.json").read_text(encoding="utf-8"))
    assert "Analysis" in next(i for i in feed["items"] if i["title"] == "Article number 7")["tags"]
    assert_same_as_clean(site)


def test_the_front_page_has_a_block_per_region_linking_its_page(site):
    Watching(load_config(site / "site.toml")).rebuild(None)
    blocks = home(site).find_class("region-block")
    links = [b.find(".//h2/a").get("href") for b in blocks]
    regions = {p.parent.name for p in (site / "content").glob("*/*.md")} - {"pages"}
    assert sorted(links) == sorted(f"{r}/" for r in regions)


def test_an_updated_story_says_so_above_its_headline(site):
    write(site, 3, with_keys(3, "updated: 2026-01-05T10:30:00+00:00"))
    Watching(load_config(site / "site.toml")).rebuild(None)
    page = html.fromstring((site / "output/articles/2026/01/article-3/index.html").read_bytes())
    header = page.find_class("story-header")[0]
    note = header.find_class("updated")[0]
    assert note.text_content() == "Updated 5 January 2026, 10:30 UTC"
    assert list(header).index(note) < list(header).index(header.find("h1"))


@pytest.mark.parametrize(
    "keys, message",
    [
        ("featured: yes please", "'featured': expected true or false, got a string"),
        ("featured_until: 2026-02-01", "'featured_until' without 'featured: true'"),
        ("kicker: [Analysis]", "'kicker': expected a word such as Analysis, got a list"),
    ],
)
def test_bad_curation_is_a_one_line_error_naming_the_line(site, keys, message):
    from conftest import run_cli

    write(site, 1, with_keys(1, keys))
    result = run_cli("build", cwd=site)
    assert result.returncode == 1
    assert f"{GULF.format(n=1)}:10: {message}" in result.stderr
    assert "Traceback" not in result.stderr
