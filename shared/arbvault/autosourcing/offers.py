"""Whether a run's candidates are looked up with live offers, under the rules that may price them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from arbvault.catalog.fetch_options import LIVE_OFFERS
from arbvault.engine.strategy import live_offers_needed

if TYPE_CHECKING:
    from arbvault.autosourcing.configs import ScoringSpec
    from arbvault.engine.config_view import EngineConfig


def live_offers(scoring: ScoringSpec, config: EngineConfig) -> int | None:
    """``LIVE_OFFERS`` when a strategy that may price the candidates (``scoring``'s named one, else any the engine
    may pick) reads a price Keepa reports only with live offers, given ``scoring``'s buy price or not; ``None``
    otherwise. 422 for an unknown strategy."""
    needed = live_offers_needed(config, strategy=scoring.strategy, buy_price_given=scoring.buy_price is not None)
    return LIVE_OFFERS if needed else None
