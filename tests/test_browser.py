"""The served site in a real browser: Debian's Chromium driven by Playwright.

A temporary site is built and served by the real `site-builder serve`; the tests read it as
a person would (console, network, navigation, layout, keyboard, live reload) and check it
with axe-core. They need /usr/bin/chromium (`apt-get install chromium`; .ci/run installs it)
and axe-core, whose axe.min.js comes with the `test` extra's axe-playwright-python
(SITE_BUILDER_AXE=path/to/axe.min.js picks another). Playwright never downloads a browser here.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import REPO

from site_builder.serve.devloop import PREVIEW

# What `serve` builds and serves: its preview in the cache, never output/ (which only a
# publication build writes).
SERVED = Path(".cache") / "site_builder" / PREVIEW / "site"

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed (apt-get install chromium)"
    ),
]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--disable-sync",
    "--disable-component-update",
    "--no-first-run",
]


def _axe() -> Path | None:
    """axe.min.js: SITE_BUILDER_AXE, else the copy axe-playwright-python ships."""
    if os.environ.get("SITE_BUILDER_AXE"):
        return Path(os.environ["SITE_BUILDER_AXE"])
    spec = importlib.util.find_spec("axe_playwright_python")
    return Path(spec.origin).parent / "axe.min.js" if spec and spec.origin else None


AXE = _axe()
BASE = "/news/"
WIDTHS = (360, 1280)

# A story made to strain the theme: a heading that slugs to "main", a long unbroken word,
# a wide table and a right-to-left title.
STRAIN = """---
id: urn:uuid:00000000-0000-5000-8000-0000000000b1
title: "قمة الخليج: Gulf summit ends with a joint statement"
date: 2026-11-20T09:00:00+00:00
region: gulf
countries: [Qatar, Saudi Arabia]
summary: "Leaders met in Doha."
image:
  caption: "Leaders pose for a photo in Doha on November 20, 2026. (Reuters)"
  credit: Reuters
---
Leaders met in Doha on Thursday.

## Main

The statement is at https://example.org/a/very/long/address/that/does/not/break/anywhere/at/all/in/the/text/of/the/page.

