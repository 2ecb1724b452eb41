"""Deploys against real hosts started on loopback: rsync into a folder and over SSH to
Debian's sshd, a git branch in a bare repository (also over SSH), S3 on moto's server.

Each host goes through the same story: a first deploy sends everything; a one-article
edit and a build send only the files that changed; a deleted article's files go after the
pages that linked them were updated; the order is read from what was sent.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from deploy_servers import MANIFEST, Sshd, changed, cli, counts, make_site, tree, uploads

ARTICLE = "content/horn-of-africa"


def edit_one_article(site: Path) -> None:
    """A typo fix in one article's body."""
    path = sorted((site / ARTICLE).glob("*.md"))[0]
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.rstrip("\n") + "\n\nA correction was appended to this article.\n", encoding="utf-8"
    )


def delete_one_article(site: Path) -> None:
    sorted((site / ARTICLE).glob("*.md"))[-1].unlink()


def assert_order(sent: list[str]) -> None:
    """Article pages before the listings that link them, listings before the feeds."""
    articles = [i for i, p in enumerate(sent) if p.startswith("articles/")]
    listings = [
        i for i, p in enumerate(sent) if p.endswith("index.html") and not p.startswith("articles/")
    ]
    feeds = [
        i
        for i, p in enumerate(sent)
        if p.endswith(("feed.xml", "atom.xml", "feed.json", ".opml", "sitemap.xml"))
    ]
    assert articles and feeds, sent
    assert max(articles) < min(listings + feeds) and max(listings + articles) < min(feeds), sent
    if "index.html" in sent and "page/2/index.html" in sent:
        assert sent.index("page/2/index.html") < sent.index("index.html")


def story(
    site: Path,
    target: str,
    remote,
    extras: dict[str, bytes] | None = None,
    served: list[str] | None = None,
) -> dict:
    """First deploy, one-article edit, article deleted; returns the measurements.
    `served`, when given, is the server's request log: (method, site path) per request."""
    extras = extras or {}
    served = served if served is not None else []
    cli(site, "build")
    first = cli(site, "deploy", target, "-v")
    v1 = tree(site / "output")
    assert counts(first)[0] == len(v1) + len(extras)
    assert remote() == {**v1, **extras}

    edit_one_article(site)
    cli(site, "build")
    v2 = tree(site / "output")
    served.clear()
    second = cli(site, "deploy", target, "-v")
    assert set(uploads(second)) == changed(v1, v2)
    assert counts(second)[0] == len(changed(v1, v2)) < len(v1) // 2
    assert_order(uploads(second))
    assert remote() == {**v2, **extras}

    delete_one_article(site)
    cli(site, "build")
    v3 = tree(site / "output")
    served.clear()
    third = cli(site, "deploy", target, "-v")
    gone = set(v2) - set(v3)
    assert gone and any(p.startswith("articles/") for p in gone)
    assert counts(third)[2] == len(gone)
    assert_order(uploads(third))
    log = third.stderr.splitlines()
    last_upload = max(i for i, line in enumerate(log) if line.startswith("uploaded "))
    assert all(i > last_upload for i, line in enumerate(log) if line.startswith("deleted "))
    assert remote() == {**v3, **extras}
    if served:  # the server's own log agrees: pages, listings, feeds, then the delete
        puts = [path for method, path in served if method == "PUT"]
        assert_order(puts)
        assert served[-1][0] == "DELETE" and set(puts) == set(uploads(third))
    again = cli(site, "deploy", target)
    assert counts(again)[:3] == (0, 0, 0)
    return {"first": counts(first)[0], "second": counts(second)[0], "deleted": counts(third)[2]}


# --- rsync into a folder -------------------------------------------------------------------


def test_rsync_to_a_folder(tmp_path):
    www = tmp_path / "www"
    site = make_site(tmp_path / "site", f'[deploy.staging]\nurl = "{www}"\n')
    numbers = story(site, "staging", lambda: tree(www))
    assert numbers["first"] > 50 and numbers["second"] < 20
    modes = {oct(p.stat().st_mode & 0o777) for p in www.rglob("*")}
    assert modes <= {"0o644", "0o755"}


