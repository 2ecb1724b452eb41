"""Front matter: safe YAML, errors with the file's line number, byte-stable round trip."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.content import frontmatter
from site_builder.errors import ContentError

SAMPLE = """---
id: urn:uuid:3f0c5a7e-0000-5000-8000-000000000000
title: 'Israel Says Killed Hamas Operative: Responsible for 2004 Bus Bombings'
date: 2026-02-11T00:00:00+00:00
region: middle-east
countries: [Palestine, Israel]
tags: []
summary: The Israeli military said on Wednesday it killed a senior Hamas operative “responsible”.
image:
  caption: Destroyed buildings are pictured in the Jabalia camp. (AFP)
  credit: AFP
source:
  name: Asharq Al-Awsat
draft: false
---
The Israeli military said on Wednesday …
"""


def test_round_trip_gives_the_same_bytes():
    meta, body, line = frontmatter.read(SAMPLE, "a.md")
    assert line == 16
    assert meta["date"] == dt.datetime(2026, 2, 11, tzinfo=dt.UTC)
    assert frontmatter.render(meta, body) == SAMPLE


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("title: x\n---\n", 1, "must start with a line '---'"),
        ("---\ntitle: x\n", 1, "is not closed"),
        ("---\ntitle: x\ncountries: [a\n---\n", 4, "not valid YAML"),
        ("---\n- a\n- b\n---\n", 2, "must be a mapping"),
        ("---\na: &x [1, 2]\nb: *x\n---\n", 3, "aliases"),
        # PyYAML keeps the last of two keys silently: a second `draft:` would publish a draft
        (
            "---\ntitle: x\ndraft: true\nregion: gulf\ndraft: false\n---\n",
            5,
            "'draft' is given twice",
        ),
        ("---\ntitle: x\nimage: {url: a.jpg, url: b.jpg}\n---\n", 3, "'url' is given twice"),
        ("---\n" + "[" * 5000 + "]" * 5000 + "\n---\n", 2, ""),
    ],
)
def test_errors_carry_the_line(text, line, message):
    with pytest.raises(ContentError) as info:
        frontmatter.read(text, "c.md")
    assert str(info.value).startswith(f"c.md:{line}: ")
    assert message in str(info.value)


def test_bom_and_crlf_are_accepted():
    meta, body, _ = frontmatter.read("\ufeff---\r\ntitle: x\r\n---\r\nbody\r\n", "a.md")
    assert meta == {"title": "x"} and body.strip() == "body"


def test_key_line():
    assert frontmatter.key_line(SAMPLE, "region") == 5
    assert frontmatter.key_line(SAMPLE, "slug") is None


text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x85\u2028\u2029"))


@settings(max_examples=200, deadline=None)
@given(title=text, tags=st.lists(text, max_size=4), summary=text)
def test_any_values_round_trip(title, tags, summary):
    meta = {
        "title": title,
        "date": dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC),
        "tags": tags,
        "summary": summary,
    }
    once = frontmatter.render(meta, "Body")
    loaded, body, _ = frontmatter.read(once, "a.md")
    assert loaded == meta
    assert frontmatter.render(loaded, body) == once