| Country | Delegation head | Days | Signed | Notes on the text of the statement |
| --- | --- | --- | --- | --- |
| Qatar | Emir | 2 | yes | hosted the meeting and drafted most of the joint statement |
| Saudi Arabia | Crown Prince | 2 | yes | pressed for the paragraph on maritime security in the Red Sea |
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The repository's articles plus the strain story, two a page so there is a page 1
    (listings are numbered from the oldest: the front page, then page 1 and on)."""
    root = tmp_path_factory.mktemp("browser-site")
    shutil.copytree(REPO / "content", root / "content")
    (root / "content" / "gulf").mkdir(exist_ok=True)
    (root / "content" / "gulf" / "gulf-summit.md").write_text(STRAIN, encoding="utf-8")
    (root / "site.toml").write_text(
        f'title = "Browser Desk"\nper_page = 2\nbase_url = "https://example.org{BASE}"\n',
        encoding="utf-8",
    )
    return root


@pytest.fixture(scope="module")
def server(site):
    from test_serve_e2e import Served

    served = Served(site)
    yield served
    if served.proc.poll() is None:
        served.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watched:
    """A browser tab that records console errors, page errors and failed requests."""

    def __init__(self, browser, width: int = 1280, scheme: str = "light"):
        self.context = browser.new_context(
            viewport={"width": width, "height": 800}, color_scheme=scheme
        )
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.expected_status: dict[str, int] = {}
        self.aborted: list[str] = []
        page = self.page
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _expected(self, address: str, status: int) -> bool:
        """A 404 the test asked for, or the host-root icon of a site served under /news/."""
        if self.expected_status.get(address) == status:
            return True
        # A page without <link rel="icon"> (a feed shown as XML) makes Chromium ask for
        # /favicon.ico at the host's root, which a site under a sub-path does not own; the
        # theme ships output/favicon.ico for sites at a root.
        return BASE != "/" and urlsplit(address).path == "/favicon.ico"

    def _console(self, message) -> None:
        if message.type != "error":
            return
        if message.text.startswith("Failed to load resource") and self._expected(
            message.location.get("url", ""), 404
        ):
            return  # the browser's own note on a 404 that is expected
        self.problems.append(f"console: {message.text} ({message.location.get('url')})")

    def _failed(self, request) -> None:
        # Leaving a page aborts what is still loading (its live-reload stream, the icon the
        # browser fetches after `load`): navigation, not a fault. A missing file is a 404
        # response, recorded below.
        if request.failure == "net::ERR_ABORTED":
            self.aborted.append(request.url)
            return
        self.problems.append(f"failed: {request.url} ({request.failure})")

    def _response(self, response) -> None:
        if response.status >= 400 and not self._expected(response.url, response.status):
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser):
    watched = Watched(browser)
    yield watched
    watched.close()


def url(server, path: str = "") -> str:
    return f"http://127.0.0.1:{server.port}{BASE}{path}"


def article_paths(site: Path) -> list[str]:
    """Site paths of the articles the served site has."""
    out = site / SERVED
    return sorted(
        p.parent.relative_to(out).as_posix() + "/" for p in out.glob("articles/*/*/*/index.html")
    )


def pages_to_check(site: Path) -> list[str]:
    """One page of every kind."""
    months = sorted(
        p.parent.relative_to(site / SERVED).as_posix() + "/"
        for p in (site / SERVED).glob("archive/*/*/index.html")
    )
    return [
        "",
        "page/1/",
        "middle-east/",
        "gulf/",
        "countries/iraq/",
        "archive/",
        months[0],
        "subscribe/",
        "articles/2026/11/gulf-summit/",
        *article_paths(site)[:2],
    ]


def test_every_kind_of_page_loads_without_errors_or_failed_requests(server, site, tab):
    for path in pages_to_check(site):
        response = tab.page.goto(url(server, path), wait_until="load")
        assert response.status == 200, path
        assert tab.page.title().endswith("Browser Desk")
    missing = url(server, "no/such/page/")
    tab.expected_status[missing] = 404
    response = tab.page.goto(missing, wait_until="load")
    assert response.status == 404 and tab.page.locator("h1").inner_text() == "Page not found"
    assert tab.page.evaluate("getComputedStyle(document.body).fontFamily").startswith("Georgia")
    # The icon and stylesheet load at any depth, also from the 404 page's absolute links.
    for rel in ("icon", "stylesheet"):
        href = tab.page.eval_on_selector(f'link[rel="{rel}"]', "l => l.href")
        assert tab.page.request.get(href).status == 200, href
    assert tab.problems == []


def test_a_reader_goes_home_region_article_and_feed(server, tab):
    page = tab.page
    page.goto(url(server))
    page.get_by_role("navigation", name="Sections").get_by_role(
        "link", name="Gulf", exact=True
    ).click()
    page.wait_for_url(url(server, "gulf/"))
    assert page.locator("h1").inner_text() == "Gulf"
    first = page.locator("main .teaser-title a").first  # the region's lead story
    title = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/news/articles/\d{4}/\d\d/[^/]+/$"))
    assert page.locator("h1").inner_text() == title
    assert (
        page.get_by_role("navigation", name="Breadcrumb")
        .get_by_role("link", name="Gulf", exact=True)
        .count()
        == 1
    )
    page.locator(".follow").get_by_role("link", name="RSS").click()
    page.wait_for_url(url(server, "gulf/feed.xml"))
    assert title in page.content()
    assert tab.problems == []


def test_feed_autodiscovery_links_lead_to_feeds(server, tab):
    page = tab.page
    page.goto(url(server, "articles/2026/11/gulf-summit/"))
    links = page.eval_on_selector_all(
        'link[rel="alternate"]', "ls => ls.map(l => [l.type, l.href, l.title])"
    )
    hrefs = [href for _, href, _ in links]
    assert hrefs == [
        url(server, p)
        for p in (
            "feed.xml",
            "atom.xml",
            "feed.json",
            "gulf/feed.xml",
            "gulf/atom.xml",
            "gulf/feed.json",
        )
    ]
    for kind, href, title in links:
        response = page.request.get(href)
        assert response.ok, href
        body = response.text()
        assert ("Gulf summit" in body) and title.startswith("Browser Desk"), href
        assert body.lstrip().startswith("{") if kind.endswith("json") else "<?xml" in body[:50]
    assert tab.problems == []


@pytest.mark.parametrize("width", WIDTHS)
def test_no_horizontal_scrolling(server, site, browser, width):
    watched = Watched(browser, width=width)
    try:
        for path in pages_to_check(site):
            watched.page.goto(url(server, path))
            sizes = watched.page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert sizes[0] <= sizes[1], (path, width, sizes)
        assert watched.problems == []
    finally:
        watched.close()


def test_keyboard_skip_link_is_first_visible_and_lands_on_main(server, tab):
    page = tab.page
    page.goto(url(server, "articles/2026/11/gulf-summit/"))
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => { const e = document.activeElement, r = e.getBoundingClientRect();
        return [e.className, e.textContent, r.left >= 0 && r.top >= 0 && r.width > 0,
                getComputedStyle(e).outlineStyle]; }""")
    assert focused[:3] == ["skip", "Skip to content", True]
    assert focused[3] != "none"  # the focus ring is visible
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.tagName") == "MAIN"
    # The body's "## Main" heading keeps its own anchor, and it is not the skip target.
    assert page.locator(".body h2#main").inner_text() == "Main"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_link_reached_by_tab_shows_a_focus_ring(server, browser, scheme):
    watched = Watched(browser, scheme=scheme)
    try:
        page = watched.page
        page.goto(url(server, "articles/2026/11/gulf-summit/"))
        links = page.evaluate("document.querySelectorAll('a[href]').length")
        seen = []
        for _ in range(links):
            page.keyboard.press("Tab")
            seen.append(
                page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
                return [[...document.querySelectorAll('a[href]')].indexOf(e), e.textContent.trim(),
                        s.outlineStyle, parseFloat(s.outlineWidth)]; }""")
            )
        assert sorted(index for index, *_ in seen) == list(range(links))  # each link, once
        assert [f for f in seen if f[2] == "none" or f[3] < 2] == []
    finally:
        watched.close()


def test_dark_scheme_and_print_change_what_is_shown(server, browser):
    colours = {}
    for scheme in ("light", "dark"):
        watched = Watched(browser, scheme=scheme)
        watched.page.goto(url(server))
        colours[scheme] = watched.page.evaluate("getComputedStyle(document.body).backgroundColor")
        if scheme == "light":
            nav = watched.page.get_by_role("navigation", name="Sections")
            assert nav.is_visible()
            watched.page.emulate_media(media="print")
            assert not nav.is_visible()
        watched.close()
    assert colours["light"] != colours["dark"]


def axe_violations(page) -> list[dict]:
    """Every axe-core violation on the page: rule id, impact and how many nodes."""
    if AXE is None or not AXE.is_file():
        pytest.fail(
            f"axe-core not found ({AXE or 'axe-playwright-python is not installed'}): "
            "python3 -m pip install -e '.[test]'"
        )
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => (await axe.run(document)).violations.map(
        v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
               targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))""")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_or_critical_violations(server, site, browser, scheme):
    watched = Watched(browser, scheme=scheme)
    found = {}
    try:
        for path in pages_to_check(site) + ["no/such/page/"]:
            watched.expected_status[url(server, "no/such/page/")] = 404
            watched.page.goto(url(server, path))
            found[path] = axe_violations(watched.page)
    finally:
        watched.close()
    grave = {
        p: [v for v in vs if v["impact"] in ("serious", "critical")] for p, vs in found.items()
    }
    assert {p: vs for p, vs in grave.items() if vs} == {}
    print(f"axe ({scheme}): " + ", ".join(f"{p or '/'}: {len(vs)}" for p, vs in found.items()))


