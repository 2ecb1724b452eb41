"""Pictures and news metadata in the built site (issue 15): a bundle's picture in several
widths and formats with <picture>/srcset, feeds with media:content and an enclosure, JSON-LD
NewsArticle, OpenGraph and Twitter tags, the image sitemap and the Google News sitemap.

Each site is built by the real engine; pages are read with lxml, feeds with feedparser
and lxml, and every link is followed on disk as a browser would resolve it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest
import sitemapfiles
from conftest import REPO
from lxml import etree, html
from pictures import photo

from site_builder.config import load_config
from site_builder.engine.build import build_site
from site_builder.engine.pipeline import Engine
from site_builder.errors import SiteBuilderError

NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
BASE = "https://example.org/news/"
PAGE = "articles/2026/02/ferry/"


def story(ident: str, title: str, date: str, image: str = "", extra: str = "") -> str:
    picture = (
        (f"image:\n  url: {image}\n  caption: Boats in Muscat harbour. (AFP)\n  credit: AFP\n")
        if image
        else ""
    )
    return (
        f"---\nid: {ident}\ntitle: {title}\ndate: {date}\nregion: gulf\n{picture}{extra}"
        f"summary: {title}, a summary.\n---\nBody of {title}.\n"
    )


def make(root: Path, files: dict[str, str | bytes]) -> Path:
    (root / "site.toml").write_text(
        f'title = "Desk"\nbase_url = "{BASE}"\nper_page = 2\n', encoding="utf-8"
    )
    for name, data in files.items():
        path = root / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return root


def config_of(root: Path, **overrides):
    return load_config(
        root / "site.toml",
        {"templates_dir": REPO / "templates", "static_dir": REPO / "static", **overrides},
        root=root,
    )


def build(root: Path) -> Path:
    config = config_of(root)
    build_site(config, now=NOW)
    return config.output_dir


SITE = {
    "gulf/ferry/index.md": story(
        "urn:ferry", "Oman launches a ferry", "2026-02-11T06:00:00Z", "harbour.jpg"
    ),
    "gulf/ferry/harbour.jpg": photo(2000, 1333),
    "gulf/plain.md": story("urn:plain", "Port talks", "2026-02-10T06:00:00Z"),
    "gulf/older.md": story("urn:older", "Older story", "2026-01-10T06:00:00Z"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build(make(tmp_path_factory.mktemp("pictures"), SITE))


def page(output: Path, path: str):
    return html.fromstring((output / path / "index.html").read_bytes())


def on_disk(output: Path, page_path: str, link: str) -> Path:
    """The file a relative link on the page at page_path leads to."""
    target = urljoin(BASE + page_path, link)
    assert target.startswith(BASE), target
    return output / target[len(BASE) :]


def test_a_bundle_picture_becomes_a_responsive_picture_on_its_page(site):
    doc = page(site, PAGE)
    figure = doc.find_class("lead-image")[0]
    img = figure.find(".//img")
    assert (img.get("width"), img.get("height")) == ("1600", "1066")
    assert img.get("loading") is None and img.get("fetchpriority") == "high"  # the lead
    assert img.get("alt") == "Boats in Muscat harbour."
    widths = [entry.split()[1] for entry in img.get("srcset").split(", ")]
    assert widths == ["480w", "800w", "1200w", "1600w"]
    webp = figure.find(".//source")
    assert webp.get("type") == "image/webp" and webp.get("sizes")
    files = [entry.split()[0] for entry in webp.get("srcset").split(", ")]
    files += [entry.split()[0] for entry in img.get("srcset").split(", ")] + [img.get("src")]
    for link in files:
        path = on_disk(site, PAGE, link)
        assert path.is_file(), link
    assert on_disk(site, PAGE, files[0]).read_bytes()[8:12] == b"WEBP"
    assert on_disk(site, PAGE, img.get("src")).read_bytes()[:2] == b"\xff\xd8"  # a JPEG
    assert figure.find_class("credit")[0].text_content() == "Photo: AFP"
    assert doc.text_content().count("AFP") == 1  # the credit once, not in the caption too


def test_a_caption_without_a_picture_is_not_shown(tmp_path):
    files = {
        "gulf/a.md": story("urn:a", "No photo", "2026-02-01T00:00:00Z").replace(
            "summary:",
            "image:\n  caption: A photo that is not there. (AFP)\n  credit: AFP\nsummary:",
        )
    }
    output = build(make(tmp_path, files))
    doc = page(output, "articles/2026/02/a/")
    assert not doc.find_class("lead-image")
    assert "A photo that is not there" not in doc.text_content()


def test_the_front_page_leads_with_the_picture_and_cards_show_thumbnails(site):
    front = page(site, "")
    top = front.find_class("teaser")[0]
    assert "top-story" in top.get("class")
    assert top.find(".//img").get("loading") is None  # above the fold: not lazy
    plain = next(t for t in front.find_class("teaser") if "Port talks" in t.text_content())
    assert plain.find(".//img") is None  # no picture: a clean text card
    # A region's page leads with its own picture (not lazy); any other card's is lazy.
    region = page(site, "gulf/")
    lead, *others = region.find_class("with-picture")
    assert "top-story" in lead.get("class") and lead.find(".//img").get("loading") is None
    for img in [lead.find(".//img")] + [card.find(".//img") for card in others]:
        assert img.get("width") and img.get("height")
    assert all(card.find(".//img").get("loading") == "lazy" for card in others)
    for img in front.iter("img"):
        assert on_disk(site, "", img.get("src")).is_file()


def test_feeds_carry_the_picture_with_its_type_length_credit_and_caption(site):
    rss = etree.fromstring((site / "feed.xml").read_bytes())
    item = next(i for i in rss.iter("item") if i.findtext("guid") == "urn:ferry")
    enclosure = item.find("enclosure")
    url = enclosure.get("url")
    assert url == BASE + PAGE + "harbour-1600.jpg"
    assert int(enclosure.get("length")) == (site / PAGE / "harbour-1600.jpg").stat().st_size
    assert enclosure.get("type") == "image/jpeg"
    media = item.find("{http://search.yahoo.com/mrss/}content")
    assert (media.get("url"), media.get("width"), media.get("height")) == (url, "1600", "1066")
    assert media.findtext("{http://search.yahoo.com/mrss/}credit") == "AFP"
    assert (
        media.findtext("{http://search.yahoo.com/mrss/}description") == "Boats in Muscat harbour."
    )
    plain = next(i for i in rss.iter("item") if i.findtext("guid") == "urn:plain")
    assert plain.find("enclosure") is None
    atom = feedparser.parse((site / "atom.xml").read_bytes())
    entry = next(e for e in atom.entries if e.id == "urn:ferry")
    assert [link.href for link in entry.links if link.rel == "enclosure"] == [url]
    items = {
        i["id"]: i for i in json.loads((site / "feed.json").read_text(encoding="utf-8"))["items"]
    }
    assert items["urn:ferry"]["image"] == url and "image" not in items["urn:plain"]


def test_article_metadata_for_search_engines_and_link_previews(site):
    doc = page(site, PAGE)
    meta = {
        (m.get("property") or m.get("name")): m.get("content")
        for m in doc.iter("meta")
        if m.get("content")
    }
    assert meta["og:type"] == "article"
    assert meta["og:image"] == BASE + PAGE + "harbour-1600.jpg"
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1600", "1066")
    assert meta["article:published_time"] == "2026-02-11T06:00:00+00:00"
    assert meta["article:section"] == "Gulf"
    assert meta["twitter:card"] == "summary_large_image"
    assert "max-image-preview:large" in [
        m.get("content") for m in doc.iter("meta") if m.get("name") == "robots"
    ]
    data = json.loads(doc.xpath("//script[@type='application/ld+json']")[0].text)
    article = next(d for d in data if d["@type"] == "NewsArticle")
    assert article["headline"] == "Oman launches a ferry"
    assert article["datePublished"] == "2026-02-11T06:00:00+00:00"
    assert article["mainEntityOfPage"]["@id"] == BASE + PAGE
    assert article["image"][0]["url"] == BASE + PAGE + "harbour-1600.jpg"
    assert article["publisher"]["logo"]["url"] == BASE + "favicon.svg"
    assert [d["@type"] for d in data][-1] == "BreadcrumbList"
    front = json.loads(page(site, "").xpath("//script[@type='application/ld+json']")[0].text)
    assert front[0]["@type"] == "NewsMediaOrganization" and front[0]["logo"]["url"]
    plain = page(site, "articles/2026/02/plain/")
    assert [m.get("content") for m in plain.iter("meta") if m.get("name") == "twitter:card"] == [
        "summary"
    ]


def test_sitemaps_list_the_picture_and_the_last_two_days_of_news(site):
    ns = {
        "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
        "image": "http://www.google.com/schemas/sitemap-image/1.1",
        "news": "http://www.google.com/schemas/sitemap-news/0.9",
    }
    sitemap = sitemapfiles.urlset(site)
    url = sitemap.xpath(f"//s:url[s:loc='{BASE + PAGE}']", namespaces=ns)[0]
    assert (
        url.xpath("string(image:image/image:loc)", namespaces=ns)
        == BASE + PAGE + "harbour-1600.jpg"
    )
    assert url.xpath("string(s:lastmod)", namespaces=ns) == "2026-02-11T06:00:00+00:00"
    news = etree.fromstring((site / "news-sitemap.xml").read_bytes())
    # The newest is 2026-02-11 06:00; 2026-02-10 06:00 is within two days; 2026-01-10 is not.
    assert news.xpath("//s:loc/text()", namespaces=ns) == [
        BASE + PAGE,
        BASE + "articles/2026/02/plain/",
    ]
    assert news.xpath("string(//news:title)", namespaces=ns) == "Oman launches a ferry"
    assert news.xpath("string(//news:publication/news:language)", namespaces=ns) == "en"
    assert (
        news.xpath("string(//news:publication_date)", namespaces=ns) == "2026-02-11T06:00:00+00:00"
    )
    robots = (site / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {BASE}news-sitemap.xml" in robots


def test_an_unchanged_picture_is_not_encoded_again_and_a_changed_one_is(tmp_path, monkeypatch):
    from site_builder.content import images

    root = make(tmp_path, SITE)
    encodes = []
    real = images._encode
    monkeypatch.setattr(images, "_encode", lambda *a, **k: encodes.append(a[1]) or real(*a, **k))
    engine = Engine(config_of(root), now=lambda: NOW)
    try:
        engine.build()
        assert len(encodes) == 8  # four widths, WebP and JPEG
        (root / "content/gulf/plain.md").write_text(
            story("urn:plain", "Port talks resume", "2026-02-10T06:00:00Z"), encoding="utf-8"
        )
        engine.build()
        assert len(encodes) == 8
        picture = root / "content/gulf/ferry/harbour.jpg"
        picture.write_bytes(photo(1000, 500))
        os.utime(picture, ns=(1, 1))  # whatever its time, the stamp moves (ctime, size)
        engine.build()
        assert len(encodes) == 8 + 6  # 480, 800 and the original 1000, as WebP and JPEG
    finally:
        engine.close()
    output = root / "output"
    img = page(output, PAGE).find_class("lead-image")[0].find(".//img")
    assert (img.get("width"), img.get("height")) == ("1000", "500")
    assert not (output / PAGE / "harbour-1600.jpg").exists()  # the old widths are gone
    assert sorted(p.name for p in (output / PAGE).iterdir() if p.suffix == ".jpg") == [
        "harbour-1000.jpg",
        "harbour-480.jpg",
        "harbour-800.jpg",
    ]


def test_the_picture_works_under_a_sub_path_and_from_static(tmp_path):
    static = tmp_path / "static"
    (static / "images").mkdir(parents=True)
    (static / "images" / "map.png").write_bytes(photo(900, 600, "PNG"))
    files = {"gulf/a.md": story("urn:a", "With a map", "2026-02-01T00:00:00Z", "/images/map.png")}
    root = make(tmp_path, files)
    config = config_of(root, static_dir=static)
    build_site(config, now=NOW)
    output = config.output_dir
    img = page(output, "articles/2026/02/a/").find_class("lead-image")[0].find(".//img")
    assert img.get("src") == "../../../../images/map-900.png"
    assert on_disk(output, "articles/2026/02/a/", img.get("src")).is_file()
    rss = etree.fromstring((output / "feed.xml").read_bytes())
    assert rss.find(".//enclosure").get("url") == BASE + "images/map-900.png"


@pytest.mark.parametrize(
    "url, message",
    [
        ("missing.jpg", "no such file"),
        ("../../../../etc/passwd", "outside"),
    ],
)
def test_a_bad_picture_reference_is_a_one_line_error_naming_the_article(tmp_path, url, message):
    files = {"gulf/a.md": story("urn:a", "Broken", "2026-02-01T00:00:00Z", url)}
    with pytest.raises(SiteBuilderError) as caught:
        build(make(tmp_path, files))
    text = str(caught.value)
    assert text.startswith("content/gulf/a.md:") and message in text and "\n" not in text


def test_a_file_that_is_not_a_picture_is_a_one_line_error(tmp_path):
    files = {**SITE, "gulf/ferry/harbour.jpg": b"<html>not a picture</html>"}
    with pytest.raises(SiteBuilderError, match=r"content/gulf/ferry/index.md:\d+: .*not a picture"):
        build(make(tmp_path, files))
