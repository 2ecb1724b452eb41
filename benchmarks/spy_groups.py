"""Where a build's CPU goes, by library and by part of ours: py-spy's raw samples grouped.

    py-spy record -r 40 --subprocesses -f raw -o /tmp/cold.raw -- \\
        python -m site_builder build
    python benchmarks/spy_groups.py /tmp/cold.raw

Each sample goes to the group of its innermost frame whose file a rule below names (so a
template's frames count for Jinja2, a Markdown extension's for python-markdown), in the
order of the rules; samples in no named file are "other". Shares are of all samples, both
cores' processes together.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

GROUPS = [
    ("typography (python-markdown's smarty)", r"markdown/extensions/smarty"),
    ("Markdown (python-markdown)", r"(^|/)markdown/"),
    ("Jinja2 (templates and runtime)", r"\.html|(^|/)jinja2/|render/templates\.py"),
    ("feedgen and lxml", r"(^|/)feedgen/|lxml"),
    ("feeds (ours)", r"site_builder/feeds/"),
    ("nh3", r"nh3"),
    ("YAML", r"(^|/)yaml/|frontmatter\.py"),
    ("Babel", r"(^|/)babel/|i18n\.py"),
    ("SQLite state", r"sqlite3|engine/store\.py"),
    ("JSON (json, orjson)", r"(^|/)json/|orjson"),
    ("hashing", r"hashlib|keys\.py"),
    ("fork and IPC", r"multiprocessing|concurrent/futures|pickle|parallel\.py|selectors|threading"),
    ("writing output (publish, spool)", r"engine/publish\.py|shutil"),
    ("imports and start-up", r"importlib|<frozen|site\.py"),
    ("records (dataclasses, model)", r"model\.py|dataclasses|render/outputs\.py"),
    (
        "the plan",
        r"render/(plan|front|related|sitemaps|feedplan|scope|kept|names)\.py"
        r"|engine/(planning|replan)\.py",
    ),
    ("render glue (renderer, contexts, metadata, pictures)", r"render/"),
    (
        "content loading (loader, markup, sources, scan)",
        r"content/|engine/(sources|scan|articles)\.py",
    ),
    ("engine, other", r"site_builder/"),
]
RULES = [(name, re.compile(pattern)) for name, pattern in GROUPS]
FILE = re.compile(r"\(([^()]*?):\d+\)$")  # "function (path/to/file.py:12)"


def group_of(frames: list[str]) -> str:
    for frame in reversed(frames):
        match = FILE.search(frame)
        where = match.group(1) if match else frame
        for name, rule in RULES:
            if rule.search(where):
                return name
    return "other"


def groups(raw: Path) -> tuple[Counter[str], int]:
    counts: Counter[str] = Counter()
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, number = line.rpartition(" ")
        if number.isdigit():
            counts[group_of(stack.split(";"))] += int(number)
    return counts, sum(counts.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", type=Path, help="py-spy record -f raw output")
    counts, total = groups(parser.parse_args().raw)
    for name, count in counts.most_common():
        print(f"{100 * count / max(total, 1):5.1f} %  {name}")
    print(f"{total} samples")


if __name__ == "__main__":
    main()
