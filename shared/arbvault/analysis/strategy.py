"""Strategy selection, and where a strategy takes its sell and buy prices from.

A strategy qualifies when the product's price reaches its ``min_sell_price`` and its sales rank is within its
``max_bsr``. Strategies are tried from the most demanding price floor down (textbook 40, velocity 25, balanced
20 with the default rules), so selection never depends on the order keys come back from storage; when none
qualifies the rules' ``active_strategy`` applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal

from arbvault.analysis.config_view import EngineConfig, PriceSource, Strategy
from arbvault.analysis.exceptions import UnknownStrategyError

PriceField = Literal["buy_box", "buy_box_avg90", "fba", "new", "used"]

# Each source falls back along its chain to the first positive price (a Buy Box is often missing).
SOURCE_CHAINS: Final[dict[PriceSource, tuple[PriceField, ...]]] = {
    "current_buy_box": ("buy_box", "fba", "new"),
    "avg90_buy_box": ("buy_box_avg90", "buy_box", "fba", "new"),
    "current_fba": ("fba", "new"),
    "current_new": ("new", "fba"),
    "current_used": ("used",),
}
# The price a product is judged by when picking a strategy.
SELECTION_SOURCE: Final[PriceSource] = "current_buy_box"


@dataclass
class MarketPrices:
    """Current marketplace prices of a product in dollars (None when there is no such offer).

    Read-only (not frozen: see ``analyze.Analysis``).
    """

    buy_box: Decimal | None = None
    buy_box_avg90: Decimal | None = None
    fba: Decimal | None = None
    new: Decimal | None = None
    used: Decimal | None = None


@dataclass
class SourcedPrice:
    """A price and the field it was read from. Read-only (not frozen: see ``analyze.Analysis``)."""

    price: Decimal
    field: PriceField


def price_from(source: PriceSource, prices: MarketPrices) -> SourcedPrice | None:
    """The first positive price along ``source``'s chain, or None."""
    for field in SOURCE_CHAINS[source]:
        value: Decimal | None = getattr(prices, field)
        if value is not None and value > 0:
            return SourcedPrice(value, field)
    return None


def select_strategy(price: Decimal | None, bsr: int | None, config: EngineConfig) -> Strategy:
    """The most demanding strategy the product qualifies for, else the rules' active strategy."""
    if price is not None and bsr is not None and bsr > 0:
        for strategy in config.selection_order:
            assert strategy.min_sell_price is not None and strategy.max_bsr is not None
            if price >= strategy.min_sell_price and bsr <= strategy.max_bsr:
                return strategy
    return config.strategies[config.active_strategy]


def named_strategy(name: str, config: EngineConfig) -> Strategy:
    """The strategy called ``name``; raises ``UnknownStrategyError`` unless it exists and has price sources."""
    strategy = config.strategies.get(name)
    if strategy is None or not strategy.selectable:
        usable = sorted(s.name for s in config.strategies.values() if s.selectable)
        raise UnknownStrategyError(
            f"strategy {name!r} is not usable for analysis; use one of {', '.join(usable)}",
            details=[{"field": "strategy", "message": f"must be one of {', '.join(usable)}"}],
        )
    return strategy


def strategy_prices(strategy: Strategy, prices: MarketPrices) -> tuple[SourcedPrice | None, SourcedPrice | None]:
    """(sell, buy) prices of a product under ``strategy``'s price sources."""
    assert strategy.sell_price_source is not None and strategy.buy_price_source is not None
    return price_from(strategy.sell_price_source, prices), price_from(strategy.buy_price_source, prices)
