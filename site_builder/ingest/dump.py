"""Read raw wire dumps (the format of seed/000_6ec05461cbc230fc.txt) into articles.

Per article a dump holds: the title; the photo caption ending in its credit, "(AFP)",
usually twice; a line `TT`; the title again; the caption twice again; then the body, one
paragraph per line, paragraphs separated by a blank line. Articles are separated by two
or more blank lines. Real dumps lose the `TT` line or a caption, gain CRLF line ends, a
BOM, non-breaking spaces and trailing blanks; all of that is read without complaint.
What cannot be understood is reported as a ContentError with its line, and the rest of
the file is still read.

This module only parses: it knows nothing of content files (see importer.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from site_builder.errors import ContentError

HEADER_MARK = "TT"
MAX_TITLE = 250  # characters; a longer first line is a paragraph, not a title
MAX_TITLE_WORDS_ABBREVIATED = 12  # a title ending in "U.S." is a short line...
MAX_SUBHEADING = 60  # characters
MAX_SUBHEADING_WORDS = 8
# Spaces that wire copy and web scrapes carry; all read as a plain space.
_ODD_SPACES = re.compile(r"[\u00a0\u2007\u202f\u2000-\u200a\u3000\t]")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_LINE_END = re.compile(r"\r\n|\r|\n")
# "(AFP)", "(SPA file)", "(Reuters photo)": the credit ends the caption.
_CREDIT = re.compile(r"\(([^()]{1,60})\)$")
_CREDIT_NOISE = re.compile(
    r"(?:\s*[-/,]?\s*\b(?:file|files|photo|photos|archive|archives|"
    r"handout|pool|illustration)\b)+$",
    re.I,
)
_ARCHIVE_PHOTO = re.compile(r"\([^()]*\b(?:file|archive)\b[^()]*\)$", re.I)
# "U.S.", "U.K.", or in a line of capitals a short word with a stop ("CORP.", "CO.").
_ABBREVIATION_END = re.compile(r"(?:^|[\s(])(?:(?:[A-Za-z]\.){2,}|(?-i:[A-Z]{1,4}\.))$")
_FINAL_PUNCTUATION = ".!?:;,\"'”’)…-—–]"
# A line starting like Markdown block syntax would become a list, heading or quote.
_MARKDOWN_START = re.compile(r"^(#{1,6}\s|>|[-+*]\s|\d{1,9}[.)]\s|=+$|-+$|\*+$|_+$|```|~~~)")

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY, _YEAR = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?", r"(?P<year>(?:19|20)\d\d)\b"
_DATE_PATTERNS = (
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)(?!\d)"),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}", re.I),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}", re.I),
)


@dataclass(frozen=True)
class Block:
    """One piece of an article body: a paragraph or a subheading, with its line number."""

    text: str
    line: int
    heading: bool = False

    def markdown(self) -> str:
        """The block as Markdown: '## Heading' or the paragraph, block syntax escaped."""
        if self.heading:
            return f"## {escape_text(self.text)}"
        return escape_block(self.text)


@dataclass(frozen=True)
class FoundDate:
    """A calendar date written in the copy, and where."""

    date: dt.date
    line: int
    in_caption: bool


@dataclass(frozen=True)
class DumpArticle:
    """One article as read from a dump: plain text, with the line numbers it came from."""

    title: str
    caption: str
    credit: str
    blocks: tuple[Block, ...]
    line: int
    dates: tuple[FoundDate, ...] = ()

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The body's paragraphs as plain text, subheadings left out."""
        return tuple(b.text for b in self.blocks if not b.heading)

    @property
    def subheadings(self) -> tuple[str, ...]:
        """The body's subheadings, in order."""
        return tuple(b.text for b in self.blocks if b.heading)

    def markdown(self) -> str:
        """The body as Markdown: paragraphs and '## ' subheadings, one blank line apart."""
        return "\n\n".join(b.markdown() for b in self.blocks)


# Text that Markdown would read as markup: "<script>" or a "<CYL>" ticker would be raw HTML,
# "[x](javascript:...)" a link, "&lt;" an entity, "{#main}" an attribute. Escaped, text stays text.
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
_MARKUP_CHARS = re.compile(r"[<\[\]{}]")


