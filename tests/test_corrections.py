"""Corrections in public: the page says what was corrected and when, JSON-LD and the feeds
carry the new modified date (same entry id), /corrections/ lists them with its own feeds,
the news sitemap treats the article as modified. And rel="me" profiles in every head."""

from __future__ import annotations

import json
import re

import feedparser
import pytest
from lxml import html as lxml_html
from test_incremental import Watching, article, assert_same_as_clean, site  # noqa: F401

from site_builder.config import load_config

CORRECTION = (
    "corrections:\n  - date: 2026-11-27T10:30:00+00:00\n"
    "    text: An earlier version misnamed the port.\n---\n"
)


def corrected(n: int) -> str:
    return article(n).replace("draft: false\n---\n", "draft: false\n" + CORRECTION, 1)


def entry(feed_bytes: bytes, ident: str):
    return next(e for e in feedparser.parse(feed_bytes).entries if e.id == ident)


def test_a_correction_shows_on_the_page_in_feeds_and_on_the_corrections_page(site):
    builder = Watching(load_config(site / "site.toml"))
    builder.rebuild(None)
    out = site / "output"
    ident = "urn:uuid:00000000-0000-5000-8000-000000000007"
    before = entry((out / "atom.xml").read_bytes(), ident)
    assert not (out / "corrections" / "feed.xml").exists()  # no correction yet, no feed

    path = site / "content" / "gulf" / "article-7.md"
    path.write_text(corrected(7), encoding="utf-8")
    builder.rebuild({path})
    assert_same_as_clean(site)  # the engine's cached build is a clean one

    page = lxml_html.fromstring((out / "articles/2026/01/article-7/index.html").read_bytes())
    section = page.xpath("//section[@class='corrections']")[0]
    assert section.xpath("string(h2)") == "Corrections"
    assert " ".join(section.xpath("string(p)").split()) == (
        "Correction, 27 November 2026: An earlier version misnamed the port."
    )
    assert page.xpath("//div[@class='body']/following-sibling::section[1]") == [section]
    ld = json.loads(page.xpath("string(//script[@type='application/ld+json'])"))
    ld = next(d for d in (ld if isinstance(ld, list) else [ld]) if d["@type"] == "NewsArticle")
    assert ld["dateModified"] == "2026-11-27T10:30:00+00:00"
    assert ld["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "An earlier version misnamed the port.",
            "datePublished": "2026-11-27T10:30:00+00:00",
        }
    ]

    after = entry((out / "atom.xml").read_bytes(), ident)
    assert after.id == before.id and after.updated_parsed > before.updated_parsed
    assert after.updated == "2026-11-27T10:30:00+00:00"
    assert (
        after.content[0]
        .value.rstrip()
        .endswith(
            "<p><strong>Correction, 27 November 2026:</strong> An earlier version misnamed the port.</p>"
        )
    )

    for name in ("feed.xml", "atom.xml", "feed.json"):
        assert (out / "corrections" / name).exists()
    listed = feedparser.parse((out / "corrections" / "atom.xml").read_bytes())
    assert [e.id for e in listed.entries] == [ident]
    rss = feedparser.parse((out / "corrections" / "feed.xml").read_bytes())
    assert rss.feed.updated_parsed[:3] == (2026, 11, 27)  # its lastBuildDate: the correction's
    # The site's own page there (its corrections policy) lists them below its text.
    policy = lxml_html.fromstring((out / "corrections" / "index.html").read_bytes())
    assert policy.xpath("string(//h1)") == "Corrections policy"
    assert "misnamed the port" in policy.xpath("string(//ul[@class='corrections-list'])")
    assert policy.xpath("//link[@rel='alternate'][@type='application/atom+xml']/@href")[-1] == (
        "atom.xml"
    )
    news = (out / "news-sitemap.xml").read_text(encoding="utf-8")
    assert re.search(r"article-7/</loc>\s*<lastmod>2026-11-27T10:30:00\+00:00</lastmod>", news), (
        news
    )


def test_updated_with_a_correction_note_is_a_correction(site):
    (site / "content" / "pages" / "corrections.md").unlink()  # no page of the site's there
    path = site / "content" / "gulf" / "article-3.md"
    path.write_text(
        article(3).replace(
            "draft: false\n",
            "draft: false\nupdated: 2026-01-20T09:00:00+00:00\ncorrection: The toll was 12.\n",
        ),
        encoding="utf-8",
    )
    Watching(load_config(site / "site.toml")).rebuild(None)
    text = (site / "output" / "corrections" / "feed.json").read_text(encoding="utf-8")
    item = json.loads(text)["items"][0]
    assert item["date_modified"] == "2026-01-20T09:00:00+00:00"
    assert "The toll was 12.</p>" in item["content_html"]
    page = lxml_html.fromstring((site / "output" / "corrections" / "index.html").read_bytes())
    assert page.xpath("string(//h1)") == "Corrections"
    assert "The toll was 12." in page.xpath("string(//ul[@class='corrections-list'])")


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ("corrections: yes\n", "'corrections': expected a list of {date"),
        ("corrections:\n  - text: no date\n", "'corrections': entry 1 needs a date and a text"),
        ("corrections:\n  - date: soon\n    text: x\n", "'corrections': entry 1: 'soon' is not"),
        ("correction: A note without a date.\n", "'correction': needs 'updated:'"),
    ],
)
def test_bad_corrections_are_one_line_errors(site, front, message):
    path = site / "content" / "gulf" / "article-2.md"
    path.write_text(
        article(2).replace("draft: false\n", "draft: false\n" + front), encoding="utf-8"
    )
    from conftest import run_cli

    proc = run_cli("build", "-q", cwd=site)
    assert proc.returncode != 0
    line = 10  # the key's line in the front matter
    assert f"content/gulf/article-2.md:{line}: {message}" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


def test_rel_me_profiles_are_in_every_pages_head(site):
    toml = site / "site.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8")
        + 'me = ["https://mastodon.social/@desk", "https://example.net/desk"]\n',
        encoding="utf-8",
    )
    Watching(load_config(toml)).rebuild(None)
    pages = list((site / "output").rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        if "http-equiv" in page.read_text(encoding="utf-8"):  # a redirect page
            continue
        head = lxml_html.fromstring(page.read_bytes()).head
        assert head.xpath("link[@rel='me']/@href") == [
            "https://mastodon.social/@desk",
            "https://example.net/desk",
        ], page
