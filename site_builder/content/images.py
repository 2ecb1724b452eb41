"""Pictures in a few widths, as WebP and in their own format, cached by content digest.

`process()` turns one source picture into the variants a `<picture>` element, `srcset`,
`width`/`height` attributes and feed enclosures need. Encoded files live in the build
cache (outside output/), one folder per digest of the source bytes and the settings:

    <cache_dir>/images/<digest>/<width>.<ext>     the encoded variants
    <cache_dir>/images/<digest>/picture.json      what they are; written last

so an unchanged picture is never decoded or encoded again, whatever it is called or
wherever it sits. The same input gives the same bytes (Pillow writes no timestamps, and
libjpeg/libwebp are deterministic; tests/test_images.py checks it across processes).
"""

from __future__ import annotations

import hashlib
import io
import json
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError
from PIL import __version__ as PILLOW_VERSION

from site_builder.atomic import write_atomic
from site_builder.errors import ContentError
from site_builder.urls import slugify

DEFAULT_WIDTHS = (480, 800, 1200, 1600)
QUALITY = 80  # a common web setting: small files, no artefacts seen on photos
PIPELINE = 2  # bump when the encoding below changes: old cache entries go stale
WEBP_MAX = (
    16383  # libwebp's largest width or height: a taller variant is made in its own format only
)
MAX_SOURCE_BYTES = 50 * 1024 * 1024  # a press photo is a few MB; past this, a mistake

# The formats read, and what each is published as besides WebP. GIF becomes a PNG still
# of its first frame: the pipeline makes no animations.
OWN_FORMAT = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "PNG"}
ORIENTATION = 0x0112  # the EXIF tag
MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSION = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


@dataclass(frozen=True)
class Variant:
    """One encoded file: what srcset, <source type>, enclosures and media:content need."""

    width: int
    height: int
    format: str  # Pillow's name: "WEBP", "JPEG", "PNG"
    mime: str  # "image/webp"
    name: str  # the file name to publish: "<name>-<width>.<ext>"
    size: int  # bytes, for an RSS enclosure's length
    path: Path  # the encoded file in the cache


@dataclass(frozen=True)
class Picture:
    """A source picture and its variants: WebP first, smallest first within each format."""

    name: str  # slug of the source's name; prefix of every variant's file name
    width: int  # of the source, after its EXIF orientation is applied
    height: int
    format: str  # the source's format, as Pillow names it ("JPEG")
    digest: str  # of the source bytes and the settings: the cache folder's name
    variants: tuple[Variant, ...]

    def of_format(self, fmt: str) -> tuple[Variant, ...]:
        """The variants in one format ("WEBP", "JPEG", "PNG"), smallest first."""
        return tuple(v for v in self.variants if v.format == fmt)

    @property
    def fallback(self) -> Variant:
        """The largest variant in the source's own format: for <img src> and feeds."""
        return self.of_format(OWN_FORMAT[self.format])[-1]


def srcset(variants: Sequence[Variant], href: Callable[[str], str]) -> str:
    """'../a-480.webp 480w, ../a-800.webp 800w': `href` makes a variant's file name a link."""
    return ", ".join(f"{href(v.name)} {v.width}w" for v in variants)


def process(
    source: Path | bytes,
    cache_dir: Path,
    *,
    name: str | None = None,
    widths: Sequence[int] = DEFAULT_WIDTHS,
    quality: int = QUALITY,
) -> Picture:
    """The picture's variants, encoded now or, when they were before, taken from the cache.

    `name` (default: the file's stem) prefixes the variant file names, and names the
    source in errors when `source` is bytes.
    """
    label = str(source) if isinstance(source, Path) else (name or "picture")
    data = _read(source) if isinstance(source, Path) else source
    stem = slugify(name or (source.stem if isinstance(source, Path) else "picture"))
    digest = _digest(data, widths, quality)
    folder = cache_dir / "images" / digest
    cached = _load_cached(folder, stem, digest)
    if cached is not None:
        return cached
    image, fmt = decode(data, label)
    meta = _encode_all(image, fmt, folder, widths, quality)
    # Written last: a cache entry without it (a crash mid-way) is simply encoded again.
    write_atomic(folder / "picture.json", json.dumps(meta, sort_keys=True).encode(), durable=False)
    return _picture(meta, stem, digest, folder)


