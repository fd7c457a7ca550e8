"""The one Amazon fee model: referral share of the sell price plus closing, FBA (by weight), inbound and prep.

For sell price P and package weight w lb: referral% x P + closing + (FBA base + per-lb x w) + inbound + prep.
With the books schedule at 1 lb that is 0.15 P + 5.30 (P = 20 gives 8.30).

A caller may state its own fees instead (``stated_fees``): referral %, a flat FBA fee and a prep fee. Those
are then the whole fee model: closing and inbound are 0, and a line the caller leaves out keeps the schedule's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from arbvault.engine.categories import cached_first_rules_key
from arbvault.engine.config_view import EngineConfig, FeeSchedule
from arbvault.engine.exceptions import InvalidPriceError
from arbvault.engine.money import ZERO, pct_of, round_half_up

# Keepa often has no package weight; one pound is a typical paperback's shipping weight.
DEFAULT_WEIGHT_LB = Decimal(1)


@dataclass
class FeeBreakdown:
    """The fees Amazon keeps on one sale, in dollars, unrounded.

    Read-only (not frozen: see ``analyze.Analysis``).
    """

    category: str
    weight_lb: Decimal
    referral: Decimal
    closing: Decimal
    fulfilment: Decimal
    inbound: Decimal
    prep: Decimal

    @property
    def total(self) -> Decimal:
        """Sum of every fee."""
        return self.referral + self.closing + self.fulfilment + self.inbound + self.prep

    def rounded(self) -> FeeBreakdown:
        """A copy for output with every fee in cents (the total is then the sum of the rounded fees)."""
        r = round_half_up
        return FeeBreakdown(
            category=self.category,
            weight_lb=self.weight_lb,
            referral=r(self.referral),
            closing=r(self.closing),
            fulfilment=r(self.fulfilment),
            inbound=r(self.inbound),
            prep=r(self.prep),
        )


def fee_schedule(config: EngineConfig, category_names: Iterable[str | None]) -> tuple[str, FeeSchedule]:
    """The fee schedule key and schedule for a product's category names (root first, then leaf)."""
    key = cached_first_rules_key(tuple(category_names), config.fee_keys)
    return key, config.fees[key]


def amazon_fees(sell_price: Decimal, schedule: FeeSchedule, *, category: str = "default",
                weight_lb: Decimal | None = None) -> FeeBreakdown:
    """Fees on selling at ``sell_price`` under ``schedule``; ``weight_lb`` unknown or not positive counts as 1 lb.

    Raises ``InvalidPriceError`` for a negative price. Every fee is non-negative because the schedule is.
    """
    if sell_price < 0:
        raise InvalidPriceError("sell price must not be negative", details=[{"field": "sell_price",
                                                                             "message": "must not be negative"}])
    weight = weight_lb if weight_lb is not None and weight_lb > 0 else DEFAULT_WEIGHT_LB
    referral = pct_of(sell_price, schedule.referral_pct)
    fulfilment = schedule.fba_base + schedule.fba_per_lb * weight
    return FeeBreakdown(
        category=category,
        weight_lb=weight,
        referral=referral,
        closing=schedule.closing_fee,
        fulfilment=fulfilment,
        inbound=schedule.inbound_shipping,
        prep=schedule.prep_fee,
    )


def stated_fees(sell_price: Decimal, schedule: FeeSchedule, *, category: str = "default",
                weight_lb: Decimal | None = None, referral_pct: Decimal | None = None,
                fba_fee: Decimal | None = None, prep_fee: Decimal | None = None) -> FeeBreakdown:
    """Fees a caller states: referral ``referral_pct`` % of the price, fulfilment ``fba_fee`` flat, ``prep_fee``;
    closing and inbound 0. A line left as None keeps ``schedule``'s value (fulfilment by weight).
    """
    base = amazon_fees(sell_price, schedule, category=category, weight_lb=weight_lb)
    return FeeBreakdown(
        category=category,
        weight_lb=base.weight_lb,
        referral=pct_of(sell_price, referral_pct) if referral_pct is not None else base.referral,
        closing=ZERO,
        fulfilment=fba_fee if fba_fee is not None else base.fulfilment,
        inbound=ZERO,
        prep=prep_fee if prep_fee is not None else base.prep,
    )
