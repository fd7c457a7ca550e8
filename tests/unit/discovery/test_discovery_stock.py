"""Stock estimate over real offer prices (docs/rules.md#stock)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from arbvault.discovery.stock import estimate_stock
from arbvault.keepa.offers import parse_offers

D = Decimal


def _offer(price_cents: int, *, fba: bool) -> dict[str, Any]:
    return {"offerId": price_cents, "sellerId": f"S{price_cents}", "condition": 1, "isFBA": fba,
            "offerCSV": [8000000, price_cents + 100, 0, 8100000, price_cents, 0 if fba else 399], "lastSeen": 8100000}


def _live_offers(*offers: dict[str, Any]) -> list[Any]:
    raw = {"offers": list(offers), "liveOffersOrder": list(range(len(offers)))}
    return [offer for offer in parse_offers(raw) if offer.is_live]


@pytest.mark.parametrize(
    ("target", "units", "fba", "mfn"),
    [
        (None, 4, 4, 2),
        (D(20), 2, 2, 2),  # 17.00 and 23.00 are exactly on the band's edges; 16.99 and 23.01 are out
        (D(0), 4, 4, 2),  # a non-positive target filters nothing
        (D(100), 0, 0, 2),  # merchant-fulfilled offers are never filtered
    ],
)
def test_fba_offers_in_the_price_band_count_as_units(target: Decimal | None, units: int, fba: int, mfn: int) -> None:
    offers = _live_offers(_offer(1700, fba=True), _offer(2300, fba=True), _offer(1699, fba=True),
                          _offer(2301, fba=True), _offer(2000, fba=False), _offer(1000, fba=False))
    estimate = estimate_stock(offers, target)
    assert (estimate.units_available_estimate, estimate.offers_fba, estimate.offers_mfn, estimate.has_data) == (
        units, fba, mfn, True)


def test_units_are_capped_at_ten() -> None:
    offers = _live_offers(*(_offer(1500 + i, fba=True) for i in range(14)))
    assert estimate_stock(offers).units_available_estimate == 10
    assert estimate_stock(offers).offers_fba == 14


def test_no_offers_means_no_data() -> None:
    estimate = estimate_stock([])
    assert (estimate.units_available_estimate, estimate.offers_fba, estimate.offers_mfn, estimate.has_data) == (
        0, 0, 0, False)


def test_offer_without_a_current_price_is_outside_any_band() -> None:
    raw = {"offers": [{"offerId": 1, "sellerId": "S", "condition": 1, "isFBA": True, "offerCSV": [],
                       "lastSeen": 8100000}], "liveOffersOrder": [0]}
    assert estimate_stock(parse_offers(raw), D(20)).offers_fba == 0
    assert estimate_stock(parse_offers(raw)).offers_fba == 1
