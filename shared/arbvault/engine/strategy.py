"""Strategy selection, and where a strategy takes its buy and sell prices from.

A strategy qualifies when the product's price reaches its ``min_sell_price`` and its sales rank is within its
``max_bsr``. Strategies are tried from the most demanding price floor down (textbook 40, velocity 25, balanced
20 with the default rules), so selection never depends on the order keys come back from storage; when none
qualifies the rules' ``active_strategy`` applies.

Prices: the buy side is the caller's price, else the strategy's buy source. ``cheapest_offer`` takes the cheapest
live offer (landed) in each condition the strategy allows, or, when Keepa sent no offers, the lowest new and
used prices it lists; the other sources are fixed marketplace prices. The sell side follows the condition
bought under ``condition_buy_box`` (a used copy sells at the used Buy Box, else the lowest used FBA offer; a new
one at the Buy Box, else the lowest FBA new offer; as a last resort at the lowest price Keepa lists in that
condition), and is a fixed marketplace price under the other sources. A buy read from a
marketplace price never sells at that same price (it would be the same listing). Of several candidate buys the
cheapest that has a sell price wins (the cheapest of all when none has). Every source but ``current_new`` and
``current_used`` reads a price Keepa sends only with live offers (``needs_live_offers``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal

from arbvault.engine.config_view import (
    CHEAPEST_OFFER,
    CONDITION_BUY_BOX,
    BuySource,
    EngineConfig,
    PriceSource,
    SellSource,
    Strategy,
)
from arbvault.engine.exceptions import UnknownStrategyError

PriceField = Literal["buy_box", "buy_box_avg90", "fba", "new", "used", "buy_box_used", "used_fba"]
BuyPriceSource = Literal["requested", "live_offer"] | PriceField
# A buy condition: one of config_view.BUY_CONDITIONS, or "used" for Keepa's lowest used price (grade unknown).
NEW: Final = "new"
USED: Final = "used"

# Each source falls back along its chain to the first positive price (a Buy Box is often missing).
SOURCE_CHAINS: Final[dict[PriceSource, tuple[PriceField, ...]]] = {
    "current_buy_box": ("buy_box", "fba", "new"),
    "avg90_buy_box": ("buy_box_avg90", "buy_box", "fba", "new"),
    "current_fba": ("fba", "new"),
    "current_new": ("new", "fba"),
    "current_used": ("used",),
}
# ``condition_buy_box``: where a copy sells, by whether it is new or used.
CONDITION_SELL_CHAINS: Final[dict[str, tuple[PriceField, ...]]] = {
    NEW: ("buy_box", "fba", "new"),
    USED: ("buy_box_used", "used_fba", "used"),
}
# The price a product is judged by when picking a strategy.
SELECTION_SOURCE: Final[PriceSource] = "current_buy_box"
# The prices Keepa reports only with a page of live offers (``offers=``): the Buy Box and its 90-day average (csv
# 18, which ``buybox=1`` also sends), the lowest FBA new offer (csv 10), the used Buy Box (csv 32) and the cheapest
# used FBA offer. The lowest new and used prices (csv 1 and 2) come with every lookup.
OFFER_FIELDS: Final[frozenset[PriceField]] = frozenset({"buy_box", "buy_box_avg90", "fba", "buy_box_used", "used_fba"})


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
    buy_box_used: Decimal | None = None
    used_fba: Decimal | None = None
    """The cheapest live used FBA offer, landed."""


@dataclass
class SourcedPrice:
    """A price and the field it was read from. Read-only (not frozen: see ``analyze.Analysis``)."""

    price: Decimal
    field: PriceField


@dataclass
class BuyOption:
    """A price to buy at, where it came from and the condition of the copy. Read-only (see ``SourcedPrice``)."""

    price: Decimal
    source: BuyPriceSource
    condition: str


def _first(chain: tuple[PriceField, ...], prices: MarketPrices, skip: str | None = None) -> SourcedPrice | None:
    for field in chain:
        value: Decimal | None = getattr(prices, field)
        if value is not None and value > 0 and field != skip:
            return SourcedPrice(value, field)
    return None


def price_from(source: PriceSource, prices: MarketPrices) -> SourcedPrice | None:
    """The first positive price along ``source``'s chain, or None."""
    return _first(SOURCE_CHAINS[source], prices)


def condition_class(condition: str) -> str:
    """``new`` or ``used``: which Buy Box a copy in ``condition`` sells at."""
    return NEW if condition == NEW else USED


