"""Save-to-rebuilt latency of `watch` for a one-article edit, on synthetic sites.

Runs the real watchdog watcher and the build engine (in place) in-process (as `site-builder watch`
does), edits one article at a time, and measures from the moment the file is saved to the
moment the rebuild has written output/. The corpus comes from benchmarks/corpus.py.

    python benchmarks/watch_latency.py --sizes 1000,10000 --edits 15
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import generate
from site_builder.config import load_config
from site_builder.engine.pipeline import Engine
from site_builder.serve.devloop import loop
from site_builder.serve.watch import Watcher


def prepare(n: int, work: Path) -> Path:
    """A site folder with n articles (generated once, reused)."""
    site = work / str(n)
    marker = site / ".complete"
    if not marker.exists():
        generate(n, site)
        (site / "site.toml").write_text('title = "Bench"\nbase_url = "https://example.org/news/"\n')
        marker.write_text("ok")
    return site


def measure(site: Path, edits: int, settle: float) -> dict[str, float]:
    """Median and spread of save-to-rebuilt latency over `edits` one-article edits."""
    config = load_config(site / "site.toml")
    builder = Engine(config, in_place=True)
    started = time.perf_counter()
    builder.build(None)
    initial = time.perf_counter() - started
    done = threading.Event()
    timings: list[float] = []
    rebuilds: list[float] = []

    def rebuild(changed):
        t0 = time.perf_counter()
        result = builder.build(changed).account
        rebuilds.append(time.perf_counter() - t0)
        done.set()
        return result

    watcher = Watcher(config, settle=settle)
    watcher.start()
    thread = threading.Thread(target=loop, args=(watcher, rebuild, config.root), daemon=True)
    thread.start()
    articles = sorted(config.content_dir.rglob("*.md"))
    step = max(1, len(articles) // edits)
    try:
        for number in range(edits):
            path = articles[(number * step) % len(articles)]
            text = path.read_text(encoding="utf-8")
            done.clear()
            saved = time.perf_counter()
            path.write_text(text + f"\nEdited paragraph {number}.\n", encoding="utf-8")
            if not done.wait(timeout=60):
                raise SystemExit(f"no rebuild after editing {path}")
            timings.append(time.perf_counter() - saved)
            time.sleep(0.2)
    finally:
        watcher.stop()
        thread.join(timeout=5)
    return {
        "initial_s": initial,
        "median_ms": statistics.median(timings) * 1000,
        "min_ms": min(timings) * 1000,
        "max_ms": max(timings) * 1000,
        "rebuild_median_ms": statistics.median(rebuilds) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="article counts, comma-separated")
    parser.add_argument("--edits", type=int, default=15, help="edits per size")
    parser.add_argument(
        "--settle",
        type=float,
        default=0.05,
        help="quiet period the watcher waits for (s), as in watch mode",
    )
    parser.add_argument("--work", type=Path, default=Path("/tmp/sb-watch-bench"))
    args = parser.parse_args()
    print(
        f"{'articles':>8}  {'first build':>11}  {'median':>8}  {'min':>7}  {'max':>7}  "
        f"{'rebuild only':>12}"
    )
    for n in (int(s) for s in args.sizes.split(",")):
        r = measure(prepare(n, args.work), args.edits, args.settle)
        print(
            f"{n:>8}  {r['initial_s']:>9.1f} s  {r['median_ms']:>5.0f} ms  {r['min_ms']:>4.0f} ms  "
            f"{r['max_ms']:>4.0f} ms  {r['rebuild_median_ms']:>9.0f} ms",
            flush=True,
        )


if __name__ == "__main__":
    main()
