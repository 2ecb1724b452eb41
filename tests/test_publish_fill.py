"""The first build after a cold one. With no kept previous site, the staging folder is made
afresh, each folder by the build itself, each unchanged file linked from output/; with one
that lags by the whole site (a build with --clean kept the old output/), every file of it
is replaced. A reader must see exactly the site, and nothing written later into one of the
two trees may show in the other."""

from __future__ import annotations

import logging
import os
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import run_cli
from test_cli_site import make_site
from test_publish import V1, files, first_two, publish_site
from test_publish_strays import edit_body

from site_builder.config import SiteConfig
from site_builder.engine import publish
from site_builder.engine.publish import MARKER, Publisher, SiteFiles, Spool, previous_site
from site_builder.errors import SiteBuilderError


@pytest.fixture
def config(tmp_path) -> SiteConfig:
    return SiteConfig(root=tmp_path, output_dir=tmp_path / "output", cache_dir=tmp_path / ".cache")


def shared_inodes(*trees: Path) -> dict[tuple[int, int], set[str]]:
    """Each file's (device, inode) -> the paths (tree name/relative path) that are it."""
    found: dict[tuple[int, int], set[str]] = defaultdict(set)
    for tree in trees:
        for path in tree.rglob("*"):
            if path.is_file() and not path.is_symlink():
                st = path.stat()
                found[st.st_dev, st.st_ino].add(f"{tree.name}/{path.relative_to(tree)}")
    return found


def test_the_first_build_after_a_cold_one_is_the_site_and_shares_nothing_that_writes_through(
    tmp_path,
):
    site, twin = make_site(tmp_path / "site"), make_site(tmp_path / "twin")
    run_cli("build", cwd=site, check=True)
    assert not (site / ".output.previous").exists()  # a cold build keeps nothing
    edit_body(site, 1)
    run_cli("build", cwd=site, check=True)
    edit_body(twin, 1)
    run_cli("build", cwd=twin, check=True)  # the same sources, built cold
    output, kept = site / "output", site / ".output.previous"
    assert files(output) == files(twin / "output")

    # An unchanged file is one file in both trees at the same path; any other file (the
    # edited article's page, linked from the spool) is in one tree only.
    for paths in shared_inodes(output, kept).values():
        names = {p.split("/", 1)[1] for p in paths}
        assert len(names) == 1 and len(paths) == os.stat(site / next(iter(paths))).st_nlink
    edited = next(p for p in files(output) if files(output)[p] != files(kept).get(p))
    assert (output / edited).stat().st_nlink == 1

    # The next build changes output/ through the kept site: the site it replaces is kept
    # as it was, and output/ is again what a cold build makes.
    before = files(output)
    for folder in (site, twin):
        edit_body(folder, 2)
        run_cli("build", cwd=folder, check=True)
    assert files(kept) == before
    assert files(output) == files(twin / "output")


def test_a_file_changed_in_output_after_a_fresh_staging_is_not_changed_in_the_kept_site(config):
    one = publish_site(config, None, V1, set(V1), shared=False)
    v2 = {**V1, "a/page.html": b"a 2"}
    two = publish_site(config, one.state(), v2, {"a/page.html"}, shared=False)  # nothing kept
    kept = files(previous_site(config.output_dir))
    Publisher(config, two.state()).in_place({"b/page.html": b"b 3", "a/page.html": b"a 3"}, set())
    assert files(previous_site(config.output_dir)) == kept
    assert files(config.output_dir)["b/page.html"] == b"b 3"


SITE = {  # names that sort around "/" and folders holding both files and folders
    "index.html": b"home",
    "a/index.html": b"a",
    "a/b/c/index.html": b"c",
    "a-b/index.html": b"a-b",
    "a.b/x.xml": b"x",
    "a/b.html": b"b",
    "articles/2026/01/one/index.html": b"one",
    "articles/2026/01/two/index.html": b"two",
    "articles/2026/02/three/index.html": b"three",
}


def test_a_fresh_staging_folder_from_a_spool_holds_exactly_the_site(config):
    publish_site(config, None, SITE, set(SITE), shared=False)
    changed = {"a/b/c/index.html": b"c 2", "articles/2026/03/four/index.html": b"four"}
    new = {**SITE, **changed}
    spool = Spool(config.output_dir)
    spool.open()
    for n, (path, data) in enumerate(sorted(changed.items())):
        spool.add(path, spool.write(n, data))
    Publisher(config, None).staged(SiteFiles(set(new)), spool, set(), shared=False)
    spool.close()
    assert files(config.output_dir) == {**new, MARKER: publish.MARKER_TEXT}
    kept = previous_site(config.output_dir)
    assert files(kept) == {**SITE, MARKER: publish.MARKER_TEXT}
    for path in new:
        links = (config.output_dir / path).stat().st_nlink
        assert links == (1 if path in changed else 2), path


