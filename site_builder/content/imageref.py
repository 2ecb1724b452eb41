"""Where an article's `image.url` points: a file of the site's own, or a remote picture.

Three ways to name a picture of one's own, as with Hugo's page bundles and Pelican's
`{static}`:

    content/<region>/<slug>/index.md + photo.jpg    image.url: photo.jpg   (a bundle)
    content/<region>/<slug>.md                       image.url: pics/x.jpg  (relative)
    static/images/x.png                              image.url: /images/x.png

A reference may never leave the content or static folder it is looked up in, by `..` or
by a symbolic link: a content file must not be able to publish /etc/passwd.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from site_builder.errors import ContentError
from site_builder.weburl import split


@dataclass(frozen=True)
class LocalImage:
    """A picture file of the site's own."""

    path: Path  # resolved, inside the content or a static folder
    static_path: str = ""  # below the static folder ('images/x.png'), when it came from one


@dataclass(frozen=True)
class RemoteImage:
    """A picture elsewhere on the web, linked as it is."""

    url: str


def resolve_image(
    url: str, article: Path, content_root: Path, static_dirs: Sequence[Path]
) -> LocalImage | RemoteImage:
    """What `image.url` in the article file `article` names; a one-line ContentError if
    it names nothing, or something outside the content and static folders."""

    def fail(message: str) -> ContentError:
        return ContentError(f"image.url {url!r}: {message}", article)

    value = url.strip()
    parts = split(value, article)
    if parts.scheme in ("http", "https") and parts.netloc:
        return RemoteImage(value)
    if parts.scheme or value.startswith("//") or "\0" in value or not value:
        raise fail("expected a file (photo.jpg, /images/photo.jpg) or an http(s) URL")
    path = unquote(parts.path)  # the value is a URL: 'my%20photo.jpg' names 'my photo.jpg'
    if path.startswith("/"):
        return _in_static(path.lstrip("/"), static_dirs, fail)
    found = _inside(article.parent / path, content_root, fail)
    if found is None:
        raise fail(f"no such file {article.parent / path}")
    return LocalImage(found)


def site_path(image: LocalImage, page_path: str, file_name: str) -> str:
    """The site path of one of the picture's variant files ('<name>-<width>.<ext>').

    A picture from the content folder goes next to the article's page ('articles/2026/02/
    <slug>/photo-800.jpg'), so a bundle moves as one; a static picture goes beside its
    static path ('images/x-800.png'), once, however many articles show it.
    """
    if "/" in file_name or file_name in ("", ".", ".."):
        raise ValueError(f"not a file name: {file_name!r}")
    if image.static_path:
        folder = str(PurePosixPath(image.static_path).parent)
        return file_name if folder == "." else f"{folder}/{file_name}"
    return page_path + file_name


def _in_static(path: str, static_dirs: Sequence[Path], fail) -> LocalImage:
    """The file at `path` in the last static folder that has it: a site's own static/
    comes after the theme's and overrides it (as in SiteConfig.static_folders)."""
    for folder in reversed(static_dirs):
        found = _inside(folder / path, folder, fail)
        if found is not None:
            return LocalImage(found, found.relative_to(folder.resolve()).as_posix())
    raise fail(f"no such file in {' or '.join(str(f) for f in static_dirs) or 'static/'}")


def _inside(candidate: Path, root: Path, fail) -> Path | None:
    """The file `candidate` names, links followed, or None if there is none; refused if
    it lies outside `root`."""
    try:
        found = candidate.resolve()
        if not found.is_relative_to(root.resolve()):
            raise fail(f"leads outside {root}")
        return found if found.is_file() else None
    except (OSError, ValueError):  # a loop of links, a name too long
        return None
