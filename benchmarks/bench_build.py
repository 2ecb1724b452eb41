"""Build benchmark: site-builder's cold, warm, one-edit and template-edit builds at N articles.

For each N, a deterministic corpus (benchmarks/corpus.py) is generated once into
WORK/N/content and reused. Each build is timed as a whole process, exactly as a user runs
it, R times; min and median are printed. Next to the cold build: the Markdown floor
(python-markdown alone on all cores, benchmarks/markdown_floor.py) and, with --pelican,
Pelican on the same corpus, run in turn with ours so the ratio holds when the shared
machine's speed drifts.

    python benchmarks/bench_build.py                          # N = 1000, 10000; R = 3
    python benchmarks/bench_build.py --sizes 1000 --pelican --json /tmp/bench.json

Peak memory comes from the kernel's accounting of the finished child (os.wait4's
ru_maxrss: the largest single process of the build, workers included) and from sampling
/proc every 20 ms for the sum over the whole process tree (parent plus workers alive at
that moment).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

import corpus  # noqa: E402
import newsroom  # noqa: E402
import pelican_compare  # noqa: E402

DEFAULT_COMMAND = "{python} -m site_builder build --config {site}/site.toml"
SITE_TOML = """\
# Written by benchmarks/bench_build.py; the default regions cover the corpus.
title = "Regional News Desk"
base_url = "http://127.0.0.1:8000/"
timezone = "UTC"
"""


@dataclass
class Sample:
    """One finished process: wall and CPU seconds, peak memory and disk writes in MB, status."""

    wall: float
    cpu: float
    max_rss_mb: float
    tree_rss_mb: float
    code: int
    written_mb: float = 0.0


@dataclass
class Series:
    """The samples of one scenario, with the figures quoted from them."""

    name: str
    samples: list[Sample] = field(default_factory=list)

    def walls(self) -> list[float]:
        return [s.wall for s in self.samples]

    def summary(self) -> dict:
        """min/median/max wall seconds, median CPU seconds, peak memory, failures."""
        walls = self.walls()
        if not walls:
            return {}
        return {
            "min": min(walls),
            "median": statistics.median(walls),
            "max": max(walls),
            "cpu_median": statistics.median(s.cpu for s in self.samples),
            "max_rss_mb": max(s.max_rss_mb for s in self.samples),
            "tree_rss_mb": max(s.tree_rss_mb for s in self.samples),
            "written_mb": statistics.median(s.written_mb for s in self.samples),
            "failures": sum(s.code != 0 for s in self.samples),
        }


# --- measuring one process ---------------------------------------------------------------


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of pid and all its descendants now, in kB (0 once it has gone)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                total += next(
                    (int(line.split()[1]) for line in status if line.startswith("VmRSS:")), 0
                )
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    stack.extend(int(c) for c in children.read().split())
        except (OSError, ValueError):
            continue  # the process ended while we looked
    return total


def _sample_tree(pid: int, peak: list[int], done: threading.Event) -> None:
    """Keep the largest tree RSS seen in peak[0] until done is set."""
    while not done.wait(0.02):
        peak[0] = max(peak[0], _tree_rss_kb(pid))


def measure(argv: list[str], cwd: Path, log: Path, env: dict[str, str] | None = None) -> Sample:
    """Run argv in cwd to completion, output to log; time it and take its peak memory."""
    with open(log, "ab") as out:
        out.write(f"\n$ {shlex.join(argv)}\n".encode())
        out.flush()
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env)
        peak, done = [0], threading.Event()
        sampler = threading.Thread(target=_sample_tree, args=(proc.pid, peak, done), daemon=True)
        sampler.start()
        # wait4 gives this child's own rusage, its reaped workers included (ru_maxrss in kB).
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    return Sample(
        wall=round(wall, 4),
        cpu=round(usage.ru_utime + usage.ru_stime, 4),
        max_rss_mb=round(usage.ru_maxrss / 1024, 1),
        tree_rss_mb=round(max(peak[0], usage.ru_maxrss) / 1024, 1),
        code=proc.returncode,
        written_mb=round(usage.ru_oublock * 512 / 1e6, 1),
    )


def checked(sample: Sample, what: str, log: Path) -> Sample:
    """sample, after telling the user (with the log's tail) when the command failed."""
    if sample.code != 0:
        tail = log.read_text(errors="replace").splitlines()[-15:]
        print(
            f"  ! {what} exited {sample.code}; end of {log}:", *tail, sep="\n    ", file=sys.stderr
        )
    return sample


# --- the site under test --------------------------------------------------------------


def ensure_corpus(root: Path, n: int, seed: int) -> Path:
    """root/content with n articles, generated unless a complete one is already there."""
    marker = root / ".corpus-complete"
    stamp = f"n={n} seed={seed}"
    if marker.exists() and marker.read_text() == stamp:
        return root / "content"
    print(f"generating {n} articles into {root}/content ...", file=sys.stderr)
    shutil.rmtree(root / "content", ignore_errors=True)
    started = time.perf_counter()
    corpus.generate(n, root, seed)
    marker.write_text(stamp)
    print(f"  done in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return root / "content"


def prepare_site(root: Path, templates: Path) -> None:
    """site.toml and a fresh copy of the templates (which the template edit appends to)."""
    toml = root / "site.toml"
    if not toml.exists() or toml.read_text() != SITE_TOML:
        toml.write_text(SITE_TOML)
    shutil.rmtree(root / "templates", ignore_errors=True)
    if templates.is_dir():
        shutil.copytree(templates, root / "templates")
    static = REPO / "static"
    if static.is_dir() and not (root / "static").exists():
        shutil.copytree(static, root / "static")


def clean_site(root: Path) -> None:
    """Delete output/ and the build cache .cache/, for a cold build."""
    for name in ("output", ".cache"):
        shutil.rmtree(root / name, ignore_errors=True)


def edited_article(content: Path) -> Path:
    """The article the one-edit scenario changes: the middle one, so it sits on a deep page."""
    paths = sorted(content.rglob("*.md"))
    return paths[len(paths) // 2]


def append_sentence(path: Path, k: int) -> None:
    """Append one sentence to the article's last paragraph, as an editor would."""
    text = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(f"{text} An editor added sentence {k} to this report.\n", encoding="utf-8")


def append_template_comment(path: Path, k: int) -> None:
    """Append a Jinja comment to a template: its hash changes, its output does not."""
    with open(path, "a", encoding="utf-8") as template:
        template.write(f"{{# benchmark edit {k} #}}\n")


# --- the scenarios ---------------------------------------------------------------------


def head(rev: str = "HEAD") -> str:
    """The full commit id of rev in this repository ('' outside git)."""
    done = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--verify", f"{rev}^{{commit}}"],
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def snapshot(rev: str, work: Path) -> Path:
    """A frozen copy of the package, templates and static files at rev, under work/."""
    commit = head(rev)
    if not commit:
        raise SystemExit(f"bench_build: '{rev}' is not a commit of {REPO}")
    target = work / f"src-{commit[:12]}"
    if not (target / "site_builder" / "__init__.py").exists():
        target.mkdir(parents=True, exist_ok=True)
        paths = [p for p in ("site_builder", "templates", "static") if (REPO / p).exists()]
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", commit, *paths], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


@dataclass
class Plan:
    """What one run measures, from the command line."""

    source: Path
    command: str
    repeat: int
    templates: Path
    base_template: str
    floor: bool
    pelican: Path | None


def our_argv(plan: Plan, root: Path) -> list[str]:
    """The build command for the site at root, placeholders filled in."""
    return shlex.split(plan.command.format(python=sys.executable, site=root))


def bench_size(plan: Plan, root: Path, n: int, seed: int) -> dict[str, Series]:
    """Every scenario at one N; returns the series by name."""
    content = ensure_corpus(root, n, seed)
    prepare_site(root, plan.templates)
    log = root / "bench.log"
    log.write_text("")
    # The build under test is the one in plan.source, whatever is installed.
    env = newsroom.user_env()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(plan.source), env.get("PYTHONPATH")]))
    ours = our_argv(plan, root)
    pel_site = pel_argv = None
    if plan.pelican:
        pel_site = pelican_compare.prepare(content, root / "pelican")
        pel_argv = pelican_compare.command(plan.pelican, pel_site)
    series = {
        name: Series(name)
        for name in (
            "cold",
            "floor",
            "pelican cold",
            "warm",
            "pelican warm",
            "first edit",
            "one edit",
            "pelican one edit",
            "template edit",
        )
    }

    def run(name: str, argv: list[str], cwd: Path) -> None:
        print(f"  {name} ...", end="", flush=True, file=sys.stderr)
        sample = checked(measure(argv, cwd, log, env), name, log)
        print(f" {sample.wall:.3f} s", file=sys.stderr)
        series[name].samples.append(sample)

    floor_argv = [sys.executable, str(HERE / "markdown_floor.py"), str(content)]
    for _ in range(plan.repeat):  # in turn, so drift hits ours, the floor and Pelican alike
        clean_site(root)
        run("cold", ours, root)
        if series["cold"].samples[-1].code != 0:  # a broken build: nothing else is worth timing
            return {name: s for name, s in series.items() if s.samples}
        if plan.floor:
            run("floor", floor_argv, root)
        if pel_site:
            pelican_compare.clean(pel_site)
            run("pelican cold", pel_argv, pel_site)
    for _ in range(plan.repeat):
        run("warm", ours, root)
        if pel_site:
            run("pelican warm", pel_argv, pel_site)
    article = edited_article(content)
    original = article.read_bytes()
    pel_article = pel_site / "content" / article.relative_to(content) if pel_site else None
    pel_original = pel_article.read_bytes() if pel_article else None
    try:
        # The first edit after a cold build finds no previous site to start from (publish.py)
        # and links every file once: timed on its own, so "one edit" is the usual case.
        append_sentence(article, plan.repeat)
        run("first edit", ours, root)
        for k in range(plan.repeat):
            append_sentence(article, k)
            run("one edit", ours, root)
            if pel_article:
                append_sentence(pel_article, k)
                run("pelican one edit", pel_argv, pel_site)
        template = root / "templates" / plan.base_template
        if template.exists():
            for k in range(plan.repeat):
                append_template_comment(template, k)
                run("template edit", ours, root)
        else:
            print(f"  (no template {template}: template edit skipped)", file=sys.stderr)
    finally:  # the corpus stays as generated, so the next run's numbers compare
        article.write_bytes(original)
        if pel_article:
            pel_article.write_bytes(pel_original)
    return {name: s for name, s in series.items() if s.samples}


