"""A new site as `init` makes it, and what the command line says around a build: the About
page in the menu, a site.toml whose every commented setting can be uncommented where it
stands, a folder that already holds a git repository, warnings -q silences."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from urllib.parse import urljoin

from conftest import run_cli
from lxml import html


def init(tmp_path: Path) -> Path:
    run_cli("init", "news", cwd=tmp_path, check=True)
    return tmp_path / "news"


def test_init_about_page_is_linked_from_the_home_page(tmp_path):
    site = init(tmp_path)
    run_cli("build", cwd=site, check=True)
    home = html.parse(str(site / "output/index.html")).getroot()
    links = [a.get("href") for a in home.iterfind(".//nav//a") if a.text_content() == "About"]
    assert links, "no About link in any menu of the home page"
    target = urljoin("index.html", links[0])
    page = site / "output" / target
    page = page / "index.html" if target.endswith("/") else page
    about = html.parse(str(page)).getroot()
    assert "Say here who writes this site" in about.text_content()


def test_init_site_toml_builds_with_every_commented_setting_uncommented(tmp_path):
    site = init(tmp_path)
    toml = site / "site.toml"
    setting = re.compile(r"^# (\[|\w+ = )")
    text = toml.read_text(encoding="utf-8")
    assert len([line for line in text.splitlines() if setting.match(line)]) > 20
    uncommented = "\n".join(line[2:] if setting.match(line) else line for line in text.splitlines())
    toml.write_text(uncommented + "\n", encoding="utf-8")
    proc = run_cli("build", cwd=site)
    assert proc.returncode == 0, proc.stderr
    assert (site / "output/about/index.html").is_file()


def test_init_accepts_a_folder_holding_only_a_repository_and_keeps_its_files(tmp_path):
    site = tmp_path / "news"
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    (site / "README.md").write_text("# Our desk\n", encoding="utf-8")
    run_cli("init", "news", cwd=tmp_path, check=True)
    assert (site / "README.md").read_text(encoding="utf-8") == "# Our desk\n"
    assert (site / "site.toml").is_file() and (site / "content/pages/about.md").is_file()

    run_cli("build", cwd=site, check=True)
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=site,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    shown = {line[3:].split("/")[0] for line in status.splitlines()}
    assert shown == {".gitignore", "README.md", "content", "site.toml", "static"}


def test_init_never_writes_over_a_gitignore(tmp_path):
    site = tmp_path / "news"
    site.mkdir()
    (site / ".gitignore").write_text("*.bak\n", encoding="utf-8")
    run_cli("init", "news", cwd=tmp_path, check=True)
    assert (site / ".gitignore").read_text(encoding="utf-8") == "*.bak\n"
    assert (site / "README.md").is_file()


def test_init_still_refuses_a_folder_with_anything_else(tmp_path):
    site = tmp_path / "news"
    (site / ".git").mkdir(parents=True)
    (site / "notes.txt").write_text("mine", encoding="utf-8")
    proc = run_cli("init", "news", cwd=tmp_path)
    assert proc.returncode == 2
    assert "news: not an empty folder" in proc.stderr
    assert sorted(p.name for p in site.iterdir()) == [".git", "notes.txt"]


# --- what a build says -------------------------------------------------------------------------


def test_quiet_build_prints_no_warning(tmp_path):
    site = init(tmp_path)
    (site / "content/world/old.markdown").write_text("---\ntitle: Old\n---\n", encoding="utf-8")
    loud = run_cli("build", cwd=site, check=True).stderr
    assert "warning: base_url" in loud and ".markdown files are not read" in loud
    assert run_cli("build", "-q", cwd=site, check=True).stderr == ""


def test_base_url_warning_names_site_toml_when_site_toml_sets_it(tmp_path):
    site = init(tmp_path)
    toml = site / "site.toml"
    text = toml.read_text(encoding="utf-8")
    line = text.splitlines().index('# base_url = "http://127.0.0.1:8000/"') + 1
    toml.write_text(text.replace("# base_url = ", "base_url = "), encoding="utf-8")
    warned = [
        out
        for out in run_cli("build", cwd=site, check=True).stderr.splitlines()
        if "base_url" in out
    ]
    assert warned == [
        f"site.toml:{line}: warning: base_url http://127.0.0.1:8000/ is an address on this "
        "machine: feeds and the sitemap will point there; set your site's address before you "
        "publish"
    ]
    given = run_cli("build", "--base-url", "http://localhost:9000/", cwd=site, check=True)
    assert [out for out in given.stderr.splitlines() if "warning" in out] == [
        "warning: --base-url http://localhost:9000/ is an address on this machine: feeds and "
        "the sitemap will point there"
    ]


def test_verbose_account_of_a_build_with_nothing_to_do_ends_cleanly(tmp_path):
    site = init(tmp_path)
    run_cli("build", cwd=site, check=True)
    lines = run_cli("build", "-v", cwd=site, check=True).stderr.splitlines()
    account = [line for line in lines if line.startswith("nothing to do")]
    assert account == ["nothing to do (1 article)"]
