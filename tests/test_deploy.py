"""`site-builder deploy`: the upload order, the configuration, and every refusal, each a
one-line error. (Real hosts: test_deploy_targets.py, interruptions: test_deploy_interrupted.py.)"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from deploy_servers import ENV, MANIFEST, cli, counts, make_site, tree
from test_deploy_targets import s3  # noqa: F401  (fixture)

from site_builder.config import load_config
from site_builder.deploy import plan
from site_builder.deploy.lock import deploy_lock
from site_builder.deploy.s3 import cache_kind, media_type
from site_builder.engine import buildstatus
from site_builder.errors import ConfigError


def one_line_error(proc: subprocess.CompletedProcess, *words: str) -> str:
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


# --- the order, in one place ------------------------------------------------------------------


def test_phases():
    assert plan.phase("articles/2026/02/a-slug/index.html") == plan.ASSETS_AND_ARTICLES
    assert plan.phase("style.css") == plan.ASSETS_AND_ARTICLES
    assert plan.phase("articles/2026/02/a-slug/photo.webp") == plan.ASSETS_AND_ARTICLES
    assert plan.phase("ar/articles/2026/02/a-slug/index.html") == plan.ASSETS_AND_ARTICLES
    for listing in (
        "index.html",
        "gulf/index.html",
        "gulf/page/2/index.html",
        "countries/qatar/index.html",
        "archive/index.html",
        "404.html",
    ):
        assert plan.phase(listing) == plan.LISTINGS, listing
    for feed in (
        "feed.xml",
        "atom.xml",
        "feed.json",
        "gulf/feed.xml",
        "tags/x/atom.xml",
        "feeds.opml",
        "sitemap.xml",
        "news-sitemap.xml",
        "robots.txt",
    ):
        assert plan.phase(feed) == plan.FEEDS, feed


def test_batches_put_pages_before_what_links_them_and_deletes_files_before_folders():
    paths = [
        "feed.xml",
        "index.html",
        "page/2/index.html",
        "articles/2026/02/a/index.html",
        "style.css",
        "gulf/index.html",
        "gulf/feed.xml",
        "sitemap.xml",
    ]
    order = [p for batch in plan.batches(paths) for p in batch]
    assert order == plan.ordered(paths)
    assert order.index("articles/2026/02/a/index.html") < order.index("page/2/index.html")
    assert (
        order.index("page/2/index.html")
        < order.index("gulf/index.html")
        < order.index("index.html")
    )
    assert order.index("index.html") < order.index("gulf/feed.xml") < order.index("feed.xml")
    assert plan.batches([]) == []
    assert plan.delete_order(["a/", "a/b/c.html", "a/d.html"]) == ["a/b/c.html", "a/d.html", "a/"]


def test_media_types_and_cache_kinds():
    assert media_type("feed.xml").startswith("application/rss+xml")
    assert media_type("gulf/atom.xml").startswith("application/atom+xml")
    assert media_type("feed.json").startswith("application/feed+json")
    assert media_type("feeds.opml").startswith("text/x-opml")
    assert media_type("sitemap.xml").startswith("application/xml")
    assert media_type("a/photo.webp") == "image/webp"
    assert media_type("index.html") == "text/html; charset=utf-8"
    assert media_type("unknown.blob") == "application/octet-stream"
    assert cache_kind("feed.json") == "feeds" and cache_kind("index.html") == "html"
    assert cache_kind("style.3f2a9c1b.css") == "fingerprinted"
    assert cache_kind("style.css") == "assets"


# --- configuration ----------------------------------------------------------------------------


def config_error(tmp_path: Path, text: str) -> str:
    (tmp_path / "site.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "site.toml")
    return str(caught.value)


def test_targets_in_order_first_is_default(tmp_path):
    (tmp_path / "site.toml").write_text(
        '[deploy.staging]\nurl = "/srv/www"\n[deploy.s3]\nurl = "s3://b/p?region=eu-central-1"\n'
        'workers = 4\ncache_control = { html = "no-cache" }\n',
        encoding="utf-8",
    )
    config = load_config(tmp_path / "site.toml")
    assert [t.name for t in config.deploy] == ["staging", "s3"]
    assert config.deploy[1].workers == 4
    assert dict(config.deploy[1].cache_control) == {"html": "no-cache"}


def test_configuration_errors_name_the_line(tmp_path):
    assert config_error(tmp_path, '[deploy.a]\nurl = "/x"\nsquash = true\n').endswith(
        "site.toml:3: 'deploy.a': unknown key 'squash' (known keys: cache_control, delete, gzip, "
        "history, ssh_command, url, workers)"
    )
    assert "site.toml:1: 'deploy.a': missing url" in config_error(tmp_path, "[deploy.a]\n")
    assert "site.toml:2: 'deploy.a': 'history': expected 'keep' or 'squash'" in config_error(
        tmp_path, '[deploy.a]\nhistory = "all"\nurl = "/x"\n'
    )
    assert "site.toml:2: 'deploy.a': 'url': expected a folder" in config_error(
        tmp_path, '[deploy.a]\nurl = "ftp://host/x"\n'
    )
    assert "'delete': expected true or false, got a string" in config_error(
        tmp_path, '[deploy.a]\nurl = "/x"\ndelete = "yes"\n'
    )


def test_a_password_in_the_url_is_refused_and_not_repeated(tmp_path):
    message = config_error(tmp_path, '[deploy.a]\nurl = "ssh://me:hunter2@host/x"\n')
    assert "credential" in message and "hunter2" not in message


# --- refusals, lock, dry run --------------------------------------------------------------------


@pytest.fixture
def site(tmp_path):
    return make_site(tmp_path / "site", f'[deploy.staging]\nurl = "{tmp_path / "www"}"\n')


def test_no_build_recorded_is_refused(site):
    one_line_error(cli(site, "deploy", check=False), "no build recorded")


def test_a_failed_last_build_is_refused(site):
    cli(site, "build")
    broken = site / "content" / "gulf" / "broken.md"
    broken.parent.mkdir(exist_ok=True)
    broken.write_text("---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")
    assert cli(site, "build", check=False).returncode == 1
    assert buildstatus.last(load_config(site / "site.toml"))["ok"] is False
    one_line_error(cli(site, "deploy", check=False), "last build failed", "build failed: 1 error")
    assert not (site.parent / "www").exists()
    broken.unlink()
    cli(site, "build")
    cli(site, "deploy")


def test_unknown_target_and_no_target(site):
    cli(site, "build")
    one_line_error(cli(site, "deploy", "prod", check=False), "no deploy target 'prod'", "staging")
    (site / "site.toml").write_text('title = "No targets"\n', encoding="utf-8")
    one_line_error(cli(site, "deploy", check=False), "no deploy target", "[deploy.NAME]")


def test_a_second_deploy_waits_for_none(site):
    cli(site, "build")
    config = load_config(site / "site.toml")
    with deploy_lock(config.cache_dir):
        one_line_error(cli(site, "deploy", check=False), "another deploy is running")
    cli(site, "deploy")


def test_dry_run_lists_everything_and_changes_nothing(site):
    cli(site, "build")
    www = site.parent / "www"
    proc = cli(site, "deploy", "--dry-run")
    would = [line for line in proc.stderr.splitlines() if line.startswith("would upload ")]
    assert len(would) == counts(proc)[0] == len(tree(site / "output"))
    assert not www.exists()
    cli(site, "deploy")
    stale = "articles/stale/index.html"  # a page an earlier deploy put there, gone since
    (www / stale).parent.mkdir(parents=True)
    (www / stale).write_text("old", encoding="utf-8")
    listed = json.loads((www / MANIFEST).read_text(encoding="utf-8"))
    listed["files"].append(stale)
    (www / MANIFEST).write_text(json.dumps(listed), encoding="utf-8")
    before = tree(www)
    proc = cli(site, "deploy", "--dry-run")
    assert f"would delete {stale}" in proc.stderr and counts(proc)[:3] == (0, 0, 1)
    assert tree(www) == before
    assert counts(cli(site, "deploy", "--dry-run", "--no-delete"))[2] == 0


def test_build_records_its_outcome(site):
    config = load_config(site / "site.toml")
    assert buildstatus.last(config) is None
    cli(site, "build")
    status = buildstatus.last(config)
    assert status["ok"] is True and status["summary"].startswith("built 4 articles")
    assert Path(status["output"]) == config.output_dir and status["finished"]


def test_missing_rsync_is_one_line(site, tmp_path):
    cli(site, "build")
    proc = cli(site, "deploy", check=False, env={**ENV, "PATH": str(tmp_path)})
    one_line_error(proc, "'rsync' is not installed")


def test_an_unreachable_git_remote_is_one_line(tmp_path):
    site = make_site(tmp_path / "site", f'[deploy.pages]\nurl = "git+file://{tmp_path}/none.git"\n')
    cli(site, "build")
    one_line_error(cli(site, "deploy", check=False), "git (file://", "failed")


def test_s3_without_credentials_is_one_line(tmp_path, s3):
    site = make_site(tmp_path / "site", s3.toml("s3", prefix="nocreds"))
    cli(site, "build")
    env = {k: v for k, v in ENV.items() if not k.startswith("AWS_")}
    env.update(
        AWS_CONFIG_FILE=str(tmp_path / "none"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"),
        AWS_EC2_METADATA_DISABLED="true",
    )
    one_line_error(cli(site, "deploy", check=False, env=env), "no AWS credentials")


def test_credentials_are_never_written(tmp_path, s3):
    secret = "SeCrEt-d0-not-l3ak-1729"
    site = make_site(tmp_path / "site", s3.toml("s3", prefix="secret"))
    env = {**ENV, "AWS_SECRET_ACCESS_KEY": secret}
    cli(site, "build")
    proc = cli(site, "deploy", "-v", env=env)
    assert secret not in proc.stdout + proc.stderr
    assert all(secret.encode() not in data for data in tree(site).values())


def test_the_readme_blocks_are_valid(tmp_path):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Deploy\n", 1)[1].split("\n## ", 1)[0]
    blocks = [block for block in section.split("\n\n") if block.startswith("    [deploy.")]
    assert len(blocks) == 4
    names = []
    for block in blocks:
        (tmp_path / "site.toml").write_text(
            "\n".join(line[4:] for line in block.splitlines()), encoding="utf-8"
        )
        names += [t.name for t in load_config(tmp_path / "site.toml").deploy]
    assert names == ["staging", "host", "pages", "s3"]


def test_a_secret_in_an_s3_url_is_refused_and_not_repeated(tmp_path):
    site = make_site(tmp_path / "site", '[deploy.s3]\nurl = "s3://b/p?aws_secret=hunter2"\n')
    cli(site, "build")
    line = one_line_error(
        cli(site, "deploy", check=False), "unknown parameter 'aws_secret'", "site.toml:3"
    )
    assert "hunter2" not in line


def _with_placeholders(site: Path) -> None:
    """Build with the repository's output/.gitkeep, and one deeper down."""
    (site / "output").mkdir()
    (site / "output" / ".gitkeep").write_bytes(b"")
    cli(site, "build")
    (site / "output" / "gulf" / ".gitkeep").write_bytes(b"")
    assert (site / "output" / ".gitkeep").is_file()  # builds keep the checkout's placeholder


def test_gitkeep_placeholders_are_never_deployed_to_a_folder(site):
    _with_placeholders(site)
    assert ".gitkeep" not in cli(site, "deploy", "--dry-run").stderr
    cli(site, "deploy")
    www = site.parent / "www"
    assert (www / "index.html").is_file() and not list(www.rglob(".gitkeep"))
    assert not any(".gitkeep" in path for path in plan.local_files(site / "output"))  # S3


def test_gitkeep_placeholders_are_never_deployed_to_a_git_branch(tmp_path):
    from test_deploy_targets import git_tree

    bare = tmp_path / "pages.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    site = make_site(tmp_path / "site", f'[deploy.pages]\nurl = "git+file://{bare}#gh-pages"\n')
    _with_placeholders(site)
    cli(site, "deploy")
    files = git_tree(bare, "gh-pages")
    assert "index.html" in files and not [name for name in files if ".gitkeep" in name]