def test_live_reload_updates_the_open_page(tmp_path, browser):
    from test_serve_e2e import Served

    shutil.copytree(REPO / "content", tmp_path / "content")
    (tmp_path / "site.toml").write_text(
        f'title = "Live Desk"\nbase_url = "https://example.org{BASE}"\n', encoding="utf-8"
    )
    served = Served(tmp_path)
    watched = Watched(browser)
    try:
        source = next((tmp_path / "content" / "middle-east").glob("israel*.md"))
        path = "articles/2026/02/" + source.stem + "/"
        watched.page.goto(url(served, path))
        old = watched.page.locator("h1").inner_text()
        watched.page.evaluate("window.__sameDocument = true")  # gone after a reload
        source.write_text(
            source.read_text(encoding="utf-8").replace(f"title: {old}", "title: Edited while open"),
            encoding="utf-8",
        )
        watched.page.wait_for_function(
            "document.querySelector('h1') && document.querySelector('h1').textContent === 'Edited while open'",
            timeout=20_000,
        )
        assert watched.page.evaluate("window.__sameDocument") is None
        home = watched.page.request.get(url(served)).text()
        assert "Edited while open" in home
        assert watched.problems == []
    finally:
        watched.close()
        code, log = served.stop()
    assert code == 0 and "Traceback" not in log


