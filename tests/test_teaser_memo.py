"""Each article's teaser is rendered once per build for each different card it makes, and
reused by every listing that shows the same card (render/partials.py); editing the teaser
still re-renders every page that shows one, and a teaser that reads its page is rendered
for each page."""

from __future__ import annotations

import collections
import shutil

import lxml.html
import pytest
from conftest import REPO
from test_incremental import Watching, article, assert_same_as_clean

from site_builder import i18n
from site_builder.config import load_config
from site_builder.engine import stages
from site_builder.render import templates

# What makes one card differ from another: its article, the listing's switches, and the
# answers of the page's `url` and `pictures` (relative links differ with the page's folder).
COUNTED = (
    "{{ teaser_rendered(article.id, style, level, teaser_time|default(false), "
    "teaser_compact|default(false), teaser_region|default(true), url(article.url_path), "
    "url(region_path(article.region)), thumb.src if thumb else none) }}"
)


@pytest.fixture
def site(tmp_path, monkeypatch):
    """The repository's content and 30 articles more, 3 a page: listings by the hundred."""
    monkeypatch.setattr(stages, "PARALLEL_RENDER", 10**9)  # rendered here, where we count
    shutil.copytree(REPO / "content", tmp_path / "content")
    (tmp_path / "site.toml").write_text(
        'title = "Teaser Desk"\nper_page = 3\nbase_url = "https://example.org/news/"\n',
        encoding="utf-8",
    )
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    gulf = tmp_path / "content" / "gulf"
    gulf.mkdir(exist_ok=True)
    for n in range(1, 31):
        country = ("Qatar", "Oman", "Kuwait")[n % 3]
        (gulf / f"article-{n}.md").write_text(article(n, country=country), encoding="utf-8")
    return tmp_path


def pages(site):
    for path in sorted((site / "output").rglob("*.html")):
        yield path, lxml.html.fromstring(path.read_bytes())


def teasers(doc):
    return doc.xpath("//article[contains(concat(' ', @class, ' '), ' teaser ')]")


def test_a_teaser_is_rendered_once_for_every_listing_that_shows_it(site):
    teaser = site / "templates" / "_teaser.html"
    text = teaser.read_text(encoding="utf-8")
    anchor = '<article class="teaser '
    assert anchor in text  # the theme's teaser, counting each time it is really rendered
    teaser.write_text(text.replace(anchor, COUNTED + anchor, 1), encoding="utf-8")
    builder = Watching(load_config(site / "site.toml"))
    rendered: collections.Counter = collections.Counter()
    builder.engine.env.globals["teaser_rendered"] = lambda *card: rendered.update([card]) or ""
    builder.rebuild(None)

    shown = sum(len(teasers(doc)) for _, doc in pages(site))
    twice = [card for card, times in rendered.items() if times > 1]
    assert twice == []  # each different card rendered once
    assert len({card[0] for card in rendered}) >= 30
    assert shown > 2 * sum(rendered.values())  # and shown on more than twice as many pages

    rendered.clear()  # the next build renders them again: the memo lives one build
    (site / "templates" / "article.html").write_text(
        (REPO / "templates" / "article.html").read_text(encoding="utf-8") + "{# edited #}\n",
        encoding="utf-8",
    )
    builder.rebuild({site / "templates" / "article.html"})
    assert rendered and max(rendered.values()) == 1


def test_editing_the_teaser_re_renders_every_page_that_shows_one(site):
    builder = Watching(load_config(site / "site.toml"))
    builder.rebuild(None)
    with_teasers = {path for path, doc in pages(site) if teasers(doc)}
    assert len(with_teasers) > 50

    teaser = site / "templates" / "_teaser.html"
    text = teaser.read_text(encoding="utf-8")
    edited = text.replace('class="teaser {{ style }}', 'class="teaser card {{ style }}')
    assert edited != text
    teaser.write_text(edited, encoding="utf-8")
    builder.rebuild({teaser})

    for path, doc in pages(site):
        classes = [t.get("class").split() for t in teasers(doc)]
        assert all("card" in c for c in classes), path
    assert with_teasers == {path for path, doc in pages(site) if teasers(doc)}
    assert_same_as_clean(site)


def test_a_teaser_that_reads_its_page_is_rendered_for_each_page(site):
    teaser = site / "templates" / "_teaser.html"
    text = teaser.read_text(encoding="utf-8")
    anchor = '<article class="teaser '
    assert anchor in text
    teaser.write_text(
        text.replace(anchor, '<article data-on="{{ page.path }}" class="teaser '), encoding="utf-8"
    )
    Watching(load_config(site / "site.toml")).rebuild(None)

    checked = 0
    for path, doc in pages(site):
        folder = path.parent.relative_to(site / "output").as_posix()
        for card in teasers(doc):
            assert card.get("data-on") == ("" if folder == "." else folder + "/")
            checked += 1
    assert checked > 100


class _Counting:
    """A catalogue that counts what it is asked."""

    def __init__(self, real, asked):
        self.real, self.asked = real, asked

    def gettext(self, message):
        self.asked[message] += 1
        return self.real.gettext(message)

    def ngettext(self, *args):
        return self.real.ngettext(*args)

    def pgettext(self, *args):
        return self.real.pgettext(*args)

    def npgettext(self, *args):
        return self.real.npgettext(*args)


def test_a_message_with_nothing_to_fill_in_is_translated_once_and_keeps_its_escaping(
    tmp_path, monkeypatch
):
    asked: collections.Counter = collections.Counter()
    real = i18n.translations
    monkeypatch.setattr(i18n, "translations", lambda *args: _Counting(real(*args), asked))
    (tmp_path / "site.toml").write_text('title = "T"\nlanguage = "ar"\n', encoding="utf-8")
    env = templates.environment(load_config(tmp_path / "site.toml", root=tmp_path))
    page = env.from_string(
        '{{ _("Archive") }}|{{ _("Archive") ~ "<b>" }}|{{ _("Follow %(name)s:", name="<X>") }}'
        '{% autoescape false %}|{{ _("Archive") ~ "<b>" }}{% endautoescape %}'
    )
    for _ in range(3):
        assert page.render() == "الأرشيف|الأرشيف&lt;b&gt;|تابع &lt;X&gt;:|الأرشيف<b>"
    assert asked["Archive"] == 2  # once escaped, once not: not nine times
    assert asked["Follow %(name)s:"] == 3  # with values to fill in: asked each time
