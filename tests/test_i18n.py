"""The site's language: Babel formatting, directions, country names, <bdi>, catalogues."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from markupsafe import Markup

from site_builder import gazetteer, i18n
from site_builder.config import DEFAULT_REGIONS

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "site_builder" / "locale"
MOMENT = dt.datetime(2026, 11, 5, 14, 30, tzinfo=ZoneInfo("UTC"))


# --- dates and numbers ----------------------------------------------------------------------


def test_english_keeps_the_themes_day_month_year_and_24_hour_clock():
    assert i18n.long_date(MOMENT, "en") == "5 November 2026"
    assert i18n.time_of_day(MOMENT, "en") == "14:30 UTC"
    assert i18n.month_name("2026/11", "en") == "November 2026"


def test_us_english_gets_cldr_us_patterns():
    assert i18n.long_date(MOMENT, "en-US") == "November 5, 2026"


def test_arabic_month_names_with_latin_digits_by_default():
    assert i18n.long_date(MOMENT, "ar") == "5 نوفمبر 2026"
    assert i18n.month_name("2026/11", "ar") == "نوفمبر 2026"
    assert i18n.time_of_day(MOMENT, "ar") == "2:30 م UTC"


def test_arabic_indic_digits_on_request():
    assert i18n.long_date(MOMENT, "ar", "arab") == "٥ نوفمبر ٢٠٢٦"
    assert i18n.month_name("2026/02", "ar", "arab") == "فبراير ٢٠٢٦"
    assert i18n.number(1234, "ar", "arab") == "١٬٢٣٤"
    assert i18n.number(1234, "ar", "latn") == "1,234"


def test_default_digits_follow_cldr():
    assert i18n.default_digits("ar") == "latn"
    assert i18n.default_digits("ar-EG") == "arab"
    assert i18n.default_digits("en") == "latn"
    assert i18n.long_date(MOMENT, "ar-EG") == "٥ نوفمبر ٢٠٢٦"


def test_time_of_day_in_the_articles_own_zone():
    beirut = MOMENT.astimezone(ZoneInfo("Asia/Beirut"))
    assert i18n.time_of_day(beirut, "en") == "16:30 EET"


@pytest.mark.parametrize(
    "minutes, expected",
    [
        (1, "دقيقة واحدة للقراءة"),
        (2, "دقيقتان للقراءة"),
        (5, "5 دقائق للقراءة"),
        (11, "11 دقيقة للقراءة"),
        (100, "100 دقيقة للقراءة"),
    ],
)
def test_arabic_reading_time_uses_the_six_plural_forms(minutes, expected):
    assert i18n.reading_time(minutes, "ar") == expected


def test_reading_time_in_english_and_with_arabic_digits():
    assert i18n.reading_time(1, "en") == "1 min read"
    assert i18n.reading_time(3, "en") == "3 min read"
    assert i18n.reading_time(7, "ar", "arab") == "٧ دقائق للقراءة"


def test_unknown_language_is_a_value_error_naming_it():
    with pytest.raises(ValueError, match="unknown language 'xx'"):
        i18n.long_date(MOMENT, "xx")


# --- direction and names ------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ar", "he", "fa", "ur", "ar-EG", "ps"])
def test_right_to_left_languages(language):
    assert i18n.text_direction(language) == "rtl"


@pytest.mark.parametrize("language", ["en", "en-GB", "fr", "tr", "sw"])
def test_left_to_right_languages(language):
    assert i18n.text_direction(language) == "ltr"


def test_country_names_from_cldr():
    assert i18n.country_name("Iraq", "ar") == "العراق"
    assert i18n.country_name("UAE", "ar") == "الإمارات العربية المتحدة"
    assert i18n.country_name("United Arab Emirates", "ar") == "الإمارات العربية المتحدة"
    assert i18n.country_name("Sudan", "fr") == "Soudan"
    assert i18n.country_name("Iraq", "en") == "Iraq"


def test_country_without_an_iso_code_keeps_its_english_name():
    assert i18n.country_name("Somaliland", "ar") == "Somaliland"
    assert i18n.country_name("Atlantis", "ar") == "Atlantis"


def test_every_country_of_the_named_regions_has_a_code():
    named = [c for region in DEFAULT_REGIONS for c in region.countries if c != "Somaliland"]
    assert [c for c in named if i18n.iso_code(c) is None] == []


def test_most_gazetteer_countries_have_a_code():
    missing = [c for c in gazetteer.load().countries if i18n.iso_code(c) is None]
    assert len(missing) <= 5, missing


# --- bidi isolation ------------------------------------------------------------------------


def test_isolate_wraps_in_bdi_and_escapes():
    assert i18n.isolate("5 <November>") == Markup("<bdi>5 &lt;November&gt;</bdi>")
    assert i18n.isolate("2026", "ltr") == Markup('<bdi dir="ltr">2026</bdi>')
    assert i18n.isolate(Markup("<time>x</time>")) == Markup("<bdi><time>x</time></bdi>")
    assert type(i18n.isolate("x")) is Markup  # the page does not escape it again


def test_isolate_rejects_other_directions():
    with pytest.raises(ValueError):
        i18n.isolate("x", "up")


# --- catalogues and Jinja ----------------------------------------------------------------------


def _env(language: str) -> jinja2.Environment:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    i18n.install(env, language)
    return env


def test_templates_speak_arabic():
    env = _env("ar")
    page = env.from_string(
        "{% trans %}Latest news{% endtrans %}|{{ _('Page %(number)s', number=3|number) }}"
        "|{{ when|longdate }}|{{ month_name('2026/11') }}|{{ reading_time(2) }}"
    )
    assert page.render(when=MOMENT) == (
        "آخر الأخبار|الصفحة 3|5 نوفمبر 2026|نوفمبر 2026|دقيقتان للقراءة"
    )


def test_trans_blocks_are_trimmed_and_values_escaped():
    env = _env("ar")
    page = env.from_string("{% trans name=name %}\n  Follow {{ name }}:\n{% endtrans %}")
    assert page.render(name="<Gulf>") == "تابع &lt;Gulf&gt;:"


def test_plural_trans_block_in_arabic():
    env = _env("ar")
    page = env.from_string(
        "{% trans count=n, num=n|number %}{{ num }} article{% pluralize %}"
        "{{ num }} articles{% endtrans %}"
    )
    assert [page.render(n=n) for n in (1, 2, 4, 12)] == [
        "مقال واحد",
        "مقالان",
        "4 مقالات",
        "12 مقالًا",
    ]


def test_english_site_reads_as_the_theme_writes():
    env = _env("en")
    page = env.from_string("{% trans %}Latest news{% endtrans %} · {{ when|longdate }}")
    assert page.render(when=MOMENT) == "Latest news · 5 November 2026"


def test_a_language_without_catalogue_stays_in_english():
    assert i18n.translations("sw").gettext("Latest news") == "Latest news"


def test_a_regional_variant_uses_its_languages_catalogue():
    assert i18n.translations("ar-EG").gettext("Subscribe") == "اشترك"


def _catalog(path: Path):
    return read_po(io.BytesIO(path.read_bytes()))


def _messages(path: Path) -> dict:
    return {
        (m.context, m.id if isinstance(m.id, str) else m.id[0]): m for m in _catalog(path) if m.id
    }


PLACEHOLDER = re.compile(r"%\((\w+)\)s")
TAG = re.compile(r"</?\w+[^>]*>")


def test_catalogues_and_template_have_the_same_messages():
    template = _messages(LOCALE / "messages.pot")
    assert set(_messages(LOCALE / "en/LC_MESSAGES/messages.po")) == set(template)
    assert set(_messages(LOCALE / "ar/LC_MESSAGES/messages.po")) == set(template)
    assert i18n.catalogue_languages() == ("ar", "en")


@pytest.mark.parametrize("language", ["ar", "en"])
def test_every_message_is_translated_with_its_placeholders_and_tags(language):
    for key, message in _messages(LOCALE / language / "LC_MESSAGES/messages.po").items():
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert all(s.strip() for s in strings), f"{key}: empty translation"
        wanted = set(PLACEHOLDER.findall(" ".join(ids)))
        for number, string in enumerate(strings):
            found = set(PLACEHOLDER.findall(string))
            # Arabic says "one article" and "two articles" without a number (forms 1 and 2).
            optional = isinstance(message.id, tuple) and language == "ar" and number in (1, 2)
            assert found <= wanted if optional else found == wanted, (key, string)
            assert sorted(TAG.findall(string)) == sorted(TAG.findall(ids[0])), (key, string)
        assert not message.fuzzy, key


def test_no_theme_string_outside_the_catalogue():
    """What `pybabel extract -F babel.cfg ... templates/ site_builder/` finds is all known."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    known = set(i18n.msgids("en"))
    found = []
    for folder in ("templates", "site_builder"):
        for filename, line, message, _comments, _context in extract_from_dir(
            str(ROOT / folder), method_map, options_map
        ):
            msgid = message if isinstance(message, str) else message[0]
            if msgid not in known:
                found.append(f"{folder}/{filename}:{line}: {msgid!r}")
    assert found == []


