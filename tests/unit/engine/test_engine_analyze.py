"""``analyze``: one parsed Keepa product under the canonical rules, end to end through the real parser."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from arbvault.config.defaults import DEFAULT_RULES
from arbvault.engine.analyze import analyze
from arbvault.engine.config_view import EngineConfig
from arbvault.engine.exceptions import InvalidPriceError, RulesConfigError, UnknownStrategyError
from arbvault.keepa.parsing import parse_product
from arbvault.keepa.product import KeepaProduct
from arbvault.keepa.time import datetime_to_keepa_minutes

D = Decimal
NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)
BOOKS = 283155


def _km(when: datetime) -> int:
    return datetime_to_keepa_minutes(when)


def _stats_array(values: dict[int, int]) -> list[int]:
    return [values.get(i, -1) for i in range(36)]


def _offer(offer_id: int, condition: int, cents: int, shipping: int, *, fba: bool) -> dict[str, Any]:
    return {"offerId": offer_id, "sellerId": f"SELLER{offer_id}", "condition": condition, "isFBA": fba,
            "isAmazon": False, "offerCSV": [_km(NOW - timedelta(days=3)), cents, shipping], "lastSeen": _km(NOW)}


def raw_product(*, age_days: int = 2, current: dict[int, int] | None = None, with_offers: bool = True,
                weight_g: int = 907, used_buy_box: int = 1699) -> dict[str, Any]:
    """A Keepa product object as the API sends it: a paperback at a 24.99 Buy Box (16.99 used, with offers),
    rank 40 000 and improving."""
    ranks = [60_000] * 7 + [30_000] * 7
    sales = []
    for i, rank in enumerate(ranks):
        sales += [_km(NOW - timedelta(hours=12 * (len(ranks) - i))), rank]
    new = []
    for day in range(20):
        new += [_km(NOW - timedelta(days=20 - day)), 2000]
    csv: list[Any] = [None] * 36
    csv[1], csv[3] = new, sales
    csv[18] = [_km(NOW - timedelta(days=5)), 2499, 0]
    raw: dict[str, Any] = {
        "asin": "0000000001", "domainId": 1, "productType": 0, "title": "A Test Paperback",
        "categoryTree": [{"catId": BOOKS, "name": "Books"}, {"catId": 25, "name": "Science Fiction"}],
        "salesRankReference": BOOKS, "salesRanks": {str(BOOKS): [_km(NOW - timedelta(hours=2)), 40_000]},
        "packageWeight": weight_g, "lastUpdate": _km(NOW - timedelta(days=age_days)), "csv": csv,
        "stats": {"current": _stats_array(current if current is not None else {1: 2000, 3: 40_000, 10: 2100,
                                                                              18: 2499}),
                  "avg90": _stats_array({18: 2599}), "salesRankDrops30": 30, "salesRankDrops90": 95},
    }
    if with_offers:
        raw["stats"] |= {"buyBoxPrice": 2499, "buyBoxShipping": 0, "buyBoxUsedPrice": used_buy_box,
                         "buyBoxUsedShipping": 0}
        raw |= {"offers": [_offer(1, 1, 2100, 0, fba=True), _offer(2, 4, 400, 399, fba=False),
                           _offer(3, 4, 550, 0, fba=True), _offer(4, 2, 900, 0, fba=True)],
                "liveOffersOrder": [0, 1, 2, 3], "offersSuccessful": True}
    return raw


def product(**kwargs: Any) -> KeepaProduct:
    return parse_product(raw_product(**kwargs), now=NOW)


def test_full_analysis_with_a_requested_buy_price(rules: EngineConfig) -> None:
    a = analyze(product(), rules, now=NOW, buy_price=D("4.00"), buy_condition="new")
    assert (a.strategy, a.strategy_auto_selected, a.fee_category) == ("balanced", True, "books")
    assert (a.sell_price, a.sell_price_source, a.buy_price, a.buy_price_source, a.buy_condition) == (
        D("24.99"), "buy_box", D("4.00"), "requested", "new")
    assert a.fees is not None and (a.fees.weight_lb, a.fees.fulfilment, a.fees.referral) == (D("2.000"), D("3.30"),
                                                                                             D("3.75"))
    assert a.profit is not None
    # Balanced holds 30-60 days: storage 0.10 x 45 / 30 = 0.15; returns 2 % x 24.99 = 0.4998.
    c = a.profit.costs
    assert (c.referral, c.closing, c.fulfilment, c.inbound, c.prep, c.buffer, c.storage, c.returns, c.total) == (
        D("3.75"), D("1.80"), D("3.30"), D("0.40"), D("0.20"), D("1.25"), D("0.15"), D("0.50"), D("11.35"))
    assert (a.profit.net_profit, a.profit.roi_pct, a.profit.tier) == (D("9.64"), D("241.06"), "excellent")
    # (24.99 - 9.4485 - 0.15 - 0.4998 - 1.2495) / 1.3 and / 1
    assert (a.target_roi_pct, a.max_buy_price, a.breakeven_buy_price) == (D("30.0"), D("10.49"), D("13.64"))
    assert (a.bsr, a.bsr_source) == (40_000, "sales_ranks")
    # 30 drops in 30 days = 1 a day, what rank 18 974 sells: 94.3; the mean with rank 40 000's 88.0 is 91.2.
    assert (a.velocity.rank_score, a.velocity.drops_score, a.velocity.score, a.velocity_tier) == (
        D("88.0"), D("94.3"), D("91.2"), "fast")
    assert (a.velocity_trend.score, a.stability.score, a.confidence.score) == (75, 100, 68)
    assert a.data_age_days == D("2.00")
    # Confidence 68 misses EXCELLENT's 80: the GOOD row, whose label is BUY, and nothing below GOOD to flag.
    assert (a.overall_rating, a.recommendation.label, a.primary_issue, a.risk_factors) == ("GOOD", "BUY", None, ())
    assert a.summary == "Buy: ROI 241.1%, excellent velocity, excellent price stability."
    assert a.combined_score == D("96.48")
    assert (a.amazon_on_listing, a.amazon_owns_buy_box, a.analyzed_at) == (False, False, NOW)


def test_a_requested_price_is_a_used_copy_unless_told(rules: EngineConfig) -> None:
    a = analyze(product(), rules, now=NOW, buy_price=D("4.00"))
    assert (a.buy_condition, a.sell_price, a.sell_price_source) == ("used_good", D("16.99"), "buy_box_used")


def test_by_default_the_cheapest_allowed_offer_is_bought_and_sold_used(rules: EngineConfig) -> None:
    a = analyze(product(), rules, now=NOW)
    # 5.50 (used good, FBA) beats 4.00 + 3.99 shipping; it sells at the used Buy Box 16.99.
    assert (a.buy_price, a.buy_price_source, a.buy_condition) == (D("5.50"), "live_offer", "used_good")
    assert (a.sell_price, a.sell_price_source) == (D("16.99"), "buy_box_used")
    assert (a.prices.buy_box_used, a.prices.used_fba) == (D("16.99"), D("5.50"))
    # 16.99 - 7.4985 fees - 0.8495 buffer - 0.15 storage - 0.3398 returns - 5.50
    assert a.profit is not None and (a.profit.net_profit, a.profit.roi_pct) == (D("1.90"), D("34.59"))
    assert (a.recommendation.label, a.overall_rating) == ("BUY", "GOOD")


def test_without_a_used_buy_box_a_used_copy_sells_at_the_lowest_used_fba_offer(rules: EngineConfig) -> None:
    a = analyze(product(used_buy_box=-1), rules, now=NOW)
    assert (a.buy_price, a.buy_condition, a.sell_price, a.sell_price_source) == (D("5.50"), "used_good", D("5.50"),
                                                                                 "used_fba")
    assert a.profit is not None and not a.profit.profitable
    assert (a.recommendation.label, a.overall_rating, a.primary_issue) == ("PASS", "PASS", "not profitable")
    assert a.recommendation.description == "not profitable at this buy price"


def test_condition_options_sell_in_their_own_condition(rules: EngineConfig) -> None:
    a = analyze(product(), rules, now=NOW)
    options = {o.condition: (o.buy_price, o.offers, o.net_profit, o.roi_pct, o.profitable)
               for o in a.condition_options}
    assert options == {
        "new": (D("21.00"), 1, D("-7.36"), D("-35.04"), False),  # at the 24.99 Buy Box
        "used_like_new": (D("9.00"), 1, D("-1.60"), D("-17.75"), False),  # at the 16.99 used Buy Box
        "used_good": (D("5.50"), 2, D("1.90"), D("34.59"), True),
    }
    assert a.best_condition == "used_good"


def test_forced_strategy_with_a_named_sell_source(rules_with) -> None:  # type: ignore[no-untyped-def]
    edited = rules_with(lambda doc: doc["strategies"]["textbook"].update(buy_price_source="current_fba",
                                                                        sell_price_source="avg90_buy_box"))
    a = analyze(product(), edited, now=NOW, strategy="textbook")
    assert (a.strategy, a.strategy_auto_selected, a.sell_price, a.sell_price_source) == (
        "textbook", False, D("25.99"), "buy_box_avg90")
    assert (a.buy_price, a.buy_price_source, a.buy_condition) == (D("21.00"), "fba", "new")


def test_without_offers_the_lowest_listed_prices_stand_in(rules: EngineConfig) -> None:
    a = analyze(product(current={1: 2000, 2: 600, 3: 40_000, 18: 2499}, with_offers=False), rules, now=NOW)
    # Used at 6.00 has no used sell price without offers; new at 20.00 sells at the 24.99 Buy Box.
    assert (a.buy_price, a.buy_price_source, a.buy_condition, a.sell_price) == (D("20.00"), "new", "new",
                                                                                D("24.99"))
    assert a.condition_options == () and a.best_condition is None


def test_no_buy_price_means_an_unknown_roi_and_a_pass(rules: EngineConfig) -> None:
    a = analyze(product(current={3: 40_000, 18: 2499}, with_offers=False), rules, now=NOW)
    # Neither a new nor a used price to buy at, and no used Buy Box for the default condition's sell price.
    assert (a.buy_price, a.buy_price_source, a.buy_condition, a.sell_price) == (None, None, "used_good", None)
    assert (a.profit, a.recommendation.label, a.overall_rating, a.primary_issue) == (None, "PASS", "PASS",
                                                                                     "no price data")
    assert a.recommendation.description == "no buy or sell price"
    assert a.summary == "Pass: no price data; ROI unknown." and "low_roi" not in a.risk_factors
    assert "no_price_data" in a.risk_factors and a.combined_score == D("36.48")  # velocity 91.2 x 0.4 only


def test_product_without_a_sell_price_still_gets_rank_and_scores(rules: EngineConfig) -> None:
    a = analyze(product(current={3: 40_000}, with_offers=False), rules, now=NOW, buy_price=D(3))
    assert (a.sell_price, a.fees, a.profit, a.max_buy_price) == (None, None, None, None)
    assert (a.buy_price, a.buy_price_source) == (D("3.00"), "requested")
    assert (a.recommendation.label, a.recommendation.description) == ("PASS", "no sell price")
    assert a.velocity.score == D("91.2") and a.overall_rating == "PASS" and a.primary_issue == "no price data"


def test_an_unknown_buy_condition_is_rejected(rules: EngineConfig) -> None:
    with pytest.raises(InvalidPriceError) as caught:
        analyze(product(), rules, now=NOW, buy_price=D(4), buy_condition="mint")
    assert caught.value.details[0]["field"] == "buy_condition"


def test_confidence_reflects_the_real_data_age(rules: EngineConfig) -> None:
    fresh = analyze(product(age_days=2), rules, now=NOW, buy_price=D(4), buy_condition="new")
    stale = analyze(product(age_days=30), rules, now=NOW, buy_price=D(4), buy_condition="new")
    assert stale.data_age_days == D("30.00")
    assert (fresh.confidence.score, stale.confidence.score) == (68, 45)  # freshness 1 vs 1 - 23/30
    assert stale.overall_rating == "FAIR" and "limited_history" in stale.risk_factors


def test_unknown_weight_counts_as_one_pound(rules: EngineConfig) -> None:
    raw = raw_product()
    del raw["packageWeight"]
    a = analyze(parse_product(raw, now=NOW), rules, now=NOW, buy_price=D(4))
    assert a.fees is not None and (a.fees.weight_lb, a.fees.fulfilment) == (D(1), D("2.90"))


def test_rules_may_be_the_raw_document_and_its_overrides_apply() -> None:
    doc = copy.deepcopy(DEFAULT_RULES)
    doc["fees"]["buffer_pct_default"] = 7.0
    doc["roi"]["target_pct_default"] = 40.0
    a = analyze(product(), doc, now=NOW, buy_price=D(4), buy_condition="new")
    assert a.profit is not None and a.profit.costs.buffer == D("1.75")
    # (24.99 - 9.4485 - 0.15 - 0.4998 - 1.7493) / 1.4
    assert (a.target_roi_pct, a.max_buy_price) == (D("40.0"), D("9.39"))


def test_unusable_rules_raise_before_any_work() -> None:
    with pytest.raises(RulesConfigError):
        analyze(product(), {"fees": {}}, now=NOW)


def test_negative_buy_price_is_rejected(rules: EngineConfig) -> None:
    with pytest.raises(InvalidPriceError) as caught:
        analyze(product(), rules, now=NOW, buy_price=D("-0.01"))
    assert caught.value.details[0]["field"] == "buy_price"


def test_strategy_without_price_sources_is_rejected(rules: EngineConfig) -> None:
    with pytest.raises(UnknownStrategyError):
        analyze(product(), rules, now=NOW, strategy="conservative")
