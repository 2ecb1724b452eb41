"""A deploy killed with SIGKILL at some moment, or cut off by a host that drops the
connection, then run again, leaves the host exactly as a clean deploy would."""

from __future__ import annotations

import os
import random
import select
import subprocess
from pathlib import Path

from deploy_servers import DroppingProxy, cli, counts, kill_group, make_site, start_killable, tree
from test_deploy_targets import (  # noqa: F401  (fixtures)
    PAGES_EXTRAS,
    commits,
    delete_one_article,
    edit_one_article,
    git_tree,
    s3,
    sshd,
)

SEED = random.Random(1729)  # "random moments", the same ones on every run


def new_version(site: Path) -> None:
    """Enough change for a deploy of several batches: an edit, a deletion, a new article."""
    edit_one_article(site)
    delete_one_article(site)
    (site / "content" / "gulf").mkdir(exist_ok=True)
    (site / "content" / "gulf" / "new-port.md").write_text(
        "---\nid: urn:uuid:00000000-0000-5000-8000-000000000017\ntitle: Qatar Opens a New Port\n"
        "date: 2026-11-27T08:00:00+00:00\nregion: gulf\ncountries: [Qatar]\n---\n"
        "Qatar opened a new port on Friday.\n",
        encoding="utf-8",
    )
    cli(site, "build")


def kill_after_lines(site: Path, lines: int, *args: str) -> None:
    """Start a deploy and SIGKILL it (and its children) once it printed `lines` lines."""
    proc = start_killable(site, "deploy", "-v", *args)
    for _ in range(lines):
        if not proc.stderr.readline():
            break
    kill_group(proc)


def assert_one_line_error(proc: subprocess.CompletedProcess) -> None:
    assert proc.returncode == 1, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr, (
        proc.stderr
    )


def test_rsync_killed_at_random_moments_converges(tmp_path):
    www, clean = tmp_path / "www", tmp_path / "clean"
    site = make_site(
        tmp_path / "site", f'[deploy.staging]\nurl = "{www}"\n[deploy.clean]\nurl = "{clean}"\n'
    )
    cli(site, "build")
    cli(site, "deploy")
    new_version(site)
    expected = counts(cli(site, "deploy", "--dry-run"))[0]
    for moment in [0, *sorted(SEED.sample(range(1, expected), 3))]:
        kill_after_lines(site, moment)
    final = cli(site, "deploy")
    cli(site, "deploy", "clean")
    assert tree(www) == tree(clean) == tree(site / "output")
    assert counts(cli(site, "deploy"))[:3] == (0, 0, 0)
    assert counts(final)[0] <= expected


def test_rsync_over_a_dropped_ssh_connection_converges(tmp_path, sshd):
    www = tmp_path / "www"
    site = make_site(tmp_path / "site", "")
    cli(site, "build")
    proxy = DroppingProxy(sshd.port, limit=sum(len(b) for b in tree(site / "output").values()) // 3)
    toml = site / "site.toml"
    for name, port in (("flaky", proxy.port), ("host", sshd.port)):
        toml.write_text(
            toml.read_text(encoding="utf-8")
            + f'[deploy.{name}]\nurl = "ssh://{sshd.user}@127.0.0.1:'
            f'{port}{www}"\nssh_command = "{sshd.ssh_command}"\n',
            encoding="utf-8",
        )
    dropped = cli(site, "deploy", "flaky", check=False)
    proxy.close()
    assert_one_line_error(dropped)
    assert "rsync" in dropped.stderr
    assert www.exists() and tree(www) != tree(site / "output")  # it was cut half-way
    cli(site, "deploy", "host")
    assert tree(www) == tree(site / "output")


def test_s3_killed_at_random_moments_converges(tmp_path, s3):
    site = make_site(
        tmp_path / "site", s3.toml("s3", prefix="killed") + s3.toml("clean", prefix="clean")
    )
    cli(site, "build")
    cli(site, "deploy")
    new_version(site)
    expected = counts(cli(site, "deploy", "--dry-run"))[0]
    for moment in [0, *sorted(SEED.sample(range(1, expected), 3))]:
        kill_after_lines(site, moment)
    cli(site, "deploy")
    cli(site, "deploy", "clean")
    assert s3.objects("killed") == s3.objects("clean") == tree(site / "output")


def test_s3_over_a_dropped_connection_converges(tmp_path, s3):
    site = make_site(tmp_path / "site", "")
    cli(site, "build")
    proxy = DroppingProxy(s3.port, limit=sum(len(b) for b in tree(site / "output").values()) // 3)
    toml = site / "site.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8")
        + s3.toml("flaky", prefix="dropped", port=proxy.port)
        + s3.toml("s3", prefix="dropped"),
        encoding="utf-8",
    )
    dropped = cli(site, "deploy", "flaky", check=False)
    proxy.close()
    assert_one_line_error(dropped)
    assert 0 < len(s3.objects("dropped")) < len(tree(site / "output"))
    cli(site, "deploy", "s3")
    assert s3.objects("dropped") == tree(site / "output")


def test_git_killed_during_the_push_leaves_the_old_site_then_converges(tmp_path):
    remote = tmp_path / "pages.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    site = make_site(tmp_path / "site", f'[deploy.pages]\nurl = "git+file://{remote}"\n')
    cli(site, "build")
    cli(site, "deploy")
    before = git_tree(remote, "gh-pages")
    new_version(site)
    kill_group(start_killable(site, "deploy"))  # at once: perhaps mid-fetch, mid-tree
    # The remote's pre-receive hook says "pushing" through a FIFO and waits: the test
    # kills the deploy at that moment, while the objects are on the remote, the ref not.
    fifo = tmp_path / "pushing"
    os.mkfifo(fifo)
    hook = remote / "hooks" / "pre-receive"
    hook.write_text(f"#!/bin/sh\necho pushing > {fifo}\nexec sleep 600\n", encoding="utf-8")
    hook.chmod(0o755)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    proc = start_killable(site, "deploy")
    ready, _, _ = select.select([reader], [], [], 60)
    assert ready, "the push never reached the remote"
    kill_group(proc)
    os.close(reader)
    assert git_tree(remote, "gh-pages") == before
    hook.unlink()
    cli(site, "deploy")
    assert git_tree(remote, "gh-pages") == {**tree(site / "output"), **PAGES_EXTRAS}
    assert len(commits(remote, "gh-pages")) == 2
