"""Pictures made with Pillow for the tests, so that no binary is committed."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw


def photo(
    width: int = 2000, height: int = 1333, fmt: str = "JPEG", mode: str = "RGB", **save
) -> bytes:
    """A picture with lines and a disc: detail enough for encoders to behave as on photos."""
    background = (30, 60, 90, 0) if mode == "RGBA" else _colour(mode, (30, 60, 90))
    image = Image.new(mode, (width, height), background)  # RGBA: transparent around
    draw = ImageDraw.Draw(image)
    for x in range(0, width, max(1, width // 50)):
        draw.line(
            [(x, 0), (width - x, height)],
            fill=_colour(mode, (x % 255, x * 3 % 255, 120)),
            width=max(1, width // 300),
        )
    draw.ellipse(
        [width // 5, height // 4, width * 3 // 4, height * 5 // 6],
        fill=_colour(mode, (200, 80, 30)),
    )
    out = io.BytesIO()
    image.save(out, fmt, **({"quality": 92} if fmt == "JPEG" else {}) | save)
    return out.getvalue()


def _colour(mode: str, rgb: tuple[int, int, int]):
    """The colour in the picture's mode (grey for L, opaque for RGBA)."""
    if mode == "L":
        return rgb[0]
    if mode == "CMYK":
        return (255 - rgb[0], 255 - rgb[1], 255 - rgb[2], 0)
    return rgb + (255,) if mode == "RGBA" else rgb