def sell_price(source: SellSource, condition: str, prices: MarketPrices,
               bought_at: str | None = None) -> SourcedPrice | None:
    """Where a copy bought in ``condition`` sells under ``source``, or None; never at the ``bought_at`` field."""
    chain = (CONDITION_SELL_CHAINS[condition_class(condition)] if source == CONDITION_BUY_BOX
             else SOURCE_CHAINS[source])
    return _first(chain, prices, bought_at)


def buy_options(strategy: Strategy, prices: MarketPrices,
                cheapest_offers: Mapping[str, Decimal] | None) -> list[BuyOption]:
    """What the strategy could buy at: one option per allowed condition, in the strategy's order.

    ``cheapest_offers`` maps each condition to its cheapest live landed offer; ``None`` when Keepa sent no
    offers, and then the lowest new and used prices it lists stand in.
    """
    source = strategy.buy_price_source
    assert source is not None
    if source != CHEAPEST_OFFER:
        found = price_from(source, prices)
        condition = USED if source == "current_used" else NEW
        return [BuyOption(found.price, found.field, condition)] if found is not None else []
    if cheapest_offers is not None:
        return [BuyOption(cheapest_offers[c], "live_offer", c) for c in strategy.buy_conditions if c in cheapest_offers]
    options = []
    if NEW in strategy.buy_conditions and prices.new is not None and prices.new > 0:
        options.append(BuyOption(prices.new, "new", NEW))
    if any(c != NEW for c in strategy.buy_conditions) and prices.used is not None and prices.used > 0:
        options.append(BuyOption(prices.used, "used", USED))
    return options


def choose_prices(strategy: Strategy, prices: MarketPrices, cheapest_offers: Mapping[str, Decimal] | None, *,
                  requested: Decimal | None = None,
                  requested_condition: str | None = None) -> tuple[BuyOption | None, SourcedPrice | None, str]:
    """(buy, sell, condition): the buy option, its sell price and the condition both refer to.

    A requested price wins (in ``requested_condition``, else the strategy's default condition). Otherwise the
    cheapest option with a sell price, else the cheapest; with no option at all the buy is None and the sell
    price is that of the strategy's default condition.
    """
    source = strategy.sell_price_source
    assert source is not None
    if requested is not None:
        condition = requested_condition or strategy.default_buy_condition
        return BuyOption(requested, "requested", condition), sell_price(source, condition, prices), condition
    priced = [(option, sell_price(source, option.condition, prices, option.source))
              for option in buy_options(strategy, prices, cheapest_offers)]
    if not priced:
        condition = strategy.default_buy_condition
        return None, sell_price(source, condition, prices), condition
    pool = [pair for pair in priced if pair[1] is not None] or priced
    buy, sell = min(pool, key=lambda pair: pair[0].price)  # the first of equal prices: the better condition
    return buy, sell, buy.condition


def _reads_live_offers(source: BuySource | SellSource) -> bool:
    """Whether ``source``'s own price comes only with live offers: the cheapest offer does, and so does a chain
    (either of ``condition_buy_box``'s) that starts at an offer field. Without the offers such a chain falls back
    to the lowest new or used price, a price of another kind, so the source is not what was read."""
    if source == CHEAPEST_OFFER:
        return True
    chains = CONDITION_SELL_CHAINS.values() if source == CONDITION_BUY_BOX else (SOURCE_CHAINS[source],)
    return any(chain[0] in OFFER_FIELDS for chain in chains)


def needs_live_offers(strategy: Strategy, *, buy_price_given: bool) -> bool:
    """Whether pricing a product under ``strategy`` reads a price Keepa reports only with live offers: its sell
    source, or its buy source unless the caller gives the buy price (which always wins, so the buy source is
    not read). Only ``current_new`` and ``current_used`` read without offers; a strategy declaring no sources
    (score-only) prices nothing."""
    sources = (strategy.sell_price_source,) if buy_price_given else (strategy.buy_price_source,
                                                                    strategy.sell_price_source)
    return any(source is not None and _reads_live_offers(source) for source in sources)


def live_offers_needed(config: EngineConfig, *, strategy: str | None, buy_price_given: bool) -> bool:
    """Whether a strategy that may price a product needs live offers (``needs_live_offers``): ``strategy``'s when
    named (``named_strategy``: unknown is ``UnknownStrategyError``), else any auto-selection may pick or the
    rules' active strategy."""
    candidates = ((named_strategy(strategy, config),) if strategy is not None
                  else (*config.selection_order, config.strategies[config.active_strategy]))
    return any(needs_live_offers(s, buy_price_given=buy_price_given) for s in candidates)


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
