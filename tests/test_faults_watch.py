"""Watch mode under stress, with the real watchdog watcher and the engine.

A thousand file events in two seconds, files deleted while the build reads them, a template
that raises, the content folder vanishing and coming back: the loop survives all of it, and
once things settle output/ is byte-identical to a clean build of the same sources.
"""

from __future__ import annotations

import hashlib
import logging
import os
import random
import shutil
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import REPO
from test_incremental import Watching

from site_builder.config import load_config
from site_builder.engine.build import build_site
from site_builder.serve import devloop
from site_builder.serve.watch import Watcher

sys.path.insert(0, str(REPO / "benchmarks"))
from corpus import generate


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def clean_build(root: Path) -> dict[str, str]:
    """A full build of the same sources into a separate folder."""
    shutil.rmtree(root / "clean", ignore_errors=True)
    build_site(load_config(root / "site.toml", {"output_dir": root / "clean"}, root=root))
    return tree(root / "clean")


class Loop:
    """The watch loop in a thread, as `site-builder watch` runs it; records every rebuild."""

    def __init__(self, root: Path, max_wait: float = 2.0):
        self.config = load_config(root / "site.toml", root=root)
        self.builder = Watching(self.config)
        self.watcher = Watcher(self.config, max_wait=max_wait)
        self.outcomes: list[bool] = []
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.done = threading.Condition()  # notified after every rebuild
        self.handled: set[Path] = set()  # the changed paths rebuilt so far
        self.rounds = 0

    def _rebuild(self, changed):
        return self.builder.rebuild(changed)

    def _run(self):
        for changed in self.watcher.changes():
            ok = devloop.rebuild_once(self._rebuild, changed, self.config.root)
            with self.done:
                self.outcomes.append(ok)
                self.handled |= set(changed)
                self.done.notify_all()

    def __enter__(self):
        self.watcher.start()
        self.outcomes.append(devloop.rebuild_once(self._rebuild, None, self.config.root))
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.watcher.stop()
        self.thread.join(timeout=10)

    def settle(self, limit: float = 60.0) -> None:
        """Return once every change made so far is rebuilt: one more change is made in each
        watched folder (an unused template; an article in content/gulf) and their rebuilds
        awaited. Each folder's watch reports its changes in the order they happened (the
        watches of different folders do not keep order between them), so rebuilds that saw
        all these saw everything before them."""
        self.rounds += 1
        sentinels = [self.config.templates_dir / f"_settle-{self.rounds}.html"]
        sentinels[0].write_text("", encoding="utf-8")
        gulf = self.config.content_dir / "gulf"
        if gulf.is_dir():
            sentinels.append(gulf / f"settle-{self.rounds}.md")
            sentinels[1].write_text(article(900 + self.rounds, "Settled"), encoding="utf-8")
        with self.done:
            # (a folder that came back is announced whole: that covers a sentinel in it)
            if not self.done.wait_for(
                lambda: all({s, *s.parents} & self.handled for s in sentinels), limit
            ):
                raise AssertionError("the watch loop never settled")

    def assert_alive(self):
        assert self.thread.is_alive() and self.watcher.observer.is_alive()


@pytest.fixture
def site(tmp_path):
    generate(40, tmp_path)
    for theme in ("templates", "static"):
        shutil.copytree(REPO / theme, tmp_path / theme)
    (tmp_path / "site.toml").write_text(
        'title = "Stress Desk"\nbase_url = "https://example.org/"\n', encoding="utf-8"
    )
    return tmp_path


def article(n: int, words: str = "Body") -> str:
    return (
        f"---\nid: urn:uuid:00000000-0000-5000-8000-{n:012d}\ntitle: Stress article {n}\n"
        f"date: 2026-01-{1 + n % 28:02d}T08:00:00+00:00\nregion: gulf\ncountries: [Qatar]\n"
        f"---\n{words} of article {n}.\n"
    )


