"""The newsroom benchmark: what a desk does all day, timed against Hugo on the same corpus.

For N articles (benchmarks/corpus.py), the same content is built by `site-builder build` and
by Debian's `hugo` (a minimal Hugo site written here: sections by region, pagination, a
countries taxonomy, RSS; no related articles: Hugo's `.Related` over 10,000 pages took its
builds from about 7 s to over 30 s). Each step is timed as a whole command, ours and
Hugo's in turn (A B A B ...), so the ratio holds when the machine's speed drifts:

    step       before each run
    cold       output and caches deleted
    noop       nothing changed
    body       a sentence appended to one article
    add        a new article, the newest of the site
    retitle    that article's title changed
    move       that article moved to another region
    delete     that article deleted
    template   a comment appended to the article template
    list-template  a comment appended to the listing template (ours list.html, Hugo's list.html)
    relocate   the built site (sources, caches, output) copied to another folder, built there
    relocate-no-output  the same without output/ (a CI runner restoring only the cache)
    floor      benchmarks/markdown_floor.py over the corpus, in turn with the cold builds
    serve      `serve` / `hugo server` started on a site built before: seconds to the first 200
    watch-add  with the server running: a new article saved -> its title on the home page
    watch-body with the server running: a body edit saved -> the text on the article's page

    python benchmarks/newsroom.py                    # N = 10000, 3 runs a step
    python benchmarks/newsroom.py --sizes 1000 --repeat 5 --json /tmp/newsroom.json
    python benchmarks/newsroom.py --no-hugo          # ours alone

Peak memory is the largest single process's (os.wait4 -> ru_maxrss). Quote medians and
ratios; absolute times on shared machines drift by 1.5x from day to day.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

# A published address: `serve` keeps it (a local one would be replaced by serve's own
# address, and the site rendered again for it, which is not the step being timed).
SITE_TOML = 'title = "Regional News Desk"\nbase_url = "https://news.example.org/"\n'
REGIONS = list(corpus.REGIONS)
HUGO_CONFIG = """\
baseURL = "http://127.0.0.1:8000/"
title = "Regional News Desk"
paginate = 20
disableKinds = ["robotsTXT"]
[taxonomies]
  country = "countries"
  tag = "tags"
[permalinks]
{permalinks}
[markup.goldmark.renderer]
  unsafe = false
"""
HUGO_LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ .Site.Title }}</title>
{{ range .AlternativeOutputFormats }}<link rel="{{ .Rel }}" type="{{ .MediaType.Type }}" href="{{ .RelPermalink }}">{{ end }}
</head><body><nav>{{ range .Site.Sections }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</nav>
<main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "_default/single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p>{{ .Date.Format "2 January 2006" }} · {{ .Section }} · {{ .ReadingTime }} min read</p>
{{ .Content }}</article>
{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ range .Paginator.Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p>{{ .Date.Format "2 January 2006" }} · {{ .Summary | plainify | truncate 200 }}</p></article>{{ end }}
{{ with .Paginator.Next }}<a href="{{ .URL }}">Older</a>{{ end }}{{ end }}
""",
    "index.html": """{{ define "main" }}<h1>Latest news</h1>
{{ range (.Paginate .Site.RegularPages).Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p>{{ .Date.Format "2 January 2006" }}</p></article>{{ end }}
{{ range .Site.Sections }}<section><h2>{{ .Title }}</h2>{{ range first 3 .Pages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</section>{{ end }}
{{ end }}
""",
}


