"""The outcome of the last build, kept beside the build cache so `deploy` can refuse a
site whose last build failed (a failed build leaves the old output/, which may no longer
match the sources the editor thinks are live)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

from site_builder.atomic import write_atomic
from site_builder.config import SiteConfig

log = logging.getLogger("site_builder")

STATUS_FILE = "last-build.json"


def record(config: SiteConfig, ok: bool, summary: str) -> None:
    """Write the build's outcome atomically: ok, summary, output folder, finished time."""
    status = {
        "ok": ok,
        "summary": summary,
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
