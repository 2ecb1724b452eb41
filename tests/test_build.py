"""The whole build: pages exist, every internal link resolves, guarantees hold."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from conftest import REPO, run_cli

from site_builder.config import load_config
from site_builder.engine.build import build_site
from site_builder.errors import ErrorList

NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def article(id_: str, title: str, date: str, region: str, body: str = "Body text.", **extra) -> str:
    """A content file's text."""
    lines = [
        "---",
        f"id: {id_}",
        f"title: {title!r}".replace("'", '"') if '"' not in title else f"title: '{title}'",
        f"date: {date}",
        f"region: {region}",
    ]
    lines += [f"{k}: {v}" for k, v in extra.items()]
    return "\n".join(lines) + "\n---\n" + body + "\n"


def make_site(
    root: Path, files: dict[str, str], base_url: str = "https://example.org/", per_page: int = 2
) -> Path:
    """A site folder with content files and a site.toml using the repository's theme."""
    (root / "site.toml").write_text(
        f'title = "Test News"\nbase_url = "{base_url}"\nper_page = {per_page}\n'
        f'templates = "{REPO / "templates"}"\nstatic = "{REPO / "static"}"\n',
        encoding="utf-8",
    )
    for name, text in files.items():
        path = root / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


SAMPLE = {
    "middle-east/a.md": article(
        "urn:a",
        "Iraq talks",
        "2026-02-10T08:00:00+00:00",
        "middle-east",
        "Para one.\n\n## Sub\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nNote[^1].\n\n[^1]: Foot.",
        countries="[Iraq, Iran]",
        summary="Talks in Baghdad.",
    ),
    "middle-east/b.md": article(
        "urn:b", "Gaza strike", "2026-02-09", "middle-east", countries="[Palestine]"
    ),
    "middle-east/c.md": article(
        "urn:c", "Beirut port", "2026-01-20T10:00:00+02:00", "middle-east", countries="[Lebanon]"
    ),
    "horn-of-africa/d.md": article(
        "urn:d",
        "Sudan drone strike",
        "2026-02-11T00:00:00Z",
        "horn-of-africa",
        countries="[Sudan]",
        image="{caption: A mosque, credit: AFP}",
        source="{name: Wire, url: 'https://wire.example/x'}",
    ),
    "gulf/draft.md": article("urn:e", "Draft piece", "2026-02-01", "gulf", draft="true"),
    "gulf/future.md": article("urn:f", "Future piece", "2026-12-01", "gulf"),
}


def build(root: Path, drafts: bool = False, **overrides):
    config = load_config(root / "site.toml", overrides, root=root)
    return config, build_site(config, drafts=drafts, now=NOW)


