"""What the offline Keepa server knows: the stored fixtures (``fixtures/``), plus a generated book for any other
identifier.

Identifiers map to a canonical key, the ISBN-13 for books: an ISBN-10 ASIN (``asin=``) and its ISBN-13
(``code=``) give the same product. A 979 ISBN-13 has no ISBN-10; its ASIN is ``B0`` followed by the nine digits
after 979 in base 36 (reversible, so ``asin=`` finds the same book). Other 10-character ASINs are books
keyed by the ASIN itself, without an ISBN.

Unknown identifiers (the not-found path): a canonical key is unknown when the first four bytes of
``sha256("arbvault-offline-unknown:" + key)``, read big-endian, are divisible by 20 (about one in twenty).
The fixtures are never unknown. Malformed ASINs and codes (an all-digit ASIN with a wrong ISBN-10 check
digit, a code that is not a valid 978/979 ISBN-13) are unknown too. ``is_unknown(id)`` applies the rule.

Generated books are placed in time relative to the catalogue ``clock`` (Keepa minutes; default: the start
of the current UTC day), so a pinned clock gives byte-identical products; the fixtures keep their own clock
(2026-06-01T00:00Z). Generated products (per process) and rendered bodies (per catalogue) are cached (LRU).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from typing import Any, TypeVar

import orjson

from arbvault.identifiers import (
    InvalidIdentifierError,
    is_valid_isbn10,
    is_valid_isbn13,
    isbn10_to_isbn13,
    isbn13_check_digit,
    isbn13_to_isbn10,
    normalise,
)
from arbvault.keepa.time import datetime_to_keepa_minutes
from infra.keepa_offline.categories import LEAVES
from infra.keepa_offline.generator import generate_book, leaf_for
from infra.keepa_offline.views import ProductOptions, product_cost, product_view

FIXTURE_CLOCK = 8_107_200
"""The fixtures' server clock: 2026-06-01T00:00Z."""
FIXTURE_FILES = ("product-response-1739104269.json", "product-1639584722.json", "product-0972351868.json")
UNKNOWN_ONE_IN = 20
GENERATED_CACHE_SIZE = 4_096
"""About 17 KB each as JSON; rendered bodies (about as large) are what repeated runs reuse."""
_ASIN = re.compile(r"[A-Z0-9]{10}")
_DIGITS = re.compile(r"[0-9X]{10}")
_BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class Entry:
    """A known catalogue product: its canonical key, ASIN, EAN and the clock it is served at."""

    key: str
    asin: str
    ean: str | None
    now: int
    fixture: bool = False

    @property
    def product(self) -> dict[str, Any]:
        """The full product object (generated on first use, then cached per process)."""
        if self.fixture:
            return _FIXTURES[self.key]
        return _GENERATED.get_or_make(
            (self.key, self.now), lambda: generate_book(self.key, asin=self.asin, ean=self.ean, clock=self.now))


class _Lru(OrderedDict[K, V]):
    """A small thread-safe LRU map."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self._size = size
        self._lock = threading.Lock()

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        with self._lock:
            if key in self:
                self.move_to_end(key)
                return self[key]
        value = make()
        with self._lock:
            self[key] = value
            if len(self) > self._size:
                self.popitem(last=False)
        return value


def asin_for_979(isbn13: str) -> str:
    """The ``B0`` ASIN of a 979 ISBN-13: the nine digits after 979 in base 36."""
    n = int(isbn13[3:12])
    digits = ""
    while n:
        n, r = divmod(n, 36)
        digits = _BASE36[r] + digits
    return "B0" + digits.rjust(8, "0")


def isbn13_for_b0(asin: str) -> str | None:
    """The 979 ISBN-13 behind a ``B0`` ASIN made by ``asin_for_979``, else ``None``."""
    if not asin.startswith("B0"):
        return None
    n = int(asin[2:], 36)
    if n >= 10 ** 9:
        return None
    first12 = f"979{n:09d}"
    return first12 + isbn13_check_digit(first12)


_KEY_CACHE_SIZE = 65_536
"""Identifiers whose canonical keys are remembered: a batch asks for the same hundreds again and again, and
checking and converting ISBNs was a third of the server's own time per request."""


@lru_cache(maxsize=_KEY_CACHE_SIZE)
def key_for_asin(asin: str) -> tuple[str, str | None] | None:
    """``(canonical key, ean)`` for an ``asin=`` value, ``None`` when malformed."""
    value = asin.strip().upper()
    if not _ASIN.fullmatch(value):
        return None
    if is_valid_isbn10(value):
        isbn13 = isbn10_to_isbn13(value)
        return isbn13, isbn13
    if _DIGITS.fullmatch(value):
        return None  # an ISBN-10 with a wrong check digit names no product
    behind_b0 = isbn13_for_b0(value)
    return (behind_b0, behind_b0) if behind_b0 else (value, None)


