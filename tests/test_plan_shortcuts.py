"""The plan's shortcuts give what the plain definitions give: "More from" counted rather
than sorted, country names read from the gazetteer's spellings rather than its matcher;
and the cycle collector, paused for the plan, is running again after it."""

from __future__ import annotations

import datetime as dt
import gc
from types import SimpleNamespace

import pytest
from test_incremental import article

from site_builder import gazetteer
from site_builder.config import load_config
from site_builder.engine.pipeline import Engine
from site_builder.engine.planning import Planner
from site_builder.errors import SiteBuilderError
from site_builder.render import front


def test_more_from_a_region_is_its_nearest_stories_a_tie_to_the_newer():
    for size in range(1, 13):
        stories = [SimpleNamespace(id=f"s{n}", region="gulf") for n in range(size)]
        desk = front._Desk(stories, {}, ["gulf"], dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        for at in range(size):
            by_nearness = sorted(
                (n for n in range(size) if n != at), key=lambda n: (abs(n - at), n)
            )
            expected = tuple(f"s{n}" for n in sorted(by_nearness[: front.MORE]))
            assert desk.more(f"s{at}") == expected, (size, at)


def test_country_spellings_are_the_gazetteers_names_and_aliases():
    countries = gazetteer.load().countries
    assert gazetteer.spellings() == {name: c.aliases for name, c in countries.items()}


def test_the_cycle_collector_is_paused_for_the_plan_and_back_after_a_failed_one(
    tmp_path, monkeypatch
):
    (tmp_path / "site.toml").write_text('title = "Desk"\n', encoding="utf-8")
    (tmp_path / "content").mkdir()
    for n in (1, 2):  # one id twice: an error the plan reports
        (tmp_path / "content" / f"story-{n}.md").write_text(article(1), encoding="utf-8")
    seen: list[bool] = []
    whole_site = Planner.whole_site

    def spy(self, *args, **kwargs):
        seen.append(gc.isenabled())
        return whole_site(self, *args, **kwargs)

    monkeypatch.setattr(Planner, "whole_site", spy)
    engine = Engine(load_config(tmp_path / "site.toml", root=tmp_path), in_place=True)
    try:
        with pytest.raises(SiteBuilderError, match=r"story-\d\.md"):
            engine.build()
        assert seen == [False] and gc.isenabled()
        (tmp_path / "content" / "story-2.md").write_text(article(2), encoding="utf-8")
        engine.build()
        assert seen == [False, False] and gc.isenabled()
    finally:
        engine.close()
