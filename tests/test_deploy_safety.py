"""A deploy only ever deletes files that deploys put there (issue 23), on the real hosts:
a folder, rsync over Debian's sshd, S3 on moto's server, a bare git repository.

Each test is a finding of the red-team pass: the site folder as the target, a stranger's
file in a folder or a bucket without a prefix, a branch with someone else's history, a
build while a deploy runs."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from pathlib import Path

import pytest
from deploy_servers import (
    ENV,
    MANIFEST,
    cli,
    counts,
    drop_scratch,
    make_site,
    start_killable,
    tree,
)
from test_deploy_targets import (  # noqa: F401  (fixtures)
    PAGES_EXTRAS,
    commits,
    delete_one_article,
    edit_one_article,
    git_tree,
    s3,
    sshd,
)


def one_line_error(proc: subprocess.CompletedProcess, *words: str) -> str:
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


# --- the site folder itself ---------------------------------------------------------------------


@pytest.mark.parametrize("url", [".", "{site}", "file://{site}/..", "./output", "{site}/www"])
def test_a_target_that_is_holds_or_is_inside_the_site_folder_is_refused(tmp_path, url):
    site = tmp_path / "site"
    make_site(site, f'[deploy.x]\nurl = "{url.format(site=site)}"\n')
    cli(site, "build")
    before = tree(site / "content")
    one_line_error(cli(site, "deploy", check=False), "site.toml:3", "refusing to deploy into")
    assert tree(site / "content") == before and (site / "site.toml").is_file()
    assert not (site / "www").exists() and not (site / MANIFEST).exists()


def test_rsync_over_ssh_to_the_site_folder_on_this_machine_is_refused(tmp_path, sshd):
    site = tmp_path / "site"
    make_site(
        site,
        f'[deploy.x]\nurl = "ssh://{sshd.user}@127.0.0.1:{sshd.port}{site}"\n'
        f'ssh_command = "{sshd.ssh_command}"\n',
    )
    cli(site, "build")
    before = tree(site / "content")
    one_line_error(cli(site, "deploy", check=False), "refusing to deploy into")
    assert tree(site / "content") == before and (site / "site.toml").is_file()


# --- a stranger's file: folder, rsync over SSH ---------------------------------------------------


def strangers_file_survives(site: Path, www: Path) -> None:
    """A folder holding a stranger's thesis: refused, then adopted, then deployed to as
    the site changes; the thesis is never touched, the site's own stale pages go."""
    www.mkdir()
    (www / "thesis.txt").write_text("four years of work", encoding="utf-8")
    cli(site, "build")
    one_line_error(cli(site, "deploy", check=False), "--adopt", "thesis.txt", "1 files")
    assert tree(www) == {"thesis.txt": b"four years of work"}
    dry = cli(site, "deploy", "--adopt", "--dry-run")
    assert "kept thesis.txt" in dry.stderr and "would delete" not in dry.stderr.replace(
        "would delete 0", ""
    )
    assert tree(www) == {"thesis.txt": b"four years of work"}
    adopted = cli(site, "deploy", "--adopt")
    assert counts(adopted)[2] == 0 and "kept 1 files that were there" in adopted.stderr
    assert tree(www) == {**tree(site / "output"), "thesis.txt": b"four years of work"}
    listed = json.loads((www / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert set(listed) == set(tree(site / "output"))  # ours, and only ours
    (www / "notes.txt").write_text("added by hand later", encoding="utf-8")
    delete_one_article(site)
    cli(site, "build")
    proc = cli(site, "deploy")  # no --adopt needed any more
    assert counts(proc)[2] > 0
    assert tree(www) == {
        **tree(site / "output"),
        "thesis.txt": b"four years of work",
        "notes.txt": b"added by hand later",
    }
    empty = [folder for folder in www.rglob("*") if folder.is_dir() and not any(folder.iterdir())]
    assert not empty  # the deleted article's folder went with it


def test_a_strangers_file_survives_a_folder_deploy(tmp_path):
    www = tmp_path / "www"
    site = make_site(tmp_path / "site", f'[deploy.staging]\nurl = "{www}"\n')
    strangers_file_survives(site, www)


def test_a_strangers_file_survives_rsync_over_ssh(tmp_path, sshd):
    www = tmp_path / "www"
    site = make_site(
        tmp_path / "site",
        f'[deploy.host]\nurl = "ssh://{sshd.user}@127.0.0.1:{sshd.port}{www}"\n'
        f'ssh_command = "{sshd.ssh_command}"\n',
    )
    strangers_file_survives(site, www)


def test_a_manifest_that_is_not_ours_is_one_line_and_deletes_nothing(tmp_path):
    www = tmp_path / "www"
    site = make_site(tmp_path / "site", f'[deploy.staging]\nurl = "{www}"\n')
    www.mkdir()
    (www / MANIFEST).write_text('{"files": ["thesis.txt"]}', encoding="utf-8")
    (www / "thesis.txt").write_text("mine", encoding="utf-8")
    cli(site, "build")
    one_line_error(cli(site, "deploy", check=False), "not a site-builder manifest")
    assert (www / "thesis.txt").read_text(encoding="utf-8") == "mine"


# --- S3: a bucket without a prefix ---------------------------------------------------------------


def test_s3_without_a_prefix_deletes_only_what_deploys_put_there(tmp_path, s3):
    s3.client.create_bucket(Bucket="whole")
    s3.client.put_object(Bucket="whole", Key="backups/db.sql", Body=b"the only backup")
    url = f"s3://whole?region=us-east-1&endpoint={s3.endpoint}"
    site = make_site(tmp_path / "site", f'[deploy.s3]\nurl = "{url}"\nworkers = 4\n')
    cli(site, "build")
    one_line_error(cli(site, "deploy", check=False), "--adopt", "backups/db.sql")

    def objects() -> dict[str, bytes]:
        listed = s3.client.list_objects_v2(Bucket="whole").get("Contents", [])
        return {
            item["Key"]: s3.client.get_object(Bucket="whole", Key=item["Key"])["Body"].read()
            for item in listed
            if item["Key"] != MANIFEST
        }

    assert objects() == {"backups/db.sql": b"the only backup"}
    assert "kept backups/db.sql" in cli(site, "deploy", "--adopt").stderr
    assert objects() == {**tree(site / "output"), "backups/db.sql": b"the only backup"}
    delete_one_article(site)
    cli(site, "build")
    assert counts(cli(site, "deploy"))[2] > 0
    assert objects() == {**tree(site / "output"), "backups/db.sql": b"the only backup"}


# --- git: a branch with someone else's history ---------------------------------------------------


def foreign_branch(tmp_path: Path) -> Path:
    """A bare repository whose main branch holds a project's source, two commits deep."""
    bare, work = tmp_path / "project.git", tmp_path / "work"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(work)], check=True)
    me = ["-c", "user.name=Someone", "-c", "user.email=someone@example.org"]
    for number in (1, 2):
        (work / "README.md").write_text(f"The project, version {number}\n", encoding="utf-8")
        subprocess.run(["git", "-C", str(work), "add", "README.md"], check=True)
        subprocess.run(["git", "-C", str(work), *me, "commit", "-qm", f"v{number}"], check=True)
    subprocess.run(["git", "-C", str(work), "push", "-q", str(bare), "main"], check=True)
    return bare


