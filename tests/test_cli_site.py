"""The command line around a site: init, new, options before or after the command, what
a build leaves out, and which base_url a build and `serve` use."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest
from conftest import REPO, run_cli

from site_builder.config import DEFAULT_BASE_URL, SCALARS, SiteConfig, load_config
from site_builder.serve.devloop import served_config

ARTICLE = "---\nid: {id}\ntitle: {title}\ndate: {date}\n{extra}---\nText of {title}.\n"


def make_site(root: Path, toml: str = "", name: str = "site.toml") -> Path:
    """The repository's four articles and a site.toml of our own."""
    shutil.copytree(REPO / "content", root / "content")
    (root / name).write_text(toml, encoding="utf-8")
    return root


def one_line(proc, status: int) -> str:
    """The only line of stderr of a command that failed with this status, no traceback."""
    assert proc.returncode == status, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    return lines[0]


# --- init -------------------------------------------------------------------------------------


def test_init_makes_a_site_that_builds_as_it_is(tmp_path):
    proc = run_cli("init", "news", cwd=tmp_path, check=True)
    site = tmp_path / "news"
    assert proc.stdout.strip().startswith("next: cd news && site-builder serve")
    assert "site-builder serve" in (site / "README.md").read_text(encoding="utf-8")
    assert (site / "static").is_dir() and (site / "content/pages/about.md").is_file()
    article = (site / "content/world/welcome.md").read_text(encoding="utf-8")
    assert re.search(r"^id: urn:uuid:[0-9a-f-]{36}$", article, re.M)
    assert "region:" not in article  # its folder says it: content/world/

    run_cli("build", cwd=site, check=True)
    front = (site / "output/index.html").read_text(encoding="utf-8")
    assert "Welcome to your news site" in front
    assert (site / "output/style.css").is_file()  # the theme's assets, from the package
    assert not (site / "output/.gitkeep").exists()  # static/.gitkeep is not published


def test_init_site_toml_lists_every_key_at_its_default(tmp_path):
    run_cli("init", "news", cwd=tmp_path, check=True)
    text = (tmp_path / "news/site.toml").read_text(encoding="utf-8")
    # all commented out, the defaults apply, but for the menu that links the About page
    assert tomllib.loads(text) == {"menu": [{"title": "About", "page": "about"}]}
    top = text.split("\n[", 1)[0]  # the tables ([[menu]], [regions.x], ...) come after
    keys = re.findall(r"^# (\w+) = ", top, re.M)
    assert sorted(keys) == sorted([*SCALARS, "taxonomies"])
    uncommented = "\n".join(line[2:] for line in top.splitlines() if re.match(r"# \w+ = ", line))
    (tmp_path / "all.toml").write_text(uncommented, encoding="utf-8")
    (tmp_path / "empty.toml").write_text("", encoding="utf-8")
    written = load_config(tmp_path / "all.toml", root=tmp_path)
    assert (
        written.__dict__ | {"config_path": None}
        == load_config(tmp_path / "empty.toml", root=tmp_path).__dict__
    )


def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "notes.txt").write_text("mine", encoding="utf-8")
    line = one_line(run_cli("init", "news", cwd=tmp_path), 2)
    assert line == (
        "news: not an empty folder: init makes a new site only in an empty or new folder "
        "(or one holding only .git, .gitignore, README.md)"
    )
    assert sorted(p.name for p in (tmp_path / "news").iterdir()) == ["notes.txt"]


# --- new --------------------------------------------------------------------------------------


def test_new_article_is_a_draft_that_builds_only_with_drafts(tmp_path):
    site = make_site(tmp_path, 'base_url = "https://example.org/"\n')
    proc = run_cli("new", "Sudan's port reopens after talks", cwd=site, check=True)
    path = Path(proc.stdout.strip())
    assert path == Path("content/horn-of-africa/sudans-port-reopens-after-talks.md")
    text = (site / path).read_text(encoding="utf-8")
    assert re.search(r"^id: urn:uuid:[0-9a-f-]{36}$", text, re.M)
    # the current time (the tests pin it with SOURCE_DATE_EPOCH), in the site's zone
    assert "\ndate: 2026-11-28T00:00:00+00:00\n" in text
    assert "\nregion: horn-of-africa\n" in text and "\ndraft: true\n" in text

    page = site / "output/articles/2026/11/sudans-port-reopens-after-talks/index.html"
    built = run_cli("build", cwd=site, check=True)
    assert not page.exists()
    assert "1 draft left out (-v lists them; --drafts builds them)" in built.stderr
    run_cli("build", "--drafts", cwd=site, check=True)
    assert "Sudan&#39;s port reopens after talks" in page.read_text(encoding="utf-8")