# --- reporting ---------------------------------------------------------------------------


def pair_ratio(top: Series | None, bottom: Series | None, what: str = "wall") -> float | None:
    """Median over runs of top/bottom, pair by pair (runs in turn share the machine's mood)."""
    if not top or not bottom or not top.samples or not bottom.samples:
        return None
    pairs = [
        getattr(x, what) / getattr(y, what)
        for x, y in zip(top.samples, bottom.samples)
        if getattr(y, what) > 0
    ]
    return statistics.median(pairs) if pairs else None


def table(n: int, series: dict[str, Series]) -> str:
    """A readable table of one N: min, median, CPU, memory, and the ratios to our build."""
    lines = [
        f"N = {n:,}",
        f"  {'scenario':<18}{'min s':>9}{'median s':>10}{'cpu s':>8}"
        f"{'max proc MB':>12}{'tree MB':>9}{'disk MB':>9}  ratio",
    ]
    against = {
        "floor": ("cold", "cold/floor"),
        "pelican cold": ("cold", "pelican/ours"),
        "pelican warm": ("warm", "pelican/ours"),
        "pelican one edit": ("one edit", "pelican/ours"),
    }
    for name, s in series.items():
        fig = s.summary()
        note = ""
        if name in against:
            ours, label = against[name]
            top, bottom = (series.get(ours), s) if name == "floor" else (s, series.get(ours))
            ratio, cpu = pair_ratio(top, bottom), pair_ratio(top, bottom, "cpu")
            # CPU seconds drift less than wall time on a busy machine; both are worth reading.
            note = f"{label} {ratio:.2f}x (cpu {cpu:.2f}x)" if ratio and cpu else ""
        if fig["failures"]:
            note += f"  {fig['failures']} FAILED"
        lines.append(
            f"  {name:<18}{fig['min']:>9.3f}{fig['median']:>10.3f}"
            f"{fig['cpu_median']:>8.2f}{fig['max_rss_mb']:>12.0f}"
            f"{fig['tree_rss_mb']:>9.0f}{fig['written_mb']:>9.0f}  {note}"
        )
    return "\n".join(lines)


