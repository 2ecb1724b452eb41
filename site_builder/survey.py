"""What changed on disk since the last build, found on another core.

A quick build (quickbuild.py) must stat every content file (to find the edited ones) and
every file in output/ (to notice hand edits there): 22,000 stat calls at 10,000 articles,
some 80 ms, as long as all the rest of a one-article rebuild. Threads do not help (the
GIL); a forked child does: it surveys the disk while this process loads the outline and
imports the renderer, and sends two answers through a pipe as soon as it has each.
Without fork (or if the child fails) the survey runs here, with the same answers.
"""

from __future__ import annotations

import functools
import os
import pickle
import select
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

Stamp = tuple[int, int, int]


class Survey:
    """The content files that changed since the last build, and whether output/ is as that
    build left it, compared with the `stamps` and `output` of its outline: `read_outline`
    gives those as a dict with the outline's `generation` (or None). The survey reads them
    on its own, so as not to wait for this process to."""

    def __init__(self, content: Path, output: Path, read_outline: Callable[[], Any]):
        read_outline = functools.cache(read_outline)  # once per process
        self._jobs = (lambda: _changed_content(content, read_outline),
                      lambda: _output_intact(output, read_outline))
        self._answers: list[Any] = []
        self._finished = False
        self._pipe, self._pid = _fork(self._jobs)

    def changed(self, generation: str) -> dict[str, Stamp] | None:
        """{changed content file: its stat}, against the outline of this generation; None
        if the set of files differs (or cannot be seen the way the loader sees it)."""
        answer = self._answer(0)
        return answer[1] if answer is not None and answer[0] == generation else None

    def output_intact(self, generation: str) -> bool:
        """True if every file in output/ has the size and mtime that the outline of this
        generation says the last build left."""
        return self._answer(1) == (generation, True)

    def waiting(self) -> bool:
        """True while the child works on its first answer (time this process may use)."""
        if self._answers or self._pipe is None:
            return False
        return not select.select([self._pipe], [], [], 0)[0]

    def _answer(self, number: int) -> Any:
        while len(self._answers) <= number:
            self._answers.append(self._next())
        return self._answers[number]

    def _next(self) -> Any:
        number = len(self._answers)
        if self._pipe is not None:
            try:
                answer = pickle.load(self._pipe)  # noqa: S301 - from our own child
            except Exception:  # noqa: BLE001 - the child died: do it here
                self.close()
            else:
                if number == len(self._jobs) - 1:
                    self._finished = True  # and the child exits
                    self.close()
                return answer
        return self._jobs[number]()

    def close(self) -> None:
        """Done with the child: stopped if it is still at work, and collected."""
        if self._pipe is None:
            return
        self._pipe.close()
        self._pipe = None
        if not self._finished:  # it may be at work still
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        os.waitpid(self._pid, 0)


def _fork(jobs: tuple[Callable[[], Any], ...]) -> tuple[Any, int]:
    """Run each job in a forked child, its pickled results coming through a pipe; return
    the pipe's reading end and the child's pid, or (None, 0) where there is no fork."""
    if not hasattr(os, "fork"):
        return None, 0
    read, write = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return None, 0
    if pid == 0:  # the child: only its own os and pickle calls, then out without cleanup
        status = 0
        try:
            os.close(read)
            with os.fdopen(write, "wb") as pipe:
                for job in jobs:
                    pickle.dump(job(), pipe, pickle.HIGHEST_PROTOCOL)
                    pipe.flush()
        except BaseException:  # noqa: BLE001 - the parent sees a short pipe and redoes it
            status = 1
        finally:
            os._exit(status)
    os.close(write)
    return os.fdopen(read, "rb"), pid


def _changed_content(content: Path, read_outline: Callable[[], Any]
                     ) -> tuple[str, dict[str, Stamp]] | None:
    outline = read_outline()
    found = content_stamps(content)
    if outline is None or found is None or found.keys() != outline["stamps"].keys():
        return None
    old = outline["stamps"]
    return outline["generation"], {path: stamp for path, stamp in found.items()
                                   if stamp != old[path]}


def _output_intact(output: Path, read_outline: Callable[[], Any]) -> tuple[str, bool] | None:
    outline = read_outline()
    if outline is None:
        return None
    return outline["generation"], output_stamps(output, outline["output"]) == outline["output"]


def content_stamps(content: Path) -> dict[str, Stamp] | None:
    """Every content file's stat, as the loader names them; None where the quick way
    would not see what the loader sees (a missing folder, symbolic links)."""
    found: dict[str, Stamp] = {}
    if not content.is_dir() or content.is_symlink():
        return None
    todo = [str(content)]
    try:
        while todo:
            with os.scandir(todo.pop()) as entries:
                for entry in entries:
                    if entry.is_symlink():
                        return None
                    if entry.is_dir():
                        todo.append(entry.path)
                    elif entry.name.endswith(".md") and not entry.name.startswith(".#"):
                        st = entry.stat()
                        found[entry.path] = (st.st_mtime_ns, st.st_size, st.st_ino)
    except OSError:  # unreadable, or gone while we looked: the full way says which
        return None
    return found


def output_stamps(output: Path, files) -> dict[str, tuple[int, int]]:
    """Size and modification time of each published file (missing ones left out)."""
    stamps = {}
    try:
        root = os.open(output, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return stamps
    try:
        for relpath in files:
            try:
                st = os.stat(relpath, dir_fd=root)  # no path joins: 12,000 of them add up
            except OSError:
                continue
            stamps[relpath] = (st.st_size, st.st_mtime_ns)
    finally:
        os.close(root)
    return stamps
