"""Properties that hold for every input: ROI rises with price, fees are never negative, scores stay in 0-100,
and buying at the max buy price returns the target ROI."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from arbvault.config.defaults import DEFAULT_RULES
from arbvault.engine.analytics import AnalyticsInput, product_decision
from arbvault.engine.config_view import EngineConfig, FeeSchedule
from arbvault.engine.fees import amazon_fees
from arbvault.engine.money import round_half_up
from arbvault.engine.profit import profit_metrics
from arbvault.engine.rules_document import read_config
from arbvault.engine.scores import confidence, price_stability, velocity_trend
from arbvault.engine.targets import max_buy_price
from arbvault.engine.velocity import modelled_daily_sales, rank_score, sales_score, velocity_score
from arbvault.engine.verdict import combined_score
from arbvault.engine.view_scores import STRATEGY_BOOSTS, VIEW_WEIGHTS, view_score

RULES: EngineConfig = read_config(DEFAULT_RULES)
NOW = datetime(2026, 5, 1, tzinfo=UTC)
# No example database in the checkout; Decimal arithmetic is slow on a busy machine, not wrong.
PROPERTY = settings(database=None, deadline=None, max_examples=300)


def money(low: str = "0", high: str = "2000") -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=Decimal(low), max_value=Decimal(high), places=2, allow_nan=False,
                       allow_infinity=False)


def pct(high: str) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=Decimal(0), max_value=Decimal(high), places=2, allow_nan=False,
                       allow_infinity=False)


schedules = st.builds(FeeSchedule, referral_pct=pct("49"), closing_fee=money(high="10"), fba_base=money(high="20"),
                      fba_per_lb=money(high="5"), inbound_shipping=money(high="5"), prep_fee=money(high="5"))
weights = st.one_of(st.none(), st.decimals(min_value=Decimal("-5"), max_value=Decimal("150"), places=3,
                                           allow_nan=False, allow_infinity=False))
scores = st.decimals(min_value=Decimal(-500), max_value=Decimal(500), places=1, allow_nan=False,
                     allow_infinity=False)


@PROPERTY
@given(schedule=schedules, weight=weights, buffer=pct("50"), buy=money("0.01", "500"), low=money(), high=money())
def test_roi_never_falls_as_the_sell_price_rises(schedule: FeeSchedule, weight: Decimal | None, buffer: Decimal,
                                                  buy: Decimal, low: Decimal, high: Decimal) -> None:
    low, high = sorted((low, high))

    def roi(sell: Decimal) -> Decimal:
        fees = amazon_fees(sell, schedule, weight_lb=weight)
        return profit_metrics(sell, buy, fees=fees, buffer_pct=buffer, rules=RULES.roi).roi_pct

    assert roi(low) <= roi(high)


@PROPERTY
@given(schedule=schedules, weight=weights, sell=money(high="100000"))
def test_fees_are_never_negative(schedule: FeeSchedule, weight: Decimal | None, sell: Decimal) -> None:
    fees = amazon_fees(sell, schedule, weight_lb=weight)
    parts = (fees.referral, fees.closing, fees.fulfilment, fees.inbound, fees.prep)
    assert all(part >= 0 for part in parts) and fees.total >= 0 and fees.weight_lb > 0


@PROPERTY
@given(sell=money("0.01", "5000"), weight=weights, target=pct("100"), buffer=pct("50"), storage=money(high="10"),
       returns_pct=pct("20"))
def test_buying_at_the_max_buy_price_returns_the_target_roi(sell: Decimal, weight: Decimal | None, target: Decimal,
                                                           buffer: Decimal, storage: Decimal,
                                                           returns_pct: Decimal) -> None:
    fees = amazon_fees(sell, RULES.fees["books"], weight_lb=weight)
    returns = returns_pct * sell / 100
    price = max_buy_price(sell, fees.total + storage + returns, target_roi_pct=target, buffer_pct=buffer)
    holding = {"storage": storage, "returns": returns}
    if price == 0:
        # No answer strictly inside (0, sell): a one-cent buy already misses the target, or paying the whole
        # sell price still meets it.
        def roi_at(buy: Decimal) -> Decimal:
            return profit_metrics(sell, buy, fees=fees, buffer_pct=buffer, rules=RULES.roi, **holding).roi_pct

        assert roi_at(Decimal("0.01")) <= target or roi_at(sell) >= target
        return
    exact = profit_metrics(sell, price, fees=fees, buffer_pct=buffer, rules=RULES.roi, **holding)
    assert abs(exact.roi_pct - target) < Decimal("1e-15")
    cents = round_half_up(price)
    at_cents = profit_metrics(sell, cents, fees=fees, buffer_pct=buffer, rules=RULES.roi, **holding)
    assert abs(at_cents.net_profit - target / 100 * cents) <= Decimal("0.01")


@PROPERTY
@given(bsr=st.one_of(st.none(), st.integers(min_value=-10, max_value=50_000_000)),
       drops=st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=100_000)), min_size=3, max_size=3),
       benchmark=st.integers(min_value=1, max_value=10_000_000))
def test_velocity_score_stays_in_range(bsr: int | None, drops: list[int | None], benchmark: int) -> None:
    v = velocity_score(bsr, rules=RULES.velocity, benchmark=Decimal(benchmark), drops30=drops[0], drops90=drops[1],
                       drops180=drops[2])
    assert 0 <= v.score <= 100 and v.est_daily_sales >= 0
    for part in (v.rank_score, v.drops_score):
        assert part is None or 0 <= part <= 100


@PROPERTY
@given(a=st.integers(min_value=1, max_value=50_000_000), b=st.integers(min_value=1, max_value=50_000_000))
def test_a_worse_rank_never_scores_higher(a: int, b: int) -> None:
    better, worse = sorted((a, b))
    benchmark = Decimal(100_000)
    velocity = RULES.velocity
    assert (velocity_score(worse, rules=velocity, benchmark=benchmark).score
            <= velocity_score(better, rules=velocity, benchmark=benchmark).score)


@PROPERTY
@given(a=st.integers(min_value=0, max_value=100_000), b=st.integers(min_value=0, max_value=100_000),
       benchmark=st.integers(min_value=1, max_value=10_000_000))
def test_more_rank_drops_never_score_lower(a: int, b: int, benchmark: int) -> None:
    fewer, more = sorted((a, b))
    assert sales_score(Decimal(fewer) / 30, Decimal(benchmark)) <= sales_score(Decimal(more) / 30, Decimal(benchmark))


@PROPERTY
@given(bsr=st.integers(min_value=1, max_value=50_000_000), benchmark=st.integers(min_value=1_000, max_value=1_000_000))
def test_drops_at_the_modelled_rate_agree_with_the_rank(bsr: int, benchmark: int) -> None:
    # A product selling exactly what its rank predicts scores the same from its drops as from its rank.
    rate = modelled_daily_sales(Decimal(bsr), Decimal(benchmark))
    assert abs(sales_score(rate, Decimal(benchmark)) - rank_score(Decimal(bsr), Decimal(benchmark))) < Decimal("1e-6")


@PROPERTY
@given(ranks=st.lists(st.integers(min_value=-1, max_value=10_000_000), max_size=60),
       prices=st.lists(money("-1", "10000"), max_size=120),
       age=st.one_of(st.none(), st.decimals(min_value=Decimal(0), max_value=Decimal(5000), places=2,
                                            allow_nan=False, allow_infinity=False)),
       points=st.integers(min_value=0, max_value=10_000), has_bsr=st.booleans())
def test_advanced_scores_stay_in_range(ranks: list[int], prices: list[Decimal], age: Decimal | None, points: int,
                                       has_bsr: bool) -> None:
    history = [(NOW - timedelta(hours=6 * i), rank) for i, rank in enumerate(ranks)]
    for score in (velocity_trend(history, now=NOW, rules=RULES.advanced),
                  price_stability(prices, rules=RULES.advanced),
                  confidence(age_days=age, price_points=points, has_bsr=has_bsr, rules=RULES.advanced)):
        assert 0 <= score.score <= 100


@PROPERTY
@given(view=st.sampled_from([*VIEW_WEIGHTS, "unknown"]), strategy=st.sampled_from([*STRATEGY_BOOSTS, None, "x"]),
       roi=st.one_of(st.none(), scores), velocity=st.one_of(st.none(), scores),
       stability=st.one_of(st.none(), scores))
def test_view_and_combined_scores_stay_in_range(view: str, strategy: str | None, roi: Decimal | None,
                                                velocity: Decimal | None, stability: Decimal | None) -> None:
    result = view_score(view, {"roi": roi, "velocity": velocity, "stability": stability}, strategy)
    assert 0 <= result.score <= 100
    if roi is not None:
        clamped_velocity = min(max(velocity or Decimal(0), Decimal(0)), Decimal(100))
        assert 0 <= combined_score(roi_pct=roi, velocity=clamped_velocity, config=RULES) <= 100


@PROPERTY
@given(buy=money("0.01", "500"), sell=money("0.01", "1000"), bsr=st.one_of(st.none(), st.integers(1, 20_000_000)),
       sellers=st.one_of(st.none(), st.integers(0, 2000)), fba=st.integers(0, 2000), amazon=st.booleans(),
       buy_box=st.booleans(), prices=st.lists(money("0", "500"), max_size=30),
       category=st.sampled_from(["books", "Textbooks", "Fiction", "Toys", "CDs & Vinyl"]))
def test_decision_card_scores_stay_in_range(buy: Decimal, sell: Decimal, bsr: int | None, sellers: int | None,
                                            fba: int, amazon: bool, buy_box: bool, prices: list[Decimal],
                                            category: str) -> None:
    data = AnalyticsInput(asin="0000000001", buy_price=buy, sell_price=sell, return_rate_pct=Decimal(2),
                          storage_cost_monthly=Decimal("0.87"), sale_cycle_days=30, category=category, bsr=bsr,
                          price_history=prices, seller_count=sellers, fba_seller_count=fba,
                          amazon_on_listing=amazon, amazon_has_buy_box=buy_box)
    card = product_decision(data, RULES, now=NOW)
    assert 0 <= card.risk.score <= 100 and 0 <= card.competition.score <= 100
    assert 0 <= card.dead_inventory.risk <= 100 and 0 <= card.decision.confidence_pct <= 100
    assert all(0 <= c.score <= 100 for c in card.risk.components.values())
