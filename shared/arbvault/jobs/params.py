"""What a job analyses with: the options of an ingest, kept on the job so every chunk uses the same; and what a
job will cost in Keepa tokens, from the Keepa client's documented costs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from arbvault.bounds import DOMAIN_RULE, KEEPA_DOMAINS
from arbvault.catalog.costs import product_lookup_cost
from arbvault.catalog.fetch_options import FetchOptions
from arbvault.engine.conditions import BUY_CONDITIONS
from arbvault.exceptions import InvalidInputError

_KNOWN = ("domain_id", "strategy", "buy_price", "buy_condition", "force_refresh", "offers", "config_profile")


def _invalid(field: str, message: str) -> InvalidInputError:
    return InvalidInputError(f"params.{field} {message}", details=[{"field": field, "message": message}])


@dataclass(frozen=True, slots=True)
class JobParams:
    """Options every chunk of a job is analysed with.

    ``strategy`` forces a strategy (else the engine picks one per product); ``buy_price`` is the reseller's
    acquisition cost for every product (else the strategy's buy source), for a copy in ``buy_condition`` (else the
    strategy's default condition); ``offers`` asks Keepa for that many
    live offers per product (20-100, 6 tokens per 10); ``config_profile`` is echoed back.
    """

    domain_id: int = 1
    strategy: str | None = None
    buy_price: Decimal | None = None
    buy_condition: str | None = None
    force_refresh: bool = False
    offers: int | None = None
    config_profile: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.domain_id, int) or self.domain_id not in KEEPA_DOMAINS:
            raise _invalid("domain_id", DOMAIN_RULE)
        if self.buy_price is not None and (not self.buy_price.is_finite() or self.buy_price < 0):
            raise _invalid("buy_price", "must be a non-negative number")
        if self.buy_condition is not None and self.buy_condition not in BUY_CONDITIONS:
            raise _invalid("buy_condition", f"must be one of {', '.join(BUY_CONDITIONS)}")
        self.fetch_options()  # refuses an offers count Keepa would not accept, before the job exists

    def fetch_options(self) -> FetchOptions:
        """What each chunk asks Keepa for."""
        return FetchOptions(offers=self.offers)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready values (``buy_price`` as a string, so no cent is lost)."""
        return {"domain_id": self.domain_id, "strategy": self.strategy,
                "buy_price": None if self.buy_price is None else str(self.buy_price),
                "buy_condition": self.buy_condition,
                "force_refresh": self.force_refresh, "offers": self.offers,
                "config_profile": self.config_profile}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> JobParams:
        """Parameters from :meth:`as_dict` output or a caller's mapping; 422 naming an unknown or bad field."""
        unknown = sorted(set(raw) - set(_KNOWN))
        if unknown:
            raise _invalid(unknown[0], f"is not a job parameter (known: {', '.join(_KNOWN)})")
        price = raw.get("buy_price")
        try:
            buy_price = None if price is None else Decimal(str(price))
        except InvalidOperation as exc:
            raise _invalid("buy_price", "must be a number") from exc
        strategy, profile, offers = raw.get("strategy"), raw.get("config_profile"), raw.get("offers")
        condition = raw.get("buy_condition")
        if offers is not None and (isinstance(offers, bool) or not isinstance(offers, int)):
            raise _invalid("offers", "must be an integer")
        return cls(domain_id=raw.get("domain_id", 1), strategy=None if strategy is None else str(strategy),
                   buy_price=buy_price, buy_condition=None if condition is None else str(condition),
                   force_refresh=bool(raw.get("force_refresh", False)),
                   offers=offers, config_profile=None if profile is None else str(profile))


def estimate_tokens(count: int, *, params: JobParams | None = None) -> int:
    """Tokens a job of ``count`` identifiers needs at most: one per product, or one offer page (6) each with
    ``params.offers``. Stored snapshots make the real cost lower (0 for products looked up within the TTL)."""
    options = (params or JobParams()).fetch_options()
    return product_lookup_cost(count, offers=options.offers, buybox=options.buybox)
