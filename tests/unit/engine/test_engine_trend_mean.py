"""The rank trend averages whole ranks without ``statistics``' Fraction arithmetic: scores must not move at all.

The reference below is the trend as first written (``statistics.mean`` over Decimals); any whole-number rank
history must score the same under both.
"""

from __future__ import annotations

import statistics
from datetime import UTC, datetime, timedelta
from decimal import ROUND_FLOOR, Decimal

from hypothesis import given
from hypothesis import strategies as st

from arbvault.config.defaults import DEFAULT_RULES
from arbvault.engine.rules_document import read_config
from arbvault.engine.scores import TREND_POINTS, velocity_trend

RULES = read_config(DEFAULT_RULES).advanced
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def reference_score(ranks: list[int]) -> int:
    values = [Decimal(rank) for rank in ranks]
    recent = statistics.mean(values[-TREND_POINTS:])
    older = statistics.mean(values[:TREND_POINTS] if len(values) >= 2 * TREND_POINTS else values)
    raw = Decimal("0.5") + Decimal("0.5") * (older - recent) / older
    return int((min(max(raw, Decimal(0)), Decimal(1)) * 100).to_integral_value(rounding=ROUND_FLOOR))


@given(st.lists(st.integers(min_value=1, max_value=2**31 - 1), min_size=RULES.velocity_min_points, max_size=40))
def test_whole_rank_histories_score_as_with_statistics_mean(ranks: list[int]) -> None:
    history = [(NOW - timedelta(hours=len(ranks) - i), rank) for i, rank in enumerate(ranks)]

    score = velocity_trend(history, now=NOW, rules=RULES)

    assert score.sufficient_data and score.score == reference_score(ranks)
