"""One deploy at a time per site: an flock on a file in the build cache.

The kernel drops the lock with the process, so a deploy killed with SIGKILL never leaves
a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from site_builder.deploy.common import DeployError

LOCK_FILE = "deploy.lock"


@contextmanager
def deploy_lock(cache_dir: Path) -> Iterator[None]:
    """Hold the site's deploy lock, or fail at once naming the deploy that holds it."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            raise DeployError(
                f"another deploy is running (pid {holder}); wait for it to finish", path
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)