def test_new_takes_a_region_and_never_overwrites(tmp_path):
    site = make_site(tmp_path)
    assert (
        run_cli("new", "Budget talks", "--region", "gulf", cwd=site, check=True).stdout.strip()
        == "content/gulf/budget-talks.md"
    )
    before = (site / "content/gulf/budget-talks.md").read_bytes()
    line = one_line(run_cli("new", "Budget talks", "--region", "gulf", cwd=site), 1)
    assert line == "content/gulf/budget-talks.md: already exists; edit it, or choose another title"
    assert (site / "content/gulf/budget-talks.md").read_bytes() == before
    line = one_line(run_cli("new", "Budget talks", "--region", "mars", cwd=site), 2)
    assert line.startswith("site-builder: --region: unknown region 'mars' (known regions: ")


def test_new_page_is_title_and_body_in_content_pages(tmp_path):
    site = make_site(tmp_path)
    proc = run_cli("new", "Corrections policy", "--page", cwd=site, check=True)
    assert proc.stdout.strip() == "content/pages/corrections-policy.md"
    text = (site / "content/pages/corrections-policy.md").read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: Corrections policy\n---\n") and "id:" not in text


@pytest.mark.parametrize("title", ["Tags", "Gulf", "Archive"])
def test_new_page_refuses_a_slug_build_would_refuse_and_writes_nothing(tmp_path, title):
    site = make_site(tmp_path)
    before = sorted((site / "content").rglob("*"))
    line = one_line(run_cli("new", title, "--page", cwd=site), 1)
    slug = title.lower()
    assert line == (
        f"content/pages/{slug}.md: page slug '{slug}' is the address of one of the site's "
        f"own pages (/{slug}/); choose another title"
    )
    assert sorted((site / "content").rglob("*")) == before


def test_new_refuses_to_write_through_a_linked_region_folder(tmp_path):
    site = make_site(tmp_path / "site")
    (tmp_path / "elsewhere").mkdir()
    (site / "content/middle-east").rename(tmp_path / "elsewhere/middle-east")
    (site / "content/middle-east").symlink_to(tmp_path / "elsewhere/middle-east")
    before = sorted((tmp_path / "elsewhere").rglob("*"))
    line = one_line(run_cli("new", "Budget talks", "--region", "middle-east", cwd=site), 1)
    assert (
        line == "content/middle-east: a link to a folder, which build skips: make it a real folder"
    )
    assert sorted((tmp_path / "elsewhere").rglob("*")) == before


# --- common options before or after the command ------------------------------------------------


@pytest.mark.parametrize("order", ["before", "after"])
def test_common_options_go_before_or_after_the_command(tmp_path, order):
    site = make_site(
        tmp_path, 'title = "Other Desk"\nbase_url = "https://example.org/"\n', name="other.toml"
    )
    options = ["--config", "other.toml", "--output", "public", "-q"]
    args = [*options, "build"] if order == "before" else ["build", *options]
    proc = run_cli(*args, cwd=site, check=True)
    assert "Other Desk" in (site / "public/index.html").read_text(encoding="utf-8")
    assert proc.stderr == ""  # -q: no summary line
    args = (
        ["--base-url", "https://b.example/x/", "build"]
        if order == "before"
        else ["build", "--base-url", "https://b.example/x/"]
    )
    run_cli("--config", "other.toml", *args, cwd=site, check=True)
    assert "https://b.example/x/feed.xml" in (site / "output/feed.xml").read_text(encoding="utf-8")


def test_verbose_and_quiet_on_either_side_conflict(tmp_path):
    proc = run_cli("-v", "build", "-q", cwd=make_site(tmp_path))
    assert proc.returncode == 2
    assert "-q/--quiet: not allowed with argument -v/--verbose" in proc.stderr


# --- what a build leaves out ---------------------------------------------------------------------


