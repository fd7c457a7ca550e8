"""Which price sources need Keepa's live offers (docs/rules.md#prices): the one predicate niches and autosourcing
ask, over every buy and sell source, checked against what the offline Keepa sends with and without offers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import orjson
import pytest

from arbvault.engine.analyze import market_prices
from arbvault.engine.conditions import BUY_CONDITIONS
from arbvault.engine.config_view import BUY_SOURCES, SELL_SOURCES, EngineConfig, Strategy
from arbvault.engine.exceptions import UnknownStrategyError
from arbvault.engine.strategy import (
    OFFER_FIELDS,
    MarketPrices,
    live_offers_needed,
    needs_live_offers,
    sell_price,
)
from arbvault.keepa.parsing import parse_product
from arbvault.keepa.time import datetime_to_keepa_minutes
from infra.keepa_offline import Catalogue
from infra.keepa_offline.views import ProductOptions

NOW = datetime(2026, 5, 1, 12, 30, tzinfo=UTC)
# Each source, and whether it needs the offers without and with a caller's buy price.
BUY_TABLE = {
    "cheapest_offer": (True, False),
    "current_buy_box": (True, False),
    "avg90_buy_box": (True, False),
    "current_fba": (True, False),
    "current_new": (False, False),
    "current_used": (False, False),
}
SELL_TABLE = {
    "condition_buy_box": True,
    "current_buy_box": True,
    "avg90_buy_box": True,
    "current_fba": True,
    "current_new": False,
    "current_used": False,
}


def _strategy(buy: str | None, sell: str | None) -> Strategy:
    return Strategy(name="probe", roi_min=Decimal(30), min_sell_price=Decimal(20), max_bsr=Decimal(500_000),
                    buy_price_source=buy, sell_price_source=sell,  # type: ignore[arg-type]
                    buy_conditions=BUY_CONDITIONS[:4], default_buy_condition="used_good")


def test_the_tables_name_every_source() -> None:
    assert set(BUY_TABLE) == set(BUY_SOURCES) and set(SELL_TABLE) == set(SELL_SOURCES)


@pytest.mark.parametrize("buy", BUY_SOURCES)
def test_a_buy_source_needs_offers_unless_the_caller_gives_the_price(buy: str) -> None:
    strategy = _strategy(buy, "current_new")  # a sell side that needs none

    without_price, with_price = BUY_TABLE[buy]
    assert needs_live_offers(strategy, buy_price_given=False) is without_price
    assert needs_live_offers(strategy, buy_price_given=True) is with_price


@pytest.mark.parametrize("sell", SELL_SOURCES)
def test_a_sell_source_needs_offers_whatever_the_buy(sell: str) -> None:
    strategy = _strategy("current_used", sell)  # a buy side that needs none

    assert needs_live_offers(strategy, buy_price_given=False) is SELL_TABLE[sell]
    assert needs_live_offers(strategy, buy_price_given=True) is SELL_TABLE[sell]


def test_a_strategy_without_sources_prices_nothing() -> None:
    assert needs_live_offers(_strategy(None, None), buy_price_given=False) is False


def test_the_rules_need_offers_when_any_strategy_that_may_price_does(
        rules: EngineConfig, rules_with: Callable[[Callable[[dict[str, Any]], None]], EngineConfig]) -> None:
    def sources(doc: dict[str, Any]) -> None:
        for strategy in doc["strategies"].values():
            strategy.update(buy_price_source="current_used", sell_price_source="current_new")
        doc["strategies"]["velocity"]["sell_price_source"] = "current_buy_box"

    edited = rules_with(sources)

    assert live_offers_needed(rules, strategy=None, buy_price_given=True)  # the defaults sell at a Buy Box
    assert live_offers_needed(edited, strategy=None, buy_price_given=False)  # velocity may be selected
    assert live_offers_needed(edited, strategy="velocity", buy_price_given=False)
    assert not live_offers_needed(edited, strategy="textbook", buy_price_given=False)
    with pytest.raises(UnknownStrategyError):
        live_offers_needed(rules, strategy="aggressive", buy_price_given=False)  # score-only: no sources


def _prices(catalogue: Catalogue, options: ProductOptions) -> list[MarketPrices]:
    prices = []
    for entry in catalogue.pool():
        product = parse_product(orjson.loads(catalogue.render(entry, options)[0]), now=NOW)
        used_fba = min((o.landed_price for o in product.live_offers
                        if o.is_fba and o.condition.is_used and o.landed_price), default=None)
        prices.append(market_prices(product, used_fba))
    return prices


@pytest.fixture(scope="module")
def looked_up() -> list[tuple[MarketPrices, MarketPrices]]:
    """Each offline book's prices as looked up without offers and with a page of them."""
    catalogue = Catalogue(clock=datetime_to_keepa_minutes(NOW), pool_size=60)
    return list(zip(_prices(catalogue, ProductOptions(stats=90)),
                    _prices(catalogue, ProductOptions(stats=90, offers=20)), strict=True))


def test_without_offers_keepa_sends_no_offer_field_but_the_lowest_new_and_used(
        looked_up: list[tuple[MarketPrices, MarketPrices]]) -> None:
    for field in OFFER_FIELDS:
        assert all(getattr(bare, field) is None for bare, _ in looked_up), field
        assert any(getattr(full, field) is not None for _, full in looked_up), field
    for field in ("new", "used"):
        assert [getattr(bare, field) for bare, _ in looked_up] == [getattr(full, field) for _, full in looked_up]
        assert sum(getattr(bare, field) is not None for bare, _ in looked_up) > len(looked_up) // 2


@pytest.mark.parametrize("sell", SELL_SOURCES)
def test_a_source_reads_the_same_price_without_offers_exactly_when_it_needs_none(
        sell: str, looked_up: list[tuple[MarketPrices, MarketPrices]]) -> None:
    reads = [(sell_price(sell, condition, bare), sell_price(sell, condition, full))  # type: ignore[arg-type]
             for bare, full in looked_up for condition in ("new", "used_good")]

    same = all(without == with_offers for without, with_offers in reads)
    assert same is not SELL_TABLE[sell]
    assert needs_live_offers(_strategy("current_used", sell), buy_price_given=True) is not same