def decode(data: bytes, label: str) -> tuple[Image.Image, str]:
    """The decoded picture, upright, and its format; a one-line ContentError if it cannot be."""
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that: refuse those too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            fmt = image.format
            if fmt not in OWN_FORMAT:
                raise ContentError(
                    f"unsupported picture format {fmt} (JPEG, PNG, WebP or GIF)", label
                )
            image.load()
            return ImageOps.exif_transpose(image), fmt
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ContentError(
            f"picture has too many pixels to decode safely (limit {Image.MAX_IMAGE_PIXELS:,})",
            label,
        ) from None
    except UnidentifiedImageError:
        raise ContentError("not a picture (JPEG, PNG, WebP or GIF)", label) from None
    except (OSError, SyntaxError, ValueError, EOFError) as error:  # Pillow's ways of "corrupt"
        raise ContentError(f"corrupt picture: {error}", label) from None


def plan_widths(original: int, widths: Sequence[int]) -> list[int]:
    """The widths to make: none larger than the original, which is added when any was."""
    chosen = sorted({w for w in widths if 0 < w < original})
    if not chosen or any(w >= original for w in widths):
        chosen.append(original)
    return chosen


def probe(path: Path) -> tuple[int, int, str]:
    """(width, height, format) of a picture file, upright, from its header alone: what the
    plan needs to name the variant files without decoding or encoding anything."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height, fmt = image.width, image.height, image.format
                # EXIF orientations 5-8 turn the picture a quarter: width and height swap.
                if image.getexif().get(ORIENTATION, 1) in (5, 6, 7, 8):
                    width, height = height, width
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ContentError(
            f"picture has too many pixels to decode safely (limit {Image.MAX_IMAGE_PIXELS:,})", path
        ) from None
    except UnidentifiedImageError:
        raise ContentError("not a picture (JPEG, PNG, WebP or GIF)", path) from None
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise ContentError(
            f"cannot read picture: {getattr(error, 'strerror', None) or error}", path
        ) from None
    if fmt not in OWN_FORMAT:
        raise ContentError(f"unsupported picture format {fmt} (JPEG, PNG, WebP or GIF)", path)
    return width, height, fmt


def variant_files(
    name: str, width: int, height: int, fmt: str, widths: Sequence[int] = DEFAULT_WIDTHS
) -> list[tuple[int, int, str, str]]:
    """(width, height, format, file name) of every variant process() makes of a picture of
    this size and format, in its order (WebP first, smallest first), without making them."""
    stem = slugify(name)
    found = []
    for w in plan_widths(width, widths):
        h = max(1, round(height * w / width))
        for out in _formats(fmt, w, h):
            found.append((w, h, out, f"{stem}-{w}.{EXTENSION[out]}"))
    return sorted(found, key=lambda v: (v[2] != "WEBP", v[0]))


def _read(path: Path) -> bytes:
    """The source file's bytes; a one-line error if they cannot be read."""
    try:
        if path.stat().st_size > MAX_SOURCE_BYTES:
            raise ContentError(f"picture larger than {MAX_SOURCE_BYTES // 2**20} MB", path)
        return path.read_bytes()
    except OSError as error:
        raise ContentError(f"cannot read picture: {error.strerror or error}", path) from None


def _digest(data: bytes, widths: Sequence[int], quality: int) -> str:
    """What a cache entry depends on: the bytes, the settings and the encoder's version."""
    settings = f"{PIPELINE}|{PILLOW_VERSION}|{sorted(set(widths))}|{quality}".encode()
    return hashlib.sha256(settings + b"\0" + data).hexdigest()[:32]


