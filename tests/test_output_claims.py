"""No two outputs share a path (issue 23): an alias, a page or an edition's output that
would replace another file is an error naming the content file and line; an article in a
language the site has no edition for is an error, not an article shown nowhere."""

from __future__ import annotations

import pytest
from conftest import run_cli
from test_pages_taxonomies import MENU, SITE, build, make, story

from site_builder.engine import publish, search
from site_builder.errors import SiteBuilderError
from site_builder.render import claims

FERRY = "gulf/ferry.md"


def with_alias(alias: str) -> dict[str, str]:
    return {**SITE, FERRY: SITE[FERRY].replace("tags:", f"aliases: ['{alias}']\ntags:")}


@pytest.mark.parametrize(
    "alias, what",
    [
        ("robots.txt", "robots"),
        ("sitemap.xml", "sitemap-index"),
        ("sitemap-articles-1.xml", "sitemap"),
        ("news-sitemap.xml", "news-sitemap"),
        ("feeds.opml", "opml"),
        ("notice.txt", "static"),
        (".site_builder", "marker"),
        ("tags/shipping/feed.xml", "rss"),
    ],
)
def test_an_alias_over_any_other_file_is_an_error_naming_its_line(tmp_path, alias, what):
    root = make(tmp_path, with_alias(alias))
    (root / "static").mkdir()
    (root / "static" / "notice.txt").write_text("hello", encoding="utf-8")
    result = run_cli("build", "-q", cwd=root)
    assert result.returncode == 1, result.stderr
    line = SITE[FERRY].splitlines().index("tags: [Shipping, Oman Economy]") + 1  # alias's line
    assert result.stderr.strip().splitlines()[:1] == [
        f"content/{FERRY}:{line}: alias '{alias}' is already "
        + (
            "the output folder's marker; choose another"
            if what == "marker"
            else f"the address of /{alias} ({what}); choose another"
        )
    ]
    assert "Traceback" not in result.stderr


def test_two_articles_with_one_alias_is_an_error(tmp_path):
    files = with_alias("old/")
    files["gulf/port.md"] = files["gulf/port.md"].replace("2025/old-port/", "old/")
    with pytest.raises(SiteBuilderError, match=r"alias 'old/' is already .*\(redirect\)"):
        build(make(tmp_path, files))


def test_the_marker_and_search_names_are_the_engines():
    assert claims.MARKER == publish.MARKER
    assert claims.SEARCH_BUNDLE == search.BUNDLE + "/"


def test_an_alias_in_the_search_index_folder_is_an_error(tmp_path):
    root = make(tmp_path, with_alias("pagefind/pagefind.js"), "search = true\n" + MENU)
    with pytest.raises(SiteBuilderError, match=r"alias 'pagefind/pagefind.js' is already in "):
        build(root)


BILINGUAL = """
[languages.en]
title = "Desk"
path = "/"

[languages.ar]
title = "المكتب"
path = "/ar/"
"""
ARABIC = story("urn:ar", "خبر", "2026-02-11T06:00:00Z", extra="lang: ar\n")


@pytest.mark.parametrize(
    "files, message",
    [
        # An English alias over the Arabic edition's feed.
        (
            {**with_alias("ar/feed.xml"), "ar/gulf/x.md": ARABIC},
            r"content/gulf/ferry.md:\d+: alias 'ar/feed.xml' is already the address of "
            r"/ar/feed.xml \(rss\)",
        ),
        # An English page whose address is the Arabic edition's home page.
        (
            {**SITE, "pages/ar.md": "---\ntitle: Arabic\n---\nx\n", "ar/gulf/x.md": ARABIC},
            r"content/pages/ar.md:\d+: its address '/ar/' is already the address of "
            r"/ar/ \(listing\)",
        ),
    ],
)
def test_one_edition_cannot_replace_anothers_files(tmp_path, files, message):
    root = make(tmp_path, files, BILINGUAL)
    with pytest.raises(SiteBuilderError, match=message):
        build(root)


def test_an_article_in_a_language_without_an_edition_is_an_error(tmp_path):
    files = {
        **SITE,
        "gulf/french.md": story("urn:fr", "Le port", "2026-02-11T06:00:00Z", extra="lang: fr\n"),
        "ar/gulf/x.md": ARABIC,
    }
    root = make(tmp_path, files, BILINGUAL)
    result = run_cli("build", "-q", cwd=root)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[:1] == [
        "content/gulf/french.md:6: 'lang': the site has no edition in 'fr' "
        "(its [languages]: en, ar)"
    ]


def test_an_edition_at_the_root_keeps_the_opml_of_every_edition(tmp_path):
    """The edition at '/' made a feeds.opml of its own over the root's, which lists both."""
    out = build(make(tmp_path, {**SITE, "ar/gulf/x.md": ARABIC}, BILINGUAL))
    opml = (out / "feeds.opml").read_text(encoding="utf-8")
    assert 'xmlUrl="https://example.org/news/ar/feed.xml"' in opml
    assert 'xmlUrl="https://example.org/news/feed.xml"' in opml


def test_an_alias_over_a_picture_variant_is_an_error(tmp_path):
    """A picture's variant file was skipped when an alias held its path."""
    from pictures import photo

    bundle = "gulf/port/index.md"
    text = story("urn:pic", "Port", "2026-02-10T06:00:00Z", extra="image:\n  url: photo.jpg\n")
    root = make(tmp_path, {bundle: text}, "")
    (root / "content" / "gulf" / "port" / "photo.jpg").write_bytes(photo(800, 600))
    run_cli("build", "-q", cwd=root, check=True)
    variant = next((root / "output").rglob("*.webp")).relative_to(root / "output").as_posix()
    with_alias = text.replace("image:", f"aliases: ['{variant}']\nimage:")
    (root / "content" / bundle).write_text(with_alias, encoding="utf-8")
    result = run_cli("build", "-q", cwd=root)
    assert result.stderr.splitlines()[0] == (
        f"content/{bundle}:6: alias '{variant}' is already the address of "
        f"/{variant} (picture); choose another"
    )
