"""The seal of a full scan: one digest of every content file's stamp, kept with them, so
that a build of an unchanged tree need not read and compare 100,000 stored stamps. A
seal may only match when every stamp does."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import REPO
from test_incremental import article

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


def test_an_unchanged_tree_is_not_compared_file_by_file(site, monkeypatch):
    build(site)
    build(site)  # (a stamp in the first scan's clock tick is racy: this one seals them)
    read: list[int] = []
    stamps = Store.stamps
    monkeypatch.setattr(Store, "stamps", lambda self: read.append(1) or stamps(self))
    assert build(site).startswith("nothing to do")
    assert read == []
    edited = site / "content" / "gulf" / "article-2.md"
    edited.write_text(article(2, title="Retitled"), encoding="utf-8")
    os.utime(edited, ns=(NOW // 2, NOW // 2))  # the old mtime back: the ctime moved
    assert "1 parsed" in build(site)  # the seal broke: the files compared, the edit found
    assert read == [1]
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
