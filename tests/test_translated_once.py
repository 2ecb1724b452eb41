"""The theme's words: a message with nothing to fill in is translated once per template
environment, and keeps its escaping."""

from __future__ import annotations

import collections

from site_builder import i18n
from site_builder.config import load_config
from site_builder.render import templates


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