def test_git_squash_over_someone_elses_history_is_refused(tmp_path):
    bare = foreign_branch(tmp_path)
    site = make_site(
        tmp_path / "site", f'[deploy.pages]\nurl = "git+file://{bare}#main"\nhistory = "squash"\n'
    )
    cli(site, "build")
    for args in ((), ("--adopt",)):
        one_line_error(
            cli(site, "deploy", *args, check=False), "refusing to squash branch main", "trailer"
        )
    assert commits(bare, "main") == ["v2", "v1"]


def test_git_keep_on_someone_elses_branch_needs_adopt_and_keeps_their_files(tmp_path):
    bare = foreign_branch(tmp_path)
    site = make_site(tmp_path / "site", f'[deploy.pages]\nurl = "git+file://{bare}#main"\n')
    cli(site, "build")
    one_line_error(cli(site, "deploy", check=False), "--adopt", "README.md")
    assert commits(bare, "main") == ["v2", "v1"]
    cli(site, "deploy", "--adopt")
    assert commits(bare, "main")[1:] == ["v2", "v1"]  # on top: nothing rewritten
    readme = {"README.md": b"The project, version 2\n"}
    assert git_tree(bare, "main") == {**tree(site / "output"), **PAGES_EXTRAS, **readme}
    delete_one_article(site)
    cli(site, "build")
    assert counts(cli(site, "deploy"))[2] > 0
    assert git_tree(bare, "main") == {**tree(site / "output"), **PAGES_EXTRAS, **readme}
    toml = site / "site.toml"  # still not ours to squash: two commits were someone else's
    toml.write_text(toml.read_text(encoding="utf-8") + 'history = "squash"\n', encoding="utf-8")
    one_line_error(cli(site, "deploy", check=False), "refusing to squash")


