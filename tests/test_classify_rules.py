"""One test per rule of the classifier, on the case the rule exists for.

Each test names the rule and shows a story that the rule files right; without the rule (or
with its decision turned the other way) the story goes to the wrong country. The weights
themselves are tuning and are not pinned; where a rule is a threshold, it is tested on
both sides of it.
"""

from __future__ import annotations

from site_builder.config import DEFAULT_REGIONS, Region
from site_builder.ingest import classify as rules
from site_builder.ingest.classify import classify


def countries(title: str, paragraphs=(), caption: str = "", regions=DEFAULT_REGIONS):
    return classify(title, list(paragraphs), regions, caption).countries


def scores(title: str, paragraphs=(), caption: str = "") -> dict[str, float]:
    return dict(classify(title, list(paragraphs), DEFAULT_REGIONS, caption).scores)


# --- where a mention stands --------------------------------------------------------------


def test_the_headline_outweighs_a_body_mention():
    assert (
        countries("Kenya holds a vote", ["Observers came.", "Uganda sent observers too."])[0]
        == "Kenya"
    )
    s = scores("Kenya holds a vote", ["Observers came.", "Uganda sent a team."])
    assert s["Kenya"] > s["Uganda"]


def test_the_caption_counts_more_than_the_body():
    s = scores(
        "Floods after heavy rain",
        ["Rain fell for days.", "Help came from Kenya."],
        caption="A flooded street in Somalia",
    )
    assert s["Somalia"] > s["Kenya"]
    assert countries(
        "Floods after heavy rain", ["Rain fell for days."], caption="A flooded street in Somalia"
    ) == ("Somalia",)


def test_the_lead_counts_more_than_the_body():
    s = scores("Floods after heavy rain", ["Rain fell in Kenya.", "Rain fell in Uganda."])
    assert s["Kenya"] > s["Uganda"]


def test_the_lead_starting_with_a_country_names_the_subject():
    # "Madagascar extended ..." is the subject; the same country later in a lead is less.
    s = scores("Deal extended", ["Madagascar extended its agreement with Mauritius."])
    later = scores("Deal extended", ["The agreement of Madagascar with Mauritius was extended."])
    assert s["Madagascar"] > later["Madagascar"]
    the = scores("Deal extended", ["The Madagascar government extended its agreement."])
    assert the["Madagascar"] == s["Madagascar"]  # "The" before it does not change that
    quoted = scores("Deal extended", ['"Madagascar extended its agreement," he said.'])
    assert quoted["Madagascar"] == s["Madagascar"]


def test_a_dateline_tells_where_when_nothing_else_does():
    assert countries(
        "Toyota raises its forecast",
        ["TOKYO (Reuters) - Toyota Motor Corp raised its forecast on Tuesday."],
    ) == ("Japan",)


def test_the_dateline_is_counted_once_and_the_lead_read_after_it():
    """The filing place counts as the dateline; the lead's own subject starts after it."""
    result = countries(
        "Oil prices climb after producers meet",
        ["VIENNA (Reuters) - Saudi Arabia pledged on Monday to cut output."],
    )
    assert result == ("Saudi Arabia", "Austria")
    evidence = dict(
        classify(
            "Oil prices climb after producers meet",
            ["VIENNA (Reuters) - Saudi Arabia pledged on Monday to cut output."],
            DEFAULT_REGIONS,
        ).evidence
    )
    assert evidence["Austria"] == ("dateline 'VIENNA' +2.5",)


def test_a_headline_in_capitals_is_matched_whatever_the_case():
    assert countries("IRAQ OIL EXPORTS RISE IN MAY", ["Exports rose, officials said."]) == ("Iraq",)
    # Ordinary text stays case-sensitive: "turkey" is a bird, not a country.
    assert countries("A turkey for dinner", ["We ate turkey."]) == ()
    assert countries("TURKEY", []) == ("Turkey",)  # four capitals are enough
    assert countries("Turkey votes", []) == ("Turkey",)


def test_capitals_need_most_of_the_letters():
    assert rules._in_capitals("IRAQ OIL EXPORTS rise")
    assert not rules._in_capitals("IRAQ oil exports rise in May")
    assert not rules._in_capitals("USA")  # too short to tell
    assert rules._in_capitals("CHAD")
    assert rules._in_capitals("A" * 7 + "b" * 3)  # 70 %: capitals
    assert not rules._in_capitals("A" * 6 + "b" * 4)  # 60 %: not


