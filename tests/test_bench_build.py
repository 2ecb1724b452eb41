"""The build benchmark harness runs end to end on a tiny corpus and measures what it says."""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import bench_build  # noqa: E402
import markdown_floor  # noqa: E402


def test_harness_runs_every_scenario_of_the_real_build_on_20_articles(tmp_path, capsys):
    out = tmp_path / "bench.json"
    code = bench_build.main(
        ["--sizes", "20", "--repeat", "1", "--work", str(tmp_path), "--json", str(out)]
    )
    assert code == 0, capsys.readouterr().err
    figures = json.loads(out.read_text(encoding="utf-8"))["sizes"]["20"]
    assert set(figures) == {"cold", "floor", "warm", "first edit", "one edit", "template edit"}
    assert all(f["failures"] == 0 and f["median"] > 0 for f in figures.values())
    assert (tmp_path / "20" / "output" / "index.html").exists()
    assert "cold/floor" in capsys.readouterr().out


def test_edits_are_undone_so_the_corpus_stays_as_generated(tmp_path):
    bench_build.main(["--sizes", "20", "--repeat", "2", "--work", str(tmp_path), "--no-floor"])
    fresh = tmp_path / "fresh"
    bench_build.corpus.generate(20, fresh, 1)
    for path in (fresh / "content").rglob("*.md"):
        used = tmp_path / "20" / "content" / path.relative_to(fresh / "content")
        assert used.read_bytes() == path.read_bytes(), used
    template = tmp_path / "20" / "templates" / "base.html"
    assert "benchmark edit 1" in template.read_text(
        encoding="utf-8"
    )  # the edit happened, on the copy only
    assert "benchmark edit" not in (REPO / "templates" / "base.html").read_text(encoding="utf-8")


def test_a_failing_command_is_reported_and_its_memory_measured(tmp_path):
    log = tmp_path / "log"
    sample = bench_build.measure(
        [
            sys.executable,
            "-c",
            "x = bytearray(120_000_000); x[::4096] = b'1' * len(x[::4096]); raise SystemExit(3)",
        ],
        tmp_path,
        log,
    )
    assert sample.code == 3
    assert sample.max_rss_mb >= 120
    assert sample.wall > 0 and sample.cpu > 0


def test_floor_converts_every_body_without_its_front_matter(tmp_path):
    bench_build.corpus.generate(5, tmp_path, 1)
    figures = markdown_floor.floor(tmp_path / "content", jobs=1)
    assert figures["articles"] == 5
    assert markdown_floor.body_of("---\ntitle: x\n---\nHello *you*\n") == "Hello *you*\n"


def test_a_broken_build_fails_the_run_after_one_cold_build(tmp_path, capsys):
    code = bench_build.main(
        [
            "--sizes",
            "20",
            "--repeat",
            "3",
            "--work",
            str(tmp_path),
            "--command",
            "{python} -c 'raise SystemExit(1)'",
        ]
    )
    assert code == 1
    out = capsys.readouterr().out
    assert "1 FAILED" in out and "warm" not in out
