"""Malformed and hostile URLs wherever a user writes one: article bodies, site.toml's menu
and base_url, deploy targets. Each is a one-line `FILE:LINE: message` or a safe result,
never a traceback; a menu URL is read as a browser reads it before its scheme is checked."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import run_cli
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from site_builder import weburl
from site_builder.config import load_config
from site_builder.content import loader
from site_builder.content.markup import MarkdownConverter
from site_builder.deploy import targets
from site_builder.deploy.common import Context
from site_builder.errors import ContentError, SiteBuilderError
from site_builder.feeds.absolute import absolutize
from site_builder.weburl import as_browsers_read

ARTICLE = """---
id: urn:uuid:3f0c5a4e-8d1b-4c2a-9b7e-1f2d3c4b5a69
title: Port reopens
date: 2026-02-11T00:00:00+00:00
---
The port reopened.

{body}
"""


def site(tmp_path: Path, toml: str = "", body: str = "Text.") -> Path:
    (tmp_path / "site.toml").write_text('title = "Desk"\n' + toml, encoding="utf-8")
    (tmp_path / "content" / "gulf").mkdir(parents=True)
    (tmp_path / "content" / "gulf" / "port.md").write_text(
        ARTICLE.format(body=body), encoding="utf-8"
    )
    return tmp_path


def one_line_error(proc, where: str, message: str) -> None:
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert f"{where}: " in proc.stderr and message in proc.stderr, proc.stderr


@pytest.mark.parametrize(
    "link", ["[x](//[::1/x)", "[x](https://[::1/x)", "<http://a]b/>", '<a href="//[x">x</a>']
)
def test_a_malformed_link_in_a_body_is_a_line(tmp_path, link):
    proc = run_cli("build", cwd=site(tmp_path, body=link))
    one_line_error(proc, "content/gulf/port.md:8", "is not a valid URL")


@pytest.mark.parametrize(
    "mapping", ['source: {name: X, url: "https://[::1/x"}', 'image: {url: "http://[::1/x.jpg"}']
)
def test_a_malformed_url_in_front_matter_is_a_line(tmp_path, mapping):
    root = site(tmp_path)
    port = root / "content" / "gulf" / "port.md"
    port.write_text(port.read_text().replace("---\nThe", mapping + "\n---\nThe"))
    proc = run_cli("build", cwd=root)
    one_line_error(proc, "content/gulf/port.md:5", "is not a valid URL")


def test_base_url_with_a_malformed_host_is_a_line(tmp_path):
    proc = run_cli("build", cwd=site(tmp_path, 'base_url = "http://[::1/news/"\n'))
    one_line_error(proc, "site.toml:2", "'http://[::1/news/' is not a valid URL")


@pytest.mark.parametrize(
    "url", ["java\\tscript:alert(1)", " javascript:alert(1)", "\\u0001javascript:x"]
)
def test_a_menu_url_is_read_as_browsers_read_it(tmp_path, url):
    toml = f'[[menu]]\ntitle = "Evil"\nurl = "{url}"\n'
    proc = run_cli("build", cwd=site(tmp_path, toml))
    one_line_error(proc, "site.toml:2", "is not a web address")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ssh://[::1/x", "'ssh://[::1/x' is not a valid URL"),
        ("s3://b?endpoint=http://[::1", "endpoint 'http://[::1' is not a valid URL"),
        ("~nosuchuser/x", "no home folder for '~nosuchuser'"),
        ("ssh://host:port/x", "is not a valid URL (Port could not be cast"),
    ],
)
def test_a_malformed_deploy_url_is_a_line(tmp_path, url, message):
    root = site(tmp_path, f"[deploy.x]\nurl = {json.dumps(url)}\n")
    run_cli("build", "--base-url", "https://news.example.org/", cwd=root, check=True)
    proc = run_cli("deploy", cwd=root)
    one_line_error(proc, "site.toml:2", message)


# Pieces URLs are made of, malformed hosts and browser-stripped characters among them.
PIECES = st.sampled_from(
    [
        "//",
        "[",
        "]",
        "::1",
        ":",
        "@",
        "/",
        "?",
        "#",
        "%",
        "x",
        "80",
        "99999",
        "javascript:",
        "http:",
        "https://",
        "ssh://",
        "s3://",
        "git+file://",
        "file://",
        "~",
        ".",
        "\t",
        " ",
        "\x01",
        "\uff03",
        "\u2100",
        "endpoint=",
        "&",
        "=",
        "é",
    ]
)
URLS = st.lists(PIECES, max_size=12).map("".join)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


@FUZZ
@given(url=URLS)
@example(url="/\x01/[")  # kept without its control character: '//[', no valid host
@example(url="/\x01/javascript:99999")
def test_fuzzed_urls_never_raise_anything_but_a_line(tmp_path_factory, url):
    root = tmp_path_factory.mktemp("fuzz")
    quoted = json.dumps(url)
    menu = f'[[menu]]\ntitle = "M"\nurl = {quoted}\n'
    for toml in (f"base_url = {quoted}\n", menu, f"[deploy.x]\nurl = {quoted}\n"):
        (root / "site.toml").write_text(toml, encoding="utf-8")
        try:
            config = load_config(root / "site.toml")
            for item in config.menu:
                assert not as_browsers_read(item.url).lower().startswith("javascript")
            for target in config.deploy:
                targets.parse(Context(config, target, dry_run=True, delete=False, summary=""))
        except SiteBuilderError:
            pass
    config = load_config(None, root=root)
    bodies = (f"[x]({url})", f"<{url}>", f'<a href="{url}">x</a>', f"![p]({url})")
    for body in bodies:
        text = ARTICLE.format(body=body).encode()
        try:
            article = loader.parse(config, root / "content" / "gulf" / "port.md", text)
        except SiteBuilderError:
            continue
        html = MarkdownConverter(config).html(article.body)
        absolutize(html, "https://example.org/a/", fragments=True)
    for key in ("source", "image"):
        mapping = f"{key}: {{url: {json.dumps(url)}}}\n"
        text = ARTICLE.format(body="x").replace("---\nThe", mapping + "---\nThe").encode()
        try:
            article = loader.parse(config, root / "content" / "gulf" / "port.md", text)
        except SiteBuilderError:
            continue
        for found in (article.source, article.image):
            if found is not None and found.url:
                assert isinstance(urlsplit(found.url).port, int | None)  # as feeds read it


# Pieces of bodies with links: the pattern's openings, schemes, hosts and ports good and
# bad, brackets, and characters that normalise (NFKC) to a URL's delimiters.
LINKISH = [
    *("](", "](<", "<", "href=", "src='", 'HREF="', "[r]: ", "\n", " ", "\t", '"', ")"),
    *("//", "/", "http:", "A+b.c:", "[::1", "[", "]", ":", ":80", ":x", ":99999", "@"),
    *("x", "é", "\u2100", "\uff03", "%", "?", "#", "(", "="),
]


def first_bad_link(body: str) -> tuple[int, str] | None:
    """What weburl.link_problem answers, by its definition: the pattern run over the
    whole body, each link it finds split in turn."""
    for match in weburl._LINK.finditer(body):
        try:
            weburl.split(match.group(1))
        except ContentError as exc:
            return body.count("\n", 0, match.start(1)), f"a link's address {exc.message}"
    return None


@settings(max_examples=400, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(LINKISH), max_size=40).map("".join))
@example("](//h:x")
@example("http://[::1")
@example("x//yhref=//h:x")  # a link inside the address from another "//"
@example("<a:////h:x>")
def test_a_bodys_bad_link_is_found_as_the_pattern_alone_finds_it(body):
    """The check of each "//" before the pattern (which tries every place of a body: most
    of the load of a cold build's link checks) never hides a link the pattern finds."""
    assert weburl.link_problem(body) == first_bad_link(body)


@pytest.mark.parametrize(
    "body",
    ["/" * 5000, "//" + "x" * 5000, ("A path//like this. " * 300), "//" * 3000 + "[a](//h:x)"],
    ids=["slashes", "one-long", "many-short", "slashes-then-bad"],
)
def test_a_bodys_addresses_are_read_at_most_about_once_before_the_pattern(body, monkeypatch):
    """A run of slashes holds an address at every slash: looked at one by one, each to its
    end, they would cost the square of the body's length before the pattern's one pass."""
    read: list[int] = []
    split = weburl.split

    def counted(url, *args, **kwargs):
        read.append(len(url))
        return split(url, *args, **kwargs)

    monkeypatch.setattr(weburl, "split", counted)
    assert weburl.link_problem(body) == first_bad_link(body)
    assert sum(read) <= 2 * len(body)
