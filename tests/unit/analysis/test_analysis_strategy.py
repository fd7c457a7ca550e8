"""Strategy selection and price sources (spec §4.5; reference checks #10, #11)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from arbvault.analysis import (
    EngineConfig,
    MarketPrices,
    UnknownStrategyError,
    named_strategy,
    price_from,
    select_strategy,
)
from arbvault.analysis.strategy import SELECTION_SOURCE, strategy_prices

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
def test_reference_check_11_sell_price_chain(rules: EngineConfig, prices: MarketPrices, price: str,
                                             field: str) -> None:
    sell, _ = strategy_prices(rules.strategies["velocity"], prices)
    assert sell is not None and (sell.price, sell.field) == (D(price), field)


def test_textbook_sells_at_the_90_day_buy_box(rules: EngineConfig) -> None:
    prices = MarketPrices(buy_box=D(50), buy_box_avg90=D(55), fba=D(52), new=D(48))
    sell, buy = strategy_prices(rules.strategies["textbook"], prices)
    assert sell is not None and (sell.price, sell.field) == (D(55), "buy_box_avg90")
    assert buy is not None and (buy.price, buy.field) == (D(52), "fba")


def test_buy_cost_falls_back_from_fba_to_new(rules: EngineConfig) -> None:
    _, buy = strategy_prices(rules.strategies["balanced"], MarketPrices(buy_box=D(20), new=D(12)))
    assert buy is not None and (buy.price, buy.field) == (D(12), "new")
    _, none = strategy_prices(rules.strategies["balanced"], MarketPrices(buy_box=D(20), used=D(4)))
    assert none is None


@pytest.mark.parametrize("name", ["aggressive", "nope"])
def test_named_strategy_needs_price_sources(rules: EngineConfig, name: str) -> None:
    with pytest.raises(UnknownStrategyError) as caught:
        named_strategy(name, rules)
    assert caught.value.details[0]["field"] == "strategy"
    assert "balanced" in caught.value.message


def test_named_strategy_returns_a_usable_one(rules: EngineConfig) -> None:
    assert named_strategy("textbook", rules).roi_min == D(80)