def _encode_all(
    image: Image.Image, fmt: str, folder: Path, widths: Sequence[int], quality: int
) -> dict:
    """Resize once per width, save each size as WebP and in the source's own format."""
    icc = image.info.get("icc_profile")  # kept: without it a wide-gamut photo looks washed out
    image = _normalised(image)
    variants = []
    for width in plan_widths(image.width, widths):
        height = max(1, round(image.height * width / image.width))
        resized = (
            image
            if width == image.width
            else image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        )
        for out in _formats(fmt, width, height):
            data = _encode(resized, out, quality, icc)
            file = f"{width}.{EXTENSION[out]}"
            write_atomic(folder / file, data, durable=False)
            variants.append(
                {
                    "width": width,
                    "height": height,
                    "format": out,
                    "size": len(data),
                    "file": file,
                    "sha256": hashlib.sha256(data).hexdigest(),
                }
            )
    variants.sort(key=lambda v: (v["format"] != "WEBP", v["width"]))  # WebP first, as in <picture>
    return {"width": image.width, "height": image.height, "format": fmt, "variants": variants}


def _formats(fmt: str, width: int, height: int) -> tuple[str, ...]:
    """What a variant of this size is published as: WebP (where it fits) and its own format."""
    fits = width <= WEBP_MAX and height <= WEBP_MAX
    return tuple(dict.fromkeys((*(["WEBP"] if fits else []), OWN_FORMAT[fmt])))


def _normalised(image: Image.Image) -> Image.Image:
    """RGB, or RGBA where the source is transparent (L stays: a grey JPEG stays grey),
    with no metadata left: Pillow copies EXIF, comments and text chunks into some formats."""
    if image.mode == "I" or image.mode.startswith("I;16"):
        # 16-bit grey: Pillow's convert() clips every value over 255 to white, so the
        # 0-65535 range is scaled to 0-255 first.
        image = image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if alpha or image.mode not in ("RGB", "L"):
        image = image.convert("RGBA" if alpha else "RGB")
    image.info = {}
    return image


def _encode(image: Image.Image, fmt: str, quality: int, icc: bytes | None) -> bytes:
    """One file's bytes. Nothing of the source's metadata but its colour profile goes in."""
    if fmt == "WEBP" and image.mode == "L":
        image = image.convert("RGB")
    by_format: dict[str, dict[str, Any]] = {
        "JPEG": {"quality": quality, "optimize": True, "progressive": True, "subsampling": "4:2:0"},
        # libwebp's default effort; 6 took 1.3 times as long for 5% fewer bytes on the
        # benchmark's photo (benchmarks/bench_images.py), 2 half as long for 0.3% more.
        "WEBP": {"quality": quality, "method": 4},
        "PNG": {"optimize": True},
    }
    options = by_format[fmt]
    if icc:
        options["icc_profile"] = icc
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def _load_cached(folder: Path, stem: str, digest: str) -> Picture | None:
    """The cached picture, if its description and every file it names are there."""
    try:
        meta = json.loads((folder / "picture.json").read_text(encoding="utf-8"))
        picture = _picture(meta, stem, digest, folder)
        if all(_intact(v, meta["variants"]) for v in picture.variants):
            return picture
    except (OSError, ValueError, KeyError, TypeError):
        pass  # missing or damaged: encode again, which rewrites it
    return None


def _intact(variant: Variant, described: list[dict]) -> bool:
    """Whether the cached file is the one encoded: same size and same SHA-256 (a file of
    the right size with other bytes in it is encoded again, not published)."""
    if variant.path.stat().st_size != variant.size:
        return False
    wanted = next(d.get("sha256") for d in described if variant.path.name == d["file"])
    return wanted == hashlib.sha256(variant.path.read_bytes()).hexdigest()


def _picture(meta: dict, stem: str, digest: str, folder: Path) -> Picture:
    """The Picture a cache description stands for, its files named after `stem`."""
    variants = tuple(
        Variant(
            v["width"],
            v["height"],
            v["format"],
            MIME[v["format"]],
            f"{stem}-{v['width']}.{EXTENSION[v['format']]}",
            v["size"],
            folder / v["file"],
        )
        for v in meta["variants"]
    )
    return Picture(stem, meta["width"], meta["height"], meta["format"], digest, variants)
