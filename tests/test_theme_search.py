"""Site search: Pagefind's index when site.toml turns search on, nothing at all when off."""

from __future__ import annotations

import json
import re

import pytest
from test_incremental import Watching
from test_theme import NOW, make_site, story

from site_builder.engine import search
from site_builder.engine.build import build_site
from site_builder.engine.publish import MARKER
from site_builder.errors import SiteBuilderError


def stories() -> dict[str, str]:
    return {
        "a.md": story(1, title="Camels race in Doha", body="The camel race drew crowds."),
        "b.md": story(2, region="gulf", countries="Qatar", body="Dates harvested early."),
    }


def test_search_off_means_no_search_page_link_or_markers(tmp_path):
    config = make_site(tmp_path, stories=stories())
    build_site(config, now=NOW)
    assert search.index(config, config.output_dir) is False
    out = config.output_dir
    assert not (out / "search").exists() and not (out / search.BUNDLE).exists()
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "search/" not in home
    assert "data-pagefind" not in (out / "articles/2026/02/a/index.html").read_text(
        encoding="utf-8"
    )


def test_search_on_indexes_the_articles_only(tmp_path):
    config = make_site(tmp_path, "search = true\n", stories())
    build_site(config, now=NOW)  # the build runs the index itself
    out = config.output_dir
    assert (out / search.BUNDLE / "pagefind-ui.js").is_file()
    assert '<a href="search/">Search</a>' in (out / "index.html").read_text(encoding="utf-8")
    page = (out / "search/index.html").read_text(encoding="utf-8")
    assert '<script src="../pagefind/pagefind-ui.js">' in page
    assert "//" not in "".join(re.findall(r'(?:src|href)="([^"]*pagefind[^"]*)"', page))
    assert (out / "search" / "../pagefind/pagefind-ui.css").resolve().is_file()
    entry = json.loads((out / search.BUNDLE / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert sum(lang["page_count"] for lang in entry["languages"].values()) == 2


def test_an_incremental_rebuild_reindexes_in_place_without_stale_fragments(tmp_path):
    config = make_site(tmp_path, "search = true\n", stories())
    builder = Watching(config)
    builder.rebuild(None)
    bundle = config.output_dir / search.BUNDLE
    fragments = set((bundle / "fragment").iterdir())
    (tmp_path / "content" / "a.md").write_text(
        story(1, title="Falcons fly in Doha"), encoding="utf-8"
    )
    builder.rebuild({tmp_path / "content" / "a.md"})
    again = set((bundle / "fragment").iterdir())
    assert len(again) == len(fragments) == 2 and again != fragments
    assert [p.name for p in config.output_dir.iterdir() if p.name.startswith(".")] == [MARKER]


def test_a_failed_index_is_an_error_that_names_the_folder(tmp_path):
    config = make_site(tmp_path, "search = true\n")
    (tmp_path / "empty").mkdir()
    with pytest.raises(SiteBuilderError, match="search index failed") as info:
        search.index(config, tmp_path / "empty")
    assert str(tmp_path / "empty") in str(info.value)
