"""Reading feeds to import: every format, hostile HTML, broken feeds, relative links."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from site_builder.errors import ContentError
from site_builder.ingest.feedsource import read_feed, sniff, to_markdown

FEEDS = Path(__file__).parent / "data" / "feedimport"
UTC = dt.UTC


def entries(name):
    path = FEEDS / name
    found, problems = read_feed(path, path.read_bytes())
    return found, problems


@pytest.mark.parametrize(
    "name, kind",
    [
        ("wordpress-rss2.xml", "xml"),
        ("atom10-blogger.xml", "xml"),
        ("rss10-rdf.xml", "xml"),
        ("rss091.xml", "xml"),
        ("atom03.xml", "xml"),
        ("jsonfeed11.json", "json"),
        ("not-a-feed.html", "html"),
    ],
)
def test_formats_are_detected_by_content(name, kind):
    assert sniff((FEEDS / name).read_bytes()) == kind


def test_raw_dump_is_not_a_feed(seed_dump):
    assert sniff(seed_dump.read_bytes()) is None


def test_wordpress_full_content_is_sanitised_and_absolute():
    [first, second], problems = entries("wordpress-rss2.xml")
    assert problems == []
    assert first.title == "Saudi Arabia and Oman Sign Red Sea Shipping Accord"
    assert first.entry_id == "https://gulfdesk.example/?p=48211"
    assert first.published == dt.datetime(2026, 2, 11, 8, 30, tzinfo=UTC)
    assert first.author == "Staff Writer" and first.categories == ("Gulf", "Shipping")
    body = first.body
    assert "[Riyadh](https://gulfdesk.example/tag/riyadh/)" in body
    assert (
        "![The port of Jeddah](https://gulfdesk.example/wp-content/uploads/2026/02/port.jpg)"
        in body
    )
    assert "### What changes" in body and "- Joint patrols" in body
    for bad in (
        "script",
        "evil",
        "iframe",
        "youtube",
        "onclick",
        "onerror",
        "javascript:",
        "&nbsp;",
    ):
        assert bad not in body
    assert "“We are closer than ever,” a Qatari official said." in second.body


def test_media_rss_caption_html_title_and_enclosure():
    [sudan, kenya], _ = entries("wire-rss2-media.xml")
    assert sudan.title == "Sudan’s Army Says It Retook El Obeid Road"
    assert sudan.entry_id == "wire:2026:0209:sudan-el-obeid"
    assert sudan.image_url == "https://img.wire.example/2026/02/09/el-obeid.jpg"
    assert sudan.image_caption.startswith("Sudanese soldiers patrol a road near El Obeid")
    assert sudan.body.startswith("Sudan's army said on Monday")
    assert kenya.image_url == "https://img.wire.example/2026/02/08/moyale.jpg"


def test_atom_xml_base_xhtml_and_feed_author():
    [beirut, jordan], _ = entries("atom10-blogger.xml")
    assert beirut.title == "Beirut Port & the Reconstruction Fund"
    assert beirut.link == "https://levant.example/blog/posts/beirut-port-fund.html"
    assert "![Beirut port](https://levant.example/img/port.png)" in beirut.body
    assert beirut.author == "Rania Haddad"
    assert beirut.published == dt.datetime(2026, 2, 7, 10, tzinfo=UTC) and beirut.updated is None
    assert jordan.published == dt.datetime(2026, 2, 5, 6, tzinfo=UTC)
    assert jordan.updated == dt.datetime(2026, 2, 6, 7, 30, tzinfo=UTC)
    assert "**Jaber**" in jordan.body and "steal" not in jordan.body


@pytest.mark.parametrize(
    "name, title, date",
    [
        (
            "rss10-rdf.xml",
            "Tunisia Passes Austerity Budget",
            dt.datetime(2026, 2, 2, 17, 20, tzinfo=UTC),
        ),
        (
            "atom03.xml",
            "Iran Raises Fuel Prices in Tehran",
            dt.datetime(2026, 1, 30, 11, tzinfo=UTC),
        ),
    ],
)
def test_legacy_formats(name, title, date):
    [entry], problems = entries(name)
    assert problems == [] and entry.title == title and entry.published == date
    assert entry.body and "<p>" not in entry.body


def test_entries_without_date_or_title_get_a_warning_not_a_crash():
    [entry], _ = entries("rss091.xml")
    assert entry.published is None and "entry has no date" in entry.warnings
    _, untitled = entries("jsonfeed11.json")[0]
    assert untitled.title == "" and "entry has no title" in untitled.warnings


def test_json_feed():
    [talks, floods], problems = entries("jsonfeed11.json")
    assert problems == []
    assert talks.link == "https://dispatch.example/2026/02/pakistan-india-talks"
    assert talks.image_url == "https://dispatch.example/img/lahore.jpg"
    assert "[More on water](https://dispatch.example/tags/water)" in talks.body
    assert talks.author == "Dispatch Staff" and talks.categories == ("Water", "Diplomacy")
    assert floods.body == "Floods hit Dhaka.\n\nThousands were moved to shelters."
    assert floods.published == dt.datetime(2026, 2, 6, 2, tzinfo=UTC)


def test_broken_feed_imports_what_it_can_and_says_where():
    found, [problem] = entries("broken-rss.xml")
    assert str(problem).startswith(f"{FEEDS / 'broken-rss.xml'}:4: feed is not well-formed")
    assert found[0].title == "Libya Oil Output Recovers"


def test_html_page_is_a_clear_error():
    with pytest.raises(ContentError, match="not a feed: this is an HTML page"):
        entries("not-a-feed.html")


def test_invalid_json_feed_names_the_line():
    with pytest.raises(ContentError) as info:
        read_feed(
            Path("f.json"), b'{"version": "https://jsonfeed.org/version/1.1",\n "items": [,]}'
        )
    assert str(info.value).startswith("f.json:2: JSON Feed is not valid JSON")


@pytest.mark.parametrize(
    "html",
    [
        '<p onclick="x()">a</p><script>alert(1)</script>',
        '<a href="javascript:alert(1)">a</a>',
        '<a href="JaVaScRiPt:alert(1)">a</a>',
        '<img src="x" onerror="alert(1)">',
        "<style>body{}</style><p>a</p>",
        '<iframe src="https://evil.example"></iframe><p>a</p>',
        "<svg><script>alert(1)</script></svg>",
        '<a href="data:text/html;base64,PHNjcmlwdD4=">a</a>',
    ],
)
def test_hostile_html_never_survives(html):
    text = to_markdown(html, "https://example.org/")
    for bad in ("alert", "javascript", "onclick", "onerror", "iframe", "evil", "data:", "<script"):
        assert bad not in text.lower()
