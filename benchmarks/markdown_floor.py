"""The Markdown floor: python-markdown alone converting every body of a corpus, on all cores.

No YAML, no templates, no writing: only reading the files, cutting off the front matter
and converting the bodies, with the build's own extensions, one process per core. The build
cannot be faster than this, so its cold time is read against it.

    python benchmarks/markdown_floor.py /tmp/sb-bench/1000/content     # prints JSON
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from multiprocessing import Pool
from pathlib import Path

import markdown

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

try:  # the build's own list, so the floor converts exactly what the build converts
    from site_builder.content.markup import EXTENSIONS
except ImportError:
    EXTENSIONS = ["tables", "footnotes", "toc"]

_md: markdown.Markdown | None = None


def body_of(text: str) -> str:
    """The Markdown after the closing '---' of the front matter."""
    end = text.find("\n---\n", 3)
    return text[end + 5 :] if text.startswith("---\n") and end >= 0 else text


def convert(paths: list[str]) -> tuple[int, float]:
    """Convert a chunk of files; return (characters of HTML, CPU seconds spent)."""
    global _md
    if _md is None:  # one parser per worker process, reset per article, as the build does
        _md = markdown.Markdown(
            extensions=EXTENSIONS,
            output_format="html",
            extension_configs={"toc": {"permalink": False}, "footnotes": {"UNIQUE_IDS": False}},
        )
    start, size = time.process_time(), 0
    for path in paths:
        _md.reset()
        size += len(_md.convert(body_of(Path(path).read_text(encoding="utf-8"))))
    return size, time.process_time() - start


def chunks(items: list[str], size: int) -> list[list[str]]:
    """items cut into lists of at most size."""
    return [items[i : i + size] for i in range(0, len(items), size)]


def floor(content: Path, jobs: int) -> dict:
    """Convert every *.md under content on jobs processes; the figures as a dict."""
    start = time.perf_counter()
    paths = sorted(str(p) for p in content.rglob("*.md"))
    with Pool(jobs) as pool:
        results = pool.map(convert, chunks(paths, 50))
    return {
        "articles": len(paths),
        "jobs": jobs,
        "extensions": EXTENSIONS,
        "seconds": round(time.perf_counter() - start, 4),
        "cpu_seconds": round(sum(cpu for _, cpu in results), 4),
        "html_chars": sum(size for size, _ in results),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", type=Path, help="folder of Markdown articles")
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="worker processes (default: one per core)",
    )
    args = parser.parse_args()
    print(json.dumps(floor(args.content, args.jobs)))


if __name__ == "__main__":
    main()
