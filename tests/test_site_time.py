"""Time is the site's: archives, listings' page spans and month pages read every article's
date in the site's time zone, whatever offset the article was filed with (issue 23).

Wire copy carries the offset of the desk that filed it: a story at 01:57 +07:00 on
1 October is still 30 September in UTC, and sorts between two September stories.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from conftest import REPO
from lxml import html
from test_pages_taxonomies import make, story

from site_builder.config import load_config
from site_builder.engine.build import build_site

# Seven stories around the turn of September, filed from seven time zones, in a UTC site.
SEVEN = {
    "gulf/a.md": ("2026-09-30T20:00:00+00:00", "2026/09"),
    "gulf/b.md": ("2026-10-01T01:57:00+07:00", "2026/09"),  # 30 Sep 18:57 UTC
    "gulf/c.md": ("2026-09-30T15:00:00-05:00", "2026/09"),  # 30 Sep 20:00 UTC, as a and f
    "gulf/d.md": ("2026-10-01T00:30:00+00:00", "2026/10"),
    "gulf/e.md": ("2026-09-30T22:00:00-04:00", "2026/10"),  # 1 Oct 02:00 UTC
    "gulf/f.md": ("2026-10-01T05:00:00+09:00", "2026/09"),  # 30 Sep 20:00 UTC
    "gulf/g.md": ("2026-10-01T03:00:00+03:00", "2026/10"),  # 1 Oct 00:00 UTC
}


def _build(root: Path, files: dict[str, str], toml: str) -> Path:
    make(root, files, toml)
    config = load_config(root / "site.toml", {"templates_dir": REPO / "templates"}, root=root)
    build_site(config, now=dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    return config.output_dir


def archive_months(out) -> dict[str, list[str]]:
    """Each month page of the archive index, with the article titles it lists."""
    index = html.parse(str(out / "archive" / "index.html")).getroot()
    found: dict[str, list[str]] = {}
    for href in index.xpath("//ul[@class='archive-months']//a/@href"):
        page = html.parse(str(out / "archive" / href / "index.html")).getroot()
        found[href.strip("/")] = [a.text for a in page.xpath("//main//li/a[@dir='auto']")]
    return found


def test_seven_offsets_every_article_once_in_its_site_month(tmp_path):
    out = _build(tmp_path, _seven(), "")
    months = archive_months(out)
    assert sorted(months) == ["2026/09", "2026/10"], months  # each month once in the index
    listed = Counter(t for titles in months.values() for t in titles)
    assert listed == Counter(f"Story {n.upper()}" for n in "abcdefg")
    for name, (_, month) in SEVEN.items():
        assert f"Story {name[5].upper()}" in months[month], (name, months)


def test_months_follow_the_site_time_zone(tmp_path):
    """In Asia/Bangkok (+07:00) the story at 01:57 +07:00 on 1 October is October's; the
    month page shows each story's day in the site's zone."""
    out = _build(tmp_path, _seven(), 'timezone = "Asia/Bangkok"\n')
    months = archive_months(out)
    assert sorted(months) == ["2026/10"]
    assert len(months["2026/10"]) == 7
    page = html.parse(str(out / "archive/2026/10/index.html")).getroot()
    days = {t.text_content() for t in page.xpath("//main//li/time")}
    assert days == {"1 October 2026"}


def _seven() -> dict[str, str]:
    return {
        name: story(f"urn:{name[5]}", f"Story {name[5].upper()}", date)
        for name, (date, _) in SEVEN.items()
    }


def test_pagination_headings_and_teasers_show_the_site_day(tmp_path):
    """A numbered page's heading spans days of the site's calendar, and its teasers show
    them: the story at 15:00 -05:00 on 30 September is 1 October in Bangkok."""
    out = _build(tmp_path, _seven(), 'timezone = "Asia/Bangkok"\nper_page = 2\n')
    shown = set()
    for page in sorted((out / "gulf" / "page").iterdir()):
        doc = html.parse(str(page / "index.html")).getroot()
        shown |= {t.text_content() for t in doc.xpath("//h1//time | //article//time")}
    assert shown == {"1 October 2026"}
