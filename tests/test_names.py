"""Tags and authors that slug alike keep pages of their own, and bidirectional controls in
names reach no title (issue 23)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from urllib.parse import urljoin

from conftest import run_cli
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree, html
from test_pages_taxonomies import build, make, story

from site_builder import urls

CPP = story("urn:cpp", "Compilers", "2026-02-10T06:00:00Z", extra="tags: [C++]\nauthor: José\n")
CS = story("urn:cs", "Runtimes", "2026-02-11T06:00:00Z", extra="tags: [C#]\nauthor: Jose\n")


def titles(out: Path, path: str) -> list[str]:
    doc = html.parse(str(out / path / "index.html")).getroot()
    return [a.text_content() for a in doc.xpath("//*[@class='teaser-title']/a")]


def links(out: Path, article: str, rel: str) -> list[str]:
    doc = html.parse(str(out / article / "index.html")).getroot()
    page = "https://example.org/news/" + article
    return [
        urljoin(page, a.get("href"))[len("https://example.org/news/") :]
        for a in doc.xpath(f"//a[@rel='{rel}']")
    ]


def test_names_that_slug_alike_get_pages_of_their_own_and_a_warning(tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="site_builder")
    out = build(make(tmp_path, {"gulf/cpp.md": CPP, "gulf/cs.md": CS}, ""))
    assert titles(out, "tags/c") == ["Runtimes"]  # 'C#' sorts before 'C++'
    assert titles(out, "tags/c-2") == ["Compilers"]
    assert titles(out, "authors/jose") == ["Runtimes"]
    assert titles(out, "authors/jose-2") == ["Compilers"]
    assert links(out, "articles/2026/02/cpp/", "tag") == ["tags/c-2/"]
    assert links(out, "articles/2026/02/cpp/", "author") == ["authors/jose-2/"]
    assert links(out, "articles/2026/02/cs/", "tag") == ["tags/c/"]
    rss = etree.parse(str(out / "tags/c-2/feed.xml"))
    assert rss.findtext("channel/title") == "Desk - C++"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "warning: 'C#' and 'C++' share the address tags/c/" in "\n".join(warnings)
    assert "warning: 'Jose' and 'José' share the address authors/jose/" in "\n".join(warnings)


def test_a_name_that_moves_is_linked_right_by_a_cached_build(tmp_path):
    """'C++' has tags/c/ until 'C#' arrives and takes it: the cached build links C++'s
    article to its new address, as a clean build does."""
    root = make(tmp_path, {"gulf/cpp.md": CPP}, "")
    run_cli("build", "-q", cwd=root, check=True)
    assert links(root / "output", "articles/2026/02/cpp/", "tag") == ["tags/c/"]
    (root / "content" / "gulf" / "cs.md").write_text(CS, encoding="utf-8")
    result = run_cli("build", cwd=root, check=True)
    assert "share the address tags/c/" in result.stderr
    assert links(root / "output", "articles/2026/02/cpp/", "tag") == ["tags/c-2/"]


def test_bidirectional_controls_reach_no_title(tmp_path):
    evil = story(
        "urn:evil",
        "Ports",
        "2026-02-10T06:00:00Z",
        extra='tags: ["\\u202Eevil\\u2066 port"]\nauthor: "Sara \\u202EHaddad"\n',
    )
    out = build(make(tmp_path, {"gulf/evil.md": evil}, ""))
    assert sorted(p.name for p in (out / "tags").iterdir() if p.is_dir()) == ["evil-port"]
    doc = html.parse(str(out / "tags/evil-port/index.html")).getroot()
    assert doc.findtext(".//title").startswith("evil port")
    feed = json.loads((out / "tags/evil-port/feed.json").read_text(encoding="utf-8"))
    assert feed["title"] == "Desk - evil port"
    atom = etree.parse(str(out / "authors/sara-haddad/atom.xml"))
    assert atom.findtext("{http://www.w3.org/2005/Atom}title") == "Desk - Sara Haddad"


def test_a_title_with_bidirectional_controls_is_isolated_in_titles_and_feeds(tmp_path):
    """An override left open in a headline turned the site's name in <title> around."""
    text = story("urn:rlo", '"Port \\u202Eopens"', "2026-02-10T06:00:00Z")
    out = build(make(tmp_path, {"gulf/rlo.md": text}, ""))
    doc = html.parse(str(out / "articles/2026/02/rlo/index.html")).getroot()
    assert doc.findtext(".//title") == "\u2068Port \u202eopens\u2069 · Desk"
    rss = etree.parse(str(out / "feed.xml"))
    assert rss.findtext("channel/item/title") == "\u2068Port \u202eopens\u2069"
    feed = json.loads((out / "feed.json").read_text(encoding="utf-8"))
    assert feed["items"][0]["title"] == "\u2068Port \u202eopens\u2069"


@given(
    st.text(
        alphabet=st.sampled_from(
            "a \u2028\u2029\u202a\u202b\u202c\u202d\u202e\u202f\u2065\u2066\u2067\u2068\u2069\u206a"
        )
    )
)
def test_a_title_is_isolated_exactly_when_it_holds_a_bidirectional_control(text):
    holds = any(ord(c) in urls.BIDI_CONTROLS for c in text)
    assert urls.isolated(text) == (f"\u2068{text}\u2069" if holds else text)
