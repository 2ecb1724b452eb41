"""Hostile and broken sources through the real `import` command, then `build`.

A source the importer cannot read is one line `FILE[:LINE]: message` (exit 1, nothing
written for it); one it can read becomes content files inside content/<region>/ only, with
safe slugs and no javascript: link, which then build to safe pages.
"""

from __future__ import annotations

import re
import shutil

from conftest import DATA, run_cli
from test_hostile_content import assert_safe_html, built_files

from site_builder.content import frontmatter

DUMPS = DATA / "hostile" / "dumps"
DATE = "2026-02-11T08:00"

# (file name, line or None, part of the message)
REFUSED = [
    ("empty.txt", None, "no articles found (the file is empty)"),
    ("binary.bin", None, "not a text dump: the file is binary"),
    ("latin1.txt", 6, "not UTF-8 text: byte 0xe9"),
    ("billion-laughs.xml", 1, "not a dump, and not an RSS, Atom or JSON feed"),
    ("not-a-feed.json", 1, "not a dump, and not an RSS, Atom or JSON feed"),
    ("huge.txt", None, "file too large (50.0 MB; a dump or feed may be at most 20 MB"),
    ("deep.json", None, "nested too deeply to read"),
    ("deep.xml", None, "nested too deeply to read"),
    ("folder", None, "is a folder"),
    ("missing.txt", None, "no such file"),
]


def test_unreadable_sources_are_one_line_each_and_write_nothing(tmp_path):
    for name in ("empty.txt", "binary.bin", "latin1.txt", "billion-laughs.xml", "not-a-feed.json"):
        shutil.copy(DUMPS / name, tmp_path / name)
    with (tmp_path / "huge.txt").open("wb") as out:  # 50 MB that would parse: refused unread
        out.write(b"A title\n\nA paragraph of wire copy that goes on and on.\n" * 954_000)
    (tmp_path / "folder").mkdir()
    (tmp_path / "deep.json").write_text(
        '{"version": "https://jsonfeed.org/version/1.1", '
        '"title": "t", "items": ' + "[" * 100_000 + "]" * 100_000 + "}",
        encoding="utf-8",
    )
    (tmp_path / "deep.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>Talks'
        "</title><description>" + "&lt;b&gt;" * 50_000 + "Iraqi officials met.</description>"
        "</item></channel></rss>",
        encoding="utf-8",
    )
    proc = run_cli("import", "--date", DATE, *[name for name, _, _ in REFUSED], cwd=tmp_path)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == len(REFUSED), proc.stderr
    for name, number, message in REFUSED:
        where = f"{name}:{number}: " if number else f"{name}: "
        assert any(line.startswith(where) and message in line for line in lines), (
            f"no '{where}...{message}' in:\n{proc.stderr}"
        )
    assert not (tmp_path / "content").exists()
    assert f"{len(REFUSED)} problems" in proc.stdout


def test_hostile_articles_land_inside_content_with_safe_slugs_and_build_safely(tmp_path):
    for name in ("hostile.txt", "javascript-link.xml"):
        shutil.copy(DUMPS / name, tmp_path / name)
    proc = run_cli("import", "--date", DATE, "hostile.txt", "javascript-link.xml", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    # The feed's javascript: link is dropped, with a warning naming the file.
    assert "javascript-link.xml:3: dropped the link 'javascript:alert('feed-link')'" in proc.stderr
    everything = sorted(
        p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()
    )
    written = [p for p in everything if p not in ("hostile.txt", "javascript-link.xml")]
    assert len(written) == 6
    for path in written:  # content/<region>/<ascii slug>.md and nothing else, nowhere else
        assert re.fullmatch(r"content/[a-z-]+/[a-z0-9][a-z0-9-]*\.md", path), path
        meta, _, _ = frontmatter.read((tmp_path / path).read_text(encoding="utf-8"), path)
        links = [(meta.get(key) or {}).get("url", "") for key in ("source", "image")]
        assert all(link == "" or link.startswith("https://") for link in links), links
    assert "content/middle-east/etc-passwd.md" in written
    assert "content/horn-of-africa/absolute-path-title-in-somalia.md" in written

    proc = run_cli("build", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    files = built_files(tmp_path / "output")
    for name, data in files.items():
        if name.endswith(".html"):
            assert_safe_html(data, name, theme=True)
    home = files["index.html"].decode("utf-8")
    assert "&lt;script&gt;alert(&#39;dump&#39;)&lt;/script&gt; Talks in Baghdad &amp;" in home
    assert "إسرائيل تقول إنها قتلت عنصراً في «حماس»" in home
    assert "Control[31m characters in Sudan" in home  # the escape character itself is gone


def test_a_reimport_of_hostile_sources_changes_nothing(tmp_path):
    shutil.copy(DUMPS / "hostile.txt", tmp_path / "hostile.txt")
    run_cli("import", "-q", "--date", DATE, "hostile.txt", cwd=tmp_path, check=True)
    before = {p: p.read_bytes() for p in (tmp_path / "content").rglob("*.md")}
    proc = run_cli("import", "--date", DATE, "hostile.txt", cwd=tmp_path, check=True)
    assert "5 articles from 1 file: 5 unchanged" in proc.stdout
    assert {p: p.read_bytes() for p in (tmp_path / "content").rglob("*.md")} == before


def test_a_region_folder_linked_out_of_content_is_never_written_through(tmp_path, seed_dump):
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "middle-east").symlink_to(outside, target_is_directory=True)
    proc = run_cli("import", "--date", DATE, str(seed_dump), cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert list(outside.iterdir()) == []
    lines = proc.stderr.splitlines()
    assert len(lines) == 2 and all(
        line.startswith("content/middle-east/")
        and line.endswith("refusing to write: middle-east/ is a symbolic link out of content/")
        for line in lines
    )
    assert len(list((tmp_path / "content" / "horn-of-africa").glob("*.md"))) == 2  # the rest
