"""site.toml: defaults, overrides, and one-line errors that name the file and line."""

from __future__ import annotations

import pytest

from site_builder.config import DEFAULT_REGIONS, load_config
from site_builder.errors import ConfigError


def write(tmp_path, text):
    path = tmp_path / "site.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_without_site_toml_the_defaults_work(tmp_path):
    config = load_config(tmp_path / "site.toml", root=tmp_path)
    assert config.regions == DEFAULT_REGIONS
    assert config.content_dir == tmp_path / "content"
    assert config.base_path == "/"
    assert config.feed_entries == 50 and config.per_page == 20


def test_values_and_sub_path(tmp_path):
    config = load_config(write(tmp_path, 'base_url = "https://example.org/news/"\nper_page = 5\n'))
    assert config.base_path == "/news/" and config.per_page == 5
    assert (
        load_config(write(tmp_path, 'base_url = "https://example.org/news"\n')).base_path
        == "/news/"
    )


def test_command_line_overrides_win(tmp_path):
    config = load_config(
        write(tmp_path, 'base_url = "https://a.org/"\n'),
        {"base_url": "https://b.org/x/", "output_dir": "public"},
    )
    assert config.base_url == "https://b.org/x/" and config.output_dir == tmp_path / "public"


@pytest.mark.parametrize(
    "text, message, line",
    [
        ('title = "x"\ncolour = "red"\n', "unknown key 'colour'", 2),
        ('per_page = "ten"\n', "'per_page': expected a positive integer, got a string", 1),
        ('title = "x"\nper_page = 0\n', "'per_page': expected a positive integer, got 0", 2),
        ("search = 1\n", "'search': expected true or false, got an integer", 1),
        ('feed_content = "some"\n', "'feed_content': expected 'full' or 'summary'", 1),
        ('timezone = "Mars/Olympus"\n', "unknown time zone 'Mars/Olympus'", 1),
        ('base_url = "example.org"\n', "'base_url': expected an absolute http(s) URL", 1),
        ('title = "x"\ntitle = "y"\n', "invalid TOML", 2),
        ('[regions.Gulf]\nname = "G"\n', "region slug 'Gulf'", 1),
        ("[regions.gulf]\nflag = 1\n", "unknown key 'flag'", 1),
    ],
)
def test_errors_name_file_line_and_problem(tmp_path, text, message, line):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert message in str(info.value)
    assert str(info.value).startswith(f"{tmp_path / 'site.toml'}:{line}: ")


def test_regions_override_and_extend(tmp_path):
    config = load_config(
        write(
            tmp_path,
            """
[regions.gulf]
countries = ["Saudi Arabia", "Yemen"]

[regions.levant]
name = "Levant"
countries = ["Syria", "Lebanon"]
""",
        )
    )
    slugs = [r.slug for r in config.regions]
    assert slugs[-1] == "world" and "levant" in slugs
    assert config.region("gulf").name == "Gulf"
    assert config.region("gulf").countries == ("Saudi Arabia", "Yemen")
    assert config.region("levant").countries == ("Syria", "Lebanon")
