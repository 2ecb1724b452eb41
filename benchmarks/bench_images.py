"""The image pipeline's cost: a 2000×1333 photo-like JPEG into 4 widths × (WebP, JPEG).

    python benchmarks/bench_images.py [--repeat 3]

Prints the cold time (fresh cache each run), the bytes of every variant, and the time of
a second call that finds everything cached. The picture is made here (noise over colour
gradients, softened), so it compresses like a photo rather than like flat drawings.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from site_builder.content import images


def photo_like(width: int = 2000, height: int = 1333) -> bytes:
    """A deterministic picture with a photo's mix of smooth areas and fine grain."""
    gradient = Image.linear_gradient("L").resize((width, height))
    radial = Image.radial_gradient("L").resize((width, height))
    noise = Image.effect_noise((width, height), 50).filter(ImageFilter.GaussianBlur(0.6))
    image = Image.merge("RGB", (gradient, radial, noise))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    data = photo_like()
    cold, warm = [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as cache:
            start = time.perf_counter()
            picture = images.process(data, Path(cache), name="photo")
            cold.append(time.perf_counter() - start)
            start = time.perf_counter()
            images.process(data, Path(cache), name="photo")
            warm.append(time.perf_counter() - start)
    print(f"source: {picture.width}x{picture.height} JPEG, {len(data):,} bytes")
    for v in picture.variants:
        print(f"  {v.name:<20} {v.width:>5}x{v.height:<5} {v.size:>9,} bytes")
    print(
        f"total: {sum(v.size for v in picture.variants):,} bytes in {len(picture.variants)} files"
    )
    print(f"cold: median {statistics.median(cold) * 1000:.0f} ms, min {min(cold) * 1000:.0f} ms")
    print(f"cached: median {statistics.median(warm) * 1000:.1f} ms, min {min(warm) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