def test_extracting_again_keeps_every_message_of_the_catalogue():
    """`pybabel extract` then `pybabel update` must not drop a message: every msgid of the
    catalogue is found in the templates or the code (marked with _(), N_() or pgettext)."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = set()
    for folder in ("templates", "site_builder"):
        for _filename, _line, message, _comments, _context in extract_from_dir(
            str(ROOT / folder), method_map, options_map
        ):
            found.add(message if isinstance(message, str) else message[0])
    assert set(i18n.msgids("en")) - found == set()


# --- compiled catalogues kept in the build cache ----------------------------------------------


def test_a_compiled_catalogue_is_kept_and_read_as_compiled(tmp_path, monkeypatch):
    """The shipped Arabic catalogue compiled once into the folder, then read from it: the
    same words and plural forms as compiled afresh, and Babel's parser not asked again."""
    folder = tmp_path / "catalogues"
    i18n._translations.cache_clear()
    first = i18n.translations("ar", "", str(folder))
    assert [p.suffix for p in folder.iterdir()] == [".mo"]
    i18n._translations.cache_clear()
    import babel.messages.pofile

    def refused(*args, **kwargs):
        raise AssertionError("compiled again")

    monkeypatch.setattr(babel.messages.pofile, "read_po", refused)
    kept = i18n.translations("ar", "", str(folder))
    monkeypatch.undo()
    i18n._translations.cache_clear()
    fresh = i18n.translations("ar")
    for catalogue in (first, kept):
        assert catalogue.gettext("Subscribe") == fresh.gettext("Subscribe") == "اشترك"
        for n in (0, 1, 2, 3, 11, 100):
            assert catalogue.ngettext("%(minutes)s min read", "%(minutes)s min read", n) == (
                fresh.ngettext("%(minutes)s min read", "%(minutes)s min read", n)
            )


