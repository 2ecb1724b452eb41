"""Time classify() on an 800-word article (run by hand; tests never assert timings).

python benchmarks/classify_speed.py
"""

from __future__ import annotations

import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from site_builder.config import DEFAULT_REGIONS
from site_builder.ingest.classify import classify

PARAGRAPH = (
    "Somali President Hassan Sheikh Mohamud said on Monday that Mogadishu was working "
    "with partners led by Saudi Arabia to reject Israel's recognition of Somaliland, "
    "warning that the move threatens the Horn of Africa and Red Sea security. "
) * 2


def main() -> None:
    paragraphs = [PARAGRAPH] * 10  # about 800 words
    title = "Somali President rejects recognition"
    classify(title, paragraphs, DEFAULT_REGIONS)  # compile the gazetteer once
    best = (
        min(
            timeit.repeat(lambda: classify(title, paragraphs, DEFAULT_REGIONS), number=50, repeat=5)
        )
        / 50
    )
    words = sum(len(p.split()) for p in paragraphs)
    print(f"classify(): {best * 1000:.2f} ms for a {words}-word article (best of 5 x 50)")


if __name__ == "__main__":
    main()
