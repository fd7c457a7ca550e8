"""Token balance bookkeeping and the 429 wait (no token is spent to know the balance)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from arbvault.keepa.exceptions import TokensExhaustedError, retry_after_seconds
from arbvault.keepa.tokens import TokenBalance

SEEN = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
ENVELOPE = {"timestamp": 1780272000412, "tokensLeft": 100, "refillIn": 43588, "refillRate": 20,
            "tokenFlowReduction": 0.0, "tokensConsumed": 6, "processingTimeInMs": 3917}


def test_from_envelope_reads_every_field() -> None:
    balance = TokenBalance.from_envelope(ENVELOPE, observed_at=SEEN)
    assert balance is not None
    assert (balance.tokens_left, balance.refill_in_ms, balance.refill_rate, balance.tokens_consumed) == (
        100, 43588, 20, 6)
    assert balance.server_time == datetime(2026, 6, 1, 0, 0, 0, 412000, tzinfo=UTC)
    assert balance.as_dict()["tokens_left"] == 100


def test_body_without_tokens_left_has_no_balance() -> None:
    assert TokenBalance.from_envelope({"products": []}) is None


@pytest.mark.parametrize(
    ("elapsed_ms", "expected"),
    [(0, 100), (43_587, 100), (43_588, 120), (103_587, 120), (103_588, 140), (60 * 60_000, 1200)],
)
def test_estimate_adds_a_refill_per_minute_up_to_an_hour(elapsed_ms: int, expected: int) -> None:
    balance = TokenBalance.from_envelope(ENVELOPE, observed_at=SEEN)
    assert balance is not None
    assert balance.estimate(SEEN + timedelta(milliseconds=elapsed_ms)) == expected


def test_estimate_above_cap_stays() -> None:
    balance = TokenBalance.from_envelope(dict(ENVELOPE, tokensLeft=5000), observed_at=SEEN)
    assert balance is not None and balance.estimate(SEEN + timedelta(hours=2)) == 5000


@pytest.mark.parametrize(
    ("refill_in", "tokens_left", "rate", "seconds"),
    [(43_588, 0, 20, 44), (43_588, -4, 20, 44), (43_588, -20, 20, 104), (43_588, -45, 20, 164), (0, 0, 20, 1),
     (500, 0, 0, 1)],
)
def test_retry_after_covers_negative_balances(refill_in: int, tokens_left: int, rate: int, seconds: int) -> None:
    assert retry_after_seconds(refill_in, tokens_left, rate) == seconds


def test_tokens_exhausted_error_carries_the_wait() -> None:
    error = TokensExhaustedError(refill_in_ms=43_588, tokens_left=-4, refill_rate=20)
    assert (error.refill_in_ms, error.retry_after_seconds, error.headers) == (43_588, 44, {"Retry-After": "44"})
    assert error.details[0]["tokens_left"] == -4