@lru_cache(maxsize=_KEY_CACHE_SIZE)
def key_for_code(code: str) -> tuple[str, str] | None:
    """``(canonical key, asin)`` for a ``code=`` value, ``None`` when it is not a 978/979 ISBN-13."""
    value = code.strip()
    if not is_valid_isbn13(value):
        return None
    return value, isbn13_to_isbn10(value) or asin_for_979(value)


@lru_cache(maxsize=_KEY_CACHE_SIZE)
def _unknown_key(key: str) -> bool:
    digest = hashlib.sha256(f"arbvault-offline-unknown:{key}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % UNKNOWN_ONE_IN == 0


def _load_fixtures() -> dict[str, dict[str, Any]]:
    products = {}
    folder = resources.files("infra.keepa_offline") / "fixtures"
    for name in FIXTURE_FILES:
        data = json.loads((folder / name).read_text(encoding="utf-8"))
        for product in data.get("products", [data]):
            full = {k: v for k, v in product.items() if k != "stats"}
            products[product["eanList"][0]] = full
    return products


_FIXTURES = _load_fixtures()
# Generated books depend only on (key, clock), so every catalogue in the process shares them.
_GENERATED: _Lru[tuple[str, int], dict[str, Any]] = _Lru(GENERATED_CACHE_SIZE)


def is_unknown(identifier: str) -> bool:
    """Whether the offline server answers "no product" for an ASIN, ISBN-10 or ISBN-13 (see module docstring)."""
    try:
        parsed = normalise(identifier)
    except InvalidIdentifierError:
        return True
    if parsed.kind == "isbn13":
        key: str | None = parsed.value
    else:
        found = key_for_asin(parsed.value)
        key = found[0] if found else None
    if key is None:
        return True
    return key not in _FIXTURES and _unknown_key(key)


def today_clock() -> int:
    """The start of the current UTC day in Keepa minutes."""
    now = datetime.now(UTC)
    return datetime_to_keepa_minutes(now.replace(hour=0, minute=0, second=0, microsecond=0))


class Catalogue:
    """Products by ASIN or code, deterministic for a given ``clock``; thread-safe."""

    def __init__(self, *, clock: int | None = None, render_cache_size: int = 12_000, pool_size: int = 2_400) -> None:
        self.clock = today_clock() if clock is None else clock
        self.pool_size = pool_size
        self._rendered: _Lru[tuple[str, ProductOptions], tuple[bytes, int]] = _Lru(render_cache_size)
        self._pool: list[Entry] | None = None
        self._pool_lock = threading.Lock()

    def _entry(self, key: str, asin: str, ean: str | None) -> Entry | None:
        if key in _FIXTURES:
            return Entry(key, _FIXTURES[key]["asin"], key, FIXTURE_CLOCK, fixture=True)
        if _unknown_key(key):
            return None
        return Entry(key, asin, ean, self.clock)

    def by_asin(self, asin: str) -> Entry | None:
        """The product for an ``asin=`` value, ``None`` when unknown or malformed."""
        found = key_for_asin(asin)
        if found is None:
            return None
        key, ean = found
        return self._entry(key, asin.strip().upper(), ean)

    def by_code(self, code: str) -> Entry | None:
        """The product for a ``code=`` value (an ISBN-13), ``None`` when unknown or not an ISBN-13."""
        found = key_for_code(code)
        if found is None:
            return None
        key, asin = found
        return self._entry(key, asin, key)

    def render(self, entry: Entry, options: ProductOptions) -> tuple[bytes, int]:
        """The product's JSON for ``options`` and its token cost (cached)."""
        return self._rendered.get_or_make((entry.key, options), lambda: (
            orjson.dumps(product_view(entry.product, options, entry.now)),
            product_cost(entry.product, options, entry.now)))

    def pool(self) -> list[Entry]:
        """The products Product Finder and best-seller lists choose from: the fixtures plus ``pool_size`` books,
        spread evenly over the subjects (leaf categories) the generator files books under."""
        with self._pool_lock:
            if self._pool is None:
                entries = [Entry(key, product["asin"], key, FIXTURE_CLOCK, fixture=True)
                           for key, product in _FIXTURES.items()]
                per_leaf = math.ceil(self.pool_size / len(LEAVES))
                filed: Counter[int] = Counter()
                k = 0
                while len(entries) < len(_FIXTURES) + self.pool_size:
                    first12 = f"9781{(k * 7919 + 104729) % 10 ** 8:08d}"
                    k += 1
                    key = first12 + isbn13_check_digit(first12)
                    leaf = leaf_for(key)
                    entry = None if filed[leaf] >= per_leaf else self.by_code(key)
                    if entry is None:
                        continue
                    filed[leaf] += 1
                    entries.append(entry)
                self._pool = entries
            return self._pool
