"""Deploy to a folder or an SSH host with rsync: compare by checksum, send in the plan's
batches (one rsync pass each, listed with --files-from), then delete in a last pass the
files the manifest lists and the site no longer has (--delete-missing-args: exactly those)."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from site_builder.deploy import manifest, plan
from site_builder.deploy.common import Context, DeployError, last_line, run
from site_builder.deploy.manifest import MANIFEST
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
    # A dry run with --delete itemizes what the host holds that output/ lacks.
    changes = _items(
        run([*base, "--recursive", "--dry-run", "--delete", source, destination], what)
    )
    uploads = {name: size for item, size, name in changes if _sent(item)}
    new = {name for item, _, name in changes if _sent(item) and item[2:].startswith("+++")}
    others = {n for i, _, n in changes if i.startswith("*deleting") and not n.endswith("/")}
    site = set(ctx.files)
    present = (site - new) | others - {MANIFEST}
    listed = _manifest(base, destination, what) if MANIFEST in others else None
    claim = manifest.claim(ctx, present, listed, site)
    result = plan.Result(unchanged=len(site) - len(uploads))
    result.note = f"kept {len(claim.kept)} files that were there" if claim.kept else ""
    if ctx.dry_run:
        result.uploaded = [(name, uploads[name]) for name in plan.ordered(uploads)]
        result.deleted = plan.delete_order(claim.delete)
        return result
    with tempfile.TemporaryDirectory(prefix="site-builder-rsync-") as folder:
        lists = Path(folder)
        if claim.before is not None:
            _put_manifest(base, lists, destination, what, claim.before)
        ctx.progress.start(len(uploads))
        for number, batch in enumerate(plan.batches(uploads)):
            listing = _listing(lists / f"batch-{number}", batch)
            sent = _items(run([*base, f"--files-from={listing}", source, destination], what))
            for item, size, name in sent:
                if _sent(item):
                    result.uploaded.append((name, size))
                    ctx.progress.advance(name, size)
        if claim.delete:
            result.deleted = _delete(ctx, host, base, lists, claim.delete)
        if claim.after != listed:
            _put_manifest(base, lists, destination, what, claim.after)
    return result


def _manifest(base: list[str], destination: str, what: str) -> set[str]:
    """The files the host's manifest lists."""
    with tempfile.TemporaryDirectory(prefix="site-builder-rsync-") as folder:
        run([*base, destination + MANIFEST, f"{folder}/"], what)
        return manifest.parse((Path(folder) / MANIFEST).read_bytes(), destination + MANIFEST)


def _put_manifest(
    base: list[str], folder: Path, destination: str, what: str, files: set[str]
) -> None:
    (folder / MANIFEST).write_bytes(manifest.dump(files))
    run([*base, str(folder / MANIFEST), destination], what)


def _delete(
    ctx: Context, host: RsyncHost, base: list[str], folder: Path, names: list[str]
) -> list[str]:
    """Delete exactly these files (named in output/'s snapshot, where they are missing),
    then the folders that deleting them left empty."""
    listing = _listing(folder / "deletes", plan.delete_order(names))
    proc = run(
        [
            *base,
            f"--files-from={listing}",
            "--delete-missing-args",
            f"{ctx.output}/",
            host.destination,
        ],
        f"rsync to {host.destination}",
        check=False,
    )
    if proc.returncode not in (0, 24):  # 24: "vanished", the missing args it was told of
        raise DeployError(f"rsync to {host.destination} failed: {last_line(proc.stderr)}")
    _remove_empty_folders(ctx, host, names)
    return [name for item, _, name in _items(proc) if item.startswith("*deleting")]


def _remove_empty_folders(ctx: Context, host: RsyncHost, names: list[str]) -> None:
    """Folders of deleted files that hold nothing now (rmdir removes only empty ones)."""
    folders = sorted(
        {str(PurePosixPath(name).parents[i]) for name in names for i in range(name.count("/"))},
        key=lambda f: (-f.count("/"), f),
    )
    if not folders:
        return
    root = host.path.rstrip("/")
    if host.host is None:
        for name in folders:
            try:
                os.rmdir(f"{root}/{name}")
            except OSError:
                pass
        return
    home = root == "~" or root.startswith("~/")
    quoted = "~/" + shlex.quote(root[2:] or ".") if home else shlex.quote(root)
    target = f"{host.user + '@' if host.user else ''}{host.host}"
    script = f"cd {quoted} && rmdir --ignore-fail-on-non-empty -- " + shlex.join(folders)
    run([*ctx.ssh_command(host.port), target, script], "ssh rmdir", check=False)


def _listing(path: Path, names: list[str]) -> Path:
    path.write_text("".join(name + "\n" for name in names), encoding="utf-8")
    return path


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
