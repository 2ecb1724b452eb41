"""Lighthouse scores of the default theme on the demo site: home, a region, an article.

    python3 scripts/lighthouse.py [--runs 1] [--keep DIR] [--page home|region|article ...]

Installs `lighthouse@12.2.3` (exactly that version) with npm into `.cache/lighthouse/` when it
is not there yet, writes the demo site of `scripts/demo_site.py` into a temporary folder with
`base_url` set to the address it is served at, builds it with the real command line, serves
`output/` on a free loopback port with a small HTTP/1.1 server that gzips text and sends
cache headers as a static host would (Python's plain `http.server` does neither, which
Lighthouse would blame on the theme), and runs Lighthouse with Debian's Chromium
(`CHROME_PATH=/usr/bin/chromium`, `--headless=new --no-sandbox`) on the home page, the
page of the top story's region and the top story's article page (it has a lead picture),
as a phone (Lighthouse's default: Moto G Power, simulated slow 4G, 4x CPU slowdown) and as
a desktop (`--preset=desktop`).

Prints a table of the four category scores per page and form factor, then every audit that
cost points; exits 1 when any score is under the targets (Performance >= 95, Accessibility,
Best Practices and SEO 100). With `--runs N` each page is measured N times and the median
of each score is kept (Performance varies by a point or two on a busy machine). Takes about
two minutes for one run. Not part of the test suite: Node, npm and Chromium are needed, and
it is slow.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
import demo_site  # noqa: E402  (a sibling script)

VERSION = "12.2.3"
PREFIX = REPO / ".cache" / "lighthouse"
CLI = PREFIX / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = "/usr/bin/chromium"
NODE = shutil.which("node") or "/usr/bin/node"
CATEGORIES = (
    ("performance", "Performance", 95),
    ("accessibility", "Accessibility", 100),
    ("best-practices", "Best Practices", 100),
    ("seo", "SEO", 100),
)
FORMS = ("mobile", "desktop")
TEXT = {".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".opml", ".ico"}


def install() -> None:
    """npm install lighthouse@VERSION into PREFIX unless that version is there."""
    package = PREFIX / "node_modules" / "lighthouse" / "package.json"
    if package.exists() and json.loads(package.read_text(encoding="utf-8"))["version"] == VERSION:
        return
    npm = shutil.which("npm")
    if not npm or not shutil.which("node"):
        raise SystemExit("node and npm are needed: apt-get install nodejs npm")
    PREFIX.mkdir(parents=True, exist_ok=True)
    manifest = PREFIX / "package.json"
    if not manifest.exists():
        manifest.write_text('{"private": true}\n', encoding="utf-8")
    print(f"installing lighthouse@{VERSION} into {PREFIX.relative_to(REPO)}/", file=sys.stderr)
    subprocess.run(
        [
            npm,
            "install",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            "--save-exact",
            f"lighthouse@{VERSION}",
        ],
        cwd=PREFIX,
        check=True,
    )


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files as a host serves them: gzip for text, cache headers, no access log."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def end_headers(self):
        path = self.path.split("?", 1)[0]
        # Pages change with every build; the stylesheet and pictures are named by content
        # or rarely change: a year, as a static host or CDN would be set up for them.
        if path.endswith(("/", ".html")):
            self.send_header("Cache-Control", "no-cache")
        else:
            self.send_header("Cache-Control", "public, max-age=31536000")
        super().end_headers()

    def send_head(self):
        url_path = self.path.split("?", 1)[0].split("#", 1)[0]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not url_path.endswith("/"):
                return super().send_head()  # the redirect to the folder's address
            path = path / "index.html"
        if (
            path.suffix.lower() not in TEXT
            or not path.is_file()
            or "gzip" not in self.headers.get("Accept-Encoding", "")
        ):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return _Bytes(body)


class _Bytes:
    """A file-like body for copyfile."""

    def __init__(self, data: bytes):
        self.data = data

    def read(self, size: int = -1) -> bytes:
        chunk, self.data = (self.data, b"") if size < 0 else (self.data[:size], self.data[size:])
        return chunk

    def close(self) -> None:
        pass


def serve(folder: Path) -> http.server.ThreadingHTTPServer:
    """The server for folder on a free loopback port, in a thread."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a: Handler(*a, directory=str(folder))
    )
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def build(site: Path) -> Path:
    """Build the demo site with the real command line; return its output folder."""
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    )
    subprocess.run(
        [sys.executable, "-m", "site_builder", "build", "--quiet"], cwd=site, check=True, env=env
    )
    return site / "output"


def pages(output: Path) -> dict[str, str]:
    """Site paths of the three pages: home, the top story's region, the top story."""
    home = (output / "index.html").read_text(encoding="utf-8")
    top = re.search(
        r'class="teaser splash with-picture top-story".*?class="teaser-title"[^>]*>'
        r'<a href="([^"]+)"',
        home,
        re.S,
    )
    if not top:
        raise SystemExit("the demo front page has no top story with a picture")
    article = top.group(1)
    page = (output / article.strip("/") / "index.html").read_text(encoding="utf-8")
    region = re.search(r'<p class="meta">.*?· <a href="([^"]+)">', page, re.S).group(1)
    region = urllib.parse.urljoin("/" + article.lstrip("/"), region)  # links are relative
    return {"home": "/", "region": region, "article": "/" + article.lstrip("/")}


