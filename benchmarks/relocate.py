"""A built site copied to another folder and built there (a CI runner restoring its cache),
with a picture in every story: whole commands, one or more revisions side by side.

Each story is a bundle (`index.md` beside its `photo.jpg`), so each shows a picture on its
page, in the listings and feeds, and has variant files of its own: what a copied site must
not render again. For each revision: a cold build in WORK/<n>/site, then, `--runs` times,
the site (content, state, output) copied to a folder of another name and built there,
timed, with the build's account (`-v`: how many outputs it rendered).

    git worktree add /tmp/before <commit>
    python benchmarks/relocate.py --repos . /tmp/before --stories 200
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from newsroom import user_env
from PIL import Image, ImageDraw

SITE_TOML = 'title = "Desk"\nbase_url = "https://example.org/news/"\n'


def story(n: int) -> str:
    return (
        f"---\nid: urn:relocate:{n}\ntitle: Story {n}\n"
        f"date: 2026-{1 + n % 9:02d}-{1 + n % 28:02d}T06:{n % 60:02d}:00Z\nregion: gulf\n"
        "image:\n  url: photo.jpg\n  caption: A photo. (AFP)\n  credit: AFP\n"
        f"summary: Story {n}.\n---\nBody of story {n}.\n"
    )


def photo(n: int) -> bytes:
    """A small JPEG, different for each story."""
    image = Image.new("RGB", (640, 427), (n % 255, 60, 90))
    ImageDraw.Draw(image).ellipse([n % 300, 50, 400, 300], fill=(200, 80, n % 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def make_site(site: Path, stories: int) -> None:
    shutil.rmtree(site, ignore_errors=True)
    (site / "content" / "gulf").mkdir(parents=True)
    (site / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    for n in range(stories):
        bundle = site / "content" / "gulf" / f"story-{n:05d}"
        bundle.mkdir()
        (bundle / "photo.jpg").write_bytes(photo(n))
        (bundle / "index.md").write_text(story(n), encoding="utf-8")


def build(repo: Path, site: Path) -> tuple[float, str]:
    """Wall seconds of `site-builder build -v` run from `repo`, and its account line."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "site_builder", "build", "-v"],
        cwd=site,
        env=user_env(repo),
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - started
    found = re.search(r"(nothing to do|\d+ parsed, \d+ rendered)[^\n]*", done.stderr + done.stdout)
    return wall, found.group(0) if found else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repos", nargs="+", type=Path, required=True)
    parser.add_argument("--stories", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/sb-relocate"))
    args = parser.parse_args()
    for number, repo in enumerate(args.repos):
        here = args.work / str(number)
        make_site(here / "site", args.stories)
        cold, _ = build(repo.resolve(), here / "site")
        times, accounts = [], set()
        for run in range(args.runs):
            moved = here / f"moved-{run}"
            shutil.rmtree(moved, ignore_errors=True)
            shutil.copytree(here / "site", moved, symlinks=True)  # times kept, new inodes
            wall, said = build(repo.resolve(), moved)
            times.append(wall)
            accounts.add(said)
            shutil.rmtree(moved)
        print(
            f"{repo}: cold {cold:.2f} s; copied and built: median "
            f"{statistics.median(times):.2f} s ({' '.join(f'{t:.2f}' for t in times)}); "
            f"{' | '.join(sorted(accounts))}"
        )


if __name__ == "__main__":
    main()