# --- what the words around a mention say --------------------------------------------------


def test_a_demonym_or_an_institution_counts_less_than_the_place():
    s = scores(
        "Talks stall", ["Officials met.", "Iranian officials spoke.", "Officials of Iraq met."]
    )
    assert s["Iraq"] > s["Iran"]
    org = scores(
        "Talks stall",
        ["Officials met.", "Members of the Knesset, aides said.", "Officials of Lebanon met."],
    )
    assert org["Lebanon"] > org["Israel"]


def test_in_a_country_is_where_the_story_happens():
    s = scores("Aid arrives", ["Officials met.", "Trucks arrived in Sudan.", "Egypt sent trucks."])
    assert s["Sudan"] > s["Egypt"]
    assert (
        countries("Aid arrives", ["Officials met.", "Egypt sent trucks to people in Sudan."])[0]
        == "Sudan"
    )


def test_an_actor_counts_less_than_a_plain_mention():
    # "Israel says": a country acting, often from elsewhere
    s = scores(
        "Statement issued", ["Officials met.", "Israel says it will respond.", "Lebanon is tense."]
    )
    plain = scores("Statement issued", ["Officials met.", "Talk of Israel and the region."])
    assert s["Israel"] < plain["Israel"]
    led = scores("Coalition strikes", ["Officials met.", "A Saudi-led coalition struck."])
    assert led["Saudi Arabia"] < plain["Israel"]
    by = scores("Group backed", ["Officials met.", "The group is backed by Iran."])
    assert by["Iran"] < plain["Israel"]


def test_a_counterpart_counts_less_than_an_actor():
    to = scores("Envoy travels", ["Officials met.", "An envoy went to Qatar."])
    actor = scores("Envoy travels", ["Officials met.", "Qatar says an envoy came."])
    assert to["Qatar"] < actor["Qatar"]


def test_a_venue_of_talks_is_not_what_the_story_is_about():
    s = scores(
        "Nuclear talks resume",
        ["Negotiators met on Monday.", "The talks in Vienna were about Iran."],
    )
    assert s["Iran"] > s["Austria"]
    assert countries(
        "Nuclear talks resume",
        ["Negotiators met on Monday.", "The talks in Vienna were about Iran."],
    ) == ("Iran",)
    located = scores("Nuclear plant", ["Engineers met.", "A plant in Austria was opened."])
    assert s["Austria"] < located["Austria"]


def test_an_event_named_after_a_place_is_not_that_place():
    accord = scores("Climate deal", ["Officials met.", "Nations joined the Paris accord."])
    plain = scores("Climate deal", ["Officials met.", "Nations met near the river of France."])
    assert accord["France"] < plain["France"]


def test_a_currency_or_market_says_almost_nothing_about_where():
    s = scores("Dollar falls", ["The U.S. dollar fell against the yen in Tokyo trading."])
    assert s["Japan"] > 10 * s["United States"]
    assert countries(
        "Dollar falls", ["The U.S. dollar fell against the yen in Tokyo trading."]
    ) == ("Japan",)


def test_only_the_forty_characters_before_a_mention_are_read():
    near = scores("Aid", ["Officials met.", "Trucks went in Sudan."])
    far = scores("Aid", ["Officials met.", "Trucks went in " + "x" * 45 + " Sudan."])
    assert near["Sudan"] > far["Sudan"]


# --- which countries are kept --------------------------------------------------------------


def test_a_single_passing_mention_in_the_body_is_dropped_two_are_kept():
    once = countries("Sudan army retakes town", ["The army advanced.", "Roads of Chad, he said."])
    twice = countries(
        "Sudan army retakes town",
        ["The army advanced.", "Roads of Chad, he said.", "Camps of Chad filled."],
    )
    assert once == ("Sudan",)
    assert twice == ("Sudan", "Chad")


def test_a_country_in_the_headline_caption_or_lead_is_kept_however_weak():
    # Actor mentions score little, but being in the lead makes them prominent.
    result = countries("Sudan army retakes town", ["Egypt says it is watching the fighting."])
    assert result == ("Sudan", "Egypt")


def test_a_country_far_weaker_than_the_top_one_is_dropped():
    lead = ["Officials said Egypt has concerns."]  # prominent, but an actor: it scores little
    assert countries("Sudan army retakes town", lead) == ("Sudan", "Egypt")
    assert countries("Sudan army retakes Sudan town", lead) == ("Sudan",)  # twice as strong


