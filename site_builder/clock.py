"""The build's clock: what "now" is when deciding which future-dated articles are out and
what date a new draft gets."""

from __future__ import annotations

import datetime as dt
import os


def now() -> dt.datetime:
    """Now, in UTC. SOURCE_DATE_EPOCH (the reproducible-builds variable, seconds since 1970)
    pins it, as the tests do."""
    pinned = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if pinned.isdigit():
        return dt.datetime.fromtimestamp(int(pinned), dt.UTC)
    return dt.datetime.now(dt.UTC)
