"""Discovery filters: normalised once, hashed into the cache key, and turned into Keepa's request.

What goes to Keepa: the finder gets a real selection document; prices go in cents (``current_NEW_*``); the
sales-rank floor is always at least 1, so a product without a rank (0 or -1) never passes a rank filter; a
category with no other filter uses the category's best-seller list, anything else the finder (one request
instead of best sellers plus a product fetch per 100 ASINs).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, Literal, get_args

from arbvault.catalog.costs import BESTSELLERS_COST, finder_cost
from arbvault.discovery.categories import category_by_id
from arbvault.discovery.exceptions import InvalidFiltersError
from arbvault.engine.money import round_half_up

CandidateSource = Literal["finder", "bestsellers"]
Exclusion = Literal["not_found", "amazon_sells", "no_price_or_rank", "below_roi_min", "below_velocity_min"]
"""Why scoring left a candidate out."""
EXCLUSIONS: Final[tuple[Exclusion, ...]] = get_args(Exclusion)

AMAZON_ABSENT: Final = -1
"""Keepa's ``availabilityAmazon`` code for "Amazon has no offer"."""
CANDIDATE_WINDOW: Final = 200
"""ASINs fetched per filter set: the most any request uses (discover's 200, or 2 x scoring's 100), so one
cached result serves every ``max_results``. A finder page of 200 costs 12 tokens against 11 for 50."""
CANDIDATES_PER_RESULT: Final = 2
"""Candidates scored per result asked for: the window of a scoring request."""


def _cents(price: Decimal) -> int:
    return int(round_half_up(price * 100, 0))


@dataclass(frozen=True, slots=True)
class DiscoveryFilters:
    """What to discover: marketplace, category id, sales-rank and price (dollars) ranges (``None`` = any), the most
    sellers of new copies a product may have (Keepa's new-offer count), and whether to ask only for products Amazon
    does not offer (scoring leaves those out, so finding them is waste)."""

    domain_id: int
    category: int | None = None
    bsr_min: int | None = None
    bsr_max: int | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    without_amazon: bool = False
    sellers_max: int | None = None

    def __post_init__(self) -> None:
        problems = []
        if self.bsr_min is not None and self.bsr_max is not None and self.bsr_min > self.bsr_max:
            problems.append({"field": "body.bsr_max", "message": "must not be below bsr_min"})
        if self.price_min is not None and self.price_max is not None and self.price_min > self.price_max:
            problems.append({"field": "body.price_max", "message": "must not be below price_min"})
        if problems:
            raise InvalidFiltersError("the filter ranges are empty", details=problems)

    @property
    def source(self) -> CandidateSource:
        """Best sellers when only a category is given, otherwise the product finder."""
        ranges = (self.bsr_min, self.bsr_max, self.price_min, self.price_max)
        only_category = all(v is None for v in (*ranges, self.sellers_max)) and not self.without_amazon
        return "bestsellers" if self.category is not None and only_category else "finder"

    @property
    def cost(self) -> int:
        """Tokens the Keepa call will cost at most (the finder charges 1 per 100 ASINs returned)."""
        if self.source == "bestsellers":
            return BESTSELLERS_COST
        return finder_cost(CANDIDATE_WINDOW)

    def applied(self) -> dict[str, Any]:
        """The filters as given, without the absent ones (prices in dollars, as strings of cents precision)."""
        values: dict[str, Any] = {"domain": self.domain_id, "category": self.category, "bsr_min": self.bsr_min,
                                  "bsr_max": self.bsr_max}
        for name in ("price_min", "price_max"):
            price = getattr(self, name)
            values[name] = float(round_half_up(price)) if price is not None else None
        if self.without_amazon:
            values["without_amazon"] = True
        values["sellers_max"] = self.sellers_max
        return {name: value for name, value in values.items() if value is not None}

    def cache_key(self) -> str:
        """SHA-256 of the normalised filters: prices compare in cents, so 10 and 10.001 share a result."""
        normal = {"domain": self.domain_id, "category": self.category, "bsr_min": self.bsr_min,
                  "bsr_max": self.bsr_max,
                  "price_min": _cents(self.price_min) if self.price_min is not None else None,
                  "price_max": _cents(self.price_max) if self.price_max is not None else None}
        # Absent when unset, so the keys of earlier stored results still match.
        if self.without_amazon:
            normal["without_amazon"] = True
        if self.sellers_max is not None:
            normal["sellers_max"] = self.sellers_max
        canonical = json.dumps(normal, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def selection(self) -> dict[str, Any]:
        """The Product Finder selection: one page of ``CANDIDATE_WINDOW`` by ascending current sales rank."""
        selection: dict[str, Any] = {"current_SALES_gte": max(1, self.bsr_min or 1)}
        if self.bsr_max is not None:
            selection["current_SALES_lte"] = self.bsr_max
        if self.price_min is not None:
            selection["current_NEW_gte"] = _cents(self.price_min)
        if self.price_max is not None:
            selection["current_NEW_lte"] = _cents(self.price_max)
        if self.category is not None:
            known = category_by_id(self.category)
            selection["rootCategory" if known and known.is_root else "categories_include"] = [self.category]
        if self.without_amazon:
            selection["availabilityAmazon"] = [AMAZON_ABSENT]
        if self.sellers_max is not None:
            selection["current_COUNT_NEW_lte"] = self.sellers_max
        selection.update(sort=[["current_SALES", "asc"]], page=0, perPage=CANDIDATE_WINDOW)
        return selection
