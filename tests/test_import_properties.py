"""Random text (any Unicode, any layout) through the dump importer and the classifier:
never a traceback, only articles or FILE:LINE problems; and escaped text stays text."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.config import DEFAULT_REGIONS, load_config
from site_builder.content.markup import MarkdownConverter
from site_builder.errors import SiteBuilderError
from site_builder.ingest.classify import classify
from site_builder.ingest.dump import escape_block
from site_builder.ingest.importer import run_import
from site_builder.ingest.sources import read_dump

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
# Wire-shaped pieces mixed with noise, so datelines, capitals and titles are exercised.
PIECE = st.one_of(
    TEXT,
    st.just(""),
    st.just(""),
    st.just("TT"),
    st.just("\r\n"),
    st.just("\ufeff"),
    st.sampled_from(
        [
            "TOKYO, March 13 - ",
            "BETHLEHEM, Pa., May 2 - ",
            "X, Y, Z (AP) — ",
            "<JLIT.T> SELLS U.S.",
            "EXPORTS TO U.S.",
            "U.S. dlrs",
            "Tripoli",
            "&lt;script&gt;",
            "[x](javascript:alert(1))",
            "{#main}",
            "Kurdish",
        ]
    ),
)
LAYOUT = st.lists(PIECE, max_size=40).map("\n".join)


@SETTINGS
@given(title=TEXT, caption=TEXT, paragraphs=st.lists(st.one_of(TEXT, LAYOUT), max_size=6))
def test_the_classifier_never_raises(title, caption, paragraphs):
    result = classify(title, paragraphs, DEFAULT_REGIONS, caption)
    assert result.region in {r.slug for r in DEFAULT_REGIONS}
    assert isinstance(result.explain(), str)


@SETTINGS
@given(text=LAYOUT)
def test_the_dump_reader_never_raises(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("d") / "dump.txt"
    data = text.encode("utf-8", "surrogatepass")
    path.write_bytes(data)
    try:
        records, problems = read_dump(path, data)
    except SiteBuilderError:
        return  # one clear FILE:LINE message is an answer
    assert all(isinstance(p, SiteBuilderError) for p in problems)
    for record in records:
        classify(record.title, record.paragraphs, DEFAULT_REGIONS, record.caption)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=LAYOUT)
def test_a_whole_import_of_random_text_never_raises(tmp_path_factory, text, capsys):
    site = tmp_path_factory.mktemp("site")
    (site / "dump.txt").write_text(text, encoding="utf-8")
    os.utime(site / "dump.txt", (1_770_000_000, 1_770_000_000))
    config = load_config(None, root=site)
    status = run_import(config, [site / "dump.txt"], date=dt.datetime(2026, 2, 11))
    assert status in (0, 1)
    capsys.readouterr()


@SETTINGS
@given(text=TEXT)
def test_escaped_plain_text_renders_as_itself_never_as_markup(tmp_path_factory, text):
    # With raw HTML allowed nothing is sanitised afterwards: the escaping alone must hold.
    config = replace(
        load_config(None, root=Path(tmp_path_factory.getbasetemp())), allow_raw_html=True
    )
    html = MarkdownConverter(config).html(
        escape_block(" ".join(text.split()) + " <script>x</script>")
    )
    assert "<script" not in html.lower()
    assert not re.search(r"<a [^>]*href=\"(?:javascript|data):", html, re.I)
