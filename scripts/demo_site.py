"""A small demo site with pictures, for Lighthouse and the README screenshots.

    python3 scripts/demo_site.py DIR [--base-url http://127.0.0.1:8000/]

Writes DIR/site.toml and DIR/content/: eight articles in four regions (the four stories of
the repository's content/, with their text, and four short neutral ones), five of them
bundles (`content/<region>/<slug>/index.md`) with a lead picture beside them, a page
`content/pages/about.md`, tags and authors on some. The pictures are drawn with Pillow
(sky gradients, sun, hills, water, buildings, a little grain): photo-like enough for the
encoders to behave as on photographs, 2000x1333 JPEGs (one 1600x1067 PNG), and the same
bytes on every run, as is everything else (fixed dates, fixed seeds). Nothing is fetched.
The folder is emptied of an earlier demo's content/ first; other files are left alone.
"""

from __future__ import annotations

import argparse
import io
import math
import random
import shutil
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

REPO = Path(__file__).resolve().parent.parent

SITE_TOML = """\
# The demo site of scripts/demo_site.py: pictures, a front page, a page, tags and authors.
title = "Demo News Desk"
description = "A demonstration news site: stories filed by region, with pictures."
base_url = "{base_url}"
language = "en"
author = "Newsroom"
timezone = "UTC"
# Ten a page: the front page shows every story, under the lead and in its blocks.
per_page = 10
# The desk's profile (rel="me") and a WebSub hub its feeds name (deploy pings it).
me = ["https://mastodon.social/@demodesk"]

[websub]
hubs = ["https://pubsubhubbub.appspot.com/"]

[[menu]]
title = "About"
page = "about"
"""

ABOUT = """\
---
title: About this site
summary: What this demonstration site is and where its stories and pictures come from.
---
**Demo News Desk** shows what the default theme of site_builder does with a handful of
stories: a front page led by the newest story and its picture, one listing per region, and
article pages with a lead picture, its caption and credit.

## Where it comes from

Four stories are the sample articles of the repository; the other four are made up and
neutral. Every picture is drawn by `scripts/demo_site.py` with Pillow: skies, hills, water
and buildings, no photographs of anyone.

## Follow the news

Every region has its own RSS, Atom and JSON feed; the [subscribe page](../subscribe/) lists
them all.
"""

