"""The raw dump parser: the seed and every kind of mess real dumps carry."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import SEED

from site_builder.errors import ContentError
from site_builder.ingest import dump

SEED_TEXT = SEED.read_text(encoding="utf-8")
TITLES = [
    "Intelligence Leaks Reveal How Iran Gained Influence over Iraq",
    "Israel Says Killed Hamas Operative Responsible for 2004 Bus Bombings",
    "Somali President to Asharq Al-Awsat: Working with Saudi-led Partners to Void Israel’s "
    "Somaliland Recognition",
    "RSF Drone Strike on Mosque Kills 2 Children in Sudan’s Kordofan Region",
]


def parse(text: str):
    return dump.parse_dump(text, "dump.txt")


def shape(articles):
    """What a reader sees of each article, without line numbers."""
    return [(a.title, a.caption, a.credit, tuple(b.markdown() for b in a.blocks)) for a in articles]


SEED_ARTICLES, SEED_PROBLEMS = parse(SEED_TEXT)


def test_seed_articles_titles_credits_and_lines():
    assert SEED_PROBLEMS == []
    assert [a.title for a in SEED_ARTICLES] == TITLES
    assert [a.credit for a in SEED_ARTICLES] == ["AP", "AFP", "SPA", "AFP"]
    assert [a.line for a in SEED_ARTICLES] == [1, 62, 104, 182]
    assert [len(a.paragraphs) for a in SEED_ARTICLES] == [24, 15, 29, 12]
    assert SEED_ARTICLES[0].caption == "Iranian Quds Force commander Qasem Soleiman. (AP)"
    assert SEED_ARTICLES[2].caption.endswith("Mohamud Makkah. (SPA file)")


def test_header_is_not_repeated_in_the_body():
    for article in SEED_ARTICLES:
        texts = [b.text for b in article.blocks]
        assert article.title not in texts and article.caption not in texts and "TT" not in texts
    assert SEED_ARTICLES[1].paragraphs[0].startswith("The Israeli military said on Wednesday")


def test_subheadings_become_markdown_headings():
    somalia = SEED_ARTICLES[2]
    assert somalia.subheadings == (
        "Three parallel steps",
        "Regional security",
        "Strategic foothold",
        "Saudi ties",
    )
    assert "\n\n## Three parallel steps\n\nMohamud was referring" in somalia.markdown()
    assert all(not a.subheadings for i, a in enumerate(SEED_ARTICLES) if i != 2)
    # short sentences with a full stop stay paragraphs
    assert "Jabr agreed." in SEED_ARTICLES[0].paragraphs


def test_non_breaking_spaces_and_seed_oddities():
    sudan = SEED_ARTICLES[3]
    assert not any("\u00a0" in p or p != p.strip() for p in sudan.paragraphs)
    assert "There was no immediate RSF comment." in sudan.paragraphs
    assert "in Sudan ’s central region" in sudan.paragraphs[0]  # kept as written


@pytest.mark.parametrize(
    "name, mess",
    [
        ("crlf", lambda t: t.replace("\n", "\r\n")),
        ("bom", lambda t: "\ufeff" + t),
        ("bom-crlf", lambda t: "\ufeff" + t.replace("\n", "\r\n")),
        ("trailing-whitespace", lambda t: t.replace("\n", " \t \n")),
        ("nbsp", lambda t: t.replace(" ", "\u00a0", 40).replace("\n", "\u00a0\n")),
        ("final-newline", lambda t: t + "\n\n\n"),
        ("leading-blank-lines", lambda t: "\n\n\n" + t),
        ("two-blank-lines", lambda t: t.replace("\n\n\n\n", "\n\n\n")),
        ("many-blank-lines", lambda t: t.replace("\n\n\n", "\n\n\n\n\n\n\n")),
        ("old-mac", lambda t: t.replace("\n", "\r")),
    ],
)
def test_messy_variants_read_like_the_seed(name, mess):
    articles, problems = parse(mess(SEED_TEXT))
    assert problems == []
    assert shape(articles) == shape(SEED_ARTICLES)


def test_line_numbers_count_crlf_and_bom_lines_like_an_editor():
    articles, _ = parse("\ufeff" + SEED_TEXT.replace("\n", "\r\n"))
    assert [a.line for a in articles] == [1, 62, 104, 182]


@pytest.mark.parametrize(
    "name, mess",
    [
        ("no-tt", lambda t: t.replace("\nTT\n", "\n")),
        ("single-caption", lambda t: _dedupe_adjacent(t)),
        ("single-caption-no-tt", lambda t: _dedupe_adjacent(t.replace("\nTT\n", "\n"))),
        ("caption-once-only", lambda t: _caption_once(t)),
    ],
)
def test_header_variants_keep_caption_and_body(name, mess):
    articles, problems = parse(mess(SEED_TEXT))
    assert problems == []
    assert shape(articles) == shape(SEED_ARTICLES)


def _dedupe_adjacent(text: str) -> str:
    """Each caption once instead of twice in a row."""
    out: list[str] = []
    for line in text.split("\n"):
        if not (out and line and out[-1] == line):
            out.append(line)
    return "\n".join(out)


def _caption_once(text: str) -> str:
    """Title, caption, TT, title, body: the caption once, nothing after the second title."""
    header = re.compile(r"(?m)^(.+)\n\n(.+)\n\2\nTT\n\n\1\n\n\2\n\2\n\n")
    changed, count = header.subn(r"\1\n\n\2\nTT\n\n\1\n\n", text)
    assert count == 4
    return changed


def test_missing_caption_gives_no_caption_and_no_credit():
    text = SEED_TEXT.replace("Iranian Quds Force commander Qasem Soleiman. (AP)\n" * 2, "")
    articles, problems = parse(text)
    assert problems == []
    assert (articles[0].caption, articles[0].credit) == ("", "")
    assert articles[0].paragraphs == SEED_ARTICLES[0].paragraphs


def test_caption_lines_cut_out_leaving_two_blank_lines_before_the_body():
    text = "\n".join(line for line in SEED_TEXT.split("\n") if "(AP)" not in line)
    articles, problems = parse(text)
    assert problems == []
    assert articles[0].paragraphs == SEED_ARTICLES[0].paragraphs
    assert len(articles) == 4


def test_title_and_body_only():
    articles, problems = parse("Gulf Markets Rise\n\nStocks rose on Monday.\n\nOil was steady.")
    assert problems == []
    assert (articles[0].title, articles[0].caption, articles[0].paragraphs) == (
        "Gulf Markets Rise",
        "",
        ("Stocks rose on Monday.", "Oil was steady."),
    )


def test_caption_without_credit_is_still_a_caption_when_repeated():
    text = "Title Here\n\nA man walks.\nA man walks.\nTT\n\nTitle Here\n\nBody text goes here."
    [article], _problems = parse(text)
    assert (article.caption, article.credit, article.paragraphs) == (
        "A man walks.",
        "",
        ("Body text goes here.",),
    )


@pytest.mark.parametrize(
    "inside, credit",
    [
        ("AP", "AP"),
        ("AFP", "AFP"),
        ("SPA file", "SPA"),
        ("Reuters photo", "Reuters"),
        ("AFP file photo", "AFP"),
        ("Getty Images", "Getty Images"),
    ],
)
def test_credit_from_the_trailing_parentheses(inside, credit):
    assert dump.caption_credit(f"People gather in Gaza. ({inside})") == credit


def test_paragraph_after_two_blank_lines_is_a_problem_with_its_line_and_the_rest_imports():
    lines = SEED_TEXT.split("\n")
    assert lines[29].startswith("The former minister of municipalities denied")  # line 30
    lines.insert(28, "")  # now it follows two blank lines, on line 31
    articles, problems = parse("\n".join(lines))
    assert [str(p) for p in problems] == [
        "dump.txt:31: expected an article title, found a paragraph ('The former minister of "
        "municipalities denied havi…'); is a title missing, or are there two blank lines inside "
        "an article?"
    ]
    assert [a.title for a in articles] == TITLES
    assert [a.line for a in articles] == [1, 63, 105, 183]


def test_title_without_body_is_a_problem():
    text = SEED_TEXT.replace("\n\n\nIsrael Says", "\n\n\nOrphan Headline\n\n\nIsrael Says", 1)
    articles, problems = parse(text)
    assert [str(p) for p in problems] == ["dump.txt:62: article 'Orphan Headline' has no body text"]
    assert [a.title for a in articles] == TITLES


def test_markdown_syntax_at_a_paragraph_start_is_escaped():
    [article], _ = parse("A Title\n\n# not a heading.\n\n- not a list.\n\n1. not a list.")
    assert article.markdown() == "\\# not a heading.\n\n\\- not a list.\n\n\\1. not a list."


def test_binary_and_non_utf8_files_are_one_clear_error():
    with pytest.raises(ContentError) as binary:
        dump.decode(b"\x89PNG\r\n\x1a\n\x00\x00", "photo.png")
    assert (
        str(binary.value)
        == "photo.png: not a text dump: the file is binary (it contains NUL bytes)"
    )
    with pytest.raises(ContentError) as latin:
        dump.decode("Title\n\nCaf\u00e9 talks.".encode("latin-1"), "old.txt")
    assert str(latin.value).startswith("old.txt:3: not UTF-8 text: byte 0xe9 at offset")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("on February 8, 2026. (AFP)", dt.date(2026, 2, 8)),
        ("on Feb. 8 2026", dt.date(2026, 2, 8)),
        ("8 February 2026", dt.date(2026, 2, 8)),
        ("the 8th of February, 2026", dt.date(2026, 2, 8)),
        ("filed 2026-02-08T10:00", dt.date(2026, 2, 8)),
        ("on February 30, 2026", None),
        ("in 2014 and 2015", None),
    ],
)
def test_dates_written_in_the_copy(text, expected):
    found = [d.date for d in dump._dates(text, 1, True)]
    assert found == ([expected] if expected else [])


def test_stated_date_prefers_the_caption_then_the_latest_body_date():
    israel = SEED_ARTICLES[1]
    found = dump.stated_date(israel, dt.date(2026, 12, 1))
    assert (found.date, found.line, found.in_caption) == (dt.date(2026, 2, 8), 64, True)
    text = "T\n\nBody on 1 March 2025 after the 7 October 2023 attack; vote due 5 May 2030."
    [article], _ = parse(text)
    assert dump.stated_date(article, dt.date(2026, 1, 1)).date == dt.date(2025, 3, 1)
    assert dump.stated_date(SEED_ARTICLES[0], dt.date(2026, 1, 1)) is None


def test_an_archive_photo_caption_date_is_not_the_news_date():
    text = (
        "Talks Resume\n\nThe two leaders in Riyadh on March 3, 2019. (AFP file)\n\n"
        "Talks resumed on 9 February 2026 in Jeddah."
    )
    [article], _ = parse(text)
    assert dump.stated_date(article, dt.date(2026, 12, 1)).date == dt.date(2026, 2, 9)
