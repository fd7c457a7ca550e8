"""The sales-rank (BSR) rule: which number to trust, where it came from, and how far to trust it.

Order (docs/rules.md#sales-rank): the last value of ``salesRanks[salesRankReference]`` (else of any category series);
``stats.current[SALES]``; the last csv SALES point when it is at most 24 hours old; ``stats.avg30[SALES]``.
Non-positive values are skipped at every step. The newest point always wins: the *first* ``salesRanks`` value
is years old.

Confidence = base by rank (< 10k 1.0, < 100k 0.9, < 1M 0.7, else 0.5) x source factor (salesRanks and
current 1.0, csv_recent 0.9, avg30 0.8), or 0.3 when the rank is outside the category's plausible range
(books 1-5M, electronics 1-1M, toys 1-2M, anything else 1-10M); 0 when there is no rank.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from arbvault.keepa.csv_types import CsvType
from arbvault.keepa.time import keepa_minutes_to_datetime

RankSource = Literal["sales_ranks", "current", "csv_recent", "avg30", "none"]
RankCategory = Literal["books", "electronics", "toys", "default"]

RECENT = timedelta(hours=24)
INVALID_CONFIDENCE = 0.3

_SOURCE_FACTOR: dict[str, float] = {"sales_ranks": 1.0, "current": 1.0, "csv_recent": 0.9, "avg30": 0.8}
_VALID_MAX: dict[str, int] = {"books": 5_000_000, "electronics": 1_000_000, "toys": 2_000_000,
                              "default": 10_000_000}


@dataclass(slots=True)
class SalesRank:
    """A sales rank with its source and confidence (0-1). Read-only (not frozen: see ``product``)."""

    value: int | None
    source: RankSource
    confidence: float
    valid: bool
    """The value lies in the category's plausible range (``False`` when there is no value)."""


NO_RANK = SalesRank(value=None, source="none", confidence=0.0, valid=False)


def rank_category(raw: Mapping[str, Any]) -> RankCategory:
    """Which plausible-range table applies, from the root category name or ``productGroup``."""
    tree = raw.get("categoryTree") or []
    names = [str(tree[0].get("name", "")) if tree else "", str(raw.get("productGroup") or "")]
    text = " ".join(names).lower()
    if "book" in text:
        return "books"
    if "electronic" in text:
        return "electronics"
    if "toy" in text:
        return "toys"
    return "default"


def rank_confidence(value: int, source: RankSource, category: RankCategory = "default") -> tuple[float, bool]:
    """``(confidence, valid)`` for a positive rank from ``source``."""
    if not 1 <= value <= _VALID_MAX[category]:
        return INVALID_CONFIDENCE, False
    if value < 10_000:
        base = 1.0
    elif value < 100_000:
        base = 0.9
    elif value < 1_000_000:
        base = 0.7
    else:
        base = 0.5
    return round(base * _SOURCE_FACTOR.get(source, 0.7), 2), True


def _last_positive(series: Sequence[int] | None) -> int | None:
    """Newest value of a flat ``[t, v, t, v, ...]`` series, if positive."""
    if not series or len(series) < 2:
        return None
    value = series[-1]
    return value if isinstance(value, int) and value > 0 else None


def _from_sales_ranks(raw: Mapping[str, Any]) -> int | None:
    ranks = raw.get("salesRanks") or {}
    reference = raw.get("salesRankReference")
    if reference is not None and reference != -1:
        value = _last_positive(ranks.get(str(reference)))
        if value is not None:
            return value
    for series in ranks.values():
        value = _last_positive(series)
        if value is not None:
            return value
    return None


def _stat(stats: Mapping[str, Any], name: str) -> int | None:
    values = stats.get(name) or []
    if len(values) > CsvType.SALES:
        value = values[CsvType.SALES]
        if isinstance(value, int) and value > 0:
            return value
    return None


def _from_recent_csv(raw: Mapping[str, Any], now: datetime) -> int | None:
    csv = raw.get("csv") or []
    series = csv[CsvType.SALES] if len(csv) > CsvType.SALES else None
    value = _last_positive(series)
    if value is None or series is None:
        return None
    when = keepa_minutes_to_datetime(series[-2])
    if when is None or now - when > RECENT:
        return None
    return value


def extract_sales_rank(raw: Mapping[str, Any], *, now: datetime | None = None) -> SalesRank:
    """Apply the rule to a raw product object; ``now`` decides what "24 hours old" means (default: now)."""
    stats = raw.get("stats") or {}
    # Each source is read only when the ones before it have no rank (salesRanks nearly always has one).
    source: RankSource = "sales_ranks"
    value = _from_sales_ranks(raw)
    if value is None:
        # A root-level ``current`` array (seen in some payloads) beats ``stats.current``.
        source, value = "current", _stat(raw if isinstance(raw.get("current"), list) else stats, "current")
    if value is None:
        source, value = "csv_recent", _from_recent_csv(raw, now or datetime.now(UTC))
    if value is None:
        source, value = "avg30", _stat(stats, "avg30")
    if value is None:
        return NO_RANK
    confidence, valid = rank_confidence(value, source, rank_category(raw))
    return SalesRank(value, source, confidence, valid)
