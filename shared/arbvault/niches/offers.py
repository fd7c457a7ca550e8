"""Whether niche products are looked up with their live offers, which the default rules price from.

Niches never carry a caller's buy price, so the rules' strategies price every product. A strategy buying at
the cheapest live offer, or selling at a Buy Box, needs Keepa's offers: without them there is no live offer
and no Buy Box, so no buy price and no ROI. One page of offers costs 6 tokens a product instead of 1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from arbvault.catalog.fetch_options import LIVE_OFFERS
from arbvault.db import session_scope

if TYPE_CHECKING:
    from arbvault.engine.config_view import EngineConfig

def reads_live_offers(config: EngineConfig) -> bool:
    """Whether any strategy of ``config`` buys at a live offer or sells at a Buy Box."""
    from arbvault.engine.config_view import CHEAPEST_OFFER, CONDITION_BUY_BOX  # loaded with the rules

    buy_box = {CONDITION_BUY_BOX, "current_buy_box", "avg90_buy_box"}
    return any(s.buy_price_source == CHEAPEST_OFFER or s.sell_price_source in buy_box
               for s in config.strategies.values())


def live_offers_wanted(domain_id: int) -> int | None:
    """Offers to fetch per product under ``domain_id``'s rules (None: the rules read no live offer)."""
    from arbvault.catalog.rules import RulesBook  # the stored rules: loaded when a plan is first priced

    with session_scope() as session:
        config = RulesBook(session, domain_id=domain_id).config(None)
    return LIVE_OFFERS if reads_live_offers(config) else None
