"""What Keepa calls cost in tokens (Keepa's published token costs), so the guard can check before spending.

Estimates are the least a call is sure to cost: the balance must cover at least that much.
"""

from __future__ import annotations

import math
from typing import Final

PRODUCT_COST: Final = 1
"""Per product requested by ``asin=`` (an unknown ASIN is charged too), or returned by ``code=``."""
OFFER_PAGE_COST: Final = 6
"""Per page of up to 10 live offers per product; replaces the base cost. At least one page when offers exist."""
BUYBOX_COST: Final = 2
"""Per product with ``buybox=1`` (ignored, and not charged, when offers are requested)."""
FINDER_BASE_COST: Final = 10
"""``/query``: 10, plus 1 per 100 ASINs returned."""
BESTSELLERS_COST: Final = 50
CATEGORY_COST: Final = 1
"""``/category``: per request of up to 10 ids."""
TOKEN_STATUS_COST: Final = 0


def product_lookup_cost(count: int, *, offers: int | None = None, buybox: bool = False) -> int:
    """Least tokens for looking up ``count`` products (one offer page each when ``offers`` is set)."""
    if count <= 0:
        return 0
    if offers:
        return count * OFFER_PAGE_COST
    return count * (PRODUCT_COST + (BUYBOX_COST if buybox else 0))


def finder_cost(max_results: int) -> int:
    """``/query`` returning up to ``max_results`` ASINs."""
    return FINDER_BASE_COST + math.ceil(max(max_results, 0) / 100)
