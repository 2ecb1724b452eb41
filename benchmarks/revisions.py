"""Two revisions of site_builder side by side on one built site, whole commands.

A site built by newsroom.py (10,000 or 100,000 articles) takes minutes to build cold, and
a new revision of the code is a new state key (engine/keys.py), so a cold build. Here both
revisions run `site-builder build -q` with the site's stored key, so each builds
incrementally from the same state: what a change to the engine does to one step, without
a cold build per revision. The revisions run in blocks (A A A B B B ...); the first run of
each block is left out, as it follows the other revision's build (whose state may lack what
this one keeps, such as the walk after the last swap). Each of our runs starts after the
walk the last build left running (engine/strays.py), as newsroom.py's do.

    git worktree add /tmp/before <commit>
    python benchmarks/revisions.py SITE body --repos . /tmp/before --blocks 3
    python benchmarks/revisions.py SITE add,delete --repos . /tmp/before

Steps (cycled within a block): none, body, add, delete, retitle (of the added story).
Use it on a copy of a benchmark site: it edits the site's content.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from newsroom import user_env, walk_ended

# `site-builder build -q` with the state key the site's state holds.
PINNED = """
import json, os, sqlite3, sys
repo, site = sys.argv[1], sys.argv[2]
sys.path.insert(0, repo)
db = sqlite3.connect(os.path.join(site, ".cache/site_builder/state.sqlite3"))
key = json.loads(db.execute("SELECT value FROM meta WHERE name='key'").fetchone()[0])
db.close()
from site_builder.engine import pipeline
pipeline.state_key = lambda: key
from site_builder import cli
os.chdir(site)
sys.argv[1:] = ["build", "-q"]
# As `site-builder` runs it: revisions before cli.command ran main() and exited.
getattr(cli, "command", lambda: sys.exit(cli.main()))()
"""

STORY = "zz-revisions-story.md"


def edit(site: Path, step: str) -> None:
    """One step's change to the site's content (gulf/ holds the story it adds)."""
    first = sorted((site / "content" / "gulf").glob("*.md"))[0]
    story = site / "content" / "gulf" / STORY
    if step == "body":
        with first.open("a", encoding="utf-8") as out:
            out.write(f"\n\nA late correction {time.monotonic_ns()}.\n")
    elif step == "add":
        text = first.read_text(encoding="utf-8").replace("urn:uuid:", "urn:uuid:0001", 1)
        text = re.sub(r"(?m)^date: .*$", "date: 2026-11-01T09:00:00+00:00", text, count=1)
        text = re.sub(r"(?m)^title: .*$", f"title: Story {time.monotonic_ns()}", text, count=1)
        story.write_text(text, encoding="utf-8")
    elif step == "retitle" and story.exists():
        text = story.read_text(encoding="utf-8")
        story.write_text(re.sub(r"(?m)^title: ", "title: Retitled ", text, count=1), "utf-8")
    elif step == "delete":
        story.unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="a site built by newsroom.py (its ours/ folder)")
    parser.add_argument("steps", help="comma-separated, cycled within each block")
    parser.add_argument("--repos", nargs="+", type=Path, required=True)
    parser.add_argument("--blocks", type=int, default=3)
    parser.add_argument("--size", type=int, default=3, help="runs a block (the first left out)")
    args = parser.parse_args()
    steps = args.steps.split(",")
    got: dict[Path, list[float]] = {repo.resolve(): [] for repo in args.repos}
    for _ in range(args.blocks):
        for repo, times in got.items():
            for run in range(args.size):
                edit(args.site, steps[run % len(steps)])
                walk_ended(args.site)
                started = time.perf_counter()
                command = [sys.executable, "-c", PINNED, str(repo), str(args.site)]
                subprocess.run(command, check=True, env=user_env())
                if run:
                    times.append(time.perf_counter() - started)
    for repo, times in got.items():
        runs = " ".join(f"{t:.3f}" for t in sorted(times))
        print(f"{repo}: median {statistics.median(times):.3f} s ({runs})")


if __name__ == "__main__":
    main()