def escape_text(text: str) -> str:
    """Plain text as Markdown inline text that renders as the same characters, never as markup."""
    text = _ENTITY_LIKE.sub("&amp;", text)
    return _MARKUP_CHARS.sub(lambda m: "&lt;" if m.group() == "<" else "\\" + m.group(), text)


def escape_block(text: str) -> str:
    """A paragraph of plain text as a Markdown paragraph (a leading '#', '>' or '1.' escaped)."""
    text = escape_text(text)
    return "\\" + text if _MARKDOWN_START.match(text) else text


def decode(data: bytes, path: Path | str) -> str:
    """The text of a dump file; a binary or non-UTF-8 file is one clear error."""
    if b"\x00" in data[:8192]:
        raise ContentError("not a text dump: the file is binary (it contains NUL bytes)", path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ContentError(
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start} "
            "cannot be decoded (save the dump as UTF-8)",
            path,
            line,
        ) from None


def clean_line(line: str) -> str:
    """A line with odd spaces made plain, invisible characters dropped, ends trimmed."""
    return _INVISIBLE.sub("", _ODD_SPACES.sub(" ", line)).strip()


def parse_dump(text: str, path: Path | str) -> tuple[list[DumpArticle], list[ContentError]]:
    """Every article of a dump, plus a problem for each part that could not be read."""
    text = text.removeprefix("\ufeff")
    lines = [clean_line(line) for line in _LINE_END.split(text)]
    articles: list[DumpArticle] = []
    problems: list[ContentError] = []
    pending: tuple[list[tuple[int, str]], ContentError] | None = None
    for chunk in _chunks(lines):
        if pending and not _is_title(chunk[0][1]):
            # A header whose caption went missing leaves two blank lines before the body.
            chunk = pending[0] + [(chunk[0][0] - 1, "")] + chunk
        elif pending:
            problems.append(pending[1])
        pending = None
        try:
            articles.append(_article(chunk, path))
        except _NoBody as exc:
            pending = (chunk, exc)
        except ContentError as exc:
            problems.append(exc)
    if pending:
        problems.append(pending[1])
    return articles, problems


class _NoBody(ContentError):
    """An article header with no body (yet): the body may follow after two blank lines."""


def _chunks(lines: list[str]) -> list[list[tuple[int, str]]]:
    """Split numbered lines at every run of two or more blank lines."""
    chunks: list[list[tuple[int, str]]] = [[]]
    blanks = 0
    for number, line in enumerate(lines, start=1):
        if not line:
            blanks += 1
            continue
        if blanks >= 2 and chunks[-1]:
            chunks.append([])
        elif blanks == 1 and chunks[-1]:
            chunks[-1].append((number - 1, ""))
        chunks[-1].append((number, line))
        blanks = 0
    return [c for c in chunks if c]


def _article(chunk: list[tuple[int, str]], path: Path | str) -> DumpArticle:
    """One article from its lines (single blank lines kept as '' paragraph breaks)."""
    start, title = chunk[0]
    if not _is_title(title):
        raise ContentError(
            f"expected an article title, found a paragraph "
            f"('{_excerpt(title)}'); is a title missing, or are there two "
            "blank lines inside an article?",
            path,
            start,
        )
    if title == HEADER_MARK:
        raise ContentError("expected an article title, found the header line 'TT'", path, start)
    rest = [(n, s) for n, s in chunk[1:]]
    caption, body_start = _header(title, rest)
    blocks = _blocks(rest[body_start:])
    if not blocks:
        raise _NoBody(f"article '{_excerpt(title)}' has no body text", path, start)
    credit = caption_credit(caption)
    dates = tuple(_dates(caption, _caption_line(rest, caption), True)) + tuple(
        d for b in blocks for d in _dates(b.text, b.line, False)
    )
    return DumpArticle(title, caption, credit, tuple(blocks), start, dates)


