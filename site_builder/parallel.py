"""Work spread over every core by forked processes, for the CPU-bound parts of cold builds.

Forked workers see the parent's data as it was at the fork, so only the items' indices go
out and only results come back; small jobs and systems without fork run here. Watch and
serve fork with their observer and server threads running: the workers run only Markdown,
nh3 and Jinja on data of their own, and logging re-creates its locks in a forked child.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_JOB: tuple[Callable[[Any], Any], Sequence[Any]] | None = None  # what the workers map


def fork_map(func: Callable[[T], R], items: Sequence[T], min_per_worker: int) -> list[R]:
    """[func(item) for item in items], on every core when each gets min_per_worker items.

    If a worker fails, everything is done again here, so an error is raised as it would
    be without workers (with its own type, file and line).
    """
    workers = min(os.cpu_count() or 1, len(items) // max(1, min_per_worker))
    if workers < 2 or os.name != "posix":
        return [func(item) for item in items]
    # Here: these take 15 ms to import, which a quick build that forks nothing would pay.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _JOB
    _JOB = (func, items)
    size = -(-len(items) // (workers * 4))  # a few slices a worker even out the load
    slices = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    try:
        with ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_die_with_parent,
            initargs=(os.getpid(),),
        ) as pool:
            return [result for part in pool.map(_run_slice, slices) for result in part]
    except Exception:
        return [func(item) for item in items]
    finally:
        _JOB = None


def _die_with_parent(parent: int) -> None:
    """A worker ends when the build that forked it ends, even by kill -9 (Linux prctl);
    elsewhere it ends when it finds its job queue closed."""
    import ctypes  # here, in the worker: a build that forks none does not import it

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _run_slice(bounds: tuple[int, int]) -> list[Any]:
    assert _JOB is not None, "runs in a worker forked by fork_map, which sets the job"
    func, items = _JOB
    return [func(item) for item in items[bounds[0] : bounds[1]]]