@pytest.mark.parametrize("damage", [b"", b"not a catalogue", b"\xde\x12\x04\x95" + b"\0" * 9])
def test_a_damaged_kept_catalogue_is_compiled_again(tmp_path, damage):
    folder = tmp_path / "catalogues"
    i18n._translations.cache_clear()
    i18n.translations("ar", "", str(folder))
    (kept,) = folder.iterdir()
    kept.write_bytes(damage)
    i18n._translations.cache_clear()
    assert i18n.translations("ar", "", str(folder)).gettext("Subscribe") == "اشترك"
    assert kept.read_bytes() != damage  # and kept again
    i18n._translations.cache_clear()


def test_a_cache_folder_that_cannot_be_written_compiles_in_memory(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_bytes(b"")
    i18n._translations.cache_clear()
    assert i18n.translations("ar", "", str(blocked / "catalogues")).gettext("Subscribe") == "اشترك"
    i18n._translations.cache_clear()


def test_an_edited_site_catalogue_replaces_its_kept_one(tmp_path):
    """One kept catalogue per language and kind (the theme's, the site's): an edit of the
    site's .po is compiled and kept in place of the last one, the theme's stays."""
    folder = tmp_path / "catalogues"
    po = tmp_path / "locale" / "ar" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    for word in ("اشترك الآن", "اشترك اليوم"):
        po.write_text(
            'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            f'msgid "Subscribe"\nmsgstr "{word}"\n',
            encoding="utf-8",
        )
        i18n._translations.cache_clear()
        catalogue = i18n.translations("ar", str(tmp_path / "locale"), str(folder))
        assert catalogue.gettext("Subscribe") == word
        assert catalogue.gettext("Latest news") == i18n.translations("ar").gettext("Latest news")
        assert sorted(p.name.split("-")[0] for p in folder.iterdir()) == ["site", "theme"]
    i18n._translations.cache_clear()
