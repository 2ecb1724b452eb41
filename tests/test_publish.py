"""Publishing into output/: what a reader of the site and the owner of the folders see.

The publisher is the only code that writes output/: a staged build swaps a whole new site
in (the old one kept next to it, to be brought up to date next time), watch/serve write in
place, and neither ever replaces a folder that is not a site this tool built.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import resource
import shutil
import signal
import threading
from pathlib import Path

import pytest
from conftest import run_cli

from site_builder.config import SiteConfig
from site_builder.engine import publish, search
from site_builder.engine.publish import (
    MARKER,
    Publisher,
    SiteFiles,
    check_replaceable,
    previous_site,
)
from site_builder.errors import SiteBuilderError


@pytest.fixture
def config(tmp_path) -> SiteConfig:
    return SiteConfig(root=tmp_path, output_dir=tmp_path / "output", cache_dir=tmp_path / ".cache")


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def publish_site(
    config, state, site: dict[str, bytes], changed: set[str], removed=(), shared=True, keep=True
) -> Publisher:
    """One staged publish of `site` (path -> bytes) where `changed` differ from output/."""
    publisher = Publisher(config, state)
    publisher.staged(
        SiteFiles(set(site)), {p: site[p] for p in changed}, set(removed), shared, keep
    )
    return publisher


V1 = {"index.html": b"home 1", "feeds.opml": b"opml", "a/page.html": b"a 1", "b/page.html": b"b 1"}


def first_two(config):
    """Publish V1 into an empty output/, then V2 (a/page.html changed, c added)."""
    one = publish_site(config, None, V1, set(V1), shared=False)
    v2 = {**V1, "a/page.html": b"a 2", "c.html": b"c 2"}
    two = publish_site(config, one.state(), v2, {"a/page.html", "c.html"}, shared=False)
    return v2, two


def test_the_first_publish_creates_output_with_the_marker_and_nothing_kept(config):
    publisher = publish_site(config, None, V1, set(V1), shared=False)
    out = config.output_dir
    assert files(out) == {**V1, MARKER: publish.MARKER_TEXT}
    assert not previous_site(out).exists()
    assert publisher.state() == {"previous": None, "lag": [], "walk": None}
    assert sorted(os.listdir(out.parent)) == ["output"]  # no staging left


def test_the_next_publish_swaps_in_the_new_site_and_keeps_the_old_one_beside_it(config):
    v2, publisher = first_two(config)
    out = config.output_dir
    assert {k: v for k, v in files(out).items() if k != MARKER} == v2
    kept = previous_site(out)
    assert {k: v for k, v in files(kept).items() if k != MARKER} == V1
    # unchanged files are shared with the kept site (links), changed ones are not
    assert (out / "b/page.html").stat().st_ino == (kept / "b/page.html").stat().st_ino
    assert (out / "a/page.html").stat().st_ino != (kept / "a/page.html").stat().st_ino
    assert publisher.state() == {
        "previous": [kept.lstat().st_ino, out.lstat().st_ino],
        "lag": ["a/page.html", "c.html"],
        "walk": None,  # (no state folder: the kept site is walked by the next build)
    }


def test_a_third_publish_brings_the_kept_site_up_to_date_with_what_it_lags(config):
    """The kept site is V1; V3 changes only b: a and c (changed by V2) must still be V2's."""
    v2, two = first_two(config)
    v3 = {**v2, "b/page.html": b"b 3"}
    v3.pop("index.html")
    three = publish_site(config, two.state(), v3, {"b/page.html"}, removed={"index.html"})
    out = config.output_dir
    assert {k: v for k, v in files(out).items() if k != MARKER} == v3
    assert three.state()["lag"] == ["b/page.html", "index.html"]
    kept = {k: v for k, v in files(previous_site(out)).items() if k != MARKER}
    assert kept == v2  # and the site it replaced is kept in turn


def test_a_kept_site_replaced_by_someone_else_is_not_trusted(config):
    """A kept folder that is not the one the last publish left (another inode) may lack
    files: the new site is then made from output/, whole."""
    v2, two = first_two(config)
    kept = previous_site(config.output_dir)
    copy = kept.with_name("copy")
    shutil.copytree(kept, copy)
    (copy / "b/page.html").unlink()
    shutil.rmtree(kept)
    copy.rename(kept)
    publish_site(config, two.state(), v2, set())
    assert {k: v for k, v in files(config.output_dir).items() if k != MARKER} == v2


