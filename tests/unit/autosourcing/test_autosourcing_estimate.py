"""A run's token estimate, its two safeguards and their defaults (no database: balances are given)."""

from __future__ import annotations

import pytest

from arbvault.autosourcing.configs import DiscoverySpec
from arbvault.autosourcing.safeguards import Limits, RunEstimate, estimate_run_tokens
from arbvault.catalog.costs import BESTSELLERS_COST, PRODUCT_COST, finder_cost
from arbvault.catalog.exceptions import TokenBudgetError
from arbvault.exceptions import InvalidInputError
from arbvault.settings import reset_settings


def test_costs_a_run_is_priced_with() -> None:
    assert (PRODUCT_COST, BESTSELLERS_COST, finder_cost(200)) == (1, 50, 12)


@pytest.mark.parametrize(("spec", "expected"), [
    (DiscoverySpec(category_id=283155, max_results=50), (50, 50)),  # a category alone: its best-seller list
    (DiscoverySpec(category_id=283155, bsr_max=100_000, max_results=30), (12, 30)),  # any filter: the finder
    (DiscoverySpec(price_min=None, bsr_min=1, max_results=20), (12, 20)),
    (DiscoverySpec(category_id=283155, bsr_max=100_000, max_results=200), (12, 200)),
])
def test_estimate_is_discovery_plus_one_lookup_per_candidate(spec: DiscoverySpec, expected: tuple[int, int]) -> None:
    assert estimate_run_tokens(spec) == expected


@pytest.mark.parametrize(("offers", "expected"), [(None, (12, 30)), (20, (12, 30 * 6))])
def test_lookups_with_live_offers_cost_one_offer_page_each(offers: int | None, expected: tuple[int, int]) -> None:
    spec = DiscoverySpec(category_id=283155, bsr_max=100_000, max_results=30)
    assert estimate_run_tokens(spec, offers=offers) == expected


def test_default_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUTOSOURCING_JOB_TOKENS_MAX", raising=False)
    monkeypatch.delenv("AUTOSOURCING_BALANCE_MIN", raising=False)
    reset_settings()
    assert Limits.configured() == Limits(job_tokens_max=400, balance_min=50)
    monkeypatch.setenv("AUTOSOURCING_JOB_TOKENS_MAX", "500")
    reset_settings()
    assert Limits.configured().job_tokens_max == 500
    reset_settings()


def _estimate(balance: int, details: int = 50) -> RunEstimate:
    return RunEstimate(discovery_tokens=50, details_tokens=details, balance=balance,
                       limits=Limits(job_tokens_max=200, balance_min=50), retry_after_seconds=120, refill_rate=5)


def test_short_balance_is_429_with_required_balance_deficit_and_retry_after() -> None:
    short = _estimate(balance=135)
    assert not short.safe_to_proceed and short.required == 150 and short.deficit == 15
    with pytest.raises(TokenBudgetError) as raised:
        short.check()
    assert (raised.value.required, raised.value.balance, raised.value.deficit) == (150, 135, 15)
    assert raised.value.headers == {"Retry-After": "120"}


def test_too_expensive_is_422_naming_the_limit_before_the_balance() -> None:
    costly = _estimate(balance=0, details=151)
    assert costly.warning is not None and "limit of 200" in costly.warning
    with pytest.raises(InvalidInputError) as raised:
        costly.check()
    assert raised.value.details[0]["limit"] == "job_tokens_max"
    assert raised.value.details[0]["tokens_estimated"] == 201


def test_enough_balance_passes() -> None:
    enough = _estimate(balance=150)
    assert enough.safe_to_proceed and enough.warning is None
    enough.check()