def record(
    plan: Plan, args: argparse.Namespace, commit: str, results: dict[int, dict[str, Series]]
) -> dict:
    """Everything measured, with the machine and commands, for --json."""
    return {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "source": str(plan.source),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "machine": platform.platform(),
        "argv": sys.argv,
        "repeat": plan.repeat,
        "command": plan.command,
        "work": str(args.work),
        "seed": args.seed,
        "pelican": pelican_compare.version(plan.pelican) if plan.pelican else None,
        "sizes": {
            str(n): {
                name: {**s.summary(), "runs": [asdict(x) for x in s.samples]}
                for name, s in series.items()
            }
            for n, series in results.items()
        },
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="1000,10000", help="comma-separated article counts (default: 1000,10000)"
    )
    parser.add_argument("--repeat", "-r", type=int, default=3, help="runs per scenario (default 3)")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path("/tmp/sb-bench"),
        help="folder for the sites, one per N (default /tmp/sb-bench)",
    )
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument(
        "--command",
        default=DEFAULT_COMMAND,
        help="build command, run in the site folder; {python} and {site} are "
        f"filled in (default: '{DEFAULT_COMMAND}')",
    )
    parser.add_argument(
        "--rev",
        metavar="REV",
        help="benchmark this commit, exported to WORK/src-<commit>, instead of "
        "the working tree (which may change under a long run)",
    )
    parser.add_argument(
        "--templates",
        type=Path,
        help="templates copied into each site (default: the templates/ of the code under test)",
    )
    parser.add_argument(
        "--base-template",
        default="base.html",
        help="template the template-edit scenario appends to (default base.html)",
    )
    parser.add_argument("--no-floor", action="store_true", help="skip the Markdown floor")
    parser.add_argument("--pelican", action="store_true", help="also run Pelican, in turn")
    parser.add_argument(
        "--pelican-venv",
        type=Path,
        default=pelican_compare.DEFAULT_VENV,
        help=f"Pelican's virtualenv (default {pelican_compare.DEFAULT_VENV}; created on first use)",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures as JSON")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    source = snapshot(args.rev, args.work.resolve()) if args.rev else REPO
    commit = head(args.rev or "HEAD")
    templates = args.templates or source / "templates"
    plan = Plan(
        source=source,
        command=args.command,
        repeat=args.repeat,
        templates=templates.resolve(),
        base_template=args.base_template,
        floor=not args.no_floor,
        pelican=pelican_compare.ensure_venv(args.pelican_venv) if args.pelican else None,
    )
    results: dict[int, dict[str, Series]] = {}
    for n in sizes:
        print(f"N = {n:,}", file=sys.stderr)
        root = (args.work / str(n)).resolve()
        root.mkdir(parents=True, exist_ok=True)
        results[n] = bench_size(plan, root, n, args.seed)
        print(table(n, results[n]), flush=True)
    if not args.rev and head() != commit:
        commit += "+moved"
        print(
            f"warning: HEAD moved during the run (now {head()[:12]}): the figures may mix "
            "two versions; use --rev to pin one",
            file=sys.stderr,
        )
    if args.json:
        args.json.write_text(json.dumps(record(plan, args, commit, results), indent=2) + "\n")
    failed = any(s.summary()["failures"] for r in results.values() for s in r.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