def run(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float, int]:
    """(wall seconds, peak MB of the largest process, exit status) of one whole command."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{' '.join(command)} failed ({code}) in {cwd}:\n{err[-2000:]}")
    return wall, usage.ru_maxrss / 1024, code


class Tool:
    """One of the two site generators, with its site folder and commands."""

    def __init__(
        self,
        name: str,
        site: Path,
        build: list[str],
        clean: list[str],
        serve: list[str],
        template: Path,
        env: dict | None = None,
        list_template: Path | None = None,
        outputs: tuple[str, ...] = (),
    ):
        self.name, self.site, self.build_command = name, site, build
        self.clean_paths, self.serve_command, self.template, self.env = clean, serve, template, env
        self.list_template, self.outputs = list_template, outputs
        self.runs = 1_000_000  # at most this many timed runs a step (--hugo-repeat)
        # What the server logs once its first build is over (None: it serves only then).
        self.ready: str | None = None

    def build(self) -> tuple[float, float, int]:
        self.settle()
        return run(self.build_command, self.site, self.env)

    def settle(self) -> None:
        if self.name == "ours":  # Hugo leaves nothing running
            walk_ended(self.site)

    def clean(self) -> None:
        for name in self.clean_paths:
            shutil.rmtree(self.site / name, ignore_errors=True)


def walk_ended(site: Path) -> None:
    """Our build leaves a walk of the site it swapped aside running (engine/strays.py:
    about 1.2 s at 100,000 articles, at nice 10): a timed command starts after it, as an
    editor's next save would, not beside it. Waits on the walk's lock (strays.WALKING)."""
    lock = site / ".cache" / "site_builder" / "kept-site-strays.json.lock"
    if lock.exists():
        with lock.open("rb") as held:
            fcntl.flock(held, fcntl.LOCK_SH)


def user_env(code: Path | None = None) -> dict[str, str]:
    """The environment of one of our timed commands: as on a user's machine, where the
    installed package's bytecode is cached (pip compiles it at install; an editable install
    writes it on first run), even where this shell sets PYTHONDONTWRITEBYTECODE. Timed runs
    before 2026-12-07 inherited it and compiled all ~75 of our modules from source each
    time (benchmarks/README.md, "Bytecode"). `code`: the tree on PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if code is not None:
        env["PYTHONPATH"] = str(code)
    return env


def ours(work: Path, python: str, code: Path) -> Tool:
    site = work / "ours"
    if not (site / "site.toml").exists():
        site.mkdir(parents=True, exist_ok=True)
        (site / "site.toml").write_text(SITE_TOML, encoding="utf-8")
        shutil.copytree(code / "templates", site / "templates", dirs_exist_ok=True)
    env = user_env(code)
    tool = Tool(
        "ours",
        site,
        [python, "-m", "site_builder", "build", "-q"],
        ["output", ".cache", ".output.previous"],
        [python, "-m", "site_builder", "serve", "--port", "{port}"],
        site / "templates" / "article.html",
        env,
        site / "templates" / "list.html",
        ("output", ".output.previous"),
    )
    # `serve` serves the preview it has while it builds the new one: a 200 comes at once.
    tool.ready = "serving http://"
    return tool