def test_state_without_a_kept_site_or_after_it_is_gone_builds_from_output(config):
    v2, two = first_two(config)
    shutil.rmtree(previous_site(config.output_dir))
    three = publish_site(config, two.state(), v2, set())
    assert {k: v for k, v in files(config.output_dir).items() if k != MARKER} == v2
    assert three.state()["previous"] is not None  # a new kept site for the next time


def test_stray_top_level_files_of_the_kept_site_are_dropped(config):
    v2, two = first_two(config)
    (previous_site(config.output_dir) / "CNAME").write_text("example.org", encoding="ascii")
    publish_site(config, two.state(), v2, set())
    assert not (config.output_dir / "CNAME").exists()


def test_a_kept_site_with_a_link_out_is_dropped_and_the_site_built_afresh(config, tmp_path, caplog):
    v2, two = first_two(config)
    outside = tmp_path / "outside"
    outside.mkdir()
    kept = previous_site(config.output_dir)
    shutil.rmtree(kept / "a")
    (kept / "a").symlink_to(outside)
    v3 = {**v2, "a/page.html": b"a 3"}
    with caplog.at_level(logging.WARNING, logger="site_builder"):
        publish_site(config, two.state(), v3, {"a/page.html"})
    assert os.listdir(outside) == []
    assert {k: v for k, v in files(config.output_dir).items() if k != MARKER} == v3
    assert "building the folder afresh" in caplog.text


def test_a_failed_publish_leaves_output_as_it_was_and_no_staging_folder(config):
    v2, two = first_two(config)
    before = files(config.output_dir)
    bad = {**v2, "c.html/inside.html": b"x"}  # c.html is a file: no folder can be made there
    publisher = Publisher(config, two.state())
    with pytest.raises(OSError):
        publisher.staged(SiteFiles(set(bad)), {"c.html/inside.html": b"x"}, set(), True)
    assert files(config.output_dir) == before
    assert publisher.previous is None  # the kept site was used up: not trusted next time
    assert not [n for n in os.listdir(config.output_dir.parent) if ".staging-" in n]


def test_without_keep_the_old_site_is_not_kept(config):
    one = publish_site(config, None, V1, set(V1), shared=False)
    two = publish_site(config, one.state(), V1, {"index.html"}, shared=False, keep=False)
    assert not previous_site(config.output_dir).exists()
    assert two.state() == {"previous": None, "lag": [], "walk": None}


def test_without_an_atomic_exchange_the_site_is_still_replaced_whole(config, monkeypatch):
    monkeypatch.setattr(publish, "_exchange", lambda a, b: False)
    one = publish_site(config, None, V1, set(V1), shared=False)
    v2 = {**V1, "index.html": b"home 2"}
    two = publish_site(config, one.state(), v2, {"index.html"}, shared=False)
    assert {k: v for k, v in files(config.output_dir).items() if k != MARKER} == v2
    assert sorted(os.listdir(config.output_dir.parent)) == ["output"]
    assert two.state()["previous"] is None


def test_the_exchange_is_atomic_on_linux(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "x").write_text("a", encoding="ascii")
    (b / "y").write_text("b", encoding="ascii")
    assert publish._exchange(a, b)
    assert os.listdir(a) == ["y"] and os.listdir(b) == ["x"]
    assert not publish._exchange(a, tmp_path / "missing")


def test_a_site_a_killed_build_moved_aside_is_put_back_then_replaced(config, caplog):
    """Killed between _swap's two renames: no output/, the last site in .output.old-PID."""
    parent = config.output_dir.parent
    old = parent / ".output.old-4242"
    old.mkdir()
    (old / "index.html").write_bytes(b"last good")
    (old / "feeds.opml").write_bytes(b"opml")
    (parent / ".output.staging-4242").mkdir()
    (parent / ".output.staging-1").mkdir()
    with caplog.at_level(logging.WARNING, logger="site_builder"):
        publish_site(config, None, V1, set(V1), shared=False)
    assert "restoring the site a killed build had moved aside" in caplog.text
    assert files(config.output_dir)["index.html"] == b"home 1"
    assert files(previous_site(config.output_dir))["index.html"] == b"last good"
    assert sorted(os.listdir(parent)) == [".output.previous", "output"]


