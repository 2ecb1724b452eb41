"""The desk's say over the front page, in front matter: `featured` (with `featured_until`)
and `kicker`; and the one rule that picks the story a listing leads with.

The rule is here, beside the keys that steer it, so the plan (render/front.py) and any
reader of the front matter agree on it: the newest story featured now leads; else the
newest with a picture; else the newest. A draft (shown with --drafts) or a story without a
body never leads while another could.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from site_builder.errors import YAML_KINDS, kind_of

KEYS = ("featured", "featured_until", "kicker")
MAX_KICKER = 40  # characters: a label of a word or two ("Analysis", "Live"), not a headline


def fields(
    meta: dict[str, Any],
    fail: Callable[[str, str], None],
    date: Callable[[str], dt.datetime | None],
) -> dict[str, Any]:
    """The Article's curation fields, each checked (problems go to fail); `date` reads a
    date key as the loader reads `date` (a zone-less one in the site's zone)."""
    featured = meta.get("featured", False)
    if not isinstance(featured, bool):
        fail("featured", f"'featured': expected true or false, got {kind_of(YAML_KINDS, featured)}")
        featured = False
    until = date("featured_until")
    if until is not None and not featured:
        fail("featured_until", "'featured_until' without 'featured: true': add it, or drop this")
    return {"featured": featured, "featured_until": until, "kicker": _kicker(meta, fail)}


def _kicker(meta: dict[str, Any], fail: Callable[[str, str], None]) -> str:
    value = meta.get("kicker")
    if value is None:
        return ""
    if not isinstance(value, str):
        fail(
            "kicker",
            f"'kicker': expected a word such as Analysis, got {kind_of(YAML_KINDS, value)}",
        )
        return ""
    kicker = " ".join(value.split())
    if len(kicker) > MAX_KICKER:
        fail("kicker", f"'kicker': {len(kicker)} characters; a label has at most {MAX_KICKER}")
        return ""
    return kicker


# What the rule reads of a story (an Article, or the engine's Brief): id, draft, bodied,
# featured, featured_until.
C = TypeVar("C")


def featured_now(story: Any, now: dt.datetime) -> bool:
    """Whether the story is featured at this moment (`featured_until` not passed yet)."""
    return story.featured and (story.featured_until is None or now < story.featured_until)


def lead(
    stories: Sequence[C],
    pictured: Callable[[str], bool],
    now: dt.datetime,
    featured: Sequence[C] | None = None,
) -> C | None:
    """The story to lead with, of these (newest first), or None when there are none.
    `featured`: those of them featured, in their order (else found among them).

    Each look stops at the first story that fits: a front page over 100,000 stories looks
    at a few of them, not at all."""
    if not stories:
        return None
    fit: Callable[[Any], bool] = lambda s: not s.draft and s.bodied  # noqa: E731
    if not any(map(fit, stories)):
        fit = lambda s: True  # noqa: E731
    for pool, wanted in (
        (stories if featured is None else featured, lambda s: featured_now(s, now)),
        (stories, lambda s: pictured(s.id)),
        (stories, lambda s: True),
    ):
        chosen: C | None = next((s for s in pool if fit(s) and wanted(s)), None)
        if chosen is not None:
            return chosen
    return None


def expiries(stories: Sequence[Any], now: dt.datetime) -> list[dt.datetime]:
    """The moments ahead at which a featured story stops being featured: the front page
    must be planned again then, though no file changed."""
    return [s.featured_until for s in stories if s.featured_until and featured_now(s, now)]
