"""A built site copied to another folder (a CI runner restoring .cache/ into another
checkout) builds on from its state: nothing rendered with output/, no Markdown without."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import REPO, run_cli
from pictures import photo

from site_builder.config import load_config
from site_builder.content.markup import MarkdownConverter
from site_builder.engine.pipeline import Engine

SITE_TOML = 'title = "Test Desk"\nper_page = 3\nbase_url = "https://example.org/news/"\n'


@pytest.fixture
def built(tmp_path) -> Path:
    """A site with its own templates, built once by the CLI."""
    site = tmp_path / "checkout-a" / "site"
    shutil.copytree(REPO / "content", site / "content")
    shutil.copytree(REPO / "templates", site / "templates")
    (site / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    run_cli("build", cwd=site, check=True)
    return site


def copied(site: Path, to: Path, output: bool = True) -> Path:
    """The site copied as a cache restore would: times kept, new inodes and ctimes."""
    skip = set() if output else {"output", ".output.previous"}
    shutil.copytree(
        site, to, symlinks=True, ignore=lambda d, names: skip & set(names) if d == str(site) else ()
    )
    return to


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def account(proc) -> str:
    """The build's account line: 'nothing to do ...' or 'N parsed, N rendered, ...'."""
    found = re.search(r"(nothing to do|\d+ parsed, \d+ rendered)[^\n]*", proc.stdout + proc.stderr)
    assert found, proc.stdout + proc.stderr
    return found.group(0)


def test_a_copied_site_with_its_output_renders_nothing(built, tmp_path):
    moved = copied(built, tmp_path / "checkout-b" / "site")
    shutil.rmtree(built)  # nothing of the first folder may be needed
    before = {p: p.stat().st_mtime_ns for p in (moved / "output").rglob("*")}
    said = account(run_cli("build", "-v", cwd=moved, check=True))
    assert said.startswith(("nothing to do", "0 parsed, 0 rendered")), said
    assert before == {p: p.stat().st_mtime_ns for p in (moved / "output").rglob("*")}
    said = account(run_cli("build", "-v", cwd=moved, check=True))  # and the build after it
    assert said.startswith(("nothing to do", "0 parsed, 0 rendered")), said
    # and the state now belongs to the new folder: an edit there is an ordinary small build
    story = next((moved / "content" / "middle-east").glob("*.md"))
    story.write_text(story.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    said = account(run_cli("build", "-v", cwd=moved, check=True))
    assert said.startswith("1 parsed"), said
    assert "One more line." in "".join(
        p.read_text(encoding="utf-8") for p in (moved / "output").rglob("*.html")
    )


def test_a_copied_cache_without_output_converts_no_markdown(built, tmp_path, monkeypatch):
    expected = files(built / "output")
    moved = copied(built, tmp_path / "runner" / "work", output=False)
    shutil.rmtree(built)

    def refuse(self, text):
        raise AssertionError("Markdown converted again")

    monkeypatch.setattr(MarkdownConverter, "_fresh", refuse)
    engine = Engine(load_config(moved / "site.toml"))
    try:
        said = engine.build().account
    finally:
        engine.close()
    assert said.startswith("0 parsed"), said
    assert files(moved / "output") == expected


def test_a_copied_site_with_pictures_and_static_files_renders_nothing(built, tmp_path):
    # A bundle's picture is found beside its story's file: the state must give the story's
    # new path, not the folder it was built in (removed here).
    bundle = built / "content" / "middle-east" / "harbour"
    bundle.mkdir()
    (bundle / "harbour.jpg").write_bytes(photo(800, 533))
    (bundle / "index.md").write_text(
        "---\nid: urn:harbour\ntitle: Harbour reopens\ndate: 2026-02-11T06:00:00Z\n"
        "region: middle-east\nimage:\n  url: harbour.jpg\n  caption: The harbour. (AFP)\n"
        "  credit: AFP\nsummary: The harbour reopens.\n---\nThe harbour reopens.\n",
        encoding="utf-8",
    )
    (built / "static").mkdir()
    (built / "static" / "desk.css").write_text("p { margin: 0 }\n", encoding="utf-8")
    run_cli("build", cwd=built, check=True)
    moved = copied(built, tmp_path / "checkout-b" / "site")
    shutil.rmtree(built)
    expected = files(moved / "output")
    said = account(run_cli("build", "-v", cwd=moved, check=True))
    # The picture and the static file are named by where they are in the site, and by
    # their bytes: the copied site plans the same entries, so nothing is rendered again.
    assert said.startswith(("nothing to do", "0 parsed, 0 rendered")), said
    assert files(moved / "output") == expected
    assert "desk.css" in expected
    # and a story retitled there is planned with the others as they now are
    story = next((moved / "content" / "middle-east").glob("*.md"))
    text = story.read_text(encoding="utf-8")
    story.write_text(re.sub(r"(?m)^title: ", "title: Late news, ", text, count=1), encoding="utf-8")
    run_cli("build", cwd=moved, check=True)
    page = next((moved / "output" / "articles").rglob("harbour/index.html"))
    assert "harbour-800.jpg" in page.read_text(encoding="utf-8")
