"""Screenshots of the default theme for the README: front page, a region, an article; desktop and phone.

    python3 scripts/screenshots.py [--site DIR] [--out docs/screenshots]

By default writes the demo site of scripts/demo_site.py (eight stories, pictures drawn with
Pillow) into a temporary folder; with --site, uses that site instead. Builds it into a
temporary folder with base_url set to the address it is served at, serves it on a free
loopback port and photographs it with Debian's Chromium (/usr/bin/chromium) through
Playwright: the front page and the article the front page leads with (the demo's has a
lead picture). The PNGs are re-encoded with Pillow (optimized, and reduced to 256 colours
when one is still over 300 KB) so that the README stays light. Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import io
import os
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
import demo_site  # noqa: E402  (a sibling script)

LIMIT = 300_000  # bytes a README picture may take
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--disable-sync",
    "--disable-component-update",
    "--no-first-run",
]
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def build(site: Path, output: Path, base_url: str) -> None:
    """Build the site into output with the real command line."""
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "site_builder",
            "build",
            "--quiet",
            "--output",
            str(output),
            "--base-url",
            base_url,
        ],
        cwd=site,
        check=True,
        env=env,
    )


def serve(folder: Path) -> http.server.ThreadingHTTPServer:
    """A quiet static server for folder on a free loopback port, running in a thread."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def first_article(output: Path, edition: str = "") -> str:
    """The site path of the article the front page (of an edition: 'ar/') leads with."""
    home = (output / edition / "index.html").read_text(encoding="utf-8")
    found = re.search(r'class="teaser-title"[^>]*><a href="([^"]+)"', home)
    if not found:
        raise SystemExit("the site has no articles to photograph")
    return edition + found.group(1)


def shoot(base: str, article: str, out: Path, edition: str = "", prefix: str = "") -> list[Path]:
    """Take the six pictures (front page, its lead's region, article); return their paths."""
    from playwright.sync_api import sync_playwright

    made = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size, viewport in SIZES.items():
            page = browser.new_page(viewport=viewport, device_scale_factor=1, color_scheme="light")
            page.goto(base + edition, wait_until="load")
            region = page.eval_on_selector(".teaser.splash .meta a", "a => a.href")
            for name, address in (
                ("front", base + edition),
                ("region", region),
                ("article", base + article),
            ):
                page.goto(address, wait_until="load")
                target = out / f"{prefix}{name}-{size}.png"
                target.write_bytes(shrink(page.screenshot(full_page=False)))
                made.append(target)
            page.close()
        browser.close()
    return made


def shrink(png: bytes) -> bytes:
    """The screenshot re-encoded smaller: optimized; 256 colours if still over LIMIT."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    if out.tell() > LIMIT:
        out = io.BytesIO()
        image.quantize(
            256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.FLOYDSTEINBERG
        ).save(out, "PNG", optimize=True)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Build, serve, photograph; print the files written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--site",
        type=Path,
        help="site folder (with site.toml); default: the demo site of scripts/demo_site.py",
    )
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument(
        "--edition",
        default="",
        metavar="PATH",
        help="the edition of a site in several languages to photograph, "
        "e.g. ar/ (default: the site's root)",
    )
    parser.add_argument("--prefix", default="", help="start of the file names, e.g. arabic-")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install chromium")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "output"
        output.mkdir()
        server = serve(output)
        try:
            base = f"http://127.0.0.1:{server.server_address[1]}/"
            site = args.site.resolve() if args.site else Path(tmp) / "demo"
            if not args.site:
                demo_site.write_site(site, base)
            build(site, output, base)
            for path in shoot(
                base, first_article(output, args.edition), args.out, args.edition, args.prefix
            ):
                print(path.relative_to(REPO) if path.is_relative_to(REPO) else path)
        finally:
            server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
