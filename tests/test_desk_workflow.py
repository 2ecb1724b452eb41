"""A desk's day, end to end (issue 24): a preview is never published, a guessed date never
reaches the front page, and the commands refuse to run where there is no site."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urljoin

import lxml.html
import pytest
from conftest import REPO, SEED, run_cli
from test_serve_e2e import Served

DRAFT = """\
---
id: urn:uuid:0b5f6c1e-6a57-4d0e-9f43-2d1c7c1f0a11
title: Embargoed budget story
date: 2026-02-10T08:00:00+00:00
countries: [Israel]
draft: true
---
Not for publication yet.
"""
DRAFT_PATH = "/articles/2026/02/embargoed-budget/"


def make_site(root: Path, toml: str, bundled: bool = True) -> Path:
    if bundled:
        shutil.copytree(REPO / "content", root / "content")
    (root / "content" / "middle-east").mkdir(parents=True, exist_ok=True)
    (root / "content" / "middle-east" / "embargoed-budget.md").write_text(DRAFT, encoding="utf-8")
    (root / "site.toml").write_text(toml, encoding="utf-8")
    return root


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def serving():
    started: list[Served] = []

    def start(site: Path, *args: str) -> Served:
        started.append(Served(site, *args))
        return started[-1]

    yield start
    for server in started:
        if server.proc.poll() is None:
            server.proc.kill()


def test_serve_drafts_then_deploy_uploads_no_draft(tmp_path, serving):
    www = tmp_path / "www"
    site = make_site(
        tmp_path / "site",
        f'title = "Desk"\nbase_url = "https://example.org/"\n[deploy.live]\nurl = "{www}"\n',
    )
    server = serving(site, "--drafts")
    status, body = server.wait_for_page(DRAFT_PATH, "Embargoed budget story")
    label = lxml.html.fromstring(body).xpath("//article//p[@class='label']")
    assert status == 200 and [p.text_content() for p in label] == ["Draft"]
    assert server.stop()[0] == 0
    assert not (site / "output").exists(), "serve wrote output/"

    refused = run_cli("deploy", cwd=site)
    assert refused.returncode == 1 and "no build recorded" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1 and not www.exists()

    run_cli("build", cwd=site, check=True)
    run_cli("deploy", cwd=site, check=True)
    uploaded = files(www)
    assert "index.html" in uploaded and not any("embargoed" in name for name in uploaded)
    assert b"Embargoed" not in uploaded["feed.xml"]


@pytest.mark.parametrize(
    ("toml", "build_args", "why"),
    [
        ('base_url = "https://example.org/"\n', ["--drafts"], "built with --drafts"),
        ('base_url = "http://localhost:8000/"\n', [], "an address on this machine"),
        ("", [], "http://127.0.0.1:8000/, an address on this machine"),
    ],
)
def test_deploy_refuses_a_build_that_is_not_for_publication(tmp_path, toml, build_args, why):
    www = tmp_path / "www"
    site = make_site(tmp_path / "site", f'title = "Desk"\n{toml}[deploy.live]\nurl = "{www}"\n')
    run_cli("build", *build_args, cwd=site, check=True)
    refused = run_cli("deploy", cwd=site)
    assert refused.returncode == 1, refused.stderr
    assert why in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    assert not www.exists()


def test_build_during_serve_drafts_leaves_the_preview_alone(tmp_path, serving):
    site = make_site(tmp_path, 'title = "Desk"\n')  # the built-in base_url: served as is
    server = serving(site, "--drafts")
    served = f"http://127.0.0.1:{server.port}/"
    status, before = server.wait_for_page(DRAFT_PATH, "Embargoed budget story")
    assert status == 200 and served in before
    preview = site / ".cache" / "site_builder" / "preview" / "site"
    kept = files(preview)

    run_cli("build", cwd=site, check=True)
    assert not (site / "output" / DRAFT_PATH.strip("/")).exists()
    status, after = server.get(DRAFT_PATH)
    assert status == 200 and "Embargoed budget story" in after
    links = lxml.html.fromstring(after).xpath("//link[@rel='canonical']/@href")
    assert links == [served + DRAFT_PATH.lstrip("/")]
    assert files(preview) == kept
    assert server.stop()[0] == 0


def test_plain_watch_keeps_output_a_publication_build(tmp_path):
    """watch without --drafts writes output/ and records it, so deploy can take it."""
    from site_builder.config import load_config
    from site_builder.engine import buildstatus
    from site_builder.serve.devloop import make_rebuild

    site = make_site(tmp_path, 'title = "Desk"\nbase_url = "https://example.org/"\n')
    config = load_config(site / "site.toml", root=site)
    make_rebuild(config, drafts=False, publication=True)(None)
    status = buildstatus.last(config)
    assert status is not None and buildstatus.not_for_publication(status) is None
    assert (site / "output" / "index.html").is_file()
    assert not (site / "output" / DRAFT_PATH.strip("/")).exists()


# --- dates ---------------------------------------------------------------------------------


def test_a_dump_without_dates_imports_as_drafts_that_need_a_date(tmp_path):
    site = make_site(tmp_path, 'title = "Desk"\nbase_url = "https://example.org/"\n', False)
    dump = tmp_path / "wire.txt"
    shutil.copy(SEED, dump)
    out = run_cli("import", str(dump), cwd=site, check=True).stdout
    assert (
        "2 articles need a date (imported as drafts, date_estimated: true): import again "
        "with --date DATE, or set date: in the file and remove draft: true"
    ) in out
    from site_builder.content import frontmatter

    guessed = []
    for line in out.splitlines():
        if line.startswith("created"):
            path = site / line.split()[-1]
            meta = frontmatter.read(path.read_text(encoding="utf-8"), path)[0]
            if meta.get("date_estimated"):
                assert meta["draft"] is True
                guessed.append(meta["title"])
    assert len(guessed) == 2
    run_cli("build", cwd=site, check=True)
    front = (site / "output" / "index.html").read_text(encoding="utf-8")
    assert not any(title in front for title in guessed)


def test_an_explicit_date_publishes(tmp_path):
    site = make_site(tmp_path, 'title = "Desk"\nbase_url = "https://example.org/"\n', False)
    out = run_cli("import", "--date", "2026-02-11T08:00", str(SEED), cwd=site, check=True)
    assert "need a date" not in out.stdout
    imported = [line.split()[-1] for line in out.stdout.splitlines() if line.startswith("created")]
    assert len(imported) == 4
    for path in imported:
        assert "draft: true" not in (site / path).read_text(encoding="utf-8")


def test_a_date_without_a_time_shows_no_time(tmp_path):
    site = make_site(tmp_path, 'title = "Desk"\nbase_url = "https://example.org/"\n')
    story = DRAFT.replace("draft: true\n", "").replace("2026-02-10T08:00:00+00:00", "2026-02-06")
    (site / "content" / "middle-east" / "embargoed-budget.md").write_text(story, encoding="utf-8")
    run_cli("build", cwd=site, check=True)
    page = lxml.html.parse(str(site / "output" / DRAFT_PATH.strip("/") / "index.html"))
    when = page.xpath("//p[@class='meta']/time")[0]
    assert when.get("datetime") == "2026-02-06"
    assert when.text_content() == "6 February 2026"
    feed = (site / "output" / "feed.xml").read_text(encoding="utf-8")
    assert "<pubDate>Fri, 06 Feb 2026 00:00:00 +0000</pubDate>" in feed


def test_an_update_without_a_time_shows_no_time(tmp_path):
    site = make_site(tmp_path, 'title = "Desk"\nbase_url = "https://example.org/"\n')
    story = DRAFT.replace("draft: true\n", "updated: 2026-02-12\n")
    (site / "content" / "middle-east" / "embargoed-budget.md").write_text(story, encoding="utf-8")
    run_cli("build", cwd=site, check=True)
    page = lxml.html.parse(str(site / "output" / DRAFT_PATH.strip("/") / "index.html"))
    (published,) = page.xpath("//header//p[@class='meta']/time")
    (updated,) = page.xpath("//header//p[@class='updated']/time")
    assert published.text_content() == "10 February 2026, 08:00 UTC"
    assert (updated.get("datetime"), updated.text_content()) == ("2026-02-12", "12 February 2026")

    # A later correction with a time moves `updated` to it: then the time shows.
    corrected = story.replace(
        "updated: 2026-02-12\n",
        "updated: 2026-02-12\ncorrections:\n- {date: 2026-02-14T10:30:00Z, text: Fixed.}\n",
    )
    (site / "content" / "middle-east" / "embargoed-budget.md").write_text(
        corrected, encoding="utf-8"
    )
    run_cli("build", cwd=site, check=True)
    page = lxml.html.parse(str(site / "output" / DRAFT_PATH.strip("/") / "index.html"))
    (updated,) = page.xpath("//header//p[@class='updated']/time")
    assert updated.text_content() == "14 February 2026, 10:30 UTC"


def test_a_preview_labels_a_scheduled_story_until_its_time(tmp_path):
    """In a preview (--drafts) a future story says when it is due, on its page and its
    card; once its time has come the same engine takes the label away."""
    import datetime as dt

    from site_builder.config import load_config
    from site_builder.engine.pipeline import Engine

    site = make_site(tmp_path, 'title = "Desk"\nbase_url = "https://example.org/"\n')
    story = DRAFT.replace("draft: true\n", "").replace("2026-02-10T08:00", "2026-12-24T08:00")
    (site / "content" / "middle-east" / "embargoed-budget.md").write_text(story, encoding="utf-8")
    clock = [dt.datetime(2026, 12, 6, tzinfo=dt.UTC)]
    config = load_config(site / "site.toml", root=site)
    engine = Engine(config, drafts=True, in_place=True, now=lambda: clock[0])
    page = site / "output" / "articles" / "2026" / "12" / "embargoed-budget" / "index.html"

    def labels(path: Path) -> list[str]:
        tree = lxml.html.parse(str(path))
        return [p.text_content() for p in tree.xpath("//p[@class='label']")]

    try:
        engine.build()
        assert labels(page) == ["Scheduled for 24 December 2026, 08:00 UTC"]
        assert "Scheduled for 24 December 2026, 08:00 UTC" in labels(site / "output" / "index.html")
        clock[0] = dt.datetime(2026, 12, 24, 8, 1, tzinfo=dt.UTC)
        engine.build()
        assert labels(page) == [] and labels(site / "output" / "index.html") == []
    finally:
        engine.close()


def test_a_preview_takes_the_label_off_a_story_rescheduled_while_it_watched(tmp_path):
    """A published story moved a day ahead while a preview watches is labelled (a plan
    from the change); when the day comes, no page still says it is scheduled."""
    import datetime as dt

    from site_builder.config import load_config
    from site_builder.engine.pipeline import Engine

    site = make_site(tmp_path, 'title = "Desk"\nbase_url = "https://example.org/"\n', False)
    path = site / "content" / "middle-east" / "embargoed-budget.md"
    story = DRAFT.replace("draft: true\n", "")
    path.write_text(story, encoding="utf-8")
    clock = [dt.datetime(2026, 2, 11, tzinfo=dt.UTC)]
    config = load_config(site / "site.toml", root=site)
    engine = Engine(config, drafts=True, in_place=True, now=lambda: clock[0])
    front = site / "output" / "index.html"

    def labels(path: Path) -> list[str]:
        return [p.text_content() for p in lxml.html.parse(str(path)).xpath("//p[@class='label']")]

    try:
        engine.build()
        assert labels(front) == []
        path.write_text(story.replace("2026-02-10T08:00", "2026-02-12T08:00"), encoding="utf-8")
        engine.build({path})
        assert set(labels(front)) == {"Scheduled for 12 February 2026, 08:00 UTC"}
        clock[0] = dt.datetime(2026, 2, 13, tzinfo=dt.UTC)
        engine.build(set())
        assert labels(front) == []
    finally:
        engine.close()


# --- commands that know where they are --------------------------------------------------------


@pytest.mark.parametrize("command", [["new", "Port reopens"], ["build"], ["serve"], ["deploy"]])
def test_site_commands_outside_a_site_refuse_in_one_line(tmp_path, command):
    proc = run_cli(*command, cwd=tmp_path, timeout=30)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert lines == [
        f"site-builder: no site.toml in {tmp_path}: not a site's folder; start one with "
        "site-builder init DIR, or name one with --config PATH"
    ]
    assert list(tmp_path.iterdir()) == []


def test_new_refuses_a_path_for_a_title(tmp_path):
    run_cli("init", "news", cwd=tmp_path, check=True)
    before = files(tmp_path / "news")
    proc = run_cli("new", "posts/x.md", cwd=tmp_path / "news")
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "site-builder: 'posts/x.md' is a file name, not a title: give the headline in "
        'quotes, site-builder new "Port of Sudan reopens" (the file is named after it)'
    )
    assert files(tmp_path / "news") == before


def test_markdown_files_are_named_in_one_warning(tmp_path):
    site = make_site(tmp_path, 'title = "Desk"\nbase_url = "https://example.org/"\n')
    for name in ("one", "two"):
        (site / "content" / "middle-east" / f"{name}.markdown").write_text(DRAFT, encoding="utf-8")
    proc = run_cli("build", cwd=site, check=True)
    warnings = [line for line in proc.stderr.splitlines() if ".markdown" in line]
    assert warnings == [
        "content/middle-east/one.markdown: warning: .markdown files are not read (2 of "
        "them, content/middle-east/one.markdown first): rename them to .md"
    ]


def test_serve_on_a_site_never_built_serves_its_pictures(tmp_path, serving):
    """The preview shares the build's picture cache; on a site never built that cache does
    not exist yet, and the preview must still make and serve its pictures."""
    from pictures import photo

    bundle = tmp_path / "site" / "content" / "gulf" / "ferry"
    bundle.mkdir(parents=True)
    (bundle / "photo.jpg").write_bytes(photo(800, 533))
    (bundle / "index.md").write_text(
        "---\nid: urn:uuid:8d1b0c2e-0000-4000-8000-000000000001\ntitle: Ferry resumes\n"
        "date: 2026-02-06T10:00:00+00:00\nimage:\n  url: photo.jpg\n  caption: The ferry\n---\n"
        "The ferry sails again.\n",
        encoding="utf-8",
    )
    (tmp_path / "site" / "site.toml").write_text('title = "Desk"\n', encoding="utf-8")
    server = serving(tmp_path / "site")
    status, page = server.get("/articles/2026/02/ferry/")
    assert status == 200, "\n".join(server.lines)
    sources = lxml.html.fromstring(page).xpath("//img/@src")
    assert sources, page
    picture = urljoin("/articles/2026/02/ferry/", sources[0])
    assert server.get(picture)[0] == 200, picture


def test_verbose_build_lines_are_short_enough_to_read(tmp_path):
    site = make_site(tmp_path, 'title = "Desk"\nbase_url = "https://example.org/"\n')
    proc = run_cli("build", "-v", cwd=site, check=True)
    lines = proc.stderr.splitlines()
    assert any(line.startswith("stages: scan+load ") for line in lines)
    assert any(
        line.startswith("left out: content/middle-east/embargoed-budget.md") for line in lines
    )
    assert max(len(line) for line in lines) <= 100, lines
