"""write_atomic: a file is the old one or the new one, never half of either."""

from __future__ import annotations

import os
import re
import stat

import pytest

from site_builder import atomic
from site_builder.atomic import write_atomic


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    yield
    os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("umask, expected", [(0o027, 0o640), (0o022, 0o644), (0o002, 0o664)])
def test_a_new_file_gets_the_umasks_permissions_in_a_new_folder(tmp_path, umask, expected):
    old = os.umask(umask)
    try:
        target = tmp_path / "a" / "b" / "new.md"
        write_atomic(target, b"text")
        assert os.umask(umask) == umask  # and the umask is as it was
    finally:
        os.umask(old)
    assert target.read_bytes() == b"text" and mode(target) == expected
    assert os.listdir(target.parent) == ["new.md"]


def test_a_replaced_file_keeps_its_permissions(tmp_path, umask_027):
    target = tmp_path / "old.md"
    target.write_bytes(b"old")
    target.chmod(0o604)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new" and mode(target) == 0o604


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(tmp_path, monkeypatch):
    target = tmp_path / "old.md"
    target.write_bytes(b"old")
    seen = []

    def failing_replace(src, dst):
        seen.append(src)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", failing_replace)
    with pytest.raises(OSError):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["old.md"]
    # a temporary file a killed process leaves is hidden and says whose it is
    # written next to the file (a rename across file systems would fail), hidden, named
    # after it: what a killed process leaves says whose it is
    assert os.path.dirname(seen[0]) == str(tmp_path)
    assert re.fullmatch(r"\.old\.md\.\w+\.tmp", os.path.basename(seen[0])), seen


@pytest.mark.parametrize("durable, synced", [(None, True), (True, True), (False, False)])
def test_durable_writes_reach_the_disk_before_the_rename(tmp_path, monkeypatch, durable, synced):
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd)))
    monkeypatch.setattr(
        atomic.os, "replace", lambda a, b: (events.append("rename"), real_replace(a, b))
    )
    options = {} if durable is None else {"durable": durable}  # by default: durable
    write_atomic(tmp_path / "f.md", b"data", **options)
    assert events == (["fsync", "rename"] if synced else ["rename"])
    assert (tmp_path / "f.md").read_bytes() == b"data"
