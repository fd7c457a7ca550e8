"""What a job will cost in Keepa tokens, from the Keepa client's documented costs."""

from __future__ import annotations

from arbvault.catalog.costs import product_lookup_cost
from arbvault.jobs.params import JobParams


def estimate_tokens(count: int, *, params: JobParams | None = None) -> int:
    """Tokens a job of ``count`` identifiers needs at most: one per product, or one offer page (6) each with
    ``params.offers``. Stored snapshots make the real cost lower (0 for products looked up within the TTL)."""
    options = (params or JobParams()).fetch_options()
    return product_lookup_cost(count, offers=options.offers, buybox=options.buybox)
