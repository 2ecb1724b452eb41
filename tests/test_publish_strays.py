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
from site_builder.engine.publish import Publisher, previous_site


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


def test_a_body_edit_does_not_walk_the_site_in_the_building_process(tmp_path, monkeypatch):
    """The build's own process lists no folder of output/, the kept site or the staging
    folder; the forked check does, and a stray in the kept site still goes."""
    site = tmp_path
    output = built_and_kept(make_site(site))
    (site / ".output.previous/articles/stray.txt").write_text("not ours", encoding="utf-8")
    made = names(output)
    builder, scandir, listed = os.getpid(), os.scandir, []

    def watched(path=".", *args, **kwargs):
        # (a folder opened by its descriptor is the spool's removal: rmtree lists it so)
        if (
            os.getpid() == builder
            and not isinstance(path, int)
            and os.fspath(path).startswith((str(output), str(site / ".output")))
        ):
            listed.append(os.fspath(path))
        return scandir(path, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", watched)
    edit_body(site, 1)
    engine = Engine(load_config(site / "site.toml", root=site))  # as `build` runs it
    try:
        assert "bodies only" in engine.build().account
    finally:
        engine.close()
    assert listed == []
    assert names(output) == made
    assert any("Edit 1." in p.read_text("utf-8") for p in (output / "articles").rglob("*.html"))


def test_strays_found_in_another_kept_folder_are_not_used(tmp_path):
    """The check's answer names the kept folder it walked (its inode): for any other, the
    publisher walks the folder it stages from itself."""
    config = SiteConfig(root=tmp_path, output_dir=tmp_path / "output", cache_dir=tmp_path / "c")
    v2, two = first_two(config)
    (previous_site(config.output_dir) / "CNAME").write_text("example.org", encoding="ascii")
    Publisher(config, two.state()).staged(set(v2), {}, set(), True, seen=(1, set()))
    assert not (config.output_dir / "CNAME").exists()
