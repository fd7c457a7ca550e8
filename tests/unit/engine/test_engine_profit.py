"""The one profit/ROI definition (docs/rules.md#profit)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from arbvault.engine.config_view import EngineConfig
from arbvault.engine.exceptions import InvalidPriceError
from arbvault.engine.fees import FeeBreakdown, amazon_fees
from arbvault.engine.profit import holding_costs, profit_metrics, profit_tier

D = Decimal


def _fees(total: str) -> FeeBreakdown:
    """A fee breakdown whose only line is a flat fulfilment fee of ``total``."""
    return FeeBreakdown("books", D(1), D(0), D(0), D(total), D(0), D(0))


def test_reference_check_28_sell_20_buy_8(rules: EngineConfig) -> None:
    m = profit_metrics(D(20), D(8), fees=amazon_fees(D(20), rules.fees["books"]), buffer_pct=rules.buffer_pct,
                       rules=rules.roi)
    assert (m.costs.buffer, m.net_profit, m.roi_pct, m.tier) == (D(1), D("2.70"), D("33.75"), "good")
    c = m.costs
    assert (c.referral, c.closing, c.fulfilment, c.inbound, c.prep, c.storage, c.returns, c.total) == (
        D("3.00"), D("1.80"), D("2.90"), D("0.40"), D("0.20"), D(0), D(0), D("9.30"))
    assert m.margin_pct == D("13.5")
    assert m.profitable and m.meets_target


@pytest.mark.parametrize(
    ("roi", "tier"),
    [("50", "excellent"), ("49.99", "good"), ("30", "good"), ("15", "fair"), ("14.99", "poor"), ("0.01", "poor"),
     ("0", "loss"), ("-20", "loss")],
)
def test_profit_tier_uses_config_thresholds(rules: EngineConfig, roi: str, tier: str) -> None:
    assert profit_tier(D(roi), rules.roi) == tier


def test_profit_tier_follows_edited_thresholds(rules_with) -> None:  # type: ignore[no-untyped-def]
    edited = rules_with(lambda doc: doc["roi"].update(excellent_threshold=40))
    assert profit_tier(D(45), edited.roi) == "excellent"


def test_roi_is_zero_when_nothing_was_paid(rules: EngineConfig) -> None:
    m = profit_metrics(D(20), D(0), fees=_fees("8.30"), buffer_pct=rules.buffer_pct, rules=rules.roi)
    assert m.roi_pct == 0 and m.net_profit == D("10.70") and m.tier == "loss"


def test_storage_and_returns_are_cost_lines(rules: EngineConfig) -> None:
    # 45 days at 0.10 a month = 0.15; 2 % of 20 = 0.40.
    storage, returns = holding_costs(D(20), storage_per_unit_month=rules.storage_per_unit_month, days=D(45),
                                     returns_pct=rules.returns_pct)
    assert (storage, returns) == (D("0.15"), D("0.40"))
    m = profit_metrics(D(20), D(8), fees=_fees("8.30"), buffer_pct=rules.buffer_pct, rules=rules.roi,
                       storage=storage, returns=returns)
    assert (m.costs.storage, m.costs.returns, m.costs.total) == (D("0.15"), D("0.40"), D("9.85"))
    assert m.net_profit == D("2.15") and m.roi_pct == D("26.875") and not m.meets_target


def test_unprofitable_sale_is_a_loss(rules: EngineConfig) -> None:
    m = profit_metrics(D(10), D(9), fees=_fees("6.80"), buffer_pct=rules.buffer_pct, rules=rules.roi)
    assert m.net_profit == D("-6.30") and not m.profitable and m.tier == "loss"


def test_rounded_copy_rounds_half_up_to_cents(rules: EngineConfig) -> None:
    m = profit_metrics(D("24.99"), D(3), fees=_fees("9.0485"), buffer_pct=rules.buffer_pct, rules=rules.roi)
    out = m.rounded()
    assert out.costs.buffer == D("1.25")  # 1.2495 -> 1.25
    assert (out.costs.fulfilment, out.costs.total) == (D("9.05"), D("10.30"))  # 10.298 -> 10.30
    assert out.net_profit == D("11.69")  # 11.692 -> 11.69
    assert out.roi_pct == D("389.73")


@pytest.mark.parametrize("field", ["sell_price", "buy_price", "storage", "returns"])
def test_negative_inputs_are_rejected(rules: EngineConfig, field: str) -> None:
    values = {"sell_price": D(20), "buy_price": D(8), "storage": D(0), "returns": D(0), field: D(-1)}
    with pytest.raises(InvalidPriceError) as caught:
        profit_metrics(values["sell_price"], values["buy_price"], fees=_fees("8"), buffer_pct=rules.buffer_pct,
                       rules=rules.roi, storage=values["storage"], returns=values["returns"])
    assert caught.value.details == [{"field": field, "message": "must not be negative"}]
