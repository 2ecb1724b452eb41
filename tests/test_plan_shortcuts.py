"""The plan's shortcuts give what the plain definitions give: "More from" counted rather
than sorted, country names read from the gazetteer's spellings rather than its matcher."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from site_builder import gazetteer
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
