"""Mutation testing of the modules that guard data, feeds and safety, one module at a time.

    pip install -e '.[test,mutation]'
    python3 scripts/mutation.py                   # every target below
    python3 scripts/mutation.py publish classify  # some of them
    python3 scripts/mutation.py --list            # the targets and their tests
    python3 scripts/mutation.py feeds --diff      # also print each survivor's diff

For each target, mutmut 3 (configured in pyproject.toml's [tool.mutmut]) runs in a copy of
the work tree under .mutation/TARGET/, mutating only that module (or only some of its
functions) and running only the target's fast tests, with one worker (--jobs to change).
Each mutant runs the tests that called the mutated function (mutmut records which test
reaches which function in a first, clean run). Printed per target: the score (killed out
of all mutants; a mutant no test reaches counts as not killed) and the survivors.

Not run in CI: it takes minutes per module. The copy means the work tree is left alone
and targets can be run one after another without mixing their results.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / ".mutation"


@dataclass(frozen=True)
class Target:
    module: str  # the file to mutate
    tests: tuple[str, ...]  # its fast tests
    functions: tuple[str, ...] = ()  # only these functions (mutmut name globs), if any


TARGETS: dict[str, Target] = {
    "publish": Target(
        "site_builder/engine/publish.py",
        (
            "tests/test_publish.py",
            "tests/test_render.py",
            "tests/test_engine_faults.py",
            "tests/test_theme_search.py",
        ),
    ),
    "atomic": Target(
        "site_builder/atomic.py",
        ("tests/test_atomic.py", "tests/test_publish.py", "tests/test_import.py"),
    ),
    "store": Target(
        "site_builder/engine/store.py",
        ("tests/test_engine_states.py", "tests/test_engine_faults.py"),
    ),
    "feeds": Target(
        "site_builder/feeds/entries.py",
        (
            "tests/test_feeds.py",
            "tests/test_feeds_fallbacks.py",
            "tests/test_feeds_opml_absolute.py",
            "tests/test_feeds_validity.py",
            "tests/test_build_golden.py",
        ),
    ),
    "jsonfeed": Target(
        "site_builder/feeds/jsonfeed.py",
        (
            "tests/test_feeds.py",
            "tests/test_feeds_fallbacks.py",
            "tests/test_feeds_validity.py",
            "tests/test_build_golden.py",
        ),
    ),
    "opml": Target(
        "site_builder/feeds/opml.py",
        ("tests/test_feeds.py", "tests/test_feeds_opml_absolute.py", "tests/test_build_golden.py"),
    ),
    "markup": Target(
        "site_builder/content/markup.py",
        ("tests/test_markup.py", "tests/test_hostile_content.py", "tests/test_markup_parallel.py"),
        ("*.x_sanitise__*", "*.x__attribute_filter__*", "*.x__safe_url__*"),
    ),
    "importer": Target(
        "site_builder/ingest/filing.py",
        ("tests/test_import.py", "tests/test_import_identity.py", "tests/test_hostile_import.py"),
        tuple(
            f"*.x_{name}__*"
            for name in (
                "scan_content",
                "decide",
                "_same_dump_article",
                "_title_identified",
                "article_id_for",
                "_web_url",
                "_compare",
                "_unique_slug",
                "_title_key",
                "render_with_digest",
                "edited_since_import",
                "write_all",
                "_inside",
            )
        )
        + ("*.xǁContentIndexǁadd__*", "*.xǁExistingǁcurrent__*"),
    ),
    "classify": Target(
        "site_builder/ingest/classify.py",
        (
            "tests/test_classify.py",
            "tests/test_classify_matching.py",
            "tests/test_classify_rules.py",
        ),
    ),
}

# mutmut's exit codes per mutant (mutmut/stats.py)
STATUS = {
    1: "killed",
    3: "killed",
    0: "survived",
    5: "no tests",
    33: "no tests",
    34: "skipped",
    36: "timeout",
    -24: "timeout",
    24: "timeout",
    152: "timeout",
    255: "timeout",
    37: "caught by type check",
}
KILLED = {"killed", "timeout", "caught by type check"}


def _copy_tree(dest: Path) -> None:
    """The work tree as it is now (tracked and new files, not ignored ones) into dest."""
    if dest.exists():
        shutil.rmtree(dest)
    names = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    for raw in names:
        if not raw:
            continue
        name = os.fsdecode(raw)
        source = REPO / name
        if not source.is_file():
            continue  # deleted but not yet staged
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest / name)


def _configure(dest: Path, target: Target) -> None:
    """Add the target's module and tests to the copy's [tool.mutmut] table."""
    pyproject = dest / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    tests = [test for test in target.tests if (dest / test).is_file()]
    lines = (
        f"only_mutate = {json.dumps([target.module])}\n"
        f"pytest_add_cli_args_test_selection = {json.dumps(tests)}\n"
    )
    text, count = re.subn(
        r"^\[tool\.mutmut\]\n", lambda m: m.group(0) + lines, text, flags=re.MULTILINE
    )
    if count != 1:
        sys.exit("pyproject.toml has no [tool.mutmut] table")
    pyproject.write_text(text, encoding="utf-8")


def _results(dest: Path, target: Target) -> dict[str, str]:
    """Mutant name -> status, read from mutmut's record for the module."""
    meta = dest / "mutants" / (target.module + ".meta")
    data = json.loads(meta.read_text(encoding="utf-8"))
    found = {
        name: STATUS.get(code, "suspicious") for name, code in data["exit_code_by_key"].items()
    }
    if target.functions:
        import fnmatch

        found = {
            name: status
            for name, status in found.items()
            if any(fnmatch.fnmatchcase(name, pattern) for pattern in target.functions)
        }
    return found


