"""Prices worked backwards from a goal: the most to pay for a target ROI, and a strategic view's sell target.

``max_buy_price`` inverts ``profit.profit_metrics``: buying at its result gives exactly the target ROI under
the same buffer (there is one ROI definition). ``target_sell_price`` is the strategic views' pricing rule:
a markup on costs, kept as specified because clients compare against its published numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Final

from arbvault.engine.config_view import EngineConfig
from arbvault.engine.exceptions import InvalidPriceError
from arbvault.engine.money import HUNDRED, ZERO, pct_of

# ROI target per strategic view (fractions), and the one used for a view not listed.
VIEW_ROI_TARGETS: Final[Mapping[str, Decimal]] = MappingProxyType({
    "profit_hunter": Decimal("0.50"),
    "velocity": Decimal("0.25"),
    "cashflow_hunter": Decimal("0.35"),
    "balanced_score": Decimal("0.40"),
    "volume_player": Decimal("0.20"),
})
DEFAULT_VIEW_ROI_TARGET: Final = Decimal("0.30")
# Headroom over the computed price, so a small price drop still meets the ROI target.
SAFETY_BUFFER: Final = Decimal("0.06")
# A target within 5 % above the market price is still reachable.
ACHIEVABLE_TOLERANCE: Final = Decimal("1.05")


def max_buy_price(sell_price: Decimal, fees: Decimal, *, target_roi_pct: Decimal, buffer_pct: Decimal) -> Decimal:
    """The highest buy price that still returns ``target_roi_pct`` when selling at ``sell_price``.

    ``(P - fees - buffer% x P) / (1 + t / 100)``; 0 when that is not strictly between 0 and the sell price
    (fees and buffer eat the whole price); see docs/rules.md#profit. With ``buffer_pct`` 0, selling at 28 with
    fees of 9.50 at 35 % gives 13.70.
    """
    if target_roi_pct <= -HUNDRED:
        raise InvalidPriceError("target ROI must be above -100 %",
                                details=[{"field": "target_roi_pct", "message": "must be above -100"}])
    price = (sell_price - fees - pct_of(sell_price, buffer_pct)) / (1 + target_roi_pct / HUNDRED)
    return price if ZERO < price < sell_price else ZERO


def strategy_roi_min(config: EngineConfig, strategy: str | None) -> Decimal:
    """ROI floor of ``strategy``; an unknown or missing strategy uses the rules' default target ROI."""
    known = config.strategies.get(strategy or "")
    return known.roi_min if known is not None else config.roi.target_pct


def purchase_cost(sell_price: Decimal, fees: Decimal, *, config: EngineConfig, strategy: str | None) -> Decimal:
    """What to pay so that selling at ``sell_price`` returns the strategy's ROI floor, buffer included.

    When no such price exists (fees and buffer exceed the price) it falls back to the rules'
    ``source_price_factor`` share of the sell price (0.50 x 2.30 = 1.15).
    """
    cost = max_buy_price(sell_price, fees, target_roi_pct=strategy_roi_min(config, strategy),
                         buffer_pct=config.buffer_pct)
    return cost if cost > 0 else estimated_buy_price(sell_price, config)


def estimated_buy_price(sell_price: Decimal, config: EngineConfig) -> Decimal:
    """A typical acquisition price when nothing better is known: ``source_price_factor`` x the sell price."""
    return sell_price * config.roi.source_price_factor


def view_roi_target(view: str) -> Decimal:
    """ROI target (fraction) of a strategic view; 0.30 for an unknown one."""
    return VIEW_ROI_TARGETS.get(view, DEFAULT_VIEW_ROI_TARGET)


@dataclass(frozen=True)
class SellTarget:
    """A strategic view's target sell price and how it compares with the market."""

    total_costs: Decimal
    roi_target: Decimal
    net_rate: Decimal
    base_price: Decimal
    target_price: Decimal
    market_price: Decimal | None
    achievable: bool | None
    gap_pct: Decimal | None


def target_sell_price(buy_price: Decimal, *, fba_fee: Decimal, storage_fee: Decimal = ZERO, roi_target: Decimal,
                      referral_rate: Decimal, safety_buffer: Decimal = SAFETY_BUFFER,
                      market_price: Decimal | None = None) -> SellTarget:
    """Sell price for a strategic view: costs / ((1 - referral) x (1 - ROI target)) x (1 + safety buffer).

    Rates are fractions. Achievable when the target is at most 1.05 x ``market_price``; the gap is the
    target's distance from the market price in percent. Raises ``InvalidPriceError`` when the buy price is
    not positive or a fee is negative.
    """
    if buy_price <= 0:
        raise InvalidPriceError("buy price must be greater than 0",
                                details=[{"field": "buy_price", "message": "must be greater than 0"}])
    if fba_fee < 0 or storage_fee < 0:
        raise InvalidPriceError("fees must not be negative",
                                details=[{"field": "fba_fee" if fba_fee < 0 else "storage_fee",
                                          "message": "must not be negative"}])
    net_rate = (1 - referral_rate) * (1 - roi_target)
    if net_rate <= 0:
        raise InvalidPriceError("referral rate and ROI target must each stay below 1",
                                details=[{"field": "roi_target", "message": "leaves no net revenue"}])
    costs = buy_price + fba_fee + storage_fee
    base = costs / net_rate
    target = base * (1 + safety_buffer)
    achievable = gap = None
    if market_price is not None and market_price > 0:
        achievable = target <= market_price * ACHIEVABLE_TOLERANCE
        gap = (target - market_price) / market_price * HUNDRED
    return SellTarget(costs, roi_target, net_rate, base, target, market_price, achievable, gap)