def test_gitkeep_placeholders_survive_a_rebuild(config):
    config.output_dir.mkdir()
    (config.output_dir / ".gitkeep").write_bytes(b"")
    publish_site(config, None, V1, set(V1), shared=False)
    assert (config.output_dir / ".gitkeep").is_file()


def test_the_marker_keeps_its_file_from_build_to_build(config):
    one = publish_site(config, None, V1, set(V1), shared=False)
    marker = (config.output_dir / MARKER).stat().st_ino
    publish_site(config, one.state(), V1, {"index.html"}, shared=False)
    assert (config.output_dir / MARKER).stat().st_ino == marker


# --- what may be replaced ---------------------------------------------------------------


def test_refuses_the_root_the_home_folder_and_a_folder_holding_the_working_directory(
    tmp_path, monkeypatch
):
    for folder in (Path("/"), Path.home()):
        with pytest.raises(SiteBuilderError, match="root, the home folder"):
            check_replaceable(folder)
    (tmp_path / "site" / "sub").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "site" / "sub")
    with pytest.raises(SiteBuilderError, match="holds the working directory"):
        check_replaceable(tmp_path / "site")
    check_replaceable(tmp_path / "other")  # a sibling of the working directory is fine


def test_refuses_a_file_and_a_folder_of_someone_elses_files(tmp_path):
    (tmp_path / "file").write_text("x", encoding="ascii")
    with pytest.raises(SiteBuilderError, match="it is a file"):
        check_replaceable(tmp_path / "file")
    own = tmp_path / "own"
    own.mkdir()
    (own / "notes.txt").write_text("mine", encoding="ascii")
    (own / "index.html").write_text("mine", encoding="ascii")
    with pytest.raises(SiteBuilderError, match=r"did not build \(such as index.html\)"):
        check_replaceable(own)
    with pytest.raises(SiteBuilderError, match="choose another --output"):
        check_replaceable(own)


@pytest.mark.parametrize("names", [(), (".gitkeep",), (MARKER, "notes.txt")])
def test_accepts_an_empty_marked_or_older_built_folder(tmp_path, names):
    out = tmp_path / "out"
    out.mkdir()
    for name in names:
        (out / name).write_text("x", encoding="ascii")
    check_replaceable(out)
    check_replaceable(tmp_path / "missing")


def test_a_staged_publish_never_replaces_a_folder_of_the_users_files(config):
    config.output_dir.mkdir()
    (config.output_dir / "thesis.tex").write_text("years of work", encoding="utf-8")
    with pytest.raises(SiteBuilderError, match="did not build"):
        publish_site(config, None, V1, set(V1), shared=False)
    assert files(config.output_dir) == {"thesis.tex": b"years of work"}


@pytest.mark.parametrize("path", [".", "..", "../x", "a/../../x", "/etc/passwd", "./..", ""])
def test_paths_outside_the_output_folder_are_refused(tmp_path, path):
    with pytest.raises(SiteBuilderError, match="outside the output folder"):
        publish._inside(tmp_path, path)


def test_a_path_through_a_link_out_of_the_folder_is_refused(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "out" / "sub").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(SiteBuilderError, match="outside the output folder"):
        publish._inside(tmp_path / "out", "sub/x.html")
    assert (
        publish._inside(tmp_path / "out", "sub/x.html", check=False)
        == tmp_path / "out" / "sub" / "x.html"
    )
    assert publish._inside(tmp_path / "out", "a/../b.html") == tmp_path / "out" / "b.html"


# --- in place (watch/serve) -------------------------------------------------------------


