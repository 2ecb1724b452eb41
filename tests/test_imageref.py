"""Resolving image.url: bundles, relative paths, static/, remote URLs, and no way out."""

from __future__ import annotations

import os

import pytest

from site_builder.content.imageref import LocalImage, RemoteImage, resolve_image, site_path
from site_builder.errors import ContentError


@pytest.fixture
def site(tmp_path):
    """content/ with a bundle and a plain article, a theme's and a site's static/."""
    content = tmp_path / "content"
    bundle = content / "gulf" / "port-reopens"
    bundle.mkdir(parents=True)
    (bundle / "index.md").write_text("---\n---\n", encoding="utf-8")
    (bundle / "harbour.jpg").write_bytes(b"jpeg")
    (bundle / "my photo.jpg").write_bytes(b"jpeg")
    (content / "gulf" / "plain.md").write_text("---\n---\n", encoding="utf-8")
    (content / "gulf" / "pics").mkdir()
    (content / "gulf" / "pics" / "map.png").write_bytes(b"png")
    theme, static = tmp_path / "theme-static", tmp_path / "static"
    (theme / "images").mkdir(parents=True)
    (static / "images").mkdir(parents=True)
    (theme / "images" / "logo.png").write_bytes(b"theme")
    (theme / "images" / "only-theme.png").write_bytes(b"theme")
    (static / "images" / "logo.png").write_bytes(b"site")
    (tmp_path / "secret.jpg").write_bytes(b"secret")
    return tmp_path


def resolve(site, url, article="gulf/port-reopens/index.md"):
    return resolve_image(
        url, site / "content" / article, site / "content", [site / "theme-static", site / "static"]
    )


def test_a_picture_in_the_bundle(site):
    found = resolve(site, "harbour.jpg")
    assert found == LocalImage((site / "content/gulf/port-reopens/harbour.jpg").resolve())
    assert resolve(site, "./my%20photo.jpg").path.name == "my photo.jpg"


def test_a_path_relative_to_a_plain_article(site):
    found = resolve(site, "pics/map.png", article="gulf/plain.md")
    assert found == LocalImage((site / "content/gulf/pics/map.png").resolve())
    assert resolve(site, "../pics/map.png").path == found.path


def test_an_absolute_path_is_looked_up_in_static_the_site_s_own_first(site):
    assert resolve(site, "/images/logo.png") == LocalImage(
        (site / "static/images/logo.png").resolve(), "images/logo.png"
    )
    assert resolve(site, "/images/only-theme.png") == LocalImage(
        (site / "theme-static/images/only-theme.png").resolve(), "images/only-theme.png"
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://cdn.example.com/a.jpg?w=800",
        "http://example.com/b.png",
        "  https://example.com/c.jpg ",
    ],
)
def test_remote_urls_are_left_alone(site, url):
    assert resolve(site, url) == RemoteImage(url.strip())


@pytest.mark.parametrize(
    "url, message",
    [
        ("../../../secret.jpg", "leads outside {content}"),
        ("../../../../../../../etc/passwd", "leads outside {content}"),
        ("/../secret.jpg", "leads outside {static}"),
        ("/../../etc/passwd", "leads outside {static}"),
        ("missing.jpg", "no such file {content}/gulf/port-reopens/missing.jpg"),
        ("/images/missing.png", "no such file in {site}/theme-static or {static}"),
        ("file:///etc/passwd", "expected a file (photo.jpg, /images/photo.jpg) or an http(s) URL"),
        ("javascript:alert(1)", "expected a file (photo.jpg, /images/photo.jpg) or an http(s) URL"),
        (
            "//cdn.example.com/a.jpg",
            "expected a file (photo.jpg, /images/photo.jpg) or an http(s) URL",
        ),
        ("", "expected a file (photo.jpg, /images/photo.jpg) or an http(s) URL"),
        ("a\0b.jpg", "expected a file (photo.jpg, /images/photo.jpg) or an http(s) URL"),
    ],
)
def test_refused_references_give_one_line_naming_the_article(site, url, message):
    with pytest.raises(ContentError) as caught:
        resolve(site, url)
    article = site / "content/gulf/port-reopens/index.md"
    expected = message.format(content=site / "content", static=site / "static", site=site)
    assert str(caught.value) == f"{article}: image.url {url!r}: {expected}"


def test_symbolic_links_out_of_the_content_or_static_folder_are_refused(site):
    os.symlink(site / "secret.jpg", site / "content/gulf/port-reopens/linked.jpg")
    os.symlink(site / "secret.jpg", site / "static/images/linked.jpg")
    os.symlink(site / "content/gulf/pics/map.png", site / "content/gulf/port-reopens/map.png")
    with pytest.raises(ContentError, match="leads outside"):
        resolve(site, "linked.jpg")
    with pytest.raises(ContentError, match="leads outside"):
        resolve(site, "/images/linked.jpg")
    assert resolve(site, "map.png").path == (site / "content/gulf/pics/map.png").resolve()


def test_site_paths_next_to_the_page_or_beside_the_static_file(site):
    page = "articles/2026/02/port-reopens/"
    bundle = resolve(site, "harbour.jpg")
    assert site_path(bundle, page, "harbour-800.webp") == page + "harbour-800.webp"
    static = resolve(site, "/images/logo.png")
    assert site_path(static, page, "logo-480.png") == "images/logo-480.png"
    top = LocalImage(site / "static/top.png", "top.png")
    assert site_path(top, page, "top-480.png") == "top-480.png"
    for bad in ("../x.png", "a/b.png", "", ".."):
        with pytest.raises(ValueError):
            site_path(bundle, page, bad)
