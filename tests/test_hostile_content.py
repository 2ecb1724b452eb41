"""Hostile and broken content files through the real `build` command.

Every bad file is either refused with one line `FILE:LINE: message` (exit 1, no traceback,
output/ left as it was) or built into a safe page and valid feeds: no script the author did
not write on purpose, no control characters, nothing read from outside content/ and nothing
written outside output/. The corpus lives in tests/data/hostile/; what cannot be committed
(50 MB, symbolic links, YAML deep enough to crash libyaml) is made in a temporary folder.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import lxml.etree
import lxml.html
import pytest
from conftest import DATA, run_cli

HOSTILE = DATA / "hostile"
TOML = 'title = "Hostile Desk"\nbase_url = "https://example.org/news/"\n'

# (file below content/, line or None, part of the message): what the build says of each file.
REFUSED = [
    ("gulf/not-yaml.md", 4, "front matter is not valid YAML"),
    ("gulf/not-mapping.md", 2, "front matter must be a mapping"),
    ("gulf/scalar.md", 2, "front matter must be a mapping"),
    ("gulf/no-front-matter.md", 1, "missing front matter"),
    ("gulf/empty.md", 1, "missing front matter"),
    ("gulf/unclosed.md", 1, "front matter is not closed"),
    ("gulf/billion-laughs.md", 7, "aliases (*name) are not allowed"),
    ("gulf/deep-flow.md", 2, "nested more than 32 levels deep"),
    ("gulf/deep-block.md", 2, "nested more than 32 levels deep"),
    ("gulf/wrong-types.md", 3, "'title': expected a string, got a list"),
    ("gulf/wrong-types.md", 4, "'date': expected an ISO 8601 date, got a boolean"),
    ("gulf/wrong-types.md", 6, "'countries': expected a list of strings"),
    ("gulf/wrong-types.md", 7, "'tags': expected a list of strings"),
    ("gulf/wrong-types.md", 8, "'summary': expected a string, got a list"),
    ("gulf/wrong-types.md", 9, "'image': expected a mapping"),
    ("gulf/wrong-types.md", 10, "'source': expected a mapping"),
    ("gulf/wrong-types.md", 11, "'draft': expected true or false"),
    ("gulf/year-0.md", 4, "year 0 is out of range"),
    ("gulf/year-999.md", 4, "year 999 is out of range"),
    ("gulf/year-9999.md", 4, "year 9999 is out of range"),
    ("gulf/year-99999.md", 4, "'99999-01-01' is not an ISO 8601 date"),
    ("gulf/february-31.md", 4, "impossible date: day is out of range for month"),
    (
        "gulf/duplicate-id-b.md",
        2,
        "duplicate id 'urn:uuid:00000000-0000-5000-8000-000000000010' "
        "(also in content/gulf/duplicate-id-a.md)",
    ),
    (
        "gulf/same-slug.md",
        4,
        "duplicate URL 'articles/2026/01/same-slug/' (also in content/europe/same-slug.md)",
    ),
    ("gulf/unsafe-slug.md", 6, "unsafe slug '../../../etc/passwd'"),
    ("gulf/absolute-slug.md", 6, "unsafe slug '/etc/passwd'"),
    ("gulf/..hidden-dots.md", 2, "unsafe slug '..hidden-dots'"),
    ("gulf/unknown-region.md", 5, "unknown region '../../etc'"),
    ("gulf/javascript-urls.md", 6, "'image': url 'javascript:alert(1)' is not a web address"),
    ("gulf/javascript-urls.md", 7, "'source': url 'JaVaScRiPt:alert(2)' is not a web address"),
    ("gulf/data-url.md", 6, "'source': url 'data:text/html,"),
    ("gulf/nul-in-yaml.md", 3, "unacceptable character #x0000"),
    ("gulf/python-tag.md", 6, "could not determine a constructor for the tag"),
    ("gulf/binary.md", 1, "not UTF-8 text"),
    ("gulf/invalid-utf8.md", 7, "not UTF-8 text"),
    ("gulf/latin1-title.md", 3, "not UTF-8 text"),
    ("gulf/huge.md", None, "file too large (50.0 MB; an article may be at most 5 MB)"),
    ("gulf/leak.md", None, "symbolic link to "),
    ("gulf/dangling.md", None, "cannot read: "),
    ("gulf/loop.md", None, "cannot read: Too many levels of symbolic links"),
    ("gulf/nested-emphasis.md", 7, "more than 500 '*' in one paragraph"),
    ("gulf/nested-links.md", 9, "more than 500 '[' in one paragraph"),
    ("gulf/nested-lists.md", 108, "indented more than 400 columns"),
]
SECRET = "TOP-SECRET-OUTSIDE-CONTENT"
ARTICLE = (
    "---\nid: urn:uuid:{n}\ntitle: Article {n}\ndate: 2026-01-05T08:00:00+00:00\n"
    "region: gulf\n---\nBody {n}.\n"
)


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture
def site(tmp_path):
    """A site whose content is the accepted hostile corpus, with a secret folder beside it."""
    root = tmp_path / "site"
    shutil.copytree(HOSTILE / "accepted", root / "content")
    (root / "site.toml").write_text(TOML, encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(
        ARTICLE.format(n=999).replace("Body", SECRET), encoding="utf-8"
    )
    (outside / "folder").mkdir()
    (outside / "folder" / "secret.md").write_text(
        ARTICLE.format(n=998).replace("Body", SECRET), encoding="utf-8"
    )
    return root


def add_refused(root: Path, outside: Path) -> None:
    """The refused corpus, plus what git cannot hold: 50 MB, links out, crash-deep YAML."""
    for folder in (HOSTILE / "rejected").iterdir():
        shutil.copytree(folder, root / "content" / folder.name, dirs_exist_ok=True)
    gulf = root / "content" / "gulf"
    (gulf / "deep-flow.md").write_text(
        "---\na: " + "[" * 50_000 + "]" * 50_000 + "\n---\n", encoding="utf-8"
    )
    (gulf / "deep-block.md").write_text("---\n" + "- " * 50_000 + "x\n---\n", encoding="utf-8")
    line = "Fifty megabytes of wire copy, one line after another, all of it ordinary text.\n"
    with (gulf / "huge.md").open("w") as out:
        out.write(ARTICLE.format(n=997))
        out.write(line * (50 * 1024 * 1024 // len(line) + 1))
    (gulf / "leak.md").symlink_to(outside / "secret.md")
    (gulf / "dangling.md").symlink_to(outside / "no-such-file.md")
    (gulf / "loop.md").symlink_to(gulf / "loop.md")
    # Markdown that crashes python-markdown (recursion) or takes minutes (quadratic links).
    head = ARTICLE.format(n=996).split("Body")[0]
    (gulf / "nested-emphasis.md").write_text(
        head + " ".join(["*a"] * 3000) + " x\n", encoding="utf-8"
    )
    (gulf / "nested-links.md").write_text(
        head + "Fine.\n\n" + "a [b " * 3000 + "\n", encoding="utf-8"
    )
    (gulf / "nested-lists.md").write_text(
        head + "".join("    " * i + "- x\n" for i in range(300)), encoding="utf-8"
    )
    (gulf / "linked-folder").symlink_to(outside / "folder", target_is_directory=True)


def test_every_refused_file_is_one_line_naming_file_and_line(site):
    run_cli("build", "-q", cwd=site, check=True)
    before = tree(site / "output")
    add_refused(site, site.parent / "outside")
    proc = run_cli("build", cwd=site)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert lines[-1].startswith("build failed: ") and "output/ was left as it was" in lines[-1]
    for line in lines[:-1]:  # every error is one line that starts with the file it is about
        assert re.match(r"content/\S+\.md(:\d+)?: \S", line), line
    for name, number, message in REFUSED:
        where = f"content/{name}:{number}: " if number else f"content/{name}: "
        assert any(line.startswith(where) and message in line for line in lines), (
            f"no '{where}...{message}' in:\n{proc.stderr}"
        )
    refused = {name for name, _, _ in REFUSED}
    assert all(line.split(":")[0].removeprefix("content/") in refused for line in lines[:-1])
    assert tree(site / "output") == before  # a failed build changes nothing
    assert SECRET not in proc.stderr


def test_links_out_of_content_are_never_read(site):
    """A linked file is refused (above); a linked folder is not followed: never a page."""
    gulf = site / "content" / "gulf"
    (gulf / "linked-folder").symlink_to(
        site.parent / "outside" / "folder", target_is_directory=True
    )
    proc = run_cli("build", cwd=site)
    assert proc.returncode == 0, proc.stderr
    assert not any(
        SECRET.encode() in p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()
    )


DANGEROUS_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "form",
    "input",
    "button",
    "base",
    "svg",
    "math",
    "style",
    "frame",
    "frameset",
    "applet",
    "link",
    "meta",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcset", "poster", "data", "xlink:href"}
CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def assert_safe_html(html: str | bytes, where: str, theme: bool = False) -> None:
    """No element, attribute or URL that could run script; theme pages may link and meta."""
    if isinstance(html, bytes):
        assert not CONTROL.search(html), f"{where}: control character"
    doc = lxml.html.fromstring(html) if html.strip() else None
    if doc is None:
        return
    allowed = {"link", "meta"} if theme else set()
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue  # comments, processing instructions
        tag = element.tag.lower()
        if theme and tag == "script" and element.get("type") == "application/ld+json":
            # The theme's JSON-LD: data, not code; its text may not close the element.
            assert "<" not in (element.text or ""), where
            continue
        assert tag not in DANGEROUS_TAGS - allowed, f"{where}: <{tag}>"
        if tag == "meta":
            assert element.get("http-equiv", "").lower() != "refresh", where
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), f"{where}: <{tag} {name}=...>"
            assert "alert(" not in value or name in ("alt", "title", "content"), (
                f"{where}: <{tag} {name}={value!r}>"
            )
            if name.lower() in URL_ATTRIBUTES:
                scheme = urlsplit(re.sub(r"[\x00-\x20]", "", value)).scheme.lower()
                assert scheme in ("", "http", "https", "mailto"), f"{where}: {name}={value!r}"


def files_beside_output(site: Path) -> dict[Path, tuple[int, int]]:
    """Every file of the test folder but output/ and the build cache, with its mtime and size."""
    return {
        p: (p.stat().st_mtime_ns, p.stat().st_size)
        for p in site.parent.rglob("*")
        if p.is_file() and not {"output", ".cache"} & set(p.relative_to(site.parent).parts)
    }


def built_files(output: Path) -> dict[str, bytes]:
    return {
        p.relative_to(output).as_posix(): p.read_bytes()
        for p in sorted(output.rglob("*"))
        if p.is_file()
    }


def test_hostile_markup_builds_to_safe_pages_and_valid_feeds(site):
    outside_before = files_beside_output(site)
    proc = run_cli("build", cwd=site)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    files = built_files(site / "output")
    pages = {name: data for name, data in files.items() if name.endswith(".html")}
    assert len(pages) > 10
    for name, data in pages.items():
        assert_safe_html(data, name, theme=True)
        assert b"<script>alert" not in data  # javascript: may remain as escaped text only
    for name, data in files.items():
        if name.endswith((".html", ".xml", ".json", ".opml", ".txt")):
            assert not CONTROL.search(data), f"{name}: control character"
    # Titles and captions come out as the text the author wrote, escaped, never as markup.
    page = lxml.html.fromstring(pages["articles/2026/01/hostile-markup/index.html"])
    title = "<script>alert('title')</script> Tom & Jerry's \"quoted\" <b>bold</b> & more"
    assert page.findtext(".//title").startswith(title)
    assert title in page.xpath("string(//h1)")
    assert "<img src=x onerror=alert('caption')>" in page.xpath("string(//figcaption)")
    controls = lxml.html.fromstring(pages["articles/2026/01/control-characters/index.html"])
    assert "Controlcharactersinatitle[31m and \u0085 \u2028  end" in controls.xpath("string(//h1)")
    # Nothing outside output/ and the cache was written or touched.
    assert files_beside_output(site) == outside_before


def test_feeds_of_hostile_articles_are_valid_xml_with_safe_content(site):
    run_cli("build", cwd=site, check=True)
    files = built_files(site / "output")
    xml = [name for name in files if name.endswith((".xml", ".opml"))]
    assert "feed.xml" in xml and "atom.xml" in xml and "gulf/atom.xml" in xml
    for name in xml:
        lxml.etree.fromstring(files[name])  # strict XML 1.0: raises on any illegal character
    for name in [n for n in xml if n.endswith(("feed.xml", "atom.xml"))]:
        parsed = feedparser.parse(files[name])
        assert not parsed.bozo, f"{name}: {parsed.get('bozo_exception')}"
        for entry in parsed.entries:
            raw = entry.get("content", [{}])[0].get("value", "") or entry.get("summary", "")
            assert_safe_html(raw, f"{name}: {entry.title}")
    site_feed = feedparser.parse(files["feed.xml"])
    titles = {e.title for e in site_feed.entries}
    assert "<script>alert('title')</script> Tom & Jerry's \"quoted\" <b>bold</b> & more" in titles
    # a headline carrying bidi controls is isolated (U+2068...U+2069), so it cannot reorder
    # the reader's text around it
    assert "\u2068إسرائيل تقول إنها قتلت عنصراً في «حماس» \u202eevil.exe\u202c\u2069" in titles
    for name in [n for n in files if n.endswith("feed.json")]:
        feed = json.loads(files[name])
        for item in feed["items"]:
            assert_safe_html(item.get("content_html", ""), f"{name}: {item['title']}")
            assert not re.search(
                r"[\x00-\x08\x0b\x0c\x0e-\x1f]", json.dumps(item, ensure_ascii=False)
            )
    # The raw feed bytes carry no live markup either: only escaped text.
    for name in xml:
        assert b"<script" not in files[name] and b'href="javascript' not in files[name].lower()


def test_right_to_left_and_non_ascii_titles_survive_intact(site):
    run_cli("build", cwd=site, check=True)
    page = site / "output" / "articles" / "2026" / "01" / "right-to-left" / "index.html"
    text = page.read_text(encoding="utf-8")
    assert "إسرائيل تقول إنها قتلت عنصراً في «حماس»" in text
    assert "Ünïcödé — 東京 🌍" in text and "a\u200db" in text
    doc = lxml.html.fromstring(text)
    # The summary: the body's first paragraph (so no standfirst repeats it).
    assert "قال الجيش الإسرائيلي" in doc.xpath("string(//div[@class='body'])")
    # The country listing's URL is ASCII whatever the name; feeds carry the Arabic tag.
    countries = sorted(p.name for p in (site / "output" / "countries").iterdir())
    assert all(name.isascii() for name in countries)
    assert "غزة" in (site / "output" / "feed.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("output", ["content", ".", "..", "/"])
def test_an_output_folder_holding_the_sources_is_never_replaced(site, output):
    before = files_beside_output(site)
    proc = run_cli("build", "--output", output, cwd=site)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    # the hostile article's <script> is warned about first; then the refusal
    errors = [
        line
        for line in proc.stderr.splitlines()
        if ": warning" not in line and " left out: " not in line
    ]
    assert errors[0].startswith("refusing to replace ") and "choose another --output" in errors[0]
    assert files_beside_output(site) == before  # every article still there, nothing added
