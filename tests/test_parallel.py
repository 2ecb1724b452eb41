"""fork_map: the work is really done by forked workers, in order, and errors read as here.

fork_map falls back to working in this process when its pool fails, so the same results
alone would not show that any worker ran: these tests look at which process did the work.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from site_builder import parallel
from site_builder.config import SiteConfig
from site_builder.content.markup import PARALLEL_MIN, MarkdownConverter


def tagged(item: int) -> tuple[int, int]:
    return item, os.getpid()


@pytest.fixture
def two_cores(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)


def test_items_are_done_by_forked_workers_and_come_back_in_order(two_cores):
    results = parallel.fork_map(tagged, list(range(100)), min_per_worker=10)
    assert [item for item, _ in results] == list(range(100))
    workers = {pid for _, pid in results}
    assert os.getpid() not in workers and len(workers) >= 1


def test_too_few_items_for_two_workers_are_done_here(two_cores):
    results = parallel.fork_map(tagged, list(range(19)), min_per_worker=10)
    assert {pid for _, pid in results} == {os.getpid()}
    results = parallel.fork_map(tagged, list(range(20)), min_per_worker=10)
    assert os.getpid() not in {pid for _, pid in results}


def failing(item: int) -> int:
    if item == 37:
        raise ValueError(f"item {item} is bad")
    return item


def test_an_error_in_a_worker_is_raised_as_it_would_be_here(two_cores):
    with pytest.raises(ValueError, match="item 37 is bad"):
        parallel.fork_map(failing, list(range(100)), min_per_worker=10)


RECORD: list[Path] = []  # where recording_slice notes its process; set before the fork


def recording_slice(bounds):
    """parallel._run_slice, noting which process ran it (module-level: the pool pickles it)."""
    with open(RECORD[0], "a", encoding="ascii") as out:
        out.write(f"{os.getpid()}\n")
    return RUN_SLICE(bounds)


RUN_SLICE = parallel._run_slice


def test_a_large_batch_of_markdown_is_converted_by_workers(two_cores, monkeypatch, tmp_path):
    """The renderer's parallel path forks: each slice is done in a process that is not this one."""
    RECORD[:] = [tmp_path / "pids"]
    monkeypatch.setattr(parallel, "_run_slice", recording_slice)
    bodies = [f"Paragraph {n} with *emphasis*." for n in range(PARALLEL_MIN * 2)]
    html = MarkdownConverter(SiteConfig()).html_many(bodies)
    assert html[3] == "<p>Paragraph 3 with <em>emphasis</em>.</p>"
    pids = set((tmp_path / "pids").read_text(encoding="ascii").split())
    assert pids and str(os.getpid()) not in pids
