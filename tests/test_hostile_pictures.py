"""Pictures past a format's limits, in unusual modes, or broken: a variant that fits, the
right tones, a one-line error, never a traceback; and a cache that proves its files."""

from __future__ import annotations

import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html
from PIL import Image
from test_pictures import build, make, story

from site_builder.content import images
from site_builder.errors import ContentError


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_a_picture_taller_than_webp_allows_builds_with_its_own_format(tmp_path):
    """17,000 px tall: WebP stops at 16,383, so the tall widths are PNG only."""
    tall = png(Image.new("RGB", (1000, 17000), "navy"))
    root = make(
        tmp_path,
        {
            "gulf/tall/index.md": story("urn:tall", "Tall chart", "2026-02-11T06:00:00Z", "c.png"),
            "gulf/tall/c.png": tall,
        },
    )
    output = build(root)
    doc = html.fromstring((output / "articles/2026/02/tall/index.html").read_bytes())
    img = doc.find(".//figure//img")
    webp = doc.find(".//figure//source")
    assert [e.split()[1] for e in webp.get("srcset").split(", ")] == ["480w", "800w"]
    assert [e.split()[1] for e in img.get("srcset").split(", ")] == ["480w", "800w", "1000w"]
    page = output / "articles/2026/02/tall/"
    for entry in webp.get("srcset").split(", ") + img.get("srcset").split(", "):
        with Image.open(page / entry.split()[0]) as out:
            assert max(out.size) <= 17000 and out.width == int(entry.split()[1][:-1])


def test_a_16_bit_grey_png_keeps_its_tones(tmp_path):
    grey = Image.new("I;16", (64, 64))
    grey.putdata([32768 if x < 32 else 0 for y in range(64) for x in range(64)])  # grey | black
    picture = images.process(png(grey), tmp_path, name="g")
    for variant in picture.variants:
        with Image.open(variant.path) as out:
            left, right = out.convert("L").getpixel((8, 32)), out.convert("L").getpixel((56, 32))
            assert 120 <= left <= 136 and right <= 8, (variant.name, left, right)


def test_a_cached_variant_with_other_bytes_of_the_same_size_is_made_again(tmp_path):
    data = png(Image.new("RGB", (600, 400), "teal"))
    first = images.process(data, tmp_path, name="p")
    kept = [v.path.read_bytes() for v in first.variants]
    damaged = first.variants[0].path
    damaged.write_bytes(bytes(len(kept[0])))  # the right size, the wrong bytes
    again = images.process(data, tmp_path, name="p")
    assert [v.path.read_bytes() for v in again.variants] == kept


MODES = ["1", "L", "LA", "P", "PA", "RGB", "RGBA", "CMYK", "I", "I;16", "F", "YCbCr", "LAB"]
FORMATS = ["PNG", "JPEG", "GIF", "WEBP", "BMP", "TIFF"]
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))


@FUZZ
@given(
    mode=st.sampled_from(MODES),
    fmt=st.sampled_from(FORMATS),
    width=st.integers(1, 40),
    height=st.integers(1, 40),
    cut=st.none() | st.integers(0, 400),
    seed=st.integers(0, 255),
)
def test_fuzzed_pictures_are_published_or_refused_in_one_line(
    tmp_path_factory, mode, fmt, width, height, cut, seed
):
    image = Image.new(mode, (width, height))
    image.putdata([(seed * (i + 1)) % 256 for i in range(width * height)]) if mode in (
        "L",
        "P",
        "1",
    ) else None
    out = io.BytesIO()
    try:
        image.save(out, fmt)
    except (OSError, ValueError, KeyError):
        return  # Pillow cannot write this mode in this format: nothing to feed the build
    data = out.getvalue()[:cut] if cut is not None else out.getvalue()
    cache = tmp_path_factory.mktemp("cache")
    source = Path(cache / "p.bin")
    source.write_bytes(data)
    try:
        probed = images.probe(source)
        picture = images.process(data, cache, name="p")
    except ContentError as error:
        assert "\n" not in str(error)
        return
    names = [n for *_, n in images.variant_files("p", *probed)]
    assert names == [v.name for v in picture.variants]
    for variant in picture.variants:
        with Image.open(variant.path) as published:
            published.load()