def hugo(work: Path) -> Tool:
    site = work / "hugo"
    if not (site / "config.toml").exists():
        site.mkdir(parents=True, exist_ok=True)
        links = "\n".join(f'  {r} = "/articles/:year/:month/:filename/"' for r in REGIONS)
        (site / "config.toml").write_text(HUGO_CONFIG.format(permalinks=links), encoding="utf-8")
        for name, text in HUGO_LAYOUTS.items():
            (site / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
            (site / "layouts" / name).write_text(text, encoding="utf-8")
    return Tool(
        "hugo",
        site,
        ["hugo", "--quiet"],
        ["public", "resources"],
        ["hugo", "server", "--port", "{port}", "--bind", "127.0.0.1", "--disableFastRender"],
        site / "layouts" / "_default" / "single.html",
        None,
        site / "layouts" / "_default" / "list.html",
        ("public",),
    )


def prepare(work: Path, n: int, tools: list[Tool]) -> None:
    """The corpus in each site's content/ (generated once, copied)."""
    source = work / "corpus"
    if not (source / ".complete").exists():
        shutil.rmtree(source, ignore_errors=True)
        subprocess.run([sys.executable, str(HERE / "corpus.py"), str(n), str(source)], check=True)
        (source / ".complete").write_text(str(n))
    for tool in tools:
        content = tool.site / "content"
        if not content.exists():
            shutil.copytree(source / "content", content)


class Story:
    """The article the newsroom steps add, retitle, move and delete (one per site)."""

    def __init__(self, tool: Tool):
        self.tool = tool
        first = sorted((tool.site / "content" / "gulf").glob("*.md"))[0]
        self.template = first.read_text(encoding="utf-8")
        self.path = tool.site / "content" / "gulf" / "zz-newsroom-story.md"
        self.edited = first

    def add(self, n: int = 0) -> str:
        title = f"Newsroom story {n} {time.monotonic_ns()}"
        text = self.template.replace("urn:uuid:", f"urn:uuid:{n:04d}", 1)
        text = re.sub(r"(?m)^date: .*$", "date: 2026-11-01T09:00:00+00:00", text, count=1)
        text = re.sub(r"(?m)^title: .*$", f"title: {title}", text, count=1)
        self.path.write_text(text, encoding="utf-8")
        return title

    def retitle(self) -> None:
        text = self.path.read_text(encoding="utf-8")
        self.path.write_text(
            re.sub(r"(?m)^title: (.*)$", r"title: Retitled \1", text, count=1), encoding="utf-8"
        )

    def move(self) -> None:
        moved = self.path.parent.parent / "europe" / self.path.name
        text = self.path.read_text(encoding="utf-8").replace("region: gulf", "region: europe")
        if self.tool.name == "hugo":  # Hugo's sections are folders
            self.path.unlink()
            self.path = moved
        self.path.write_text(text, encoding="utf-8")

    def delete(self) -> None:
        self.path.unlink()
        self.path = self.tool.site / "content" / "gulf" / "zz-newsroom-story.md"

    def body(self, marker: str) -> None:
        with self.edited.open("a", encoding="utf-8") as out:
            out.write(f"\n\nA late correction {marker}.\n")


def step_runs(
    tools: list[Tool], stories: dict[str, Story], repeat: int, steps: set[str], floor: list[str]
) -> dict:
    """Every build step, each tool in turn; {step: {tool: [(wall, MB), ...]}}."""
    results: dict[str, dict[str, list]] = {}

    def timed(step: str, before=None, build=None) -> None:
        if step not in steps:
            return
        for k in range(repeat):
            for tool in [t for t in tools if k < t.runs]:
                if before:
                    before(tool)
                wall, mb, _ = (build or Tool.build)(tool)
                results.setdefault(step, {}).setdefault(tool.name, []).append((wall, mb))
                if step == "cold" and floor and tool is tools[-1]:
                    wall, mb, _ = run(floor, tools[0].site)
                    results.setdefault("floor", {}).setdefault("ours", []).append((wall, mb))

    timed("cold", lambda t: t.clean())
    for tool in tools:
        tool.build()  # ours: the first build after a cold one links every file once
    timed("noop")
    timed("body", lambda t: stories[t.name].body(f"{time.monotonic_ns()}"))
    timed("relocate", build=lambda t: relocated(t, with_output=True))
    timed("relocate-no-output", build=lambda t: relocated(t, with_output=False))
    timed("list-template", lambda t: touch_template(t, t.list_template))
    for k in range(repeat if "add" in steps else 0):
        for step in ("add", "retitle", "move", "delete"):
            for tool in [t for t in tools if k < t.runs]:
                story = stories[tool.name]
                getattr(story, step)()
                wall, mb, _ = tool.build()
                results.setdefault(step, {}).setdefault(tool.name, []).append((wall, mb))
    timed("template", touch_template)
    return results


def relocated(tool: Tool, with_output: bool) -> tuple[float, float, int]:
    """The built site copied to a folder of another name (a CI runner's checkout), built there."""
    moved = tool.site.with_name(tool.site.name + "-moved")
    shutil.rmtree(moved, ignore_errors=True)
    skip = () if with_output else tool.outputs
    shutil.copytree(
        tool.site,
        moved,
        symlinks=True,
        ignore=lambda d, names: [n for n in names if Path(d) == tool.site and n in skip],
    )
    try:
        return run(tool.build_command, moved, tool.env)
    finally:
        shutil.rmtree(moved, ignore_errors=True)


def touch_template(tool: Tool, template: Path | None = None) -> None:
    """A comment appended to a template (by default the article template's)."""
    stamp = time.monotonic_ns()
    comment = f"{{{{/* {stamp} */}}}}\n" if tool.name == "hugo" else f"{{# {stamp} #}}\n"
    with (template or tool.template).open("a", encoding="utf-8") as out:
        out.write(comment)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8", "replace")
    except Exception:
        return None


def _drain(proc: subprocess.Popen, line: str, seen: threading.Event) -> None:
    """Read a server's log to its end (a full pipe would stop it); `seen` once it has
    logged `line`."""
    assert proc.stderr is not None
    for logged in proc.stderr:
        if line in logged:
            seen.set()


def wait_for(url: str, text: str | None, timeout: float = 120) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        page = fetch(url)
        if page is not None and (text is None or text in page):
            return time.perf_counter() - started
        time.sleep(0.005)
    raise SystemExit(f"{url} never showed {text!r}")


def wait_gone(url: str, text: str, timeout: float = 120) -> None:
    """Until the page no longer shows `text`: the rebuild of a deletion is over."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        page = fetch(url)
        if page is not None and text not in page:
            return
        time.sleep(0.005)
    raise SystemExit(f"{url} still showed {text!r}")


def serve_runs(tools: list[Tool], stories: dict[str, Story], repeat: int) -> dict:
    """Serve start, then watch latency (save -> visible over HTTP), with the real servers."""
    results: dict[str, dict[str, list]] = {}
    for tool in tools:
        tool.build()
        # The first run warms up, untimed: `serve` builds its preview in its own folder (cold
        # after a code change), and a save made before that build ends waits for it.
        for run_number in range(repeat + 1):
            timed = results if run_number else {}
            port = free_port()
            command = [part.format(port=port) for part in tool.serve_command]
            started = time.perf_counter()
            proc = subprocess.Popen(
                command,
                cwd=tool.site,
                env=tool.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE if tool.ready else subprocess.DEVNULL,
                text=True,
                start_new_session=True,
            )
            ready = threading.Event()
            if tool.ready:
                threading.Thread(target=_drain, args=(proc, tool.ready, ready), daemon=True).start()
            try:
                # The warm-up's preview build is a cold build at first: minutes at 100,000.
                wait_for(f"http://127.0.0.1:{port}/", None, 120 if run_number else 3600)
                if tool.ready and not ready.wait(120 if run_number else 3600):
                    raise SystemExit(f"{tool.name}'s server never logged {tool.ready!r}")
                timed.setdefault("serve", {}).setdefault(tool.name, []).append(
                    (time.perf_counter() - started, 0.0)
                )
                story = stories[tool.name]
                for n in range(3):
                    title = story.add(n)
                    saved = time.perf_counter()
                    wait_for(f"http://127.0.0.1:{port}/", title)
                    timed.setdefault("watch-add", {}).setdefault(tool.name, []).append(
                        (time.perf_counter() - saved, 0.0)
                    )
                    story.delete()
                    # The next save must not wait on this one's rebuild (at 100,000 it
                    # outlasted a fixed pause and was timed with the next add).
                    wait_gone(f"http://127.0.0.1:{port}/", title)
                    time.sleep(0.5)
                for _ in range(3):
                    marker = f"marker{time.monotonic_ns()}"
                    story.body(marker)
                    saved = time.perf_counter()
                    url = _article_url(tool, story.edited, port)
                    wait_for(url, marker)
                    timed.setdefault("watch-body", {}).setdefault(tool.name, []).append(
                        (time.perf_counter() - saved, 0.0)
                    )
                    time.sleep(0.3)
            finally:
                os.killpg(proc.pid, signal.SIGINT)
                proc.wait(timeout=30)
    return results


def _article_url(tool: Tool, path: Path, port: int) -> str:
    text = path.read_text(encoding="utf-8")
    date = re.search(r"(?m)^date: (\d{4})-(\d\d)", text)
    return f"http://127.0.0.1:{port}/articles/{date.group(1)}/{date.group(2)}/{path.stem}/"


def report(results: dict, tools: list[Tool]) -> None:
    names = [t.name for t in tools]
    print(
        f"{'step':<11}"
        + "".join(f"{n + ' median s':>16}" for n in names)
        + ("   ratio hugo/ours" if len(names) == 2 else "")
        + f"{'ours peak MB':>15}"
    )
    for step, by_tool in results.items():
        medians = {
            n: statistics.median(w for w, _ in by_tool.get(n, [(float("nan"), 0)])) for n in names
        }
        row = f"{step:<11}" + "".join(f"{medians[n]:>16.3f}" for n in names)
        if len(names) == 2:
            row += f"{medians['hugo'] / medians['ours']:>18.1f}"
        peak = max(mb for _, mb in by_tool.get("ours", [(0, 0)]))
        print(row + (f"{peak:>15.0f}" if peak else ""))


def growth(everything: dict[int, dict]) -> None:
    """How each of our steps grows with N: the median and peak memory at each size, the
    exponent k of t ~ N^k between successive sizes, and the power law through the two
    largest sizes carried to a million articles (an extrapolation, and said so)."""
    sizes = sorted(everything)
    print("\ngrowth of ours with N (k: t ~ N^k between sizes; 1M: extrapolated)")
    print(
        f"{'step':<19}"
        + "".join(f"{n:>10} s{n:>9} MB" for n in sizes)
        + f"{'k':>6}{'1M s':>9}{'1M MB':>9}"
    )
    steps = [
        s for s in everything[sizes[-1]] if all("ours" in everything[n].get(s, {}) for n in sizes)
    ]
    for step in steps:
        walls = [statistics.median(w for w, _ in everything[n][step]["ours"]) for n in sizes]
        peaks = [max(mb for _, mb in everything[n][step]["ours"]) for n in sizes]
        row = f"{step:<19}" + "".join(f"{w:>12.3f}{mb:>12.0f}" for w, mb in zip(walls, peaks))
        (n1, w1, m1), (n2, w2, m2) = list(zip(sizes, walls, peaks))[-2:]
        k = math.log(w2 / w1) / math.log(n2 / n1) if w1 > 0 and w2 > 0 else float("nan")
        scale = 1_000_000 / n2
        km = math.log(m2 / m1) / math.log(n2 / n1) if m1 > 0 and m2 > 0 else float("nan")
        print(row + f"{k:>6.2f}{w2 * scale**k:>9.1f}{m2 * scale**km if m2 else 0:>9.0f}")


def snapshot(rev: str, work: Path) -> Path:
    """The code of `rev` in a folder of its own."""
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", rev], check=True, capture_output=True, text=True
    ).stdout.strip()
    folder = work / f"src-{commit[:12]}"
    if not folder.exists():
        folder.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", commit], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def main() -> int:
    # Run in the background by a shell, this process ignores SIGINT and so would the
    # servers it starts, which are stopped by SIGINT: give them Python's own handler.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/sb-newsroom"))
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="the interpreter that runs site_builder (not a pyenv shim)",
    )
    parser.add_argument(
        "--rev",
        help="time this commit (exported with git archive), not the "
        "working tree, so edits made meanwhile do not mix in",
    )
    parser.add_argument("--no-hugo", action="store_true")
    parser.add_argument(
        "--hugo-repeat",
        type=int,
        help="Hugo's runs a step (default: --repeat); at 100,000 articles one Hugo build "
        "takes minutes and 15 GB",
    )
    parser.add_argument("--no-serve", action="store_true")
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--steps",
        default="cold,noop,body,add,template",
        help="comma-separated build steps (add also runs retitle, move, delete; "
        "more: list-template, relocate, relocate-no-output; cold with floor: --floor)",
    )
    parser.add_argument(
        "--floor", action="store_true", help="the Markdown floor after each cold pair"
    )
    parser.add_argument(
        "--growth",
        type=Path,
        nargs="+",
        metavar="JSON",
        help="print the growth table of earlier runs' --json files (several sizes), run nothing",
    )
    args = parser.parse_args()
    if args.growth:
        runs = [json.loads(path.read_text(encoding="utf-8")) for path in args.growth]
        growth({int(n): results for run in runs for n, results in run.items()})
        return 0
    everything = {}
    code = snapshot(args.rev, args.work) if args.rev else REPO
    for n in args.sizes:
        work = args.work / str(n)
        tools = [ours(work, args.python, code)]
        if not args.no_hugo:
            tools.append(hugo(work))
            tools[-1].runs = args.hugo_repeat or args.repeat
        prepare(work, n, tools)
        stories = {t.name: Story(t) for t in tools}
        print(f"N = {n}: {', '.join(t.name for t in tools)}; {args.repeat} runs a step", flush=True)
        floor = [args.python, str(HERE / "markdown_floor.py"), str(tools[0].site / "content")]
        steps = set(args.steps.split(","))
        results = step_runs(tools, stories, args.repeat, steps, floor if args.floor else [])
        if not args.no_serve:
            results.update(serve_runs(tools, stories, args.repeat))
        report(results, tools)
        everything[n] = results
    if len(everything) > 1:
        growth(everything)
    if args.json:
        args.json.write_text(json.dumps(everything, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
