"""A build cache that cannot be written: the state file or SQLite's -shm read-only, the
cache folder read-only or a file. The build goes on without a cache and says so in one
line, or fails in one line; never a traceback, and a later build is not stuck.

We run as root, for whom file modes mean nothing: `chattr +i` (immutable) is what makes a
file read-only here; where the file system has no such flag the tests are skipped."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli

ARTICLE = """---
id: urn:uuid:3f0c5a4e-8d1b-4c2a-9b7e-1f2d3c4b5a69
title: Port reopens
date: 2026-02-11T00:00:00+00:00
---
The port reopened.
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "site.toml").write_text('title = "Desk"\n', encoding="utf-8")
    (tmp_path / "content" / "gulf").mkdir(parents=True)
    (tmp_path / "content" / "gulf" / "port.md").write_text(ARTICLE, encoding="utf-8")
    return tmp_path


@contextlib.contextmanager
def immutable(path: Path):
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
        pytest.skip("the file system has no immutable flag")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def state(site: Path) -> Path:
    return site / ".cache" / "site_builder" / "state.sqlite3"


def edit(site: Path, text: str) -> None:
    with (site / "content" / "gulf" / "port.md").open("a", encoding="utf-8") as f:
        f.write(text)


def built_without_cache(proc) -> None:
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "building without it" in proc.stderr


def test_a_read_only_state_file_builds_without_a_cache(site):
    run_cli("build", cwd=site, check=True)
    edit(site, "\nMore.\n")
    with immutable(state(site)):
        built_without_cache(run_cli("build", cwd=site))
    proc = run_cli("build", cwd=site)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr


def test_a_read_only_shm_left_behind_does_not_fail_every_later_build(site):
    run_cli("build", cwd=site, check=True)
    # A build killed mid-way leaves -shm and -wal beside the state (here: a process that
    # opened it and died without closing).
    code = f"import sqlite3, os; db = sqlite3.connect({str(state(site))!r}); "
    code += "db.execute('select * from meta').fetchall(); os._exit(0)"
    subprocess.run(["python3", "-c", code], check=True)
    shm = state(site).with_name("state.sqlite3-shm")
    assert shm.exists()
    edit(site, "\nMore.\n")
    with immutable(shm):
        built_without_cache(run_cli("build", cwd=site))
    proc = run_cli("build", cwd=site)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert "building without it" not in proc.stderr  # the stale -shm was cleared away
    assert sqlite3.connect(state(site)).execute("select count(*) from articles").fetchone()[0]


def test_a_cache_folder_that_is_a_file_is_one_line(site):
    (site / ".cache").write_text("not a folder", encoding="utf-8")
    proc = run_cli("build", cwd=site)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert ".cache/site_builder: cannot write: Not a directory" in proc.stderr


def test_a_read_only_cache_folder_is_one_line_or_a_build_without_it(site):
    (site / ".cache").mkdir()
    with immutable(site / ".cache"):
        proc = run_cli("build", cwd=site)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert ".cache/site_builder: cannot write: Operation not permitted" in proc.stderr
    run_cli("build", cwd=site, check=True)
    edit(site, "\nMore.\n")
    with immutable(state(site).parent):
        built_without_cache(run_cli("build", cwd=site))
