"""Every feed of a site with pictures, authors, tags and pages passes the W3C Feed
Validation Service's own code (../shared/tools/feedvalidate, run offline) with no error and
no warning: feedparser reads what readers forgive, the validator says what they may not."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import REPO, run_cli

FEEDVALIDATE = REPO.parent / "shared" / "tools" / "feedvalidate"
SITE_URL = "https://news.example.org/"


@pytest.mark.skipif(not FEEDVALIDATE.exists(), reason="../shared/tools/feedvalidate is not here")
def test_the_demo_sites_feeds_have_no_error_and_no_warning(tmp_path):
    sys.path.insert(0, str(REPO / "scripts"))
    import demo_site

    demo_site.write_site(tmp_path)  # with a WebSub hub and a corrected article
    toml = tmp_path / "site.toml"  # four a page: archives of the site's and a region's feeds
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace("per_page = 10", "per_page = 4", 1), encoding="utf-8")
    assert "per_page = 4" in toml.read_text(encoding="utf-8")
    for number in range(12):  # enough Gulf news for the region's feeds to have archives
        (tmp_path / "content" / "gulf" / f"brief-{number}.md").write_text(
            f"---\nid: urn:uuid:00000000-0000-4000-9000-{number:012d}\ntitle: Gulf brief {number}\n"
            f"date: 2026-10-{number + 1:02d}T09:00:00Z\nregion: gulf\n---\nA short item.\n",
            encoding="utf-8",
        )
    run_cli("build", "-q", "--base-url", SITE_URL, cwd=tmp_path, check=True)
    proc = subprocess.run(
        [str(FEEDVALIDATE), "--site-url", SITE_URL, str(tmp_path / "output")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    last = proc.stdout.strip().splitlines()[-1]
    feeds = int(last.split()[0].removeprefix("feeds="))
    assert feeds >= 40, proc.stdout[-2000:]  # site, region, tag and author feeds, 3 formats
    for archived in ("page/1/feed.xml", "page/2/atom.xml", "gulf/page/2/feed.xml"):
        assert f"/output/{archived} [" in proc.stdout  # RFC 5005 archive documents
    for name in ("feed.xml", "atom.xml"):  # the validator reads XML feeds only
        assert f"/output/corrections/{name} [" in proc.stdout
    assert last.endswith("errors=0 warnings=0"), proc.stdout[-3000:]
