"""Sections beside the regions (issue 24 item 4): a folder that is no region says which are
and how to add one, a section needs no countries, and a folder's case does not matter."""

from __future__ import annotations

from pathlib import Path

import lxml.etree
import lxml.html
from conftest import run_cli

from site_builder.config.regions import DEFAULT_REGIONS

TOML = 'title = "Desk"\nbase_url = "https://example.org/"\n'
MATCH = """\
---
id: urn:uuid:0b5f6c1e-6a57-4d0e-9f43-2d1c7c1f0a12
title: Cup final goes to extra time
date: 2026-02-10T08:00:00+00:00
---
A match, in no country of the gazetteer.
"""


def site(root: Path, toml: str, folder: str) -> Path:
    (root / "content" / folder).mkdir(parents=True)
    (root / "content" / folder / "match.md").write_text(MATCH, encoding="utf-8")
    (root / "site.toml").write_text(toml, encoding="utf-8")
    return root


def listed(output: Path, section: str) -> tuple[list[str], list[str]]:
    """The story titles a section's page links to, and the titles its RSS feed carries."""
    page = lxml.html.parse(str(output / section / "index.html"))
    links = [a.text_content().strip() for a in page.iter("a")]
    feed = lxml.etree.parse(str(output / section / "feed.xml"))
    return links, [t.text or "" for t in feed.iterfind("channel/item/title")]


def test_an_unknown_folder_names_itself_the_regions_and_the_fix(tmp_path):
    root = site(tmp_path, TOML, "sport")
    proc = run_cli("build", cwd=root)
    assert proc.returncode == 1
    line = next(x for x in proc.stderr.splitlines() if x.startswith("content/sport/match.md:1: "))
    assert "folder 'sport' is not one of this site's regions or sections" in line
    for region in DEFAULT_REGIONS:
        assert region.slug in line
    assert '[regions.sport] with name = "Sport"' in line and "site.toml" in line
    assert "Traceback" not in proc.stderr
    assert not (root / "output").exists()


def test_a_sport_section_needs_no_countries_and_has_its_page_and_feeds(tmp_path):
    root = site(tmp_path, TOML + '\n[regions.sport]\nname = "Sport"\n', "sport")
    run_cli("build", cwd=root, check=True)
    output = root / "output"
    links, items = listed(output, "sport")
    assert "Cup final goes to extra time" in links
    assert items == ["Cup final goes to extra time"]
    article = lxml.html.parse(str(output / "articles/2026/02/match/index.html"))
    crumbs = [a.text_content() for a in article.iterfind(".//nav[@class='breadcrumbs']//a")]
    assert crumbs[:2] == ["Home", "Sport"]
    for name in ("atom.xml", "feed.json"):
        assert "Cup final goes to extra time" in (output / "sport" / name).read_text("utf-8")


def test_a_folder_name_matches_its_region_whatever_its_case(tmp_path):
    root = site(tmp_path, TOML, "Gulf")
    run_cli("build", cwd=root, check=True)
    links, items = listed(root / "output", "gulf")
    assert "Cup final goes to extra time" in links
    assert items == ["Cup final goes to extra time"]
    assert not (root / "output" / "Gulf").exists()
