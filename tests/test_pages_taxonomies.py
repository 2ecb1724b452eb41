"""Standalone pages, bylines, tag and author listings with feeds, aliases, permalinks and
the site's menu: what a desk coming from Pelican or Hugo expects (issue 14).

Every site here is built by the real engine into a temporary folder; pages are read with
lxml, feeds with feedparser, links followed as a browser would resolve them.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest
import sitemapfiles
from conftest import REPO
from lxml import etree, html

from site_builder.config import load_config
from site_builder.engine.build import build_site
from site_builder.errors import SiteBuilderError

NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
BASE = "https://example.org/news/"
FEED_FILES = ("feed.xml", "atom.xml", "feed.json")


def story(
    ident: str,
    title: str,
    date: str,
    region: str = "gulf",
    extra: str = "",
    body: str = "Body text.",
) -> str:
    return f"---\nid: {ident}\ntitle: {title}\ndate: {date}\nregion: {region}\n{extra}---\n{body}\n"


SITE = {
    "gulf/ferry.md": story(
        "urn:ferry",
        "Oman launches a ferry",
        "2026-02-11T06:00:00Z",
        extra="author: Desk Correspondent\ntags: [Shipping, Oman Economy]\n",
    ),
    "gulf/port.md": story(
        "urn:port",
        "Port expands",
        "2026-02-10T06:00:00Z",
        extra="author: [Desk Correspondent, Sara Haddad]\ntags: [Shipping]\n"
        "aliases: [2025/old-port/, /legacy/port.html]\n",
    ),
    "middle-east/talks.md": story(
        "urn:talks", "Talks resume", "2026-02-09T14:45:00+03:00", "middle-east"
    ),
    "pages/about.md": '---\ntitle: About the desk\n---\nWe are a "small" desk -- three people.\n',
}
MENU = '\n[[menu]]\ntitle = "About"\npage = "about"\n\n[[menu]]\ntitle = "Jobs"\nurl = "https://jobs.example/"\n'


def make(root: Path, files: dict[str, str] = SITE, toml: str = MENU) -> Path:
    (root / "site.toml").write_text(
        f'title = "Desk"\nbase_url = "{BASE}"\nauthor = "Newsroom"\n{toml}', encoding="utf-8"
    )
    for name, text in files.items():
        path = root / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def build(root: Path, **overrides) -> Path:
    config = load_config(
        root / "site.toml",
        {"templates_dir": REPO / "templates", "static_dir": REPO / "static", **overrides},
        root=root,
    )
    build_site(config, now=NOW)
    return config.output_dir


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build(make(tmp_path_factory.mktemp("desk")))


def page(output: Path, path: str):
    return html.fromstring((output / path / "index.html").read_bytes())


def feed(output: Path, path: str):
    return feedparser.parse((output / path).read_bytes())


def entry_ids(output: Path, path: str) -> list[str]:
    """The entry ids of a feed file in any of the three formats."""
    if path.endswith(".json"):
        return [i["id"] for i in json.loads((output / path).read_text(encoding="utf-8"))["items"]]
    return [e.id for e in feed(output, path).entries]


def links(doc) -> list[str]:
    return [a.get("href") for a in doc.iter("a")]


# --- standalone pages -------------------------------------------------------------------


def test_a_page_is_at_its_url_in_the_menu_and_in_no_feed_or_listing(site):
    about = page(site, "about")
    assert about.findtext(".//h1") == "About the desk"
    assert "\u201csmall\u201d desk \u2013 three" in about.text_content()  # smarty typography
    for folder in ("", "gulf/", "tags/shipping/"):
        for name in FEED_FILES:
            assert b"About the desk" not in (site / folder / name).read_bytes(), folder + name
    for listing in ("", "gulf", "archive/2026/02"):
        assert "About the desk" not in page(site, listing).text_content()
    front = page(site, "")
    header = [a.get("href") for a in front.xpath("//header//nav//a")]
    footer = [a.get("href") for a in front.xpath("//footer//nav//a")]
    assert "about/" in header and "about/" in footer
    assert "https://jobs.example/" in header and "https://jobs.example/" in footer
    article = page(site, "articles/2026/02/ferry")
    assert "../../../../about/" in links(article)
    sitemap = sitemapfiles.urlset(site)
    assert BASE + "about/" in [loc.text for loc in sitemap.iter("{*}loc")]


def test_a_menu_entry_naming_a_missing_page_is_a_one_line_error_with_the_line(tmp_path):
    root = make(
        tmp_path,
        {**SITE, "pages/about.md": SITE["pages/about.md"].replace("title:", "draft: true\ntitle:")},
    )
    with pytest.raises(SiteBuilderError) as caught:
        build(root)
    assert str(caught.value).startswith("site.toml:5:") or "site.toml:5:" in str(caught.value)
    assert "no published page 'about'" in str(caught.value)


def test_a_page_named_like_a_section_of_the_site_is_refused(tmp_path):
    root = make(tmp_path, {**SITE, "pages/tags.md": "---\ntitle: Tags\n---\nx\n"})
    with pytest.raises(SiteBuilderError, match=r"pages/tags.md.*page slug 'tags'"):
        build(root)


# --- bylines and authors ---------------------------------------------------------------------


def test_byline_on_the_page_and_the_author_in_every_feed_format(site):
    ferry = page(site, "articles/2026/02/ferry")
    byline = ferry.find_class("byline")[0]
    assert byline.text_content() == "By Desk Correspondent"
    assert [a.get("href") for a in byline.iter("a")] == ["../../../../authors/desk-correspondent/"]
    rss, atom = feed(site, "feed.xml"), feed(site, "atom.xml")
    json_feed = json.loads((site / "feed.json").read_text(encoding="utf-8"))
    by_id = {e.id: e for e in rss.entries}
    assert by_id["urn:ferry"].author == "Desk Correspondent"
    assert [a.name for a in {e.id: e for e in atom.entries}["urn:ferry"].authors] == [
        "Desk Correspondent"
    ]
    items = {i["id"]: i for i in json_feed["items"]}
    assert items["urn:ferry"]["authors"] == [{"name": "Desk Correspondent"}]
    assert items["urn:port"]["authors"] == [{"name": "Desk Correspondent"}, {"name": "Sara Haddad"}]
    # No byline: the site's author stands in.
    assert items["urn:talks"]["authors"] == [{"name": "Newsroom"}]
    assert by_id["urn:talks"].author == "Newsroom"
    raw = (site / "feed.xml").read_text(encoding="utf-8")
    assert raw.count("<dc:creator>Sara Haddad</dc:creator>") == 1


def test_the_author_page_and_feeds_list_that_authors_articles(site):
    listing = page(site, "authors/desk-correspondent")
    assert listing.findtext(".//h1") == "Desk Correspondent"
    titles = [a.text_content() for a in listing.xpath("//*[@class='teaser-title']/a")]
    assert titles == ["Oman launches a ferry", "Port expands"]
    for name in FEED_FILES:
        assert entry_ids(site, f"authors/desk-correspondent/{name}") == ["urn:ferry", "urn:port"]
    assert entry_ids(site, "authors/sara-haddad/atom.xml") == ["urn:port"]
    alternates = listing.xpath("//link[@rel='alternate']/@href")
    assert "feed.xml" in alternates and "atom.xml" in alternates  # its own, relative
    index = page(site, "authors")
    assert [a.text for a in index.xpath("//ul[@class='terms-list']//a")] == [
        "Desk Correspondent",
        "Sara Haddad",
    ]


# --- tags ------------------------------------------------------------------------------------


def test_tags_are_links_to_tag_pages_with_their_own_feeds(site):
    ferry = page(site, "articles/2026/02/ferry")
    tags = ferry.find_class("tags")[0]
    assert [(a.text, a.get("href")) for a in tags.iter("a")] == [
        ("Shipping", "../../../../tags/shipping/"),
        ("Oman Economy", "../../../../tags/oman-economy/"),
    ]
    shipping = page(site, "tags/shipping")
    assert [a.text_content() for a in shipping.xpath("//*[@class='teaser-title']/a")] == [
        "Oman launches a ferry",
        "Port expands",
    ]
    rss = feed(site, "tags/shipping/feed.xml")
    assert not rss.bozo
    assert rss.feed.title == "Desk - Shipping"
    assert [e.id for e in rss.entries] == ["urn:ferry", "urn:port"]
    assert entry_ids(site, "tags/oman-economy/feed.json") == ["urn:ferry"]
    index = page(site, "tags")
    assert [(a.text, a.get("href")) for a in index.xpath("//ul[@class='terms-list']//a")] == [
        ("Oman Economy", "oman-economy/"),
        ("Shipping", "shipping/"),
    ]


def test_countries_index_lists_every_country_page(tmp_path):
    files = {
        "gulf/a.md": story("urn:a", "A", "2026-02-01T00:00:00Z", extra="countries: [Oman, Qatar]\n")
    }
    output = build(make(tmp_path, files, toml=""))
    index = page(output, "countries")
    targets = index.xpath("//ul[@class='terms-list']//a/@href")
    assert targets == ["oman/", "qatar/"]
    for target in targets:
        assert (output / "countries" / target / "index.html").is_file()


def test_opml_lists_every_feed_grouped(site):
    root = etree.fromstring((site / "feeds.opml").read_bytes())
    groups = {
        o.get("text"): [c.get("xmlUrl") for c in o]
        for o in root.findall("body/outline")
        if o.get("xmlUrl") is None
    }
    assert list(groups) == ["Regions", "Tags", "Authors"]
    assert BASE + "tags/shipping/feed.xml" in groups["Tags"]
    assert groups["Authors"] == [
        BASE + "authors/desk-correspondent/feed.xml",
        BASE + "authors/sara-haddad/feed.xml",
    ]
    every = [o.get("xmlUrl") for o in root.iter("outline") if o.get("xmlUrl")]
    for url in every:
        assert (site / url[len(BASE) :]).is_file(), url


def test_a_site_can_turn_families_off(tmp_path):
    output = build(make(tmp_path, toml='taxonomies = ["countries"]\n' + MENU))
    assert not (output / "tags").exists() and not (output / "authors").exists()
    ferry = page(output, "articles/2026/02/ferry")
    assert ferry.find_class("tags")[0].text_content() == "Tags: Shipping, Oman Economy"
    assert not list(ferry.find_class("byline")[0].iter("a"))
    root = etree.fromstring((output / "feeds.opml").read_bytes())
    assert [o.get("text") for o in root.findall("body/outline")] == ["Desk", "Regions"]


# --- aliases and permalinks -------------------------------------------------------------------


def refresh_target(output: Path, alias: str) -> str:
    """Where a browser at BASE + alias goes: the meta refresh resolved against the alias."""
    file = output / (alias + "index.html" if alias.endswith("/") else alias)
    doc = html.fromstring(file.read_bytes())
    content = doc.xpath("//meta[@http-equiv='refresh']/@content")[0]
    assert content.startswith("0; url=")
    canonical = doc.xpath("//link[@rel='canonical']/@href")[0]
    target = urljoin(BASE + alias, content[len("0; url=") :])
    assert target == canonical
    return target


def test_an_alias_redirects_to_the_article_under_a_sub_path(site):
    assert refresh_target(site, "2025/old-port/") == BASE + "articles/2026/02/port/"
    assert refresh_target(site, "legacy/port.html") == BASE + "articles/2026/02/port/"
    sitemap = sitemapfiles.text(site)
    assert "old-port" not in sitemap and "legacy" not in sitemap


def test_an_alias_taking_another_pages_address_is_an_error_naming_the_file(tmp_path):
    files = {
        **SITE,
        "gulf/ferry.md": SITE["gulf/ferry.md"].replace("tags:", "aliases: [gulf/]\ntags:"),
    }
    with pytest.raises(SiteBuilderError, match=r"content/gulf/ferry.md.*alias 'gulf/'"):
        build(make(tmp_path, files))


def test_permalinks_change_the_article_address_everywhere(tmp_path):
    output = build(make(tmp_path, toml='[permalinks]\narticle = "news/{region}/{year}/{slug}/"\n'))
    assert (output / "news/gulf/2026/ferry/index.html").is_file()
    assert not (output / "articles").exists()
    assert (
        "news/gulf/2026/ferry/"
        in page(output, "gulf").xpath("//*[@class='teaser-title']/a/@href")[0]
    )
    assert feed(output, "feed.xml").entries[0].link == BASE + "news/gulf/2026/ferry/"
    assert refresh_target(output, "2025/old-port/") == BASE + "news/gulf/2026/port/"


@pytest.mark.parametrize(
    "pattern",
    [
        "articles/{year}/",
        "{slug}/",
        "../{slug}/",
        "articles/{slug}",
        "tags/{slug}/",
        "a/{nope}/{slug}/",
    ],
)
def test_a_bad_permalink_pattern_is_refused_with_its_line(tmp_path, pattern):
    make(tmp_path, toml=f'\n[permalinks]\narticle = "{pattern}"\n')
    with pytest.raises(SiteBuilderError, match=r"site.toml:6: 'permalinks.article'"):
        build(tmp_path)


# --- the article page -------------------------------------------------------------------------


def test_article_page_shows_the_time_of_day_in_the_sites_zone(tmp_path):
    root = make(tmp_path, toml='timezone = "Asia/Riyadh"\n')
    output = build(root)
    meta = page(output, "articles/2026/02/talks").find_class("meta")[0]
    assert meta.find("time").text_content() == "9 February 2026, 14:45 +03"
    assert meta.find("time").get("datetime") == "2026-02-09T14:45:00+03:00"


@pytest.mark.parametrize(
    "summary, shown",
    [
        ("The **port** opened on Monday.", False),  # the first paragraph, Markdown and all
        ("The port opened on Monday", False),
        ("A new ferry line links Muscat and Khasab.", True),
    ],
)
def test_standfirst_only_when_it_says_something_the_body_does_not(tmp_path, summary, shown):
    files = {
        "gulf/a.md": story(
            "urn:a",
            "A",
            "2026-02-01T00:00:00Z",
            extra=f'summary: "{summary}"\n',
            body="The **port** opened on _Monday_.\n\nMore.",
        )
    }
    output = build(make(tmp_path, files, toml=""))
    standfirst = page(output, "articles/2026/02/a").find_class("standfirst")
    assert bool(standfirst) == shown


def test_typography_can_be_turned_off(tmp_path):
    output = build(make(tmp_path, toml="typography = false\n" + MENU))
    assert 'We are a "small" desk -- three people.' in page(output, "about").text_content()


def test_changing_the_time_zone_rereads_dates_written_without_one(tmp_path):
    files = {"gulf/a.md": story("urn:a", "A", "2026-02-01T08:00:00")}
    root = make(tmp_path, files, toml="")
    from site_builder.engine.pipeline import Engine

    def built(zone: str) -> str:
        (root / "site.toml").write_text(
            f'title = "Desk"\nbase_url = "{BASE}"\ntimezone = "{zone}"\n', encoding="utf-8"
        )
        config = load_config(
            root / "site.toml",
            {"templates_dir": REPO / "templates", "static_dir": REPO / "static"},
            root=root,
        )
        engine = Engine(config, now=lambda: NOW)
        try:
            engine.build()
        finally:
            engine.close()
        return page(config.output_dir, "articles/2026/02/a").find(".//time").get("datetime")

    assert built("UTC") == "2026-02-01T08:00:00+00:00"
    assert built("Asia/Dubai") == "2026-02-01T08:00:00+04:00"
