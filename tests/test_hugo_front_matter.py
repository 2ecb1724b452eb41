"""Content moved from Hugo builds as it is: its common front matter keys are read or
ignored (with one note a build), never refused."""

from __future__ import annotations

import json

from conftest import run_cli

HUGO = """\
---
id: hugo-{n}
title: Moved from Hugo {n}
date: 2026-11-0{n}T08:00:00+00:00
description: What Hugo called the description {n}.
categories: [Economy, Shipping]
tags: [ports]
weight: {n}
layout: single
---
Text {n}.
"""


def test_hugo_front_matter_builds_and_maps_onto_ours(tmp_path):
    (tmp_path / "site.toml").write_text('base_url = "https://example.org/"\n', encoding="utf-8")
    folder = tmp_path / "content/world"
    folder.mkdir(parents=True)
    for n in (1, 2, 3):
        (folder / f"hugo-{n}.md").write_text(HUGO.format(n=n), encoding="utf-8")
    summary = folder / "own-summary.md"
    summary.write_text(
        HUGO.format(n=4).replace("layout: single\n", "summary: Our own summary.\n"),
        encoding="utf-8",
    )
    proc = run_cli("build", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    notes = [line for line in proc.stderr.splitlines() if "note:" in line]
    assert sorted(note.split(": ", 1)[1] for note in notes) == [
        "note: 'layout' (Hugo's) is ignored, here and in every other file",
        "note: 'weight' (Hugo's) is ignored, here and in every other file",
    ]

    feed = json.loads((tmp_path / "output/feed.json").read_text(encoding="utf-8"))
    items = {item["title"]: item for item in feed["items"]}
    first = items["Moved from Hugo 1"]
    assert first["summary"] == "What Hugo called the description 1."
    assert items["Moved from Hugo 4"]["summary"] == "Our own summary."
    assert [t for t in first["tags"] if t in ("ports", "Economy", "Shipping")] == [
        "ports",
        "Economy",
        "Shipping",
    ]
    assert run_cli("build", "-q", cwd=tmp_path, check=True).stderr == ""


def test_params_reach_templates(tmp_path):
    """Hugo's place for a site's own fields: `params:` reaches the theme as article.params,
    dates as ISO text; anything but a mapping is an error naming its line."""
    (tmp_path / "site.toml").write_text('base_url = "https://example.org/"\n', encoding="utf-8")
    folder = tmp_path / "content/world"
    folder.mkdir(parents=True)
    story = HUGO.format(n=1).replace(
        "layout: single\n", "params:\n  rating: 4\n  desk: Gulf\n  embargo: 2026-11-02\n"
    )
    (folder / "hugo-1.md").write_text(story, encoding="utf-8")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/article.html").write_text(
        '{% extends "base.html" %}{% block main %}<p id="params">'
        "{{ article.params.desk }}/{{ article.params.rating + 1 }}/{{ article.params.embargo }}"
        "</p>{% endblock %}",
        encoding="utf-8",
    )
    run_cli("build", cwd=tmp_path, check=True)
    page = next((tmp_path / "output/articles").rglob("index.html")).read_text(encoding="utf-8")
    assert '<p id="params">Gulf/5/2026-11-02</p>' in page

    (folder / "hugo-1.md").write_text(
        HUGO.format(n=1).replace("layout: single\n", "params: [rating]\n"), encoding="utf-8"
    )
    proc = run_cli("build", cwd=tmp_path)
    assert proc.returncode == 1
    assert (
        "content/world/hugo-1.md:9: 'params': expected a mapping of your own fields" in proc.stderr
    )
