"""Digests that decide what a rebuild must redo: equal digests, equal output."""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

from site_builder.model import Article


def digest(*parts: Any) -> str:
    """A short digest of values whose repr() is stable (dataclasses, tuples, strings)."""
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


def article_digests(article: Article) -> tuple[str, str]:
    """The article's digest with every field (what its own page shows) and without the
    body (what a listing, a neighbour or a related article shows)."""
    return digest(article), card_digest(article)


def card_digest(article: Article) -> str:
    """The digest of every field but the body."""
    return digest(dataclasses.replace(article, body=""))
