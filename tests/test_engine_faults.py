"""What tried to break the build engine: each case gets one clear line, never a hang, a
traceback, a stale page or a write where it does not belong."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run_cli
from lxml import html
from test_incremental import Watching, article

from site_builder.config import load_config
from site_builder.engine import publish
from site_builder.engine.build import run_build
from site_builder.errors import ConfigError
from site_builder.feeds import jsonfeed
from site_builder.serve import livereload


@pytest.fixture
def site(tmp_path):
    (tmp_path / "content" / "gulf").mkdir(parents=True)
    for n in range(1, 5):
        write(tmp_path / "content" / "gulf" / f"article-{n}.md", article(n))
    write(tmp_path / "site.toml", 'title = "Fault Desk"\nper_page = 2\n')
    return tmp_path


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def one_line_error(proc, text: str) -> None:
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert any(text in line for line in proc.stderr.splitlines()), proc.stderr


def test_watch_reloads_site_toml_named_relatively_and_reports_a_wrong_value(site, monkeypatch):
    monkeypatch.chdir(site)
    toml = Path("site.toml")  # as typed on the command line: relative

    def reload():
        return load_config(toml, root=Path.cwd())

    watching = Watching(reload(), reload_config=reload)
    watching.rebuild(None)
    write(site / "site.toml", 'title = "Renamed Desk"\nper_page = 2\n')
    watching.rebuild({site / "site.toml"})  # the watcher reports absolute paths
    assert "Renamed Desk" in (site / "output" / "index.html").read_text(encoding="utf-8")
    write(site / "site.toml", 'title = "Renamed Desk"\nper_page = "two"\n')
    with pytest.raises(ConfigError, match=r"site\.toml:2: 'per_page'"):
        watching.rebuild({site / "site.toml"})
    write(site / "site.toml", 'title = "Fixed Desk"\nper_page = 2\n')
    watching.rebuild({site / "content" / "gulf" / "article-1.md"})  # any next change
    assert "Fixed Desk" in (site / "output" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("folder", ["content/gulf", "templates", "static"])
def test_a_fifo_among_the_sources_is_skipped_with_one_line(site, folder):
    (site / folder).mkdir(parents=True, exist_ok=True)
    fifo = site / folder / ("stuck.md" if folder.startswith("content") else "stuck.html")
    os.mkfifo(fifo)
    proc = run_cli("build", cwd=site, timeout=60)  # before the fix: blocked forever
    assert proc.returncode == 0, proc.stderr
    assert f"{fifo.name}: not a regular file" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_slug_too_long_for_the_file_system_is_one_line(site):
    write(
        site / "content" / "gulf" / "long.md",
        article(9).replace("draft: false", f"draft: false\nslug: {'a' * 300}"),
    )
    one_line_error(run_cli("build", cwd=site), "content/gulf/long.md:10: slug too long")


def test_a_full_disk_is_one_line_and_output_stays(site, monkeypatch, caplog):
    config = load_config(site / "site.toml", root=site)
    assert run_build(config) == 0
    before = sorted(p.name for p in (site / "output").iterdir())
    write(site / "content" / "gulf" / "article-1.md", article(1, title="Changed"))

    def full(path, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(publish, "_write", full)
    assert run_build(config) == 1
    assert "cannot write: the disk is full" in caplog.text
    assert sorted(p.name for p in (site / "output").iterdir()) == before


def test_an_output_folder_that_cannot_be_made_is_one_line(site):
    write(site / "blocker", "a file where a folder should be")
    one_line_error(run_cli("build", "--output", "blocker/site", cwd=site), "cannot write")


def test_a_template_that_is_not_utf8_is_one_line(site):
    (site / "templates").mkdir()
    (site / "templates" / "404.html").write_bytes("Caf\xe9".encode("latin-1"))
    one_line_error(run_cli("build", cwd=site), "templates/404.html: not UTF-8 text")


def test_a_second_build_waits_for_the_first_and_says_for_whom(site):
    config = load_config(site / "site.toml", root=site)
    with publish.lock(config):
        proc = subprocess.Popen(
            [sys.executable, "-m", "site_builder", "build"],
            cwd=site,
            stderr=subprocess.PIPE,
            text=True,
        )
        line = proc.stderr.readline()  # blocks until the second build says it waits
        assert f"waiting for the build in process {os.getpid()}" in line
        assert proc.poll() is None
    assert proc.wait(timeout=60) == 0
    proc.stderr.close()


def test_workers_of_a_killed_build_die_with_it(tmp_path):
    (tmp_path / "content" / "gulf").mkdir(parents=True)
    for n in range(1200):  # enough for the parse to go to two workers
        write(
            tmp_path / "content" / "gulf" / f"a{n}.md",
            article(n).replace("Body of", "Body " * 400 + "of"),
        )
    build = subprocess.Popen(
        [sys.executable, "-m", "site_builder", "build"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    children = _children(build.pid, until=lambda found: len(found) >= 2)
    build.send_signal(signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_alive(pid) for pid in children):
        time.sleep(0.05)
    assert not [pid for pid in children if _alive(pid)], "workers outlived the build"


def _children(pid: int, until, timeout: float = 60) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = [
                int(c)
                for c in Path(f"/proc/{pid}/task/{pid}/children")
                .read_text(encoding="utf-8")
                .split()
            ]
        except OSError:
            found = []
        if until(found):
            return found
        time.sleep(0.01)
    raise AssertionError("the build never started its workers")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_static_link_out_of_the_site_is_refused(site, tmp_path_factory):
    secret = tmp_path_factory.mktemp("elsewhere") / "secret.txt"
    write(secret, "not for publishing")
    (site / "static").mkdir()
    (site / "static" / "leak.txt").symlink_to(secret)
    one_line_error(run_cli("build", cwd=site), "static/leak.txt: symbolic link to")
    assert not (site / "output" / "leak.txt").exists()


@pytest.mark.parametrize("slug", ["archive", "subscribe", "articles", "countries", "page"])
def test_a_region_named_like_a_page_of_the_site_is_refused(site, slug):
    write(site / "site.toml", f'title = "Desk"\n\n[regions.{slug}]\nname = "Clash"\n')
    proc = run_cli("build", cwd=site)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert (
        f"site.toml:3: region slug '{slug}' is the address of one of the site's own" in proc.stderr
    )


def test_output_never_replaces_a_folder_or_file_it_did_not_build(site):
    notes = site / "docs"
    notes.mkdir()
    write(notes / "plan.txt", "my notes")
    one_line_error(run_cli("build", "--output", "docs", cwd=site), "refusing to replace")
    assert (notes / "plan.txt").read_text(encoding="utf-8") == "my notes"
    write(site / "single", "a file")
    one_line_error(run_cli("build", "--output", "single", cwd=site), "it is a file")
    assert run_cli("build", "--output", "built", cwd=site).returncode == 0
    assert run_cli("build", "--output", "built", cwd=site).returncode == 0  # its own: fine


def test_json_is_safe_to_embed_in_html():
    text = jsonfeed.html_safe_json({"title": "</script><b>&amp;"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"title": "</script><b>&amp;"}
    snippet = livereload.script("/a</script>/", 1).decode()
    assert snippet.count("</script>") == 1  # only the snippet's own end


def test_json_feed_items_escape_markup(site):
    write(
        site / "content" / "gulf" / "article-1.md",
        article(1, title="'<script>alert(1)</script> & more'"),
    )
    assert run_cli("build", cwd=site).returncode == 0
    feed = (site / "output" / "feed.json").read_text(encoding="utf-8")
    assert "<script>" not in feed and "\\u003cscript\\u003e" in feed
    titles = [item["title"] for item in json.loads(feed)["items"]]
    assert "<script>alert(1)</script> & more" in titles


def _not_there_at_first_read(monkeypatch, path: Path, stage: str, text: str | None) -> list[Path]:
    """Fault injection: the first read of `path` finds it deleted (at the read's stat or at
    the read itself); once that read has failed, an editor's rename puts `text` in its place
    (None: it stays gone). Returns every read of `path`."""
    from site_builder.content import loader

    real_read, real_check, reads = loader.read_file, loader._check_file, []

    def check(config, file, shown):
        first = file == path and len(reads) == 1
        if first and stage == "stat":
            path.unlink()
        real_check(config, file, shown)
        if first and stage == "read":
            path.unlink()

    def read(config, file):
        if file == path:
            reads.append(file)
        try:
            return real_read(config, file)
        finally:
            if file == path and len(reads) == 1 and text is not None:
                write(path, text)

    monkeypatch.setattr(loader, "_check_file", check)
    monkeypatch.setattr(loader, "read_file", read)
    return reads


def _headlines(output: Path) -> set[str]:
    return {
        h.text_content().strip()
        for page in output.glob("articles/**/index.html")
        for h in html.fromstring(page.read_bytes()).iter("h1")
    }


@pytest.mark.parametrize("stage", ["stat", "read"])
@pytest.mark.parametrize("build", ["cold", "watch"])
def test_a_file_saved_again_while_it_is_read_is_read_again(site, monkeypatch, caplog, stage, build):
    path = site / "content" / "gulf" / "article-3.md"
    config = load_config(site / "site.toml", root=site)
    watching = Watching(config)
    if build == "watch":
        watching.rebuild(None)
    reads = _not_there_at_first_read(monkeypatch, path, stage, article(3, title="Saved again"))
    write(path, article(3, title="Being saved"))
    if build == "cold":
        assert run_build(config) == 0, caplog.text  # before the fix: "cannot read: No such file"
    else:
        watching.rebuild({path})
    assert reads == [path, path]
    assert "cannot read" not in caplog.text
    headlines = _headlines(site / "output")
    assert "Saved again" in headlines and "Being saved" not in headlines


@pytest.mark.parametrize("stage", ["stat", "read"])
@pytest.mark.parametrize("build", ["cold", "watch"])
def test_a_file_deleted_for_good_while_it_is_read_is_gone(site, monkeypatch, caplog, stage, build):
    path = site / "content" / "gulf" / "article-3.md"
    config = load_config(site / "site.toml", root=site)
    watching = Watching(config)
    if build == "watch":
        watching.rebuild(None)
    reads = _not_there_at_first_read(monkeypatch, path, stage, None)
    write(path, article(3, title="Being deleted"))
    if build == "cold":
        assert run_build(config) == 0, caplog.text
    else:
        watching.rebuild({path})
    assert reads == [path]
    assert "cannot read" not in caplog.text
    assert _headlines(site / "output") == {f"Article number {n}" for n in (1, 2, 4)}