def lighthouse(url: str, form: str, report: Path) -> dict:
    """One Lighthouse run; its JSON report (also written to report)."""
    command = [
        NODE,
        str(CLI),
        url,
        "--output=json",
        f"--output-path={report}",
        "--quiet",
        "--only-categories=" + ",".join(key for key, _, _ in CATEGORIES),
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    if form == "desktop":
        command.append("--preset=desktop")
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0 or not report.exists():
        raise SystemExit(f"lighthouse failed on {url} ({form}):\n{done.stderr[-3000:]}")
    return json.loads(report.read_text(encoding="utf-8"))


def scores(result: dict) -> dict[str, int]:
    """The category scores out of 100 (None where Lighthouse could not score one)."""
    out = {}
    for key, _, _ in CATEGORIES:
        score = result["categories"][key]["score"]
        out[key] = None if score is None else round(score * 100)
    return out


def lost(result: dict) -> list[str]:
    """The audits that cost points: weighted audits under 1, in each category."""
    lines = []
    for key, _, _ in CATEGORIES:
        for ref in result["categories"][key]["auditRefs"]:
            audit = result["audits"][ref["id"]]
            if ref.get("weight", 0) > 0 and audit["score"] is not None and audit["score"] < 1:
                value = audit.get("displayValue", "")
                lines.append(f"{key}: {ref['id']} {audit['score']:.2f} {value}".rstrip())
    return lines


def main(argv: list[str] | None = None) -> int:
    """Install, build, serve, measure; print the table; 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs",
        type=int,
        default=1,
        help="runs per page and form factor; the median of each score is kept",
    )
    parser.add_argument("--keep", type=Path, help="folder to keep the JSON reports in")
    parser.add_argument(
        "--page",
        action="append",
        choices=("home", "region", "article"),
        help="only these pages (default: all three)",
    )
    parser.add_argument(
        "--form", action="append", choices=FORMS, help="only these form factors (default: both)"
    )
    args = parser.parse_args(argv)
    for need in (CHROMIUM,):
        if not Path(need).exists():
            raise SystemExit(f"{need} is missing: apt-get install chromium")
    install()
    rows, failures, notes = [], False, []
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        site = Path(tmp) / "site"
        site.mkdir()
        (site / "output").mkdir()
        server = serve(site / "output")
        try:
            base = f"http://127.0.0.1:{server.server_address[1]}/"
            demo_site.write_site(site, base)
            output = build(site)
            reports = args.keep or Path(tmp) / "reports"
            reports.mkdir(parents=True, exist_ok=True)
            for name, path in pages(output).items():
                if args.page and name not in args.page:
                    continue
                for form in args.form or FORMS:
                    runs = []
                    for run in range(args.runs):
                        report = reports / f"{name}-{form}-{run + 1}.json"
                        result = lighthouse(base + path.lstrip("/"), form, report)
                        runs.append(scores(result))
                        notes += [f"{name} {form}: {line}" for line in lost(result)]
                    median = {key: _median([r[key] for r in runs]) for key, _, _ in CATEGORIES}
                    rows.append((name, path, form, median))
                    print(
                        f"{name} {form}: "
                        + ", ".join(f"{label} {median[key]}" for key, label, _ in CATEGORIES),
                        file=sys.stderr,
                        flush=True,
                    )
        finally:
            server.shutdown()
    print(
        f"Lighthouse {VERSION}, Chromium {_chromium_version()}, "
        f"{args.runs} run(s) per cell (median)\n"
    )
    print("| page | form factor | " + " | ".join(label for _, label, _ in CATEGORIES) + " |")
    print("| --- | --- | " + " | ".join("---:" for _ in CATEGORIES) + " |")
    for name, path, form, median in rows:
        cells = []
        for key, _, target in CATEGORIES:
            value = median[key]
            miss = value is None or value < target
            failures |= miss
            cells.append(f"{value}{' ✗' if miss else ''}")
        print(f"| {name} (`{path}`) | {form} | " + " | ".join(cells) + " |")
    print("\ntargets: " + ", ".join(f"{label} >= {target}" for _, label, target in CATEGORIES))
    if notes:
        print("\naudits that cost points:")
        for line in dict.fromkeys(notes):
            print("  " + line)
    return 1 if failures else 0


def _median(values: list):
    """The median of the scores that exist (None when none does)."""
    present = [v for v in values if v is not None]
    return round(statistics.median(present)) if present else None


def _chromium_version() -> str:
    """Chromium's version number, for the record."""
    try:
        text = subprocess.run(
            [CHROMIUM, "--version"], capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return "?"
    found = re.search(r"[\d.]+", text)
    return found.group(0) if found else "?"


if __name__ == "__main__":
    sys.exit(main())
