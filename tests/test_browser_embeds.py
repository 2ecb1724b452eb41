"""Embed shortcodes in a real browser: an article with every facade loads nothing from another
site until the reader follows one, and then goes to the provider's privacy mode."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from test_browser import CHROMIUM, CHROMIUM_ARGS, Watched, pytestmark  # noqa: F401
from test_serve_e2e import Served

from tests.conftest import run_cli

EMBEDS = """---
id: urn:uuid:0f4c1c1e-2d35-4b8e-9b1a-7d6f2f5a9c02
title: Every embed
date: 2026-11-01T08:00:00+00:00
summary: Embeds.
---
The video:

{{< youtube dQw4w9WgXcQ >}}

{{< vimeo 146022717 >}}

{{< x user="SanDiegoZoo" id="1453110110599868418" >}}

{{< instagram CxOWiQNP2MO >}}

{{< figure src="https://pictures.example.com/port.jpg" alt="The port" caption="Port" >}}

{{< map lat=24.7136 lon=46.6753 zoom=12 title="Riyadh" >}}
"""


@pytest.fixture
def served(tmp_path):
    run_cli("init", str(tmp_path), cwd=tmp_path, check=True)
    (tmp_path / "content" / "world" / "embeds.md").write_text(EMBEDS, encoding="utf-8")
    server = Served(tmp_path)
    yield server
    server.stop()


def test_embeds_load_nothing_from_outside_until_followed(served, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        tab = Watched(browser)
        outside: list[str] = []

        def record(route):
            # Every request to another host is recorded and answered here, never sent.
            if urlsplit(route.request.url).hostname != "127.0.0.1":
                outside.append(route.request.url)
                route.fulfill(status=200, body="<title>provider</title>", content_type="text/html")
            else:
                route.continue_()

        tab.page.route("**/*", record)
        tab.page.goto(f"http://127.0.0.1:{served.port}/", wait_until="load")
        tab.page.get_by_role("link", name="Every embed").first.click()
        tab.page.wait_for_load_state("load")
        facades = tab.page.locator("a.embed-play")
        assert facades.count() == 5
        # The figure's picture is the author's own choice of address; the facades load nothing.
        assert [urlsplit(u).hostname for u in outside] == ["pictures.example.com"]
        assert tab.page.locator("iframe, script[src*='//']").count() == 0
        play = tab.page.get_by_role("link", name="Play video on YouTube")
        assert play.bounding_box()["height"] >= 44  # a target a thumb can hit
        play.click()
        tab.page.wait_for_url("https://www.youtube-nocookie.com/**")
        assert outside[-1] == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
        tab.close()
        browser.close()