def _is_title(line: str) -> bool:
    """A title is one line, not too long, not ending like a sentence.

    "... EXPORTS TO U.S." ends in an abbreviation, not a full stop: still a title.
    """
    if len(line) > MAX_TITLE:
        return False
    if not line.endswith("."):
        return True
    words = line.split()
    # A sentence ending in "U.S." runs on in lower-case words; a headline is short or capitalised.
    headline = len(words) <= MAX_TITLE_WORDS_ABBREVIATED or not any(
        w[0].islower() and len(w) >= 4 for w in words
    )
    return headline and bool(_ABBREVIATION_END.search(line))


def _header(title: str, rest: list[tuple[int, str]]) -> tuple[str, int]:
    """The caption and the index where the body starts, past the duplicated header."""
    texts = [s for _, s in rest]
    caption = ""
    for index, line in enumerate(texts):
        if not line or line in (HEADER_MARK, title) or (caption and line == caption):
            continue
        upcoming = [s for s in texts[index + 1 : index + 8] if s]
        if not caption and (
            _CREDIT.search(line)
            or line in upcoming[:2]
            or HEADER_MARK in upcoming[:3]
            or title in upcoming[:2]
        ):
            caption = line
            continue
        if _CREDIT.search(line) and HEADER_MARK in texts[:index] + upcoming[:3]:
            continue  # a second, slightly different caption still belongs to the header
        return caption, index
    return caption, len(texts)


def _blocks(lines: list[tuple[int, str]]) -> list[Block]:
    """Paragraphs (lines joined until a blank line) and subheadings of a body."""
    groups: list[list[tuple[int, str]]] = []
    for number, line in lines:
        if not line:
            groups.append([])
        elif groups and groups[-1]:
            groups[-1].append((number, line))
        else:
            groups.append([(number, line)])
    groups = [g for g in groups if g]
    blocks: list[Block] = []
    for index, group in enumerate(groups):
        number, first = group[0]
        is_last = index == len(groups) - 1 and len(group) == 1
        if not is_last and _is_subheading(first):
            blocks.append(Block(first, number, heading=True))
            group = group[1:]
        if group:
            blocks.append(Block(" ".join(s for _, s in group), group[0][0]))
    return blocks


def _is_subheading(line: str) -> bool:
    """A short line without final punctuation that starts with a capital: 'Saudi ties'."""
    return (
        len(line) <= MAX_SUBHEADING
        and len(line.split()) <= MAX_SUBHEADING_WORDS
        and line[0].isupper()
        and line[-1] not in _FINAL_PUNCTUATION
        and not line.startswith(("“", '"', "‘", "'"))
    )


def caption_credit(caption: str) -> str:
    """The photo credit at the end of a caption: '... (SPA file)' -> 'SPA'."""
    match = _CREDIT.search(caption)
    if not match:
        return ""
    return _CREDIT_NOISE.sub("", match.group(1)).strip(" -/,") or match.group(1).strip()


def _caption_line(rest: list[tuple[int, str]], caption: str) -> int:
    return next((n for n, s in rest if s == caption), 0)


def _dates(text: str, line: int, in_caption: bool):
    """Every full calendar date written in a text: ISO, 'February 8, 2026', '8 Feb 2026'."""
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            parts = match.groupdict()
            month = int(parts["mnum"]) if parts.get("mnum") else _MONTHS[parts["month"].lower()]
            try:
                day = dt.date(int(parts["year"]), month, int(parts["day"]))
            except ValueError:
                continue  # "February 30, 2026" is not a date
            yield FoundDate(day, line, in_caption)


def _excerpt(text: str, width: int = 50) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def stated_date(article: DumpArticle, not_after: dt.date) -> FoundDate | None:
    """The date the copy gives for itself: the caption's, else the latest in the body.

    A caption credited "(AFP file)" describes an archive photo: its date is not the news day.
    Body dates are often history ("the October 7, 2023 attack") or plans; the latest one
    not after `not_after` (the day the dump was saved) is the best guess of the news day.
    """
    archive = _ARCHIVE_PHOTO.search(article.caption)
    for found in article.dates:
        if found.in_caption and found.date <= not_after and not archive:
            return found
    body = [d for d in article.dates if not d.in_caption and d.date <= not_after]
    return max(body, key=lambda d: d.date) if body else None
