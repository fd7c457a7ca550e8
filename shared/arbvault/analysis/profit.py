"""The one profit and ROI definition: net = sell - fees - buffer - buy - other costs; ROI = net / buy.

The buffer (a percentage of the sell price from the rules) is a safety margin against the sell price slipping
before the item sells. ``other_costs`` carries holding costs some callers know (storage, returns).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from arbvault.analysis.config_view import RoiRules
from arbvault.analysis.exceptions import InvalidPriceError
from arbvault.analysis.money import HUNDRED, ZERO, pct_of, round_half_up

ProfitTier = Literal["excellent", "good", "fair", "poor", "loss"]


@dataclass
class ProfitMetrics:
    """Profit of buying at ``buy_price`` and selling at ``sell_price``; money in dollars, rates in percent.

    Read-only (not frozen: see ``analyze.Analysis``).
    """

    sell_price: Decimal
    buy_price: Decimal
    fees: Decimal
    buffer: Decimal
    other_costs: Decimal
    net_profit: Decimal
    roi_pct: Decimal
    margin_pct: Decimal
    profitable: bool
    meets_target: bool
    tier: ProfitTier

    def rounded(self) -> ProfitMetrics:
        """A copy for output: money to cents, rates to 2 dp (flags and tier stay as computed, unrounded)."""
        r = round_half_up  # fields in order (see analyze.Analysis on positional construction)
        return ProfitMetrics(r(self.sell_price), r(self.buy_price), r(self.fees), r(self.buffer), r(self.other_costs),
                             r(self.net_profit), r(self.roi_pct), r(self.margin_pct), self.profitable,
                             self.meets_target, self.tier)


def roi_pct(net_profit: Decimal, buy_price: Decimal) -> Decimal:
    """Return on the money spent buying, in percent; 0 when nothing was spent."""
    return net_profit / buy_price * HUNDRED if buy_price > 0 else ZERO


def net_and_roi(sell_price: Decimal, buy_price: Decimal, *, fees: Decimal, buffer: Decimal,
                other_costs: Decimal = ZERO) -> tuple[Decimal, Decimal]:
    """Net profit and ROI of one buy/sell pair, ``buffer`` already in dollars; the pair is profitable when the
    net is above 0. ``profit_metrics`` builds on it; callers that need no more (one pair per offer condition)
    call it directly. Unchecked: ``profit_metrics`` refuses negative inputs.
    """
    net = sell_price - fees - buffer - buy_price - other_costs
    return net, roi_pct(net, buy_price)


def profit_tier(roi: Decimal, rules: RoiRules) -> ProfitTier:
    """Tier of an ROI against the rules' thresholds: excellent, good, fair, poor (> 0) or loss."""
    if roi >= rules.excellent:
        return "excellent"
    if roi >= rules.good:
        return "good"
    if roi >= rules.fair:
        return "fair"
    return "poor" if roi > 0 else "loss"


def _refuse_negative(**values: Decimal) -> None:
    """Raise ``InvalidPriceError`` naming the first negative one of ``values``."""
    for field, value in values.items():
        if value < 0:
            raise InvalidPriceError(f"{field} must not be negative",
                                    details=[{"field": field, "message": "must not be negative"}])


def profit_metrics(sell_price: Decimal, buy_price: Decimal, *, fees: Decimal, buffer_pct: Decimal,
                   rules: RoiRules, other_costs: Decimal = ZERO) -> ProfitMetrics:
    """Profit, ROI, margin and tier of one buy/sell pair.

    Raises ``InvalidPriceError`` when a price, the fees or the other costs are negative.

    >>> from arbvault.analysis.config_view import read_config
    >>> from arbvault.config.defaults import DEFAULT_RULES
    >>> m = profit_metrics(Decimal(20), Decimal(8), fees=Decimal("8.30"), buffer_pct=Decimal(5),
    ...                    rules=read_config(DEFAULT_RULES).roi)
    >>> m.net_profit, m.roi_pct, m.tier
    (Decimal('2.70'), Decimal('33.750'), 'good')
    """
    if sell_price < 0 or buy_price < 0 or fees < 0 or other_costs < 0:  # no tuple of pairs built per call
        _refuse_negative(sell_price=sell_price, buy_price=buy_price, fees=fees, other_costs=other_costs)
    buffer = pct_of(sell_price, buffer_pct)
    net, roi = net_and_roi(sell_price, buy_price, fees=fees, buffer=buffer, other_costs=other_costs)
    margin = net / sell_price * HUNDRED if sell_price > 0 else ZERO
    # Fields in order (see analyze.Analysis on positional construction).
    return ProfitMetrics(sell_price, buy_price, fees, buffer, other_costs, net, roi, margin, net > 0,
                         roi >= rules.target_pct, profit_tier(roi, rules))
