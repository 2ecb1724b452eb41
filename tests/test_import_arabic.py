"""Importing Arabic: `import --language ar`, a feed's own language, Arabic classification
and ASCII slugs for Arabic titles."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from articles import load_articles

from site_builder.cli import main
from site_builder.config import DEFAULT_REGIONS, load_config
from site_builder.content import frontmatter
from site_builder.ingest.classify import classify
from site_builder.ingest.filing import title_slug


def run_cli(*args: str) -> int:
    """The command line, in this process (the cwd is the site)."""
    try:
        return main(list(args))
    except SystemExit as exc:  # argparse's usage errors
        return int(exc.code)


DUMP = Path(__file__).parent / "data" / "arabic" / "dump_ar.txt"
EXPECTED = [  # (region, primary country, credit) in the dump's order
    ("middle-east", "Iraq", "رويترز"),
    ("horn-of-africa", "Sudan", "أ.ف.ب"),
    ("gulf", "Saudi Arabia", "واس"),
    ("north-africa", "Egypt", "الشرق الأوسط"),
]


@pytest.fixture
def site(tmp_path, monkeypatch):
    (tmp_path / "site.toml").write_text('title = "أخبار"\nlanguage = "ar"\n', encoding="utf-8")
    shutil.copy(DUMP, tmp_path / "dump_ar.txt")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def articles(site: Path) -> list[tuple[Path, dict]]:
    found = []
    for path in sorted((site / "content").rglob("*.md")):
        meta, _body, _ = frontmatter.read(path.read_text(encoding="utf-8"), path)
        found.append((path, meta))
    return sorted(found, key=lambda item: item[1]["date"], reverse=True)  # dump order


def test_arabic_dump_is_filed_by_region_with_its_language(site, capsys):
    code = run_cli(
        "import", "--language", "ar", "--date", "2026-11-05T09:00:00+00:00", "dump_ar.txt"
    )
    assert code == 0, capsys.readouterr().err
    found = articles(site)
    assert [(p.parent.name, m["countries"][0], m["image"]["credit"]) for p, m in found] == EXPECTED
    assert all(m["lang"] == "ar" for _, m in found)
    assert found[0][1]["title"] == "مقتل ثلاثة أشخاص في انفجار بسوق شعبي جنوب بغداد"


def test_arabic_titles_get_readable_ascii_slugs(site):
    run_cli("import", "--language", "ar", "--date", "2026-11-05T09:00:00+00:00", "dump_ar.txt")
    slugs = [p.stem for p, _ in articles(site)]
    assert [s.rsplit("-", 1)[0] for s in slugs] == ["iraq", "sudan", "saudi-arabia", "egypt"]
    assert all(re.fullmatch(r"[a-z-]+-[0-9a-f]{8}", s) for s in slugs), slugs


def test_imported_arabic_articles_build(site):
    run_cli("import", "--language", "ar", "--date", "2026-11-05T09:00:00+00:00", "dump_ar.txt")
    config = load_config(site / "site.toml", root=site)
    loaded = load_articles(config)
    assert sorted(a.lang for a in loaded) == ["ar"] * 4
    assert all(a.url_path.isascii() for a in loaded)


def test_reimport_is_unchanged(site, capsys):
    args = ("import", "--language", "ar", "--date", "2026-11-05T09:00:00+00:00", "dump_ar.txt")
    run_cli(*args)
    capsys.readouterr()
    run_cli(*args)
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()[:4]] == [
        "unchanged"
    ] * 4


def test_unknown_language_is_a_usage_error(site, capsys):
    assert run_cli("import", "--language", "klingon", "dump_ar.txt") == 2
    assert "unknown language 'klingon'" in capsys.readouterr().err


def test_without_language_no_lang_is_written(site):
    run_cli("import", "--date", "2026-11-05T09:00:00+00:00", "dump_ar.txt")
    assert all("lang" not in m for _, m in articles(site))


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Desk</title><link>https://example.org/</link>
<description>d</description><language>{language}</language>
<item><title>{title}</title><link>https://example.org/news/{slug}</link>
<guid>https://example.org/news/{slug}</guid><pubDate>Thu, 05 Nov 2026 09:00:00 GMT</pubDate>
<description>{text}</description></item></channel></rss>"""


def test_a_feeds_own_language_is_recorded_when_it_is_not_the_sites(site):
    (site / "site.toml").write_text('title = "News"\n', encoding="utf-8")
    (site / "ar.xml").write_text(
        RSS.format(
            language="ar",
            title="انفجار في بغداد",
            slug="baghdad-blast",
            text="قالت الشرطة العراقية إن انفجارا وقع في بغداد.",
        ),
        encoding="utf-8",
    )
    (site / "en.xml").write_text(
        RSS.format(
            language="en-us",
            title="Blast in Baghdad",
            slug="blast",
            text="Iraqi police said a blast hit Baghdad.",
        ),
        encoding="utf-8",
    )
    assert run_cli("import", "ar.xml", "en.xml") == 0
    by_slug = {p.stem: m for p, m in articles(site)}
    assert by_slug["baghdad-blast"]["lang"] == "ar"  # slug from the article's URL
    assert by_slug["baghdad-blast"]["region"] == "middle-east"
    assert "lang" not in by_slug["blast-in-baghdad"]


@pytest.mark.parametrize(
    "title, url, countries, expected",
    [
        ("Blast in Baghdad kills three", "", ("Iraq",), "blast-in-baghdad-kills-three"),
        ("Sudan’s army retakes town", "", ("Sudan",), "sudans-army-retakes-town"),
        (
            "انفجار في بغداد",
            "https://aawsat.com/news/iraq-market-blast",
            ("Iraq",),
            "iraq-market-blast",
        ),
        ("انفجار في بغداد", "https://example.org/news/blast.html", ("Iraq",), "blast"),
        ("انفجار في بغداد", "https://aawsat.com/node/5074123", ("Iraq",), "iraq-"),
        (
            "انفجار في بغداد",
            "https://aawsat.com/%D8%A8%D8%BA%D8%AF%D8%A7%D8%AF",
            ("Iraq",),
            "iraq-",
        ),
        ("انفجار", "", (), "article-"),
    ],
)
def test_title_slug(title, url, countries, expected):
    slug = title_slug(title, url, countries, "urn:uuid:0")
    assert slug.startswith(expected) and slug.isascii()
    if expected.endswith("-"):
        assert re.fullmatch(re.escape(expected) + "[0-9a-f]{8}", slug)


@pytest.mark.parametrize(
    "text, country",
    [
        ("وصل الوفد إلى الخرطوم أمس.", "Sudan"),
        ("قال مسؤولون عراقيون إن الهجوم وقع ليلا.", "Iraq"),
        ("أعلنت الحكومة المصرية خطة جديدة.", "Egypt"),
        ("زار الوزير للسعودية الأسبوع الماضي.", "Saudi Arabia"),
        ("وقالت وزارة الخارجية الاسرائيلية إن المحادثات مستمرة.", "Israel"),
        ("التقى المبعوث مسؤولين في دولة الإمارات.", "UAE"),
    ],
)
def test_arabic_names_with_proclitics_demonyms_and_bare_alef(text, country):
    found = classify("", [text], DEFAULT_REGIONS)
    assert found.countries[:1] == (country,), found.explain()


def test_financial_is_not_mali_and_the_city_is_not_medina():
    found = classify("خبر عاجل", ["أعلن البنك عن دعم مالي جديد للمدينة."], DEFAULT_REGIONS)
    assert found.countries == () and found.region == "world"
