"""What a page's template calls cost Jinja: no context copied for `_()` in a loop, no
lookup per global for each include of a template that imports a macro, no macro imported
by a teaser without a picture, the calls to plain functions kept as Jinja makes them
(context, environment, loop variables), and what a page writes escaped as markupsafe
escapes it."""

from __future__ import annotations

import collections
import datetime as dt
from pathlib import Path

import jinja2
import jinja2.runtime
import markupsafe
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from site_builder.config import load_config
from site_builder.engine.build import build_site
from site_builder.render import templates

NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
ARTICLE = (
    "---\nid: {n}\ntitle: Story {n}\ndate: 2026-02-0{n}T08:00:00+00:00\nregion: world\n"
    "tags: [Oil, Gas]\ncountries: [Iraq, Iran]\n---\nText.\n"
)


def _site(tmp_path: Path, toml: str = ""):
    (tmp_path / "content/world").mkdir(parents=True)
    for n in range(1, 6):
        (tmp_path / f"content/world/s{n}.md").write_text(ARTICLE.format(n=n), encoding="utf-8")
    (tmp_path / "site.toml").write_text(toml, encoding="utf-8")
    return load_config(tmp_path / "site.toml", root=tmp_path)


def _counting(monkeypatch, owner: type, name: str, counts: collections.Counter) -> None:
    real = getattr(owner, name)

    def counted(*args, **kwargs):
        counts[name] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)


def test_building_the_theme_copies_no_context_and_looks_up_no_global_per_include(
    tmp_path, monkeypatch
):
    config = _site(tmp_path, 'language = "ar"\n')
    counts: collections.Counter = collections.Counter()
    _counting(monkeypatch, jinja2.runtime.Context, "derived", counts)
    _counting(monkeypatch, collections.ChainMap, "__contains__", counts)
    _counting(monkeypatch, jinja2.Template, "_get_default_module", counts)
    build_site(config, now=NOW)
    page = (config.output_dir / "articles/2026/02/s1/index.html").read_text(encoding="utf-8")
    assert "الوسوم:" in page and "المزيد من العالم" in page  # _() in loops, translated
    home = (config.output_dir / "index.html").read_text(encoding="utf-8")
    assert home.count('class="teaser') >= 5  # each teaser includes and imports a macro
    assert counts["derived"] == 0
    assert counts["__contains__"] == 0
    assert counts["_get_default_module"] == 5  # article.html's picture macro; no teaser's


@pytest.fixture
def env(tmp_path):
    (tmp_path / "site.toml").write_text('title = "T"\n', encoding="utf-8")
    return templates.environment(load_config(tmp_path / "site.toml", root=tmp_path))


def test_functions_a_template_calls_get_what_jinja_gives_them(env):
    @jinja2.pass_context
    def seen(context, name):
        return context.resolve(name)

    @jinja2.pass_environment
    def autoescaping(environment):
        return environment.autoescape

    @jinja2.pass_eval_context
    def escaping(eval_ctx):
        return eval_ctx.autoescape

    class Callable:
        def __call__(self, value):
            return value * 2

    def stops():
        raise StopIteration

    env.globals.update(
        seen=seen, autoescaping=autoescaping, escaping=escaping, twice=Callable(), stops=stops
    )
    page = env.from_string(
        "{% for x in [1, 2] %}{% set y = x * 10 %}{{ seen('y') }},{% endfor %}"
        "{{ autoescaping() }} {{ escaping() }} {{ twice(3) }} {{ region_name is defined }}"
        "{% autoescape false %} {{ escaping() }}{% endautoescape %}"
    )
    assert page.render() == "10,20,True True 6 True False"
    macros = env.from_string(
        "{% macro m(v) %}<{{ v }}{{ caller() if caller is defined }}>{% endmacro %}"
        "{% for x in 'ab' %}{% set y = x ~ '!' %}{{ m(y) }}{{ x.startswith('a') }}"
        "{{ {'a': 1}.get(x, 0) }}{% call m(x) %}c{% endcall %},{% endfor %}"
    )
    assert macros.render() == "<a!>True1<ac>,<b!>False0<bc>,"
    with pytest.raises(jinja2.UndefinedError, match="StopIteration"):
        env.from_string("{{ stops() }}").render()


def test_an_imported_macro_sees_the_globals_of_the_template_that_imports_it(env):
    env.loader = jinja2.DictLoader(
        {
            "m.html": "{% macro show() %}{{ word | default('none') }}{% endmacro %}",
            "t.html": '{% from "m.html" import show %}{{ show() }}',
        }
    )
    assert env.get_template("t.html").render() == "none"
    env.cache.clear()
    assert env.get_template("t.html", globals={"word": "its own"}).render() == "its own"


def test_a_watched_site_shows_its_new_time_zone_and_region_names_after_a_reload(tmp_path):
    """The theme's `localtime` zone and the teasers' regions are taken once per
    environment and renderer: a reloaded site.toml must make both again."""
    from site_builder.engine.pipeline import Engine

    config = _site(tmp_path)
    toml = tmp_path / "site.toml"
    engine = Engine(
        config,
        in_place=True,
        now=lambda: NOW,
        reload_config=lambda: load_config(toml, root=tmp_path),
    )

    def shown() -> tuple[str, str]:
        home = (config.output_dir / "index.html").read_text(encoding="utf-8")
        article = (config.output_dir / "articles/2026/02/s1/index.html").read_text("utf-8")
        return home, article

    try:
        engine.build()
        home, article = shown()
        assert "1 February 2026, 08:00 UTC" in article and "World</a>" in home
        toml.write_text(
            'timezone = "Asia/Dubai"\n[regions.world]\nname = "Elsewhere"\n', encoding="utf-8"
        )
        engine.build({toml})
        home, article = shown()
    finally:
        engine.close()
    assert "1 February 2026, 12:00 +04" in article
    assert "World</a>" not in home and "Elsewhere</a>" in home


class _Html:
    def __html__(self):
        return "<i>its own</i>"


class _Text(str):
    pass


@given(
    st.text()
    | st.text().map(Markup)
    | st.text().map(_Text)
    | st.integers()
    | st.floats()
    | st.none()
    | st.just(_Html())
)
def test_a_page_escapes_what_it_writes_as_markupsafe_does(value):
    escaped = templates._escape(value)
    assert type(escaped) is Markup and escaped == markupsafe.escape(value)


def test_every_template_writes_through_the_quicker_escape(env, tmp_path):
    env.loader = jinja2.DictLoader({"t.html": "{{ a }}{% macro m(x) %}{{ x }}{% endmacro %}"})
    for template in (env.get_template("t.html"), env.from_string("{{ a }}")):
        assert template.root_render_func.__globals__["escape"] is templates._escape
    page = env.from_string(
        "{{ a }}|{{ b }}|{{ c }}|{{ d }}|{% set e %}<p>{{ a }}</p>{% endset %}{{ e }}"
    )
    assert page.render(a="<&>'\"", b=Markup("<b>"), c=3, d=_Html()) == (
        "&lt;&amp;&gt;&#39;&#34;|<b>|3|<i>its own</i>|<p>&lt;&amp;&gt;&#39;&#34;</p>"
    )
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()