# (region, slug, file from the repository's content/ or None, front matter, body or None,
#  picture scene or None)
STORIES = [
    (
        "gulf",
        "desalination-plant-opens-on-the-coast",
        None,
        {
            "title": "New Desalination Plant Opens on the Coast",
            "date": "2026-11-27T08:30:00+00:00",
            "countries": ["Oman"],
            "tags": ["Water", "Energy"],
            "author": "Lina Haddad",
            "summary": "A solar-powered desalination plant began supplying drinking water to "
            "three coastal towns on Friday, the water authority said.",
            "caption": "The coast near the new plant at dusk.",
            "credit": "Demo News Desk",
            "updated": "2026-11-28T09:15:00+00:00",
            "correction": "An earlier version gave the plant's output as 400,000 cubic "
            "metres a day; it is 40,000.",
        },
        """\
A solar-powered desalination plant began supplying drinking water to three coastal towns on
Friday, the water authority said.

The plant turns sea water into about 40,000 cubic metres of drinking water a day, enough for
some 150,000 people, and runs on the panels of a solar farm built beside it.

Engineers said the plant would cut the towns' reliance on water brought in by truck during
the summer months, when demand peaks.

## What comes next

A second line is planned for 2028. The authority said it would publish the plant's energy
use every quarter.
""",
        ("dusk", 11),
    ),
    (
        "middle-east",
        "intelligence-leaks-reveal-how-iran-gained-influence-over-iraq",
        "middle-east/intelligence-leaks-reveal-how-iran-gained-influence-over-iraq.md",
        {
            "date": "2026-11-26T20:12:59+00:00",
            "author": "Omar Saleh",
            "caption": "A river city at first light.",
            "credit": "Demo News Desk",
        },
        None,
        ("river", 23),
    ),
    (
        "north-africa",
        "old-market-reopens-after-restoration",
        None,
        {
            "title": "Old Market Reopens After Two Years of Restoration",
            "date": "2026-11-25T10:00:00+00:00",
            "countries": ["Morocco"],
            "tags": ["Heritage"],
            "author": ["Sara Benali", "Youssef Amrani"],
            "summary": "Traders returned to the covered market on Tuesday after a restoration "
            "that kept its cedar roof and tiled arches.",
            "caption": "Rooftops of the old town in the afternoon sun.",
            "credit": "Demo News Desk",
        },
        """\
Traders returned to the covered market on Tuesday after a restoration that kept its cedar
roof and tiled arches.

Craftsmen repaired more than 300 carved beams by hand, and the market's drains and wiring
were replaced without changing the lanes' layout.

"We sell the same spices in the same spot as my grandfather did," one trader said.

The city plans guided walks through the market on weekends.
""",
        ("town", 37),
    ),
    (
        "horn-of-africa",
        "rsf-drone-strike-on-mosque-kills-2-children-in-sudans-kordofan-region",
        "horn-of-africa/rsf-drone-strike-on-mosque-kills-2-children-in-sudans-kordofan-region.md",
        {"date": "2026-11-24T09:00:00+00:00"},
        None,
        None,
    ),
    (
        "gulf",
        "national-library-digitises-manuscripts",
        None,
        {
            "title": "National Library Puts 12,000 Manuscripts Online",
            "date": "2026-11-23T12:00:00+00:00",
            "countries": ["Qatar"],
            "tags": ["Heritage", "Culture"],
            "summary": "Scans of manuscripts from the ninth to the nineteenth century can now be "
            "read for free on the library's website.",
        },
        """\
Scans of manuscripts from the ninth to the nineteenth century can now be read for free on
the library's website.

The collection covers astronomy, medicine, poetry and law. Each page was photographed in
colour, and a team of librarians wrote a short description of every volume.

Researchers can download the images in full resolution for study.
""",
        None,
    ),
    (
        "horn-of-africa",
        "somali-president-to-asharq-al-awsat-working-with-saudi-led-partners-to-void",
        "horn-of-africa/somali-president-to-asharq-al-awsat-working-with-saudi-led-partners-to-void.md",
        {
            "date": "2026-11-22T15:45:00+00:00",
            "caption": "Hills above the coast in the dry season.",
            "credit": "Demo News Desk",
        },
        None,
        ("hills", 41),
    ),
    (
        "north-africa",
        "marathon-draws-record-field",
        None,
        {
            "title": "City Marathon Draws a Record Field of Runners",
            "date": "2026-11-21T07:15:00+00:00",
            "countries": ["Tunisia"],
            "tags": ["Sport"],
            "author": "Karim Mansour",
            "summary": "More than 9,000 runners from 40 countries lined up on Saturday morning.",
            "caption": "The harbour at the finish line.",
            "credit": "Demo News Desk",
            "png": True,
        },
        """\
More than 9,000 runners from 40 countries lined up on Saturday morning, the largest field in
the race's history.

The course follows the seafront before turning through the old town. Volunteers handed out
water at 15 stations along the way.
""",
        ("harbour", 53),
    ),
    (
        "middle-east",
        "israel-says-killed-hamas-operative-responsible-for-2004-bus-bombings",
        "middle-east/israel-says-killed-hamas-operative-responsible-for-2004-bus-bombings.md",
        {"date": "2026-11-20T00:00:00+00:00"},
        None,
        None,
    ),
]

FIELDS = (
    "title",
    "date",
    "updated",
    "region",
    "countries",
    "tags",
    "author",
    "summary",
    "correction",
)


