"""The sanitiser: what of an article's HTML reaches a reader, and what never does."""

from __future__ import annotations

import pytest

from site_builder.config import SiteConfig
from site_builder.content.markup import MarkdownConverter, sanitise


@pytest.mark.parametrize("tag", ["script", "style", "iframe", "object", "noscript", "template"])
def test_dangerous_elements_go_with_everything_inside_them(tag):
    assert (
        sanitise(f"<p>before</p><{tag}>inside <b>bold</b></{tag}><p>after</p>")
        == "<p>before</p><p>after</p>"
    )
    assert (
        sanitise('<p>a<embed src="x.swf" type="application/x-shockwave-flash">b</p>') == "<p>ab</p>"
    )


def test_unknown_elements_are_unwrapped_keeping_their_text():
    assert (
        sanitise("<p><blink>news</blink> <marquee>to<input>day</marquee></p>")
        == "<p>news today</p>"
    )


def test_ordinary_article_markup_passes_unchanged():
    html = (
        '<h2 id="three-steps">Three steps</h2><p><strong>a</strong> <em>b</em> '
        '<a href="https://example.org/x" title="t">c</a> <code>d</code></p>'
        '<table><thead><tr><th scope="col" align="left">h</th></tr></thead><tbody><tr>'
        '<td colspan="2">v</td></tr></tbody></table><ol start="3"><li>x</li></ol>'
        '<figure><img src="p.jpg" alt="p" width="10" height="5"><figcaption>c</figcaption>'
        '</figure><p><time datetime="2026-01-01">Jan</time></p>'
    )
    assert sanitise(html) == html


def test_event_handlers_and_styles_are_dropped():
    assert (
        sanitise(
            '<p onclick="steal()" style="position:fixed">x</p><img src="a.jpg" onerror="steal()">'
        )
        == '<p>x</p><img src="a.jpg">'
    )


@pytest.mark.parametrize(
    "href, kept",
    [
        ("https://example.org/", True),
        ("http://example.org/", True),
        ("mailto:desk@example.org", True),
        ("../gulf/", True),
        ("#fn:1", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("data:text/html,<script>x</script>", False),
        ("vbscript:x", False),
    ],
)
def test_links_keep_web_and_mail_addresses_only(href, kept):
    out = sanitise(f'<a href="{href}">x</a>')
    assert ("href=" in out) is kept, out


def test_links_get_no_rel_added_and_comments_are_dropped():
    assert (
        sanitise('<a href="https://e.org/">x</a><!-- secret -->')
        == '<a href="https://e.org/">x</a>'
    )


def test_relative_links_resolve_against_an_absolute_base_only():
    html = '<a href="../b/">x</a><img src="p.jpg">'
    assert (
        sanitise(html, base="https://e.org/news/a/")
        == '<a href="https://e.org/news/b/">x</a><img src="https://e.org/news/a/p.jpg">'
    )
    assert (
        sanitise(html, base="http://e.org/a/")
        == '<a href="http://e.org/b/">x</a><img src="http://e.org/a/p.jpg">'
    )
    assert sanitise(html, base="/news/a/") == html
    assert sanitise(html) == html


@pytest.mark.parametrize(
    "html, expected",
    [
        ('<h2 id="main">Main</h2>', '<h2 id="main">Main</h2>'),  # Markdown's heading slug
        ('<h6 id="a-b_c">x</h6>', '<h6 id="a-b_c">x</h6>'),
        ('<h2 id="site.main">x</h2>', "<h2>x</h2>"),  # the theme's landmark ids
        ('<h2 id="fn:1">x</h2>', "<h2>x</h2>"),
        ('<h2 id="' + "a" * 121 + '">x</h2>', "<h2>x</h2>"),
        ('<div id="main">x</div>', "<div>x</div>"),  # an id Markdown never writes
        ('<li id="fn:1">x</li>', '<li id="fn:1">x</li>'),  # footnotes
        ('<sup id="fnref:note-2">x</sup>', '<sup id="fnref:note-2">x</sup>'),
        ('<li id="main">x</li>', "<li>x</li>"),
        ('<p id="fn:1">x</p>', "<p>x</p>"),
    ],
)
def test_ids_pass_only_as_markdown_writes_them(html, expected):
    assert sanitise(html) == expected


@pytest.mark.parametrize(
    "html, expected",
    [
        ('<div class="footnote">x</div>', '<div class="footnote">x</div>'),
        (
            '<a class="footnote-ref" href="#fn:1">1</a>',
            '<a class="footnote-ref" href="#fn:1">1</a>',
        ),
        (
            '<a class="footnote-backref" href="#r">r</a>',
            '<a class="footnote-backref" href="#r">r</a>',
        ),
        ('<code class="language-c++">x</code>', '<code class="language-c++">x</code>'),
        ('<div class="footnote site-header">x</div>', '<div class="footnote">x</div>'),
        ('<div class="site-header">x</div>', "<div>x</div>"),
        ('<div class="footnotes">x</div>', "<div>x</div>"),
    ],
)
def test_classes_pass_only_as_markdown_writes_them(html, expected):
    assert sanitise(html) == expected


@pytest.mark.parametrize(
    "srcset, kept",
    [
        ("a.jpg 1x, b.jpg 2x", True),
        ("https://e.org/a.jpg 480w, /b.jpg 800w", True),
        ("a.jpg", True),
        ("a.jpg 1x, javascript:alert(1) 2x", False),
        ("JAVASCRIPT:x 1x", False),
        ("data:image/png;base64,AAAA 1x", False),
        ("mailto:x@e.org 1x", True),
        ("", False),
    ],
)
def test_srcset_is_checked_like_src(srcset, kept):
    out = sanitise(f'<img src="a.jpg" srcset="{srcset}">')
    assert ("srcset=" in out) is kept, out


def test_raw_html_is_left_alone_only_when_the_site_allows_it():
    text = 'Hi <span onclick="x()">there</span><script>alert(1)</script>'
    assert MarkdownConverter(SiteConfig()).html(text) == "<p>Hi <span>there</span></p>"
    raw = MarkdownConverter(SiteConfig(allow_raw_html=True)).html(text)
    assert "onclick" in raw and "<script>" in raw


def test_an_article_cannot_add_page_landmarks_or_other_elements_outside_the_list():
    assert (
        sanitise(
            "<nav>n</nav><header>h</header><footer>f</footer><article>a</article>"
            "<aside>s</aside><area><map>m</map>"
        )
        == "nhfasm"
    )


@pytest.mark.parametrize(
    "href", ["ftp://files.example/a", "tel:+123", "irc://x/y", "news:comp.lang", "ssh://host"]
)
def test_links_of_other_schemes_are_dropped(href):
    assert sanitise(f'<a href="{href}">x</a>') == "<a>x</a>"


def test_several_markdown_classes_are_all_kept():
    assert (
        sanitise('<a class="footnote-ref footnote theme">1</a>')
        == '<a class="footnote-ref footnote">1</a>'
    )