def test_in_place_deletes_removed_files_and_their_empty_folders_then_writes(config, monkeypatch):
    indexed = []
    monkeypatch.setattr(search, "index", lambda cfg, site: indexed.append(site))
    one = publish_site(
        config, None, {**V1, "x/y/z.html": b"z"}, set(V1) | {"x/y/z.html"}, shared=False
    )
    indexed.clear()
    publisher = Publisher(config, one.state())
    publisher.in_place({"a/page.html": b"a 2", "new/n.html": b"n"}, {"x/y/z.html", "b/page.html"})
    out = config.output_dir
    assert {k: v for k, v in files(out).items() if k != MARKER} == {
        "index.html": b"home 1",
        "feeds.opml": b"opml",
        "a/page.html": b"a 2",
        "new/n.html": b"n",
    }
    assert not (out / "x").exists() and not (out / "b").exists() and out.is_dir()
    assert indexed == [out]
    assert publisher.state()["lag"] == ["a/page.html", "b/page.html", "new/n.html", "x/y/z.html"]
    publisher.in_place({}, set())
    assert indexed == [out]  # nothing changed: no new search index


def test_in_place_refuses_paths_outside_output(config, tmp_path):
    publish_site(config, None, V1, set(V1), shared=False)
    with pytest.raises(SiteBuilderError, match="outside the output folder"):
        Publisher(config, None).in_place({"../evil.html": b"x"}, set())
    with pytest.raises(SiteBuilderError, match="outside the output folder"):
        Publisher(config, None).in_place({}, {"../site.toml"})
    assert not (tmp_path / "evil.html").exists()


@contextlib.contextmanager
def files_at_most(size: int):
    """Writes past `size` bytes fail (EFBIG), as they would on a full disk."""
    old_limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, old_limit[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, old_limit)
        signal.signal(signal.SIGXFSZ, old_handler)


def test_a_failed_in_place_write_leaves_the_served_site_as_it_was(config):
    """watch/serve say "the last good site stays" when a rebuild fails: so it must."""
    one = publish_site(config, None, V1, set(V1), shared=False)
    before = files(config.output_dir)
    listing = sorted(config.output_dir.parent.iterdir())
    changed = {"a/page.html": b"a 2", "new/n.html": b"n", "b/page.html": b"b" * 100_000}
    with files_at_most(50_000), pytest.raises(SiteBuilderError, match="cannot write"):
        Publisher(config, one.state()).in_place(changed, {"index.html"})
    assert files(config.output_dir) == before
    assert not (config.output_dir / "new").exists()
    assert sorted(config.output_dir.parent.iterdir()) == listing  # nothing left beside it


@pytest.mark.parametrize(
    "code, reason",
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EDQUOT, "the disk quota is used up"),
        (errno.ENAMETOOLONG, "a file name is too long for the file system"),
        (errno.EACCES, "permission denied"),
        (errno.EROFS, "the file system is read-only"),
        (errno.EIO, os.strerror(errno.EIO)),
    ],
)
def test_write_errors_say_what_to_do_in_one_line(code, reason):
    error = publish.write_error("output/a.html", OSError(code, os.strerror(code)))
    assert str(error) == f"output/a.html: cannot write: {reason}"


