"""The image pipeline: widths, formats, metadata stripped, deterministic bytes, the cache."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys

import pytest
from PIL import Image

from site_builder.content import images
from site_builder.errors import ContentError
from tests.pictures import photo

REPO_ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def big_jpeg() -> bytes:
    return photo(2000, 1333)


@pytest.fixture
def counted(monkeypatch):
    """Counts the files the pipeline encodes."""
    calls = []
    real = images._encode

    def encode(image, fmt, quality, icc):
        calls.append((image.width, fmt))
        return real(image, fmt, quality, icc)

    monkeypatch.setattr(images, "_encode", encode)
    return calls


def test_a_2000px_jpeg_becomes_four_widths_in_webp_and_jpeg(tmp_path, big_jpeg):
    source = tmp_path / "Lead Photo.jpg"
    source.write_bytes(big_jpeg)
    picture = images.process(source, tmp_path / "cache")
    assert (picture.name, picture.width, picture.height, picture.format) == (
        "lead-photo",
        2000,
        1333,
        "JPEG",
    )
    assert [(v.format, v.width, v.height, v.mime, v.name) for v in picture.variants] == [
        ("WEBP", 480, 320, "image/webp", "lead-photo-480.webp"),
        ("WEBP", 800, 533, "image/webp", "lead-photo-800.webp"),
        ("WEBP", 1200, 800, "image/webp", "lead-photo-1200.webp"),
        ("WEBP", 1600, 1066, "image/webp", "lead-photo-1600.webp"),
        ("JPEG", 480, 320, "image/jpeg", "lead-photo-480.jpg"),
        ("JPEG", 800, 533, "image/jpeg", "lead-photo-800.jpg"),
        ("JPEG", 1200, 800, "image/jpeg", "lead-photo-1200.jpg"),
        ("JPEG", 1600, 1066, "image/jpeg", "lead-photo-1600.jpg"),
    ]
    for variant in picture.variants:
        data = variant.path.read_bytes()
        assert len(data) == variant.size
        assert variant.path.parent == tmp_path / "cache" / "images" / picture.digest
        with Image.open(io.BytesIO(data)) as out:
            assert (out.format, out.size) == (variant.format, (variant.width, variant.height))
    assert picture.fallback.name == "lead-photo-1600.jpg"
    assert [v.width for v in picture.of_format("WEBP")] == [480, 800, 1200, 1600]


@pytest.mark.parametrize(
    "original, widths, expected",
    [
        (2000, (480, 800, 1200, 1600), [480, 800, 1200, 1600]),
        (1000, (480, 800, 1200, 1600), [480, 800, 1000]),
        (800, (480, 800, 1200), [480, 800]),
        (300, (480, 800), [300]),
        (1000, (800, 480, 800), [480, 800]),
    ],
)
def test_widths_never_upscale_and_keep_the_original_when_one_was_dropped(
    original, widths, expected
):
    assert images.plan_widths(original, widths) == expected


def test_a_small_png_stays_png_keeps_its_transparency_and_is_not_upscaled(tmp_path):
    data = photo(640, 400, fmt="PNG", mode="RGBA")
    picture = images.process(data, tmp_path, name="map")
    assert [(v.format, v.width, v.name) for v in picture.variants] == [
        ("WEBP", 480, "map-480.webp"),
        ("WEBP", 640, "map-640.webp"),
        ("PNG", 480, "map-480.png"),
        ("PNG", 640, "map-640.png"),
    ]
    for variant in picture.variants:
        with Image.open(variant.path) as out:
            assert out.mode == "RGBA" and out.getchannel("A").getextrema()[0] == 0


def test_a_gif_becomes_a_png_still(tmp_path):
    data = photo(600, 300, fmt="GIF")
    picture = images.process(data, tmp_path, name="chart")
    assert picture.format == "GIF"
    assert {v.format for v in picture.variants} == {"WEBP", "PNG"}
    assert picture.fallback.name == "chart-600.png"


def test_exif_is_stripped_after_its_orientation_is_applied(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x013B] = "Some Photographer"  # Artist
    exif[0x010F] = "CameraMaker"  # Make
    data = photo(1000, 500, exif=exif.tobytes(), comment=b"secret note")
    picture = images.process(data, tmp_path, name="turned")
    assert (picture.width, picture.height) == (500, 1000)
    assert [v.width for v in picture.of_format("JPEG")] == [480, 500]
    for variant in picture.variants:
        raw = variant.path.read_bytes()
        assert b"CameraMaker" not in raw and b"Photographer" not in raw and b"secret" not in raw
        with Image.open(variant.path) as out:
            assert out.height > out.width
            assert dict(out.getexif()) == {} and "exif" not in out.info


def test_encodings_are_pinned(tmp_path, big_jpeg):
    picture = images.process(big_jpeg, tmp_path, name="p")
    jpeg = picture.of_format("JPEG")[0].path
    reference = io.BytesIO()
    Image.open(jpeg).save(reference, "JPEG", quality=80)
    with Image.open(jpeg) as out:
        assert out.info.get("progressive") == 1
        assert out.quantization == Image.open(reference).quantization  # quality 80
        assert out.layer[0][1:3] == (2, 2)  # 4:2:0 chroma subsampling
    webp = picture.of_format("WEBP")[0].path.read_bytes()
    assert webp[:4] == b"RIFF" and webp[12:16] == b"VP8 "  # lossy WebP, no metadata chunks


def test_the_same_input_gives_the_same_bytes_across_processes(tmp_path, big_jpeg):
    source = tmp_path / "p.jpg"
    source.write_bytes(big_jpeg)
    here = _fingerprint(images.process(source, tmp_path / "one"))
    script = (
        "import sys, hashlib; from pathlib import Path; from site_builder.content import images;"
        "p = images.process(Path(sys.argv[1]), Path(sys.argv[2]));"
        "print(hashlib.sha256(b''.join(v.path.read_bytes() for v in p.variants))"
        ".hexdigest())"
    )
    other = subprocess.run(
        [sys.executable, "-c", script, str(source), str(tmp_path / "two")],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO_ROOT,
    )
    assert other.stdout.strip() == here


def test_a_second_call_encodes_nothing(tmp_path, big_jpeg, counted):
    source = tmp_path / "p.jpg"
    source.write_bytes(big_jpeg)
    first = images.process(source, tmp_path / "cache")
    assert len(counted) == 8
    mtimes = [v.path.stat().st_mtime_ns for v in first.variants]
    second = images.process(source, tmp_path / "cache")
    assert len(counted) == 8 and second == first
    assert [v.path.stat().st_mtime_ns for v in second.variants] == mtimes


def test_the_cache_is_by_content_not_by_name(tmp_path, big_jpeg, counted):
    first = images.process(big_jpeg, tmp_path, name="one")
    other = images.process(big_jpeg, tmp_path, name="two")
    assert len(counted) == 8
    assert other.variants[0].name == "two-480.webp"
    assert [v.path for v in other.variants] == [v.path for v in first.variants]


def test_new_settings_or_a_damaged_cache_encode_again(tmp_path, big_jpeg, counted):
    first = images.process(big_jpeg, tmp_path, name="p")
    images.process(big_jpeg, tmp_path, name="p", quality=60)
    assert len(counted) == 16
    first.variants[3].path.unlink()
    assert images.process(big_jpeg, tmp_path, name="p") == first
    assert len(counted) == 24
    (tmp_path / "images" / first.digest / "picture.json").write_text("{", encoding="utf-8")
    assert images.process(big_jpeg, tmp_path, name="p") == first
    assert len(counted) == 32


@pytest.mark.parametrize(
    "data, message",
    [
        (b"<html>not a picture</html>", "not a picture (JPEG, PNG, WebP or GIF)"),
        (photo(400, 300)[:2000], "corrupt picture: image file is truncated"),
        (photo(40, 30, fmt="BMP"), "unsupported picture format BMP (JPEG, PNG, WebP or GIF)"),
    ],
)
def test_unreadable_pictures_give_one_line_errors_naming_the_file(tmp_path, data, message):
    source = tmp_path / "bad.jpg"
    source.write_bytes(data)
    with pytest.raises(ContentError) as caught:
        images.process(source, tmp_path / "cache")
    assert str(caught.value).startswith(f"{source}: {message}")
    assert "\n" not in str(caught.value)


def test_a_missing_file_is_one_line(tmp_path):
    with pytest.raises(ContentError, match=r"missing\.jpg: cannot read picture: No such file"):
        images.process(tmp_path / "missing.jpg", tmp_path)


@pytest.mark.parametrize("size", [(120, 100), (300, 300)])  # Pillow warns, Pillow raises
def test_decompression_bombs_are_refused(tmp_path, monkeypatch, size):
    data = photo(*size, fmt="PNG")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)
    with pytest.raises(ContentError) as caught:
        images.process(data, tmp_path, name="bomb.png")
    assert str(caught.value) == (
        "bomb.png: picture has too many pixels to decode safely (limit 10,000)"
    )


def _fingerprint(picture: images.Picture) -> str:
    return hashlib.sha256(b"".join(v.path.read_bytes() for v in picture.variants)).hexdigest()


@pytest.mark.parametrize("mode, own_mode", [("L", "L"), ("CMYK", "RGB"), ("RGB", "RGB")])
def test_grey_and_cmyk_jpegs_are_published_as_grey_and_rgb(tmp_path, mode, own_mode):
    picture = images.process(photo(600, 400, mode=mode), tmp_path, name="p")
    with (
        Image.open(picture.fallback.path) as jpeg,
        Image.open(picture.of_format("WEBP")[-1].path) as webp,
    ):
        assert (jpeg.mode, webp.mode) == (own_mode, "RGB")


def test_the_colour_profile_is_kept(tmp_path):
    from PIL import ImageCms

    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    picture = images.process(photo(600, 400, icc_profile=icc), tmp_path, name="p")
    for variant in picture.variants:
        with Image.open(variant.path) as out:
            assert out.info.get("icc_profile") == icc


def test_srcset_lists_widths_with_links(tmp_path):
    picture = images.process(photo(1000, 500), tmp_path, name="p")
    assert images.srcset(picture.of_format("WEBP"), lambda name: "../" + name) == (
        "../p-480.webp 480w, ../p-800.webp 800w, ../p-1000.webp 1000w"
    )


def test_a_webp_source_is_published_as_webp_only(tmp_path):
    picture = images.process(photo(900, 600, fmt="WEBP"), tmp_path, name="w")
    assert [(v.format, v.width) for v in picture.variants] == [
        ("WEBP", 480),
        ("WEBP", 800),
        ("WEBP", 900),
    ]
    assert picture.fallback.name == "w-900.webp"
