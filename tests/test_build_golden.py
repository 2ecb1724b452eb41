"""Golden output: the pages, feeds, OPML, sitemap and robots.txt of tests/data/build/site
must match tests/data/build/expected.

After an intended change to the theme or the pages, regenerate and review the diff:

    python3 tests/test_build_golden.py --regenerate && git diff tests/data/build/expected
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SITE = HERE / "data" / "build" / "site"
EXPECTED = HERE / "data" / "build" / "expected"
REPO = HERE.parent
NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def build_golden(output: Path) -> dict[str, bytes]:
    """Build the golden site into output; its HTML pages and stylesheet by relative path."""
    from site_builder.config import load_config
    from site_builder.engine.build import build_site

    config = load_config(
        SITE / "site.toml",
        {
            "output_dir": output,
            "cache_dir": output.parent / "cache",
            "templates_dir": REPO / "templates",
            "static_dir": REPO / "static",
        },
        root=SITE,
    )
    build_site(config, now=NOW)
    return {
        p.relative_to(output).as_posix(): p.read_bytes()
        for p in sorted(output.rglob("*"))
        if p.suffix in (".html", ".css", ".xml", ".json", ".opml", ".txt")
    }


def test_html_matches_the_golden_tree(tmp_path):
    built = build_golden(tmp_path / "output")
    expected = {
        p.relative_to(EXPECTED).as_posix(): p.read_bytes()
        for p in sorted(EXPECTED.rglob("*"))
        if p.is_file()
    }
    assert sorted(built) == sorted(expected)
    for name in built:
        assert built[name].decode() == expected[name].decode(), name


if __name__ == "__main__" and sys.argv[1:] == ["--regenerate"]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        files = build_golden(Path(tmp) / "output")
    shutil.rmtree(EXPECTED, ignore_errors=True)
    for name, data in files.items():
        (EXPECTED / name).parent.mkdir(parents=True, exist_ok=True)
        (EXPECTED / name).write_bytes(data)
    print(f"wrote {len(files)} files to {EXPECTED.relative_to(REPO)}")
