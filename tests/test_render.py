"""Rendering with a site's own templates, right-to-left sites, and the output writer."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from site_builder.config import SiteConfig, load_config
from site_builder.engine.build import build_site
from site_builder.engine.publish import Publisher, SiteFiles
from site_builder.errors import SiteBuilderError, TemplateError

NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
TEXT = '---\nid: a\ntitle: "عنوان"\ndate: 2026-02-01\nregion: world\n---\nنص.\n'


def site(tmp_path: Path, toml: str = "", templates: dict[str, str] | None = None):
    (tmp_path / "content").mkdir()
    (tmp_path / "content/a.md").write_text(TEXT, encoding="utf-8")
    for name, text in (templates or {}).items():
        (tmp_path / "templates").mkdir(exist_ok=True)
        (tmp_path / "templates" / name).write_text(text, encoding="utf-8")
    (tmp_path / "site.toml").write_text(toml, encoding="utf-8")
    return load_config(tmp_path / "site.toml", root=tmp_path)


def test_rtl_site_sets_lang_and_dir(tmp_path):
    config = site(tmp_path, 'language = "ar"\ndir = "rtl"\n')
    build_site(config, now=NOW)
    page = (config.output_dir / "articles/2026/02/a/index.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in page and '<h1 dir="auto">عنوان</h1>' in page


def test_a_site_template_overrides_the_theme_and_the_rest_falls_back(tmp_path):
    config = site(tmp_path, templates={"404.html": "{{ page.title }} / custom\n"})
    build_site(config, now=NOW)
    assert (config.output_dir / "404.html").read_text(
        encoding="utf-8"
    ) == "Page not found / custom\n"
    assert "<!DOCTYPE html>" in (config.output_dir / "index.html").read_text(encoding="utf-8")


def test_a_template_typo_names_the_template_and_line_and_writes_nothing(tmp_path):
    config = site(tmp_path, templates={"404.html": "line one\n{{ site.titel }}\n"})
    with pytest.raises(TemplateError) as info:
        build_site(config, now=NOW)
    assert str(info.value).startswith(
        f"{tmp_path / 'templates/404.html'}:2: rendering 404.html failed"
    )
    assert "titel" in str(info.value)
    assert not config.output_dir.exists()


def test_publishing_refuses_paths_outside_the_output_folder(tmp_path):
    config = SiteConfig(root=tmp_path, output_dir=tmp_path / "output")
    # An absolute path, but one inside this test's folder: were the guard ever broken (a
    # mutation run breaks it on purpose), the write must not land on a file of the machine.
    victim = str(tmp_path / "victim.txt")
    for bad in ("../evil.html", "a/../../evil.html", victim):
        with pytest.raises(SiteBuilderError, match="outside the output folder"):
            Publisher(config, None).staged(SiteFiles({bad}), {bad: b"x"}, set(), False)
    assert not (tmp_path / "evil.html").exists() and os.listdir(tmp_path) == []


def test_publishing_swaps_in_and_cleans_folders_of_killed_builds(tmp_path):
    (tmp_path / "output").mkdir()
    (tmp_path / "output/index.html").write_text("old", encoding="utf-8")
    (tmp_path / "output/feeds.opml").write_text("old", encoding="utf-8")
    (tmp_path / "output/.site_builder").write_text("ours", encoding="utf-8")  # a built site
    stale = tmp_path / ".output.staging-999999999"
    stale.mkdir()
    config = SiteConfig(root=tmp_path, output_dir=tmp_path / "output")
    publisher = Publisher(config, None)
    publisher.staged(
        SiteFiles({"new.html", "feeds.opml"}), {"new.html": b"new"}, {"index.html"}, False
    )
    assert sorted(os.listdir(tmp_path)) == [".output.previous", "output"]
    assert sorted(os.listdir(tmp_path / "output")) == [".site_builder", "feeds.opml", "new.html"]
    assert (tmp_path / "output/feeds.opml").stat().st_nlink == 2  # linked, kept as it was
