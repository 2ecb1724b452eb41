"""WebSub: feeds name their hubs; `deploy` announces each feed it changed to each hub,
once, against a hub on loopback that records what it is told."""

from __future__ import annotations

import json
import logging
import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from deploy_servers import cli, make_site, tree

from site_builder import urls
from site_builder.config import load_config
from site_builder.deploy import websub
from site_builder.errors import ConfigError

SITE = "https://news.example.org/"


class Hub:
    """A WebSub hub on loopback: records every POST's form, answers `status`."""

    def __init__(self) -> None:
        self.status = 204
        self.pings: list[dict[str, str]] = []
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                form = urllib.parse.parse_qs(self.rfile.read(length).decode())
                hub.pings.append({k: v[0] for k, v in form.items()})
                self.send_response(hub.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def announced(self) -> list[str]:
        assert all(p["hub.mode"] == "publish" for p in self.pings), self.pings
        return sorted(p["hub.url"] for p in self.pings)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hub():
    server = Hub()
    yield server
    server.close()


def hub_site(tmp_path: Path, hub_url: str) -> Path:
    return make_site(
        tmp_path / "site",
        f'[deploy.staging]\nurl = "{tmp_path / "www"}"\n\n[websub]\nhubs = ["{hub_url}"]\n',
    )


def subscription_feeds(changed: set[str]) -> list[str]:
    return sorted(
        SITE + path
        for path in changed
        if path.rsplit("/", 1)[-1] in websub.FEED_NAMES and not urls.ARCHIVE_DOCUMENT.search(path)
    )


def test_a_deploy_announces_each_changed_feed_once_and_an_unchanged_one_none(tmp_path, hub):
    site = hub_site(tmp_path, hub.url)
    cli(site, "build", "-q")
    cli(site, "deploy")
    first = tree(site / "output")
    assert hub.announced() == subscription_feeds(set(first))  # every feed, new on the host
    assert SITE + "feed.xml" in hub.announced() and SITE + "middle-east/atom.xml" in hub.announced()

    hub.pings.clear()
    cli(site, "build", "-q")
    cli(site, "deploy")
    assert hub.announced() == []  # nothing changed: no hub is bothered

    story = next((site / "content" / "horn-of-africa").glob("rsf-*.md"))
    story.write_text(
        story.read_text(encoding="utf-8").replace("mosque", "mosque compound", 1), encoding="utf-8"
    )
    cli(site, "build", "-q")
    cli(site, "deploy")
    after = tree(site / "output")
    changed = {p for p, data in after.items() if first.get(p) != data}
    expected = subscription_feeds(changed)
    assert SITE + "horn-of-africa/feed.xml" in expected
    assert SITE + "middle-east/feed.xml" not in expected
    assert hub.announced() == expected  # once each


def test_dry_run_lists_the_pings_and_no_ping_skips_them(tmp_path, hub):
    site = hub_site(tmp_path, hub.url)
    cli(site, "build", "-q")
    dry = cli(site, "deploy", "--dry-run")
    assert f"would ping {hub.url} for {SITE}feed.xml" in dry.stderr
    assert hub.pings == []
    cli(site, "deploy", "--no-ping")
    assert hub.pings == []


def test_a_hub_that_fails_is_a_warning_and_is_tried_twice(tmp_path, hub):
    hub.status = 500
    site = hub_site(tmp_path, hub.url)
    cli(site, "build", "-q")
    proc = cli(site, "deploy")  # exit status 0: the site is up
    assert f"WebSub hub {hub.url} was not told of {SITE}feed.xml: HTTP 500 (twice)" in proc.stderr
    assert hub.announced().count(SITE + "feed.xml") == 2  # one retry


def test_a_hub_that_does_not_answer_times_out_with_a_warning(tmp_path, monkeypatch, caplog):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # connections are taken by the kernel, never answered
    port = silent.getsockname()[1]
    (tmp_path / "site.toml").write_text(
        f'base_url = "{SITE}"\n[websub]\nhubs = ["http://127.0.0.1:{port}/"]\n',
        encoding="utf-8",
    )
    config = load_config(tmp_path / "site.toml")
    monkeypatch.setattr(websub, "TIMEOUT", 0.3)
    with caplog.at_level(logging.WARNING, logger="site_builder"):
        websub.announce(config, [("feed.xml", 10), ("page/1/feed.xml", 10)], dry_run=False)
    silent.close()
    assert [r.getMessage() for r in caplog.records] == [
        f"WebSub hub http://127.0.0.1:{port}/ was not told of {SITE}feed.xml: "
        "timed out (twice); readers will poll"
    ]


def test_feeds_name_their_hubs(tmp_path, hub):
    site = hub_site(tmp_path, hub.url)
    cli(site, "build", "-q")
    out = site / "output"
    assert f'<atom:link rel="hub" href="{hub.url}"/>' in (out / "feed.xml").read_text(
        encoding="utf-8"
    )
    assert f'<link rel="hub" href="{hub.url}"/>' in (out / "gulf" / "atom.xml").read_text(
        encoding="utf-8"
    )
    assert '<link href="https://news.example.org/atom.xml" rel="self"' in (
        out / "atom.xml"
    ).read_text(encoding="utf-8")
    hubs = json.loads((out / "feed.json").read_text(encoding="utf-8"))["hubs"]
    assert hubs == [{"type": "WebSub", "url": hub.url}]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[websub]\nhubs = "https://hub.example/"\n',
            "site.toml:2: 'websub.hubs': expected a list",
        ),
        ('[websub]\nhubs = ["ftp://hub.example/"]\n', "site.toml:2: 'websub.hubs': 'ftp://hub"),
        ("[websub]\nhub = []\n", "site.toml:1: 'websub': expected a table with hubs"),
        ('title = "x"\nme = ["mastodon.social/@desk"]\n', "site.toml:2: 'me': 'mastodon.social"),
    ],
)
def test_bad_hubs_and_profiles_are_one_line_errors(tmp_path, text, message):
    (tmp_path / "site.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "site.toml")
    assert str(caught.value).startswith(str(tmp_path / message.split(":")[0]))
    assert f":{message.split(':', 1)[1]}" in str(caught.value), str(caught.value)
