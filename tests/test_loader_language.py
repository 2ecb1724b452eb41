"""Front matter `lang` and `translation_of`: read, checked, kept through the build state."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from articles import load_articles

from site_builder.config import load_config
from site_builder.errors import ErrorList
from site_builder.model import from_json, to_json

NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
HEAD = "---\nid: {id}\ntitle: T\ndate: 2026-02-10T08:00:00+00:00\nregion: world\n"


def load(tmp_path: Path, files: dict[str, str]):
    for name, text in files.items():
        path = tmp_path / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    config = load_config(tmp_path / "site.toml", root=tmp_path)
    return load_articles(config, now=NOW)


def test_lang_and_translation_of_are_read(tmp_path):
    articles = load(
        tmp_path,
        {
            "world/a.md": HEAD.format(id="urn:a") + "---\nx\n",
            "world/b.md": HEAD.format(id="urn:b") + "lang: ar\ntranslation_of: urn:a\n---\nx\n",
        },
    )
    by_id = {a.id: a for a in articles}
    assert (by_id["urn:a"].lang, by_id["urn:a"].translation_of) == ("", "")
    assert (by_id["urn:b"].lang, by_id["urn:b"].translation_of) == ("ar", "urn:a")
    assert from_json(to_json(by_id["urn:b"]), by_id["urn:b"].path) == by_id["urn:b"]


def test_an_old_build_state_without_the_keys_still_loads(tmp_path):
    (article,) = load(tmp_path, {"world/a.md": HEAD.format(id="urn:a") + "---\nx\n"})
    stored = to_json(article)
    del stored["lang"], stored["translation_of"]
    assert from_json(stored, article.path) == article


@pytest.mark.parametrize(
    "extra, message, line",
    [
        ("lang: klingon\n", "'lang': unknown language 'klingon'", 6),
        ("lang: [ar]\n", "'lang': expected a string, got a list", 6),
        (
            "translation_of: urn:a\n",
            "'translation_of': expected the id of another article, got 'urn:a'",
            6,
        ),
        ("translation_of: two words\n", "'translation_of': expected the id of another article", 6),
    ],
)
def test_bad_values_name_file_and_line(tmp_path, extra, message, line):
    with pytest.raises(ErrorList) as info:
        load(tmp_path, {"world/a.md": HEAD.format(id="urn:a") + extra + "---\nx\n"})
    (error,) = info.value.errors
    assert message in str(error) and f"a.md:{line}:" in str(error), str(error)
