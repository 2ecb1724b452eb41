"""Property-based tests: any text in, no crash, valid output, stable ids.

Hypothesis generates the input; each property is what a hostile or merely odd source must
never break: the dump parser, the slug function, the URL builder, the feed writer and the
front matter round trip the importer relies on.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import lxml.etree
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from site_builder import urls
from site_builder.config import load_config
from site_builder.content import frontmatter
from site_builder.content.loader import SAFE_SLUG
from site_builder.content.markup import sanitise
from site_builder.errors import ContentError
from site_builder.ingest import dump
from site_builder.ingest.filing import edited_since_import, render_with_digest
from site_builder.model import Article, Image, Source
from tests.feedfiles import feed_files

# Any Unicode but lone surrogates (UTF-8 files and YAML cannot carry those).
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)
FAST = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
SLOW = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Lines that look like a wire dump, mixed with noise, so the parser's real paths are taken.
DUMP_LINE = st.one_of(
    st.just(""),
    st.just(""),
    st.just("TT"),
    st.just("\ufeff"),
    st.just("\r"),
    st.sampled_from(
        [
            "Talks resume in Baghdad",
            "Iraqi lawmakers meet. (AFP)",
            "Officials said on February 8, 2026 that talks would resume.",
            "## Heading",
            "- a list item",
            "Three parallel steps",
            "\u00a0\u200b",
        ]
    ),
    TEXT,
)


@FAST
@given(st.lists(DUMP_LINE, max_size=40), st.sampled_from(["\n", "\r\n", "\r"]))
def test_the_dump_parser_reads_any_text_without_crashing(lines, newline):
    text = newline.join(lines)
    articles, problems = dump.parse_dump(text, "wire.txt")
    count = len(re.split(r"\r\n|\r|\n", text))
    for article in articles:
        assert article.title.strip() and 1 <= article.line <= count
        assert article.blocks and all(1 <= b.line <= count for b in article.blocks)
        article.markdown()  # renders
    for problem in problems:
        assert isinstance(problem, ContentError) and "\n" not in str(problem)
        assert problem.line is None or 1 <= problem.line <= count
    again = dump.parse_dump(text, "wire.txt")
    assert again[0] == articles and [str(p) for p in again[1]] == [str(p) for p in problems]


@FAST
@given(st.binary(max_size=300))
def test_dump_decoding_of_any_bytes_is_text_or_one_error(data):
    try:
        text = dump.decode(data, "wire.txt")
    except ContentError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("wire.txt")
    else:
        dump.parse_dump(text, "wire.txt")


@FAST
@given(TEXT)
def test_slugs_are_safe_bounded_and_stable(text):
    slug = urls.slugify(text)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)
    assert len(slug) <= urls.MAX_SLUG
    assert SAFE_SLUG.fullmatch(slug) and ".." not in slug  # the loader accepts what import makes
    assert urls.slugify(slug) == slug
    assert urls.slugify(text) == slug


SEGMENT = st.text("abcxyz0189-_.é", min_size=1, max_size=8).filter(lambda s: s not in (".", ".."))
SITE_PATH = st.builds(
    lambda parts, page: "/".join(parts) + ("/" if page and parts else ""),  # "" is the home
    st.lists(SEGMENT, max_size=4),
    st.booleans(),
)


@FAST
@given(
    SITE_PATH,
    SITE_PATH,
    st.sampled_from(
        ["https://example.org/", "https://example.org/news/", "http://localhost:8000/a/b/"]
    ),
)
def test_relative_links_reach_their_target_under_any_base(source, target, base):
    link = urls.relative(source, target)
    assert not link.startswith("/") and "//" not in link
    config = _config(base)
    page = urls.absolute(config, source)
    assert page.startswith(base)
    assert urljoin(page, link) == urls.absolute(config, target)  # what a browser does


_CONFIGS: dict[str, object] = {}


def _config(base: str = "https://example.org/news/"):
    if base not in _CONFIGS:
        _CONFIGS[base] = load_config(
            Path("/nonexistent/site.toml"), {"base_url": base}, root=Path("/nonexistent")
        )
    return _CONFIGS[base]


REGIONS = ("middle-east", "gulf", "world")
ARTICLE = st.builds(
    lambda n, title, summary, body, tags, caption, minutes, region, updated: Article(
        id=f"urn:uuid:00000000-0000-5000-8000-{n:012d}",
        title=title,
        date=dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=minutes),
        region=region,
        slug=f"{urls.slugify(title)}-{n}",  # the loader refuses two articles at one URL
        body=body,
        path=Path(f"content/{n}.md"),
        updated=(dt.datetime(2026, 3, 1, tzinfo=dt.UTC) if updated else None),
        countries=tuple(tags[:2]),
        tags=tuple(tags[2:]),
        summary=summary,
        image=Image(caption=caption, credit=caption[:5]),
        source=Source(name=title[:10]),
    ),
    st.integers(0, 10**9),
    TEXT,
    TEXT,
    TEXT,
    st.lists(TEXT, max_size=4),
    TEXT,
    st.integers(0, 5),
    st.sampled_from(REGIONS),
    st.booleans(),
)


@SLOW
@given(st.lists(ARTICLE, max_size=5, unique_by=lambda a: a.id), st.booleans())
def test_feeds_of_any_text_are_valid_xml_with_stable_ids(articles, raw_body):
    articles = sorted(articles, key=lambda a: (-a.date.timestamp(), a.id))
    # The build hands the feeds sanitised HTML; also try the Markdown source as if it were HTML.
    html = {a.id: (a.body if raw_body else sanitise(a.body)) for a in articles}
    config = _config()
    files = feed_files(config, articles, html)
    assert files == feed_files(config, articles, html)  # byte-identical every time
    ids = [a.id for a in articles]
    for name, data in files.items():
        if name.endswith((".xml", ".opml")):
            root = lxml.etree.fromstring(data)
        if name.endswith(("feed.xml", "atom.xml")):
            parsed = feedparser.parse(data)
            assert not parsed.bozo, (name, parsed.get("bozo_exception"))
            found = [e.id for e in parsed.entries]
            if name in ("feed.xml", "atom.xml"):
                assert found == ids  # newest first, identity is the article id
            assert len(set(found)) == len(found)
            assert all(e.title.strip() for e in parsed.entries)
            if name.endswith("atom.xml"):
                atom = "{http://www.w3.org/2005/Atom}"
                updated = [e.findtext(f"{atom}updated") for e in root.iter(f"{atom}entry")]
                assert len(set(map(str, updated))) == len(updated)
        if name.endswith("feed.json"):
            feed = json.loads(data)
            if name == "feed.json":
                assert [item["id"] for item in feed["items"]] == ids


FIELD = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=120,
).filter(lambda s: s.strip() == s and s)


@SLOW
@given(FIELD, FIELD, st.lists(FIELD, max_size=3), TEXT)
def test_front_matter_written_by_the_importer_reads_back_identically(title, summary, tags, body):
    """Whatever a title holds (quotes, '---', line separators, NEL...), the file reads back."""
    assume(not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]", title + summary))
    meta = {
        "id": "urn:uuid:1",
        "title": title,
        "date": dt.datetime(2026, 2, 11, 8, 0, tzinfo=dt.UTC),
        "region": "gulf",
        "countries": [],
        "tags": tags,
        "summary": summary,
        "image": {"caption": title, "credit": summary},
        "draft": False,
    }
    text = render_with_digest(meta, body)
    read, read_body, _ = frontmatter.read(text, "x.md")
    assert {k: v for k, v in read.items() if k != "import_digest"} == meta
    assert read_body.strip("\n") == body.strip("\n") or not body.strip("\n")
    assert edited_since_import(text) is None
