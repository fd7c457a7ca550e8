"""The token guard and the shared balance: estimates, waits, newest-wins recording, and never paying to check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from arbvault.catalog.exceptions import TokenBudgetError
from arbvault.catalog.guard import check_tokens, estimate, guarded, retry_after_seconds
from arbvault.catalog.token_ledger import StoredBalance, load_balance, record_balance
from arbvault.db import session_scope
from arbvault.keepa.client import KeepaClient
from arbvault.keepa.tokens import TokenBalance
from infra.keepa_offline import OfflineKeepa

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def balance(tokens: int, *, rate: int = 20, refill_in_ms: int = 30_000, at: datetime = NOW) -> TokenBalance:
    return TokenBalance(tokens_left=tokens, refill_in_ms=refill_in_ms, refill_rate=rate, tokens_consumed=0,
                        token_flow_reduction=0.0, server_time=None, observed_at=at)


@pytest.mark.parametrize(("seconds_later", "expected", "next_refill_in_s"), [
    (0, 10, 30),      # before the first refill
    (29, 10, 1),
    (30, 30, 60),     # the first refill lands 30 s after the observation
    (150, 70, 60),    # refills at 30, 90 and 150 s; the next one a minute later
    (3 * 3600, 1200, 30),  # capped at an hour's worth (60 x 20)
])
def test_estimate_adds_refills_since_the_observation(seconds_later: int, expected: int,
                                                     next_refill_in_s: int) -> None:
    current = estimate(StoredBalance(balance(10), "last_response"), NOW + timedelta(seconds=seconds_later))

    assert current.estimated == expected
    assert current.refill_in_ms == next_refill_in_s * 1000


@pytest.mark.parametrize(("deficit", "wait"), [(1, 30), (20, 30), (21, 90), (100, 30 + 4 * 60)])
def test_retry_after_waits_for_enough_refills(deficit: int, wait: int) -> None:
    current = estimate(StoredBalance(balance(0), "last_response"), NOW)

    assert retry_after_seconds(current, deficit) == wait


def test_retry_after_without_a_refill_rate_is_one_period() -> None:
    current = estimate(StoredBalance(balance(0, rate=0), "last_response"), NOW)

    assert retry_after_seconds(current, 5) == 60


def test_a_newer_observation_wins_and_an_older_one_is_ignored(database_url: str) -> None:
    with session_scope() as session:
        record_balance(session, balance(500, at=NOW), source="last_response")
        record_balance(session, balance(900, at=NOW - timedelta(seconds=5)), source="token_endpoint")
    with session_scope() as session:
        stored = load_balance(session)
    assert stored is not None and stored.balance.tokens_left == 500 and stored.source == "last_response"

    with session_scope() as session:
        record_balance(session, balance(480, at=NOW + timedelta(seconds=1)), source="last_response")
        stored = load_balance(session)
    assert stored is not None and stored.balance.tokens_left == 480


def test_checking_nothing_asks_nothing(client: KeepaClient, keepa: OfflineKeepa) -> None:
    with session_scope() as session:
        assert check_tokens(session, client, 0) is None
        assert load_balance(session) is None
    assert list(keepa.requests) == []


def test_the_first_check_asks_token_once_and_stores_it(client: KeepaClient, keepa: OfflineKeepa) -> None:
    keepa.set_tokens(40)
    with session_scope() as session:
        first = check_tokens(session, client, 40)
    with session_scope() as session, pytest.raises(TokenBudgetError) as refused:
        check_tokens(session, client, 41)

    assert first is not None and first.source == "token_endpoint" and first.estimated == 40
    assert refused.value.details == [{"required": 41, "balance": 40, "deficit": 1, "refill_rate": 20,
                                      "retry_after_seconds": refused.value.retry_after_seconds}]
    assert refused.value.headers == {"Retry-After": str(refused.value.retry_after_seconds)}
    assert [r.endpoint for r in keepa.requests] == ["token"]


def test_guarded_records_the_balance_even_when_the_call_fails(client: KeepaClient, keepa: OfflineKeepa) -> None:
    with pytest.raises(RuntimeError), guarded(client, 1):
        client.categories([283155])
        raise RuntimeError("the caller failed after Keepa answered")

    with session_scope() as session:
        stored = load_balance(session)
    assert stored is not None and stored.source == "last_response"
    assert stored.balance.tokens_left == 1200 - 1 == keepa.bucket.peek().tokens_left


def test_a_short_balance_with_an_unknown_refill_rate_waits_one_period(database_url: str, client: KeepaClient,
                                                                      keepa: OfflineKeepa) -> None:
    with session_scope() as session:
        record_balance(session, balance(5, rate=0, at=datetime.now(UTC)), source="last_response")
    with session_scope() as session, pytest.raises(TokenBudgetError) as refused:
        check_tokens(session, client, 500)

    assert refused.value.headers == {"Retry-After": "60"} and refused.value.deficit == 495
    assert list(keepa.requests) == []
