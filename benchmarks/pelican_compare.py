"""Pelican on the same corpus, for a side-by-side ratio: its own virtualenv, content, config.

Pelican is never a project dependency: it is installed on first use into a throw-away
virtualenv (default /tmp/pelican-venv). The benchmark converts each content file's YAML
front matter into Pelican's Markdown metadata header and writes a minimal pelicanconf.py
(default theme, default feeds, relative URLs, the build's Markdown extensions, the content
cache on), so both tools convert the same bodies into a comparable site.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from site_builder.content import frontmatter

try:
    from site_builder.content.markup import EXTENSIONS
except ImportError:
    EXTENSIONS = ["tables", "footnotes", "toc"]

DEFAULT_VENV = Path("/tmp/pelican-venv")

CONF = """\
# Written by benchmarks/pelican_compare.py: a minimal site, default theme and feeds.
AUTHOR = "Newsroom"
SITENAME = "Regional News Desk"
SITEURL = "http://127.0.0.1:8000"
PATH = "content"
OUTPUT_PATH = "output"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
RELATIVE_URLS = True
DEFAULT_PAGINATION = 20
ARTICLE_URL = "articles/{{date:%Y}}/{{date:%m}}/{{slug}}/"
ARTICLE_SAVE_AS = "articles/{{date:%Y}}/{{date:%m}}/{{slug}}/index.html"
# The same extensions as site_builder's build, plus meta, which Pelican reads headers with.
MARKDOWN = {{
    "extension_configs": {{{extensions}, "markdown.extensions.meta": {{}}}},
    "output_format": "html5",
}}
CACHE_PATH = {cache!r}
LOAD_CONTENT_CACHE = True
CACHE_CONTENT = True
"""


def ensure_venv(venv: Path = DEFAULT_VENV) -> Path:
    """The pelican executable of venv, creating the venv and installing Pelican if needed."""
    pelican = venv / "bin" / "pelican"
    if not pelican.exists():
        print(f"installing Pelican into {venv} (first use) ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", "pelican", "markdown"], check=True
        )
    return pelican


def version(pelican: Path) -> str:
    """Pelican's version, as it prints it."""
    done = subprocess.run([str(pelican), "--version"], capture_output=True, text=True)
    return done.stdout.strip() or done.stderr.strip()


def header(meta: dict) -> str:
    """Pelican's Markdown metadata header for one article's front matter."""
    lines = [
        f"Title: {meta['title']}",
        f"Date: {meta['date'].isoformat()}",
        f"Category: {meta['region']}",
        f"Tags: {', '.join(meta.get('tags') or [])}",
        f"Slug: {meta.get('slug') or meta['_stem']}",
        f"Summary: {' '.join(str(meta.get('summary', '')).split())}",
    ]
    return "\n".join(lines) + "\n\n"


def convert_file(source: Path, target: Path) -> None:
    """One content file as a Pelican Markdown file: metadata header, blank line, same body."""
    meta, body, _ = frontmatter.read(source.read_text(encoding="utf-8"), source)
    meta["_stem"] = source.stem
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(header(meta) + body, encoding="utf-8")


def prepare(content: Path, site: Path) -> Path:
    """site/ with content/ converted from content and pelicanconf.py; reused when complete."""
    marker = site / ".converted"
    sources = sorted(content.rglob("*.md"))
    if not (marker.exists() and marker.read_text() == str(len(sources))):
        shutil.rmtree(site / "content", ignore_errors=True)
        for source in sources:
            convert_file(source, site / "content" / source.relative_to(content))
        marker.write_text(str(len(sources)))
    extensions = ", ".join(f'"markdown.extensions.{name}": {{}}' for name in EXTENSIONS)
    conf = CONF.format(extensions=extensions, cache=str(site / "cache"))
    (site / "pelicanconf.py").write_text(conf, encoding="utf-8")
    return site


def command(pelican: Path, site: Path) -> list[str]:
    """The Pelican build command, run from site/."""
    return [
        str(pelican),
        str(site / "content"),
        "-s",
        str(site / "pelicanconf.py"),
        "-o",
        str(site / "output"),
        "-q",
    ]


def clean(site: Path) -> None:
    """Delete Pelican's output and cache, for a cold build."""
    for name in ("output", "cache"):
        shutil.rmtree(site / name, ignore_errors=True)
