"""The stats extremes arrays: read on access, and equal to the tuples they stand for."""

from __future__ import annotations

from datetime import UTC, datetime

from arbvault.keepa.csv_types import CsvType
from arbvault.keepa.stats import ExtremePoints, parse_stats

RAW = [[8_000_000, 1999], None, [8_000_060, -1], [-1, 5], [], [8_000_120, 0]]
DATED = ((datetime(2026, 3, 18, 13, 20, tzinfo=UTC), 1999), None, None, None, None,
         (datetime(2026, 3, 18, 15, 20, tzinfo=UTC), 0))


def test_entries_read_as_dated_values_and_pad_to_36() -> None:
    points = ExtremePoints(RAW)

    assert len(points) == 36
    assert tuple(points)[:6] == DATED and points[6:] == (None,) * 30
    assert points[CsvType.AMAZON] == DATED[0] and points[-1] is None


def test_equal_to_the_tuple_and_to_the_same_raw_array() -> None:
    points = ExtremePoints(RAW)

    assert points == DATED + (None,) * 30
    assert points == ExtremePoints([*RAW, None])
    assert points != ExtremePoints([[8_000_000, 2999]])
    assert hash(points) == hash(ExtremePoints(RAW)) and repr(points) == repr(tuple(points))


def test_parsed_stats_carry_their_extremes() -> None:
    stats = parse_stats({"current": [1999], "min": RAW, "maxInInterval": [[8_000_000, 2499]]})

    assert stats is not None
    assert stats.min[0] == DATED[0] and stats.max == (None,) * 36
    assert stats.max_in_interval[CsvType.AMAZON] == (DATED[0][0], 2499)
