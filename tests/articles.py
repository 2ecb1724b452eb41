"""Loading a site's articles the way a build reads them, for tests of the loader alone.

The engine does this inside a build (with its state and cache); content/ cannot import
the engine, so the tests' shortcut lives here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from site_builder.config import SiteConfig
from site_builder.content.loader import duplicates, load_file, publishable
from site_builder.engine import scan
from site_builder.errors import ErrorList, SiteBuilderError
from site_builder.model import Article


def load_articles(
    config: SiteConfig, drafts: bool = False, now: dt.datetime | None = None
) -> tuple[Article, ...]:
    """Every published article under content_dir, newest first; raise ErrorList on any error."""
    found = scan.content(config)
    errors: list[SiteBuilderError] = []
    articles: list[Article] = []
    for path in sorted(p for stamps in found.tops.values() for p in stamps):
        try:
            articles.append(load_file(config, Path(path)))
        except ErrorList as exc:
            errors.extend(exc.errors)
        except SiteBuilderError as exc:
            errors.append(exc)
    errors.extend(duplicates(config, articles))
    if errors:
        raise ErrorList(errors)
    return publishable(articles, drafts, now)
