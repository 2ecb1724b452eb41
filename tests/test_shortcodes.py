"""Hugo's embed shortcodes render as facades that load nothing from a third party, and raw
HTML the sanitiser drops is reported with its line."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from tests.conftest import run_cli

FRONT = "---\nid: urn:uuid:0f4c1c1e-2d35-4b8e-9b1a-7d6f2f5a9c01\ntitle: Embeds\n"
FRONT += "date: 2026-11-01T08:00:00+00:00\nsummary: Embeds.\n---\n"
BODY_LINE = FRONT.count("\n") + 1  # the first line of the body in the file


def _site(tmp_path: Path, body: str) -> Path:
    run_cli("init", str(tmp_path), cwd=tmp_path, check=True)
    (tmp_path / "content" / "world" / "welcome.md").unlink()
    (tmp_path / "content" / "world" / "embeds.md").write_text(FRONT + body, encoding="utf-8")
    return tmp_path


def _article(site: Path) -> lxml.html.HtmlElement:
    (page,) = [p for p in (site / "output").rglob("index.html") if "embeds" in str(p)]
    (main,) = lxml.html.fromstring(page.read_bytes()).xpath("//main")
    return main


@pytest.mark.parametrize(
    ("shortcode", "href", "label"),
    [
        (
            "{{< youtube dQw4w9WgXcQ >}}",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "Play video on YouTube",
        ),
        ('{{< youtube id="a_B-9" >}}', "https://www.youtube-nocookie.com/embed/a_B-9", None),
        ("{{< vimeo 146022717 >}}", "https://vimeo.com/146022717", "Play video on Vimeo"),
        (
            '{{< x user="SanDiegoZoo" id="1453110110599868418" >}}',
            "https://x.com/SanDiegoZoo/status/1453110110599868418",
            "View post on X",
        ),
        ("{{< instagram CxOWiQNP2MO >}}", "https://www.instagram.com/p/CxOWiQNP2MO/", None),
        (
            '{{< map lat=24.7136 lon=-46.6753 zoom=12 title="Riyadh" >}}',
            "https://www.openstreetmap.org/?mlat=24.7136&mlon=-46.6753#map=12/24.7136/-46.6753",
            "View Riyadh on OpenStreetMap",
        ),
        (
            "{{< map lat=0 lon=0 >}}",
            "https://www.openstreetmap.org/?mlat=0&mlon=0#map=13/0/0",
            "View map on OpenStreetMap",
        ),
    ],
)
def test_shortcode_renders_a_link_facade(tmp_path, shortcode, href, label):
    site = _site(tmp_path, f"Before.\n\n{shortcode}\n\nAfter.\n")
    run_cli("build", cwd=site, check=True)
    main = _article(site)
    (link,) = main.xpath(f'.//a[@href="{href}"]')
    if label:
        assert link.text_content() == label
    assert "embed-play" in link.get("class")
    assert not main.xpath(".//iframe | .//script | .//object | .//embed")
    assert "{{" not in main.text_content()
    # Nothing in the article loads from another site: no external src anywhere.
    assert not [e for e in main.xpath(".//*[@src]") if "//" in e.get("src")]


def test_figure_shortcode_renders_a_figure(tmp_path):
    body = '{{< figure src="/img/port.jpg" alt="The port" caption="Port & harbour" >}}\n'
    site = _site(tmp_path, body)
    run_cli("build", cwd=site, check=True)
    (figure,) = _article(site).xpath(".//figure[not(@class)]")
    (img,) = figure.xpath("img")
    assert (img.get("src"), img.get("alt")) == ("/img/port.jpg", "The port")
    assert figure.xpath("string(figcaption)") == "Port & harbour"
    assert figure.getparent().tag != "p"


@pytest.mark.parametrize(
    ("shortcode", "message"),
    [
        ("{{< gist spf13 7896402 >}}", "unknown shortcode 'gist'"),
        ("{{< youtube a/b >}}", "'a/b' is not a valid YouTube video id"),
        ("{{< vimeo abc >}}", "'abc' is not a valid Vimeo video number"),
        ("{{< youtube >}}", "shortcode youtube needs 'id'"),
        ("{{< youtube id=x autoplay=true >}}", "takes no argument 'autoplay'"),
        ('{{< figure src="javascript:alert(1)" >}}', "is not a web address"),
        ("{{< map lat=91 lon=0 >}}", "lat=91 is beyond ±90 degrees"),
        ("{{< map lat=1 >}}", "shortcode map needs 'lon'"),
        ('{{< map lat=1 lon="1;x" >}}', "'1;x' is not a valid lon in degrees"),
        ("{{< map lat=1 lon=2 zoom=25 >}}", "is not a valid zoom (0-19)"),
    ],
)
def test_bad_shortcode_is_an_error_with_its_line(tmp_path, shortcode, message):
    site = _site(tmp_path, f"One.\n\nTwo.\n\n{shortcode}\n")
    proc = run_cli("build", cwd=site)
    assert proc.returncode != 0
    where = f"embeds.md:{BODY_LINE + 4}: "
    (line,) = [x for x in proc.stderr.splitlines() if where in x]
    assert message in line
    assert "Traceback" not in proc.stderr


def test_escaped_shortcode_is_shown_as_written(tmp_path):
    site = _site(tmp_path, "Write `{{</* youtube ID */>}}` to embed.\n")
    run_cli("build", cwd=site, check=True)
    assert _article(site).xpath("string(.//code)") == "{{< youtube ID >}}"


def test_dropped_iframe_warns_with_its_line(tmp_path):
    body = 'Text.\n\n`<iframe>` in code is fine.\n\n<iframe src="https://example.com/x"></iframe>\n'
    site = _site(tmp_path, body)
    proc = run_cli("build", cwd=site, check=True)
    warnings = [x for x in proc.stderr.splitlines() if "<iframe>" in x]
    assert len(warnings) == 1
    assert f"embeds.md:{BODY_LINE + 4}: " in warnings[0]
    assert not _article(site).xpath(".//iframe")