class Links(HTMLParser):
    """Collects href/src values and ids of one page."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.meta: dict[str, str] = {}
        self.rels: list[tuple[str, str]] = []
        self.html_attrs: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_attrs = a
        if "id" in a:
            self.ids.add(a["id"])
        for key in ("href", "src"):
            if a.get(key):
                self.links.append(a[key])
        if tag == "meta" and a.get("property"):
            self.meta[a["property"]] = a.get("content", "")
        if tag == "link":
            self.rels.append((a.get("rel", ""), a.get("href", "")))


def parse(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def served(output: Path, base: str):
    """Map a URL path under base to the file a static host would serve, or None."""

    def lookup(url_path: str) -> Path | None:
        if not url_path.startswith(base):
            return None
        rel = url_path[len(base) :]
        target = output / rel
        if rel == "" or rel.endswith("/"):
            target = target / "index.html"
        return target if target.is_file() else None

    return lookup


@pytest.mark.parametrize("base_url", ["https://example.org/", "https://example.org/news/"])
def test_every_internal_link_resolves(tmp_path, base_url):
    root = make_site(tmp_path, SAMPLE, base_url=base_url)
    config, summary = build(root)
    base = urlsplit(base_url).path
    lookup = served(config.output_dir, base)
    pages = sorted(config.output_dir.rglob("*.html"))
    assert len(pages) == summary.pages
    broken = []
    for page in pages:
        rel = page.relative_to(config.output_dir).as_posix()
        page_url = (
            "https://example.org"
            + base
            + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        )
        for link in parse(page).links:
            absolute = urljoin(page_url, link)
            parts = urlsplit(absolute)
            if parts.netloc != "example.org":
                continue
            target = lookup(parts.path)
            if target is None:
                broken.append(f"{rel}: {link}")
            elif parts.fragment:
                assert parts.fragment in parse(target).ids, f"{rel}: {link}"
    assert broken == []


def test_pages_and_feeds_exist_and_carry_metadata(tmp_path):
    config, summary = build(make_site(tmp_path, SAMPLE))
    out = config.output_dir
    # 30 feeds, and the site feed's RFC 5005 archive (page/1/) in RSS and Atom
    assert summary.articles == 4 and summary.feeds == 32
    for name in (
        "index.html",
        "page/1/index.html",
        "middle-east/index.html",
        "countries/iraq/index.html",
        "archive/index.html",
        "archive/2026/02/index.html",
        "404.html",
        "feed.xml",
        "atom.xml",
        "feed.json",
        "middle-east/atom.xml",
        "feeds.opml",
        "sitemap.xml",
        "robots.txt",
        "style.css",
        "favicon.svg",
        "articles/2026/02/a/index.html",
        "articles/2026/01/c/index.html",
    ):
        assert (out / name).is_file(), name
    page = parse(out / "articles/2026/02/a/index.html")
    assert page.html_attrs == {"lang": "en", "dir": "ltr"}
    assert ("canonical", "https://example.org/articles/2026/02/a/") in page.rels
    assert page.meta["og:title"] == "Iraq talks"
    assert page.meta["og:description"] == "Talks in Baghdad."
    assert page.meta["og:url"] == "https://example.org/articles/2026/02/a/"
    alternates = [href for rel, href in page.rels if rel == "alternate"]
    assert "../../../../feed.xml" in alternates and "../../../../middle-east/atom.xml" in alternates
    body = (out / "articles/2026/02/a/index.html").read_text(encoding="utf-8")
    assert "<table>" in body and 'id="sub"' in body and "footnote" in body
    for html in out.rglob("*.html"):
        assert any(rel == "canonical" for rel, _ in parse(html).rels), html


def test_listings_are_paginated_from_the_oldest(tmp_path):
    config, _ = build(make_site(tmp_path, SAMPLE))
    out = config.output_dir

    # Four articles, two a page: the front page the newest two, page 1 the oldest two. (The
    # stories of a page, before the front page's region blocks, which show any region's.)
    def teasers(path):
        return path.read_text(encoding="utf-8").split("<main")[1].split('class="regions"')[0]

    front, oldest = teasers(out / "index.html"), teasers(out / "page/1/index.html")
    assert front.index("Sudan drone strike") < front.index("Iraq talks")
    assert "Gaza strike" not in front and "Beirut port" not in front
    assert oldest.index("Gaza strike") < oldest.index("Beirut port")
    assert 'href="page/1/">Older' in (out / "index.html").read_text(encoding="utf-8")
    assert 'href="../../">← Newer' in (out / "page/1/index.html").read_text(encoding="utf-8")
    # Three in a region: one page (a front page holds per_page to 2 * per_page - 1).
    region = (out / "middle-east/index.html").read_text(encoding="utf-8")
    assert all(title in region for title in ("Iraq talks", "Gaza strike", "Beirut port"))
    assert not (out / "middle-east/page").exists()
    assert "Sudan drone strike" in (out / "horn-of-africa/index.html").read_text(encoding="utf-8")
    gulf = (out / "gulf/index.html").read_text(encoding="utf-8")
    assert "No articles here yet" in gulf
    # Empty regions are not in the menu, only reachable through their feeds.
    assert "gulf/" not in (out / "index.html").read_text(encoding="utf-8").split("<main")[0]


def test_drafts_and_future_articles_only_with_drafts(tmp_path):
    root = make_site(tmp_path, SAMPLE)
    config, summary = build(root)
    assert summary.articles == 4
    assert not list(config.output_dir.glob("articles/2026/12/*"))
    assert "Draft piece" not in (config.output_dir / "feed.xml").read_text(encoding="utf-8")
    config, summary = build(root, drafts=True)
    assert summary.articles == 6
    assert (config.output_dir / "articles/2026/12/future/index.html").is_file()
    assert "Draft piece" in (config.output_dir / "gulf/index.html").read_text(encoding="utf-8")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_two_builds_are_byte_identical(tmp_path):
    root = make_site(tmp_path, SAMPLE)
    config, _ = build(root)
    first = snapshot(config.output_dir)
    build(root)
    assert snapshot(config.output_dir) == first
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".output.")]


def test_broken_content_keeps_old_output_and_names_file_and_line(tmp_path):
    root = make_site(tmp_path, SAMPLE)
    run_cli("build", cwd=root, check=True)
    before = snapshot(root / "output")
    (root / "content/middle-east/b.md").write_text(
        "---\nid: urn:b\ntitle: Gaza\ndate: 2026-02-31\nregion: middle-east\n---\nx\n",
        encoding="utf-8",
    )
    (root / "content/gulf/bad.md").write_text(
        "---\nid: urn:z\ntitle: Bad\ndate: 2026-02-01\nregion: atlantis\ncolour: red\n---\nx\n",
        encoding="utf-8",
    )
    proc = run_cli("build", cwd=root)
    assert proc.returncode == 1
    err = proc.stderr
    assert "content/middle-east/b.md:4: impossible date: day is out of range for month" in err
    assert "content/gulf/bad.md:5: unknown region 'atlantis'" in err
    assert "content/gulf/bad.md:6: unknown front matter key 'colour'" in err
    assert "Traceback" not in err
    assert snapshot(root / "output") == before
    assert not [p for p in root.iterdir() if p.name.startswith(".output.")]


def test_hostile_title_is_escaped_and_body_sanitised(tmp_path):
    files = {
        "world/x.md": article(
            "urn:x",
            "<script>alert(1)</script> & co",
            "2026-02-01",
            "world",
            '<script>alert(2)</script>\n\n<a href="javascript:alert(3)" onclick="x()">link</a>\n\n'
            '<iframe src="https://evil.example"></iframe>\n\n<style>p{}</style>Fine *text*.',
        )
    }
    config, _ = build(make_site(tmp_path, files))
    for path in config.output_dir.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        # The one script a page may carry is its JSON-LD data, which cannot close itself.
        data = re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
        assert all("<" not in d for d in data)
        text = re.sub(r'<script type="application/ld\+json">.*?</script>', "", text, flags=re.S)
        assert "<script" not in text and "<iframe" not in text and "<style" not in text
        assert "javascript:" not in text and "onclick" not in text
    page = (config.output_dir / "articles/2026/02/x/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert "<em>text</em>" in page


def test_unsafe_slug_is_rejected_and_nothing_written_outside(tmp_path):
    files = {
        "world/x.md": article("urn:x", "Escape", "2026-02-01", "world", slug="../../../etc"),
        "world/y.md": article("urn:y", "Slash", "2026-02-01", "world", slug="a/b"),
    }
    root = make_site(tmp_path, files)
    with pytest.raises(ErrorList) as info:
        build(root)
    messages = [str(e) for e in info.value.errors]
    assert len(messages) == 2 and all("unsafe slug" in m for m in messages)
    assert not (root / "output").exists() and not (tmp_path.parent / "etc").exists()


def test_duplicate_id_and_url_name_both_files(tmp_path):
    files = {
        "world/x.md": article("urn:same", "One", "2026-02-01", "world"),
        "gulf/x.md": article("urn:same", "Two", "2026-02-03", "gulf"),
    }
    with pytest.raises(ErrorList) as info:
        build(make_site(tmp_path, files))
    messages = [str(e) for e in info.value.errors]
    assert any(
        "duplicate id 'urn:same'" in m
        and "content/gulf/x.md" in m
        and m.startswith("content/world/x.md")
        for m in messages
    )
    assert any("duplicate URL 'articles/2026/02/x/'" in m for m in messages)


def test_duplicate_errors_point_at_the_line_to_change(tmp_path):
    moved = "---\ntitle: Two\ndate: 2026-02-03\nregion: world\nid: urn:same\nslug: x\n---\nBody.\n"
    files = {
        "gulf/x.md": article("urn:same", "One", "2026-02-01", "gulf"),
        "world/x.md": moved,
    }  # the second in path order is the one reported
    with pytest.raises(ErrorList) as info:
        build(make_site(tmp_path, files))
    messages = sorted(str(e) for e in info.value.errors)
    assert messages[0].startswith("content/world/x.md:5: duplicate id 'urn:same'")  # id: line
    assert messages[1].startswith("content/world/x.md:6: duplicate URL")  # slug: line


def test_404_links_are_absolute_paths_under_the_base(tmp_path):
    config, _ = build(make_site(tmp_path, SAMPLE, base_url="https://example.org/news/"))
    links = parse(config.output_dir / "404.html").links
    internal = [link for link in links if not link.startswith(("http", "#"))]
    assert internal and all(link.startswith("/news/") for link in internal)


def test_summary_line(tmp_path):
    proc = run_cli("build", cwd=make_site(tmp_path, SAMPLE), check=True)
    assert re.search(
        r"built \d+ articles, \d+ pages, 32 feeds into output/ in \d+\.\d\d s", proc.stderr
    )
