"""WebSub: after a deploy, each feed it changed is announced to each hub of site.toml's
[websub] (hub.mode=publish, hub.url=<the feed's URL>; W3C WebSub, 2018), so readers
subscribed through the hub get the news in seconds instead of at their next poll.

Pings go out in parallel, each with a time-out and one retry. A hub that fails is a
warning, never a failed deploy: the files are up, and readers still poll.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from site_builder import urls
from site_builder.config import SiteConfig

log = logging.getLogger("site_builder")

TIMEOUT = 10.0  # seconds for one ping; a hub answers a publish at once or not at all
WORKERS = 8
# The files a reader subscribes to; an archive document (RFC 5005) never changes, and is
# not one of them.
FEED_NAMES = ("feed.xml", "atom.xml", "feed.json")


def changed_feeds(config: SiteConfig, uploaded: list[tuple[str, int]]) -> list[str]:
    """The URLs of the subscription feeds among the files a deploy uploaded."""
    return [
        urls.absolute(config, path)
        for path, _ in uploaded
        if path.rsplit("/", 1)[-1] in FEED_NAMES and not urls.ARCHIVE_DOCUMENT.search(path)
    ]


def announce(config: SiteConfig, uploaded: list[tuple[str, int]], dry_run: bool) -> None:
    """Ping every hub for every changed feed; --dry-run lists the pings instead."""
    feeds = changed_feeds(config, uploaded)
    pings = [(hub, feed) for feed in feeds for hub in config.hubs]
    if not pings:
        return
    if dry_run:
        for hub, feed in pings:
            log.info("would ping %s for %s", hub, feed)
        return
    with ThreadPoolExecutor(max_workers=min(WORKERS, len(pings))) as pool:
        failures = [f for f in pool.map(lambda p: _ping(*p), pings) if f]
    for failure in failures:
        log.warning("%s", failure)
    log.info(
        "WebSub: announced %d changed feeds to %d hubs (%d pings failed)",
        len(feeds),
        len(config.hubs),
        len(failures),
    )


def _ping(hub: str, feed: str) -> str:
    """One publish ping, tried twice; '' when the hub took it, else what went wrong."""
    body = urllib.parse.urlencode({"hub.mode": "publish", "hub.url": feed}).encode()
    problem = ""
    for _ in range(2):
        request = urllib.request.Request(
            hub,
            data=body,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                response.read()
            return ""
        except urllib.error.HTTPError as exc:
            problem = f"HTTP {exc.code}"
        except (OSError, ValueError) as exc:  # refused, time-out, reset, bad address
            problem = str(getattr(exc, "reason", exc)) or type(exc).__name__
        log.debug("WebSub hub %s for %s: %s", hub, feed, problem)
    return f"WebSub hub {hub} was not told of {feed}: {problem} (twice); readers will poll"