def test_with_only_passing_mentions_the_strongest_still_tells():
    assert countries("Markets mixed", ["Trading was slow.", "Kenya was mentioned."]) == ("Kenya",)


def test_at_most_six_countries_are_kept():
    lead = "Iraq, Iran, Syria, Jordan, Egypt, Libya, Tunisia and Algeria signed."
    result = countries("Regional pact", [lead])
    assert len(result) == rules.MAX_COUNTRIES == 6
    assert result[0] == "Iraq"


def test_equal_scores_rank_by_first_mention():
    assert countries("Kenya and Uganda sign a deal", []) == ("Kenya", "Uganda")
    assert countries("Uganda and Kenya sign a deal", []) == ("Uganda", "Kenya")


# --- the region ----------------------------------------------------------------------------


def test_region_from_the_sites_table_then_the_gazetteers_default_then_world():
    regions = (
        Region("levant", "Levant", ("Syria", "Lebanon")),
        Region("gulf", "Gulf", ()),
        Region("world", "World"),
    )
    assert rules.region_of("Lebanon", regions) == "levant"
    assert rules.region_of("Qatar", regions) == "gulf"  # the gazetteer's default region
    assert rules.region_of("Kenya", regions) == "world"  # a region the site does not have
    assert classify("Beirut port reopens", [], regions).region == "levant"


def test_region_by_the_name_the_site_writes_for_a_country():
    # a name of the site's own that no gazetteer knows is matched as written
    own = (Region("islands", "Islands", ("Atlantis",)), Region("world", "World"))
    assert rules.region_of("Atlantis", own) == "islands"
    assert classify("Atlantis votes", [], own).countries == ("Atlantis",)


def test_no_country_named_files_under_world_and_says_so():
    result = classify("Scientists find a new coral", ["It was deep."], DEFAULT_REGIONS)
    assert (result.region, result.countries) == ("world", ())
    assert result.explain() == "no country named: filed under world"


def test_the_explanation_lists_scores_with_their_mentions():
    result = classify("Kenya holds a vote", ["Uganda sent observers to Kenya."], DEFAULT_REGIONS)
    assert result.explain() == (
        "Kenya 3.8 (title 'Kenya' +3, lead 'Kenya' +0.8); Uganda 3 (lead 'Uganda' +3)"
    )


def test_an_ambiguous_place_goes_to_the_country_with_more_support():
    tally = rules._Tally()
    tally.add(("Libya",), 1.0, False, "body 'Libyan'")
    tally.add(("Lebanon", "Libya"), 3.0, True, "title 'Tripoli'")
    tally.resolve_ambiguous()
    assert dict(tally.scores) == {"Libya": 4.0}
    assert tally.prominent == {"Libya"}
    tally = rules._Tally()
    tally.add(("Lebanon", "Libya"), 3.0, True, "title 'Tripoli'")
    tally.resolve_ambiguous()
    assert dict(tally.scores) == {"Lebanon": 3.0}  # no support: the first candidate
    assert tally.first_seen == {"Lebanon": 1}


def test_a_country_at_exactly_the_minimum_share_is_kept():
    # Kenya 5 (title 3 + lead 2), Egypt 1 (a prominent actor in the lead): 1 = 0.2 x 5
    result = classify(
        "Kenya votes", ["Observers of Kenya said Egypt has concerns."], DEFAULT_REGIONS
    )
    assert dict(result.scores) == {"Kenya": 5.0, "Egypt": 1.0}
    assert result.countries == ("Kenya", "Egypt")


def test_an_ambiguous_place_ranks_by_where_it_was_named_not_when_it_was_resolved():
    # "Tripoli" is resolved after "Nairobi" is counted, yet it was named first.
    result = classify("Tripoli, Nairobi", [], DEFAULT_REGIONS)
    assert result.countries == ("Libya", "Kenya")
    assert result.explain() == "Libya 3 (title 'Tripoli' +3); Kenya 3 (title 'Nairobi' +3)"


def test_the_explanation_names_the_caption_and_the_body():
    result = classify(
        "Floods after rain",
        ["Rain fell.", "Trucks reached Kenya."],
        DEFAULT_REGIONS,
        "A street in Somalia",
    )
    assert result.explain() == "Somalia 4 (caption 'Somalia' +4); Kenya 1 (body 'Kenya' +1)"


def test_a_paragraph_starting_with_in_places_the_story():
    assert scores("Floods after rain", ["Rain fell.", "In Sudan, trucks arrived."]) == {
        "Sudan": 2.0
    }
