"""A site in several languages: one edition per `[languages.<code>]`, each under its own
base path ('/ar/', '/en/', or '/' for one of them) with its own listings and feeds.

Each edition is planned as a one-language site of its own (its configuration: the
language's title, description, direction, digits and base URL) and its outputs are moved
under its path; what a host needs once (robots.txt, static files, 404.html, one sitemap,
one OPML) is made once, at the root. Articles say their language with `lang:` (else they
are in the site's `language`); `translation_of: <id>` links an article to the one it
translates, and both pages then name each other (hreflang).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from site_builder import urls
from site_builder.config import Language, SiteConfig
from site_builder.model import Translation


@dataclass(frozen=True)
class Edition:
    """One language's part of the site."""

    code: str
    prefix: str  # site path of its root: 'ar/', or '' at the site's root
    config: SiteConfig  # the site as that language shows it


def editions(config: SiteConfig) -> list[Edition]:
    """The site's editions, the site's own language first; none for a one-language site."""
    ordered = sorted(config.languages, key=lambda lang: lang.code != config.language)
    return [Edition(lang.code, _prefix(lang), edition_config(config, lang)) for lang in ordered]


def edition_config(config: SiteConfig, language: Language) -> SiteConfig:
    prefix = _prefix(language)
    return replace(
        config,
        language=language.code,
        title=language.title or config.title,
        description=language.description or config.description,
        dir=language.dir,
        digits=language.digits,
        base_url=urls.absolute(config, prefix) if prefix else config.base_url,
    )


def language_of(article, config: SiteConfig) -> str:
    """An article's language: its `lang`, else the site's."""
    return article.lang or config.language


def edition_of(path: str, found: Sequence[Edition]) -> tuple[Edition | None, str]:
    """The edition a site path belongs to and the path within it."""
    for edition in sorted(found, key=lambda e: -len(e.prefix)):
        if path.startswith(edition.prefix):
            return edition, path[len(edition.prefix) :]
    return None, path


def translations(
    articles: Sequence, config: SiteConfig, prefixes: dict[str, str]
) -> dict[str, tuple[Translation, ...]]:
    """Article id -> each of its translations (language, site path), itself included:
    the articles linked by `translation_of`, in either direction, form one group."""
    by_id = {a.id: a for a in articles}
    groups: dict[str, set[str]] = {}
    for article in articles:
        other = article.translation_of
        if other and other in by_id:
            group = groups.get(article.id, {article.id}) | groups.get(other, {other})
            for member in group:
                groups[member] = group
    found = {}
    for ident, group in groups.items():
        members = sorted(group, key=lambda i: language_of(by_id[i], config))
        found[ident] = tuple(
            Translation(
                language_of(by_id[i], config),
                prefixes[language_of(by_id[i], config)] + by_id[i].url_path,
            )
            for i in members
        )
    return found


def _prefix(language: Language) -> str:
    return language.path.strip("/") + "/" if language.path.strip("/") else ""
