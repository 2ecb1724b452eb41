"""The seal of a full scan: one digest of every content file's stamp, kept with them, so
that a build of an unchanged tree need not read and compare 100,000 stored stamps. A
seal may only match when every stamp does."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import REPO
from test_incremental import article, tree

from site_builder.config import load_config
from site_builder.engine import scan
from site_builder.engine.pipeline import Engine
from site_builder.engine.store import Store

NOW = 2_000_000_000_000_000_000  # the scan's time, by the file system's clock (ns)
STAMPS = {
    "/site/content/gulf/a.md": (NOW - 10, NOW - 9, 120, 7),
    "/site/content/gulf/b.md": (NOW - 20, NOW - 19, 130, 8),
}


def test_a_seal_matches_only_the_same_stamps():
    sealed = scan.seal(dict(STAMPS), NOW)
    assert sealed is not None
    assert scan.seal(dict(reversed(list(STAMPS.items()))), NOW) is not None
    for field in range(4):  # mtime, ctime, size, inode: each alone breaks it
        moved = dict(STAMPS)
        values = list(moved["/site/content/gulf/a.md"])
        values[field] -= 1
        moved["/site/content/gulf/a.md"] = (values[0], values[1], values[2], values[3])
        assert scan.seal(moved, NOW) not in (None, sealed), field
    fewer = dict(STAMPS)
    del fewer["/site/content/gulf/b.md"]
    assert scan.seal(fewer, NOW) != sealed
    renamed = {k.replace("a.md", "c.md"): v for k, v in STAMPS.items()}
    assert scan.seal(renamed, NOW) != sealed


@pytest.mark.parametrize("field", [0, 1])
def test_no_seal_while_a_stamp_is_racy(field):
    """A file changed in the scan's own clock tick may change again unseen: it is read
    again at the next build, so no seal may vouch for it (nor for a dangling link)."""
    racy = dict(STAMPS)
    values = list(racy["/site/content/gulf/b.md"])
    values[field] = NOW
    racy["/site/content/gulf/b.md"] = (values[0], values[1], values[2], values[3])
    assert scan.seal(racy, NOW) is None
    assert scan.seal({**STAMPS, "/site/content/x.md": scan.DANGLING}, NOW) is None


@pytest.fixture
def site(tmp_path) -> Path:
    (tmp_path / "site.toml").write_text('title = "Desk"\n', encoding="utf-8")
    (tmp_path / "templates").symlink_to(REPO / "templates")
    for n in range(1, 4):
        path = tmp_path / "content" / "gulf" / f"article-{n}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(article(n), encoding="utf-8")
        os.utime(path, ns=(NOW // 2, NOW // 2))  # well before any scan: not racy
    return tmp_path


def build(site: Path) -> str:
    engine = Engine(load_config(site / "site.toml", root=site))
    try:
        return engine.build().account
    finally:
        engine.close()


def watch_reads(monkeypatch) -> list[str]:
    """What the next builds read of the stored stamps: "all", or the folders below."""
    read: list[str] = []
    every, below = Store.stamps, Store.stamps_below
    monkeypatch.setattr(Store, "stamps", lambda self: read.append("all") or every(self))
    monkeypatch.setattr(
        Store,
        "stamps_below",
        lambda self, folder: read.append(Path(folder).name) or below(self, folder),
    )
    return read


def test_an_unchanged_tree_is_not_compared_file_by_file(site, monkeypatch):
    build(site)
    build(site)  # (a stamp in the first scan's clock tick is racy: this one seals them)
    read = watch_reads(monkeypatch)
    assert build(site).startswith("nothing to do")
    assert read == []
    edited = site / "content" / "gulf" / "article-2.md"
    edited.write_text(article(2, title="Retitled"), encoding="utf-8")
    os.utime(edited, ns=(NOW // 2, NOW // 2))  # the old mtime back: the ctime moved
    assert "1 parsed" in build(site)  # the seal broke: the files compared, the edit found
    assert read == ["gulf"]
    assert "Retitled" in (site / "output" / "index.html").read_text(encoding="utf-8")
    build(site)  # (racy again if the edit fell in that scan's tick)
    read.clear()
    assert build(site).startswith("nothing to do")
    assert read == []


def test_a_file_dated_in_the_future_leaves_every_build_comparing(site):
    """A file whose mtime is ahead of the clock (unpacked from an archive, a skewed
    clock) is racy at every scan: no seal, and an edit beside it is still found."""
    ahead = site / "content" / "gulf" / "article-1.md"
    os.utime(ahead, ns=(NOW * 2, NOW * 2))
    build(site)
    build(site)
    edited = site / "content" / "gulf" / "article-3.md"
    edited.write_text(article(3, title="Seen beside it"), encoding="utf-8")
    os.utime(edited, ns=(NOW // 2, NOW // 2))
    assert "1 parsed" in build(site)
    assert "Seen beside it" in (site / "output" / "index.html").read_text(encoding="utf-8")


@pytest.fixture
def regions(site) -> Path:
    """The site with stories in two region folders and one in content/ itself."""
    for n, where in ((4, "europe"), (5, "europe"), (6, "")):
        path = site / "content" / where / f"article-{n}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(article(n, region=where or "gulf"), encoding="utf-8")
        os.utime(path, ns=(NOW // 2, NOW // 2))
    build(site)
    build(site)
    return site


def test_an_edit_reads_the_stamps_of_its_folder_alone(regions, monkeypatch):
    read = watch_reads(monkeypatch)
    edited = regions / "content" / "europe" / "article-4.md"
    edited.write_text(article(4, region="europe", title="Europe edit"), encoding="utf-8")
    assert "1 parsed" in build(regions)
    assert read == ["europe"]
    page = (regions / "output" / "europe" / "index.html").read_text(encoding="utf-8")
    assert "Europe edit" in page


@pytest.mark.parametrize("where", ["", "gulf", "asia"])
def test_a_story_moved_between_folders_is_found_gone_and_new(regions, where):
    """Out of europe/ into content/ itself, another folder, or a new one: both folders'
    seals break, and the build is the clean one's."""
    moved = regions / "content" / "europe" / "article-5.md"
    target = regions / "content" / where / "article-5.md"
    target.parent.mkdir(exist_ok=True)
    moved.rename(target)
    build(regions)
    (regions / "content" / "europe" / "article-4.md").unlink()
    (regions / "content" / "europe").rmdir()  # a folder gone: its files with it
    build(regions)
    engine = Engine(
        load_config(regions / "site.toml", {"output_dir": regions / "clean"}, root=regions)
    )
    try:
        engine.build(clean=True)
    finally:
        engine.close()
    assert tree(regions / "output") == tree(regions / "clean")


def test_a_story_in_content_itself_is_compared_without_the_folders(regions, monkeypatch):
    read = watch_reads(monkeypatch)
    edited = regions / "content" / "article-6.md"
    edited.write_text(article(6, title="At the top"), encoding="utf-8")
    assert "1 parsed" in build(regions)
    assert read == ["content"]  # content/'s own files: the folders below are sealed
