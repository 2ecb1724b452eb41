"""Deploy to a folder or an SSH host with rsync: compare by checksum, send in the plan's
batches (one rsync pass each, listed with --files-from), then delete in a last pass."""

from __future__ import annotations

import shlex
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from site_builder.deploy import plan
from site_builder.deploy.common import Context, run
from site_builder.deploy.targets import RsyncHost

# %i: what changed ('>f+++' a new file, '*deleting'); %l: its length; %n: its name.
_OPTIONS = [
    "--checksum",
    "--links",
    "--times",
    "--omit-dir-times",
    "--perms",
    "--chmod=D755,F644",
    "--no-owner",
    "--no-group",
    "--mkpath",
    "--out-format=%i|%l|%n",
    *(f"--exclude={name}" for name in plan.UNPUBLISHED),
]


def deploy(ctx: Context, host: RsyncHost) -> plan.Result:
    """Ask rsync what differs (a dry run), then send it batch by batch, then delete."""
    if host.host is None:
        return _passes(ctx, host, ["rsync", *_OPTIONS])
    with _shared_connection(ctx, host) as ssh:
        return _passes(ctx, host, ["rsync", *_OPTIONS, "-e", shlex.join(ssh)])


@contextmanager
def _shared_connection(ctx: Context, host: RsyncHost) -> Iterator[list[str]]:
    """The ssh command for every pass, sharing one connection (a new one per pass costs a
    handshake each); the master connection is closed at the end, or idles out."""
    with tempfile.TemporaryDirectory(prefix="sb-ssh-") as folder:
        ssh = ctx.ssh_command(host.port) + [
            "-o",
            "ControlMaster=auto",
            "-o",
            f"ControlPath={folder}/%C",
            "-o",
            "ControlPersist=30",
        ]
        try:
            yield ssh
        finally:
            target = f"{host.user + '@' if host.user else ''}{host.host}"
            subprocess.run(
                [*ssh, "-O", "exit", target], capture_output=True, stdin=subprocess.DEVNULL
            )


def _passes(ctx: Context, host: RsyncHost, base: list[str]) -> plan.Result:
    source, destination = f"{ctx.output}/", host.destination
    what = f"rsync to {destination}"
    delete = ["--delete"] if ctx.delete else []
    changes = _items(run([*base, "--recursive", "--dry-run", *delete, source, destination], what))
    uploads = {name: size for item, size, name in changes if _sent(item)}
    deletes = [
        name for item, _, name in changes if item.startswith("*deleting") and not name.endswith("/")
    ]
    result = plan.Result(unchanged=_count_files(ctx.output) - len(uploads))
    if ctx.dry_run:
        result.uploaded = [(name, uploads[name]) for name in plan.ordered(uploads)]
        result.deleted = plan.delete_order(deletes)
        return result
    ctx.progress.start(len(uploads))
    with tempfile.TemporaryDirectory(prefix="site-builder-rsync-") as folder:
        for number, batch in enumerate(plan.batches(uploads)):
            listing = Path(folder) / f"batch-{number}"
            listing.write_text("".join(name + "\n" for name in batch), encoding="utf-8")
            sent = _items(run([*base, f"--files-from={listing}", source, destination], what))
            for item, size, name in sent:
                if _sent(item):
                    result.uploaded.append((name, size))
                    ctx.progress.advance(name, size)
    if ctx.delete:
        # Sends nothing (every file exists and none is new): only removes what output/ lacks.
        gone = _items(
            run(
                [
                    *base,
                    "--recursive",
                    "--delete",
                    "--existing",
                    "--ignore-existing",
                    source,
                    destination,
                ],
                what,
            )
        )
        result.deleted = [
            name
            for item, _, name in gone
            if item.startswith("*deleting") and not name.endswith("/")
        ]
    return result


def _items(proc) -> list[tuple[str, int, str]]:
    """rsync's itemized lines as (change, size, name)."""
    items = []
    for line in proc.stdout.splitlines():
        fields = line.split("|", 2)
        if len(fields) == 3 and fields[1].isdigit():
            items.append((fields[0], int(fields[1]), fields[2]))
    return items


def _sent(item: str) -> bool:
    """A regular file whose content goes over ('<f' to a host, '>f' into a local folder)."""
    return len(item) > 1 and item[0] in "<>" and item[1] == "f"


def _count_files(folder: Path) -> int:
    return sum(
        1 for path in folder.rglob("*") if path.is_file() and path.name not in plan.UNPUBLISHED
    )