def run(name: str, target: Target, jobs: int, diff: bool) -> tuple[int, int, list[str]]:
    dest = WORK / name
    _copy_tree(dest)
    _configure(dest, target)
    # mutmut runs each mutant in-process: the tests' subprocesses (`python -m site_builder`)
    # run the unmutated copy (a mutant there would look for mutmut's configuration in the
    # subprocess's folder), so only what a test calls in its own process can kill a mutant.
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(dest)}
    command = [
        sys.executable,
        "-m",
        "mutmut",
        "run",
        "--max-children",
        str(jobs),
        *target.functions,
    ]
    print(f"== {name}: {target.module} with {', '.join(target.tests)}", flush=True)
    log = dest / "mutmut.log"
    with open(log, "wb") as out:
        proc = subprocess.run(command, cwd=dest, env=env, stdout=out, stderr=subprocess.STDOUT)
    if proc.returncode != 0:
        print(f"mutmut failed (exit {proc.returncode}); its output is in {log}")
        return 0, 0, []
    found = _results(dest, target)
    killed = sum(status in KILLED for status in found.values())
    survivors = sorted(
        f"{mutant} ({status})" for mutant, status in found.items() if status not in KILLED
    )
    score = 100 * killed / len(found) if found else 0.0
    print(f"{name}: {killed}/{len(found)} killed = {score:.1f}%")
    for line in survivors:
        print(f"  survived: {line}")
        if diff:
            shown = subprocess.run(
                [sys.executable, "-m", "mutmut", "show", line.split()[0]],
                cwd=dest,
                env=env,
                capture_output=True,
                text=True,
            )
            print("    " + shown.stdout.strip().replace("\n", "\n    "))
    return killed, len(found), survivors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "targets", nargs="*", metavar="TARGET", help=f"some of: {', '.join(TARGETS)} (default: all)"
    )
    parser.add_argument("--jobs", type=int, default=1, help="mutmut workers (default 1)")
    parser.add_argument("--diff", action="store_true", help="print each survivor's diff")
    parser.add_argument("--list", action="store_true", help="list the targets and stop")
    args = parser.parse_args()
    if args.list:
        for name, target in TARGETS.items():
            print(f"{name}: {target.module} <- {' '.join(target.tests)}")
        return 0
    unknown = [name for name in args.targets if name not in TARGETS]
    if unknown:
        parser.error(f"no target {', '.join(unknown)}; the targets: {', '.join(TARGETS)}")
    summary = []
    for name in args.targets or TARGETS:
        killed, total, _ = run(name, TARGETS[name], args.jobs, args.diff)
        summary.append((name, killed, total))
    print("\nscore per target:")
    for name, killed, total in summary:
        score = f"{100 * killed / total:.1f}%" if total else "no result"
        print(f"  {name:10} {killed:4}/{total:<4} {score}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
