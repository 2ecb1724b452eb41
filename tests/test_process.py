"""The build's process: the cycle collector as a build leaves it for the next build of the
same process (watch, serve), and the command's last words before it goes."""

from __future__ import annotations

import gc

import pytest
from conftest import run_cli

from site_builder.config import load_config
from site_builder.engine.pipeline import Engine
from site_builder.errors import SiteBuilderError

STORY = """---
title: {title}
id: urn:uuid:11111111-2222-3333-4444-555555555555
date: 2026-11-20T09:00:00+03:00
region: gulf
---
A story.
"""


@pytest.fixture
def site(tmp_path):
    run_cli("init", "news", cwd=tmp_path, check=True)
    return tmp_path / "news"


def test_builds_leave_the_collector_on_with_nothing_frozen(site):
    """A build freezes what its plan made (out of the collector's passes) until it ends:
    whether it succeeds or fails in its plan, watch's next build finds every object in
    the collector's reach again, or a session's cycles would never be freed."""
    engine = Engine(load_config(site / "site.toml", root=site))
    try:
        engine.build()
        assert gc.isenabled() and gc.get_freeze_count() == 0
        # One id in two files: an error the plan finds, after the load.
        for name in ("one", "two"):
            (site / "content" / f"{name}.md").write_text(STORY.format(title=name))
        with pytest.raises(SiteBuilderError, match="urn:uuid:11111111"):
            engine.build()
        assert gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        engine.close()


def test_the_command_says_what_it_did_before_it_goes(site, monkeypatch):
    """The command leaves without tearing the interpreter down: what it printed still
    reaches a pipe (block-buffered, as in a script), and its exit status is the build's."""
    monkeypatch.delenv("PYTHONUNBUFFERED", raising=False)
    made = run_cli("new", "Port reopens", "--region", "gulf", cwd=site)
    assert (made.returncode, made.stdout) == (0, "content/gulf/port-reopens.md\n")
    built = run_cli("build", cwd=site)
    assert built.returncode == 0
    assert "built 1 article, 19 pages, 30 feeds into output/" in built.stderr
    (site / "content" / "bad.md").write_text("---\ntitle: [bad\n---\nA story.\n")
    failed = run_cli("build", cwd=site)
    assert failed.returncode == 1
    first = failed.stderr.splitlines()[0]
    assert first.startswith("content/bad.md:") and "front matter is not valid YAML" in first
    assert "output/ was left as it was" in failed.stderr
