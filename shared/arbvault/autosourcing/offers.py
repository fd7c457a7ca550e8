"""Whether a run's candidates are looked up with live offers, under the rules that may price them.

A strategy buying at the cheapest live offer without a caller's buy price, or selling at a condition's Buy Box,
reads a price Keepa reports only with the offers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from arbvault.catalog.fetch_options import LIVE_OFFERS
from arbvault.engine.config_view import CHEAPEST_OFFER, CONDITION_BUY_BOX
from arbvault.engine.strategy import named_strategy

if TYPE_CHECKING:
    from arbvault.autosourcing.configs import ScoringSpec
    from arbvault.engine.config_view import EngineConfig, Strategy

def _reads_offers(strategy: Strategy, scoring: ScoringSpec) -> bool:
    buys_at_an_offer = strategy.buy_price_source == CHEAPEST_OFFER and scoring.buy_price is None
    return buys_at_an_offer or strategy.sell_price_source == CONDITION_BUY_BOX


def live_offers(scoring: ScoringSpec, config: EngineConfig) -> int | None:
    """``LIVE_OFFERS`` when a strategy that may price the candidates (``scoring``'s named one, else any the
    engine may pick) buys at the cheapest live offer without a caller's price, or sells at a condition's Buy Box.
    ``None`` otherwise; 422 for an unknown strategy."""
    strategies = ([named_strategy(scoring.strategy, config)] if scoring.strategy is not None
                  else [*config.selection_order, config.strategies[config.active_strategy]])
    return LIVE_OFFERS if any(_reads_offers(s, scoring) for s in strategies) else None
