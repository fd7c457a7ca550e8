"""Whether niche products are looked up with their live offers, which the default rules price from.

Niches never carry a caller's buy price, so the rules' strategies price every product; when one the engine may
pick reads a price Keepa reports only with offers (``needs_live_offers``), each product is looked up with one
page of them: 6 tokens a product instead of 1.
"""

from __future__ import annotations

from arbvault.catalog.fetch_options import LIVE_OFFERS
from arbvault.db import session_scope


def live_offers_wanted(domain_id: int) -> int | None:
    """Offers to fetch per product under ``domain_id``'s rules (None: the rules read no live offer)."""
    from arbvault.catalog.rules import RulesBook  # the stored rules: loaded when a plan is first priced
    from arbvault.engine.strategy import live_offers_needed  # loaded with the rules

    with session_scope() as session:
        config = RulesBook(session, domain_id=domain_id).config(None)
    return LIVE_OFFERS if live_offers_needed(config, strategy=None, buy_price_given=False) else None
