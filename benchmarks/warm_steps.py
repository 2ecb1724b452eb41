"""An added and a deleted story in a long-lived engine (as `watch` and `serve` build them),
timed whole and by stage, on a site built already (`newsroom.py` leaves one per size).

The engine runs in this process, writing in place, told which file changed, as `watch`
does: what a desk waits for after a save, less the watcher's own pause. Each round adds a
story (the newest, in gulf/), then deletes it; the first round reads the archive's
indexes and is the slowest. The state's key is pinned to the one the site was built with,
so any revision of the code can be timed on one built site (as `revisions.py` does) with
no cold build; the site is left as it was found.

    python benchmarks/warm_steps.py /tmp/sb-newsroom/100000/ours --rounds 3

Stages are timed by wrapping the functions named in STAGES (wall time, inclusive: a stage
inside another counts in both); `--stage module:Qual.name` adds one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import importlib
import json
import re
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

STAGES = [
    "site_builder.engine.sources:scan_and_load",
    "site_builder.engine.planning:Planner.from_change",
    "site_builder.engine.planning:Planner._published",
    "site_builder.render.plan:plan_site",
    "site_builder.render.kept:Kept.update",
    "site_builder.engine.replan:looked_at",
    "site_builder.engine.stages:Outputs.stale",
    "site_builder.engine.stages:Outputs.render",
    "site_builder.engine.stages:Outputs.publish",
    "site_builder.engine.stages:Outputs.commit",
]


def timed(spec: str, spent: dict[str, float]) -> None:
    """Wrap the function `module:Qual.name` so its calls add to spent[its name]."""
    module, qualified = spec.split(":")
    owner: object = importlib.import_module(module)
    *path, name = qualified.split(".")
    for part in path:
        owner = getattr(owner, part)
    real: Callable = getattr(owner, name)

    @functools.wraps(real)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            spent[qualified] = spent.get(qualified, 0.0) + time.perf_counter() - started

    setattr(owner, name, wrapper)
    if not path:  # a module's function: the modules that imported it by name call theirs
        for other in list(sys.modules.values()):
            mine = getattr(other, "__name__", "").startswith("site_builder")
            if mine and getattr(other, name, None) is real:
                setattr(other, name, wrapper)


def pinned_key(state: Path) -> object:
    db = sqlite3.connect(state / "state.sqlite3")
    try:
        return json.loads(db.execute("SELECT value FROM meta WHERE name = 'key'").fetchone()[0])
    finally:
        db.close()


def write_story(site: Path, story: Path) -> str:
    """A new story, the newest, made from the first in gulf/: its title."""
    first = min(p for p in (site / "content" / "gulf").glob("*.md") if p != story)
    text = first.read_text(encoding="utf-8").replace("urn:uuid:", "urn:uuid:0001", 1)
    newest = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)  # the newest, and published
    text = re.sub(r"(?m)^date: .*$", f"date: {newest.isoformat(timespec='seconds')}", text, count=1)
    title = f"Warm story {time.monotonic_ns()}"
    story.write_text(re.sub(r"(?m)^title: .*$", f"title: {title}", text, count=1), "utf-8")
    return title


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="a built site (site.toml, content/, .cache/)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--stage", action="append", default=[], help="module:Qual.name")
    parser.add_argument(
        "--preview", action="store_true", help="build serve's preview (its own state), not output/"
    )
    args = parser.parse_args()
    site = args.site.resolve()
    from site_builder.engine import pipeline

    key = pinned_key(site / ".cache" / "site_builder" / ("preview" if args.preview else ""))
    pipeline.state_key = lambda: key
    spent: dict[str, float] = {}
    for spec in STAGES + args.stage:
        timed(spec, spent)
    from site_builder.config import load_config

    config = load_config(site / "site.toml", root=site)
    if args.preview:
        from site_builder.serve.devloop import preview_config

        config = preview_config(config)
    engine = pipeline.Engine(config, in_place=True)
    story = site / "content" / "gulf" / "zz-warm-story.md"
    try:
        started = time.perf_counter()
        print(f"first build: {engine.build(None).account}, {time.perf_counter() - started:.2f} s")
        for _ in range(args.rounds):
            for step in ("add", "delete"):
                if step == "add":
                    write_story(site, story)
                else:
                    story.unlink()
                spent.clear()
                started = time.perf_counter()
                account = engine.build({story}).account
                print(f"{step:6} {time.perf_counter() - started:.3f} s  {account}")
                print("       " + "  ".join(f"{k} {v:.3f}" for k, v in spent.items()))
    finally:
        story.unlink(missing_ok=True)
        engine.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