def source_article(source: Path) -> str:
    """The site path of a content file's article (by the date in its front matter)."""
    date = re.search(r"^date: (\d{4})-(\d\d)", source.read_text(encoding="utf-8"), re.M)
    return f"articles/{date[1]}/{date[2]}/{source.stem}/"


def test_search_page_finds_articles_and_links_to_them(tmp_path, browser):
    from test_serve_e2e import Served

    from site_builder.engine import search

    shutil.copytree(REPO / "content", tmp_path / "content")
    (tmp_path / "site.toml").write_text(
        f'title = "Search Desk"\nsearch = true\nbase_url = "https://example.org{BASE}"\n',
        encoding="utf-8",
    )
    served = Served(tmp_path)
    watched = Watched(browser)
    try:
        assert (tmp_path / SERVED / search.BUNDLE / "pagefind-ui.js").is_file()  # serve indexed
        page = watched.page
        page.goto(url(served))
        page.get_by_role("navigation", name="Sections").get_by_role("link", name="Search").click()
        page.wait_for_url(url(served, "search/"))
        page.get_by_role("textbox").fill("Kordofan")
        results = page.locator(".pagefind-ui__result-link")
        results.first.wait_for(timeout=15_000)
        assert "Kordofan" in results.first.inner_text()
        grave = [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
        assert grave == []
        results.first.click()
        page.wait_for_url(re.compile(r"/news/articles/2026/02/rsf-drone-strike[^/]*/$"))
        page.goto(url(served, "search/?q=Somaliland"))  # a link can carry the query
        page.locator(".pagefind-ui__result-link").first.wait_for(timeout=15_000)
        assert "Somali" in page.locator(".pagefind-ui__result-link").first.inner_text()
        # An edit while serving reaches the index too. (Leave the page first: its live
        # reload would otherwise race the next navigation.)
        page.goto("about:blank")
        source = next((tmp_path / "content").rglob("rsf-drone*.md"))
        before = len(served.lines)
        source.write_text(
            source.read_text(encoding="utf-8") + "\nA xylophonist played at the funeral.\n",
            encoding="utf-8",
        )
        served.wait_for_log(f"{source.name} -> ", after=before)  # logged once the index is done
        assert "xylophonist" in served.get(BASE + source_article(source))[1]
        page.goto(url(served, "search/?q=xylophonist"))
        page.locator(".pagefind-ui__result-link").first.wait_for(timeout=15_000)
        assert "Kordofan" in page.locator(".pagefind-ui__result-link").first.inner_text()
        assert watched.problems == []
    finally:
        watched.close()
        code, log = served.stop()
    assert code == 0 and "Traceback" not in log


ARABIC = """---
id: urn:uuid:00000000-0000-5000-8000-0000000000c{n}
title: "{title}"
date: 2026-11-2{n}T09:00:00+00:00
region: middle-east
countries: [Lebanon]
summary: "ملخص الخبر رقم {n}."
image:
  caption: "صورة من بيروت. (أ ف ب)"
  credit: أ ف ب
---
فقرة أولى من الخبر رقم {n}.

## التفاصيل

فقرة ثانية فيها كلمة English في وسطها.
"""


def test_a_right_to_left_site_reads_right_to_left(tmp_path, browser):
    from test_serve_e2e import Served

    (tmp_path / "content").mkdir()
    for n, title in ((1, "انفجار في مرفأ بيروت"), (2, "محادثات في بغداد")):
        (tmp_path / "content" / f"story-{n}.md").write_text(
            ARABIC.format(n=n, title=title), encoding="utf-8"
        )
    (tmp_path / "site.toml").write_text(
        'title = "الأخبار"\nlanguage = "ar"\ndir = "rtl"\n'
        f'base_url = "https://example.org{BASE}"\n',
        encoding="utf-8",
    )
    served = Served(tmp_path)
    watched = Watched(browser, width=360)
    try:
        page = watched.page
        for path in ("", "middle-east/", "articles/2026/11/story-1/", "subscribe/"):
            page.goto(url(served, path))
            assert page.evaluate(
                "[document.documentElement.lang, document.documentElement.dir]"
            ) == ["ar", "rtl"]
            assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
            sizes = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert sizes[0] <= sizes[1], (path, sizes)
            grave = [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
            assert grave == [], path
        page.goto(url(served, "articles/2026/11/story-1/"))
        assert page.evaluate("getComputedStyle(document.querySelector('h1')).direction") == "rtl"
        # The text starts at the right: the heading's right edge is near the screen's.
        box = page.locator(".story-header h1").bounding_box()
        assert 360 - (box["x"] + box["width"]) < 40
        assert watched.problems == []
    finally:
        watched.close()
        served.stop()


def test_pictures_keep_their_place_before_they_load_and_sizes_match_the_layout(tmp_path, browser):
    """On the demo site (scripts/demo_site.py): with the picture files held back, the top
    story's and an article's lead picture already take their full width and their own
    ratio (no layout shift when they arrive); once loaded, the width `sizes` announced is
    the width the stylesheet gives them (so the browser fetches the right file)."""
    import sys

    from test_serve_e2e import Served

    sys.path.insert(0, str(REPO / "scripts"))
    import demo_site

    demo_site.write_site(tmp_path)
    served = Served(tmp_path)
    try:
        home = (tmp_path / SERVED / "index.html").read_text(encoding="utf-8")
        article = re.search(r'top-story">\n<a class="thumb" href="([^"]+)"', home).group(1)
        for width in (360, 412, 900, 1100, 1350):
            context = browser.new_context(viewport={"width": width, "height": 800})
            page = context.new_page()
            held = []
            page.route(re.compile(r"\.(webp|jpg|png)$"), lambda r: held.append(r))  # noqa: B023 (unanswered)
            for path, picture in (("", ".top-story img"), (article, ".lead-image img")):
                page.goto(f"http://127.0.0.1:{served.port}/{path}", wait_until="domcontentloaded")
                box = page.evaluate(f"""(() => {{ const i = document.querySelector('{picture}');
                    const card = i.closest('.teaser, .story');
                    return [i.clientWidth, i.clientHeight, +i.getAttribute('width'),
                            +i.getAttribute('height'), card.clientWidth]; }})()""")
                shown, tall, w, h, card = box
                assert shown == min(card, 810) and abs(tall - shown * h / w) < 1, (width, path, box)
            context.close()
            context = browser.new_context(viewport={"width": width, "height": 800})
            page = context.new_page()
            for path, picture in (("", ".top-story img"), (article, ".lead-image img")):
                page.goto(f"http://127.0.0.1:{served.port}/{path}", wait_until="load")
                # naturalWidth is the file's width divided by the density sizes implied.
                got = page.evaluate(
                    f"(i => [i.clientWidth, i.naturalWidth])(document.querySelector('{picture}'))"
                )
                assert abs(got[0] - got[1]) <= 1, (width, path, got)
            context.close()
    finally:
        served.stop()


def test_a_bilingual_site_reads_in_both_languages(tmp_path, browser):
    """examples/bilingual served: each edition in its language and direction, translations
    linked both ways, no axe violation at all and no sideways scrolling on a phone."""
    from test_serve_e2e import Served

    shutil.copytree(REPO / "examples" / "bilingual" / "content", tmp_path / "content")
    toml = (REPO / "examples" / "bilingual" / "site.toml").read_text(encoding="utf-8")
    (tmp_path / "site.toml").write_text(
        toml.replace(
            'base_url = "http://127.0.0.1:8000/"', f'base_url = "https://example.org{BASE}"'
        ),
        encoding="utf-8",
    )
    served = Served(tmp_path)
    watched = Watched(browser, width=360)
    story = "articles/2026/11/baghdad-water-plan/"
    try:
        page = watched.page
        for path, lang, direction in (
            ("en/", "en", "ltr"),
            ("ar/", "ar", "rtl"),
            ("en/" + story, "en", "ltr"),
            ("ar/" + story, "ar", "rtl"),
            ("ar/middle-east/", "ar", "rtl"),
            ("ar/about/", "ar", "rtl"),
        ):
            page.goto(url(served, path))
            assert page.evaluate(
                "[document.documentElement.lang, document.documentElement.dir]"
            ) == [lang, direction], path
            sizes = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert sizes[0] <= sizes[1], (path, sizes)
            assert axe_violations(page) == [], path
        page.goto(url(served, "ar/" + story))
        page.click(".translations a")
        assert urlsplit(page.url).path.endswith("/en/" + story)
        page.goto(url(served, ""))  # the root sends readers to the site's own language
        page.wait_for_url(re.compile(r".*/en/$"))
        assert watched.problems == []
    finally:
        watched.close()
        served.stop()
