"""A site in two languages (issue 16): examples/bilingual, English at /en/ and Arabic at
/ar/, two of its articles translations of each other.

Built through the command line into a temporary copy; pages read with lxml, feeds with
lxml and JSON, links checked with ../shared/tools/sitecheck and feeds read by newsboat
where those are installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sitemapfiles
from conftest import REPO, run_cli
from lxml import etree, html

EXAMPLE = REPO / "examples" / "bilingual"
TOOLS = REPO.parent / "shared" / "tools"
BASE = "https://example.org/desk/"
STORY = "articles/2026/11/baghdad-water-plan/"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bilingual")
    shutil.copytree(EXAMPLE / "content", root / "content")
    shutil.copy(EXAMPLE / "site.toml", root / "site.toml")
    run_cli("build", "-q", "--base-url", BASE, cwd=root, check=True)
    return root / "output"


def page(output: Path, path: str):
    return html.fromstring((output / path / "index.html").read_bytes())


def test_each_edition_has_its_own_language_listings_and_feeds(site):
    english, arabic = page(site, "en"), page(site, "ar")
    assert (english.get("lang"), english.get("dir")) == ("en", "ltr")
    assert (arabic.get("lang"), arabic.get("dir")) == ("ar", "rtl")
    assert english.findtext(".//h1") == "Latest news"
    assert arabic.findtext(".//h1") == "آخر الأخبار"
    for code, other in (("en", "ar"), ("ar", "en")):
        rss = etree.fromstring((site / code / "feed.xml").read_bytes())
        assert rss.findtext("channel/language") == code
        ids = [guid.text for guid in rss.iter("guid")]
        assert len(ids) == 2
        theirs = [
            guid.text
            for guid in etree.fromstring((site / other / "feed.xml").read_bytes()).iter("guid")
        ]
        assert not set(ids) & set(theirs)  # each language's feed carries only its own
        atom = etree.fromstring((site / code / "atom.xml").read_bytes())
        assert atom.get("{http://www.w3.org/XML/1998/namespace}lang") == code
        assert (
            json.loads((site / code / "feed.json").read_text(encoding="utf-8"))["language"] == code
        )


def test_translations_link_each_other_with_reciprocal_hreflang(site):
    english, arabic = page(site, "en/" + STORY), page(site, "ar/" + STORY)
    for doc, here, there in ((english, "en", "ar"), (arabic, "ar", "en")):
        alternates = {
            link.get("hreflang"): link.get("href") for link in doc.xpath("//head/link[@hreflang]")
        }
        assert alternates == {"en": BASE + "en/" + STORY, "ar": BASE + "ar/" + STORY}
        visible = doc.find_class("translations")[0].find("a")
        assert visible.get("hreflang") == there
        target = (site / here / STORY / visible.get("href")).resolve()
        assert target == (site / there / STORY).resolve()
    # An article with no translation names none.
    ferry = page(site, "en/articles/2026/11/muscat-ferry")
    assert not ferry.xpath("//head/link[@hreflang]") and not ferry.find_class("translations")


def test_the_sitemap_lists_the_alternates_and_the_root_sends_to_the_first_edition(site):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    sitemap = sitemapfiles.urlset(site)
    url = sitemap.xpath(f"//s:url[s:loc='{BASE}ar/{STORY}']", namespaces=ns)[0]
    assert {a.get("hreflang"): a.get("href") for a in url.xpath("x:link", namespaces=ns)} == {
        "en": BASE + "en/" + STORY,
        "ar": BASE + "ar/" + STORY,
    }
    root = html.fromstring((site / "index.html").read_bytes())
    assert root.xpath("//meta[@http-equiv='refresh']/@content") == ["0; url=en/"]
    opml = etree.fromstring((site / "feeds.opml").read_bytes())
    assert [o.get("text") for o in opml.findall("body/outline")] == ["English", "العربية"]


def test_no_broken_links_at_the_root_or_under_a_sub_path(site):
    tool = TOOLS / "sitecheck"
    if not tool.exists() or not (shutil.which("nginx") and shutil.which("linkchecker")):
        pytest.skip("../shared/tools/sitecheck, nginx or linkchecker is not here")
    for extra in ([], ["--base", "/desk/"]):
        proc = subprocess.run(
            [str(tool), str(site), *extra], capture_output=True, text=True, timeout=300
        )
        assert proc.returncode == 0 and "broken=0" in proc.stdout, proc.stdout + proc.stderr


def test_every_language_feed_reads_in_newsboat(site):
    tool = TOOLS / "newsboat-read"
    if not tool.exists() or not shutil.which("newsboat"):
        pytest.skip("newsboat or ../shared/tools/newsboat-read is not here")
    httpd = ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(site))
    )
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        port = httpd.server_address[1]
        urls = [
            f"http://127.0.0.1:{port}/{code}/{name}"
            for code in ("en", "ar")
            for name in ("feed.xml", "atom.xml")
        ]
        proc = subprocess.run([str(tool), *urls], capture_output=True, text=True, timeout=300)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "feeds=4 failed=0 items=8"
