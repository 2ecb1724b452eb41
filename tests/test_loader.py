"""Loading content files: schema checks, one line per error, all errors of a run, order."""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from pathlib import Path

import pytest
from articles import load_articles

from site_builder.config import DEFAULT_REGIONS, load_config
from site_builder.content.loader import folder_region
from site_builder.content.markup import MarkdownConverter
from site_builder.errors import ErrorList

NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def site(tmp_path: Path, files: dict[str, str | bytes], toml: str = "") -> Path:
    (tmp_path / "site.toml").write_text(toml, encoding="utf-8")
    for name, text in files.items():
        path = tmp_path / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return tmp_path


def load(root: Path, drafts: bool = False):
    config = load_config(root / "site.toml", root=root)
    return load_articles(config, drafts=drafts, now=NOW)


def errors_of(root: Path) -> list[str]:
    with pytest.raises(ErrorList) as info:
        load(root)
    return [str(e) for e in info.value.errors]


def test_a_date_without_zone_is_read_in_the_site_timezone(tmp_path):
    root = site(
        tmp_path,
        {"world/a.md": "---\nid: a\ntitle: A\ndate: 2026-02-10T08:00:00\nregion: world\n---\nx\n"},
        toml='timezone = "Asia/Baghdad"\n',
    )
    (a,) = load(root)
    assert a.date.utcoffset() == dt.timedelta(hours=3)
    assert a.date.astimezone(dt.UTC).hour == 5


def test_every_error_of_every_file_is_reported_with_its_line(tmp_path):
    root = site(
        tmp_path,
        {
            "world/a.md": "---\nid: a\ntitle: A\ndate: yesterday\nregion: world\ncountries: Iraq\n"
            "draft: maybe\n---\nx\n",
            "world/b.md": "---\ntitle: B\ndate: 2026-02-01\nregion: world\nimage: {caption: c, size: 3}\n---\n",
            "world/c.md": b"---\nid: c\ntitle: \xff\n---\n",
            "world/d.md": "no front matter\n",
        },
    )
    errors = errors_of(root)
    fresh_id = re.fullmatch(
        r"content/world/b\.md:1: missing 'id': add e\.g\. id: (urn:uuid:\S+)", errors[3]
    )
    assert fresh_id and uuid.UUID(fresh_id.group(1)[len("urn:uuid:") :])  # ready to paste
    errors[3] = "(missing id)"
    assert errors == [
        "content/world/a.md:4: 'date': 'yesterday' is not an ISO 8601 date such as 2026-02-11T08:30:00+00:00",
        "content/world/a.md:6: 'countries': expected a list of strings such as [Iraq, Iran], got a string",
        "content/world/a.md:7: 'draft': expected true or false, got a string",
        "(missing id)",
        "content/world/b.md:5: 'image': unknown key 'size' (known keys: caption, credit, url)",
        "content/world/c.md:3: not UTF-8 text (invalid start byte at byte 17)",
        "content/world/d.md:1: missing front matter: the file must start with a line '---'",
    ]


def test_articles_are_sorted_newest_first_then_by_id(tmp_path):
    files = {
        f"world/{n}.md": f"---\nid: {n}\ntitle: {n}\ndate: {d}\nregion: world\n---\n"
        for n, d in (
            ("b", "2026-02-01"),
            ("a", "2026-02-01"),
            ("c", "2026-02-05"),
            ("z", "2026-02-04T23:00:00-05:00"),
        )
    }
    assert [a.id for a in load(site(tmp_path, files))] == ["z", "c", "a", "b"]


def test_slug_from_front_matter_or_file_name(tmp_path):
    root = site(
        tmp_path,
        {
            "world/file-name.md": "---\nid: a\ntitle: A\ndate: 2026-02-01\nregion: world\n---\n",
            "world/other.md": "---\nid: b\ntitle: B\ndate: 2026-02-02\nregion: world\nslug: chosen\n---\n",
        },
    )
    assert sorted(a.url_path for a in load(root)) == [
        "articles/2026/02/chosen/",
        "articles/2026/02/file-name/",
    ]


def test_markdown_extensions_and_sanitising(tmp_path):
    config = load_config(None, root=tmp_path)
    md = MarkdownConverter(config)
    html = md.html("## Three steps\n\nText[^n]\n\n[^n]: Note\n\n<img src=x onerror=alert(1)>")
    assert '<h2 id="three-steps">Three steps</h2>' in html
    assert 'class="footnote"' in html and "onerror" not in html
    # The parser is reused: footnotes of one article never leak into the next.
    assert "footnote" not in md.html("Plain.")


ARTICLE = "---\nid: {id}\ntitle: T\ndate: 2026-02-01\n{region}---\nx\n"


def test_region_may_be_left_out_in_a_regions_folder(tmp_path):
    root = site(
        tmp_path,
        {
            "gulf/a.md": ARTICLE.format(id="a", region=""),
            "asia/b/index.md": ARTICLE.format(id="b", region=""),
        },
    )
    assert sorted((a.id, a.region) for a in load(root)) == [("a", "gulf"), ("b", "asia")]


def test_region_is_required_outside_a_regions_folder(tmp_path):
    root = site(
        tmp_path,
        {
            "loose.md": ARTICLE.format(id="a", region=""),
            "misc/c.md": ARTICLE.format(id="c", region=""),
        },
    )
    known = ", ".join(r.slug for r in DEFAULT_REGIONS)
    assert [e for e in errors_of(root) if "region" in e] == [
        "content/loose.md:1: missing required key 'region' (or put the file in its region's "
        "folder, content/<region>/)",
        f"content/misc/c.md:1: folder 'misc' is not one of this site's regions or sections "
        f'({known}): add it to site.toml as [regions.misc] with name = "Misc" (countries '
        "are optional), move the file, or set 'region:'",
    ]
    config = load_config(root / "site.toml", root=root)
    assert folder_region(config, root / "content/pages/about.md") is None  # pages: no region
    assert folder_region(config, root / "content/gulf/a/index.md") == "gulf"


def test_front_matter_region_wins_over_the_folder_with_a_warning(tmp_path):
    root = site(
        tmp_path,
        {
            "gulf/a.md": ARTICLE.format(id="a", region="region: asia\n"),
            "gulf/b.md": ARTICLE.format(id="b", region="region: gulf\n"),
        },
    )
    # A handler of its own: the CLI, run in-process by other tests, stops propagation.
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append
    logger = logging.getLogger("site_builder")
    logger.addHandler(handler)
    try:
        articles = load(root)
    finally:
        logger.removeHandler(handler)
    assert sorted((a.id, a.region) for a in articles) == [("a", "asia"), ("b", "gulf")]
    assert [r.getMessage() for r in records] == [
        "content/gulf/a.md:5: region 'asia' differs from the folder gulf/; built in asia "
        "(the front matter decides; move the file to match)"
    ]
