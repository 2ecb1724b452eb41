"""`params:` in front matter: a site's own fields (Hugo's name and place for them), which
the theme reads as `article.params` (`{{ article.params.rating }}`).

May import: errors (and the standard library).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

# Front matter is read at every build and kept in the build state: a site's own fields are
# notes for the theme, not a second body.
MOST_BYTES = 16_384


def read(value: Any, fail: Callable[[str, str], None]) -> str:
    """The params mapping as JSON ("" when absent); `fail` names the problem."""
    if value is None:
        return ""
    if not isinstance(value, dict):
        fail("params", "'params': expected a mapping of your own fields (name: value)")
        return ""
    if not all(isinstance(key, str) for key in value):
        fail("params", "'params': every name must be text")
        return ""
    text = json.dumps(value, default=_plain, ensure_ascii=False, sort_keys=True)
    if len(text.encode("utf-8")) > MOST_BYTES:
        fail("params", f"'params': {len(text.encode('utf-8'))} bytes; at most {MOST_BYTES}")
        return ""
    return text


def _plain(value: Any) -> str:
    """YAML's dates and times as ISO 8601 text, which a template can show or compare."""
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    raise TypeError(type(value).__name__)
