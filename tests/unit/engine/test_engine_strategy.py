"""Strategy selection and price sources (docs/rules.md#strategies, #prices)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from arbvault.engine.config_view import EngineConfig
from arbvault.engine.exceptions import UnknownStrategyError
from arbvault.engine.strategy import (
    SELECTION_SOURCE,
    MarketPrices,
    choose_prices,
    named_strategy,
    price_from,
    select_strategy,
    sell_price,
)

D = Decimal


@pytest.mark.parametrize(
    ("prices", "bsr", "strategy"),
    [
        (MarketPrices(buy_box=D("40.00")), 250_000, "textbook"),
        (MarketPrices(buy_box=D("25.00")), 249_999, "velocity"),
        (MarketPrices(buy_box=D(15)), 50_000, "balanced"),
        (MarketPrices(buy_box=D(45)), 300_000, "balanced"),
        (MarketPrices(new=D(45)), 100_000, "textbook"),  # no Buy Box: the current price decides
        (MarketPrices(buy_box=D(45)), None, "balanced"),  # unknown rank qualifies for nothing
        (MarketPrices(), 50_000, "balanced"),  # no price at all
        (MarketPrices(buy_box=D(10)), 900_000, "balanced"),
    ],
)
def test_reference_check_10_strategy_selection(rules: EngineConfig, prices: MarketPrices, bsr: int | None,
                                               strategy: str) -> None:
    selection = price_from(SELECTION_SOURCE, prices)
    assert select_strategy(selection.price if selection else None, bsr, rules).name == strategy


def test_selection_follows_edited_bounds_and_active_strategy(rules_with) -> None:  # type: ignore[no-untyped-def]
    def edit(doc: dict) -> None:  # type: ignore[type-arg]
        doc["strategies"]["textbook"]["min_sell_price"] = 60
        doc["active_strategy"] = "velocity"

    edited = rules_with(edit)
    assert select_strategy(D(45), 100_000, edited).name == "velocity"
    assert select_strategy(D(5), 900_000, edited).name == "velocity"


@pytest.mark.parametrize(
    ("prices", "price", "field"),
    [
        (MarketPrices(buy_box=D("28.50"), fba=D(30), new=D(35)), "28.50", "buy_box"),
        (MarketPrices(fba=D(30), new=D(35)), "30.00", "fba"),
        (MarketPrices(buy_box=D(0), new=D(35)), "35", "new"),  # non-positive prices are skipped
    ],
)
def test_reference_check_11_sell_price_chain(prices: MarketPrices, price: str, field: str) -> None:
    sell = sell_price("current_buy_box", "used_good", prices)  # a fixed source ignores the condition
    assert sell is not None and (sell.price, sell.field) == (D(price), field)


def _with_sources(rules_with, buy: str, sell: str):  # type: ignore[no-untyped-def]
    def edit(doc: dict) -> None:  # type: ignore[type-arg]
        doc["strategies"]["balanced"].update(buy_price_source=buy, sell_price_source=sell)
    return rules_with(edit).strategies["balanced"]


def test_named_sources_stay_available(rules_with) -> None:  # type: ignore[no-untyped-def]
    textbook = _with_sources(rules_with, "current_fba", "avg90_buy_box")
    prices = MarketPrices(buy_box=D(50), buy_box_avg90=D(55), fba=D(52), new=D(48))
    buy, sell, condition = choose_prices(textbook, prices, None)
    assert sell is not None and (sell.price, sell.field) == (D(55), "buy_box_avg90")
    assert buy is not None and (buy.price, buy.source, condition) == (D(52), "fba", "new")
    buy, _, _ = choose_prices(textbook, MarketPrices(buy_box=D(20), new=D(12)), None)
    assert buy is not None and (buy.price, buy.source) == (D(12), "new")  # fba falls back to new
    buy, _, condition = choose_prices(textbook, MarketPrices(buy_box=D(20), used=D(4)), None)
    assert buy is None and condition == "used_good"  # no buy price: the default condition


def test_cheapest_offer_sells_in_the_condition_bought(rules: EngineConfig) -> None:
    balanced = rules.strategies["balanced"]
    prices = MarketPrices(buy_box=D(30), fba=D(29), buy_box_used=D(18), used_fba=D(17))
    offers = {"new": D(21), "used_good": D(6), "used_very_good": D(8), "used_acceptable": D(2)}
    buy, sell, condition = choose_prices(balanced, prices, offers)
    assert buy is not None and sell is not None
    assert (buy.price, buy.source, condition, sell.price, sell.field) == (D(6), "live_offer", "used_good", D(18),
                                                                          "buy_box_used")  # acceptable not allowed
    no_used_buy_box = MarketPrices(buy_box=D(30), used_fba=D(17))
    _, sell, _ = choose_prices(balanced, no_used_buy_box, offers)
    assert sell is not None and (sell.price, sell.field) == (D(17), "used_fba")
    buy, sell, condition = choose_prices(balanced, MarketPrices(buy_box=D(30)), offers)
    assert buy is not None and sell is not None  # no used sell price: the cheapest copy that can be sold
    assert (buy.price, condition, sell.price, sell.field) == (D(21), "new", D(30), "buy_box")


def test_without_offers_the_listed_lowest_prices_stand_in(rules: EngineConfig) -> None:
    balanced = rules.strategies["balanced"]
    buy, sell, condition = choose_prices(balanced, MarketPrices(buy_box=D(30), new=D(25), used=D(9)), None)
    assert buy is not None and sell is not None  # no used Buy Box known: the used copy cannot be priced
    assert (buy.price, buy.source, condition, sell.price) == (D(25), "new", "new", D(30))
    buy, sell, condition = choose_prices(balanced, MarketPrices(used=D(9)), None)
    assert buy is not None and sell is None and (buy.price, condition) == (D(9), "used")  # nothing sells: cheapest
    _, sell, _ = choose_prices(balanced, MarketPrices(used=D(9)), None, requested=D(3))
    assert sell is not None and (sell.price, sell.field) == (D(9), "used")  # last resort: the lowest used listed
    buy, sell, condition = choose_prices(balanced, MarketPrices(buy_box=D(30), new=D(25), used=D(9),
                                                                buy_box_used=D(14)), None)
    assert buy is not None and sell is not None and (buy.price, sell.price, condition) == (D(9), D(14), "used")


def test_a_requested_price_wins_in_the_default_or_given_condition(rules: EngineConfig) -> None:
    balanced = rules.strategies["balanced"]
    prices = MarketPrices(buy_box=D(30), buy_box_used=D(18))
    buy, sell, condition = choose_prices(balanced, prices, {"used_good": D(1)}, requested=D(5))
    assert buy is not None and sell is not None
    assert (buy.price, buy.source, condition, sell.price) == (D(5), "requested", "used_good", D(18))
    _, sell, condition = choose_prices(balanced, prices, None, requested=D(5), requested_condition="new")
    assert sell is not None and (condition, sell.price, sell.field) == ("new", D(30), "buy_box")


@pytest.mark.parametrize("name", ["aggressive", "nope"])
def test_named_strategy_needs_price_sources(rules: EngineConfig, name: str) -> None:
    with pytest.raises(UnknownStrategyError) as caught:
        named_strategy(name, rules)
    assert caught.value.details[0]["field"] == "strategy"
    assert "balanced" in caught.value.message


def test_named_strategy_returns_a_usable_one(rules: EngineConfig) -> None:
    assert named_strategy("textbook", rules).roi_min == D(80)
