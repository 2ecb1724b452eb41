"""What every deploy target shares: the error, the context it is given, subprocesses, progress."""

from __future__ import annotations

import logging
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from site_builder.config import DeployTarget, SiteConfig
from site_builder.deploy import plan
from site_builder.errors import SiteBuilderError

log = logging.getLogger("site_builder")


class DeployError(SiteBuilderError):
    """A deploy cannot start or the host refused it; one line, never a credential."""


@dataclass
class Context:
    """One deploy: the site, the target, and what the command line asked for."""

    config: SiteConfig
    target: DeployTarget
    dry_run: bool
    delete: bool
    summary: str  # the last build's summary line (git commit message)
    adopt: bool = False  # deploy into a target that holds files but no manifest
    snapshot: Path | None = None  # output/ as it was when the deploy started
    progress: Progress = field(default_factory=lambda: Progress())

    @property
    def output(self) -> Path:
        """The built site: the deploy's snapshot of output/ (a build may run meanwhile)."""
        return self.snapshot or self.config.output_dir

    @cached_property
    def files(self) -> dict[str, plan.LocalFile]:
        """Every file of output/ with size and MD5 (read once, when a target asks)."""
        return plan.local_files(self.output)

    def fail(self, message: str) -> DeployError:
        """An error about this target's configuration, at its line in site.toml."""
        where = self.config.config_path or "site.toml"
        return DeployError(f"'deploy.{self.target.name}': {message}", where, self.target.line)

    def ssh_command(self, port: int | None) -> list[str]:
        """The ssh command for rsync and git: the target's, or plain ssh, with the URL's port."""
        command = shlex.split(self.target.ssh_command) if self.target.ssh_command else ["ssh"]
        return command + (["-p", str(port)] if port else [])


class Progress:
    """Counts uploads; a bar on a terminal, a line per file with -v."""

    def __init__(self) -> None:
        self.total = self.done = 0
        self.tty = sys.stderr.isatty() and log.isEnabledFor(logging.INFO)

    def start(self, total: int) -> None:
        """The number of files about to go up."""
        self.total, self.done = total, 0

    def advance(self, path: str, size: int) -> None:
        """One file is on the host."""
        self.done += 1
        log.debug("uploaded %s (%d bytes)", path, size)
        if self.tty and self.total:
            filled = 30 * self.done // self.total
            end = "\n" if self.done == self.total else ""
            bar = "#" * filled + " " * (30 - filled)
            sys.stderr.write(f"\r[{bar}] {self.done}/{self.total}{end}")
            sys.stderr.flush()


def run(
    command: list[str],
    what: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    check: bool = True,
    input_text: str | None = None,
) -> subprocess.CompletedProcess:
    """Run a tool (rsync, git); a failure becomes one DeployError line naming `what`."""
    try:
        proc = subprocess.run(
            command,
            capture_output=True,
            text=True,
            cwd=cwd,
            env={**os.environ, **(env or {})},
            input=input_text or "",
        )
    except FileNotFoundError:
        raise DeployError(
            f"{what}: '{command[0]}' is not installed (Debian: apt-get install "
            f"{ {'ssh': 'openssh-client'}.get(command[0], command[0]) })"
        ) from None
    if check and proc.returncode != 0:
        cause = last_line(proc.stderr) or f"exit status {proc.returncode}"
        raise DeployError(f"{what} failed: {cause}")
    return proc


def last_line(text: str) -> str:
    """The most telling line of a tool's error output: the cause (ssh's 'Connection
    refused', git's 'fatal: ...') rather than rsync's closing 'rsync error: ... (code 255)'."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    causes = [
        line
        for line in lines
        if not line.startswith(("rsync error:", "rsync: connection unexpectedly closed"))
    ]
    lines = causes or lines
    errors = [line for line in lines if re.search(r"error|fatal|denied|refused|ssh:", line, re.I)]
    return (errors or lines or [""])[-1]
