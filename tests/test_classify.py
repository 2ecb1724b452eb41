"""Region and country classification: the seed, real article leads, and tricky matches."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from site_builder.config import DEFAULT_REGIONS
from site_builder.ingest.classify import classify

DATA = Path(__file__).resolve().parent / "data"
SEED = DATA / "seed" / "000_6ec05461cbc230fc.txt"


def _seed_articles() -> list[tuple[str, str, list[str]]]:
    """(title, caption, paragraphs) of the seed's articles, split naively for this test."""
    articles = []
    for block in re.split(r"\n\s*\n\s*\n+", SEED.read_text(encoding="utf-8").strip()):
        parts = [p.strip() for p in re.split(r"\n\s*\n", block) if p.strip()]
        caption = parts[1].splitlines()[0]
        body_start = max(i for i, p in enumerate(parts) if p.startswith(caption)) + 1
        articles.append((parts[0], caption, parts[body_start:]))
    return articles


@pytest.mark.parametrize(
    "index, region, primary, also",
    [
        (0, "middle-east", "Iraq", "Iran"),
        (1, "middle-east", "Palestine", "Israel"),
        (2, "horn-of-africa", "Somalia", "Somaliland"),
        (3, "horn-of-africa", "Sudan", None),
    ],
)
def test_seed_articles_land_where_the_design_says(index, region, primary, also):
    title, caption, paragraphs = _seed_articles()[index]
    result = classify(title, paragraphs, DEFAULT_REGIONS, caption)
    assert result.region == region
    assert result.countries[0] == primary
    if also:
        assert also in result.countries


def test_no_country_files_under_world():
    result = classify(
        "Scientists find new species of deep-sea coral",
        ["Researchers said on Monday the coral was found at 2,000 metres."],
        DEFAULT_REGIONS,
    )
    assert (result.region, result.countries) == ("world", ())


CASES = tomllib.loads((DATA / "classify" / "cases.toml").read_text(encoding="utf-8"))["case"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_real_article_leads_are_filed_like_an_editor_would(case):
    result = classify(case["title"], case["paragraphs"], DEFAULT_REGIONS, case.get("caption", ""))
    assert result.region == case["region"], result.scores
    if "primary" in case:
        assert result.countries[0] == case["primary"], result.scores
    for country in case.get("also", ()):
        assert country in result.countries, result.scores
    for country in case.get("not", ()):
        assert country not in result.countries, result.scores
    if case["region"] == "world":
        assert result.countries == ()


def test_cases_cover_every_default_region_and_cite_a_source():
    regions = {c["region"] for c in CASES}
    assert regions >= {r.slug for r in DEFAULT_REGIONS}
    assert len(CASES) >= 24
    assert all(c["source"].strip() for c in CASES)
