"""Shared fixtures: where things are, and running the real command line in a subprocess."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEED = DATA / "seed" / "000_6ec05461cbc230fc.txt"


def run_cli(*args: str, cwd: Path, check: bool = False, timeout: float = 120):
    """Run `python -m site_builder ARGS` in cwd; return the CompletedProcess (text mode)."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "site_builder", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


# Every build in the tests, in this process or a child, sees the same clock: the repository's
# articles (dated up to 2026-11-26) are all out, whatever the machine's date.
PINNED_NOW = "1795824000"  # 2026-11-28T00:00:00Z


os.environ["SOURCE_DATE_EPOCH"] = PINNED_NOW  # before any fixture starts a server or a build


@pytest.fixture
def cli():
    """The run_cli function, as a fixture."""
    return run_cli


@pytest.fixture
def seed_dump() -> Path:
    """The raw dump of four real Asharq Al-Awsat articles (a copy of shared/seed)."""
    return SEED


@pytest.fixture(autouse=True)
def _site_builder_logger():
    """The command line, when a test runs it in this process, gives the logger a handler of
    its own and stops propagation; each test gets the logger back as it was, so caplog sees
    every message whatever order the tests run in."""
    logger = logging.getLogger("site_builder")
    handlers, propagate, level = logger.handlers[:], logger.propagate, logger.level
    yield
    logger.handlers[:] = handlers
    logger.propagate = propagate
    logger.setLevel(level)