def test_a_fresh_staging_folder_makes_each_folder_once_and_resolves_no_path_per_file(
    config, monkeypatch
):
    """What made the first build after a cold one slow: pathlib probing for folders that
    exist and a resolve per file. Folders made by the build cannot be links out."""
    site = {f"articles/2026/{n % 12:02}/story-{n}/index.html": b"x" for n in range(60)}
    publish_site(config, None, site, set(site), shared=False)
    made, resolved = [], []
    mkdir, realpath = os.mkdir, os.path.realpath

    def counting_mkdir(path, *args, **kwargs):
        made.append(os.fspath(path))
        return mkdir(path, *args, **kwargs)

    def counting_realpath(path, *args, **kwargs):
        resolved.append(path)
        return realpath(path, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", counting_mkdir)
    monkeypatch.setattr(os.path, "realpath", counting_realpath)
    publish_site(config, None, site, set(), shared=False)
    staged = [p for p in made if ".staging-" in p]
    folders = {str(f) for p in site for f in Path(p).parents} - {"."}
    assert len(staged) == len(set(staged)) == len(folders) + 1  # + the staging folder
    assert len(resolved) < 10
    assert files(config.output_dir) == {**site, MARKER: publish.MARKER_TEXT}


@pytest.mark.parametrize("path", ["../x.html", "a/../../x.html", "/x.html"])
def test_a_fresh_staging_folder_refuses_paths_out_of_it_and_leaves_output_as_it_was(config, path):
    publish_site(config, None, V1, set(V1), shared=False)
    before = sorted(os.listdir(config.output_dir.parent))
    with pytest.raises(SiteBuilderError, match="outside the output folder"):
        publish_site(config, None, {**V1, path: b"out"}, {path}, shared=False)
    assert files(config.output_dir) == {**V1, MARKER: publish.MARKER_TEXT}
    assert sorted(os.listdir(config.output_dir.parent)) == before
    assert not Path("/x.html").exists()


def test_a_folder_of_output_that_links_out_is_a_real_folder_of_the_new_site(config, tmp_path):
    publish_site(config, None, V1, set(V1), shared=False)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "page.html").write_bytes(b"a 1")
    (config.output_dir / "a/page.html").unlink()
    (config.output_dir / "a").rmdir()
    (config.output_dir / "a").symlink_to(outside)
    publish_site(config, None, {**V1, "a/page.html": b"a 2"}, {"a/page.html"}, shared=False)
    assert os.listdir(outside) == ["page.html"] and (outside / "page.html").read_bytes() == b"a 1"
    assert not (config.output_dir / "a").is_symlink()
    assert files(config.output_dir)["a/page.html"] == b"a 2"


def test_a_file_where_the_site_needs_a_folder_is_one_line_naming_it(config):
    publish_site(config, None, V1, set(V1), shared=False)
    bad = {**V1, "index.html/inside.html": b"x"}
    with pytest.raises(SiteBuilderError, match=r"index.html: cannot write: File exists$"):
        publish_site(config, None, bad, {"index.html/inside.html"}, shared=False)
    assert files(config.output_dir) == {**V1, MARKER: publish.MARKER_TEXT}


def test_a_kept_site_with_a_folder_linked_to_another_of_its_own_is_built_afresh(config, caplog):
    """A link that stays inside the kept site still leads a write astray: a's page would
    overwrite b's."""
    v2, two = first_two(config)
    kept = previous_site(config.output_dir)
    shutil.rmtree(kept / "a")
    (kept / "a").symlink_to("b", target_is_directory=True)
    v3 = {**v2, "a/page.html": b"a 3"}
    with caplog.at_level(logging.WARNING, logger="site_builder"):
        publish_site(config, two.state(), v3, {"a/page.html"})
    assert files(config.output_dir) == {**v3, MARKER: publish.MARKER_TEXT}
    assert not (config.output_dir / "a").is_symlink()
    assert "building the folder afresh" in caplog.text


def test_a_kept_site_lagging_by_the_whole_site_is_updated_looking_at_each_folder_once(
    config, monkeypatch
):
    site = {f"articles/2026/{n % 12:02}/story-{n}/index.html": b"x" for n in range(60)}
    one = publish_site(config, None, site, set(site), shared=False)
    rendered_again = dict.fromkeys(site, b"y")
    two = publish_site(config, one.state(), rendered_again, set(site), shared=False)
    assert two.state()["lag"] == sorted(site)
    looked, lstat = [], os.lstat

    def counting_lstat(path, *args, **kwargs):
        looked.append(os.fspath(path))
        return lstat(path, *args, **kwargs)

    monkeypatch.setattr(os, "lstat", counting_lstat)
    three = dict.fromkeys(site, b"z")
    publish_site(config, two.state(), three, {sorted(site)[0]})
    monkeypatch.undo()
    staged = [p for p in looked if ".staging-" in p]
    assert len(staged) == len(set(staged)) <= len({os.path.dirname(p) for p in site}) * 2
    assert files(config.output_dir) == {
        **rendered_again,
        sorted(site)[0]: b"z",
        MARKER: publish.MARKER_TEXT,
    }
    assert files(previous_site(config.output_dir)) == {
        **rendered_again,
        MARKER: publish.MARKER_TEXT,
    }