def main(argv: list[str] | None = None) -> int:
    """Write the demo site into the folder given."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--base-url", default="http://127.0.0.1:8000/")
    args = parser.parse_args(argv)
    write_site(args.folder, args.base_url)
    print(args.folder)
    return 0


def write_site(folder: Path, base_url: str = "http://127.0.0.1:8000/") -> None:
    """site.toml, content/ with its articles, pictures and page."""
    folder.mkdir(parents=True, exist_ok=True)
    content = folder / "content"
    if content.exists():
        shutil.rmtree(content)
    (folder / "site.toml").write_text(SITE_TOML.format(base_url=base_url), encoding="utf-8")
    (content / "pages").mkdir(parents=True)
    (content / "pages" / "about.md").write_text(ABOUT, encoding="utf-8")
    for number, (region, slug, borrowed, meta, body, scene) in enumerate(STORIES):
        meta = dict(meta)
        if borrowed:
            own, body = _read(REPO / "content" / borrowed)
            meta = {**{k: v for k, v in own.items() if k in FIELDS}, **meta}
        meta["region"] = region
        picture = None
        if scene:
            name = "photo.png" if meta.pop("png", False) else "photo.jpg"
            size = (1600, 1067) if name.endswith(".png") else (2000, 1333)
            picture = (name, draw(scene[0], size, scene[1]))
        caption, credit = meta.pop("caption", None), meta.pop("credit", None)
        lines = ["---", f"id: urn:uuid:00000000-0000-4000-8000-{number + 1:012d}"]
        for key in FIELDS:
            if key in meta:
                lines.append(f"{key}: {_yaml(meta[key])}")
        if picture:
            lines += [
                "image:",
                f"  url: {picture[0]}",
                f"  caption: {_yaml(caption)}",
                f"  credit: {_yaml(credit)}",
            ]
        lines.append("---")
        text = "\n".join(lines) + "\n" + body.strip() + "\n"
        if picture:
            bundle = content / region / slug
            bundle.mkdir(parents=True)
            (bundle / "index.md").write_text(text, encoding="utf-8")
            (bundle / picture[0]).write_bytes(picture[1])
        else:
            (content / region).mkdir(parents=True, exist_ok=True)
            (content / region / f"{slug}.md").write_text(text, encoding="utf-8")


def _read(path: Path) -> tuple[dict, str]:
    """The simple front matter (scalars and [lists]) and body of a repository article."""
    _, head, body = path.read_text(encoding="utf-8").split("---\n", 2)
    meta: dict = {}
    for line in head.splitlines():
        if line.startswith(" ") or ":" not in line:
            continue
        key, value = (part.strip() for part in line.split(":", 1))
        if value.startswith("[") and value.endswith("]"):
            meta[key] = [item.strip() for item in value[1:-1].split(",") if item.strip()]
        elif value:
            meta[key] = value
    return meta, body


def _yaml(value) -> str:
    """A YAML scalar or flow list, quoted where needed."""
    if isinstance(value, list):
        return "[" + ", ".join(_yaml(item) for item in value) + "]"
    text = str(value)
    if text[:4].isdigit() and "T" in text:  # a date stays a date
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# -- pictures -------------------------------------------------------------------------------

PALETTES = {
    "dusk": ((36, 42, 92), (236, 128, 84), (252, 206, 120), (40, 44, 60)),
    "river": ((120, 170, 220), (236, 226, 200), (255, 240, 190), (52, 84, 70)),
    "town": ((92, 150, 214), (210, 226, 240), (255, 246, 210), (176, 120, 80)),
    "hills": ((150, 190, 225), (240, 220, 180), (255, 250, 225), (150, 120, 70)),
    "harbour": ((70, 130, 200), (200, 225, 245), (255, 255, 235), (30, 70, 110)),
}


def draw(scene: str, size: tuple[int, int], seed: int) -> bytes:
    """A landscape in the scene's colours: sky, sun, ridges, then water or buildings."""
    top, horizon, sun, ground = PALETTES[scene]
    width, height = size
    rng = random.Random(seed)
    image = _gradient(size, top, horizon)
    pen = ImageDraw.Draw(image)
    sx, sy, radius = width * rng.uniform(0.55, 0.8), height * rng.uniform(0.2, 0.4), height * 0.07
    for ring in range(6, 0, -1):  # a soft glow around the sun
        r = radius * (1 + ring * 0.35)
        glow = _mix(horizon, sun, 1 - ring / 7)
        pen.ellipse([sx - r, sy - r, sx + r, sy + r], fill=glow)
    pen.ellipse([sx - radius, sy - radius, sx + radius, sy + radius], fill=sun)
    image = image.filter(ImageFilter.GaussianBlur(height / 120))
    pen = ImageDraw.Draw(image)
    base = height * 0.58
    for layer in range(4):  # ridges, paler with distance
        shade = _mix(horizon, ground, (layer + 1) / 4)
        y0 = base + layer * height * 0.07
        phase, amp = rng.uniform(0, 6.3), height * rng.uniform(0.03, 0.08)
        points = [
            (
                x,
                y0
                - amp * (math.sin(x / width * (3 + layer) + phase) + 1)
                - rng.uniform(0, height * 0.006),
            )
            for x in range(0, width + 40, 40)
        ]
        pen.polygon(points + [(width, height), (0, height)], fill=shade)
    if scene in ("harbour", "dusk", "river"):
        water = int(height * 0.78)
        pen.rectangle([0, water, width, height], fill=_mix(top, ground, 0.5))
        for y in range(water, height, max(3, height // 200)):  # ripples
            x = rng.uniform(-width * 0.2, width)
            pen.line(
                [(x, y), (x + rng.uniform(width * 0.05, width * 0.3), y)],
                fill=_mix(sun, top, rng.uniform(0.3, 0.8)),
                width=2,
            )
        for _ in range(6 if scene == "harbour" else 2):  # boats
            bx, by = rng.uniform(0.05, 0.9) * width, rng.uniform(water + 20, height * 0.95)
            s = height * rng.uniform(0.02, 0.04)
            pen.polygon(
                [(bx, by), (bx + 4 * s, by), (bx + 3.4 * s, by + s), (bx + 0.6 * s, by + s)],
                fill=(240, 240, 235),
            )
            pen.polygon(
                [
                    (bx + 2 * s, by - 3 * s),
                    (bx + 2 * s, by - 0.2 * s),
                    (bx + 3.5 * s, by - 0.2 * s),
                ],
                fill=(250, 250, 245),
            )
    if scene in ("town", "dusk"):
        x = 0.0
        while x < width:  # buildings with windows
            w, h = rng.uniform(0.04, 0.1) * width, rng.uniform(0.08, 0.3) * height
            y = height * 0.86 - h
            wall = _mix(ground, (250, 240, 225), rng.uniform(0.1, 0.5))
            pen.rectangle([x, y, x + w, height], fill=wall)
            for wy in range(int(y + 12), int(height * 0.84), 28):
                for wx in range(int(x + 8), int(x + w - 14), 22):
                    if rng.random() < 0.7:
                        pen.rectangle([wx, wy, wx + 8, wy + 12], fill=_mix(wall, (40, 40, 50), 0.6))
            x += w + rng.uniform(2, 14)
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    grain = Image.frombytes("L", size, rng.randbytes(width * height)).filter(
        ImageFilter.GaussianBlur(0.6)
    )
    image = Image.blend(image, Image.merge("RGB", (grain, grain, grain)), 0.05)
    out = io.BytesIO()
    if width == 1600:
        image.save(out, "PNG", optimize=False, compress_level=6)
    else:
        image.save(out, "JPEG", quality=88)
    return out.getvalue()


def _gradient(size: tuple[int, int], top, bottom) -> Image.Image:
    """A vertical gradient from top to bottom."""
    width, height = size
    ramp = Image.linear_gradient("L").resize((width, height))
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), ramp)


def _mix(a, b, t: float) -> tuple[int, int, int]:
    """The colour t of the way from a to b."""
    return tuple(int(a[i] + (b[i] - a[i]) * t) for i in range(3))


if __name__ == "__main__":
    sys.exit(main())
