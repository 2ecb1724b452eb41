"""Markdown on several processes gives exactly the HTML of one process."""

from __future__ import annotations

from site_builder.config import SiteConfig
from site_builder.markup import PARALLEL_MIN, Renderer


def test_parallel_conversion_equals_serial():
    bodies = [f"Para {n} with *emphasis* and a [link](https://example.org/{n}).\n\n"
              f"## Heading {n % 7}\n\n| a | b |\n| - | - |\n| {n} | x |\n\n"
              f"<script>alert({n})</script> Footnote[^1].\n\n[^1]: Note {n}."
              for n in range(PARALLEL_MIN * 3)]
    bodies.append(bodies[0])  # a duplicate body is converted once
    parallel = Renderer(SiteConfig()).html_many(bodies)
    serial_renderer = Renderer(SiteConfig())
    serial = [serial_renderer.html(b) for b in bodies]
    assert parallel == serial
    assert "<script" not in "".join(parallel) and "<table>" in parallel[5]
