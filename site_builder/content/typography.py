"""Typographic quotes, dashes and ellipses: python-markdown's `smarty`, in one cheap pass.

smarty runs a second InlineProcessor over the whole tree (stashing every replacement as
raw HTML, then rebuilding nodes and swapping the stash back in after serialising), which
doubled the cost of converting a body. This tree processor runs the same patterns, in the
same order, on the same text nodes, replacing each match with a placeholder of the same
shape as smarty's (so every look-behind and look-ahead sees what it saw there), then puts
the characters in: the same characters in the same places, for a fraction of the cost.
tests/test_typography.py holds it to smarty's output.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Mapping

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions import smarty as _smarty
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

# The placeholder smarty's InlineProcessor leaves where a pattern matched (util.INLINE_PLACEHOLDER).
_PLACEHOLDER = "\x02klzzwxh:%04d\x03"
_PLACED = re.compile("\x02klzzwxh:(\\d{4,})\x03")
# A text with none of these has nothing smarty would change.
_TRIGGERS = re.compile("['\"]|--|\\.\\.\\.")


def _patterns(subs: Mapping[str, str]) -> list[tuple[re.Pattern[str], tuple[int | str, ...]]]:
    """smarty's patterns with their replacements, in the order its registry runs them
    (by priority: dashes 50 and 45, quotes 30 down to 16, ellipses 10)."""
    s = _smarty
    lsquo, rsquo = subs["left-single-quote"], subs["right-single-quote"]
    ldquo, rdquo = subs["left-double-quote"], subs["right-double-quote"]
    ordered: list[tuple[str, tuple[int | str, ...]]] = [
        (r"(?<!-)---(?!-)", (subs["mdash"],)),
        (r"(?<!-)--(?!-)", (subs["ndash"],)),
        (s.singleQuoteStartRe, (rsquo,)),
        (s.doubleQuoteStartRe, (rdquo,)),
        (s.doubleQuoteSetsRe, (ldquo + lsquo,)),
        (s.singleQuoteSetsRe, (lsquo + ldquo,)),
        (s.doubleQuoteSetsRe2, (rsquo + rdquo,)),
        (s.singleQuoteSetsRe2, (rdquo + rsquo,)),
        (s.decadeAbbrRe, (rsquo,)),
        (s.openingSingleQuotesRegex, (1, lsquo)),
        (s.closingSingleQuotesRegex, (rsquo,)),
        (s.closingSingleQuotesRegex2, (rsquo, 1)),
        (s.remainingSingleQuotesRegex, (lsquo,)),
        (s.openingDoubleQuotesRegex, (1, ldquo)),
        (s.closingDoubleQuotesRegex, (rdquo,)),
        (s.closingDoubleQuotesRegex2, (rdquo,)),
        (s.remainingDoubleQuotesRegex, (ldquo,)),
        (r"(?<!\.)\.{3}(?!\.)", (subs["ellipsis"],)),
    ]
    # Compiled as python-markdown compiles an InlineProcessor's pattern.
    return [(re.compile(p, re.DOTALL | re.UNICODE), parts) for p, parts in ordered]


def educate(text: str, patterns: list[tuple[re.Pattern[str], tuple[int | str, ...]]]) -> str:
    """The text as smarty's pass leaves it (before its stash is swapped back: here the
    characters go straight in)."""
    if not _TRIGGERS.search(text):
        return text
    placed: list[str] = []
    for regex, parts in patterns:
        start = 0
        while (found := regex.search(text, start)) is not None:
            placed.append("".join(p if isinstance(p, str) else found.group(p) for p in parts))
            mark = _PLACEHOLDER % (len(placed) - 1)
            text = text[: found.start()] + mark + text[found.end() :]
            start = found.start() + len(mark)
    if not placed:
        return text
    return _PLACED.sub(lambda m: _swap(m, placed), text)


def _swap(found: re.Match[str], placed: list[str]) -> str:
    number = int(found.group(1))
    return placed[number] if number < len(placed) else found.group(0)


class _Typography(Treeprocessor):
    def __init__(self, md: Markdown, substitutions: Mapping[str, str]):
        super().__init__(md)
        self.patterns = _patterns({**_smarty.substitutions, **substitutions})

    def run(self, root: etree.Element) -> None:
        # smarty's InlineProcessor visits the text and tail of every element below the
        # root, skipping AtomicStrings (code).
        patterns = self.patterns
        for element in root.iter():
            if element is root:
                continue
            text, tail = element.text, element.tail
            if text and not isinstance(text, AtomicString):
                element.text = educate(text, patterns)
            if tail and not isinstance(tail, AtomicString):
                element.tail = educate(tail, patterns)


class TypographyExtension(Extension):
    """smarty's quotes, dashes and ellipses (angled quotes off, as smarty's default)."""

    def __init__(self, **kwargs):
        self.config = {"substitutions": [{}, "characters by smarty's names"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        substitutions = self.getConfig("substitutions", default={})
        md.treeprocessors.register(_Typography(md, substitutions), "smarty", 6)
        md.ESCAPED_CHARS.extend(['"', "'"])  # \" and \' stay straight, as with smarty


def makeExtension(**kwargs) -> TypographyExtension:
    return TypographyExtension(**kwargs)
