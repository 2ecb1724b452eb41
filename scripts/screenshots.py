"""Screenshots of the default theme for the README: front page and an article, desktop and phone.

    python3 scripts/screenshots.py [--site DIR] [--out docs/screenshots]

Builds the site in DIR (default: the repository, i.e. content/ with the default theme) into a
temporary folder, serves it on a free loopback port and photographs it with Debian's
Chromium (/usr/bin/chromium) through Playwright. Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-quic", "--disable-sync",
                 "--disable-component-update", "--no-first-run"]
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 780}}


def build(site: Path, output: Path) -> None:
    """Build the site into output with the real command line."""
    subprocess.run([sys.executable, "-m", "site_builder", "build", "--quiet", "--output",
                    str(output)], cwd=site, check=True)


def serve(folder: Path) -> http.server.ThreadingHTTPServer:
    """A quiet static server for folder on a free loopback port, running in a thread."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # noqa: D401 - silence the access log
            pass
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def first_article(output: Path) -> str:
    """The site path of the article the front page leads with."""
    home = (output / "index.html").read_text(encoding="utf-8")
    found = re.search(r'class="teaser-title"[^>]*><a href="([^"]+)"', home)
    if not found:
        raise SystemExit("the site has no articles to photograph")
    return found.group(1)


def shoot(base: str, article: str, out: Path) -> list[Path]:
    """Take the four pictures; return their paths."""
    from playwright.sync_api import sync_playwright

    made = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size, viewport in SIZES.items():
            page = browser.new_page(viewport=viewport, device_scale_factor=1,
                                    color_scheme="light")
            for name, path in (("front", ""), ("article", article)):
                page.goto(base + path, wait_until="load")
                target = out / f"{name}-{size}.png"
                page.screenshot(path=str(target), full_page=False)
                made.append(target)
            page.close()
        browser.close()
    return made


def main(argv: list[str] | None = None) -> int:
    """Build, serve, photograph; print the files written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=REPO, help="site folder (with site.toml)")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install chromium")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "output"
        build(args.site.resolve(), output)
        server = serve(output)
        try:
            base = f"http://127.0.0.1:{server.server_address[1]}/"
            for path in shoot(base, first_article(output), args.out):
                print(path.relative_to(REPO) if path.is_relative_to(REPO) else path)
        finally:
            server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
