"""An Arabic edition (issue 16): the bundled example built with `language = "ar"` shows no
English theme string, right-to-left with dates, counts and times isolated; English stays.

The visible text of every page is collected with lxml, less what the editors wrote (titles,
summaries, bodies: marked dir="auto"; the menu's titles, from site.toml), and compared with
the English catalogue.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest
from conftest import REPO, run_cli
from lxml import html

from site_builder import i18n

PLACEHOLDER = re.compile(r"%\(\w+\)s|<[^>]+>")
# The [[menu]] titles of the bundled site.toml: the editors' words, in the site's language
# as they write them ("Corrections", also the theme's heading of a corrections list).
MENU_TITLES = {
    item["title"]
    for item in tomllib.loads((REPO / "site.toml").read_text(encoding="utf-8")).get("menu", [])
}


def english_fragments() -> set[str]:
    """Every piece of English interface text the theme can show, placeholders and markup
    cut out; words an Arabic page may keep as they are (RSS, Atom, JSON Feed) left out."""
    arabic = i18n.translations("ar")
    names = {m for m in i18n.msgids("en") if arabic.gettext(m) == m}  # "RSS", "Atom", ...
    found = set()
    for message in set(i18n.msgids("en")) - names:
        for piece in PLACEHOLDER.split(message):
            piece = piece.strip(' .,:()→←-"')
            if len(piece) >= 4 and re.search("[A-Za-z]{3}", piece) and piece not in names:
                found.add(piece)
    return found


def theme_text(path: Path) -> str:
    """The page's visible text without what the editors wrote."""
    doc = html.fromstring(path.read_bytes())
    for element in doc.xpath(
        "//*[@dir='auto'] | //script | //style | //head | "
        "//p[contains(@class, 'site-title')] | //code"
    ):
        element.drop_tree()
    for link in doc.xpath("//nav//a"):
        if link.text_content().strip() in MENU_TITLES:
            link.drop_tree()
    return " ".join(doc.text_content().split())


@pytest.fixture(scope="module")
def arabic(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("ar")
    shutil.copytree(REPO / "content", root / "content")
    toml = (REPO / "site.toml").read_text(encoding="utf-8")
    (root / "site.toml").write_text(
        toml.replace('language = "en"', 'language = "ar"'), encoding="utf-8"
    )
    run_cli("build", "-q", cwd=root, check=True)
    return root / "output"


def test_an_arabic_site_shows_no_english_theme_string(arabic):
    fragments = english_fragments()
    assert {"Latest news", "Subscribe", "min read", "Photo", "Archive"} & fragments
    pages = sorted(arabic.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        text = theme_text(page)
        left = sorted(f for f in fragments if re.search(rf"\b{re.escape(f)}\b", text))
        assert left == [], page.relative_to(arabic)


def test_an_arabic_page_is_right_to_left_with_dates_and_counts_isolated(arabic):
    front = html.fromstring((arabic / "index.html").read_bytes())
    assert front.get("lang") == "ar" and front.get("dir") == "rtl"
    article = next((arabic / "articles").rglob("index.html"))
    meta = html.fromstring(article.read_bytes()).find_class("meta")[0]
    isolated = meta.findall(".//bdi")
    # The date and time, and the reading time: each one run the bidi algorithm cannot
    # mix with the Arabic around it ("November 2026 · World 29" was the bug).
    assert len(isolated) == 2
    date = isolated[0].text_content()
    assert re.fullmatch(r"\d{1,2} \w+ \d{4}، \d{1,2}:\d\d [صم] UTC", date), date
    assert re.search("[\u0600-\u06ff]", isolated[1].text_content())  # "4 دقائق للقراءة"
    region = html.fromstring((arabic / "middle-east" / "index.html").read_bytes())
    assert region.findtext(".//h1").strip() == "الشرق الأوسط"
    assert "العراق" in region.find_class("lead")[0].text_content()  # countries from CLDR


def test_digits_can_be_arabic_indic(tmp_path):
    shutil.copytree(REPO / "content", tmp_path / "content")
    (tmp_path / "site.toml").write_text('language = "ar"\ndigits = "arab"\n', encoding="utf-8")
    run_cli("build", "-q", cwd=tmp_path, check=True)
    article = next((tmp_path / "output" / "articles").rglob("index.html"))
    date = html.fromstring(article.read_bytes()).find_class("meta")[0].find(".//bdi").text
    assert re.search("[\u0660-\u0669]{4}", date) and not re.search("[0-9]{4}", date)


def test_an_english_site_is_unchanged_in_wording(tmp_path):
    shutil.copytree(REPO / "content", tmp_path / "content")
    run_cli("build", "-q", cwd=tmp_path, check=True)
    front = html.fromstring((tmp_path / "output" / "index.html").read_bytes())
    assert front.findtext(".//h1") == "Latest news"
    assert front.get("dir") == "ltr"
