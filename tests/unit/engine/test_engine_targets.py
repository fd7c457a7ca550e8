"""Prices worked back from a goal: max buy price, purchase cost, strategic-view sell targets.

See docs/rules.md#profit and docs/rules.md#strategic-views.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from arbvault.engine.config_view import EngineConfig
from arbvault.engine.exceptions import InvalidPriceError
from arbvault.engine.fees import FeeBreakdown, amazon_fees, stated_fees
from arbvault.engine.money import round_half_up
from arbvault.engine.profit import profit_metrics
from arbvault.engine.targets import (
    estimated_buy_price,
    max_buy_price,
    purchase_cost,
    target_sell_price,
    view_roi_target,
)

D = Decimal


def _books_fees(rules: EngineConfig, sell: Decimal) -> FeeBreakdown:
    return amazon_fees(sell, rules.fees["books"])


@pytest.mark.parametrize(("sell", "expected"), [("28", "13.70"), ("100", "59.04"), ("5", "0.00")])
def test_reference_check_29_max_buy_price_at_35_pct_without_buffer(rules: EngineConfig, sell: str,
                                                                   expected: str) -> None:
    price = max_buy_price(D(sell), _books_fees(rules, D(sell)).total, target_roi_pct=D(35), buffer_pct=D(0))
    assert round_half_up(price) == D(expected)


def test_max_buy_price_with_the_buffer_returns_the_target_roi(rules: EngineConfig) -> None:
    fees = _books_fees(rules, D(28))
    price = max_buy_price(D(28), fees.total, target_roi_pct=D(35), buffer_pct=rules.buffer_pct)
    assert round_half_up(price) == D("12.67")  # (28 - 9.50 - 1.40) / 1.35
    m = profit_metrics(D(28), price, fees=fees, buffer_pct=rules.buffer_pct, rules=rules.roi)
    assert round_half_up(m.roi_pct) == D("35.00")


def test_max_buy_price_rejects_a_target_of_minus_100_pct() -> None:
    with pytest.raises(InvalidPriceError):
        max_buy_price(D(28), D(9), target_roi_pct=D(-100), buffer_pct=D(0))


@pytest.mark.parametrize(
    ("strategy", "expected", "roi_min"),
    [("balanced", "59.76", 25), ("aggressive", "53.36", 40), ("conservative", "55.33", 35),
     ("no-such-strategy", "57.46", 30), (None, "57.46", 30)],
)
def test_reference_check_8_purchase_cost_meets_the_strategy_roi(rules: EngineConfig, strategy: str | None,
                                                                expected: str, roi_min: int) -> None:
    fees = _books_fees(rules, D(100))
    cost = purchase_cost(D(100), fees.total, config=rules, strategy=strategy)
    assert round_half_up(cost) == D(expected)
    roi = profit_metrics(D(100), round_half_up(cost), fees=fees, buffer_pct=rules.buffer_pct, rules=rules.roi).roi_pct
    assert abs(roi - roi_min) <= D("0.1")


def test_reference_check_9_purchase_cost_falls_back_to_source_price_factor(rules: EngineConfig) -> None:
    cost = purchase_cost(D("2.30"), _books_fees(rules, D("2.30")).total, config=rules, strategy="balanced")
    assert cost == D("1.15")


def test_reference_check_9_purchase_cost_at_45_99_gives_25_pct(rules: EngineConfig) -> None:
    fees = _books_fees(rules, D("45.99"))
    cost = purchase_cost(D("45.99"), fees.total, config=rules, strategy="balanced")
    roi = profit_metrics(D("45.99"), round_half_up(cost), fees=fees, buffer_pct=rules.buffer_pct,
                         rules=rules.roi).roi_pct
    assert abs(roi - 25) <= D("0.5")


def test_purchase_cost_fallback_follows_the_configured_factor(rules_with) -> None:  # type: ignore[no-untyped-def]
    edited = rules_with(lambda doc: doc["roi"].update(source_price_factor=0.4))
    assert purchase_cost(D(2), D("5.60"), config=edited, strategy="balanced") == D("0.8")


@pytest.mark.parametrize(
    ("sell", "cost", "fees", "profit"),
    [("100", "50", "15", "35"), ("80", "40", "12", "28"), ("20", "10", "3", "7")],
)
def test_reference_check_6_estimated_cost_and_referral_only_roi(rules: EngineConfig, sell: str, cost: str, fees: str,
                                                                profit: str) -> None:
    # The check's own inputs (a referral-only fee, no buffer) through the one ROI definition give its 70 %.
    buy = estimated_buy_price(D(sell), rules)
    referral_only = stated_fees(D(sell), rules.fees["books"], referral_pct=D(15), fba_fee=D(0), prep_fee=D(0))
    m = profit_metrics(D(sell), buy, fees=referral_only, buffer_pct=D(0), rules=rules.roi)
    assert (buy, m.costs.total, m.net_profit, m.roi_pct) == (D(cost), D(fees), D(profit), D(70))


def test_estimated_cost_under_the_full_fee_model_is_no_constant_70_pct(rules: EngineConfig) -> None:
    roi = {sell: profit_metrics(D(sell), estimated_buy_price(D(sell), rules), fees=_books_fees(rules, D(sell)),
                                buffer_pct=rules.buffer_pct, rules=rules.roi).roi_pct for sell in (20, 100)}
    assert (round_half_up(roi[20]), round_half_up(roi[100])) == (D("7.00"), D("49.40"))


def test_reference_check_2_profit_hunter_target() -> None:
    target = target_sell_price(D(15), fba_fee=D("3.50"), roi_target=view_roi_target("profit_hunter"),
                               referral_rate=D("0.15"))
    assert target.net_rate == D("0.425")
    assert round_half_up(target.base_price) == D("43.53")
    assert round_half_up(target.target_price) == D("46.14")


@pytest.mark.parametrize(
    ("view", "target"),
    [("profit_hunter", "0.50"), ("velocity", "0.25"), ("cashflow_hunter", "0.35"), ("balanced_score", "0.40"),
     ("volume_player", "0.20"), ("unknown_view", "0.30")],
)
def test_reference_check_3_roi_target_per_view(view: str, target: str) -> None:
    assert view_roi_target(view) == D(target)
    assert target_sell_price(D(15), fba_fee=D("3.50"), roi_target=view_roi_target(view),
                             referral_rate=D("0.15")).roi_target == D(target)


@pytest.mark.parametrize(("buy", "fba", "field"), [("0", "3.50", "buy_price"), ("-1", "3.50", "buy_price"),
                                                   ("15", "-0.01", "fba_fee")])
def test_reference_check_3_bad_costs_are_rejected(buy: str, fba: str, field: str) -> None:
    with pytest.raises(InvalidPriceError) as caught:
        target_sell_price(D(buy), fba_fee=D(fba), roi_target=D("0.30"), referral_rate=D("0.15"))
    assert caught.value.details[0]["field"] == field


def test_reference_check_4_cashflow_costs_with_custom_referral_and_buffer() -> None:
    target = target_sell_price(D(15), fba_fee=D("3.5"), storage_fee=D("1.0"),
                               roi_target=view_roi_target("cashflow_hunter"), referral_rate=D("0.12"),
                               safety_buffer=D("0.07"))
    assert target.total_costs == D("19.50")
    assert target.roi_target == D("0.35")
    assert round_half_up(target.target_price) == round_half_up(D("19.50") / (D("0.88") * D("0.65")) * D("1.07"))


def test_reference_check_5_velocity_target_is_achievable_below_market() -> None:
    target = target_sell_price(D(10), fba_fee=D("2.50"), roi_target=view_roi_target("velocity"),
                               referral_rate=D("0.15"), market_price=D(25))
    assert target.achievable is True
    assert target.gap_pct is not None and target.gap_pct < 0
    assert round_half_up(target.target_price) == D("20.78")
    assert round_half_up(target.gap_pct) == D("-16.86")


def test_target_above_five_pct_over_market_is_not_achievable() -> None:
    target = target_sell_price(D(15), fba_fee=D("3.50"), roi_target=D("0.50"), referral_rate=D("0.15"),
                               market_price=D(40))
    assert target.achievable is False and target.gap_pct is not None and target.gap_pct > 5


def test_net_rate_of_zero_is_rejected() -> None:
    with pytest.raises(InvalidPriceError):
        target_sell_price(D(15), fba_fee=D("3.50"), roi_target=D(1), referral_rate=D("0.15"))