def test_a_file_url_is_a_folder_and_no_delete_keeps_remote_files(tmp_path):
    www = tmp_path / "www"
    site = make_site(tmp_path / "site", f'[deploy.staging]\nurl = "file://{www}"\ndelete = false\n')
    cli(site, "build")
    cli(site, "deploy")
    v1 = tree(www)
    (www / "keep-me.txt").write_text("uploaded by hand", encoding="utf-8")
    delete_one_article(site)
    cli(site, "build")
    gone = set(v1) - set(tree(site / "output"))
    assert counts(cli(site, "deploy"))[2] == 0
    assert gone <= set(tree(www)) and (www / "keep-me.txt").exists()
    # --delete deletes what deploys put there and the site no longer has, never the rest
    proc = cli(site, "deploy", "--delete")
    assert counts(proc)[2] == len(gone) and not gone & set(tree(www))
    assert (www / "keep-me.txt").read_text(encoding="utf-8") == "uploaded by hand"


# --- SSH: rsync and git to Debian's sshd -----------------------------------------------------


@pytest.fixture(scope="module")
def sshd(tmp_path_factory):
    if not Path("/usr/sbin/sshd").exists() or not shutil.which("ssh"):
        pytest.skip(
            "Debian's openssh-server and openssh-client are not installed (.ci/run installs them)"
        )
    server = Sshd(tmp_path_factory.mktemp("sshd"))
    yield server
    server.stop()


def test_rsync_over_ssh(tmp_path, sshd):
    www = tmp_path / "www"
    site = make_site(
        tmp_path / "site",
        f'[deploy.host]\nurl = "ssh://{sshd.user}@127.0.0.1:{sshd.port}{www}"\n'
        f'ssh_command = "{sshd.ssh_command}"\n',
    )
    story(site, "host", lambda: tree(www))


def test_git_over_ssh(tmp_path, sshd):
    remote = tmp_path / "pages.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    site = make_site(
        tmp_path / "site",
        f'[deploy.pages]\nurl = "git+ssh://{sshd.user}@127.0.0.1:{sshd.port}{remote}"\n'
        f'ssh_command = "{sshd.ssh_command}"\n',
    )
    cli(site, "build")
    cli(site, "deploy")
    assert git_tree(remote, "gh-pages") == {**tree(site / "output"), **PAGES_EXTRAS}


# --- git branch in a local bare repository ---------------------------------------------------

PAGES_EXTRAS = {".nojekyll": b"", "CNAME": b"news.example.org\n"}


