"""The news front page in Chromium (issue 28): a site with pictures, nine regions and 63
stories, served by the real `site-builder serve`, read at 1280 and 390 px."""

from __future__ import annotations

import sys

import pytest
from conftest import REPO
from test_browser import CHROMIUM, SERVED, Watched, axe_violations, browser  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed"),
]

REGIONS = {
    "middle-east": "Iraq",
    "gulf": "Qatar",
    "north-africa": "Egypt",
    "horn-of-africa": "Somalia",
    "africa": "Nigeria",
    "europe": "France",
    "americas": "Brazil",
    "asia": "Japan",
    "world": "Australia",
}
SCENES = ("harbour", "dusk", "town", "river")
STORY = """---
id: urn:uuid:00000000-0000-5000-8000-{n:012d}
title: "{title}"
date: 2026-10-{day:02d}T{hour:02d}:00:00+00:00
countries: [{country}]
summary: "A standfirst of a line or two that says what happened in {country}, and why it matters."
{extra}---
The first paragraph of story {n}, filed from {country}.

A second paragraph with more of the story.
"""
FEATURED = "Ceasefire talks resume in Tokyo after a week"
ANALYSIS = "What the port deal means for the region"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    sys.path.insert(0, str(REPO / "scripts"))
    import demo_site

    root = tmp_path_factory.mktemp("front-site")
    (root / "site.toml").write_text(
        'title = "Front Desk"\nbase_url = "https://example.org/"\n', encoding="utf-8"
    )
    n = 0
    for r, (region, country) in enumerate(REGIONS.items()):
        for k in range(7):
            n += 1
            title = f"Story {n}: news from {country} on day {k + 1}"
            extra = ""
            if region == "asia" and k == 6:
                # The oldest story of the site, featured: it leads the front page.
                title, extra, day = FEATURED, "featured: true\n", 1
            else:
                day = 2 + (n * 7) % 27
            if n == 60:
                title, extra = ANALYSIS, "kicker: Analysis\n"
                day = 29
            text = STORY.format(
                n=n, title=title, day=day, hour=n % 24, country=country, extra=extra
            )
            folder = root / "content" / region
            if k < 2 or extra.startswith("featured") or n == 60:
                bundle = folder / f"story-{n}"
                bundle.mkdir(parents=True)
                scene = SCENES[(r + k) % len(SCENES)]
                (bundle / "photo.jpg").write_bytes(demo_site.draw(scene, (900, 600), n))
                text = text.replace(
                    "---\nThe first",
                    "image:\n  url: photo.jpg\n  caption: A view.\n  credit: Desk\n---\nThe first",
                )
                (bundle / "index.md").write_text(text, encoding="utf-8")
            else:
                folder.mkdir(parents=True, exist_ok=True)
                (folder / f"story-{n}.md").write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def server(site):
    from test_serve_e2e import Served

    served = Served(site)
    yield served
    if served.proc.poll() is None:
        served.stop()


def at(server, path: str = "") -> str:
    return f"http://127.0.0.1:{server.port}/{path}"


def article_of(site, title: str) -> str:
    """The site path of the article with this headline, read off the served front page."""
    front = (site / SERVED / "index.html").read_text(encoding="utf-8")
    start = front.index(f">{title}<")
    return front[front.rindex('href="', 0, start) + 6 : front.rindex('"', 0, start)]


# The boxes of main's content: what the page's layout gives its stories and rails.
UNION = """() => {
  const boxes = [...document.querySelectorAll('main > *')].map(e => e.getBoundingClientRect())
    .filter(b => b.width > 1 && b.height > 1);
  return [Math.min(...boxes.map(b => b.left)), Math.max(...boxes.map(b => b.right))];
}"""
HEADLINES = """() => [...document.querySelectorAll('main .teaser-title')].map(
  h => [h.textContent.trim().slice(0, 40), h.getBoundingClientRect().width])"""


@pytest.mark.parametrize("path", ["", "gulf/"])
def test_at_1280_the_page_uses_the_width_and_no_headline_is_squeezed(server, browser, path):
    watched = Watched(browser, width=1280)
    try:
        watched.page.goto(at(server, path))
        left, right = watched.page.evaluate(UNION)
        assert right - left >= 0.7 * 1280, (path, left, right)
        narrow = [(t, w) for t, w in watched.page.evaluate(HEADLINES) if w < 200]
        assert narrow == []
        assert watched.problems == []
    finally:
        watched.close()


def test_the_front_page_leads_with_the_featured_story_and_has_a_block_per_region(server, browser):
    watched = Watched(browser, width=1280)
    page = watched.page
    try:
        page.goto(at(server))
        lead = page.locator(".teaser.splash .teaser-title").first
        assert lead.inner_text() == FEATURED  # the oldest story of the site
        assert page.locator(".teaser.splash img").count() == 1
        assert page.locator(".secondary .teaser").count() in (2, 3, 4)
        assert page.locator(".river .teaser time").count() > 0
        links = page.eval_on_selector_all(".region-block h2 a", "links => links.map(a => a.href)")
        assert sorted(links) == sorted(at(server, f"{r}/") for r in REGIONS)
        page.locator(".region-block h2 a", has_text="Gulf").click()
        assert page.url == at(server, "gulf/")
        assert page.locator("h1").inner_text() == "Gulf"
        assert watched.problems == []
    finally:
        watched.close()


def test_a_kicker_shows_on_its_card_and_its_page(server, site, browser):
    watched = Watched(browser, width=1280)
    page = watched.page
    try:
        page.goto(at(server))
        card = page.locator(".teaser", has_text=ANALYSIS).first
        assert card.locator(".kicker").inner_text().casefold() == "analysis"
        page.goto(at(server, article_of(site, ANALYSIS)))
        assert page.locator(".story-header .kicker").inner_text().casefold() == "analysis"
        # Beside the body on a wide screen: the rail, with more from the story's region.
        body = page.locator(".story .body").bounding_box()
        rail = page.locator("aside.rail").bounding_box()
        assert rail["x"] >= body["x"] + body["width"] and rail["y"] < body["y"] + body["height"]
        assert page.locator("aside.rail h2").first.inner_text().casefold().startswith("more from")
    finally:
        watched.close()


def test_at_390_one_column_in_order_of_importance_and_no_horizontal_scroll(server, site, browser):
    watched = Watched(browser, width=390)
    page = watched.page
    try:
        for path in ("", "gulf/", article_of(site, ANALYSIS), "tags/", "countries/japan/"):
            page.goto(at(server, path))
            sizes = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert sizes[0] <= sizes[1], (path, sizes)
        page.goto(at(server))
        tops = [
            page.locator(selector).first.bounding_box()["y"]
            for selector in (".teaser.splash", ".secondary", ".river", ".region-block")
        ]
        assert tops == sorted(tops)
        page.goto(at(server, article_of(site, ANALYSIS)))
        body, rail = (page.locator(s).bounding_box() for s in (".story .body", "aside.rail"))
        assert rail["y"] >= body["y"] + body["height"]  # on a phone the rail follows the body
        assert watched.problems == []
    finally:
        watched.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations_on_the_news_pages(server, site, browser, scheme):
    watched = Watched(browser, scheme=scheme)
    found = {}
    try:
        for path in ("", "gulf/", article_of(site, ANALYSIS), "countries/japan/"):
            watched.page.goto(at(server, path))
            found[path] = axe_violations(watched.page)
    finally:
        watched.close()
    assert {p: vs for p, vs in found.items() if vs} == {}