def test_a_write_that_fails_is_one_line_naming_the_file(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user that may write anywhere")
        for write in (publish.write_file, publish._write):
            with pytest.raises(SiteBuilderError) as caught:
                write(locked / "a.html", b"x")
            assert str(caught.value) == f"{locked / 'a.html'}: cannot write: permission denied"
    finally:
        locked.chmod(0o700)


def test_write_file_replaces_whole_and_write_makes_new_files(tmp_path):
    target = tmp_path / "a.html"
    target.write_bytes(b"old")
    publish.write_file(target, b"new")
    publish._write(tmp_path / "b.html", b"fresh")
    assert files(tmp_path) == {"a.html": b"new", "b.html": b"fresh"}


# --- one build at a time ----------------------------------------------------------------


def test_a_second_build_waits_for_the_first_and_says_for_whom(config):
    waiting = threading.Event()

    class Spy(logging.Handler):
        def emit(self, record):
            if "waiting for the build in process" in record.getMessage():
                self.message = record.getMessage()
                waiting.set()

    spy = Spy()
    logging.getLogger("site_builder").addHandler(spy)
    order = []
    try:
        with publish.lock(config):
            lockfile = config.cache_dir / "build.lock"
            assert lockfile.read_text(encoding="ascii") == str(os.getpid())

            def build_two():
                with publish.lock(config):
                    order.append("second")

            second = threading.Thread(target=build_two)
            second.start()
            assert waiting.wait(10)
            order.append("first done")
        second.join(10)
    finally:
        logging.getLogger("site_builder").removeHandler(spy)
    assert order == ["first done", "second"]
    assert lockfile.read_text(encoding="ascii") == ""  # released: nobody holds it
    assert spy.message == f"output: waiting for the build in process {os.getpid()} to finish"


# --- more of what a staged publish must get right ----------------------------------------


def test_output_may_be_deep_in_folders_that_do_not_exist_yet(tmp_path):
    config = SiteConfig(root=tmp_path, output_dir=tmp_path / "a" / "b" / "output")
    publish_site(config, None, V1, set(V1), shared=False)
    assert files(config.output_dir)["index.html"] == b"home 1"


def test_a_kept_site_missing_a_file_is_not_used_when_the_build_says_so(config):
    """The engine passes shared=False when an unchanged file of output/ lost its link into
    the kept site (someone deleted it there): the kept site must not be used then."""
    v2, two = first_two(config)
    (previous_site(config.output_dir) / "b/page.html").unlink()
    publish_site(config, two.state(), v2, set(), shared=False)
    assert {k: v for k, v in files(config.output_dir).items() if k != MARKER} == v2


def test_a_removed_page_before_a_changed_one_does_not_stop_the_update(config):
    v2, two = first_two(config)
    v3 = {k: v for k, v in v2.items() if k != "a/page.html"}
    v3["b/page.html"] = b"b 3"
    publish_site(config, two.state(), v3, {"b/page.html"}, removed={"a/page.html"})
    assert {k: v for k, v in files(config.output_dir).items() if k != MARKER} == v3
    assert not (config.output_dir / "a").exists()


def test_a_folder_that_became_a_file_is_replaced(config):
    one = publish_site(config, None, {**V1, "x/y.html": b"y"}, set(V1) | {"x/y.html"}, shared=False)
    two = publish_site(config, one.state(), {**V1, "x/y.html": b"y"}, {"index.html"}, shared=False)
    v3 = {**V1, "x": b"now a file"}
    publish_site(config, two.state(), v3, {"x"}, removed={"x/y.html"})
    assert {k: v for k, v in files(config.output_dir).items() if k != MARKER} == v3


def test_where_hard_links_fail_unchanged_files_are_copied(config, monkeypatch):
    one = publish_site(config, None, V1, set(V1), shared=False)

    def no_links(src, dst):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(publish.os, "link", no_links)
    v2 = {**V1, "index.html": b"home 2"}
    publish_site(config, one.state(), v2, {"index.html"}, shared=False)
    assert {k: v for k, v in files(config.output_dir).items() if k != MARKER} == v2
    assert files(config.output_dir)[MARKER] == publish.MARKER_TEXT


def test_a_publish_that_does_not_trust_the_kept_site_replaces_it(config):
    v2, two = first_two(config)
    v3 = {**v2, "index.html": b"home 3"}
    three = publish_site(config, two.state(), v3, {"index.html"}, shared=False)
    kept = {k: v for k, v in files(previous_site(config.output_dir)).items() if k != MARKER}
    assert kept == v2 and three.state()["lag"] == ["index.html"]


def test_without_keep_nothing_but_output_is_left(config):
    one = publish_site(config, None, V1, set(V1), shared=False)
    publish_site(config, one.state(), V1, {"index.html"}, shared=False, keep=False)
    assert sorted(os.listdir(config.output_dir.parent)) == ["output"]


def test_an_error_before_anything_was_staged_is_reported_as_itself(config, monkeypatch):
    def refuse(*args):
        raise SiteBuilderError("the disk went away")

    monkeypatch.setattr(Publisher, "_fill", refuse)
    with pytest.raises(SiteBuilderError, match="the disk went away"):
        publish_site(config, None, V1, set(V1), shared=False)
    assert not config.output_dir.exists()


def test_the_fallback_names_the_kept_site_and_why(config, tmp_path, caplog):
    v2, two = first_two(config)
    kept = previous_site(config.output_dir)
    shutil.rmtree(kept / "a")
    (kept / "a").symlink_to(tmp_path)
    with caplog.at_level(logging.WARNING, logger="site_builder"):
        publish_site(config, two.state(), {**v2, "a/page.html": b"a 3"}, {"a/page.html"})
    assert (
        f"{kept}: refusing to write outside the output folder: a/page.html; building the "
        "folder afresh" in caplog.messages
    )


def test_leftovers_of_killed_builds_are_named_as_they_go(config, caplog):
    parent = config.output_dir.parent
    old = parent / ".output.old-4242"
    old.mkdir()
    (old / "index.html").write_bytes(b"last good")
    (old / "feeds.opml").write_bytes(b"opml")
    (parent / ".output.staging-7").mkdir()
    with caplog.at_level(logging.DEBUG, logger="site_builder"):
        publish_site(config, None, V1, set(V1), shared=False)
    assert (
        f"{config.output_dir}: restoring the site a killed build had moved aside" in caplog.messages
    )
    assert (
        f"removing {parent / '.output.staging-7'} left by an interrupted build" in caplog.messages
    )


def test_a_folder_that_only_looks_like_a_build_is_refused_and_kept(tmp_path):
    """Any index.html and feeds.opml are no sign of ours: only the marker is."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "site.toml").write_text('title = "Desk"\n', encoding="utf-8")
    (site / "content").mkdir()
    mine = tmp_path / "mine"
    mine.mkdir()
    for name, text in (
        ("index.html", "<p>my page"),
        ("feeds.opml", "<opml/>"),
        ("thesis.txt", "x"),
    ):
        (mine / name).write_text(text, encoding="utf-8")
    proc = run_cli("build", "--output", str(mine), cwd=site)
    assert proc.returncode != 0
    assert (
        "it holds files this tool did not build (such as feeds.opml) and no .site_builder "
        "marker; choose another --output\n"
    ) in proc.stderr
    assert "Traceback" not in proc.stderr
    assert sorted(os.listdir(mine)) == ["feeds.opml", "index.html", "thesis.txt"]
    assert (mine / "index.html").read_text(encoding="utf-8") == "<p>my page"


def test_the_refusals_read_in_full(tmp_path):
    (tmp_path / "file").write_text("x", encoding="ascii")
    with pytest.raises(SiteBuilderError) as caught:
        check_replaceable(tmp_path / "file")
    assert str(caught.value) == (
        f"refusing to replace {tmp_path / 'file'} with the built site: "
        "it is a file, not a folder; choose another --output"
    )


def test_the_folder_itself_and_looping_links_are_refused(tmp_path):
    for path in (".", "a/.."):
        with pytest.raises(SiteBuilderError, match="outside the output folder"):
            publish._inside(tmp_path, path, check=False)
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    with pytest.raises(SiteBuilderError, match="outside the output folder"):
        publish._inside(tmp_path, "loop/x.html")


def test_write_failures_name_the_file_whatever_the_user(tmp_path):
    (tmp_path / "file").write_text("x", encoding="ascii")
    for write, reason in ((publish.write_file, "File exists"), (publish._write, "Not a directory")):
        with pytest.raises(SiteBuilderError) as caught:
            write(tmp_path / "file" / "a.html", b"x")
        assert str(caught.value) == f"{tmp_path / 'file' / 'a.html'}: cannot write: {reason}"
    error = publish.write_error("a.html", OSError("a plain message"))
    assert str(error) == "a.html: cannot write: a plain message"


def test_in_place_keeps_what_the_kept_site_lags_and_ignores_files_already_gone(config):
    _v2, two = first_two(config)
    publisher = Publisher(config, two.state())
    publisher.in_place({"index.html": b"home 3"}, {"gone/already.html"})
    assert publisher.state()["lag"] == ["a/page.html", "c.html", "gone/already.html", "index.html"]
    assert files(config.output_dir)["index.html"] == b"home 3"


def test_where_the_system_has_no_renameat2_there_is_no_exchange(tmp_path, monkeypatch):
    import ctypes

    def no_library(*args, **kwargs):
        raise OSError("no libc here")

    monkeypatch.setattr(ctypes, "CDLL", no_library)
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    assert publish._exchange(tmp_path / "a", tmp_path / "b") is False
