"""What scoring niches costs in Keepa tokens, priced from the Keepa client's own costs, before anything is spent.

Per niche: one candidate request (the product finder, since every template has rank and price ranges) plus one
product lookup per candidate analysed (two candidates per product wanted), with its live offers when the rules
need them (6 tokens instead of 1). Stored candidates and product
snapshots make the real cost lower; the estimate is what the guard must see available.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from arbvault.catalog.costs import product_lookup_cost
from arbvault.discovery.filters import CANDIDATES_PER_RESULT, DiscoveryFilters


@dataclass(frozen=True, slots=True)
class NicheCost:
    """Tokens one niche needs at least: its candidate request and its product lookups (a book with more than
    10 live offers costs a second page of 6)."""

    discovery: int
    products: int

    @property
    def per_niche(self) -> int:
        return self.discovery + self.products

    @classmethod
    def of(cls, filters: DiscoveryFilters, products_per_niche: int, *, offers: int | None) -> NicheCost:
        return cls(discovery=filters.cost,
                   products=product_lookup_cost(products_per_niche * CANDIDATES_PER_RESULT, offers=offers))


def estimate_niche_tokens(count: int, cost: NicheCost, *, buffer_pct: Decimal = Decimal(0)) -> int:
    """Tokens ``count`` niches need, with ``buffer_pct`` percent added on top (rounded up)."""
    if count <= 0:
        return 0
    return math.ceil(count * cost.per_niche * (1 + buffer_pct / 100))


def affordable_count(balance: int, cost: NicheCost) -> int:
    """How many niches ``balance`` tokens cover (0: wait for refills)."""
    return max(0, balance) // cost.per_niche if cost.per_niche > 0 else 0
