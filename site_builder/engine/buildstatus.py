"""The outcome of the last build, kept beside the build cache so `deploy` can refuse a
site whose last build failed (a failed build leaves the old output/, which may no longer
match the sources the editor thinks are live)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import logging
from pathlib import Path
from urllib.parse import urlsplit

from site_builder.atomic import write_atomic
from site_builder.config import SiteConfig

log = logging.getLogger("site_builder")

STATUS_FILE = "last-build.json"


def record(config: SiteConfig, ok: bool, summary: str, drafts: bool = False) -> None:
    """Write the build's outcome atomically: ok, summary, output folder, finished time, and
    how it was built (with drafts and future articles, for which base_url)."""
    status = {
        "ok": ok,
        "summary": summary,
        "drafts": drafts,
        "base_url": config.base_url,
        "output": str(config.output_dir),
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    text = json.dumps(status, indent=1, sort_keys=True) + "\n"
    try:
        write_atomic(config.cache_dir / STATUS_FILE, text.encode("utf-8"), durable=False)
    except OSError as exc:  # a cache folder that is a file, or read-only: said once, above
        log.debug("%s: cannot record the build (%s)", config.cache_dir, exc)


def last(config: SiteConfig) -> dict | None:
    """The last recorded outcome, or None when no build recorded one (or it is unreadable)."""
    try:
        status = json.loads((config.cache_dir / STATUS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return status if isinstance(status, dict) and isinstance(status.get("ok"), bool) else None


def output_of(status: dict) -> Path:
    """The output folder the recorded build wrote."""
    return Path(str(status.get("output", "")))


def not_for_publication(status: dict) -> str | None:
    """Why the recorded build must not be published, or None: drafts and future articles
    built in, a base_url on this machine, or a record that does not say."""
    if "drafts" not in status or "base_url" not in status:
        return "built by an older site-builder, which did not record how: build again"
    if status["drafts"]:
        return "built with --drafts (drafts and future articles): build again without it"
    host = urlsplit(str(status["base_url"])).hostname or ""
    if host == "localhost" or host.endswith(".localhost") or _loopback(host):
        return (
            f"built for {status['base_url']}, an address on this machine: set base_url "
            "in site.toml (or pass --base-url) and build again"
        )
    return None


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
