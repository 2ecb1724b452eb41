"""A deterministic synthetic news corpus for benchmarks: N articles as content files.

Realistic shape: 400-1200 word bodies in paragraphs with the odd subheading, 8 regions,
1-3 countries, 2-5 tags, dates spread over 3 years. The same N and seed give the same
bytes, so timings compare across runs and machines.

    python benchmarks/corpus.py 1000 /tmp/site1k     # writes /tmp/site1k/content/...
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from site_builder.content import frontmatter

REGIONS = {
    "middle-east": ["Iraq", "Iran", "Syria", "Lebanon", "Jordan", "Israel", "Palestine", "Turkey"],
    "gulf": ["Saudi Arabia", "UAE", "Qatar", "Kuwait", "Bahrain", "Oman", "Yemen"],
    "north-africa": ["Egypt", "Libya", "Tunisia", "Algeria", "Morocco"],
    "horn-of-africa": ["Sudan", "Somalia", "Ethiopia", "Eritrea", "Djibouti", "Kenya"],
    "africa": ["Nigeria", "Mali", "Niger", "Chad", "Senegal", "Ghana"],
    "europe": ["France", "Germany", "United Kingdom", "Italy", "Spain"],
    "americas": ["United States", "Brazil", "Mexico", "Canada"],
    "asia": ["China", "India", "Pakistan", "Japan", "Indonesia"],
}
TAGS = [
    "Diplomacy",
    "Conflict",
    "Economy",
    "Energy",
    "Elections",
    "Refugees",
    "Health",
    "Climate",
    "Security",
    "Trade",
    "Oil",
    "Aid",
    "Ceasefire",
    "Talks",
    "Drones",
]
WORDS = [
    "the",
    "government",
    "said",
    "on",
    "Wednesday",
    "that",
    "talks",
    "would",
    "resume",
    "after",
    "a",
    "pause",
    "in",
    "fighting",
    "as",
    "officials",
    "from",
    "both",
    "sides",
    "met",
    "in",
    "the",
    "capital",
    "to",
    "discuss",
    "aid",
    "access",
    "and",
    "the",
    "return",
    "of",
    "displaced",
    "families",
    "while",
    "analysts",
    "warned",
    "that",
    "the",
    "ceasefire",
    "remained",
    "fragile",
    "amid",
    "reports",
    "of",
    "renewed",
    "strikes",
    "near",
    "the",
    "border",
    "region",
    "where",
    "humanitarian",
    "groups",
    "have",
    "struggled",
    "to",
    "deliver",
    "food",
    "fuel",
    "and",
    "medicine",
    "to",
    "civilians",
    "according",
    "to",
    "a",
    "statement",
    "issued",
    "by",
    "the",
    "ministry",
    "late",
    "on",
    "Tuesday",
    "evening",
]
START = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 28))]
    return " ".join(words).capitalize() + "."


def body(rng: random.Random, country: str) -> str:
    """400-1200 words in paragraphs of 2-4 sentences, with an occasional subheading."""
    target, words, parts = rng.randint(400, 1200), 0, []
    while words < target:
        if parts and rng.random() < 0.08:
            parts.append(f"## {rng.choice(TAGS)} in {country}")
        paragraph = " ".join(sentence(rng) for _ in range(rng.randint(2, 4)))
        if rng.random() < 0.1:
            paragraph += f" See [the report](https://example.org/{rng.randint(1, 999)}) for more."
        parts.append(paragraph)
        words += paragraph.count(" ") + 1
    return "\n\n".join(parts)


SPAN_MINUTES = 3 * 365 * 24 * 60


def article(n: int, total: int, rng: random.Random) -> tuple[str, str]:
    """(relative path, file text) of article n of total, dates spread over three years."""
    region = rng.choice(list(REGIONS))
    countries = rng.sample(REGIONS[region], rng.randint(1, 3))
    title = (
        f"{countries[0]} {rng.choice(['talks', 'strike', 'vote', 'deal', 'protest'])} "
        f"report number {n} on {rng.choice(TAGS).lower()}"
    )
    date = START + dt.timedelta(minutes=n * SPAN_MINUTES // total + rng.randint(0, 9) % 2)
    text = body(rng, countries[0])
    meta = {
        "id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'bench-{n}')}",
        "title": title,
        "date": date,
        "region": region,
        "countries": countries,
        "tags": rng.sample(TAGS, rng.randint(2, 5)),
        "summary": text.split("\n\n")[0][:200],
        "image": {"caption": f"A street in {countries[0]}. (AFP)", "credit": "AFP"},
        "source": {"name": "Synthetic Wire"},
        "draft": False,
    }
    return f"{region}/article-{n:05d}.md", frontmatter.render(meta, text)


def generate(n: int, root: Path, seed: int = 1) -> Path:
    """Write n articles under root/content; return the content folder."""
    rng = random.Random(seed)
    content = root / "content"
    for i in range(n):
        relative, text = article(i, n, rng)
        path = content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return content


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("root", type=Path, help="site folder to create (content/ goes inside)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(generate(args.n, args.root, args.seed))


if __name__ == "__main__":
    main()
