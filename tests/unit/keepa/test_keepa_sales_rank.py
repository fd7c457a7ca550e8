"""The sales-rank rule (docs/rules.md#sales-rank): source order, freshness and confidence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from arbvault.keepa.sales_rank import extract_sales_rank, rank_category, rank_confidence
from arbvault.keepa.time import datetime_to_keepa_minutes
from arbvault.keepa.units import cents_to_decimal

NOW = datetime(2026, 6, 1, tzinfo=UTC)
BOOKS = {"categoryTree": [{"catId": 283155, "name": "Books"}], "productGroup": "Book"}


def _stats(**arrays: list[int]) -> dict[str, Any]:
    return {"stats": {name: values + [-1] * (36 - len(values)) for name, values in arrays.items()}}


def _km(moment: datetime) -> int:
    return datetime_to_keepa_minutes(moment)


def test_check_12_current_array_gives_rank_confidence_and_amazon_price() -> None:
    raw = {**BOOKS, **_stats(current=[2499, 2999, 1999, 1234])}
    rank = extract_sales_rank(raw, now=NOW)
    assert (rank.value, rank.source, rank.confidence, rank.valid) == (1234, "current", 1.0, True)
    assert cents_to_decimal(raw["stats"]["current"][0]) == cents_to_decimal(2499)
    assert str(cents_to_decimal(raw["stats"]["current"][0])) == "24.99"


@pytest.mark.parametrize(
    ("value", "category", "confidence", "valid"),
    [
        (3_500_000, "books", 0.5, True),
        (3_500_000, "electronics", 0.3, False),
        (100, "books", 1.0, True),
        (50_000, "electronics", 0.9, True),
        (5_000_000, "books", 0.5, True),
        (5_000_001, "books", 0.3, False),
        (2_000_001, "toys", 0.3, False),
        (9_999_999, "default", 0.5, True),
        (500_000, "books", 0.7, True),
    ],
)
def test_check_13_confidence_by_value_and_category(value: int, category: Any, confidence: float, valid: bool) -> None:
    assert rank_confidence(value, "current", category) == (confidence, valid)


@pytest.mark.parametrize(
    ("source", "confidence"), [("sales_ranks", 0.9), ("current", 0.9), ("csv_recent", 0.81), ("avg30", 0.72)],
)
def test_confidence_scales_with_source(source: Any, confidence: float) -> None:
    assert rank_confidence(50_000, source, "books") == (confidence, True)


def test_check_14_current_beats_avg30_and_csv() -> None:
    csv: list[Any] = [None] * 36
    csv[3] = [_km(NOW - timedelta(minutes=10)), 1500]
    raw = {**BOOKS, **_stats(current=[0, 0, 0, 1000], avg30=[0, 0, 0, 2000]), "csv": csv}
    rank = extract_sales_rank(raw, now=NOW)
    assert (rank.value, rank.source) == (1000, "current")


def test_check_14_recent_csv_point_when_current_is_empty() -> None:
    csv: list[Any] = [None] * 36
    csv[3] = [_km(NOW - timedelta(days=40)), 9000, _km(NOW - timedelta(minutes=10)), 1500]
    raw = {**BOOKS, "stats": {"current": []}, "csv": csv}
    rank = extract_sales_rank(raw, now=NOW)
    assert (rank.value, rank.source, rank.confidence) == (1500, "csv_recent", 0.9)


def test_check_14_avg30_when_nothing_else() -> None:
    rank = extract_sales_rank({**BOOKS, **_stats(avg30=[-1, -1, -1, 3000])}, now=NOW)
    assert (rank.value, rank.source, rank.confidence) == (3000, "avg30", 0.8)


def test_csv_point_older_than_a_day_is_not_recent() -> None:
    csv: list[Any] = [None] * 36
    csv[3] = [_km(NOW - timedelta(hours=25)), 1500]
    rank = extract_sales_rank({**BOOKS, "csv": csv}, now=NOW)
    assert (rank.value, rank.source, rank.confidence, rank.valid) == (None, "none", 0.0, False)


def test_sales_ranks_reference_series_wins_with_its_newest_value() -> None:
    raw = {**BOOKS, "salesRankReference": 283155,
           "salesRanks": {"283155": [7000000, 1_129_502, 8000000, 368_614], "1000": [8000000, 12]},
           **_stats(current=[-1, -1, -1, 999])}
    rank = extract_sales_rank(raw, now=NOW)
    assert (rank.value, rank.source) == (368_614, "sales_ranks")  # the newest value, not the first


def test_sales_ranks_any_series_when_reference_missing() -> None:
    raw = {**BOOKS, "salesRankReference": -1, "salesRanks": {"1000": [8000000, 42]}}
    assert extract_sales_rank(raw, now=NOW).value == 42


@pytest.mark.parametrize("bad", [0, -1])
def test_non_positive_values_are_skipped_at_every_step(bad: int) -> None:
    raw = {**BOOKS, "salesRankReference": 283155, "salesRanks": {"283155": [8000000, bad]},
           **_stats(current=[-1, -1, -1, bad], avg30=[-1, -1, -1, 777])}
    assert extract_sales_rank(raw, now=NOW).value == 777


def test_root_level_current_array_is_preferred() -> None:
    raw = {**BOOKS, "current": [-1, -1, -1, 4321], **_stats(current=[-1, -1, -1, 9999])}
    assert extract_sales_rank(raw, now=NOW).value == 4321


@pytest.mark.parametrize(
    ("raw", "category"),
    [(BOOKS, "books"), ({"categoryTree": [{"catId": 172282, "name": "Electronics"}]}, "electronics"),
     ({"productGroup": "Toy"}, "toys"), ({"productGroup": "Kitchen"}, "default"), ({}, "default")],
)
def test_rank_category(raw: dict[str, Any], category: str) -> None:
    assert rank_category(raw) == category