def test_a_thousand_events_in_two_seconds_end_as_a_clean_build(site, caplog):
    caplog.set_level(logging.INFO, logger="site_builder")
    gulf = site / "content" / "gulf"
    gulf.mkdir(exist_ok=True)
    rng = random.Random(1)
    with Loop(site) as loop:
        started, events = time.monotonic(), 0
        while events < 1000:
            n = rng.randrange(60)
            path = gulf / f"stress-{n}.md"
            if path.exists() and rng.random() < 0.2:
                path.unlink()
            else:  # saved whole, as editors do (a half-written file is the next test's case)
                temp = path.with_name(f".{path.name}.tmp")
                temp.write_text(article(n, f"Edit {events}"), encoding="utf-8")
                os.replace(temp, path)
            events += 1
            time.sleep(max(0.0, started + events * 0.002 - time.monotonic()))
        assert time.monotonic() - started < 10.0  # paced for two seconds; slack for a busy CI
        loop.settle()
        loop.assert_alive()
        assert all(loop.outcomes), caplog.text
        assert 2 <= len(loop.outcomes) < 200  # bursts were coalesced, not one build per event
        assert tree(site / "output") == clean_build(site)


def test_files_deleted_while_being_read_never_stop_the_loop(site, caplog):
    caplog.set_level(logging.INFO, logger="site_builder")
    gulf = site / "content" / "gulf"
    gulf.mkdir(exist_ok=True)
    stop = threading.Event()

    def churn():  # create, half-write and delete files as fast as the disk allows
        n = 0
        while not stop.is_set():
            path = gulf / f"flicker-{n % 20}.md"
            path.write_text(
                article(100 + n % 20)[:40], encoding="utf-8"
            )  # half a file: invalid for a moment
            path.write_text(article(100 + n % 20), encoding="utf-8")
            time.sleep(0.001)
            path.unlink()
            n += 1

    # A short max_wait: rebuilds run in the middle of the churn, not after it.
    with Loop(site, max_wait=0.2) as loop:
        worker = threading.Thread(target=churn)
        worker.start()
        with loop.done:  # churn until rebuilds have run in the middle of it
            rebuilt = loop.done.wait_for(lambda: len(loop.outcomes) >= 4, 30)
        stop.set()
        worker.join()
        loop.settle()
        assert rebuilt, caplog.text  # rebuilds ran during the churn
        loop.assert_alive()
        assert "Traceback" not in caplog.text and "internal error" not in caplog.text
        assert tree(site / "output") == clean_build(site)


def test_a_template_that_raises_and_a_vanishing_content_folder(site, caplog):
    caplog.set_level(logging.INFO, logger="site_builder")
    template = site / "templates" / "article.html"
    good = template.read_text(encoding="utf-8")
    with Loop(site) as loop:
        before = tree(site / "output")
        # 1. A template that raises while rendering: the build fails, the site stays.
        template.write_text(
            good.replace("{{ article.title }}", "{{ article.title.nope() }}", 1), encoding="utf-8"
        )
        loop.settle()
        assert loop.outcomes[-1] is False
        assert "article.html" in caplog.text and "the last good site stays in place" in caplog.text
        assert tree(site / "output") == before
        # 2. A template that does not even compile.
        template.write_text(good + "{% if %}", encoding="utf-8")
        loop.settle()
        assert loop.outcomes[-1] is False and tree(site / "output") == before
        template.write_text(good, encoding="utf-8")
        loop.settle()
        assert loop.outcomes[-1] is True
        # 3. The content folder disappears (a branch switch, a sync tool) and comes back.
        shutil.move(site / "content", site / "content-away")
        loop.settle()
        shutil.move(site / "content-away", site / "content")
        loop.settle()
        (site / "content" / "gulf" / "back.md").write_text(
            article(7, "Written after the return"), encoding="utf-8"
        )
        loop.settle()
        loop.assert_alive()
        assert loop.outcomes[-1] is True
        assert "internal error" not in caplog.text and "Traceback" not in caplog.text
        assert tree(site / "output") == clean_build(site)
        assert b"Written after the return" in b"".join(
            p.read_bytes() for p in (site / "output" / "articles").rglob("index.html")
        )
