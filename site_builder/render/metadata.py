"""What search engines and link previews read: schema.org JSON-LD, OpenGraph and Twitter.

Built from the same values the page shows, as plain data; the theme writes them out
(`structured_data` as one <script type="application/ld+json">, `social` as <meta> tags).
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from site_builder import urls
from site_builder.config import SiteConfig
from site_builder.feeds.jsonfeed import write_json
from site_builder.model import Article
from site_builder.render.outputs import ShownPicture


def lead_image(
    config: SiteConfig, shown: ShownPicture | None, article: Article | None
) -> dict | None:
    """The article's lead picture as absolute URL, size and type: its largest file in its
    own format (a file of the site), or a remote image.url as it is."""
    if shown is not None:
        largest = shown.largest
        return {
            "url": urls.absolute(config, largest.path),
            "width": largest.width,
            "height": largest.height,
            "type": largest.mime,
        }
    if article is not None and article.image and article.image.url.startswith("http"):
        return {"url": article.image.url}
    return None


def organization(config: SiteConfig) -> dict[str, Any]:
    return {
        "@type": "NewsMediaOrganization",
        "name": config.title,
        "url": urls.absolute(config, ""),
        "logo": {"@type": "ImageObject", "url": urls.absolute(config, "favicon.svg")},
    }


def news_article(
    config: SiteConfig, article: Article, canonical: str, section: str, image: dict | None
) -> dict[str, Any]:
    """schema.org NewsArticle: what Google News and Top Stories read."""
    authors = [
        {"@type": "Person", "name": name, "url": urls.absolute(config, urls.author_path(name))}
        for name in article.authors
    ] or [organization(config)]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "headline": article.title[:110],
        "description": article.summary or None,
        "datePublished": article.date.isoformat(timespec="seconds"),
        "dateModified": (article.updated or article.date).isoformat(timespec="seconds"),
        "author": authors,
        "publisher": organization(config),
        "articleSection": section,
        "keywords": list(article.tags) or None,
        "inLanguage": config.language,
    }
    if article.corrections:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": c.text,
                "datePublished": c.date.isoformat(timespec="seconds"),
            }
            for c in article.corrections
        ]
    if image is not None:
        data["image"] = [
            {
                "@type": "ImageObject",
                **{k: image[k] for k in ("url", "width", "height") if k in image},
            }
        ]
    return {k: v for k, v in data.items() if v is not None}


def breadcrumbs(config: SiteConfig, trail: list[tuple[str, str]]) -> dict[str, Any]:
    """schema.org BreadcrumbList from (name, site path) pairs, home first."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": urls.absolute(config, path)}
            for n, (name, path) in enumerate(trail, start=1)
        ],
    }


def script(data: dict | list | None) -> Markup:
    """A JSON-LD <script> body: JSON that cannot close the element it sits in.

    Written by orjson, as json.dumps(indent=2, ensure_ascii=False) writes it (json's
    indented writer is pure Python: 47 us a page against orjson's 4): jsonfeed.write_json."""
    if not data:
        return Markup("")
    return Markup(write_json(data))


def social(
    config: SiteConfig, article: Article | None, section: str, image: dict | None
) -> list[tuple[str, str, str]]:
    """(attribute, name, content) of the OpenGraph and Twitter <meta> tags beyond the
    site-wide ones: og:image with its size, article:* for an article, the Twitter card."""
    tags: list[tuple[str, str, str]] = []
    if image is not None:
        tags.append(("property", "og:image", image["url"]))
        if "width" in image:
            tags += [
                ("property", "og:image:width", str(image["width"])),
                ("property", "og:image:height", str(image["height"])),
                ("property", "og:image:type", image["type"]),
            ]
        if article is not None and article.image and article.image.caption_only:
            tags.append(("property", "og:image:alt", article.image.caption_only))
    if article is not None and article.kind == "article":
        tags.append(
            ("property", "article:published_time", article.date.isoformat(timespec="seconds"))
        )
        tags.append(
            (
                "property",
                "article:modified_time",
                (article.updated or article.date).isoformat(timespec="seconds"),
            )
        )
        tags += [
            ("property", "article:author", urls.absolute(config, urls.author_path(name)))
            for name in article.authors
        ]
        tags.append(("property", "article:section", section))
        tags += [("property", "article:tag", tag) for tag in article.tags]
    tags.append(("name", "twitter:card", "summary_large_image" if image else "summary"))
    return tags