def git_tree(repo: Path, branch: str) -> dict[str, bytes]:
    """The files of a branch of a bare repository."""
    names = subprocess.run(
        ["git", f"--git-dir={repo}", "ls-tree", "-r", "-z", "--name-only", branch],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {
        name: subprocess.run(
            ["git", f"--git-dir={repo}", "cat-file", "blob", f"{branch}:{name}"],
            capture_output=True,
            check=True,
        ).stdout
        for name in names.split("\0")
        if name and name != MANIFEST
    }


def commits(repo: Path, branch: str) -> list[str]:
    return subprocess.run(
        ["git", f"--git-dir={repo}", "log", "--format=%s", branch],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()


@pytest.fixture
def bare(tmp_path):
    repo = tmp_path / "pages.git"
    subprocess.run(["git", "init", "-q", "--bare", str(repo)], check=True)
    return repo


def test_git_branch(tmp_path, bare):
    site = make_site(tmp_path / "site", f'[deploy.pages]\nurl = "git+file://{bare}#gh-pages"\n')
    story(site, "pages", lambda: git_tree(bare, "gh-pages"), PAGES_EXTRAS)
    log = commits(bare, "gh-pages")
    assert len(log) == 3  # one commit per deploy that changed something
    assert all(message.startswith(("built 4 articles", "built 3 articles")) for message in log)


def test_git_squash_keeps_one_commit_and_github_io_gets_no_cname(tmp_path, bare):
    site = make_site(
        tmp_path / "site", f'[deploy.pages]\nurl = "git+file://{bare}#live"\nhistory = "squash"\n'
    )
    toml = site / "site.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("news.example.org", "desk.github.io"),
        encoding="utf-8",
    )
    cli(site, "build")
    cli(site, "deploy")
    edit_one_article(site)
    cli(site, "build")
    cli(site, "deploy")
    assert len(commits(bare, "live")) == 1
    files = git_tree(bare, "live")
    assert ".nojekyll" in files and "CNAME" not in files


# --- S3 on moto's server ---------------------------------------------------------------------


class MotoS3:
    """moto's standalone S3 server in a thread on loopback, its request log kept."""

    def __init__(self):
        import boto3
        from moto.server import ThreadedMotoServer

        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.server.start()
        self.port = self.server._server.server_port
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.client = boto3.client(
            "s3",
            region_name="us-east-1",
            endpoint_url=self.endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        self.client.create_bucket(Bucket="news")
        self.log: list[tuple[str, str]] = []  # (PUT|DELETE, site path) as served
        self.prefix = "site"
        self.handler = _RequestLog(self)
        logging.getLogger("werkzeug").addHandler(self.handler)

    def toml(self, name: str, prefix: str = "site", port: int | None = None) -> str:
        return (
            f'[deploy.{name}]\nurl = "s3://news/{prefix}?region=us-east-1&'
            f'endpoint=http://127.0.0.1:{port or self.port}"\nworkers = 4\n'
        )

    def objects(self, prefix: str = "site") -> dict[str, bytes]:
        """Every object under the prefix, by site path."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket="news", Prefix=prefix + "/"
        )
        keys = [
            item["Key"]
            for page in pages
            for item in page.get("Contents", [])
            if item["Key"] != f"{prefix}/{MANIFEST}"
        ]
        return {
            key[len(prefix) + 1 :]: self.client.get_object(Bucket="news", Key=key)["Body"].read()
            for key in keys
        }

    def stop(self):
        logging.getLogger("werkzeug").removeHandler(self.handler)
        self.server.stop()


class _RequestLog(logging.Handler):
    """werkzeug logs a request as it starts its answer, so the log is in served order."""

    def __init__(self, s3: MotoS3):
        super().__init__(logging.INFO)
        self.s3 = s3

    def emit(self, record):
        match = re.search(r'"(PUT|POST) /news/?(\S*) HTTP', record.getMessage())
        key = match.group(2) if match else ""
        if key == f"{self.s3.prefix}/{MANIFEST}":
            return  # the deploy's bookkeeping, written before and after the site
        if match and match.group(1) == "PUT" and key.startswith(self.s3.prefix + "/"):
            self.s3.log.append(("PUT", key[len(self.s3.prefix) + 1 :]))
        elif match and "delete" in match.group(2):
            self.s3.log.append(("DELETE", ""))


@pytest.fixture(scope="module")
def s3():
    pytest.importorskip("moto.server", reason="moto[server] is in the test extra")
    logging.getLogger("werkzeug").setLevel(logging.INFO)
    server = MotoS3()
    yield server
    server.stop()


def test_s3(tmp_path, s3):
    site = make_site(tmp_path / "site", s3.toml("s3"))
    numbers = story(site, "s3", s3.objects, served=s3.log)
    assert numbers["first"] > 50 and numbers["second"] < 20


def test_s3_media_types_and_cache_control(tmp_path, s3):
    site = make_site(
        tmp_path / "site", s3.toml("s3", prefix="typed") + 'cache_control = { html = "no-cache" }\n'
    )
    cli(site, "build")
    cli(site, "deploy")
    heads = {
        key: s3.client.head_object(Bucket="news", Key=f"typed/{key}")
        for key in ("feed.xml", "atom.xml", "feed.json", "feeds.opml", "index.html", "style.css")
    }
    assert heads["feed.xml"]["ContentType"].startswith("application/rss+xml")
    assert heads["atom.xml"]["ContentType"].startswith("application/atom+xml")
    assert heads["feed.json"]["ContentType"].startswith("application/feed+json")
    assert heads["feeds.opml"]["ContentType"].startswith("text/x-opml")
    assert heads["index.html"]["CacheControl"] == "no-cache"
    assert heads["feed.xml"]["CacheControl"] == "public, max-age=300"
    assert heads["style.css"]["CacheControl"] == "public, max-age=3600"


def test_s3_gzip_precompression(tmp_path, s3):
    import gzip

    site = make_site(tmp_path / "site", s3.toml("s3", prefix="gz") + "gzip = true\n")
    cli(site, "build")
    cli(site, "deploy")
    head = s3.client.head_object(Bucket="news", Key="gz/feed.xml")
    assert head["ContentEncoding"] == "gzip"
    assert "ContentEncoding" not in s3.client.head_object(Bucket="news", Key="gz/favicon.ico")
    stored = s3.objects("gz")
    local = tree(site / "output")
    assert {
        p: gzip.decompress(d)
        if p.endswith((".html", ".xml", ".json", ".opml", ".css", ".svg", ".txt"))
        else d
        for p, d in stored.items()
    } == local
    assert counts(cli(site, "deploy"))[:3] == (0, 0, 0)  # gzip output is the same every time
