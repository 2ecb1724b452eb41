"""feeds.opml and absolutize(): subscription list and absolute links in entry HTML."""

from __future__ import annotations

from lxml import etree

from site_builder.config import Region, SiteConfig
from site_builder.feeds.absolute import absolutize
from tests.feedfiles import feed_files

PAGE = "https://example.org/news/articles/2026/02/story/"


def test_opml_lists_site_then_every_region_with_absolute_urls():
    config = SiteConfig(
        base_url="https://example.org/news/",
        title="Wire & Co",
        regions=(Region("gulf", "Gulf"), Region("world", "World")),
    )
    root = etree.fromstring(feed_files(config, [], {})["feeds.opml"])
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") == "Wire & Co feeds"
    outlines = root.findall(".//outline[@xmlUrl]")
    assert [(o.get("text"), o.get("xmlUrl"), o.get("htmlUrl")) for o in outlines] == [
        ("Wire & Co", "https://example.org/news/feed.xml", "https://example.org/news/"),
        (
            "Wire & Co - Gulf",
            "https://example.org/news/gulf/feed.xml",
            "https://example.org/news/gulf/",
        ),
        (
            "Wire & Co - World",
            "https://example.org/news/world/feed.xml",
            "https://example.org/news/world/",
        ),
    ]
    assert all(o.get("type") == "rss" and o.get("title") == o.get("text") for o in outlines)
    # The site's own feed at the top; the regions' grouped under one outline.
    top = root.findall("body/outline")
    assert [o.get("text") for o in top] == ["Wire & Co", "Regions"]
    assert [o.get("text") for o in top[1]] == ["Wire & Co - Gulf", "Wire & Co - World"]


def test_relative_links_become_absolute():
    html = '<p><a href="../../../../gulf/">Gulf</a> <img src="pic.jpg" alt=""></p>'
    assert absolutize(html, PAGE) == (
        '<p><a href="https://example.org/news/gulf/">Gulf</a> '
        '<img src="https://example.org/news/articles/2026/02/story/pic.jpg" alt=""></p>'
    )


def test_root_relative_links_resolve_against_the_host():
    assert absolutize('<a href="/x/">x</a>', PAGE) == '<a href="https://example.org/x/">x</a>'


def test_absolute_mailto_and_fragment_links_untouched():
    html = (
        '<a href="https://other.example/a?b=1&amp;c=2">o</a><a href="mailto:desk@example.org">m</a>'
        '<a href="#fn:1">1</a><a href="tel:+123">t</a><img src="data:image/png;base64,AAAA">'
    )
    assert absolutize(html, PAGE) == html


def test_fragments_absolute_on_request():
    assert (
        absolutize('<a class="footnote-ref" href="#fn:1">1</a>', PAGE, fragments=True)
        == f'<a class="footnote-ref" href="{PAGE}#fn:1">1</a>'
    )


def test_srcset_candidates_each_absolute():
    out = absolutize('<img srcset="a.jpg 1x, /b.jpg 2x" src="a.jpg">', PAGE)
    assert out == (f'<img srcset="{PAGE}a.jpg 1x, https://example.org/b.jpg 2x" src="{PAGE}a.jpg">')


def test_single_quotes_and_entities_in_attributes():
    out = absolutize("<a title='x > y' href='?q=1&amp;r=2'>q</a>", PAGE)
    assert out == f"<a title='x > y' href=\"{PAGE}?q=1&amp;r=2\">q</a>"


def test_text_that_looks_like_an_attribute_is_left_alone():
    html = '<p>She wrote src="x.jpg" and href="y"</p><pre><code>&lt;a href="z"&gt;</code></pre>'
    assert absolutize(html, PAGE) == html
