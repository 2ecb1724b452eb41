"""The matcher's tricky cases: overlapping names, word boundaries, possessives, ambiguity,
and a site's own region table."""

from __future__ import annotations

import pytest

from site_builder import gazetteer
from site_builder.config import DEFAULT_REGIONS, Region
from site_builder.ingest.classify import classify, region_of


def countries_in(text: str) -> list[str]:
    """Every country each match in text points to, in order (ambiguous ones joined by '|')."""
    return ["|".join(m.term.countries) for m in gazetteer.load().find(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Talks between South Sudan and Sudan resumed.", ["South Sudan", "Sudan"]),
        ("South Sudanese refugees crossed into Sudanese territory.", ["South Sudan", "Sudan"]),
        ("A woman in Muscat said Oman would mediate.", ["Oman", "Oman"]),
        (
            "Nigeria and Niger agreed; a Nigerien official and a Nigerian minister spoke.",
            ["Nigeria", "Niger", "Niger", "Nigeria"],
        ),
        (
            "Guinea-Bissau, Equatorial Guinea, Papua New Guinea and Guinea.",
            ["Guinea-Bissau", "Equatorial Guinea", "Papua New Guinea", "Guinea"],
        ),
        ("Dominica and the Dominican Republic.", ["Dominica", "Dominican Republic"]),
        (
            "The Democratic Republic of Congo and the Republic of Congo.",
            ["DR Congo", "Republic of Congo"],
        ),
        ("Latin America, South America and the Americas, unlike America.", ["United States"]),
        ("Ships in the Indian Ocean and the Persian Gulf.", []),
        (
            "He served Iraq's interests in Sudan’s capital and in Sudan ’s west.",
            ["Iraq", "Sudan", "Sudan"],
        ),
        ("Iraqis, Somalis and Israelis.", ["Iraq", "Somalia", "Israel"]),
        ("Saudi-led partners and the Iran-backed group.", ["Saudi Arabia", "Iran"]),
        ("the chad of a punched ballot; a china cup; a turkey dinner", []),
        ("Somaliland and Somalia; a Somali official.", ["Somaliland", "Somalia", "Somalia"]),
    ],
)
def test_matches_whole_words_longest_first_and_case_sensitively(text, expected):
    assert countries_in(text) == expected


def test_tripoli_goes_to_the_country_the_article_supports():
    libya = classify(
        "Clashes erupt in Tripoli",
        ["Militias fought near the Libyan capital's port."],
        DEFAULT_REGIONS,
    )
    lebanon = classify(
        "Clashes erupt in Tripoli",
        ["The Lebanese army deployed in the northern city."],
        DEFAULT_REGIONS,
    )
    alone = classify("Clashes erupt in Tripoli", [], DEFAULT_REGIONS)
    assert (libya.region, libya.countries) == ("north-africa", ("Libya",))
    assert (lebanon.region, lebanon.countries) == ("middle-east", ("Lebanon",))
    assert alone.countries == ("Libya",)  # the capital, without other evidence


def test_georgia_the_state_follows_american_context():
    us = classify(
        "Storm hits Georgia",
        ["Officials in Atlanta said the US National Guard was deployed."],
        DEFAULT_REGIONS,
    )
    caucasus = classify("Protests in Georgia", ["Crowds gathered in Tbilisi."], DEFAULT_REGIONS)
    assert us.countries[0] == "United States"
    assert caucasus.countries[0] == "Georgia" and caucasus.region == "europe"


def test_south_sudan_story_does_not_count_sudan():
    result = classify(
        "South Sudan’s president reshuffles cabinet",
        ["South Sudanese officials in Juba said the decree was read on state TV."],
        DEFAULT_REGIONS,
    )
    assert result.countries == ("South Sudan",)


def test_passing_mention_deep_in_the_body_is_dropped_but_a_strong_second_country_kept():
    body = [
        "Sudanese army says it retook a town in North Kordofan.",
        "The army said RSF fighters fled toward El Obeid.",
        "Aid agencies said roads from Khartoum were cut.",
        "Egypt has hosted talks between the parties in the past.",
    ]
    result = classify("Sudan army retakes town in Kordofan", body, DEFAULT_REGIONS)
    assert result.countries == ("Sudan",)
    result = classify(
        "Israeli strikes hit Gaza City", ["Israel said it targeted Hamas in Gaza."], DEFAULT_REGIONS
    )
    assert result.countries[0] == "Palestine" and "Israel" in result.countries


def test_site_region_table_overrides_the_gazetteer_default():
    regions = (
        Region("levant", "Levant", ("Syria", "Lebanon", "Jordan")),
        Region("nile", "Nile Valley", ("Egypt", "Sudan", "South Sudan")),
        Region("caribbean", "Caribbean", ("Haiti", "Atlantis")),
        *DEFAULT_REGIONS,
    )
    assert classify("Beirut port blast inquiry resumes", [], regions).region == "levant"
    assert classify("Khartoum airport reopens", [], regions).region == "nile"
    assert classify("Iraq holds elections", [], regions).region == "middle-east"
    # A country the gazetteer does not know is matched by its name as the site writes it.
    atlantis = classify("Atlantis elects a new council", [], regions)
    assert (atlantis.region, atlantis.countries) == ("caribbean", ("Atlantis",))


def test_site_aliases_and_missing_default_regions():
    # The site may write a country by an alias; a region slug the site dropped falls back to world.
    regions = (Region("emirates", "Emirates", ("United Arab Emirates",)), Region("world", "World"))
    assert region_of("UAE", regions) == "emirates"
    assert classify("Dubai hosts air show", [], regions).region == "emirates"
    assert classify("Kenya holds elections", [], regions).region == "world"
