"""A build renders, writes and forgets its pages in batches (stages.BATCH, lowered here to
a few outputs): the site it publishes is the same, and a page that fails in a late batch,
after earlier batches were written, still leaves output/ and the build state untouched."""

from __future__ import annotations

import logging
import shutil
import sqlite3
from pathlib import Path

import pytest
from test_build_golden import EXPECTED, NOW, REPO, SITE

from site_builder.config import load_config
from site_builder.engine import publish, sources, stages
from site_builder.engine.build import run_build
from site_builder.engine.store import FILE, Store
from site_builder.render.renderer import Renderer

BATCH = 7


@pytest.fixture
def events(monkeypatch) -> list[str]:
    """Each page rendered ("render") and each file spooled ("write"), in order."""
    seen: list[str] = []
    render, write = Renderer.render, publish.Spool.write

    def rendering(self, output, *args):
        seen.append("render " + output.file)
        return render(self, output, *args)

    def spooling(self, number, data):
        seen.append("write")
        return write(self, number, data)

    monkeypatch.setattr(stages, "BATCH", BATCH)
    monkeypatch.setattr(Renderer, "render", rendering)
    monkeypatch.setattr(publish.Spool, "write", spooling)
    return seen


def golden_config(tmp_path: Path, **more):
    """The golden site, with a copy of the theme's templates this test may break."""
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    overrides = more | {
        "output_dir": tmp_path / "output",
        "cache_dir": tmp_path / "cache",
        "templates_dir": templates,
        "static_dir": REPO / "static",
    }
    return load_config(SITE / "site.toml", overrides, root=SITE)


def golden_files(folder: Path) -> None:
    built = tree(folder)
    for expected in sorted(EXPECTED.rglob("*")):
        if expected.is_file():
            name = expected.relative_to(EXPECTED).as_posix()
            assert built[name][0].decode() == expected.read_text(), name


def tree(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file below folder: its bytes and mtime."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def state(config) -> list[str]:
    """The build state's rows (in any order: opening the state rewrites its key's row)."""
    with sqlite3.connect(config.cache_dir / FILE) as db:
        return sorted(db.iterdump())


def test_a_build_in_many_batches_publishes_the_golden_site(tmp_path, events):
    config = golden_config(tmp_path)
    assert run_build(config, now=NOW) == 0
    golden_files(config.output_dir)
    # Written a batch at a time: no more than a batch of pages waits in memory.
    assert sum(e.startswith("render") for e in events) > 3 * BATCH
    assert events.index("write") <= BATCH
    waiting = 0
    for event in events:
        waiting = waiting + 1 if event.startswith("render") else 0
        assert waiting <= BATCH


def test_a_page_failing_in_a_late_batch_leaves_output_and_the_state_as_they_were(
    tmp_path, events, caplog
):
    config = golden_config(tmp_path)
    assert run_build(config, now=NOW) == 0
    before, state_before = tree(config.output_dir), state(config)
    # Every page is stale (the base template changed), and the article page rendered
    # last (of the oldest story, after the listings) raises.
    pages = [e.split()[1] for e in events if e.startswith("render articles/")]
    slug = pages[-1].split("/")[-2]
    templates = config.templates_dir
    (templates / "base.html").write_text((templates / "base.html").read_text() + "<!-- v2 -->")
    article = templates / "article.html"
    article.write_text(
        f"{{% if article.slug == {slug!r} %}}{{{{ no_such_value }}}}{{% endif %}}"
        + article.read_text()
    )
    events.clear()
    with caplog.at_level(logging.ERROR, "site_builder"):
        assert run_build(config, now=NOW) == 1
    assert "no_such_value" in caplog.text and "Traceback" not in caplog.text
    assert events.index("write") < len(events) - BATCH  # earlier batches were written
    assert tree(config.output_dir) == before
    assert state(config) == state_before
    leftovers = [p.name for p in config.output_dir.parent.iterdir() if ".staging-" in p.name]
    assert leftovers == []


def test_content_read_in_batches_is_stored_as_it_goes_and_every_error_is_reported(
    tmp_path, monkeypatch, caplog
):
    seen: list[str] = []
    read, put = sources.read, Store.put_sources

    def reading(config, path):
        seen.append("read")
        return read(config, path)

    def storing(self, rows):
        rows = list(rows)
        seen.extend("store" for _ in rows)
        return put(self, rows)

    monkeypatch.setattr(sources, "READ_BATCH", 1)
    monkeypatch.setattr(sources, "read", reading)
    monkeypatch.setattr(Store, "put_sources", storing)
    config = golden_config(tmp_path)
    assert run_build(config, now=NOW) == 0
    golden_files(config.output_dir)
    assert seen.count("read") == seen.count("store") == 4
    last_read = len(seen) - 1 - seen[::-1].index("read")
    assert seen.index("store") < last_read  # stored before the last file was read

    content = tmp_path / "content"
    shutil.copytree(SITE / "content", content)
    broken = sorted(content.rglob("*.md"))
    for path in (broken[0], broken[-1]):  # the first batch and the last
        path.write_text("---\ntitle: [unclosed\n---\nBody.\n")
    config = golden_config(tmp_path / "again", content_dir=content)
    with caplog.at_level(logging.ERROR, "site_builder"):
        assert run_build(config, now=NOW) == 1
    assert str(broken[0]) in caplog.text and str(broken[-1]) in caplog.text
    assert "Traceback" not in caplog.text
