"""What a Keepa lookup asks for (stats window, live offers, history, buy box): a value every route that looks
products up builds, kept apart from the snapshot store so that building one loads no table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from arbvault.exceptions import InvalidInputError

DEFAULT_STATS_DAYS = 90
MIN_OFFERS, MAX_OFFERS = 20, 100
LIVE_OFFERS = MIN_OFFERS
"""Live offers a lookup asks for when its pricing reads them: the fewest Keepa accepts, one page (6 tokens a
product instead of 1)."""


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """What a lookup asks Keepa for: the stats window, live offers (20-100, or none), history, buy box."""

    stats_days: int = DEFAULT_STATS_DAYS
    offers: int | None = None
    history: bool = True
    buybox: bool = False

    def __post_init__(self) -> None:
        if not 1 <= self.stats_days <= 3650:
            raise InvalidInputError("stats_days must be between 1 and 3650")
        if self.offers is not None and not MIN_OFFERS <= self.offers <= MAX_OFFERS:
            raise InvalidInputError(f"offers must be between {MIN_OFFERS} and {MAX_OFFERS}",
                                    details=[{"field": "offers", "message": f"{MIN_OFFERS}-{MAX_OFFERS}"}])

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments for ``KeepaClient.fetch_raw_products``."""
        return {"stats": self.stats_days, "offers": self.offers, "history": self.history, "buybox": self.buybox}

    def as_dict(self) -> dict[str, Any]:
        return {"stats_days": self.stats_days, "offers": self.offers or 0, "history": self.history,
                "buybox": self.buybox}
