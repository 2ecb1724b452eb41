"""A site in a language the package has no catalogue for: one warning that says how to fix
it, `site-builder translate` to start the site's own catalogue, and the build reading it."""

from __future__ import annotations

import shutil

import lxml.html
from conftest import REPO, run_cli

PO = "locale/fr/LC_MESSAGES/messages.po"


def _site(tmp_path, language: str):
    shutil.copytree(REPO / "content", tmp_path / "content")
    (tmp_path / "site.toml").write_text(
        f'title = "Desk"\nbase_url = "https://example.org/"\nlanguage = "{language}"\n',
        encoding="utf-8",
    )
    return tmp_path


def _heading(site) -> str:
    home = lxml.html.parse(str(site / "output" / "index.html"))
    return home.xpath("string(//main//h1)")


def test_a_language_without_a_catalogue_warns_once_and_says_how(tmp_path):
    site = _site(tmp_path, "fr")
    proc = run_cli("build", cwd=site)
    assert proc.returncode == 0
    warnings = [line for line in proc.stderr.splitlines() if "warning" in line]
    assert warnings == [
        "site.toml: warning: language 'fr' has no interface catalogue: the theme's words "
        f"stay in English; `site-builder translate fr` starts {PO}"
    ]
    assert _heading(site) == "Latest news"
    assert "warning" not in run_cli("build", "-q", cwd=site).stderr
    assert "warning" not in run_cli("build", cwd=_site(tmp_path / "ar", "ar")).stderr


def test_the_sites_own_catalogue_translates_the_theme(tmp_path):
    site = _site(tmp_path, "fr")
    run_cli("build", cwd=site, check=True)
    proc = run_cli("translate", "fr", cwd=site, check=True)
    assert f"wrote {PO}:" in proc.stderr
    po = site / PO
    text = po.read_text(encoding="utf-8")
    assert 'msgid "Latest news"\nmsgstr ""' in text and "Language: fr" in text
    po.write_text(
        text.replace('msgid "Latest news"\nmsgstr ""', 'msgid "Latest news"\nmsgstr "À la une"'),
        encoding="utf-8",
    )
    proc = run_cli("build", cwd=site, check=True)  # the state knows the catalogue changed
    assert _heading(site) == "À la une"
    assert "warning" not in proc.stderr
    # A second `translate` never writes over the translator's work.
    again = run_cli("translate", "fr", cwd=site)
    assert again.returncode == 1 and again.stderr.strip() == (
        f"{PO}: the site's catalogue exists: edit it (delete it to start again)"
    )
    assert "À la une" in po.read_text(encoding="utf-8")


def test_translate_starts_from_the_shipped_words_where_there_are_some(tmp_path):
    site = _site(tmp_path, "ar")
    run_cli("translate", "ar", cwd=site, check=True)
    po = (site / "locale/ar/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    assert 'msgid "Latest news"\nmsgstr "آخر الأخبار"' in po


def test_watch_reads_an_edited_catalogue(tmp_path):
    """A running watch (one engine, its memory kept) shows a catalogue edit on the next
    rebuild: the words are read again, every page re-rendered."""
    from site_builder.config import load_config
    from site_builder.engine.pipeline import Engine

    site = _site(tmp_path, "fr")
    run_cli("translate", "fr", cwd=site, check=True)
    po = site / PO
    config = load_config(site / "site.toml", root=site)
    engine = Engine(config, in_place=True, reload_config=lambda: config)
    try:
        engine.build()
        assert _heading(site) == "Latest news"
        text = po.read_text(encoding="utf-8")
        po.write_text(
            text.replace(
                'msgid "Latest news"\nmsgstr ""', 'msgid "Latest news"\nmsgstr "À la une"'
            ),
            encoding="utf-8",
        )
        engine.build(changed={po})
        assert _heading(site) == "À la une"
    finally:
        engine.close()
