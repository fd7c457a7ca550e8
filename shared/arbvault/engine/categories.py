"""Which rules key (``books``, ``media``, an exact key, else ``default``) a product category falls under.

Fee schedules and velocity benchmarks are both keyed this way in the business rules, so both resolve here.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from functools import lru_cache

DEFAULT_KEY = "default"

# Substrings, because Amazon names vary ("Books", "Textbooks", "Audiobooks", "Study Guides", "Repair Manuals").
_BOOK_WORDS = re.compile(r"book|manual|guide")
# Whole words: a bare "cd" substring would match unrelated names.
_MEDIA_WORDS = re.compile(r"\b(cds?|dvds?|vinyl|music|movies?)\b")


def rules_key(name: str | None, known: Collection[str]) -> str:
    """The key of ``known`` that category ``name`` uses: books words, media words, an exact key, else default.

    ``books`` and ``media`` are only returned when ``known`` has them; matching ignores case and spaces.

    >>> rules_key("CDs & Vinyl", {"books", "media", "default"})
    'media'
    """
    if not name or not name.strip():
        return DEFAULT_KEY
    lowered = name.strip().lower()
    if "books" in known and _BOOK_WORDS.search(lowered):
        return "books"
    if "media" in known and _MEDIA_WORDS.search(lowered):
        return "media"
    exact = lowered.replace(" ", "_")
    if exact in known:
        return exact
    return DEFAULT_KEY


def first_rules_key(names: Iterable[str | None], known: Collection[str]) -> str:
    """The first non-default key among ``names`` (root category first, then the leaf), else default."""
    for name in names:
        key = rules_key(name, known)
        if key != DEFAULT_KEY:
            return key
    return DEFAULT_KEY


@lru_cache(maxsize=4096)
def cached_first_rules_key(names: tuple[str | None, ...], known: frozenset[str]) -> str:
    """``first_rules_key``, remembered: a batch's products share a handful of category names, and every analysis
    resolves its names twice (fees, velocity benchmark) through string folding and regular expressions."""
    return first_rules_key(names, known)