def test_our_commits_carry_the_trailer(tmp_path):
    bare = tmp_path / "pages.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    site = make_site(tmp_path / "site", f'[deploy.pages]\nurl = "git+file://{bare}"\n')
    cli(site, "build")
    cli(site, "deploy")
    trailers = subprocess.run(
        ["git", f"--git-dir={bare}", "log", "--format=%(trailers)", "gh-pages"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Deployed-by: site_builder" in trailers


# --- a build while a deploy runs -----------------------------------------------------------------


def test_a_build_during_a_deploy_does_not_change_what_is_uploaded(tmp_path, sshd):
    """The deploy's first ssh connection waits at a gate; meanwhile an edit and a build.
    The build waits for the deploy, which sends the site as it was when it started."""
    gate = tmp_path / "gate"
    gate.mkdir()
    for fifo in ("started", "release"):
        os.mkfifo(gate / fifo)
    script = gate / "ssh"
    script.write_text(
        f"#!/bin/sh\nif [ ! -e {gate}/opened ]; then\n  : > {gate}/opened\n"
        f"  echo started > {gate}/started\n  read line < {gate}/release\nfi\n"
        'exec ssh "$@"\n',
        encoding="utf-8",
    )
    script.chmod(0o755)
    www = tmp_path / "www"
    site = make_site(
        tmp_path / "site",
        f'[deploy.host]\nurl = "ssh://{sshd.user}@127.0.0.1:{sshd.port}{www}"\n'
        f'ssh_command = "{script} {sshd.ssh_command[4:]}"\n',
    )
    cli(site, "build")
    started = tree(site / "output")
    reader = os.open(gate / "started", os.O_RDONLY | os.O_NONBLOCK)
    deploy = start_killable(site, "deploy", "host")
    try:
        ready, _, _ = select.select([reader], [], [], 60)
        assert ready, "the deploy never reached the host"
        edit_one_article(site)
        build = subprocess.Popen(
            [sys.executable, "-m", "site_builder", "build"],
            cwd=site,
            env=ENV,
            stderr=subprocess.PIPE,
            text=True,
        )
        for line in build.stderr:  # the event: the build waits, or (unlocked) it is done
            if "waiting for the build in process" in line:
                break
        with open(gate / "release", "w", encoding="utf-8") as release:
            release.write("go\n")
        _, err = deploy.communicate(timeout=120)
        assert deploy.returncode == 0, err
        build.communicate(timeout=120)
        assert build.returncode == 0
    finally:
        os.close(reader)
        if deploy.poll() is None:
            deploy.kill()
            deploy.wait()
        drop_scratch(deploy)
    assert tree(www) == started != tree(site / "output")
