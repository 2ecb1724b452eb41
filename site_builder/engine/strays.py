"""What the kept previous site holds beyond the site: its strays (publish.py drops them).

A staged build keeps the site it swapped aside and stages the next build from it, so a
file someone dropped into output/ before that swap must be found there and dropped, or it
is published again. Finding them is a walk of every folder of the kept site: 1.2 s at
100,000 articles, the kernel's time, not ours. The kept site is hidden and written by
builds alone, under the build lock, so its strays are the same from its swap to the next
build: a detached process walks it right after the swap (`walk_later`), while the editor
reads the site, and the next build takes its answer (`walked`), waiting for the walk if it
is still going. Every answer names the swap it walked after (a random token the publisher
keeps in the state): an answer from an earlier swap, a killed walk or another state is
never taken; the build then walks the folder itself.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import json
import os
import secrets
import sqlite3
from collections.abc import Callable, Collection
from pathlib import Path

WALKED = "kept-site-strays.json"  # in the state folder: the walk after the last swap
WALKING = WALKED + ".lock"  # held by that walk while it runs


def strays(site_folder: str, wanted: Collection[str]) -> list[str]:
    """Files and empty folders below a site's folder that the site (`wanted`, its files)
    does not have: a CNAME someone copied into output/, a file dropped into
    output/articles/, at any depth. Links are never followed: a linked folder is a stray if
    the site has nothing below it, else left for the publisher, which refuses to write
    through it. (The marker and .gitkeep, counted as strays, are put back by the publisher.)"""
    found, todo = [], [("", site_folder)]
    while todo:
        prefix, folder = todo.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue  # gone or unreadable: as os.walk, which it replaces, skips it
        if not entries and prefix:
            found.append(prefix[:-1])  # an empty folder the site does not have
        for entry in entries:
            path = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                todo.append((path + "/", entry.path))
            elif entry.is_symlink() and entry.is_dir():
                if not any(w.startswith(path + "/") for w in wanted):
                    found.append(path)
            elif path not in wanted:
                found.append(path)
    return found


def walk_later(state_folder: Path, kept: Path, site: Callable[[], Collection[str]]) -> str | None:
    """Start the walk of the site just swapped aside (`kept`, against the files `site`
    gives, called in the walk's process) in a process of its own that outlives this one;
    return its token, None if none started (no fork here, or a walk of an earlier swap
    still running: the next build then walks the folder itself)."""
    if not hasattr(os, "fork"):
        return None
    _reap()
    with contextlib.suppress(OSError):
        (state_folder / WALKED).unlink()  # whatever it says is of an earlier swap
    token = secrets.token_hex(8)
    try:
        lock = os.open(state_folder / WALKING, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:  # no state folder: the walk is a saving, not a must
        return None
    try:
        # Taken here, before the fork, so the next build cannot look before the walk holds
        # it; the walk's copy of this descriptor keeps it held until the walk ends.
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        child = os.fork()
    except OSError:  # BlockingIOError: an earlier walk still runs
        os.close(lock)
        return None
    if child == 0:
        try:
            _walk(lock, state_folder / WALKED, kept, site, token)
        finally:
            os._exit(0)
    os.close(lock)
    _WALKS.append(child)
    return token


_WALKS: list[int] = []  # walks this process started (one fork each: not two, at 25 ms a fork
# of a 450 MB build), each waited for once it ended, here or when the process exits


def _reap() -> None:
    for pid in list(_WALKS):
        try:
            done = os.waitpid(pid, os.WNOHANG)[0] != 0
        except ChildProcessError:
            done = True
        if done:
            _WALKS.remove(pid)


def _walk(
    lock: int, result: Path, kept: Path, site: Callable[[], Collection[str]], token: str
) -> None:
    """The detached walk: nothing of the build's held open (its build lock, a caller's
    pipes, which would wait for this process's end), the answer written whole or not at
    all, and only if the folder held still."""
    gc.disable()  # no finalizer of the build's objects may close a descriptor of the walk
    os.nice(10)  # the editor's next command comes first
    quiet = os.open(os.devnull, os.O_RDWR)
    for std in (0, 1, 2):
        os.dup2(quiet, std)
    os.closerange(3, lock)
    os.closerange(lock + 1, 1 << 16)
    try:
        before = os.lstat(kept).st_ino
        found = strays(str(kept), site())
        if os.lstat(kept).st_ino == before:
            # (not write_atomic: tempfile takes a lock another thread of the build, which
            # this fork did not copy, may have held)
            temporary = result.with_name(f".{result.name}.{os.getpid()}")
            temporary.write_bytes(json.dumps({"token": token, "strays": found}).encode())
            os.replace(temporary, result)
    except (OSError, sqlite3.Error):
        pass  # no answer: the next build walks the folder itself


def walked(state_folder: Path, token: str | None) -> list[str] | None:
    """The strays the walk `token` found, once it ended; None if it left no answer."""
    if token is None:
        return None
    try:
        with open(state_folder / WALKING, "rb") as lock:
            fcntl.flock(lock, fcntl.LOCK_SH)  # the walk still running: wait for its end
            answer = json.loads((state_folder / WALKED).read_bytes())
    except (OSError, ValueError):
        return None
    if isinstance(answer, dict) and answer.get("token") == token:
        found = answer.get("strays")
        return found if isinstance(found, list) else None
    return None
