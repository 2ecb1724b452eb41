"""Strays: what someone put into output/ that no build made. A staged build swaps output/
aside as the kept previous site and stages the next build from it, so a stray must be
dropped there too, or it comes back a build later. The kept site's strays are found by the
output check's forked child while the build works, not by the build walking the site."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import run_cli
from test_cli_site import make_site
from test_publish import first_two

from site_builder.config import SiteConfig, load_config
from site_builder.engine.pipeline import Engine
from site_builder.engine.publish import Publisher, SiteFiles, previous_site
from site_builder.engine.store import Store
from site_builder.engine.strays import WALKED, walk_later, walked


def edit_body(site: Path, n: int) -> None:
    article = sorted((site / "content/middle-east").glob("*.md"))[0]
    article.write_text(article.read_text(encoding="utf-8") + f"\nEdit {n}.\n", "utf-8")


def built_and_kept(site: Path) -> Path:
    """A site built twice (so that a kept previous site exists); its output/."""
    run_cli("build", cwd=site, check=True)
    edit_body(site, 0)
    run_cli("build", cwd=site, check=True)
    assert (site / ".output.previous").is_dir()
    return site / "output"


def names(folder: Path) -> set[str]:
    """Every name below folder, links not followed."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_a_file_dropped_into_an_article_folder_goes_and_does_not_come_back(tmp_path):
    output = built_and_kept(make_site(tmp_path))
    made = names(output)
    page = next((output / "articles").rglob("index.html")).parent
    (page / "stray.txt").write_text("not ours", encoding="utf-8")
    for n in (1, 2):  # the first swaps it into the kept site; the second stages from that
        edit_body(tmp_path, n)
        run_cli("build", cwd=tmp_path, check=True)
        assert names(output) == made, n
    assert names(tmp_path / ".output.previous") == made


def test_an_empty_folder_and_a_linked_folder_dropped_into_output_go_for_good(tmp_path):
    output = built_and_kept(make_site(tmp_path / "site"))
    made = names(output)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "theirs.txt").write_text("someone else's", encoding="utf-8")
    (output / "tags/empty").mkdir()
    (output / "articles/linked").symlink_to(outside, target_is_directory=True)
    for n in (1, 2):
        edit_body(tmp_path / "site", n)
        run_cli("build", cwd=tmp_path / "site", check=True)
        assert names(output) == made, n
    assert names(tmp_path / "site/.output.previous") == made
    assert names(outside) == {"theirs.txt"}  # the link went, not what it led to


def test_a_body_edit_walks_the_kept_site_in_no_process_of_the_build(tmp_path, monkeypatch):
    """The kept site is walked once, after the swap that kept it, by a process of its own:
    the next build's process lists no folder of output/, the kept site or the staging
    folder, nor does its forked check; and a stray that was in output/ at the swap still
    goes."""
    site = make_site(tmp_path)
    run_cli("build", cwd=site, check=True)
    (site / "output/articles/stray.txt").write_text("not ours", encoding="utf-8")
    edit_body(site, 0)
    run_cli("build", cwd=site, check=True)  # swaps the stray into the kept site
    made = names(site / "output")
    builder, scandir, log = os.getpid(), os.scandir, tmp_path / "listed.log"
    log.touch()

    def watched(path=".", *args, **kwargs):
        # (a folder opened by its descriptor is the spool's removal: rmtree lists it so)
        if not isinstance(path, int) and os.fspath(path).startswith(str(site / ".output")):
            with log.open("a", encoding="utf-8") as out:  # the forked processes' too
                out.write(f"{os.getpid()} {os.fspath(path)}\n")
        return scandir(path, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", watched)

    def every_path(store):
        raise AssertionError("a body edit read every output's path")

    monkeypatch.setattr(Store, "output_paths", every_path)
    edit_body(site, 1)
    engine = Engine(load_config(site / "site.toml", root=site))  # as `build` runs it
    try:
        assert "bodies only" in engine.build().account
        walk = engine.store.meta("publisher")["walk"]
    finally:
        engine.close()
    # This build's walk (waited for), against the files the state has: the folder it
    # swapped aside has none beyond them but the marker (which the publisher puts back).
    assert walked(site / ".cache/site_builder", walk) == [".site_builder"]
    listed = [line.split(" ", 1) for line in log.read_text("utf-8").splitlines()]
    assert {pid for pid, _ in listed} - {str(builder)} != set()  # this build's own walk
    assert len({pid for pid, _ in listed}) == 1, "walked by the build or its check"
    assert names(site / "output") == made
    assert "articles/stray.txt" not in made
    page = (site / "output/articles").rglob("*.html")
    assert any("Edit 1." in p.read_text("utf-8") for p in page)


def test_a_walk_that_left_no_answer_is_made_good_by_the_next_build(tmp_path):
    """A walk killed before it answered (or a state folder that could not take the answer):
    the next build walks the kept site itself, and the stray still goes."""
    site = make_site(tmp_path)
    run_cli("build", cwd=site, check=True)
    (site / "output/tags/stray.txt").write_text("not ours", encoding="utf-8")
    edit_body(site, 0)
    run_cli("build", cwd=site, check=True)
    made = names(site / "output")
    state = site / ".cache/site_builder"
    assert walked(state, "not-the-token") is None  # waits for the walk; names its swap
    (state / WALKED).unlink()
    edit_body(site, 1)
    run_cli("build", cwd=site, check=True)
    assert names(site / "output") == made
    assert "tags/stray.txt" not in made


def test_a_walk_answers_for_its_own_swap_only(tmp_path):
    """Its token, not an earlier walk's, and the strays of the folder it walked."""
    kept = tmp_path / "kept"
    (kept / "a").mkdir(parents=True)
    (kept / "a/page.html").write_bytes(b"a")
    (kept / "a/stray.txt").write_bytes(b"theirs")
    (kept / "empty").mkdir()
    first = walk_later(tmp_path, kept, lambda: {"a/page.html"})
    assert first is not None
    assert sorted(walked(tmp_path, first) or ()) == ["a/stray.txt", "empty"]
    second = walk_later(tmp_path, kept, lambda: {"a/page.html", "a/stray.txt"})
    assert walked(tmp_path, first) is None
    assert walked(tmp_path, second) == ["empty"]
    assert walked(tmp_path, None) is None


def test_strays_found_in_another_kept_folder_are_not_used(tmp_path):
    """The check's answer names the kept folder it walked (its inode): for any other, the
    publisher walks the folder it stages from itself."""
    config = SiteConfig(root=tmp_path, output_dir=tmp_path / "output", cache_dir=tmp_path / "c")
    v2, two = first_two(config)
    (previous_site(config.output_dir) / "CNAME").write_text("example.org", encoding="ascii")
    Publisher(config, two.state()).staged(SiteFiles(set(v2)), {}, set(), True, seen=(1, set()))
    assert not (config.output_dir / "CNAME").exists()
