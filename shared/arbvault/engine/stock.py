"""Stock estimate (how many units could be bought now) from the live marketplace offers.

Each FBA offer counts as one unit, capped at 10: Keepa does not report per-offer quantities, and a reseller
rarely buys more than a handful per listing. With a positive ``price_target`` only FBA offers whose real
current price lies within 15 % of it count; merchant-fulfilled offers are reported but never filtered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Protocol

PRICE_BAND: Final = Decimal("0.15")
MAX_UNITS: Final = 10


class OfferLike(Protocol):
    """What the estimate reads from an offer (``arbvault.keepa.offers.Offer`` fits)."""

    @property
    def is_fba(self) -> bool: ...

    @property
    def price(self) -> Decimal | None: ...


@dataclass(frozen=True)
class StockEstimate:
    """Units available estimate and the offer counts behind it; ``has_data`` is False without any offer."""

    units_available_estimate: int
    offers_fba: int
    offers_mfn: int
    has_data: bool


def _in_band(price: Decimal | None, target: Decimal) -> bool:
    return price is not None and target * (1 - PRICE_BAND) <= price <= target * (1 + PRICE_BAND)


def estimate_stock(live_offers: Sequence[OfferLike], price_target: Decimal | None = None) -> StockEstimate:
    """Estimate units from currently listed offers; see the module docstring for the rule."""
    fba = [offer for offer in live_offers if offer.is_fba]
    if price_target is not None and price_target > 0:
        fba = [offer for offer in fba if _in_band(offer.price, price_target)]
    mfn = sum(1 for offer in live_offers if not offer.is_fba)
    return StockEstimate(
        units_available_estimate=min(MAX_UNITS, len(fba)),
        offers_fba=len(fba),
        offers_mfn=mfn,
        has_data=bool(live_offers),
    )