def test_verbose_lists_drafts_and_future_articles_left_out(tmp_path):
    site = make_site(tmp_path, 'base_url = "https://example.org/"\n')
    (site / "content/gulf").mkdir()
    for name, date, extra in (
        ("draft", "2026-11-01", "draft: true\n"),
        ("later", "2027-01-02T08:00:00+00:00", ""),
    ):
        (site / f"content/gulf/{name}.md").write_text(
            ARTICLE.format(id=name, title=name.title(), date=date, extra=extra), encoding="utf-8"
        )
    quiet = run_cli("build", cwd=site, check=True).stderr
    assert "1 draft and 1 future article left out (-v lists them; --drafts builds them)" in quiet
    loud = run_cli("build", "-v", cwd=site, check=True).stderr  # a build with nothing to do
    assert "left out: content/gulf/draft.md (draft)" in loud.splitlines()
    assert (
        "left out: content/gulf/later.md (future: 2027-01-02T08:00:00+00:00)" in loud.splitlines()
    )
    assert "left out" not in run_cli("build", "-v", "--drafts", cwd=site, check=True).stderr


def test_files_no_build_made_go_at_any_depth_and_stay_gone(tmp_path):
    """A clean build's output/ holds only what the build made, and so does every build after
    it: a file dropped into a subfolder does not come back from the kept previous site."""
    site = make_site(tmp_path)
    run_cli("build", cwd=site, check=True)
    made = {p.relative_to(site / "output") for p in (site / "output").rglob("*")}
    (site / "output/about/stray.txt").write_text("not ours", encoding="utf-8")
    (site / "output/tags/empty").mkdir()
    run_cli("build", "--clean", cwd=site, check=True)
    article = next((site / "content/middle-east").glob("*.md"))
    for n in range(2):  # two edits: the kept site is staged from, then swapped back out
        article.write_text(article.read_text(encoding="utf-8") + f"\nEdit {n}.\n", "utf-8")
        run_cli("build", cwd=site, check=True)
        for folder in (site / "output", site / ".output.previous"):
            assert {p.relative_to(folder) for p in folder.rglob("*")} == made, folder


def test_a_site_file_where_an_article_needs_a_folder_names_the_article_and_line(tmp_path):
    site = make_site(tmp_path)
    (site / "static/articles").mkdir(parents=True)
    (site / "static/articles/2026").write_text("not a folder", encoding="utf-8")
    proc = run_cli("build", cwd=site)
    assert proc.returncode == 1 and "staging" not in proc.stderr and "Traceback" not in proc.stderr
    article = "content/middle-east/intelligence-leaks-reveal-how-iran-gained-influence-over-iraq.md"
    assert f"{article}:4: its address /articles/2026/11/" in proc.stderr
    assert "needs /articles/2026/ to be a folder, but static/articles/2026 is a file there" in (
        proc.stderr
    )
    (site / "static/articles/2026").unlink()
    (site / "static/tags").write_text("not a folder", encoding="utf-8")
    proc = run_cli("build", cwd=site)
    assert "static/tags is a file at /tags, where the site's own terms file (/tags/index.html)" in (
        proc.stderr
    )
    assert not (site / "output").exists()


# --- base_url -----------------------------------------------------------------------------------


def test_build_warns_once_when_base_url_is_the_built_in_default(tmp_path):
    site = make_site(tmp_path)
    warned = [
        line
        for line in run_cli("build", cwd=site, check=True).stderr.splitlines()
        if "base_url" in line
    ]
    assert warned == [
        f"warning: base_url is the built-in {DEFAULT_BASE_URL}: feeds and the "
        "sitemap will point there; set base_url in site.toml or pass "
        "--base-url https://your.site/"
    ]
    quiet = run_cli("build", "--base-url", "https://example.org/", cwd=site, check=True)
    assert "base_url" not in quiet.stderr


def test_serve_uses_its_own_address_unless_base_url_is_a_real_site(tmp_path):
    served = "http://127.0.0.1:36421/"
    for configured in (DEFAULT_BASE_URL, "http://localhost:9000/", "http://127.0.0.1/"):
        config = SiteConfig(root=tmp_path, base_url=configured)
        assert served_config(config, served).base_url == served
    real = SiteConfig(root=tmp_path, base_url="https://example.org/news/")
    assert served_config(real, "http://127.0.0.1:36421/news/") is real


def test_serve_builds_canonical_links_and_feeds_with_the_served_port(tmp_path):
    from test_serve_e2e import Served

    served = Served(make_site(tmp_path))
    try:
        status, page = served.get("/")
        _, feed = served.get("/feed.xml")
    finally:
        served.stop()
    address = f"http://127.0.0.1:{served.port}/"
    assert status == 200 and f'<link rel="canonical" href="{address}">' in page
    assert f"<link>{address}</link>" in feed and "127.0.0.1:8000" not in feed
