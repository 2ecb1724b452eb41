"""site.toml's language keys: dir and digits from the language, [languages.<code>] tables."""

from __future__ import annotations

import pytest

from site_builder.config import Language, load_config
from site_builder.errors import ConfigError


def write(tmp_path, text):
    path = tmp_path / "site.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_dir_and_digits_follow_the_language(tmp_path):
    config = load_config(write(tmp_path, 'language = "ar"\n'))
    assert (config.dir, config.digits) == ("rtl", "latn")
    config = load_config(write(tmp_path, 'language = "ar-EG"\n'))
    assert (config.dir, config.digits) == ("rtl", "arab")
    config = load_config(write(tmp_path, 'language = "he"\n'))
    assert config.dir == "rtl"


def test_english_and_no_site_toml_stay_left_to_right(tmp_path):
    assert load_config(tmp_path / "site.toml", root=tmp_path).dir == "ltr"
    assert load_config(write(tmp_path, 'language = "en"\n')).digits == "latn"


def test_written_dir_and_digits_win(tmp_path):
    config = load_config(write(tmp_path, 'language = "ar"\ndir = "ltr"\ndigits = "arab"\n'))
    assert (config.dir, config.digits) == ("ltr", "arab")


BILINGUAL = """title = "Regional News"
language = "en"

[languages.en]
title = "Regional News"
path = "/en/"

[languages.ar]
title = "أخبار المناطق"
description = "أخبار المناطق مع خلاصاتها"
path = "/ar/"
digits = "arab"

[languages.ar.regions]
middle-east = "الشرق الأوسط"
gulf = "الخليج"
"""


def test_languages_tables(tmp_path):
    config = load_config(write(tmp_path, BILINGUAL))
    en, ar = config.languages
    assert en == Language("en", "Regional News", "", "/en/", "ltr", "latn", (), line=4)
    assert (ar.code, ar.title, ar.path, ar.dir, ar.digits) == (
        "ar",
        "أخبار المناطق",
        "/ar/",
        "rtl",
        "arab",
    )
    assert ar.regions == (("middle-east", "الشرق الأوسط"), ("gulf", "الخليج"))
    assert ar.region_name(config.region("gulf")) == "الخليج"
    assert ar.region_name(config.region("europe")) == "Europe"


def test_a_language_path_defaults_to_its_code_and_one_may_sit_at_the_root(tmp_path):
    config = load_config(
        write(tmp_path, 'language = "ar"\n[languages.ar]\npath = "/"\n[languages.en]\n')
    )
    assert [(lang.code, lang.path) for lang in config.languages] == [("ar", "/"), ("en", "/en/")]


def test_one_language_site_has_no_languages(tmp_path):
    assert load_config(write(tmp_path, 'title = "x"\n')).languages == ()


@pytest.mark.parametrize(
    "text, message, line",
    [
        ('language = "xx"\n', "'language': unknown language 'xx'", 1),
        ('title = "x"\ndigits = "roman"\n', "'digits': expected 'latn' or 'arab', got 'roman'", 2),
        ("digits = 1\n", "'digits': expected 'latn' or 'arab', got an integer", 1),
        ('languages = "ar"\n', "'languages': expected tables such as [languages.ar]", 1),
        (
            'language = "en"\n[languages.en]\n[languages.qq]\n',
            "'languages.qq': unknown language 'qq'",
            3,
        ),
        (
            '[languages.en]\ntitle = "x"\ncolour = "red"\n',
            "'languages.en': unknown key 'colour' (known keys: description, digits, dir, path, "
            "regions, title)",
            3,
        ),
        (
            "[languages.en]\ntitle = 5\n",
            "'languages.en': 'title': expected a string, got an integer",
            2,
        ),
        ('[languages.en]\npath = "en"\n', "'languages.en': 'path': expected '/' or one folder", 2),
        (
            '[languages.en]\npath = "/a/b/"\n',
            "'languages.en': 'path': expected '/' or one folder",
            2,
        ),
        ('[languages.en]\npath = "/gulf/"\n', "'/gulf/' is already the address of a section", 2),
        ('[languages.en]\npath = "/tags/"\n', "'/tags/' is already the address of a section", 2),
        ('[languages.en]\ndir = "up"\n', "'languages.en': 'dir': expected 'ltr' or 'rtl'", 2),
        (
            '[languages.en]\ndigits = "x"\n',
            "'languages.en': 'digits': expected 'latn' or 'arab'",
            2,
        ),
        (
            '[languages.en]\n[languages.ar]\npath = "/en/"\n',
            "'languages.ar': path '/en/' is also the path of [languages.en]",
            2,
        ),
        (
            'language = "fr"\n[languages.en]\n[languages.ar]\n',
            "'language': 'fr' has no [languages.fr] table (languages: en, ar)",
            1,
        ),
        (
            '[languages.en]\n[languages.ar.regions]\nlevant = "الشام"\n',
            "'languages.ar.regions': unknown region 'levant' (regions: middle-east,",
            3,
        ),
        (
            '[languages.en]\n[languages.ar.regions]\ngulf = ""\n',
            "'languages.ar.regions.gulf': expected a name",
            3,
        ),
    ],
)
def test_errors_name_file_line_and_problem(tmp_path, text, message, line):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    shown = str(info.value)
    assert message in shown and f"{path}:{line}:" in shown and "\n" not in shown, shown
