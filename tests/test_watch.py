"""The watcher: which changes matter, and bursts coalesced by a real watchdog observer."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from site_builder.config import load_config
from site_builder.serve.watch import Watcher, is_relevant


@pytest.fixture
def config(tmp_path):
    for folder in ("content/gulf", "templates", "static", "output"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "site.toml").write_text('title = "T"\n', encoding="utf-8")
    return load_config(tmp_path / "site.toml", root=tmp_path)


@pytest.mark.parametrize(
    "relative, expected",
    [
        ("content/gulf/a.md", True),
        ("content/gulf", True),
        ("templates/base.html", True),
        ("static/style.css", True),
        ("site.toml", True),
        ("content/gulf/.a.md.swp", False),
        ("content/gulf/a.md~", False),
        ("content/gulf/.#a.md", False),
        ("content/gulf/4913", False),
        ("content/gulf/#a.md#", False),
        ("output/index.html", False),
        (".cache/site_builder/x", False),
        ("README.md", False),
        ("other.toml", False),
    ],
)
def test_is_relevant(config, relative, expected):
    assert is_relevant(config.root / relative, config) is expected


class Recorder:
    """Runs the watcher loop in a thread and records each burst it yields."""

    def __init__(self, config, settle: float = 0.1):
        self.config = config
        self.watcher = Watcher(config, settle=settle)
        self.bursts: list[set[Path]] = []
        self.yielded = threading.Condition()  # notified for every burst
        self.thread = threading.Thread(target=self._run)

    def _run(self):
        for changed in self.watcher.changes():
            with self.yielded:
                self.bursts.append(changed)
                self.yielded.notify_all()

    def __enter__(self):
        self.watcher.start()
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.watcher.stop()
        self.thread.join(timeout=5)
        assert not self.thread.is_alive()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[set[Path]]:
        """The bursts, once there are `count` of them."""
        with self.yielded:
            self.yielded.wait_for(lambda: len(self.bursts) >= count, timeout)
            return list(self.bursts)

    def settled(self, timeout: float = 10.0) -> list[set[Path]]:
        """The bursts before one more change, once that change came as a burst of its own:
        whatever the watcher had pending (or would have sent late) came before it."""
        sentinel = self.config.content_dir / "gulf" / "sentinel.md"
        sentinel.write_text("last", encoding="utf-8")
        with self.yielded:
            self.yielded.wait_for(lambda: any(sentinel in b for b in self.bursts), timeout)
            bursts = list(self.bursts)
        assert bursts and bursts[-1] == {sentinel}, bursts
        return bursts[:-1]


def test_an_atomic_save_is_one_burst(config):
    article = config.content_dir / "gulf" / "a.md"
    with Recorder(config) as rec:
        tmp = article.with_name(".a.md.swp")
        tmp.write_text("draft", encoding="utf-8")
        (article.parent / "4913").write_text("", encoding="utf-8")
        os.remove(article.parent / "4913")
        tmp.rename(article)
        rec.wait_for(1)
        bursts = rec.settled()
    assert len(bursts) == 1 and article in bursts[0]


def test_a_burst_of_many_files_is_one_rebuild(config):
    # settle: the quiet time that ends a burst, well above a busy machine's scheduling gaps
    with Recorder(config, settle=0.3) as rec:
        for i in range(300):
            (config.content_dir / "gulf" / f"a{i}.md").write_text("x", encoding="utf-8")
        rec.wait_for(1)
        bursts = rec.settled()
    assert len(bursts) == 1 and len(bursts[0]) >= 300


def test_output_and_swap_files_are_ignored(config):
    with Recorder(config) as rec:
        (config.output_dir / "index.html").write_text("built", encoding="utf-8")
        (config.content_dir / "gulf" / "a.md~").write_text("backup", encoding="utf-8")
        bursts = rec.settled()
    assert bursts == []


def test_site_toml_and_templates_are_watched(config):
    with Recorder(config) as rec:
        (config.root / "site.toml").write_text('title = "New"\n', encoding="utf-8")
        rec.wait_for(1)
        (config.templates_dir / "base.html").write_text("<html>", encoding="utf-8")
        bursts = rec.wait_for(2)
    assert {config.root / "site.toml"} <= bursts[0]
    assert config.templates_dir / "base.html" in bursts[1]


def test_a_content_folder_that_disappears_and_comes_back(config):
    with Recorder(config) as rec:
        shutil.rmtree(config.content_dir)
        rec.wait_for(1)
        (config.content_dir / "gulf").mkdir(parents=True)
        rec.wait_for(2)
        (config.content_dir / "gulf" / "b.md").write_text("x", encoding="utf-8")
        bursts = rec.wait_for(3)
    assert any(config.content_dir / "gulf" / "b.md" in b for b in bursts[2:])
