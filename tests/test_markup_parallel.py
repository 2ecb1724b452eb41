"""Markdown on several processes gives exactly the HTML of one process."""

from __future__ import annotations

from site_builder.config import SiteConfig
from site_builder.content.markup import PARALLEL_MIN, MarkdownConverter


def test_parallel_conversion_equals_serial():
    bodies = [
        f"Para {n} with *emphasis* and a [link](https://example.org/{n}).\n\n"
        f"## Heading {n % 7}\n\n| a | b |\n| - | - |\n| {n} | x |\n\n"
        f"<script>alert({n})</script> Footnote[^1].\n\n[^1]: Note {n}."
        for n in range(PARALLEL_MIN * 3)
    ]
    bodies.append(bodies[0])  # a duplicate body is converted once
    parallel = MarkdownConverter(SiteConfig()).html_many(bodies)
    serial_renderer = MarkdownConverter(SiteConfig())
    serial = [serial_renderer.html(b) for b in bodies]
    assert parallel == serial
    assert "<script" not in "".join(parallel) and "<table>" in parallel[5]


def test_a_body_without_a_fence_reads_the_same_without_fenced_code():
    """MarkdownConverter leaves fenced_code (and the Pygments import it brings) out for bodies with
    no ``` or ~~~; every other construct must come out exactly as with it."""
    from conftest import REPO

    from site_builder.content import frontmatter
    from site_builder.content.markup import EXTENSIONS, _convert, _new_markdown

    samples = [
        frontmatter.read(p.read_text(encoding="utf-8"), p)[1]
        for p in sorted((REPO / "content").rglob("*.md"))
    ]
    samples += [
        "Intro {: .lead }\n\n    indented code\n    block\n\n> quote\n\n1. one\n2. two\n\n"
        "* a\n* b\n\n| h | i |\n|:-|-:|\n| 1 | 2 |\n\nText[^n] and `inline` code.\n\n[^n]: Note.",
        '## Title {#custom-id}\n\n<div markdown="1">*raw*</div>\n\n``not a fence``\n\n~~ tilde',
        "Term\n\n---\n\n<pre><code>hand made</code></pre>\n\n[ref][1]\n\n[1]: https://e.org/",
    ]
    assert len(samples) > 5
    with_fences = _new_markdown(EXTENSIONS + ["smarty"])  # typography is on by default
    renderer = MarkdownConverter(SiteConfig())
    for text in samples:
        assert "```" not in text and "~~~" not in text
        assert renderer.html(text) == _convert(with_fences, text, False)
    fenced = "Before\n\n```python\nprint('x')\n```\n\nAfter"
    assert 'class="language-python"' in renderer.html(fenced)
