"""Typography in one pass (content/typography.py) gives exactly smarty's characters."""

from __future__ import annotations

import importlib

import markdown
import pytest
from conftest import REPO
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.content import typography
from site_builder.content.markup import EXTENSIONS, SMARTY_CHARACTERS

SETTINGS = {"toc": {"permalink": False}, "footnotes": {"UNIQUE_IDS": False}}


def converter(typographer) -> markdown.Markdown:
    extensions = [
        importlib.import_module(f"markdown.extensions.{name}").makeExtension(
            **SETTINGS.get(name, {})
        )
        for name in EXTENSIONS
    ]
    extensions.append(typographer.makeExtension(substitutions=SMARTY_CHARACTERS))
    return markdown.Markdown(extensions=extensions, output_format="html")


SMARTY = converter(importlib.import_module("markdown.extensions.smarty"))
OURS = converter(typography)


def both(text: str) -> tuple[str, str]:
    SMARTY.reset()
    OURS.reset()
    return SMARTY.convert(text), OURS.convert(text)


def bundled() -> list[str]:
    """Every Markdown file that ships with the repository or its tests."""
    found = [
        p for folder in ("content", "examples", "tests/data") for p in (REPO / folder).rglob("*.md")
    ]
    return sorted(str(p.relative_to(REPO)) for p in found)


@pytest.mark.parametrize("name", bundled())
def test_bundled_content_gets_the_characters_smarty_gives(name):
    text = (REPO / name).read_bytes().decode("utf-8", "replace")
    expected, ours = both(text)
    assert ours == expected


@pytest.mark.parametrize(
    "text",
    [
        '"Hello," she said -- and \'80s -- "\'quoted\' words" ... yes...',
        "## A \"quoted\" heading -- with 'dash'\n\ntext",
        "He said \\\"no\\\" and \\'yes\\'",
        "`code 'q'` and *it's* \"**bold**\" [a 'link'](http://x/ \"t'it\")",
        "&mdash;'x' &nbsp;\"y\" <b>'z'</b>",
        "x[^1]\n\n[^1]: 'note' -- \"n\"",
        "    'code block'\n\n```\n'fenced'\n```\n\n'after'",
        "O'Neil's \"x\"'s 'y'\" rock 'n' roll ---- and .... ",
    ],
)
def test_quotes_dashes_and_ellipses_as_smarty_sets_them(text):
    expected, ours = both(text)
    assert ours == expected


TOKENS = [" ", "'", '"', "-", "--", "---", ".", "...", "a", "word", "s", "80s", "8", "\n"]
TOKENS += ["\n\n", "*", "`", "(", ")", "[", "]", "&mdash;", "&nbsp;", "\\", "<b>", "</b>"]
TOKENS += [",", "!", "\u2013", "\u2014", "# ", "> ", "1. ", '[x](y "t")', "{", "\t", "_"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=30))
def test_any_mix_of_quotes_and_markup_as_smarty_sets_it(tokens):
    expected, ours = both("".join(tokens))
    assert ours == expected
