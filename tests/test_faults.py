"""Builds and imports killed with SIGKILL at random points: never a mixed site, never a half file.

A build writes into a staging folder and swaps it in; an import writes each file through a
temporary file and a rename. So whenever the process dies, output/ must be exactly the old
site or exactly the new one, every content file must be whole, and the next run must
finish the job and clean up what the dead one left behind.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, run_cli

from site_builder.content import frontmatter
from site_builder.ingest.filing import edited_since_import

sys.path.insert(0, str(REPO / "benchmarks"))
from corpus import generate

ARTICLES = 200
KILLS = 8


def tree(folder: Path) -> dict[str, str]:
    """Every file below folder: relative path -> sha256 of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def start(args: list[str], cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "site_builder", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def kill_when(proc: subprocess.Popen, ready, delay: float, limit: float = 30.0) -> bool:
    """Wait until ready() (or the process ends), then `delay` seconds, then SIGKILL it.

    Returns True if the process was killed, False if it finished first.
    """
    deadline = time.monotonic() + limit
    while not ready() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    time.sleep(delay)
    if proc.poll() is not None:
        return False
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return True


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """A 200-article site, two versions of its content, and the site each version builds to."""
    root = tmp_path_factory.mktemp("faults")
    generate(ARTICLES, root)
    for theme in ("templates", "static"):  # a private copy: the repository's theme may change
        shutil.copytree(REPO / theme, root / theme)
    content = root / "content"
    files = sorted(content.rglob("*.md"))
    first, last = files[0], files[-1]
    a = {first: first.read_text(encoding="utf-8"), last: last.read_text(encoding="utf-8")}
    # Version B: one article retitled, one removed, one added (listings and feeds all move).
    generate(ARTICLES + 1, root / "extra")
    added = sorted((root / "extra" / "content").rglob("*.md"))[-1]
    b = {
        first: a[first].replace("title: ", "title: Edited ", 1),
        last: None,
        content / added.parent.name / "added.md": added.read_text(encoding="utf-8"),
    }
    a[content / added.parent.name / "added.md"] = None
    built = {}
    for name, version in (("b", b), ("a", a)):
        use(version)
        run_cli("build", "-q", cwd=root, check=True)
        built[name] = tree(root / "output")
    assert built["a"] != built["b"]
    return root, {"a": a, "b": b}, built


def use(version: dict[Path, str | None]) -> None:
    """Put one version of the changed files in place (None: the file does not exist)."""
    for path, text in version.items():
        if text is None:
            path.unlink(missing_ok=True)
        else:
            path.write_text(text, encoding="utf-8")


def test_a_killed_build_leaves_the_old_site_or_the_new_one_and_the_next_build_recovers(sites):
    root, versions, built = sites
    rng = random.Random(7)
    state, outcomes = "a", []  # output/ holds the site of version a (built last)
    for attempt in range(KILLS):
        target = "b" if state == "a" else "a"
        use(versions[target])
        proc = start(["build", "-q"], root)
        if attempt % 2:  # half the kills land while the new site is being written or swapped in
            killed = kill_when(
                proc, lambda: any(root.glob(".output.staging-*")), rng.uniform(0, 0.1)
            )
        else:  # the rest anywhere from start-up to the end
            killed = kill_when(proc, lambda: True, rng.uniform(0.1, 1.0))
        found = tree(root / "output") if (root / "output").is_dir() else None
        assert found in (built[state], built[target]), (
            f"kill {attempt} ({'killed' if killed else 'finished'}): output/ is a mix"
        )
        assert killed or found == built[target]
        state = "a" if found == built["a"] else "b"
        outcomes.append((killed, state == target))
    # The next build recovers: the new site, no staging or old folders, no stray cache files.
    proc = run_cli("build", "-q", cwd=root)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert tree(root / "output") == built[target]
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".output")) in (
        [],
        [".output.previous"],
    )  # the replaced site, kept to start the next build from
    assert not list((root / ".cache").rglob("*.tmp"))
    assert any(killed for killed, _ in outcomes), outcomes  # the test did kill builds


def test_a_build_killed_between_the_two_renames_is_restored(sites, tmp_path):
    """Where no atomic exchange exists, publish() renames twice; the gap must not lose output/."""
    root, _, built = sites
    site = tmp_path / "site"
    for folder in ("content", "templates", "static"):
        shutil.copytree(root / folder, site / folder)
    shutil.copytree(root / "output", site / ".output.old-999999999")  # left in the gap
    (site / ".output.staging-999999999").mkdir()
    (site / ".output.staging-999999999" / "index.html").write_text("half", encoding="utf-8")
    proc = run_cli("build", cwd=site)
    assert proc.returncode == 0 and "restoring" in proc.stderr, proc.stderr
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".output")) in (
        [],
        [".output.previous"],
    )
    assert tree(site / "output") in built.values()


def dump_text(count: int) -> str:
    """A raw dump of `count` distinct articles in the wire format."""
    parts = []
    for n in range(count):
        title = f"Talks resume in Baghdad on the budget, round {n}"
        caption = f"Iraqi lawmakers meet in Baghdad, Iraq, round {n}. (AFP)"
        body = "\n\n".join(
            f"Iraqi officials said on Monday that talks on point {i} of round {n} "
            f"would resume in Baghdad next week after a pause."
            for i in range(12)
        )
        parts.append(
            f"{title}\n\n{caption}\n{caption}\nTT\n\n{title}\n\n{caption}\n{caption}\n\n{body}"
        )
    return "\n\n\n".join(parts) + "\n"


def test_a_killed_import_leaves_only_whole_content_files(tmp_path):
    dump = tmp_path / "wire.txt"
    dump.write_text(dump_text(100), encoding="utf-8")
    clean = tmp_path / "clean"
    clean.mkdir()
    run_cli("import", "-q", "--date", "2026-02-11T08:00", str(dump), cwd=clean, check=True)
    expected = tree(clean / "content")
    assert len(expected) == 100
    rng = random.Random(3)
    site = tmp_path / "site"
    killed_any = False
    for _attempt in range(3):
        shutil.rmtree(site, ignore_errors=True)
        site.mkdir()
        proc = start(["import", "-q", "--date", "2026-02-11T08:00", str(dump)], site)
        content = site / "content"
        killed_any |= kill_when(
            proc,
            lambda content=content: content.is_dir() and any(content.rglob("*.md")),
            rng.uniform(0, 0.05),
        )
        for path in content.rglob("*.md"):
            text = path.read_text(encoding="utf-8")
            frontmatter.read(text, path)
            assert edited_since_import(text) is None, f"{path} is not whole"
            assert (
                tree(content)[path.relative_to(content).as_posix()]
                == expected[path.relative_to(content).as_posix()]
            )
        # The next import completes the job: the same files as an import never interrupted.
        run_cli("import", "-q", "--date", "2026-02-11T08:00", str(dump), cwd=site, check=True)
        assert {
            k: v for k, v in tree(content).items() if not k.split("/")[-1].startswith(".")
        } == expected
    assert run_cli("build", "-q", cwd=site).returncode == 0  # leftovers never break a build
    assert killed_any
