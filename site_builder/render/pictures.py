"""Each article's lead picture in the plan: its variant files, named after the article's
address (images.variant_files), on the pages and feeds that show it, and as files of the
site of their own (rendered through images.py's cache)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from site_builder.content import imageref
from site_builder.model import Listed
from site_builder.render.outputs import (
    ArticleData,
    ListingData,
    Output,
    Picture,
    PictureFileData,
    Shown,
    ShownPicture,
    Variant,
)


def pictures_shown(
    articles: Sequence[Listed], pictures: dict[str, Picture]
) -> dict[str, ShownPicture]:
    """Article id -> its picture as pages, feeds and the sitemap show it (its variant
    files named after the article's address)."""
    if not pictures:
        return {}
    from site_builder.content import images  # Pillow: ~15 ms that a site without pictures skips

    shown = {}
    for article in articles:
        picture = pictures.get(article.id)
        if picture is None:
            continue
        ref = imageref.LocalImage(Path(picture.source), picture.static_path)
        files = tuple(
            Variant(w, h, fmt, imageref.site_path(ref, article.url_path, name), images.MIME[fmt])
            for w, h, fmt, name in images.variant_files(
                Path(picture.source).stem, picture.width, picture.height, picture.format
            )
        )
        shown[article.id] = ShownPicture(
            picture.source, picture.digest, picture.width, picture.height, picture.format, files
        )
    return shown


def with_pictures(outputs: list[Output], shown: dict[str, ShownPicture]) -> list[Output]:
    """Pages that show articles get the pictures of those they show in their data: an
    article page its lead picture, a listing its cards' thumbnails."""
    if not shown:
        return outputs
    out = []
    for output in outputs:
        data = output.data
        if isinstance(data, ArticleData | ListingData):
            ids = output.full[:1] if isinstance(data, ArticleData) else output.cards
            mine = tuple(Shown(i, shown[i]) for i in dict.fromkeys(ids) if i in shown)
            if mine:
                output = output.moved(output.path, replace(data, pictures=mine))
        out.append(output)
    return out


def picture_files(shown: dict[str, ShownPicture], taken: set[str]) -> list[Output]:
    """Every variant file of every picture shown, once (a static picture may be shown by
    many articles); never over another output."""
    out, seen = [], set(taken)
    for picture in shown.values():
        for variant in picture.files:
            if variant.path not in seen:
                seen.add(variant.path)
                data = PictureFileData(
                    picture.source, picture.digest, variant.width, variant.format
                )
                out.append(Output(variant.path, "picture", data))
    return out
