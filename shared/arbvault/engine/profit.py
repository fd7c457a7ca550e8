"""The one profit and ROI definition: net = sell - costs - buy; ROI = net / buy.

The costs of a sale are itemised as ``CostLines``: Amazon's fees (referral, closing, fulfilment, inbound, prep),
the buffer (a percentage of the sell price from the rules: a safety margin against the price slipping before
the item sells) and the holding costs: storage (a monthly rate per unit over the months the item waits) and
returns (a percentage of the sell price refunded on returned items).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal

from arbvault.engine.config_view import RoiRules
from arbvault.engine.exceptions import InvalidPriceError
from arbvault.engine.fees import FeeBreakdown
from arbvault.engine.money import HUNDRED, ZERO, pct_of, round_half_up

ProfitTier = Literal["excellent", "good", "fair", "poor", "loss"]
DAYS_PER_MONTH: Final = Decimal(30)


@dataclass
class CostLines:
    """Every cost of one sale except the buy price, in dollars; ``total`` is their sum.

    Read-only (not frozen: see ``analyze.Analysis``).
    """

    referral: Decimal
    closing: Decimal
    fulfilment: Decimal
    inbound: Decimal
    prep: Decimal
    buffer: Decimal
    storage: Decimal
    returns: Decimal
    total: Decimal

    def rounded(self) -> CostLines:
        """A copy for output, every line in cents; the total is the exact total rounded (not a sum of roundings)."""
        r = round_half_up
        return CostLines(
            referral=r(self.referral),
            closing=r(self.closing),
            fulfilment=r(self.fulfilment),
            inbound=r(self.inbound),
            prep=r(self.prep),
            buffer=r(self.buffer),
            storage=r(self.storage),
            returns=r(self.returns),
            total=r(self.total),
        )


@dataclass
class ProfitMetrics:
    """Profit of buying at ``buy_price`` and selling at ``sell_price``; money in dollars, rates in percent.

    Read-only (not frozen: see ``analyze.Analysis``).
    """

    sell_price: Decimal
    buy_price: Decimal
    costs: CostLines
    net_profit: Decimal
    roi_pct: Decimal
    margin_pct: Decimal
    profitable: bool
    meets_target: bool
    tier: ProfitTier

    def rounded(self) -> ProfitMetrics:
        """A copy for output: money to cents, rates to 2 dp (flags and tier stay as computed, unrounded)."""
        r = round_half_up
        return ProfitMetrics(
            sell_price=r(self.sell_price),
            buy_price=r(self.buy_price),
            costs=self.costs.rounded(),
            net_profit=r(self.net_profit),
            roi_pct=r(self.roi_pct),
            margin_pct=r(self.margin_pct),
            profitable=self.profitable,
            meets_target=self.meets_target,
            tier=self.tier,
        )


def holding_costs(sell_price: Decimal, *, storage_per_unit_month: Decimal, days: Decimal,
                  returns_pct: Decimal) -> tuple[Decimal, Decimal]:
    """(storage, returns) of one unit: the monthly storage rate over ``days`` (a month counted as 30 days), and
    ``returns_pct`` % of the sell price."""
    return storage_per_unit_month * days / DAYS_PER_MONTH, pct_of(sell_price, returns_pct)


def roi_pct(net_profit: Decimal, buy_price: Decimal) -> Decimal:
    """Return on the money spent buying, in percent; 0 when nothing was spent."""
    return net_profit / buy_price * HUNDRED if buy_price > 0 else ZERO


def net_and_roi(sell_price: Decimal, buy_price: Decimal, *, costs: Decimal) -> tuple[Decimal, Decimal]:
    """Net profit and ROI of one buy/sell pair, ``costs`` being every cost line's total; the pair is profitable
    when the net is above 0. ``profit_metrics`` builds on it; callers that need no more (one pair per offer
    condition) call it directly. Unchecked: ``profit_metrics`` refuses negative inputs.
    """
    net = sell_price - costs - buy_price
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


def profit_metrics(sell_price: Decimal, buy_price: Decimal, *, fees: FeeBreakdown, buffer_pct: Decimal,
                   rules: RoiRules, storage: Decimal = ZERO, returns: Decimal = ZERO) -> ProfitMetrics:
    """Profit, ROI, margin and tier of one buy/sell pair, every cost itemised.

    ``buffer_pct`` is a percentage of the sell price; ``storage`` and ``returns`` are dollars (see
    ``holding_costs``). Raises ``InvalidPriceError`` when a price, the storage or the returns are negative.

    >>> from arbvault.engine.rules_document import read_config
    >>> from arbvault.engine.fees import amazon_fees
    >>> from arbvault.config.defaults import DEFAULT_RULES
    >>> rules = read_config(DEFAULT_RULES)
    >>> m = profit_metrics(Decimal(20), Decimal(8), fees=amazon_fees(Decimal(20), rules.fees["books"]),
    ...                    buffer_pct=Decimal(5), rules=rules.roi)
    >>> m.costs.total, m.net_profit, m.roi_pct, m.tier
    (Decimal('9.30'), Decimal('2.70'), Decimal('33.750'), 'good')
    """
    if sell_price < 0 or buy_price < 0 or storage < 0 or returns < 0:  # no tuple of pairs built per call
        _refuse_negative(sell_price=sell_price, buy_price=buy_price, storage=storage, returns=returns)
    buffer = pct_of(sell_price, buffer_pct)
    total = fees.total + buffer + storage + returns
    costs = CostLines(
        referral=fees.referral,
        closing=fees.closing,
        fulfilment=fees.fulfilment,
        inbound=fees.inbound,
        prep=fees.prep,
        buffer=buffer,
        storage=storage,
        returns=returns,
        total=total,
    )
    net, roi = net_and_roi(sell_price, buy_price, costs=total)
    margin = net / sell_price * HUNDRED if sell_price > 0 else ZERO
    return ProfitMetrics(
        sell_price=sell_price,
        buy_price=buy_price,
        costs=costs,
        net_profit=net,
        roi_pct=roi,
        margin_pct=margin,
        profitable=net > 0,
        meets_target=roi >= rules.target_pct,
        tier=profit_tier(roi, rules),
    )
